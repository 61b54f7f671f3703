"""The project's test suite as the testing rules and the report see it: which modules are
tests (the modules `facts.summaries.summarised` leaves out, migrations aside), the pytest
configuration and the settings modules tests run with, the CI files, and what each test
module reaches (URL names it reverses, literal paths it requests matched against the URL
conf of `navigation/urls.py`, project modules it imports).

Test modules get no summaries, so their bodies are read here from their text, once per
model through `ProjectModel.memo`; what a module's syntax says (`ModuleSyntax`) is kept by
the text's digest, so a model rebuilt after an edit (every keystroke of a model field in the
editor) parses no test module again: only the matching of its paths against the URL conf is
redone. The CI and pytest files are read through the model with ("file", path) keys. The
answers are position-free.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django_expert.analyzers import files
from django_expert.analyzers.facts.summaries import summarised
from django_expert.analyzers.facts.walk import breadth_first
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.project.model import ProjectModel, record

# The CI configurations looked for in the project's root and the folders above it up to the
# repository's root (a backend in a monorepo is tested by the repository's workflows).
CI_FILES = (".gitlab-ci.yml", "tox.ini", "noxfile.py", "Makefile", ".pre-commit-config.yaml", "Jenkinsfile",
            ".circleci/config.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml")
CI_FOLDERS = (".github/workflows",)
_UP = 3  # folders above the project's root looked at for the repository's root
_LIMIT = 1_000_000
# `makemigrations --check` (or the old `--exit`), in either order on one command line.
MIGRATIONS_CHECK = re.compile(r"makemigrations\b[^\n;|&]*--(?:check|exit)\b|--check\b[^\n;|&]*\bmakemigrations\b")
_SCRIPT = re.compile(r"(?<![\w/.-])((?:\./)?[\w./-]+\.(?:sh|py))\b")
_DOCKER = re.compile(r"\bdocker(?:-compose|\s+compose|\s+run)\b")
_DOCKER_FILE = re.compile(r"^(?:docker-)?compose[\w.-]*\.ya?ml$|^Dockerfile[\w.-]*$|^[\w.-]+\.Dockerfile$")
_PYTEST_FILES = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_MIGRATIONS = frozenset({"migrations", "south_migrations"})


def is_test_module(module: str) -> bool:
    """A module of the test suite: one `summarised` leaves out, migrations aside."""
    return not summarised(module) and not _MIGRATIONS & set(module.split("."))


# -- configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class PytestSettings:
    """The DJANGO_SETTINGS_MODULE a pytest configuration names: `where` is the file and
    section ("pytest.ini [pytest]"), `folder` the folder holding it."""

    module: str
    where: str
    folder: str
    pythonpath: tuple[str, ...] = ()


def read_file(project: ProjectModel, path: Path) -> str | None:
    """The text of a non-Python file the rules read, recording ("file", path)."""
    if not files.is_regular_file(path):
        return None
    record([("file", str(path))])
    try:
        return files.read_text(path, limit=_LIMIT)
    except (OSError, ValueError):
        return None


def repository_folders(project: ProjectModel) -> tuple[Path, ...]:
    """The project's root and the folders above it, up to the one holding `.git`."""
    folder = project.layout.root
    found = [folder]
    for _ in range(_UP):
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
        found.append(folder)
    return tuple(found) if (found[-1] / ".git").exists() else (project.layout.root,)


def _pytest_settings(project: ProjectModel) -> PytestSettings | None:
    from django_expert.analyzers.project.discovery import _pytest_settings as from_folder

    for folder in repository_folders(project):
        present = {name for name in _PYTEST_FILES if files.is_regular_file(folder / name)}
        for name in present:
            read_file(project, folder / name)
        found = from_folder(folder, present, [], folder) if present else None
        if found:
            return PytestSettings(found[0], found[1], str(folder), _pythonpath(folder, present))
    return None


def pytest_settings(project: ProjectModel) -> PytestSettings | None:
    """The settings module pytest-django is configured with (pytest's file order, nearest folder first)."""
    return project.memo(_pytest_settings)


def _pythonpath(folder: Path, present: set[str]) -> tuple[str, ...]:
    """pytest's `pythonpath` option (pytest 7+), as written: folders put on sys.path."""
    for name in sorted(present):
        match = re.search(r"^\s*pythonpath\s*=\s*(.+)$", files.read_text(folder / name, limit=_LIMIT), re.M)
        if match:
            return tuple(p.strip("\"'[], ") for p in re.split(r"[\s,]+", match.group(1)) if p.strip("\"'[], "))
    return ()


