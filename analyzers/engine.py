"""The incremental engine: file texts -> FileFacts -> ProjectModel -> findings.

One `Engine` serves a workspace (the CLI builds one per run, the language server keeps
one alive). Its invariants, which tests prove by counting (`Engine.stats`):

- only a changed file is parsed again; an edit that leaves a file's facts equal changes
  nothing else (early cutoff): only that file's rules run again;
- when facts change, the files whose rules read a changed fact key are re-checked, and
  no others (each file's findings carry the keys they read and their fingerprints);
- a file that no longer parses keeps its last good facts and findings, plus a parse error;
- facts and findings persist in a cache, so a second start parses nothing that is unchanged,
  and a start whose project is unchanged (same signature) re-validates nothing either.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from fnmatch import fnmatch, translate
from pathlib import Path

from django_expert.analyzers import cache as facts_cache
from django_expert.analyzers import files
from django_expert.analyzers.config import Config, ConfigError, load_config
from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.types import FileFacts, Locations
from django_expert.analyzers.findings import Finding, Fix, Severity
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.project.layout import ProjectLayout, path_order, relative_posix
from django_expert.analyzers.project.model import ProjectModel, Recording
from django_expert.analyzers.project.summaries import owning_module
from django_expert.analyzers.project.test_map import is_test_module, remember_syntax
from django_expert.analyzers.rules.context import RuleContext, run_rules
from django_expert.analyzers.source import DecodeError, LineIndex, Span, decode

log = logging.getLogger(__name__)

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", "env",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "build", "dist", ".django-expert",
             "claudedocs"}
# Django's own modules that define models: indexed from the project's environment (facts
# only, never rules), so `auth.User` and friends are real models with real fields.
LIBRARY_GLOBS = ("django/contrib/*/models.py", "django/contrib/*/models/*.py", "django/contrib/*/apps.py",
                 "django/contrib/auth/base_user.py", "django/contrib/sessions/base_session.py",
                 "rest_framework/authtoken/models.py")

Key = tuple[str, ...]
_DEFAULT_CONFIG = Config()
# Source bytes whose trees are kept between indexing and checking: a parse tree costs
# 26-44 MB per MB of source, so small and medium projects never parse twice while a
# sentry-sized one stays within the memory budget.
TREE_BUDGET = 5_000_000

# Deployment files rules read as text (scope "deploy"); they have no facts of their own.
DEPLOY_FILES = ("Procfile", "Dockerfile*", "*.Dockerfile", "docker-compose*.yml", "docker-compose*.yaml",
                "compose*.yml", "compose*.yaml", "*.service", "fly.toml", "app.yaml", "gunicorn*.py", "Caddyfile")


# One expression for all the patterns: every file name of the walk is asked (fnmatch per
# pattern cost a warm start 0.1 s on the corpora).
_DEPLOY_FILE = re.compile("|".join(f"(?:{translate(pattern)})" for pattern in DEPLOY_FILES))


def is_deploy_file(name: str) -> bool:
    return _DEPLOY_FILE.match(os.path.normcase(name)) is not None


# Django templates checked for {% url %}, {% extends %} and {% include %} (DJE109-111).
TEMPLATE_SUFFIXES = (".html", ".htm", ".txt", ".xml", ".jinja", ".jinja2", ".j2", ".djhtml", ".dtl")


def is_template_file(path: Path) -> bool:
    return path.suffix.lower() in TEMPLATE_SUFFIXES and "templates" in path.parts[:-1]


def _suffix(name: str) -> str:
    """`Path(name).suffix` of a file name, without building the Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


