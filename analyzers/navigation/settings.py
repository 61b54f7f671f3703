"""Setting names: what `settings.X` may name (the project's settings modules and Django's
defaults), the effective value per settings module as it may be shown (never a secret), and
whether a name is certainly defined nowhere.

A value is shown only when it is a plain constant, as `analyzers/secrets.py` allows: a
secret name (SECRET_KEY, *PASSWORD*, *_PASS, *TOKEN*, *_KEY, GITHUB_PAT, ...) is "(hidden)",
and so is a secret dict key (`DATABASES["default"]["PASSWORD"]`) or a key-shaped string; a
URL shows with its password masked; a value read from the environment or a `.env` file is
"(from environment)", never its fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers import files
from django_expert.analyzers.facts.values import BinOp, Call, Const, Env, Mapping, Ref, Seq, Unknown, Value
from django_expert.analyzers.knowledge.settings_defaults import DJANGO_DEFAULTS
from django_expert.analyzers.project.settings import GLOBAL_SETTINGS, SettingValue
from django_expert.analyzers.secrets import HIDDEN, is_secret_name, shown_text

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.settings import EvaluatedSettings

FROM_ENV = "(from environment)"
_MAX_TEXT = 400
# Settings machinery that defines names Python cannot be read for.
_DYNAMIC_CALLS = ("globals", "vars", "setattr", "exec", "locals")
_DYNAMIC_APPS = ("configurations", "appconf", "constance", "dynamic_preferences", "split_settings")
_CORE = frozenset({"INSTALLED_APPS", "DATABASES", "SECRET_KEY", "MIDDLEWARE", "ROOT_URLCONF", "DEBUG",
                   "ALLOWED_HOSTS", "TEMPLATES", "STATIC_URL", "WSGI_APPLICATION"})
# Settings Django reads although global_settings does not define them.
_READ_BY_DJANGO = frozenset({"SETTINGS_MODULE"})


@dataclass(frozen=True, slots=True)
class Definition:
    """Where a settings module sets a name (`index` -1: Django's default)."""

    module: str
    name: str
    value: SettingValue


def settings_modules(project: ProjectModel) -> list[str]:
    """The project's own settings modules (the configured one first): discovery's candidates
    that set Django's core settings or star-import others."""
    layout = project.layout
    found = []
    for module in layout.settings_modules:
        facts = project.module_facts(module)
        if facts is None:
            continue
        if module == layout.settings_module or module in layout.production_settings or any(
                s.kind == "star_import" or s.name in _CORE for s in facts.statements):
            found.append(module)
    if layout.settings_module in found:
        found.remove(layout.settings_module)
        found.insert(0, layout.settings_module)
    return found


class _Names:
    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.modules = settings_modules(project)
        self.evaluated: dict[str, EvaluatedSettings] = {m: project.settings(m) for m in self.modules}
        self.names: set[str] = set(DJANGO_DEFAULTS) | set(_READ_BY_DJANGO)
        for evaluated in self.evaluated.values():
            self.names.update(evaluated.names())
        # Any upper-case module-level name of any settings-like module, the settings the tests
        # run with included: Django takes every upper-case attribute of the module, so a
        # function (saleor's `def SENTRY_INIT(dsn, opts)`), a class or an import is a setting too.
        self.written: set[str] = set()
        for module in self._settings_like():
            facts = project.facts.get(module)
            if facts is not None:
                self.written.update(name for name in (*(s.name for s in facts.statements),
                                                      *(f.name for f in facts.functions),
                                                      *(c.name for c in facts.classes),
                                                      *(i.local for i in facts.imports)) if name.isupper())
        self.certain = bool(self.modules) and self._certain()

    def _settings_like(self) -> tuple[str, ...]:
        """Discovery's settings candidates and the modules the tests run with (pytest's `--ds`)."""
        from django_expert.analyzers.project.test_map import test_settings_modules

        return tuple(dict.fromkeys((*self.project.layout.settings_modules, *test_settings_modules(self.project))))

    def _certain(self) -> bool:
        """Whether every name a settings module sets can be listed."""
        if any(evaluated.problems or evaluated.incomplete for evaluated in self.evaluated.values()):
            return False  # a module missing, empty, or an include() not followed
        try:
            apps = self.project.apps()
        except Exception:
            return False
        if not apps or any(app.name.split(".")[0] in _DYNAMIC_APPS for app in apps):
            return False
        for module in self._settings_like():
            facts = self.project.facts.get(module)
            if facts is None:
                continue
            if any(c.func.endswith(_DYNAMIC_CALLS) for c in facts.calls):
                return False
            if any(s.kind == "star_import" and s.name not in self.project.facts for s in facts.statements):
                return False
            # django-split-settings include()s are followed by the evaluator (incomplete above
            # when one is not); django-configurations classes are not.
            if any(i.target.startswith("configurations") for i in facts.imports):
                return False
        for facts in self.project.facts.values():
            for cls in facts.classes:
                if any(base.startswith(("appconf.", "configurations.")) for base in cls.bases):
                    return False
        return True


def _names(project: ProjectModel) -> _Names:
    found = project.derived(_Names)
    from django_expert.analyzers.project.model import record

    for evaluated in found.evaluated.values():
        record(evaluated.keys)
    return found


def setting_names(project: ProjectModel) -> list[str]:
    """Every setting name `settings.X` may use: the project's and Django's defaults."""
    known = _names(project)
    return sorted(known.names | known.written)


def certainly_unknown(project: ProjectModel, name: str) -> bool:
    """No settings module sets `name` and Django has no default for it, and all of the
    project's settings could be read."""
    known = _names(project)
    return known.certain and name not in known.names and name not in known.written


def project_setting(project: ProjectModel, name: str) -> bool:
    """Whether a settings module of the project sets `name` (not only Django's default)."""
    known = _names(project)
    return any(evaluated.get(name) is not None for evaluated in known.evaluated.values()) or name in known.written


def definitions(project: ProjectModel, name: str) -> list[Definition]:
    """The value of `name` in each settings module (Django's default when it sets none)."""
    known = _names(project)
    found = []
    for module, evaluated in known.evaluated.items():
        value = evaluated.with_default(name)
        if value is not None:
            found.append(Definition(module, name, value))
    if not found and name in DJANGO_DEFAULTS:
        default = _default(name)
        if default is not None:
            found.append(Definition(GLOBAL_SETTINGS, name, default))
    return found


def _default(name: str) -> SettingValue | None:
    from django_expert.analyzers.project.settings import _default_setting

    return _default_setting(name)


def location(project: ProjectModel, definition: Definition):
    """(path, span) of the statement that sets a definition, or of Django's default."""
    value = definition.value
    if value.module == GLOBAL_SETTINGS or value.statement_index < 0:
        for library in project.layout.library_roots:
            path = Path(library) / "django" / "conf" / "global_settings.py"
            if path.is_file():
                return path, _line_of(path, definition.name)
        return None
    path = project.path_of(value.module)
    span = project.locations_of(value.module).get(f"stmt:{value.statement_index}")
    return (path, span) if path is not None and span is not None else None


def _line_of(path: Path, name: str):
    from django_expert.analyzers.source import Span, text_lines

    try:
        for number, line in enumerate(text_lines(files.read_text(path))):
            if line.startswith((f"{name} =", f"{name}=")):
                return Span.of(number, 0, number, len(line))
    except OSError:
        pass
    return Span.of(0, 0, 0, 0)


# -- showing values -------------------------------------------------------------------------------


def shown(name: str, value: SettingValue) -> str:
    """The value as it may be shown: constants as Python, secrets and environment reads hidden."""
    if is_secret_name(name):
        return HIDDEN
    if value.from_env and isinstance(value.value, Env):
        return FROM_ENV
    text = _render(value.value, 0)
    if len(text) > _MAX_TEXT:
        text = text[:_MAX_TEXT] + " …"
    return text


def _render(value: Value | None, depth: int) -> str:
    if depth > 6:
        return "…"
    match value:
        case Const(value=str() as inner):
            text = shown_text(inner)
            return text if text == HIDDEN else repr(text)
        case Const(value=inner):
            return repr(inner)
        case Env():
            return FROM_ENV
        case Seq(kind=kind, items=items):
            inner = ", ".join(_render(i, depth + 1) for i in items[:40]) + (", …" if len(items) > 40 else "")
            if kind == "tuple":
                return f"({inner}{',' if len(items) == 1 else ''})"
            return f"{{{inner}}}" if kind == "set" else f"[{inner}]"
        case Mapping(items=items):
            parts = []
            for key, item in items[:40]:
                key_text = _render(key, depth + 1)
                shown_item = HIDDEN if isinstance(key, Const) and isinstance(key.value, str) and is_secret_name(
                    key.value) else _render(item, depth + 1)
                parts.append(f"{key_text}: {shown_item}")
            return "{" + ", ".join(parts) + (", …" if len(items) > 40 else "") + "}"
        case Ref(name=name):
            return name
        case Call(func=func):
            return f"{func.rpartition('.')[2] or func}(…)" if func and not func.startswith(".") else "(computed)"
        case BinOp():
            return "(computed)"
        case Unknown():
            return "(computed)"
    return "(computed)"