def settings_module_exists(project: ProjectModel, found: PytestSettings) -> bool:
    """Whether the module pytest names can be imported: under a source root, the config's
    folder, a `pythonpath` entry, or manage.py's folder (pytest-django's django_find_project)."""
    from django_expert.analyzers.project.discovery import module_file

    folder = Path(found.folder)
    roots = [*project.layout.source_roots, folder, *(folder / p for p in found.pythonpath)]
    if project.layout.manage_py is not None:
        roots.append(project.layout.manage_py.parent)
    return module_file(tuple(roots), found.module) is not None or found.module in project.facts


def _test_settings_modules(project: ProjectModel) -> tuple[str, ...]:
    from django_expert.analyzers.rules.deployment._settings import is_test_module as test_named

    found = [m for m in project.layout.settings_modules if test_named(m)]
    configured = pytest_settings(project)
    if configured is not None and configured.module in project.facts:
        found.append(configured.module)
    return tuple(dict.fromkeys(found))


def test_settings_modules(project: ProjectModel) -> tuple[str, ...]:
    """The settings modules tests run with: pytest's, and settings named test/testing/ci."""
    return project.memo(_test_settings_modules)


# -- CI ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CiFile:
    path: str  # relative to the project's root ("../.github/workflows/ci.yml" above it)
    checks_migrations: bool


def _ci_files(project: ProjectModel) -> tuple[CiFile, ...]:
    found = []
    for folder in repository_folders(project):
        candidates = [folder / name for name in CI_FILES]
        for sub in CI_FOLDERS:
            if (folder / sub).is_dir():
                candidates += sorted(p for p in (folder / sub).iterdir() if p.suffix in (".yml", ".yaml"))
        for path in candidates:
            text = read_file(project, path)
            if text is None or (path.name == "tox.ini" and "[testenv" not in text):
                continue
            checks = bool(MIGRATIONS_CHECK.search(text)) or _script_checks(project, folder, text)
            found.append(CiFile(_relative(path, project.layout.root), checks))
        if found:  # the nearest folder with CI files is the repository's CI
            break
    return tuple(found)


def ci_files(project: ProjectModel) -> tuple[CiFile, ...]:
    """The CI configurations of the project's repository and whether each runs
    `makemigrations --check` (itself or in a script it runs)."""
    return project.memo(_ci_files)


def _script_checks(project: ProjectModel, folder: Path, text: str) -> bool:
    """Whether a script the CI file names (scripts/lint.sh) runs `makemigrations --check`,
    or, when the CI runs containers (`docker compose`, `docker run`), a script a compose file
    or Dockerfile of the repository names (defectdojo's compose override runs
    /app/docker/entrypoint-unit-tests.sh as the container's entrypoint). Scripts are followed
    two levels deep (a CI step runs docker/setEnv.sh, which names the compose file)."""
    texts = [text]
    if _DOCKER.search(text):
        texts += [t for p in _docker_files(folder) if (t := read_file(project, p)) is not None]
    seen: set[Path] = set()
    for _ in range(2):
        found = []
        for source in texts:
            for name in dict.fromkeys(_SCRIPT.findall(source)):
                script = _script(project, (folder, project.layout.root), name, seen)
                if script is None:
                    continue
                if MIGRATIONS_CHECK.search(script):
                    return True
                found.append(script)
        texts = found
    return False


def _docker_files(folder: Path) -> list[Path]:
    """The compose files and Dockerfiles at the repository's root."""
    return sorted(p for p in folder.iterdir() if p.is_file() and _DOCKER_FILE.match(p.name))


def _script(project: ProjectModel, bases: tuple[Path, ...], name: str, seen: set[Path]) -> str | None:
    """The text of a script named in CI, under the repository: a path inside a container
    (/app/docker/x.sh) is tried without its leading folders (docker/x.sh, x.sh)."""
    parts = [p for p in Path(name).parts if p not in ("/", ".", "..")]
    for base in bases:
        for start in range(len(parts)):
            path = base.joinpath(*parts[start:])
            if path in seen:
                return None
            text = read_file(project, path)
            if text is not None:
                seen.add(path)
                return text
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return Path(*[".."] * (len(root.parts) - len(path.parts) + 1), path.name).as_posix() \
            if root.is_relative_to(path.parent) else path.as_posix()


# -- the test modules and what they reach ---------------------------------------------------