@dataclass
class FileState:
    """What the engine knows about one file."""

    path: Path
    project: ProjectState | None
    module: str = ""
    is_package: bool = False
    digest: str = ""
    # The last good facts and their locations (`facts`, `locations`): as loaded from the
    # cache, a `facts_cache.Deferred` until first read, so a warm start that re-checks
    # nothing never unpickles them (0.3 s of 1.3 on the four corpora).
    raw_facts: FileFacts | facts_cache.Deferred | None = field(default=None, repr=False)
    raw_locations: Locations | facts_cache.Deferred = field(default_factory=Locations, repr=False)
    problem: Finding | None = None  # parse/decode/size problem of the current text
    findings: tuple[Finding, ...] | None = None  # None: stale
    deps: dict[Key, str] = field(default_factory=dict)  # fact key -> fingerprint when checked
    text: str | None = None  # held for open documents only
    library: bool = False
    crashed: bool = False  # a rule raised while checking: the findings are incomplete
    # The tree and text of the last parse, kept from indexing until the first check so
    # rules that walk the tree do not parse the file again (within TREE_BUDGET).
    tree: ast.Module | None = field(default=None, repr=False)
    parsed_text: str | None = field(default=None, repr=False)
    tree_cost: int = 0
    # The fixes asked of `fixes_of` (the findings tuple they were computed for; any other
    # findings make them stale): finding -> (fix, the fact keys the fix read with their
    # fingerprints). Kept in the cache with the findings, so a warm `--format json` computes none.
    fixes: dict = field(default_factory=dict, repr=False)
    fixes_of: tuple | None = field(default=None, repr=False)

    @property
    def facts(self) -> FileFacts | None:
        raw = self.raw_facts
        if type(raw) is facts_cache.Deferred:
            raw = self.raw_facts = raw.value()
        return raw

    @facts.setter
    def facts(self, value: FileFacts | None) -> None:
        self.raw_facts = value

    @property
    def locations(self) -> Locations:
        raw = self.raw_locations
        if type(raw) is facts_cache.Deferred:
            raw = self.raw_locations = raw.value()
        return raw

    @locations.setter
    def locations(self, value: Locations) -> None:
        self.raw_locations = value

    @property
    def config(self) -> Config:
        return self.project.config if self.project else _DEFAULT_CONFIG

    @property
    def relative(self) -> str:
        root = self.project.layout.root if self.project else self.path.parent
        relative = relative_posix(self.path, root)
        return self.path.as_posix() if relative is None else relative


@dataclass
class ProjectState:
    layout: ProjectLayout
    config: Config
    files: dict[str, FileState] = field(default_factory=dict)  # module -> file
    model: ProjectModel | None = None
    fingerprints: dict[Key, str] = field(default_factory=dict)
    # One object per fact key: the files' deps share it (211k deps of 17k keys on the four
    # corpora: each file's Recording made its own tuples, in memory and in the cache).
    keys: dict[Key, Key] = field(default_factory=dict)
    # The model is the one the cached findings were checked against (same layout, config and
    # file digests as at the last save): they need no re-validation until it is rebuilt.
    as_cached: bool = False
    # Modules whose code moved (an edit leaving their facts equal) since the model was built or
    # refreshed: a refresh brings their locations up to date, as a new model would.
    moved: set[str] = field(default_factory=set)


