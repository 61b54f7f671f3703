"""The effective settings of a settings module, by abstract interpretation of its facts.

`evaluate_settings(project, module)` runs the module-level `Statement`s of the settings
module in order, as Python would, without executing anything:

- `from .base import *` evaluates the other module (once per evaluation, as Python caches
  modules) and copies its public names (`__all__` when it is a list of strings); a module
  that star-imports itself through others stops the cycle and records a problem;
- `from .base import INSTALLED_APPS` binds the name from the other settings module;
- assignments, `X["a"]["b"] = v`, `X += v` (lists and tuples concatenated, dicts and sets
  merged with `|`), `X.append/extend/insert/remove/pop/update/setdefault(...)`, `del X`;
- names in values (`MIDDLEWARE = BASE_MIDDLEWARE + [...]`) are replaced by their values
  so far, and constant arithmetic is folded (`60 * 60 * 24` -> 86400);
- django-split-settings `include("components/*.py", optional("local.py"))` runs each file
  found (relative to the including file, a glob's files sorted by name, each file once) in
  the including module's namespace; a file that cannot be followed makes the settings
  `incomplete`;
- an if/elif/else branch is decided as a fresh deployment runs it: every environment
  variable unset, except those of a `.env` file the settings load (`read_env()`,
  `load_dotenv()`); `os.environ.get("X")` is None, a required variable leaves it undecided;
- any other statement under if/try/for/with (or reached through such a star import) is
  uncertain: a name without a value takes the conditional value with `conditional=True`; a
  name that had one keeps it with `maybe_overridden=True` (for `X["k"] = v` the key is
  noted in `uncertain_keys`; strings a conditional statement may add to a list are kept
  for `conditional_additions`). Rules stay silent on uncertain values;
- a list extended from what cannot be followed (`+= plugins()`, a loop's `append`, a
  starred call) keeps its known entries and ends with one `Unknown` entry.

Values read from the environment stay `Env` (not hard-coded), with their django-environ
schema cast and default; `fresh(name)` is the value with the environment unset,
`resolved(name)` with the `.env` file's values. When the settings are `incomplete`
(missing, empty, an include() not followed), a setting they do not assign is `Unknown`,
not Django's default; `not_followed()` says what could not be followed. Values of `.env`
files are secrets: they never appear in problems, reprs or logs.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django_expert.analyzers import files
from django_expert.analyzers.facts.types import FileFacts, Statement
from django_expert.analyzers.facts.values import (
    BinOp,
    Call,
    Const,
    Env,
    Mapping,
    Ref,
    Seq,
    Starred,
    Unknown,
    Value,
    is_environ_class,
)
from django_expert.analyzers.knowledge.settings_defaults import DJANGO_DEFAULTS, DRF_DEFAULTS
from django_expert.analyzers.project.dotenv import parse_env_file
from django_expert.analyzers.source import DecodeError, decode

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

GLOBAL_SETTINGS = "django.conf.global_settings"
_MAX_NODES = 5000  # a value bigger than this (X = X + X ...) becomes Unknown
_MAX_DEPTH = 40  # settings modules importing one another deeper than this are not followed
_MAX_ENV_BYTES = 1 << 20
_TRUE = frozenset({"true", "on", "ok", "y", "yes", "1", "t"})
_ALL = "*"


@dataclass(frozen=True, slots=True)
class SettingValue:
    """The value a setting has at the end of the evaluation, and where it was last set.

    `module` and `statement_index` locate the last statement that set or changed it
    (`project.locations_of(module).get(f"stmt:{statement_index}")`); a default from Django
    has module "django.conf.global_settings" and index -1. `from_env` says the value is,
    or contains, a value read from the environment. `uncertain_keys` lists the top-level
    keys of a dict a conditional statement may have changed ("*": the whole value).
    """

    name: str
    value: Value
    module: str
    statement_index: int
    conditional: bool = False
    maybe_overridden: bool = False
    from_env: bool = False
    uncertain_keys: frozenset[str] = frozenset()

    @property
    def certain(self) -> bool:
        """Set unconditionally and never possibly overridden."""
        return not self.conditional and not self.maybe_overridden

    def key_certain(self, key: str) -> bool:
        """Whether the dict key `key` of this value is known for sure."""
        return not self.conditional and _ALL not in self.uncertain_keys and key not in self.uncertain_keys

    def __repr__(self) -> str:  # values may be secrets: never shown
        return f"SettingValue({self.name!r}, module={self.module!r}, stmt={self.statement_index})"


class EvaluatedSettings:
    """The result of evaluating one settings module. Immutable."""

    def __init__(
        self,
        module: str | None,
        exists: bool,
        names: dict[str, SettingValue],
        problems: Iterable[str],
        keys: Iterable[tuple[str, ...]],
        env_loader: _EnvLoader | None = None,
        *,
        unfollowed: Iterable[str] = (),
        additions: dict[str, frozenset[str] | None] | None = None,
        reads_dotenv: bool = False,
        incomplete: bool = False,
        included: Iterable[str] = (),
        absent: Iterable[str] = (),
    ) -> None:
        self.module = module
        self.exists = exists
        self._names = names
        self.problems: tuple[str, ...] = tuple(dict.fromkeys(problems))
        self.unfollowed: tuple[str, ...] = tuple(dict.fromkeys(unfollowed))
        self.keys: frozenset[tuple[str, ...]] = frozenset(keys)
        self._env = env_loader
        self._additions = additions or {}
        self.reads_dotenv = reads_dotenv
        # Part of the settings could not be read (a missing module, an include() not
        # followed): a name it does not assign may still be set, so it is not Django's default.
        self.incomplete = incomplete or not exists
        # Modules django-split-settings include()s run in this one's namespace: its settings too.
        self.included: tuple[str, ...] = tuple(dict.fromkeys(included))
        # Modules star-imported only when they exist (`if (BASE_DIR / "local_settings.py").exists():`,
        # `try: ... except ImportError:`) that the repository does not hold: read without them,
        # as a fresh deployment of the repository runs.
        self.absent: tuple[str, ...] = tuple(dict.fromkeys(absent))

    def __repr__(self) -> str:
        return f"EvaluatedSettings({self.module!r}, {len(self.names())} settings)"

    def get(self, name: str) -> SettingValue | None:
        """The setting as the settings module leaves it, or None when never assigned."""
        return self._names.get(name)

    def value(self, name: str) -> Value | None:
        setting = self._names.get(name)
        return setting.value if setting else None

    def names(self) -> tuple[str, ...]:
        """The setting names (upper case, as Django reads them) assigned by the module."""
        return tuple(sorted(n for n in self._names if n.isupper()))

    def with_default(self, name: str) -> SettingValue | None:
        """The setting, else Django's default for it, else None (not a Django setting). When
        the settings are `incomplete`, an unassigned Django setting is Unknown and uncertain:
        rules stay silent rather than judge a default the project may well override."""
        setting = self._names.get(name)
        if setting is not None:
            return setting
        default = _default_setting(name)
        if default is not None and self.incomplete:
            return replace(default, value=Unknown("unfollowed"), module=self.module or GLOBAL_SETTINGS,
                           maybe_overridden=True)
        return default

    def resolved(self, name: str) -> SettingValue | None:
        """The setting with environment reads replaced by the `.env` value or the default.

        An `Env` without a value in `.env` and without a default stays an `Env`.
        """
        setting = self._names.get(name)
        if setting is None or not setting.from_env:
            return setting
        env = self._env.values() if self._env else {}
        return replace(setting, value=_resolve_env(setting.value, env), from_env=True)

    def fresh(self, name: str) -> Value | None:
        """The setting (Django's default when unset) as a fresh deployment has it: every
        environment variable unset, except those of a `.env` file the settings load
        themselves (`read_env()`, `load_dotenv()`). A required variable stays an `Env`."""
        setting = self.with_default(name)
        if setting is None:
            return None
        if not setting.from_env:
            return setting.value
        env = self._env.values() if self._env and self.reads_dotenv else {}
        return _resolve_env(setting.value, env)

    def holds(self, guard: Value) -> bool | None:
        """Whether a condition on the settings holds as a fresh deployment has them (see
        `fresh`): `settings.X`, `hasattr(settings, "X")`, with `not`/`and`/`or` and
        comparisons, as an `if` of a URL conf writes them; None when it cannot be known."""
        try:
            return bool(_python(self._fresh_reads(guard)))
        except _Unsure:
            return None

    def _fresh_reads(self, value: Value) -> Value:
        match value:
            case Ref(name=name) if name.startswith("django.conf.settings."):
                setting = self.with_default(name.removeprefix("django.conf.settings."))
                if setting is None or not setting.certain:
                    raise _Unsure
                return self.fresh(setting.name) or Unknown("unset")
            case Call(func="hasattr", args=(Ref(name="django.conf.settings"), Const(value=str() as name))):
                if self.get(name) is None and self.incomplete:
                    raise _Unsure
                return Const(self.with_default(name) is not None)
            case Call(func=func, args=args) if func in _LOGIC:
                return Call(func, tuple(self._fresh_reads(a) for a in args), ())
        return value

    def conditional_additions(self, name: str) -> frozenset[str] | None:
        """The strings statements under a condition the analyser cannot decide may add to
        the list setting `name` (`if "test" in sys.argv: INSTALLED_APPS += [...]`); None when
        such a statement changes it in another way."""
        return self._additions.get(name, frozenset())

    def partly_unknown(self) -> tuple[str, ...]:
        """The settings whose value the analyser could not follow, in whole or in part
        (a list with unreadable entries, a value built by a call): names only."""
        return tuple(name for name in self.names() if _unfollowed_value(self._names[name]))

    def env_defined(self, var: str) -> bool:
        """Whether a `.env` file of the project defines `var` (its value is not exposed)."""
        return bool(self._env) and var in self._env.values()  # type: ignore[union-attr]

    @property
    def env_problems(self) -> tuple[str, ...]:
        """Problems met reading the `.env` files (read on first use)."""
        if self._env is None:
            return ()
        self._env.values()
        return tuple(self._env.problems)

    def rest_framework(self) -> dict[str, Value]:
        """REST_FRAMEWORK merged over DRF's defaults. A key whose value cannot be known for
        sure (REST_FRAMEWORK set conditionally, a `**spread` that did not resolve, a key a
        conditional statement may change) is `Unknown`."""
        result = dict(_DRF_VALUES)
        setting = self._names.get("REST_FRAMEWORK")
        if setting is None:
            return {key: Unknown("REST_FRAMEWORK") for key in result} if self.incomplete else result
        value = setting.value
        unsure = Unknown("REST_FRAMEWORK")
        if not isinstance(value, Mapping) or setting.conditional or _ALL in setting.uncertain_keys:
            written = _const_keys(value) if isinstance(value, Mapping) else []
            return {key: unsure for key in [*result, *written]}
        if any(not _is_str_const(key) for key, _ in value.items):
            result = {key: unsure for key in result}
        for key, item in value.items:
            if _is_str_const(key):
                result[key.value] = item  # type: ignore[union-attr]
        for key in setting.uncertain_keys:
            result[key] = unsure
        return result


# -- plain Python <-> Value ---------------------------------------------------------------


def from_python(value: Any) -> Value:
    """A Value for a plain Python constant (defaults tables)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = "list" if isinstance(value, list) else "tuple" if isinstance(value, tuple) else "set"
        return Seq(kind, tuple(from_python(v) for v in value))
    if isinstance(value, dict):
        return Mapping(tuple((from_python(k), from_python(v)) for k, v in value.items()))
    if value is None or isinstance(value, (str, bytes, int, float, complex, bool)):
        return Const(value)
    return Unknown(type(value).__name__)


_DRF_VALUES: dict[str, Value] = {key: from_python(value) for key, value in DRF_DEFAULTS.items()}
_DEFAULTS: dict[str, SettingValue] = {}


def _default_setting(name: str) -> SettingValue | None:
    """Django's default for a setting as a SettingValue (memoised), None if not a setting."""
    if name not in _DEFAULTS and name in DJANGO_DEFAULTS:
        _DEFAULTS[name] = SettingValue(name, from_python(DJANGO_DEFAULTS[name]), GLOBAL_SETTINGS, -1)
    return _DEFAULTS.get(name)


def _is_str_const(value: Value) -> bool:
    return isinstance(value, Const) and isinstance(value.value, str) and value.value != "**"


def _const_keys(mapping: Mapping) -> list[str]:
    return [k.value for k, _ in mapping.items if _is_str_const(k)]  # type: ignore[union-attr]


def _size(value: Value, budget: int = _MAX_NODES) -> int:
    """Node count of a value, counting at most `budget + 1`."""
    count = 0
    stack = [value]
    while stack and count <= budget:
        node = stack.pop()
        count += 1
        match node:
            case Seq(items=items):
                stack.extend(items)
            case Mapping(items=items):
                for key, item in items:
                    stack.append(key)
                    stack.append(item)
            case Call(args=args, kwargs=kwargs, receiver=receiver):
                stack.extend(args)
                stack.extend(v for _, v in kwargs)
                if receiver is not None:
                    stack.append(receiver)
            case Env(default=default) if default is not None:
                stack.append(default)
            case Starred(value=inner):
                stack.append(inner)
            case BinOp(left=left, right=right):
                stack.append(left)
                stack.append(right)
    return count


def _has_env(value: Value | None) -> bool:
    match value:
        case Env():
            return True
        case Starred(value=inner):
            return _has_env(inner)
        case Seq(items=items):
            return any(_has_env(i) for i in items)
        case Mapping(items=items):
            return any(_has_env(k) or _has_env(v) for k, v in items)
        case Call(args=args, kwargs=kwargs, receiver=receiver):
            return any(_has_env(a) for a in args) or any(_has_env(v) for _, v in kwargs) or _has_env(receiver)
        case BinOp(left=left, right=right):
            return _has_env(left) or _has_env(right)
    return False


def _bounded(value: Value) -> Value:
    return value if _size(value) <= _MAX_NODES else Unknown("TooLarge")


# -- lists partly known ----------------------------------------------------------------------
# `INSTALLED_APPS += get_plugins()` or a `for` loop appending to MIDDLEWARE leaves a list whose
# known entries are certain and whose other entries are not: a Seq with an `Unknown` item per
# part that could not be followed ("more" entries). Rules asking "is X in it" answer yes for a
# known entry and stay silent otherwise (`deployment._settings.Listing`).


def _opaque(value: Value) -> bool:
    """Something added to a list that cannot be followed (a call, an unresolved name), as
    opposed to an environment read, which keeps its own meaning."""
    return isinstance(value, (Call, Ref, Unknown, BinOp)) and not _has_env(value)


def _more(value: Value) -> Unknown:
    kind = "loop" if isinstance(value, Unknown) and value.kind == "loop" else type(value).__name__
    return value if isinstance(value, Unknown) else Unknown(f"more:{kind}")


def with_more(seq: Seq, added: Value) -> Seq:
    """`seq` followed by entries that cannot be known (one marker, not one per addition)."""
    if seq.items and isinstance(seq.items[-1], Unknown):
        return seq
    return Seq(seq.kind, seq.items + (_more(added),))


def _unpacked(seq: Seq) -> Seq:
    """`[*BASE_APPS, "x"]`: a starred list or tuple spliced in; one that cannot be read
    leaves the known entries and marks the rest unknown."""
    if not any(isinstance(i, Starred) for i in seq.items):
        return seq
    items: list[Value] = []
    for item in seq.items:
        if not isinstance(item, Starred):
            items.append(item)
        elif isinstance(item.value, Seq) and (item.value.kind != "set" or seq.kind == "set"):
            items.extend(item.value.items)
        elif _has_env(item.value):
            items.append(item)  # an environment read spliced in: kept for `fresh()`
        elif not (items and isinstance(items[-1], Unknown)):
            items.append(_more(item.value))
    return _bounded(Seq(seq.kind, tuple(items)))


def unknown_entries(value: Value | None) -> bool:
    """Whether a list value has entries the analyser could not read."""
    return isinstance(value, Seq) and any(not isinstance(i, Const) for i in value.items)


# -- folding --------------------------------------------------------------------------------


def _number(value: Value) -> int | float | None:
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    return None


def fold(value: Value) -> Value:
    """Fold one level of a BinOp or a string-method Call whose operands are known."""
    if isinstance(value, BinOp):
        return _fold_binop(value)
    if isinstance(value, Call):
        return _fold_call(value)
    return value


def _fold_binop(node: BinOp) -> Value:
    left, right, op = node.left, node.right, node.op
    if op == "+":
        if isinstance(left, Seq) and isinstance(right, Seq) and left.kind == right.kind and left.kind != "set":
            return _bounded(Seq(left.kind, left.items + right.items))
        if isinstance(left, Seq) and left.kind != "set" and _opaque(right):
            return _bounded(with_more(left, right))
        if isinstance(right, Seq) and right.kind != "set" and _opaque(left):
            return _bounded(Seq(right.kind, (_more(left),) + right.items))
        if isinstance(left, Const) and isinstance(right, Const):
            if isinstance(left.value, str) and isinstance(right.value, str):
                return Const(left.value + right.value)
    if op == "|":
        if isinstance(left, Mapping) and isinstance(right, Mapping):
            return _bounded(_merge(left, right))
        if isinstance(left, Seq) and isinstance(right, Seq) and left.kind == right.kind == "set":
            return Seq("set", left.items + tuple(i for i in right.items if i not in left.items))
    if op in ("+", "-", "*"):
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            result = a + b if op == "+" else a - b if op == "-" else a * b
            if isinstance(result, float) or abs(result) < 1 << 64:
                return Const(result)
    return node


def _fold_call(node: Call) -> Value:
    if node.func in _LOGIC and not node.kwargs and node.receiver is None:
        try:  # `not`, `and`, `==`, `in`... (guards, and tests assigned to settings) on known operands
            return from_python(_python(node))
        except _Unsure:
            return node
    receiver = node.receiver
    if isinstance(receiver, Const) and isinstance(receiver.value, str) and all(isinstance(a, Const) for a in node.args):
        text = receiver.value
        args = [a.value for a in node.args]  # type: ignore[union-attr]
        if node.kwargs:
            return node
        try:
            if node.func == ".split" and len(args) <= 2 and all(a is None or isinstance(a, (str, int)) for a in args):
                return _bounded(Seq("list", tuple(Const(part) for part in text.split(*args))))
            if node.func in (".strip", ".lower", ".upper", ".rstrip", ".lstrip") and len(args) <= 1:
                return Const(getattr(text, node.func[1:])(*args))
        except (TypeError, ValueError):
            return node
    if node.func in ("int", "float", "str", "bool") and len(node.args) == 1 and not node.kwargs:
        arg = node.args[0]
        if isinstance(arg, Const) and isinstance(arg.value, (str, int, float, bool)):
            try:
                if node.func == "int" and isinstance(arg.value, str) and len(arg.value) > 40:
                    return node
                return Const({"int": int, "float": float, "str": str, "bool": bool}[node.func](arg.value))
            except (TypeError, ValueError):
                return node
    return node


def _merge(left: Mapping, right: Mapping) -> Mapping:
    items = list(left.items)
    for key, value in right.items:
        items = _set_key(items, key, value)
    return Mapping(tuple(items))


def _set_key(items: list[tuple[Value, Value]], key: Value, value: Value) -> list[tuple[Value, Value]]:
    """Items with `key` set to `value`: in place of its first occurrence, as a dict keeps it."""
    if not (_is_str_const(key) and any(existing == key for existing, _ in items)):
        return items + [(key, value)]
    out: list[tuple[Value, Value]] = []
    for existing, item in items:
        if existing != key:
            out.append((existing, item))
        elif all(k != key for k, _ in out):
            out.append((key, value))
    return out


def _mapping_get(mapping: Mapping, key: str) -> Value | None:
    for existing, value in reversed(mapping.items):
        if isinstance(existing, Const) and existing.value == key:
            return value
    return None


def _set_path(value: Value, path: tuple[str, ...], new: Value) -> Value:
    if not path:
        return new
    if not isinstance(value, Mapping):
        return Unknown("Subscript")
    inner = _mapping_get(value, path[0])
    updated = _set_path(inner if inner is not None else Unknown("Subscript"), path[1:], new)
    return Mapping(tuple(_set_key(list(value.items), Const(path[0]), updated)))


def _mutate(value: Value, op: str, args: tuple[Value, ...]) -> Value:
    """The value after `value.<op>(*args)`, or Unknown when it cannot be followed."""
    unknown = Unknown("mutate")
    if isinstance(value, Seq) and value.kind in ("list", "set"):
        items = list(value.items)
        if op == "append" and len(args) == 1 and value.kind == "list":
            items.append(args[0])
        elif op == "extend" and len(args) == 1 and value.kind == "list" and _opaque(args[0]):
            return with_more(value, args[0])
        elif op in ("extend", "update") and len(args) == 1 and isinstance(args[0], Seq):
            if (op == "extend") != (value.kind == "list"):
                return unknown
            items.extend(i for i in args[0].items if value.kind == "list" or i not in items)
        elif op == "insert" and len(args) == 2 and value.kind == "list" and isinstance(args[0], Const) \
                and isinstance(args[0].value, int) and not isinstance(args[0].value, bool):
            items.insert(args[0].value, args[1])
        elif op == "remove" and len(args) == 1:
            if args[0] not in items:
                return value if all(isinstance(i, Const) for i in items) and isinstance(args[0], Const) else unknown
            items.remove(args[0])
        elif op == "pop" and not args and value.kind == "list" and items:
            items.pop()
        else:
            return unknown
        return Seq(value.kind, tuple(items))
    if isinstance(value, Mapping):
        if op == "update" and len(args) == 1 and isinstance(args[0], Mapping):
            return _merge(value, args[0])
        if op == "setdefault" and len(args) in (1, 2) and _is_str_const(args[0]):
            if _mapping_get(value, args[0].value) is not None:  # type: ignore[union-attr]
                return value
            return Mapping(value.items + ((args[0], args[1] if len(args) == 2 else Const(None)),))
        if op == "pop" and len(args) in (1, 2) and _is_str_const(args[0]):
            return Mapping(tuple(item for item in value.items if item[0] != args[0]))
        return unknown
    return unknown


# -- environment ----------------------------------------------------------------------------


class _EnvLoader:
    """Reads the project's `.env` files once, on first use. First file wins, like dotenv."""

    def __init__(self, project: ProjectModel) -> None:
        self._files = tuple(project.layout.env_files)
        self._texts = project.text_files
        self._root = project.layout.root
        self._values: dict[str, str] | None = None
        self.problems: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._files)

    def values(self) -> dict[str, str]:
        if self._values is None:
            values: dict[str, str] = {}
            for path in self._files:
                text = self._read(Path(path))
                if text is not None:
                    for key, value in parse_env_file(text).items():
                        values.setdefault(key, value)
            self._values = values
        return self._values

    def _read(self, path: Path) -> str | None:
        text = self._texts.get(str(path))
        if text is not None:
            return text
        try:
            label = path.relative_to(self._root).as_posix()
        except ValueError:
            label = path.name
        try:
            return decode(files.read_bytes(path, _MAX_ENV_BYTES))
        except DecodeError:
            self.problems.append(f"{label}: cannot decode")
        except OSError as error:
            self.problems.append(f"{label}: cannot read ({error.strerror or type(error).__name__})")
        return None