@dataclass(frozen=True)
class RequestedPath:
    """A literal path a test requests (`client.get("/api/books/")`) and the URL names of
    the routes it matches ("" for an unnamed route; none when no route matches)."""

    method: str
    path: str
    routes: tuple[str, ...]


@dataclass(frozen=True)
class TestModule:
    """One test module: its style ("pytest", "unittest" or both), the URL names it
    `reverse()`s, the paths it requests, the project modules it imports, the pytest fixtures
    it defines, the factory classes it declares, whether it runs `makemigrations --check`, and
    the settings it overrides."""

    module: str
    styles: tuple[str, ...]
    reversed_names: tuple[str, ...] = ()
    requested: tuple[RequestedPath, ...] = ()
    imports: tuple[str, ...] = ()
    fixtures: tuple[str, ...] = ()
    factories: tuple[str, ...] = ()
    checks_migrations: bool = False
    overridden_settings: tuple[str, ...] = ()  # `settings.X = ...`, `override_settings(X=...)`
    loaded_fixtures: tuple[str, ...] = ()  # `fixtures = [...]`, `loaddata` names, as written
    mentioned: tuple[str, ...] = ()  # short string constants without spaces (URL names built elsewhere)


_HTTP = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_FACTORY_BASES = frozenset({"DjangoModelFactory", "Factory", "ModelFactory"})  # factory_boy


def _test_modules(project: ProjectModel) -> tuple[TestModule, ...]:
    from django_expert.analyzers.navigation.urls import url_index

    index = url_index(project)
    root = project.layout.root
    own = frozenset(m.partition(".")[0] for m, p in project.paths.items() if p.is_relative_to(root))
    found = []
    for module in sorted(project.facts):
        path = project.paths.get(module)
        if not is_test_module(module) or path is None or path.suffix != ".py":
            continue
        syntax = module_syntax(path)
        if syntax is not None:
            found.append(_read_module(project, module, syntax, index, own))
    return tuple(found)


def test_modules(project: ProjectModel) -> tuple[TestModule, ...]:
    """Every test module of the project and what it reaches (the test map)."""
    return project.memo(_test_modules)


@dataclass(frozen=True)
class ModuleSyntax:
    """What a test module's text says, whatever the project around it: the URL names it
    reverses, the paths it requests (method, path) and the other path-like strings it holds
    (matched against the URL conf per model), and the rest of `TestModule`'s syntax."""

    pytest_marks: bool  # "@pytest" in the text
    test_case: bool  # "TestCase" in the text
    names: tuple[str, ...]
    requested: tuple[tuple[str, str], ...]
    stored: tuple[str, ...]
    overridden: tuple[str, ...]
    fixtures: tuple[str, ...]
    checks_migrations: bool
    loaded_fixtures: tuple[str, ...]
    mentioned: tuple[str, ...]


_SYNTAX: dict[tuple[str, bytes], ModuleSyntax] = {}
_SYNTAX_KEPT = 8192  # modules; cleared past it (a workspace's test suite is well below)


def module_syntax(path: Path) -> ModuleSyntax | None:
    """The syntax of the test module at `path`, read once per text (None: unreadable)."""
    try:
        text = files.read_text(path, limit=_LIMIT)
    except (OSError, ValueError):
        return None
    found = _SYNTAX.get(_syntax_key(path, text))
    if found is None:
        try:
            tree = parse_module(text, str(path))
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            return None
        found = remember_syntax(path, text, tree)
    return found


def remember_syntax(path: Path, text: str, tree: ast.Module) -> ModuleSyntax:
    """The syntax of a test module's text already parsed (the engine's index parses every
    file: the test map then parses none of them again, 0.5-0.8 s of a cold start on netbox)."""
    key = _syntax_key(path, text)
    found = _SYNTAX.get(key)
    if found is None:
        if len(_SYNTAX) >= _SYNTAX_KEPT:
            _SYNTAX.clear()
        found = _SYNTAX[key] = _syntax(tree, text)
    return found