class Engine:
    def __init__(
        self,
        roots: Iterable[Path],
        overrides: dict | None = None,
        cache_dir: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.roots = [Path(r).resolve() for r in roots]
        self.overrides = overrides or {}
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.files: dict[Path, FileState] = {}
        # Models rebuilt by deferred updates, with the fingerprints their files were checked
        # with (`settle()` compares them): id(project) -> (project, fingerprints)
        self._pending: dict[int, tuple[ProjectState, dict[Key, str]]] = {}
        self.projects: list[ProjectState] = []
        self.problems: list[str] = []  # one-line configuration/discovery problems
        self.stats: Counter[str] = Counter()
        # Which files read each fact key: built when an edit first asks (a batch check never
        # does: 68k set entries, 5.5 MB on 4,000 model files), then kept up to date.
        self._dependents: dict[Key, set[Path]] | None = None
        self._fix_sources: dict[Path, object] = {}
        self._tree_bytes = 0
        self._loaded = facts_cache.Contents()  # the cache as this start found it
        self._config_digests: dict[int, tuple[Config, str]] = {}

    # -- indexing -------------------------------------------------------------------------

    def index(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Discover projects, read every Python file (facts from cache where unchanged)."""
        from django_expert.analyzers.project.discovery import discover

        self.forget()
        for root in self.roots:
            base_config = self._config(root)
            layouts = discover(root, base_config.settings_module, base_config.exclude)
            for layout in layouts:
                config = self._config(layout.root, base_config) if layout.root != root else base_config
                if config.production_settings:
                    layout = _with_production(layout, config.production_settings)
                self.projects.append(ProjectState(layout, config))
                self.problems.extend(layout.problems)
        paths = [p for root in self.roots for p in self._python_files(root)]
        cached = facts_cache.load(self.cache_dir, self.roots) if self.use_cache else facts_cache.Contents()
        self._loaded = cached
        for done, path in enumerate(paths, 1):
            self._read(path, cached.get(str(path)), walked=True)
            if progress and (done % 50 == 0 or done == len(paths)):
                progress(done, len(paths))
        for project in self.projects:
            self._index_library(project, cached)
            self._rebuild(project)
            if cached.projects and cached.projects.get(str(project.layout.root)) == self._signature(project):
                self._trust_cached(project)

    def forget(self) -> None:
        """Let go of the files and projects read (`index` reads them again): each file's state
        and its project refer to each other, and each model to its answers; without those
        references they are freed at once, not by a full collection."""
        for project in self.projects:
            if project.model is not None:
                project.model.release()
            project.files.clear()
        self.files.clear()
        self.projects.clear()
        self.problems.clear()
        self._dependents = None
        self._fix_sources.clear()

    def _config(self, directory: Path, fallback: Config | None = None) -> Config:
        try:
            config = load_config(directory) if (fallback is None or _has_config(directory)) else fallback
            return config.merged(self.overrides)
        except ConfigError as error:
            self.problems.append(str(error))
            return fallback or Config()

    def files_under(self, folder: Path) -> Iterable[Path]:
        """The files under `folder` an index of it would read (Python, templates, deployment
        files), excludes applied: for a front end noticing files created after indexing."""
        return self._python_files(Path(folder))

    def _python_files(self, root: Path) -> Iterable[Path]:
        excludes = [p for project in self.projects for p in project.config.exclude]
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
            folder = Path(directory)
            # is_template_file() on names: most files walked (static files, translations) are
            # none of ours, and a Path per name cost a warm start 0.1 s on the corpora.
            templates = "templates" in folder.parts
            for name in sorted(filenames):
                if name.endswith(".py") or is_deploy_file(name) or (
                        templates and _suffix(name).lower() in TEMPLATE_SUFFIXES):
                    path = folder / name
                    if not excludes:
                        yield path
                        continue
                    relative = relative_posix(path, root)
                    if relative is None:  # what relative_to raises
                        raise ValueError(f"{path} is not in the subpath of {root}")
                    if not any(fnmatch(relative, pattern) for pattern in excludes):
                        yield path

    def _project_of(self, path: Path) -> ProjectState | None:
        best = None
        for project in self.projects:
            if relative_posix(path, project.layout.root) is not None:
                if best is None or len(project.layout.root.parts) > len(best.layout.root.parts):
                    best = project
        return best

    def _index_library(self, project: ProjectState, cached: facts_cache.Contents) -> None:
        for library_root in project.layout.library_roots:
            for pattern in LIBRARY_GLOBS:
                for path in sorted(library_root.glob(pattern)):
                    state = self.files.get(path)
                    if state is None:
                        self._read(path, cached.get(str(path)), library=(project, library_root))
                    elif state.library and state.module:
                        project.files.setdefault(state.module, state)  # one library, several projects

    def _config_digest(self, config: Config) -> str:
        """`_digest(config)`, once per Config (a start compares it with every cached file's)."""
        known = self._config_digests.get(id(config))
        if known is None or known[0] is not config:
            known = self._config_digests[id(config)] = (config, _digest(config))
        return known[1]

    def _read(self, path: Path, cached, library=None, walked: bool = False) -> FileState:
        if library:
            project, source_root = library
            named = _module_name(path, source_root)
        else:
            project = self._project_of(path)
            named = project.layout.module_name(path) if project else None
        state = FileState(path, project, library=bool(library))
        if named:
            state.module, state.is_package = named
        self.files[path] = state
        try:  # only regular files, never a symlink leading out of the analysed folders
            data = files.read_bytes(path, within=[library[1]] if library else self.roots, walked=walked)
        except OSError as error:
            state.problem = _problem(path, f"cannot read file: {error.strerror or type(error).__name__}")
            return state
        self._load(state, data, cached)
        if project is not None and state.module:
            project.files[state.module] = state
        return state

    def _load(self, state: FileState, data: bytes, cached=None) -> bool:
        """Take new file contents; returns whether the facts changed."""
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if digest == state.digest and state.raw_facts is not None:
            return False
        state.digest = digest
        config = state.config
        if len(data) > config.max_file_size:
            state.problem = _problem(
                state.path,
                f"not analysed: {len(data) / 1e6:.1f} MB is over the max-file-size limit of "
                f"{config.max_file_size / 1e6:.1f} MB",
                Severity.INFO,
            )
            changed = state.raw_facts is not None
            state.facts, state.findings = None, ()
            return changed
        if cached is not None and cached.digest == digest and cached.module == state.module:
            self.stats["facts_from_cache"] += 1
            old = state.raw_facts
            state.raw_facts, state.raw_locations, state.problem = cached.facts, cached.locations, None
            if cached.findings is not None and not state.library and cached.config == self._config_digest(config):
                state.findings, state.deps = cached.findings, dict(cached.deps)
                if cached.fixes:
                    state.fixes, state.fixes_of = {f: (fix, deps) for f, fix, deps in cached.fixes}, cached.findings
                if self._dependents is not None:
                    for key in state.deps:
                        self._dependents[key].add(state.path)
            return old is None or old != state.facts
        return self._parse(state, data)

    def _parse(self, state: FileState, data: bytes) -> bool:
        if state.path.suffix != ".py":  # a deployment file: text for the deploy rules only
            changed = state.raw_facts is None
            state.facts, state.problem = FileFacts(module="", is_package=False), None
            return changed
        self.stats["parse"] += 1
        try:
            text = decode(data)
            tree = parse_module(text, str(state.path))
        except DecodeError as error:
            state.problem = _problem(state.path, f"cannot decode: {error}", Severity.ERROR)
            return False
        except (SyntaxError, ValueError) as error:
            state.problem = _syntax_problem(state.path, error)
            return False  # the last good facts stay
        except (RecursionError, MemoryError):  # the parser's own limit on nesting (~6,000 unary operators)
            state.problem = _problem(state.path, "not analysed: expression nested too deeply", Severity.INFO)
            return False
        self.stats["extract"] += 1
        state.problem = None
        self._release_tree(state)
        if self._tree_bytes + len(data) <= TREE_BUDGET and not state.library:
            state.tree, state.parsed_text, state.tree_cost = tree, text, len(data)
            self._tree_bytes += len(data)
        facts, locations = extract(tree, state.module, state.is_package, LineIndex(text))
        state.locations = locations
        if not state.library and is_test_module(state.module):  # read by the test map: parsed once
            remember_syntax(state.path, text, tree)
        if facts == state.facts:
            return False
        state.facts = facts
        return True

    # -- the project model and its invalidation ---------------------------------------------

    def _rebuild(self, project: ProjectState, edited: str | None = None) -> set[Key]:
        """A new ProjectModel from current facts; returns the fact keys whose fingerprint changed."""
        return self._changed(project, self._new_model(project, edited))

    def _new_model(self, project: ProjectState, edited: str | None = None) -> dict[Key, str]:
        """A new ProjectModel from current facts, with its fingerprints started afresh; returns
        the old ones. `edited`: the one module whose facts changed since the last model, if
        known; the keys of the other modules' own facts (their classes, module statements,
        summaries) keep their fingerprints, so only project-wide keys are recomputed (a field
        rename on netbox recomputed 7,300 of them)."""
        self.stats["model_build"] += 1
        project.as_cached = False
        project.moved.clear()
        if project.model is not None:
            project.model.release()
        # Facts and locations as the files hold them now, read from the cache when first asked.
        facts = {m: f.raw_facts for m, f in project.files.items() if f.raw_facts is not None}
        paths = {m: f.path for m, f in project.files.items()}
        locations = {m: f.raw_locations for m, f in project.files.items()}
        project.model = ProjectModel(project.layout, lambda: facts_cache.values(facts), paths,
                                     lambda: facts_cache.values(locations), _env_texts(project.layout))
        old = project.fingerprints
        project.fingerprints = {}
        if edited is not None:  # (a removed module's keys name it too: none of them is kept)
            project.fingerprints.update((key, value) for key, value in old.items()
                                        if _own_fact_of(key, project.files) not in (None, edited)
                                        and not (key[1] == edited or key[1].startswith(edited + ".")))
        return old

    def _refresh(self, project: ProjectState, state: FileState) -> dict[Key, str]:
        """A body edit changed only the module's summaries: the model takes its new facts and
        drops the answers that read them (`ProjectModel.refresh`) instead of being built anew
        (a view's body edit adding a query cost netbox 600 ms, as a field rename does). Returns
        the fingerprints of the keys that may have changed (its summaries, the memos dropped)."""
        self.stats["model_refresh"] += 1
        project.as_cached = False
        self._fix_sources.clear()
        moved = {module: project.files[module].locations for module in project.moved | {state.module}
                 if module in project.files}
        project.moved.clear()
        memos = project.model.refresh({state.module: state.facts}, moved)
        summaries = [key for key in project.fingerprints
                     if key[0] == "summary" and _own_fact_of(key, project.files) == state.module]
        return {key: project.fingerprints.pop(key) for key in (*summaries, *memos) if key in project.fingerprints}

    def _changed(self, project: ProjectState, old: dict[Key, str]) -> set[Key]:
        return {key for key, value in old.items() if self._fingerprint(project, key) != value}

    def _signature(self, project: ProjectState) -> str:
        """What the project's model is built from: layout, configuration, .env texts and the
        digest of every file (the library's included)."""
        files = sorted((module, state.digest) for module, state in project.files.items())
        return _digest((repr(project.layout), _digest(project.config), sorted(_env_texts(project.layout).items()),
                        files))

    def _trust_cached(self, project: ProjectState) -> None:
        """The model is built from the facts the cached findings were checked against: take
        the fingerprints they recorded as the model's (a later rebuild compares with them),
        and re-validate only the keys of files read through the model (("file", path)), which
        the signature does not cover. Findings recorded against two answers for one key (a
        cache written by a server mid-edit) are re-validated as usual."""
        recorded: dict[Key, str] = {}
        for state in self.files.values():
            if state.project is not project or state.findings is None:
                continue
            for key, value in state.deps.items():
                if key[0] != "file" and recorded.setdefault(key, value) != value:
                    return
        project.fingerprints.update(recorded)
        project.as_cached = True
        self.stats["trusted_projects"] += 1

    def _fingerprint(self, project: ProjectState, key: Key) -> str:
        if key not in project.fingerprints:
            if key in _BY_MODULE:
                project.fingerprints[key] = self._fingerprint_by_module(project, key[0])
            else:
                if key[0] in ("classes", "relations"):
                    self.stats["module_parts"] += 1
                project.fingerprints[key] = _digest(_fact_value(project, key))
        return project.fingerprints[key]

    def _fingerprint_by_module(self, project: ProjectState, kind: str) -> str:
        """The fingerprint of ("classes",) or ("relations",): a digest of each module's part,
        each part a key of its module (kind, module), so a rebuild after one module's edit
        recomputes that module's part only (the whole value of both, for each of netbox's
        field renames, cost the edited file 85 ms before it was published)."""
        parts = []
        for module in sorted(project.model.facts) if project.model else ():
            part = self._fingerprint(project, (kind, module))
            if part != _EMPTY_PART:  # a module declaring none changes neither (a new empty file)
                parts.append((module, part))
        return _digest(parts)

    # -- checking -------------------------------------------------------------------------

    def _check(self, state: FileState) -> tuple[Finding, ...]:
        if state.findings is not None:
            return state.findings
        if state.raw_facts is None or state.library:
            state.findings = ()
            return state.findings
        self.stats["check"] += 1
        project = state.project
        text = state.text if state.text is not None else state.parsed_text
        tree = state.tree if text is not None and text == state.parsed_text else None
        if text is None:
            text = _read_text(state.path)
        self._release_tree(state)
        with Recording() as keys:
            ctx = RuleContext(
                path=state.path,
                relative=state.relative,
                text=text,
                facts=state.facts,
                locations=state.locations,
                project=project.model if project else None,
                config=state.config,
            )
            if tree is not None:
                ctx.__dict__["tree"] = tree  # the cached_property, already computed
            findings = tuple(_template_findings(ctx) if is_template_file(state.path) else run_rules(ctx))
        state.crashed = ctx.crashed
        dependents = self._dependents
        if dependents is not None:
            for key in state.deps:
                dependents[key].discard(state.path)
        if project is not None:
            canonical = project.keys.setdefault
            state.deps = {canonical(key, key): self._fingerprint(project, key) for key in keys}
        else:
            state.deps = {}
        if dependents is not None:
            for key in state.deps:
                dependents[key].add(state.path)
        state.findings = findings
        return findings

    def _dependents_index(self) -> dict[Key, set[Path]]:
        """Fact key -> the files whose findings read it (built from their deps on first use)."""
        if self._dependents is None:
            index: dict[Key, set[Path]] = defaultdict(set)
            for state in self.files.values():
                for key in state.deps:
                    index[key].add(state.path)
            self._dependents = index
        return self._dependents

    def _release_tree(self, state: FileState) -> None:
        if state.tree is not None:
            self._tree_bytes -= state.tree_cost
            state.tree, state.parsed_text, state.tree_cost = None, None, 0

    def findings(self, path: Path) -> list[Finding]:
        """The current findings of one file (computed if stale), its parse problem first."""
        state = self.files.get(Path(path))
        if state is None or state.library:
            return []
        return self._findings_of(state)

    def _findings_of(self, state: FileState) -> list[Finding]:
        self._revalidate(state)
        findings = list(self._check(state))
        if state.problem is not None:
            findings.insert(0, state.problem)
        return findings

    def all_findings(self) -> dict[Path, list[Finding]]:
        return {path: self._findings_of(state) for path, state in sorted(self.files.items(), key=_path_order)
                if not state.library}

    def _revalidate(self, state: FileState) -> None:
        """Drop cached findings whose recorded fact keys changed since they were computed."""
        if state.findings is None or state.project is None:
            return
        as_cached = state.project.as_cached
        for key, value in state.deps.items():
            if as_cached and key[0] != "file":
                continue
            if self._fingerprint(state.project, key) != value:
                state.findings = None
                return

    # -- edits ----------------------------------------------------------------------------

    def update(self, path: Path, text: str | None = None, defer: bool = False) -> set[Path]:
        """A file changed (text given: an open document; None: re-read from disk, or deleted).

        Returns the files whose findings must be re-published. With `defer`, only the edited
        file: which other files the change reaches is worked out by `settle()`, so a front end
        can publish the edited file first (comparing every fact key's fingerprint recomputes
        the project-wide answers, most of a model edit's cost). Until then every other file's
        findings are still re-validated against the new model when asked.
        """
        path = Path(path).resolve()
        if is_template_file(path):  # the views that render it, and its own findings
            stale = self._read_file_changed(path)
            return stale | self._update_text_file(path, text)
        if path.suffix != ".py" and not is_deploy_file(path.name):
            return self._read_file_changed(path)
        state = self.files.get(path)
        if state is None:
            if text is None and not path.is_file() or not (path.suffix == ".py" or is_deploy_file(path.name)):
                return set()
            state = self._read(path, None)
            if text is not None:  # a new, maybe unsaved, buffer: its text is the truth
                state.text = text
                self._load(state, text.encode("utf-8"))
                if state.project is not None and state.module:
                    state.project.files[state.module] = state
            if state.project is not None:
                return self._after_change(state, facts_changed=True, defer=defer)
            return {path}
        if text is None and not path.exists():
            return self.remove(path)
        state.text = text
        data = text.encode("utf-8") if text is not None else _read_bytes(path)
        if data is None:
            return set()
        before, previous = state.digest, state.facts
        facts_changed = self._load(state, data)
        if state.digest == before and not facts_changed:
            return set()
        return self._after_change(state, facts_changed, defer, previous)

    def _update_text_file(self, path: Path, text: str | None) -> set[Path]:
        """A template's own state: created, changed or deleted."""
        state = self.files.get(path)
        if state is None:
            if text is None and not path.is_file():
                return set()
            state = self._read(path, None)
        elif text is None and not path.exists():
            self.files.pop(path, None)
            return {path}
        data = text.encode("utf-8") if text is not None else _read_bytes(path)
        if data is None:
            return set()
        state.text = text
        self._load(state, data)
        state.findings = None
        return {path}

    def _after_change(self, state: FileState, facts_changed: bool, defer: bool = False,
                      previous: FileFacts | None = None) -> set[Path]:
        if state.problem is not None and state.problem.code == "DJE000" and state.findings is not None:
            return {state.path}  # typing in progress: keep the previous findings
        state.findings = None
        stale = {state.path}
        if not facts_changed and state.project is not None and state.module:
            state.project.moved.add(state.module)
        if facts_changed and state.project is not None:
            project = state.project
            if project.model is not None and state.module in project.files and _refreshable(previous, state.facts):
                old = self._refresh(project, state)
            else:
                old = self._new_model(project, state.module or None)
            if defer:
                pending = self._pending.setdefault(id(project), (project, {}))[1]
                for key, value in old.items():  # the fingerprints the files' findings were checked with
                    pending.setdefault(key, value)
            else:
                stale |= self._reached(project, self._changed(project, old))
        return stale

    def settle(self) -> set[Path]:
        """The files the changes `update(..., defer=True)` deferred reach (to re-publish)."""
        stale: set[Path] = set()
        pending, self._pending = self._pending, {}
        for project, old in pending.values():
            stale |= self._reached(project, self._changed(project, old))
        return stale

    def _reached(self, project: ProjectState, changed: set[Key]) -> set[Path]:
        """The files whose findings read a changed key (their findings are dropped), except
        those already checked against its new value (the edited file, published first)."""
        stale = set()
        dependents = self._dependents_index()
        for key in changed:
            current = self._fingerprint(project, key)
            for dependent in dependents.get(key, ()):
                other = self.files.get(dependent)
                if other is not None and other.findings is not None and other.deps.get(key) != current:
                    other.findings = None
                    stale.add(dependent)
        return stale

    def _read_file_changed(self, path: Path) -> set[Path]:
        """A file rules read through the model, not Python (a template), changed on disk:
        re-check the files whose findings read its ("file", path) key."""
        key = ("file", str(path))
        stale: set[Path] = set()
        for project in self.projects:
            old = project.fingerprints.pop(key, None)
            if old is None or self._fingerprint(project, key) == old:
                continue
            for dependent in self._dependents_index().get(key, ()):
                other = self.files.get(dependent)
                if other is not None and other.findings is not None:
                    other.findings = None
                    stale.add(dependent)
        return stale

    def remove(self, path: Path) -> set[Path]:
        state = self.files.pop(Path(path), None)
        if state is None:
            return set()
        if state.project is not None and state.module in state.project.files:
            del state.project.files[state.module]
            state.facts = None
            return self._after_change(state, facts_changed=True) - {state.path}
        return set()

    def close(self, path: Path) -> None:
        """An open document was closed: its text on disk is the truth again."""
        state = self.files.get(Path(path))
        if state is not None:
            state.text = None

    def save_cache(self) -> bool:
        """Write the facts cache, unless it would hold what this start loaded; returns whether
        it was written."""
        pending = self.cache_to_write()
        return pending is not None and pending.write()

    def cache_to_write(self) -> facts_cache.Pending | None:
        """The facts cache as it is now, unless it holds what was loaded or last taken (None);
        its `write()` may run on another thread (the server writes it there)."""
        if not self.use_cache:
            return None
        signatures = {str(project.layout.root): self._signature(project) for project in self.projects}
        pending = facts_cache.prepare(self.cache_dir, self.roots, self.files.values(), _digest, signatures,
                                      self._loaded)
        if pending is not None:
            self._loaded = pending.contents
        return pending

    # -- queries --------------------------------------------------------------------------

    def state(self, path: Path) -> FileState | None:
        return self.files.get(Path(path))

    def project_for(self, path: Path) -> ProjectModel | None:
        state = self.files.get(Path(path))
        if state is not None and state.project is not None:
            return state.project.model
        project = self._project_of(Path(path))
        return project.model if project else None

    def fix(self, finding: Finding) -> Fix | None:
        """The fix of a finding, computed on demand (libcst is only loaded here)."""
        if finding.fix is not None:
            return finding.fix
        from django_expert.analyzers.fixes import FixSource, compute_fix

        state = self.files.get(Path(finding.path))
        if state is None:
            return None
        project = state.project
        if state.findings is None or state.fixes_of is not state.findings:
            state.fixes, state.fixes_of = {}, state.findings
        known = state.fixes.get(finding)
        if known is not None and project is not None and all(
                self._fingerprint(project, key) == value for key, value in known[1]):
            return known[0]
        text = state.text if state.text is not None else _read_text(state.path)
        model = project.model if project else None
        # One libcst parse per file and text, shared by all the fixes asked for in it.
        source = self._fix_sources.get(state.path)
        if source is None or source.text != text or source.project is not model:
            source = FixSource(str(state.path), text, model)
            self._fix_sources[state.path] = source
            while len(self._fix_sources) > 16:
                self._fix_sources.pop(next(iter(self._fix_sources)))
        with Recording() as keys:
            fix = compute_fix(finding, source)
        if state.fixes_of is not None and project is not None:
            state.fixes[finding] = (fix, tuple((key, self._fingerprint(project, key)) for key in keys))
        return fix


# -- helpers -------------------------------------------------------------------------------


def _template_findings(ctx: RuleContext) -> list[Finding]:
    """DJE109-111 in a template's own text, with select/ignore and `{# noqa #}` applied."""
    from django_expert.analyzers.navigation.template_checks import check_template

    if ctx.project is None:
        return []
    try:
        found = check_template(ctx.project, ctx.path, ctx.text)
    except Exception:
        log.exception("template checks failed on %s", ctx.path)
        ctx.crashed = True
        return []
    return [f for f in found if ctx.config.enabled(f.code, ctx.relative) and not ctx.suppressed(f)]


def load_projects(path: Path, overrides: dict | None = None) -> list[ProjectModel]:
    """Index a folder without a cache and return the model of every project in it."""
    engine = Engine([path], overrides, use_cache=False)
    engine.index()
    return [project.model for project in engine.projects if project.model is not None]


def _fact_value(project: ProjectState, key: Key) -> object:
    """What a fact key denotes, in a form whose repr is stable across processes."""
    model = project.model
    kind = key[0]
    if kind == "class":
        module, _, name = key[1].rpartition(".")
        facts = model.facts.get(module) if model else None
        return facts.class_(name) if facts else None
    if kind == "module":
        facts = model.facts.get(key[1]) if model else None
        return (facts.imports, facts.statements, facts.calls, facts.functions) if facts else None
    if kind == "classes":  # one module's part of the class hierarchy: names and bases, not bodies
        facts = model.facts.get(key[1]) if model else None
        return tuple(sorted((c.name, c.bases, c.meta_attr("abstract"), c.meta_attr("proxy"))
                            for c in facts.classes)) if facts else ()
    if kind == "relations":  # one module's part of everything that can create a reverse relation
        facts = model.facts.get(key[1]) if model else None
        return tuple(sorted(repr((c.name, name, value)) for c in facts.classes for name, value in c.attrs
                            if _maybe_relation(value))) if facts else ()
    if kind == "summary":  # one function's summary: a body edit re-checks only the files that used it
        from django_expert.analyzers.project.summaries import summary_fact

        return summary_fact(model, key[1]) if model else None
    if kind == "layout":
        return repr(project.layout)
    if kind == "memo":  # a project-wide answer (ProjectModel.memo): its value, in a stable order
        value = model.memo_value(key) if model else None
        return sorted(value) if isinstance(value, (set, frozenset)) else value
    if kind == "file":  # a non-Python file read through the model (e.g. .env)
        data = _read_bytes(Path(key[1]))
        return _digest(data) if data is not None else None
    return None


def _own_fact_of(key: Key, modules) -> str | None:
    """The module whose facts alone a ("class" | "module" | "summary") key, or a module's
    part of ("classes",) or ("relations",), denotes (the longest indexed prefix of its
    name); None for project-wide keys and unknown names."""
    if key[0] == "module" or (key[0] in ("classes", "relations") and len(key) == 2):
        return key[1]
    return owning_module(key[1], modules) if key[0] in ("class", "summary") else None


# The project-wide keys fingerprinted as the digest of one part per module (`_fingerprint_by_module`).
_BY_MODULE = frozenset({("classes",), ("relations",)})


_FACT_FIELDS = tuple(f.name for f in fields(FileFacts) if f.name != "summaries")


def _refreshable(old: FileFacts | None, new: FileFacts | None) -> bool:
    """Whether two facts of a module differ in their function summaries only (a body edit):
    the model is refreshed (`ProjectModel.refresh`), not built anew."""
    return old is not None and new is not None and all(getattr(old, name) == getattr(new, name)
                                                       for name in _FACT_FIELDS)


def _maybe_relation(value) -> bool:
    from django_expert.analyzers.facts.values import Call

    return isinstance(value, Call) and (bool(value.args) or any(k in ("to", "related_name", "related_query_name")
                                                                for k, _ in value.kwargs))


def _digest(value: object) -> str:
    data = value if isinstance(value, bytes) else repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


_EMPTY_PART = _digest(())


def _path_order(item: tuple[Path, object]) -> object:
    """Sort key of (path, ...) items in Path order (see layout.path_order)."""
    return path_order(item[0])


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _has_config(directory: Path) -> bool:
    return (directory / ".django-expert.toml").is_file() or (directory / "pyproject.toml").is_file()


def _with_production(layout: ProjectLayout, modules: tuple[str, ...]) -> ProjectLayout:
    from dataclasses import replace

    return replace(layout, production_settings=tuple(modules))


def _env_texts(layout: ProjectLayout) -> dict[str, str]:
    texts = {}
    for path in layout.env_files:
        try:
            texts[str(path)] = files.read_text(path, limit=1 << 20)
        except OSError:
            continue
    return texts


def _read_bytes(path: Path) -> bytes | None:
    try:
        return files.read_bytes(path)
    except OSError:
        return None


def _read_text(path: Path) -> str:
    data = _read_bytes(path) or b""
    try:
        return decode(data)
    except DecodeError:
        return data.decode("utf-8", errors="replace")


def _problem(path: Path, message: str, severity: Severity = Severity.WARNING, span: Span | None = None) -> Finding:
    return Finding("DJE000", "parse-error", message, str(path), span or Span.of(0, 0, 0, 0), severity)


def _syntax_problem(path: Path, error: SyntaxError | ValueError) -> Finding:
    """A real syntax error: `parse_module` reads the syntax of newer Pythons too."""
    if isinstance(error, SyntaxError) and error.lineno:
        line = error.lineno - 1
        column = max((error.offset or 1) - 1, 0)
        return _problem(path, f"syntax error: {error.msg}", Severity.ERROR, Span.of(line, column, line, column + 1))
    return _problem(path, f"cannot parse: {error}", Severity.ERROR)