def _cast(text: str, cast: str | None) -> Value:
    if cast in (None, "str"):
        return Const(text)
    if cast == "bool":
        return Const(text.strip().lower() in _TRUE)
    try:
        if cast == "int":
            return Const(int(text.strip()))
        if cast == "float":
            return Const(float(text.strip()))
    except ValueError:
        return Unknown("EnvCast")
    if cast in ("list", "tuple"):
        parts = tuple(Const(part.strip()) for part in text.split(",")) if text.strip() else ()
        return Seq(cast, parts)
    if cast in ("db", "db_url"):
        return _database_url(text)
    return Unknown("EnvCast")


# django-environ's DB_SCHEMES (0.11+): URL scheme -> ENGINE.
_DB_ENGINES = {
    "postgres": "django.db.backends.postgresql", "postgresql": "django.db.backends.postgresql",
    "psql": "django.db.backends.postgresql", "pgsql": "django.db.backends.postgresql",
    "postgis": "django.contrib.gis.db.backends.postgis", "mysql": "django.db.backends.mysql",
    "mysql2": "django.db.backends.mysql", "mysqlgis": "django.contrib.gis.db.backends.mysql",
    "oracle": "django.db.backends.oracle", "spatialite": "django.contrib.gis.db.backends.spatialite",
    "sqlite": "django.db.backends.sqlite3",
}


