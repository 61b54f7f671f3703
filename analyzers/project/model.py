"""ProjectModel: all FileFacts of one project merged, answering the questions rules ask.

Every answer is memoised and carries the fact keys it was derived from. While a file's
rules run, the engine installs a recorder; each public query adds the keys it read, so
the engine learns which files to re-check when a fact changes (see `analyzers/engine.py`).

Fact keys: ("class", qualname) a class's facts; ("module", module) a module's imports,
statements, calls and functions; ("summary", qualname) one function's body summary; ("classes",) the set of all classes (anything that
scans every class, e.g. reverse relations); ("layout",) discovery's answers.

A body edit that changes only a module's summaries does not build a new model: `refresh`
takes the module's new facts and drops the answers computed from its summaries, which the
model notes while it computes each answer (the facts it hands out are `_Watched`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django_expert.analyzers.facts.types import FileFacts, Locations
from django_expert.analyzers.knowledge.model_stubs import with_stubs
from django_expert.analyzers.project.classes import ClassIndex, ClassRef
from django_expert.analyzers.project.layout import ProjectLayout

if TYPE_CHECKING:
    from django_expert.analyzers.project.apps import AppInfo
    from django_expert.analyzers.project.models import ModelInfo
    from django_expert.analyzers.project.settings import EvaluatedSettings
    from django_expert.analyzers.project.templates import Template

type_key = tuple[str, ...]

# The keys read by the rules of the file being checked; None outside a check.
_recorder: ContextVar[set[tuple[str, ...]] | None] = ContextVar("recorder", default=None)


def record(keys: Iterable[tuple[str, ...]]) -> None:
    """Note that the current computation read these fact keys."""
    sink = _recorder.get()
    if sink is not None:
        sink.update(keys)


# The functions `ProjectModel.memo` has computed, by qualified name, so a ("memo", name, ...)
# fact key can be recomputed on a new model.
_MEMOISED: dict[str, Callable[..., object]] = {}
_NONE = "\0"
_MISSING = object()
T = TypeVar("T")


# What the answers being computed read of the parts an edit may change without a new model,
# as (module, "summaries" | "locations"), innermost answer last.
class _Frame:
    """What one answer being computed read, and the kept reads of other answers it took
    (each merged once: one answer may take another thousands of times)."""

    __slots__ = ("reads", "taken")

    def __init__(self) -> None:
        self.reads: set[tuple[str, str]] = set()
        self.taken: dict[int, frozenset] = {}  # by id, the set itself kept so no id is reused

    def take(self, reads: frozenset[tuple[str, str]]) -> None:
        if id(reads) not in self.taken:
            self.taken[id(reads)] = reads
            self.reads.update(reads)


_reading: ContextVar[tuple[_Frame, ...]] = ContextVar("reading", default=())


def _note(read: tuple[str, str]) -> None:
    for frame in _reading.get():
        frame.reads.add(read)


def _take(reads: frozenset[tuple[str, str]]) -> None:
    """Another answer's kept reads, into the answers being computed."""
    if reads:
        for frame in _reading.get():
            frame.take(reads)


def _noting(compute: Callable[[], T]) -> tuple[T, frozenset[tuple[str, str]]]:
    """`compute()` and what it read (noted for the enclosing answers as well)."""
    frame = _Frame()
    token = _reading.set((*_reading.get(), frame))
    try:
        found = compute()
    finally:
        _reading.reset(token)
    return found, frozenset(frame.reads)  # (the enclosing answers were told each read as it came)


_FIELDS = tuple(f.name for f in fields(FileFacts))
_SLOTS = tuple(FileFacts.__dict__[name] for name in _FIELDS)
_SUMMARIES = FileFacts.__dict__["summaries"]