def _syntax_key(path: Path, text: str) -> tuple[str, bytes]:
    return str(path), hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _syntax(tree: ast.Module, text: str) -> ModuleSyntax:
    nodes = breadth_first([tree])  # walked once: test modules are large and each reader below scans them all
    names, requested, overridden = [], [], []
    for node in nodes:
        if isinstance(node, ast.Assign):
            overridden += [t.attr for t in node.targets if isinstance(t, ast.Attribute)
                           and isinstance(t.value, ast.Name) and t.value.id == "settings" and t.attr.isupper()]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if callee in ("override_settings", "modify_settings"):
            overridden += [k.arg for k in node.keywords if k.arg]
        if callee in ("reverse", "reverse_lazy", "resolve_url") and literal:
            names.append(literal)
        elif callee in _HTTP and isinstance(func, ast.Attribute):
            path = literal if literal is not None else _formatted_path(first)
            if path and path.startswith("/"):
                requested.append((callee.upper(), path))
    return ModuleSyntax(
        "@pytest" in text, "TestCase" in text, tuple(dict.fromkeys(names)), tuple(requested),
        _stored_paths(nodes, {path for _, path in requested}), tuple(dict.fromkeys(overridden)), _fixtures(tree),
        bool(re.search(r"[\"']makemigrations[\"']", text) and re.search(r"check\s*=\s*True|[\"']--check[\"']", text)),
        _loaded_fixtures(nodes), _mentioned(nodes),
    )


def _read_module(project: ProjectModel, module: str, syntax: ModuleSyntax, index, own: frozenset[str]) -> TestModule:
    facts = project.facts[module]
    targets = {i.local: i.target for i in facts.imports}
    styles = set()
    if "pytest" in targets or module.rpartition(".")[2] == "conftest" or syntax.pytest_marks:
        styles.add("pytest")
    if any(c.bases for c in facts.classes) and (syntax.test_case or "unittest" in targets):
        styles.add("unittest")
    requested = [RequestedPath(method, path, matching_routes(index, path)) for method, path in syntax.requested]
    requested += [RequestedPath("", path, routes) for path in syntax.stored if (routes := matching_routes(index, path))]
    imports = sorted({t for t in targets.values() if t.partition(".")[0] in own and not is_test_module(t)})
    return TestModule(
        module, tuple(sorted(styles)), syntax.names, tuple(requested), tuple(imports), syntax.fixtures,
        tuple(c.name for c in facts.classes if any(b.rpartition(".")[2] in _FACTORY_BASES for b in c.bases)),
        syntax.checks_migrations, syntax.overridden, syntax.loaded_fixtures, syntax.mentioned,
    )


def _stored_paths(nodes: list[ast.AST], seen: set[str]) -> tuple[str, ...]:
    """Paths written anywhere else in the module (`self.url = f"/checks/{code}/details/"` in
    setUp, then `self.client.get(self.url)`: healthchecks' style) or joined to a base URL
    (`_joined_path`); `_read_module` keeps those that match a route, with "" for the method."""
    inner = {id(v) for node in nodes if isinstance(node, ast.JoinedStr) for v in node.values}
    found = []
    for node in nodes:  # only these four kinds of node can spell a path: the others are skipped at once
        if isinstance(node, ast.Constant):
            path = node.value if isinstance(node.value, str) and id(node) not in inner else None
        elif isinstance(node, (ast.BinOp, ast.Call)):
            path = _joined_path(node)
        elif isinstance(node, ast.JoinedStr):
            path = _formatted_path(node)
        else:
            continue
        if path and path.startswith("/") and len(path) > 1 and not any(c.isspace() for c in path) and path not in seen:
            seen.add(path)
            found.append(path)
    return tuple(found)


_BASE_URL = re.compile(r"url|base", re.IGNORECASE)


def _joined_path(node: ast.AST) -> str | None:
    """A path a test joins to a base URL it does not spell, read from the root: defectdojo's
    Selenium tests (`self.base_url + f"engagement/{eid}/"`), `urljoin(base, "x/")`,
    `self.live_server_url + "/x/"`. Only when the joined part is a literal or f-string path
    and the base a name or attribute called like a URL (`base_url`, `live_server_url`)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, (ast.Name, ast.Attribute)):
        name = node.left.id if isinstance(node.left, ast.Name) else node.left.attr
        part = node.right if _BASE_URL.search(name) else None
    elif isinstance(node, ast.Call) and len(node.args) == 2 and (
            isinstance(node.func, ast.Name) and node.func.id == "urljoin"
            or isinstance(node.func, ast.Attribute) and node.func.attr == "urljoin"):
        part = node.args[1]
    else:
        return None
    text = _string(part) if isinstance(part, ast.Constant) else _formatted_path(part) if part is not None else None
    if not text or text[0] in "?#" or "://" in text or any(c.isspace() for c in text):
        return None
    return "/" + text.lstrip("/")


def _formatted_path(node: ast.expr | None) -> str | None:
    """An f-string path with each placeholder as one segment's worth of text
    (`f"/books/{book.pk}/"` -> "/books/1/"): enough to match the route it requests."""
    if not isinstance(node, ast.JoinedStr):
        return None
    return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "1" for v in node.values)


def _loaded_fixtures(nodes: list[ast.AST]) -> tuple[str, ...]:
    """The fixture names a module loads: a test class's `fixtures = [...]`, `loaddata`'s
    arguments (`call_command("loaddata", "a.json")`), pytest's `django_db_setup` included."""
    found: list[str] = []
    for node in nodes:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "fixtures"
                                                        for t in item.targets):
                    found += _strings(item.value)
        elif isinstance(node, ast.Call) and node.args and _string(node.args[0]) == "loaddata":
            found += [s for a in node.args[1:] if (s := _string(a))]
    return tuple(dict.fromkeys(found))


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _strings(node: ast.expr) -> list[str]:
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    return [s for item in items if (s := _string(item))]