def _database_url(text: str) -> Value:
    """`env.db()`: a database URL as the DATABASES entry django-environ builds, reduced to
    what is safe to know (ENGINE, and NAME for SQLite); the rest (host, user, password) is
    left out on purpose, it may be secret."""
    scheme, sep, rest = text.strip().partition("://")
    engine = _DB_ENGINES.get(scheme.lower()) if sep else None
    if engine is None:
        return Unknown("DatabaseURL")
    items: list[tuple[Value, Value]] = [(Const("ENGINE"), Const(engine))]
    if scheme.lower() == "sqlite":
        path = rest.partition("?")[0]
        name = ":memory:" if path in ("", ":memory:", "/:memory:") else path[1:] if path.startswith("/") else path
        items.append((Const("NAME"), Const(name)))
    return Mapping(tuple(items))


def _resolve_env(value: Value, env: dict[str, str]) -> Value:
    match value:
        case Env(var=var, default=default, cast=cast):
            if var is not None and var in env:
                return _cast(env[var], cast)
            if default is None:
                return value
            resolved = _resolve_env(default, env)
            if cast in ("bool", "int", "float", "db", "db_url") and isinstance(resolved, Const) \
                    and isinstance(resolved.value, str):
                return _cast(resolved.value, cast)  # decouple casts a string default
            return resolved
        case Seq(kind=kind, items=items):
            return _unpacked(Seq(kind, tuple(_resolve_env(i, env) for i in items)))
        case Starred(value=inner):
            return Starred(_resolve_env(inner, env))
        case Mapping(items=items):
            return Mapping(tuple((_resolve_env(k, env), _resolve_env(v, env)) for k, v in items))
        case Call(func=func, args=args, kwargs=kwargs, receiver=receiver):
            return fold(Call(
                func,
                tuple(_resolve_env(a, env) for a in args),
                tuple((k, _resolve_env(v, env)) for k, v in kwargs),
                _resolve_env(receiver, env) if receiver is not None else None,
            ))
        case BinOp(op=op, left=left, right=right):
            return fold(BinOp(op, _resolve_env(left, env), _resolve_env(right, env)))
    return value