class _Watched(FileFacts):
    """A module's facts as the model hands them out: reading its summaries (`summaries`,
    `summary()`) is noted for the answers being computed, so that `ProjectModel.refresh`
    drops exactly the answers a body edit can change. Equal to the same facts unwatched.
    (Watching classes as well, so that a field rename could refresh the model too, cost a
    netbox rename 200 ms of noting, more than the answers it kept.)"""

    __slots__ = ()

    @property
    def summaries(self) -> tuple:  # type: ignore[override]
        if _reading.get():
            _note((self.module, "summaries"))
        return _SUMMARIES.__get__(self, FileFacts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileFacts):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = FileFacts.__hash__


def _watching(facts: Mapping[str, FileFacts]) -> dict[str, FileFacts]:
    return {module: _watched(found) for module, found in facts.items()}


def _watched(facts: FileFacts | None) -> FileFacts | None:
    if facts is None or type(facts) is _Watched:
        return facts
    watched = object.__new__(_Watched)
    for slot in _SLOTS:
        slot.__set__(watched, slot.__get__(facts, FileFacts))
    return watched


class Recording:
    """`with Recording() as keys:` collects every fact key read inside the block."""

    def __enter__(self) -> set[tuple[str, ...]]:
        self.keys: set[tuple[str, ...]] = set()
        self._token = _recorder.set(self.keys)
        return self.keys

    def __exit__(self, *exc) -> None:
        _recorder.reset(self._token)