def _mentioned(nodes: list[ast.AST]) -> tuple[str, ...]:
    """Short string constants without spaces: the URL names a test passes to its own helper
    (`self.url("book-list")`, a `url_name = "book-detail"` attribute) reach a route too."""
    return tuple(sorted({n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)
                         and 2 < len(n.value) <= 80 and not any(c.isspace() for c in n.value)}))


def _fixtures(tree: ast.Module) -> tuple[str, ...]:
    """The module's pytest fixtures (`@pytest.fixture`, `@fixture(...)`)."""
    return tuple(node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and any("fixture" in ast.unparse(d) for d in node.decorator_list))


def matching_routes(index, path: str) -> tuple[str, ...]:
    """The names of the routes a literal path resolves to (query string and host left out)."""
    text = path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    return tuple(dict.fromkeys(r.name for r in index.patterns
                               if _spelled(r.route) and _route_regex(r.route).fullmatch(text)))


def _spelled(route: str) -> bool:
    """Whether a route has text of its own: one the URL index could not read at all ("…",
    defectdojo's `re_path`s) would match every path a test requests."""
    return bool(re.sub(r"…|<[^>]*>|/", "", route))


_ROUTE_REGEXES: dict[str, re.Pattern] = {}


def _route_regex(route: str) -> re.Pattern:
    found = _ROUTE_REGEXES.get(route)
    if found is None:
        pieces, last = [], 0
        for match in re.finditer(r"\{language\}|<(?:(\w+):)?\w+>|…", route):
            pieces.append(re.escape(route[last:match.start()]))
            token = match.group(0)
            # "…": a piece the URL conf builds at run time (healthchecks' f"{prefix}" from a
            # setting, empty in tests): any text, so a test's path is not missed for it
            pieces.append(".+" if match.group(1) == "path" else ".*?" if token == "…" else "[^/]+")
            last = match.end()
        pieces.append(re.escape(route[last:]))
        found = _ROUTE_REGEXES[route] = re.compile("".join(pieces))
    return found


# -- what the suite reaches ------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointCoverage:
    """One routed view and the test modules that reach it: by reversing its URL name (or
    naming it), requesting a path its pattern matches, or importing the view itself."""

    route: str  # the joined pattern, as `navigation/urls.py` prints it
    name: str  # the namespaced URL name, "" when unnamed
    view: str  # the view's qualname
    tests: tuple[str, ...]

    def to_json(self) -> dict:
        return {"route": self.route, "name": self.name, "view": self.view, "tests": list(self.tests)}


def _endpoint_coverage(project: ProjectModel) -> tuple[EndpointCoverage, ...]:
    from django_expert.analyzers.navigation.urls import url_index

    found = []
    modules = test_modules(project)
    for route in url_index(project).patterns:
        if not route.view or route.library:
            continue
        tests = tuple(t.module for t in modules if reaches(t, route))
        found.append(EndpointCoverage(route.route, route.name, route.view, tests))
    return tuple(dict.fromkeys(found))


def endpoint_coverage(project: ProjectModel) -> tuple[EndpointCoverage, ...]:
    """Every routed view of the project's URL conf, in Django's order, with the tests reaching it."""
    return project.memo(_endpoint_coverage)


def reaches(test: TestModule, route) -> bool:
    """Whether a test module reaches a route: its name reversed or mentioned (a router's
    "book-list" under any namespace), a requested path matching it, the view imported."""
    short = route.name.rpartition(":")[2]
    if route.name and (route.name in test.reversed_names or short in test.mentioned
                       or any(n.rpartition(":")[2] == short for n in test.reversed_names)):
        return True
    if any(route.name in r.routes and _route_regex(route.route).fullmatch(r.path.split("?")[0].lstrip("/"))
           for r in test.requested):
        return True
    view = route.view or ""
    return any(i == view or view.startswith(i + ".") and i.count(".") >= view.count(".") - 1
               for i in test.imports)