# -- the interpreter --------------------------------------------------------------------------


@dataclass
class _Evaluator:
    facts: Any  # Mapping[str, FileFacts]
    paths: Any = None  # Mapping[str, Path]: module -> file, for split-settings include()
    dotenv: Any = None  # () -> dict of the project's `.env` values, read on first use
    namespaces: dict[str, dict[str, SettingValue]] = field(default_factory=dict)
    additions: dict[str, set[str] | None] = field(default_factory=dict)  # see `conditional_additions`
    unfollowed: list[str] = field(default_factory=list)  # what could not be followed, one line each
    included: set[tuple[str, str]] = field(default_factory=set)  # (scope, file) included
    included_modules: list[str] = field(default_factory=list)  # modules include() ran, in order
    reads_dotenv: bool = False  # a settings module calls read_env()/load_dotenv()
    incomplete: bool = False  # an include() could not be followed: any setting may differ
    _modules_by_path: dict[str, str] | None = None
    in_progress: list[str] = field(default_factory=list)
    keys: set[tuple[str, ...]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # see `EvaluatedSettings.absent`
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    partial: dict[str, dict[str, SettingValue]] = field(default_factory=dict)  # being evaluated

    def namespace(self, module: str, star: bool = False) -> dict[str, SettingValue] | None:
        """The names a module defines at its end (memoised), None if it is not indexed or
        is being evaluated (a cycle: a problem when `star`, for a star import)."""
        self.keys.add(("module", module))
        if module in self.namespaces:
            return self.namespaces[module]
        if module == GLOBAL_SETTINGS and module not in self.facts:
            names = {n: _default_setting(n) for n in DJANGO_DEFAULTS}  # type: ignore[misc]
            self.namespaces[module] = names
            return names
        if module in self.in_progress:
            if star:
                chain = self.in_progress[self.in_progress.index(module) :] + [module]
                self.problems.append("circular star import: " + " -> ".join(chain))
            return None
        facts: FileFacts | None = self.facts.get(module)
        if facts is None:
            return None
        if len(self.in_progress) >= _MAX_DEPTH:
            self.problems.append(f"settings imports nested deeper than {_MAX_DEPTH} modules at '{module}'")
            return None
        self.in_progress.append(module)
        names: dict[str, SettingValue] = {}
        self.partial[module] = names
        try:
            self._run(module, facts, names)
        finally:
            self.in_progress.pop()
        self.namespaces[module] = names
        return names

    # -- statements ---------------------------------------------------------------------

    def _run(self, module: str, facts: FileFacts, names: dict[str, SettingValue], conditional: bool = False) -> None:
        """Run a module's statements into `names` (its own namespace, or the namespace of the
        module that include()s it; `conditional` when that include() may not run)."""
        self.reads_dotenv = self.reads_dotenv or any(_loads_dotenv(call.func) for call in facts.calls)
        for call in facts.calls:  # `populate_settings(env, globals())` may set any name
            if any(isinstance(arg, Call) and arg.func in _NAMESPACE_CALLS for arg in (*call.args, *(v for _, v in call.kwargs))):
                self._unfollowed(f"'{module}' hands its namespace to `{call.func.rpartition('.')[2]}()`, "
                                 f"which may set any setting")
        self._bind_imports(module, facts, names)
        for index, statement in enumerate(facts.statements):
            if conditional and not statement.conditional:
                statement = replace(statement, conditional=True, guard=None)
            self._apply(module, index, statement, names)

    def _bind_imports(self, module: str, facts: FileFacts, names: dict[str, SettingValue]) -> None:
        """`from .base import INSTALLED_APPS`: upper-case names taken from another module."""
        for imported in facts.imports:
            if imported.local == "*":
                continue
            source, _, attr = imported.target.rpartition(".")
            if not attr.isupper() or source == module or (source not in self.facts and source != GLOBAL_SETTINGS):
                continue
            other = self.namespace(source)
            if other is not None and attr in other:
                names[imported.local] = replace(other[attr], name=imported.local)

    def _apply(self, module: str, index: int, statement: Statement, names: dict[str, SettingValue]) -> None:
        if statement.conditional and statement.guard is not None:
            taken = self._decide(statement.guard, names, module)
            if taken is False:
                return  # the branch a fresh deployment (no environment variables) skips
            if taken:
                statement = replace(statement, conditional=False, guard=None)
        kind, name, conditional = statement.kind, statement.name, statement.conditional
        if kind == "star_import":
            self._star_import(module, statement, names)
            return
        if kind == "include":
            self._include(module, statement, names)
            return
        current = names.get(name)
        if kind == "assign" and not statement.path:
            value = self._substitute(statement.value or Const(None), names, module)
            if not conditional:
                names[name] = _setting(name, value, module, index)
            elif current is None:
                names[name] = _setting(name, value, module, index, conditional=True)
            elif value != current.value:
                names[name] = _uncertain(current)
                self.additions[name] = None
            return
        if kind == "delete":
            if not conditional:
                names.pop(name, None)
            elif current is not None:
                names[name] = _uncertain(current)
                self.additions[name] = None
            return
        if current is None:
            return  # changing a name that has no known value (NameError, or an unknown import)
        if conditional:
            self._conditional_change(module, statement, current, names)
            return
        if kind == "assign":
            new = self._substitute(statement.value or Const(None), names, module)
            value = _set_path(current.value, statement.path, new)
        elif kind == "augassign":
            right = self._substitute(statement.value or Const(None), names, module)
            value = _fold_binop(BinOp(statement.op, current.value, right)) if statement.op != "?" else Unknown("AugAssign")
            if statement.op == "+" and isinstance(current.value, Seq) and current.value.kind == "list" \
                    and isinstance(right, Seq) and right.kind == "tuple":
                value = Seq("list", current.value.items + right.items)  # a list extended in place takes any iterable
        elif kind == "mutate":
            args = tuple(self._substitute(a, names, module) for a in statement.args)
            value = _mutate(current.value, statement.op, args)
        else:
            return
        names[name] = replace(
            _setting(name, _bounded(value), module, index),
            conditional=current.conditional,
            maybe_overridden=current.maybe_overridden,
            uncertain_keys=current.uncertain_keys,
        )

    def _conditional_change(
        self, module: str, statement: Statement, current: SettingValue, names: dict[str, SettingValue]
    ) -> None:
        """A change that may or may not run. Strings added to a list are remembered (the
        setting may hold them: `conditional_additions`); anything else added to a list (a
        loop variable, a plugin list) leaves the known entries and marks the rest unknown;
        any other change makes the setting uncertain."""
        name, kind = statement.name, statement.kind
        added = _added(statement)
        if added is not None and isinstance(current.value, Seq) and current.value.kind != "set":
            values = tuple(self._substitute(v, names, module) for v in added)
            strings = _added_strings(values)
            if strings is not None:
                known = self.additions.setdefault(name, set())
                if known is not None:
                    known.update(strings)
                names[name] = _uncertain(current)
                return
            names[name] = replace(current, value=with_more(current.value, Unknown("loop")))
            return
        self.additions[name] = None
        key = statement.path[0] if kind == "assign" and statement.path else _ALL
        names[name] = _uncertain(current, key)

    def _decide(self, guard: Value, names: dict[str, SettingValue], module: str) -> bool | None:
        """Whether the branch runs when the environment variables are unset (the `.env`
        file counts when the settings load it); None when that cannot be known."""
        value = _resolve_env(self._substitute(guard, names, module), self._environment())
        try:
            return bool(_python(value))
        except _Unsure:
            return None

    def _environment(self) -> dict[str, str]:
        return self.dotenv() if self.reads_dotenv and self.dotenv is not None else {}

    def _include(self, module: str, statement: Statement, names: dict[str, SettingValue]) -> None:
        """django-split-settings `include(*patterns)`: each file found, in order, runs in the
        namespace of the module calling it (patterns relative to the calling file; a glob's
        files sorted by name — split-settings takes them in directory order, which names
        usually fix; an `optional()` pattern may match nothing)."""
        here = self.paths.get(module) if self.paths else None
        scope = str(id(names))  # the namespace the files run in: split-settings' scope
        for arg in statement.args:
            pattern, optional = _include_pattern(arg)
            if pattern is None:
                self._unfollowed(f"'{module}' includes a settings file named by an expression")
                continue
            if here is None:
                self._unfollowed(f"'{module}' includes '{pattern}', whose location is unknown")
                continue
            found = self._included_modules(Path(here).parent, pattern, module)
            if not found and not optional:
                self.problems.append(f"'{module}' includes '{pattern}', which was not found")
                self.incomplete = True
            for path, included in found:
                if (scope, path) in self.included:
                    continue  # split-settings includes a file once per scope
                self.included.add((scope, path))
                facts = self.facts.get(included) if included else None
                if facts is None:
                    self._unfollowed(f"'{module}' includes '{Path(path).name}', which was not analysed")
                    continue
                if included in self.in_progress or len(self.in_progress) >= _MAX_DEPTH:
                    self.problems.append(f"'{module}' includes '{included}' recursively")
                    continue
                self.keys.add(("module", included))
                self.included_modules.append(included)
                self.in_progress.append(included)
                try:
                    self._run(included, facts, names, statement.conditional)
                finally:
                    self.in_progress.pop()

    def _unfollowed(self, what: str) -> None:
        self.unfollowed.append(what)
        self.incomplete = True

    def _included_modules(self, folder: Path, pattern: str, module: str) -> list[tuple[str, str | None]]:
        """(file, module or None when not analysed) for an include() pattern, sorted."""
        if self._modules_by_path is None:
            self._modules_by_path = {os.path.normpath(str(p)): m for m, p in (self.paths or {}).items()}
        target = os.path.normpath(str(folder / pattern))
        if not glob.has_magic(target):
            found = [target] if target in self._modules_by_path or os.path.isfile(target) else []
        else:
            found = [p for p in self._modules_by_path if _glob_match(p, target)]
            found += [os.path.normpath(p) for p in glob.glob(target) if os.path.isfile(p)]
        return [(p, self._modules_by_path.get(p)) for p in sorted(set(found))]

    def _star_import(self, module: str, statement: Statement, names: dict[str, SettingValue]) -> None:
        target = statement.name
        other = self.namespace(target, star=True) if target else None
        if other is None:
            if target and target not in self.facts and target != module and target.split(".")[0] == module.split(".")[0]:
                if statement.conditional:
                    self.absent.append(target)
                else:
                    self.problems.append(f"'{module}' star-imports '{target}', which was not found")
            return
        exported = _exported(other)
        for name in exported:
            incoming = other[name]
            current = names.get(name)
            if not statement.conditional:
                names[name] = incoming
            elif current is None:
                names[name] = replace(incoming, conditional=True)
            elif current != incoming:
                names[name] = _uncertain(current)
                self.additions[name] = None

    # -- values -------------------------------------------------------------------------

    def _substitute(self, value: Value, names: dict[str, SettingValue], module: str) -> Value:
        aliases = self.aliases.get(module)
        if aliases is None:
            # Names bound by `from x import NAME` were qualified by the extractor ("x.NAME"); the
            # module's own binding of NAME (imported, then maybe changed) is what they denote.
            facts = self.facts.get(module)
            imports = facts.imports if facts is not None else ()
            aliases = self.aliases[module] = {i.target: i.local for i in imports if i.local != "*"}
        return _bounded(self._subst(value, names, aliases))

    def _subst(self, value: Value, names: dict[str, SettingValue], aliases: dict[str, str]) -> Value:
        match value:
            case Ref(name=name):
                if name in names:
                    return names[name].value
                local = aliases.get(name)
                if local is not None and local in names:
                    return names[local].value
                source, _, attr = name.rpartition(".")
                if source and attr.isupper() and (source in self.facts or source == GLOBAL_SETTINGS):
                    other = self.namespace(source)
                    if other is not None and attr in other:
                        return other[attr].value
                return value
            case Seq(kind=kind, items=items):
                return _unpacked(Seq(kind, tuple(self._subst(i, names, aliases) for i in items)))
            case Starred(value=inner):
                return Starred(self._subst(inner, names, aliases))
            case Mapping(items=items):
                out: list[tuple[Value, Value]] = []
                for key, item in items:
                    item = self._subst(item, names, aliases)
                    if key == Const("**") and isinstance(item, Mapping):
                        for inner_key, inner in item.items:
                            out = _set_key(out, inner_key, inner)
                    else:
                        out = _set_key(out, self._subst(key, names, aliases), item)
                return Mapping(tuple(out))
            case Call(func=func, args=args, kwargs=kwargs, receiver=receiver):
                call = Call(
                    func,
                    tuple(self._subst(a, names, aliases) for a in args),
                    tuple((k, self._subst(v, names, aliases)) for k, v in kwargs),
                    self._subst(receiver, names, aliases) if receiver is not None else None,
                )
                return self._imported_env_read(call, names, aliases) or _fold_call(call)
            case Env(var=var, default=None, cast=cast):
                return _with_schema(value, names)
            case Env(var=var, default=default, cast=cast):
                return _with_schema(Env(var, self._subst(default, names, aliases), cast), names)
            case BinOp(op=op, left=left, right=right):
                return _fold_binop(BinOp(op, self._subst(left, names, aliases), self._subst(right, names, aliases)))
        return value


    def _imported_env_read(self, call: Call, names: dict[str, SettingValue], aliases: dict[str, str]) -> Env | None:
        """`env("X")` / `env.bool("X")` where `env` is a django-environ `Env()` made in another
        module and imported (`from .base import env`, as cookiecutter-django does)."""
        if not call.func or call.receiver is not None:
            return None
        instance, method = call.func, None
        if self._lookup(instance, names, aliases) is None:
            instance, _, method = call.func.rpartition(".")
            if method not in _ENVIRON_CASTS:
                return None
        made = self._lookup(instance, names, aliases)
        if not (isinstance(made, Call) and is_environ_class(made.func)):
            return None
        first = call.args[0] if call.args else None
        var = first.value if isinstance(first, Const) and isinstance(first.value, str) else None
        default = call.args[1] if len(call.args) > 1 else call.kwarg("default")
        cast = method
        if isinstance(call.kwarg("cast"), Ref):
            cast = call.kwarg("cast").name  # type: ignore[union-attr]
        return _with_schema(Env(var, default, cast), names)

    def _lookup(self, dotted: str, names: dict[str, SettingValue], aliases: dict[str, str]) -> Value | None:
        """The value of a (possibly imported) module-level name, any case."""
        if not dotted:
            return None
        local = aliases.get(dotted, dotted)
        if local in names:
            return names[local].value
        source, _, attr = dotted.rpartition(".")
        if source and source in self.facts:
            other = self.namespace(source)
            if other is not None and attr in other:
                return other[attr].value
        return None


_ENVIRON_CASTS = frozenset({"str", "bool", "int", "float", "list", "tuple", "dict", "url", "db", "db_url",
                            "cache", "cache_url", "email", "email_url", "search_url", "path", "json"})


_NAMESPACE_CALLS = frozenset({"globals", "vars", "locals"})


def _unfollowed_value(setting: SettingValue) -> bool:
    value = setting.value
    if isinstance(value, Seq):
        return any(_unread(i) for i in value.items)
    return _unread(value)


def _unread(value: Value) -> bool:
    """A value the analyser could not read: not a constant, not an environment read, and
    not a filesystem path (`BASE_DIR / "static"`, `os.path.join(...)`: no rule judges a
    path's text, so a path that is not folded is not a gap worth saying)."""
    if _has_env(value) or _is_path(value):
        return False
    return isinstance(value, (Unknown, Call, BinOp, Ref))


def _is_path(value: Value) -> bool:
    if isinstance(value, BinOp):
        return value.op == "/" or (value.op == "+" and (_is_path(value.left) or _is_path(value.right)))
    if isinstance(value, Call):
        func = value.func
        return func.endswith(("path.join", "Path", "path.abspath", "path.dirname")) or func in (
            ".joinpath", ".resolve", ".absolute", ".as_posix", "str", "os.fspath")
    return False


_JUDGED = frozenset({*DJANGO_DEFAULTS, "REST_FRAMEWORK"})  # the settings rules read
_NAMES_SHOWN = 8


def not_followed(settings: EvaluatedSettings) -> tuple[str, ...]:
    """What the analyser could not follow in a settings module, one line each, naming
    settings and files, never values: the module missing or empty, include()s and star
    imports not followed, Django settings known only in part or not at all. Empty when
    everything was followed. The DJE113 finding and the report's "What django-expert could
    not see" say the same lines."""
    module = settings.module
    if module is None:
        return ("no settings module was found: the rules that need settings stay silent",)
    if not settings.exists:
        return (f"the settings module `{module}` was not found",)
    lines = [*settings.problems, *settings.unfollowed, *read_without(settings)]
    assigned = [name for name in settings.names() if name in _JUDGED]
    if not assigned:
        lines.append(f"`{module}` assigns no Django setting: its values come from code not followed")
    unread = [name for name in settings.partly_unknown() if name in _JUDGED]
    partial = [n for n in unread if isinstance(settings.value(n), Seq)]
    whole = [n for n in unread if n not in partial]
    if partial:
        lines.append(f"known only in part (entries added by code not followed): {_names(partial)}")
    if whole:
        mostly = " (most of its settings)" if len(whole) * 2 > len(assigned) else ""
        lines.append(f"could not be read{mostly}: {_names(whole)}")
    return tuple(dict.fromkeys(lines))


def read_without(settings: EvaluatedSettings) -> tuple[str, ...]:
    """One line per optional module the settings were read without (`EvaluatedSettings.absent`)."""
    return tuple(f"`{target}` is star-imported when it exists and is not in the repository: the settings are "
                 f"read without it, as a fresh deployment runs them" for target in settings.absent)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown + (f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else "")


class _Unsure(Exception):
    """A condition the analyser cannot decide."""


_OPERATORS = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "is": lambda a, b: a is b,
    "is not": lambda a, b: a is not b, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


_LOGIC = frozenset({"not", "and", "or", *_OPERATORS})


def _python(value: Value) -> Any:
    """The Python value of a guard with its environment reads already resolved (`Env` left
    means a required variable: unknown), or raise _Unsure."""
    match value:
        case Const(value=v):
            return v
        case Seq(items=items):
            return tuple(_python(i) for i in items)
        case Mapping(items=items):
            return {_python(k): _python(v) for k, v in items}
        case Call(func="not", args=(operand,)):
            return not _python(operand)
        case Call(func="and" | "or" as op, args=args):
            result = None
            for item in args:  # short-circuit as Python does: an unknown operand after the decision is fine
                result = _python(item)
                if bool(result) == (op == "or"):
                    return result
            return result
        case Call(func=op, args=(left, right)) if op in _OPERATORS:
            a, b = _python(left), _python(right)
            try:
                return _OPERATORS[op](a, b)
            except TypeError as error:
                raise _Unsure from error
    raise _Unsure


def _loads_dotenv(func: str) -> bool:
    """`environ.Env.read_env()`, `env.read_env()`, `dotenv.load_dotenv()`: the settings put
    the `.env` file's values in the environment."""
    return func.rpartition(".")[2] in ("read_env", "load_dotenv", "read_dotenv")


def _added(statement: Statement) -> tuple[Value, ...] | None:
    """What a statement adds to a list (append/extend/insert/+=), None for other changes."""
    if statement.kind == "mutate" and statement.op in ("append", "insert") and statement.args:
        return statement.args[-1:]
    if statement.kind == "mutate" and statement.op == "extend" and len(statement.args) == 1:
        return (Unknown("extend"),) if not isinstance(statement.args[0], Seq) else statement.args[0].items
    if statement.kind == "augassign" and statement.op == "+" and statement.value is not None:
        value = statement.value
        return value.items if isinstance(value, Seq) else (value,)
    return None


def _added_strings(values: tuple[Value, ...]) -> set[str] | None:
    items = [i for v in values for i in (v.items if isinstance(v, Seq) else (v,))]
    if all(_is_str_const(i) for i in items):
        return {i.value for i in items}  # type: ignore[union-attr]
    return None


def _include_pattern(arg: Value) -> tuple[str | None, bool]:
    """(pattern, optional) of one include() argument; pattern None when not a constant."""
    if isinstance(arg, Call) and arg.func.rpartition(".")[2] == "optional" and len(arg.args) == 1:
        inner = arg.args[0]
        return (inner.value if _is_str_const(inner) else None), True  # type: ignore[union-attr]
    return (arg.value if _is_str_const(arg) else None), False  # type: ignore[union-attr]


def _glob_match(path: str, pattern: str) -> bool:
    """`glob.glob` matching on paths: part by part, `*` never crossing a separator and not
    matching a leading dot unless the pattern part has one."""
    parts, wanted = Path(path).parts, Path(pattern).parts
    if len(parts) != len(wanted):
        return False
    return all(
        fnmatch.fnmatchcase(part, want) and (not part.startswith(".") or want.startswith("."))
        for part, want in zip(parts, wanted)
    )


def _with_schema(env: Env, names: dict[str, SettingValue]) -> Env:
    """An `env("X")` read completed from a django-environ schema
    (`env = environ.Env(X=(bool, False))`): its cast and, when the call gives none, its
    default. `env.db()` reads DATABASE_URL."""
    var = env.var
    if var is None and env.cast in ("db", "db_url") and env.default is None:
        var = "DATABASE_URL"
    if var is None:
        return env
    for setting in names.values():
        made = setting.value
        if not (isinstance(made, Call) and is_environ_class(made.func)):
            continue
        schema = made.kwarg(var)
        if isinstance(schema, Ref) and env.cast is None:
            return Env(var, env.default, schema.name)
        if isinstance(schema, Seq) and schema.kind == "tuple" and len(schema.items) == 2:
            cast_ref, default = schema.items
            cast = env.cast or (cast_ref.name if isinstance(cast_ref, Ref) else None)
            return Env(var, env.default if env.default is not None else default, cast)
    return Env(var, env.default, env.cast) if var != env.var else env


def _exported(names: dict[str, SettingValue]) -> list[str]:
    declared = names.get("__all__")
    if declared is not None and isinstance(declared.value, Seq) and all(
        _is_str_const(i) for i in declared.value.items
    ):
        return [i.value for i in declared.value.items if i.value in names]  # type: ignore[union-attr]
    return [n for n in names if not n.startswith("_")]


def _setting(name: str, value: Value, module: str, index: int, conditional: bool = False) -> SettingValue:
    return SettingValue(name, value, module, index, conditional=conditional, from_env=_has_env(value))


def _uncertain(current: SettingValue, key: str = _ALL) -> SettingValue:
    return replace(current, maybe_overridden=True, uncertain_keys=current.uncertain_keys | {key})


def evaluate_settings(project: ProjectModel, module: str | None) -> EvaluatedSettings:
    """Evaluate a settings module of the project (never raises; problems are one line each)."""
    env_keys = [("file", str(path)) for path in project.layout.env_files]
    if not module:
        return EvaluatedSettings(None, False, {}, ["no settings module"], [("layout",), *env_keys])
    env_loader = _EnvLoader(project)
    evaluator = _Evaluator(project.facts, project.paths, env_loader.values)
    if module not in project.facts:
        return EvaluatedSettings(
            module, False, {}, [f"settings module '{module}' not found"], [("module", module), ("layout",)]
        )
    try:
        names = evaluator.namespace(module) or {}
    except RecursionError:
        names = evaluator.partial.get(module, {})
        evaluator.problems.append(f"settings module '{module}' is too deeply nested to evaluate")
    except Exception as error:  # noqa: BLE001 - a broken settings file must never stop the analysis
        names = evaluator.partial.get(module, {})
        evaluator.problems.append(f"settings module '{module}' could not be evaluated ({type(error).__name__})")
    return EvaluatedSettings(
        module,
        True,
        dict(names),
        evaluator.problems,
        [*evaluator.keys, ("layout",), *env_keys],
        env_loader,
        unfollowed=evaluator.unfollowed,
        additions={k: frozenset(v) if v is not None else None for k, v in evaluator.additions.items()},
        reads_dotenv=evaluator.reads_dotenv,
        # A module that assigns no setting at all is not what Django runs (it could not
        # start without SECRET_KEY): the real settings come from somewhere not followed.
        incomplete=evaluator.incomplete or not any(name.isupper() for name in names),
        included=evaluator.included_modules,
        absent=evaluator.absent,
    )