class ProjectModel:
    """The merged, queryable model of one Django project. The engine builds a new one when
    facts change, and memoised answers die with the old one; when only a module's summaries
    changed, it `refresh`es this one instead."""

    def __init__(
        self,
        layout: ProjectLayout,
        facts: Mapping[str, FileFacts] | Callable[[], Mapping[str, FileFacts]],
        paths: Mapping[str, Path],
        locations: Mapping[str, Locations] | Callable[[], Mapping[str, Locations]] | None = None,
        text_files: Mapping[str, str] | None = None,
    ) -> None:
        self.layout = layout
        # `facts` (module -> facts of the project files and indexed library files),
        # `_locations` and `classes`: given as mappings, or as functions returning them,
        # called when first asked (`__getattr__`: a start whose cached findings all hold
        # never unpickles the facts).
        if callable(facts):
            self._facts_source = facts
        else:
            self.facts = _watching(facts)
        self.paths = paths  # module -> file path
        if callable(locations):
            self._locations_source = locations
        else:
            self._locations = locations or {}
        # Non-Python files discovery read (`.env`), by path; never shown to users.
        self.text_files = text_files or {}
        # Answers computed once per model (memos, derived indexes, settings, apps, models), by
        # ("memo" | "derived" | "settings" | "attr", ...), and the modules whose summaries or
        # locations each read (`refresh` drops those).
        self._answers: dict[tuple, object] = {}
        self._reads: dict[tuple, frozenset[str]] = {}
        self._templates: dict[Path, tuple[str, Template]] = {}

    def __getattr__(self, name: str):  # only for attributes not set yet: the lazy three
        if name == "facts" and "_facts_source" in self.__dict__:
            self.facts = _watching(self.__dict__.pop("_facts_source")())
            return self.facts
        if name == "_locations" and "_locations_source" in self.__dict__:
            self._locations = self.__dict__.pop("_locations_source")() or {}
            return self._locations
        if name == "classes" and ("facts" in self.__dict__ or "_facts_source" in self.__dict__):
            self.classes = ClassIndex(with_stubs(self.facts))  # third-party model bases known by their stubs
            return self.classes
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def memo(self, function: Callable[..., object], *args: str | None):
        """`function(self, *args)` once per model, for project-wide answers every file asks
        again (installed apps, every view's lookups): recomputed per file, or depended on
        through every fact key it reads, they make a project of many files quadratic.

        A caller depends on one fact key, ("memo", name, *args), whose fingerprint is the
        answer itself: the engine recomputes it on a new model and re-checks the callers
        only when the answer changed (early cutoff)."""
        name = f"{function.__module__}.{function.__qualname__}"
        _MEMOISED.setdefault(name, function)

        def compute() -> object:
            with Recording():  # what the answer read is summed up by the answer
                return function(self, *args)

        answer = self._answer(("memo", name, *args), compute)
        record([("memo", name, *(_NONE if a is None else a for a in args))])
        return answer

    def derived(self, build: Callable[[ProjectModel], T]) -> T:
        """`build(self)` once per model, kept on the model so it dies with it: the indexes
        navigation and the rules build per model (URL index, setting names, migration graph).
        Records nothing itself; callers record what they read. A module-level
        `WeakKeyDictionary` keyed by the model would not do: its values refer to the model,
        so no model would ever be freed (every rebuild kept the previous one alive). Built
        again after every `refresh` (an index may read summaries after it is built)."""
        return self._answer(("derived", build), lambda: build(self))  # type: ignore[return-value]

    def _answer(self, key: tuple, compute: Callable[[], T]) -> T:
        """`compute()` once per model, noting what it read of the modules' summaries and
        locations (an answer it takes from another one read what that one read)."""
        found = self._answers.get(key, _MISSING)
        if found is _MISSING:
            found, self._reads[key] = _noting(compute)
            self._answers[key] = found
        elif self._reads[key] and _reading.get():
            _take(self._reads[key])
        return found  # type: ignore[return-value]

    def refresh(self, facts: Mapping[str, FileFacts], locations: Mapping[str, Locations]) -> list[tuple[str, ...]]:
        """Take modules' new facts, which differ from their old ones in their summaries only
        (a body edit), and the new locations of modules whose code moved: drop the answers that
        read their summaries or locations, and every derived index (one may read more lazily
        after it is built); keep the others (the class index, the models, the settings, the test
        map read none). Returns the fact keys of the memos dropped: their answers may differ."""
        self.facts.update((module, _watched(found)) for module, found in facts.items())
        self._locations.update(locations)
        changed = {*((module, "summaries") for module in facts), *((module, "locations") for module in locations)}
        dropped = []
        for key, reads in list(self._reads.items()):
            if key[0] == "derived" or not changed.isdisjoint(reads):
                del self._answers[key], self._reads[key]
                if key[0] == "memo":
                    dropped.append(("memo", key[1], *(_NONE if a is None else a for a in key[2:])))
        return dropped

    def release(self) -> None:
        """Drop every answer: the engine has replaced this model. Its answers refer to it (the
        URL index's builder, the models' index), so without this the model and they wait for a
        full collection, and forever when the model was frozen out of its sight (`gc.freeze`)."""
        self._answers.clear()
        self._reads.clear()
        self._templates.clear()
        self.__dict__.pop("classes", None)

    def memo_value(self, key: tuple[str, ...]) -> object:
        """The answer a ("memo", ...) fact key denotes, on this model (None if unknown)."""
        function = _MEMOISED.get(key[1])
        if function is None:
            return None
        return self.memo(function, *(None if a == _NONE else a for a in key[2:]))

    # -- facts access (each records what it read) -----------------------------------------

    def module_facts(self, module: str) -> FileFacts | None:
        record([("module", module)])
        return self.facts.get(module)

    def resolve_class(self, qualname: str) -> ClassRef | None:
        ref = self.classes.resolve(qualname)
        record([("class", ref.qualname if ref else qualname), ("module", qualname.rpartition(".")[0])])
        return ref

    def mro(self, qualname: str) -> tuple[str, ...]:
        chain = self.classes.mro(qualname)
        record(("class", q) for q in chain)
        return chain

    def is_subclass(self, qualname: str, *bases: str) -> bool:
        return any(base in self.mro(qualname) for base in bases)

    def all_classes(self) -> Iterable[ClassRef]:
        record([("classes",)])
        return self.classes.classes()

    def path_of(self, module: str) -> Path | None:
        return self.paths.get(module)

    def locations_of(self, module: str) -> Locations:
        if _reading.get():  # positions move with a body edit (`refresh`)
            _note((module, "locations"))
        return self._locations.get(module) or Locations()

    # -- settings and apps ----------------------------------------------------------------

    def settings(self, module: str | None = None) -> EvaluatedSettings:
        """The effective settings of a settings module (default: the project's)."""
        from django_expert.analyzers.project.settings import evaluate_settings

        module = module or self.layout.settings_module
        evaluated = self._answer(("settings", module), lambda: evaluate_settings(self, module))
        record(evaluated.keys)
        return evaluated

    @property
    def _apps(self) -> tuple[AppInfo, ...]:
        from django_expert.analyzers.project.apps import installed_apps

        return self._answer(("attr", "apps"), lambda: installed_apps(self, self.layout.settings_module))

    def apps(self) -> tuple[AppInfo, ...]:
        """INSTALLED_APPS of the project's settings, resolved to modules and labels."""
        apps = self._apps
        record(self.settings().keys)
        return apps

    @property
    def _inferred_apps(self) -> tuple[AppInfo, ...]:
        from django_expert.analyzers.project.apps import inferred_apps

        return self._answer(("attr", "inferred_apps"), lambda: inferred_apps(self))

    def inferred_apps(self) -> tuple[AppInfo, ...]:
        """The apps the packages show (AppConfig, migrations, models), for code whose
        INSTALLED_APPS are not known: a library, a reusable app."""
        record([("classes",)])
        return self._inferred_apps

    def app_for_module(self, module: str) -> AppInfo | None:
        """The installed app whose package contains `module` (longest match)."""
        best = None
        for app in self.apps():
            if module == app.name or module.startswith(app.name + "."):
                if best is None or len(app.name) > len(best.name):
                    best = app
        return best

    # -- models ---------------------------------------------------------------------------

    @property
    def _models(self):
        from django_expert.analyzers.project.models import build_models

        return self._answer(("attr", "models"), lambda: build_models(self))

    def models(self) -> tuple[ModelInfo, ...]:
        """Every model class (abstract ones included) with fields and relations resolved."""
        record([("classes",)])
        return self._models.all

    def model(self, name: str, from_module: str | None = None) -> ModelInfo | None:
        """A model by label ("shop.Order"), qualified name, or a name as written in
        `from_module` ("Order", "self" needs the caller's model; see models.resolve_reference)."""
        info = self._models.lookup(self, name, from_module)
        if info is not None:
            record(info.keys)
        return info

    # -- templates ------------------------------------------------------------------------

    @property
    def _template_dirs(self) -> tuple[Path, ...]:
        return self._answer(("attr", "template_dirs"), self._find_template_dirs)

    def _find_template_dirs(self) -> tuple[Path, ...]:
        """Folders Django would search, in its order as far as it can be known statically:
        `templates/` at the project root and source roots (TEMPLATES DIRS, by convention),
        then each installed app's `templates/`, then any other package's `templates/`."""
        root = self.layout.root
        candidates = [root / "templates", *(r / "templates" for r in self.layout.source_roots)]
        candidates += [app.path / "templates" for app in self._apps if app.path is not None and app.path.is_dir()]
        packages = sorted({p.parent for p in self.paths.values() if p.name == "__init__.py" and p.is_relative_to(root)})
        candidates += [package / "templates" for package in packages]
        return tuple(d for d in dict.fromkeys(candidates) if d.is_dir())

    def template(self, name: str) -> Template | None:
        """The template Django would load for `name` (parsed by analyzers/project/templates.py),
        or None when no template folder of the project holds it. Records ("file", path)."""
        from django_expert.analyzers import files
        from django_expert.analyzers.project.templates import parse

        if not files.can_name_a_file(name):
            return None
        for folder in self._template_dirs:
            path = folder / name
            if not files.is_regular_file(path):
                continue
            record([("file", str(path))])
            try:
                text = files.read_text(path, limit=4_000_000)
            except OSError:
                return None
            cached = self._templates.get(path)
            if cached is None or cached[0] != text:
                cached = (text, parse(text, str(path)))
                self._templates[path] = cached
            return cached[1]
        return None