# -- factories and the data migrations tests depend on ------------------------------------------


@dataclass(frozen=True)
class FactoryInfo:
    qualname: str
    model: str | None  # the model's label ("catalog.Author"), None when not read


def _factories(project: ProjectModel) -> tuple[FactoryInfo, ...]:
    from django_expert.analyzers.facts.values import Ref, string

    found = []
    for ref in project.all_classes():
        fact = ref.fact
        if not any(b.rpartition(".")[2] in _FACTORY_BASES and "factory" in b for b in fact.bases):
            continue
        value = fact.meta_attr("model")
        label = string(value)
        if isinstance(value, Ref):
            model = project.model(value.name.rpartition(".")[2], ref.module)
            label = model.label if model is not None else None
        elif label is not None and "." not in label:
            label = None  # factory_boy accepts "app.Model" only
        found.append(FactoryInfo(ref.qualname, label))
    return tuple(found)


def factories(project: ProjectModel) -> tuple[FactoryInfo, ...]:
    """The factory_boy factories of the project (test code and library code alike) and the model each builds."""
    return project.memo(_factories)


def uses_model_bakery(project: ProjectModel) -> bool:
    """Whether a module of the project imports model_bakery (or model_mommy): it builds any model."""
    return any(i.target.partition(".")[0] in ("model_bakery", "model_mommy")
               for facts in project.facts.values() for i in facts.imports)


_NOMIGRATIONS = re.compile(r"^\s*addopts\s*=(?:.*\n(?:[ \t]+.*\n?)*)", re.M)


def _nomigrations(project: ProjectModel) -> str | None:
    for folder in repository_folders(project):
        for name in _PYTEST_FILES:
            text = read_file(project, folder / name)
            if text is None:
                continue
            for match in _NOMIGRATIONS.finditer(text + "\n"):
                if re.search(r"--no-?migrations\b", match.group(0)):
                    return _relative(folder / name, project.layout.root)
    return None


def nomigrations(project: ProjectModel) -> str | None:
    """The pytest configuration file whose `addopts` has `--nomigrations`, else None."""
    return project.memo(_nomigrations)


# -- fixture files -------------------------------------------------------------------------------


def fixture_file(project: ProjectModel, module: str, name: str) -> Path | None:
    """The JSON file a fixture name loads, as Django's loaddata looks for it: a path (relative
    to the project's root or the test's folder), else `<app>/fixtures/<name>[.json]` of each
    installed app and the test's own `fixtures/` folder. None when not found or not JSON."""
    suffix = Path(name).suffix
    if suffix not in ("", ".json"):
        return None
    base = name if suffix else f"{name}.json"
    here = project.paths.get(module)
    folders = [project.layout.root] + ([here.parent, here.parent / "fixtures", here.parent.parent / "fixtures"]
                                       if here is not None else [])
    if "/" not in name:
        folders += [Path(app.path) / "fixtures" for app in project.apps() if app.path]
    for folder in folders:
        path = folder / base
        if path.is_relative_to(project.layout.root) and files.is_regular_file(path):
            return path
    return None


def _fixture_users(project: ProjectModel) -> tuple[tuple[str, tuple[str, ...]], ...]:
    users: dict[str, list[str]] = {}
    for test in test_modules(project):
        for name in test.loaded_fixtures:
            path = fixture_file(project, test.module, name)
            if path is not None and test.module not in users.setdefault(str(path), []):
                users[str(path)].append(test.module)
    return tuple((path, tuple(modules)) for path, modules in sorted(users.items()))


def fixture_users(project: ProjectModel) -> dict[str, tuple[str, ...]]:
    """Each JSON fixture file the tests load (its path) -> the test modules loading it, in
    module order (the first is where DJE608 reports it)."""
    return dict(project.memo(_fixture_users))


def fixture_models(project: ProjectModel, path: Path) -> tuple[str, ...]:
    """The model labels (lowercase, "catalog.author") of a JSON fixture's rows."""
    import json

    text = read_file(project, path)
    try:
        rows = json.loads(text) if text is not None else []
    except ValueError:
        return ()
    if not isinstance(rows, list):
        return ()
    return tuple(dict.fromkeys(r["model"].lower() for r in rows if isinstance(r, dict) and isinstance(r.get("model"), str)))
