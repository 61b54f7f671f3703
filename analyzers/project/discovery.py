"""Find the Django projects of a workspace, before any Python file is parsed.

One walk of the directory tree (os.scandir, no symlinks followed, virtualenvs, VCS folders,
caches, build output and configured exclusions skipped) notes where manage.py files,
pytest configuration files and `settings.py` + `urls.py` + `wsgi.py` trios are. Only those
few files, the wsgi/asgi modules and the settings package's modules are read; they are
parsed with `ast` and never executed.

Projects:
- every folder holding a manage.py is a project root (nested ones too: a file belongs to
  the deepest project root that contains it, see `project_for`);
- without manage.py, a pyproject.toml / pytest.ini / setup.cfg / tox.ini naming
  DJANGO_SETTINGS_MODULE, or a package holding settings + urls + wsgi/asgi, makes one,
  unless it lies inside or above a manage.py project.

The settings module, by precedence: the configuration override > manage.py's
`os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` > pytest configuration > wsgi.py /
asgi.py. A candidate whose module has no file is skipped (with a problem) when a later
one exists. Every problem is one line; nothing here raises on a broken project.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import os
import re
import sysconfig
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from django_expert.analyzers.facts.extract import resolve_relative
from django_expert.analyzers.files import read_bytes
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.project.layout import ProjectLayout, path_order, relative_posix
from django_expert.analyzers.source import DecodeError, decode

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "bower_components", ".venv", "venv", "env",
    "virtualenv", ".virtualenv", "site-packages", "dist-packages", "__pycache__", ".tox", ".nox",
    "build", "dist", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
    "htmlcov", ".idea", ".vscode", ".direnv", ".cache", ".django-expert", "claudedocs",
})
_CONFIG_FILES = ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini")
_VENV_NAMES = (".venv", "venv", "env", ".env", "virtualenv", ".virtualenv")
_MAX_DEPTH = 32
_MAX_DIRS = 200_000
_MAX_READ = 1 << 20  # configuration and manage.py files larger than 1 MiB are not read
_MAX_SETTINGS_FILES = 64
_DSM = "DJANGO_SETTINGS_MODULE"
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_PROD_TOKENS = frozenset({"prod", "production", "prd", "live"})
_NOT_PROD_TOKENS = frozenset({"dev", "develop", "development", "test", "tests", "testing", "local",
                              "ci", "debug", "example", "sample"})


@dataclass
class _Dir:
    """What the walk noted about one folder."""

    path: Path
    files: set[str] = field(default_factory=set)
    subdirs: set[str] = field(default_factory=set)
    # Entries that are neither (a symlink to a folder, a socket, one that could not be read):
    # only these need the disk to say what they are.
    others: set[str] = field(default_factory=set)


# -- the walk ------------------------------------------------------------------------------


def _excluded(relative: str, name: str, exclude: tuple[str, ...]) -> bool:
    for pattern in exclude:
        pattern = pattern.strip().rstrip("/")
        if pattern.endswith("/**"):
            pattern = pattern[:-3]
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern:
            continue
        if fnmatch.fnmatchcase(relative, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(name, pattern)):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:]):
            return True
    return False


def _walk(workspace: Path, exclude: tuple[str, ...]) -> dict[Path, _Dir]:
    """The interesting folders of the workspace (those holding files we look for)."""
    found: dict[Path, _Dir] = {}
    stack: list[tuple[Path, int]] = [(workspace, 0)]
    visited = 0
    while stack and visited < _MAX_DIRS:
        folder, depth = stack.pop()
        visited += 1
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        info = _Dir(folder)
        children: list[str] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    info.subdirs.add(entry.name)
                    children.append(entry.name)
                elif entry.is_file():
                    info.files.add(entry.name)
                else:
                    info.others.add(entry.name)
            except OSError:
                info.others.add(entry.name)
                continue
        if "pyvenv.cfg" in info.files and folder != workspace:
            continue  # a virtualenv of any name
        found[folder] = info
        if depth >= _MAX_DEPTH:
            continue
        for name in sorted(children, reverse=True):  # siblings: sorted by name is sorted by path
            if name in SKIP_DIRS or name.endswith(".egg-info") or (name.startswith(".") and name != "."):
                continue
            child = folder / name
            if exclude and _excluded(child.relative_to(workspace).as_posix(), name, exclude):
                continue
            stack.append((child, depth + 1))
    return found


# -- reading the few files discovery needs ----------------------------------------------------


def _read_text(path: Path, problems: list[str], label: str) -> str | None:
    try:
        return decode(read_bytes(path, _MAX_READ))
    except DecodeError as error:
        problems.append(f"{label}: cannot decode ({error})")
    except OSError as error:
        problems.append(f"{label}: cannot read ({error.strerror or type(error).__name__})")
    return None


def _parse(path: Path, problems: list[str], label: str) -> ast.Module | None:
    text = _read_text(path, problems, label)
    if text is None:
        return None
    try:
        return parse_module(text, str(path))
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        problems.append(f"{label}: not valid Python{where}")
    except (ValueError, RecursionError, MemoryError) as error:
        problems.append(f"{label}: not valid Python ({type(error).__name__})")
    return None


def settings_from_source(tree: ast.Module) -> str | None:
    """The DJANGO_SETTINGS_MODULE a script sets: `os.environ.setdefault("DJANGO_SETTINGS_MODULE",
    "x")` or `os.environ["DJANGO_SETTINGS_MODULE"] = "x"`, anywhere in the file (first wins)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            receiver = node.func.value
            if _is_environ(receiver) and len(node.args) >= 2:
                key, value = node.args[0], node.args[1]
                if _const_str(key) == _DSM and _const_str(value):
                    return _const_str(value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and _is_environ(target.value) and _const_str(target.slice) == _DSM:
                if _const_str(node.value):
                    return _const_str(node.value)
    return None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _const_str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pytest_settings(folder: Path, files: set[str], problems: list[str], base: Path) -> tuple[str, str] | None:
    """(module, where) from the pytest configuration files of one folder, in pytest's order."""
    for name in ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
        if name not in files:
            continue
        path = folder / name
        label = _relative(path, base)
        text = _read_text(path, problems, label)
        if text is None:
            continue
        if name == "pyproject.toml":
            try:
                data = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, ValueError) as error:
                problems.append(f"{label}: not valid TOML ({str(error).splitlines()[0]})")
                continue
            tool = data.get("tool")
            pytest = tool.get("pytest") if isinstance(tool, dict) else None
            if not isinstance(pytest, dict):
                continue
            # pytest 9 reads `[tool.pytest]` itself (native TOML); earlier ones `[tool.pytest.ini_options]`.
            for options, table in ((pytest.get("ini_options"), "tool.pytest.ini_options"), (pytest, "tool.pytest")):
                if isinstance(options, dict):
                    found = _from_options(options.get(_DSM), options.get("addopts"))
                    if found:
                        return found, f"{label} [{table}]"
            continue
        section = "tool:pytest" if name == "setup.cfg" else "pytest"
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text)
        except configparser.Error as error:
            problems.append(f"{label}: not a valid INI file ({str(error).splitlines()[0]})")
            continue
        if parser.has_section(section):
            options = {key.upper() if key.upper() == _DSM else key: value for key, value in parser.items(section)}
            found = _from_options(options.get(_DSM), options.get("addopts"))
            if found:
                return found, f"{label} [{section}]"
    return None


def _from_options(value: object, addopts: object) -> str | None:
    if isinstance(value, str) and _MODULE_NAME.match(value.strip()):
        return value.strip()
    if isinstance(addopts, list):
        addopts = " ".join(str(a) for a in addopts)
    if isinstance(addopts, str):
        match = re.search(r"--ds[= ]+([A-Za-z_][\w.]*)", addopts)
        if match:
            return match.group(1)
    return None


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


# -- modules on disk ------------------------------------------------------------------------


def module_file(source_roots: tuple[Path, ...], module: str) -> Path | None:
    """The file of a dotted module under the source roots (`a/b.py` or `a/b/__init__.py`)."""
    parts = module.split(".")
    for root in sorted(source_roots, key=lambda p: len(p.parts), reverse=True):
        base = root.joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def _module_of(source_roots: tuple[Path, ...] | ProjectLayout, path: Path) -> str | None:
    layout = source_roots if isinstance(source_roots, ProjectLayout) else _naming(source_roots)
    found = layout.module_name(path)
    return found[0] if found and found[0] else None


def _naming(source_roots: tuple[Path, ...]) -> ProjectLayout:
    """A layout that only names modules under `source_roots` (built once, asked per file)."""
    return ProjectLayout(root=source_roots[0], name="", source_roots=source_roots, settings_module=None)


def _is_dir(folder: Path, name: str, dirs: dict[Path, _Dir]) -> bool:
    """`(folder / name).is_dir()`, answered from the walk's listing when it has the folder
    (a symlink to a folder is neither a subdir nor a file there: the disk answers)."""
    info = dirs.get(folder)
    if info is not None:
        if name in info.subdirs:
            return True
        if name not in info.others:  # a file, or nothing of that name
            return False
    return (folder / name).is_dir()


def _is_file(folder: Path, name: str, dirs: dict[Path, _Dir]) -> bool:
    """`(folder / name).is_file()`, answered from the walk's listing when it has the folder
    (its files are the entries that are files, symlinks followed, as `is_file()` says)."""
    info = dirs.get(folder)
    if info is not None:
        return name in info.files
    return (folder / name).is_file()


def _star_imports(path: Path, module: str) -> set[str]:
    scratch: list[str] = []
    tree = _parse(path, scratch, path.name)
    if tree is None:
        return set()
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            found.add(resolve_relative(module, is_package, node.level, node.module))
    return found


def _settings_family(source_roots: tuple[Path, ...], settings_module: str | None,
                     dirs: dict[Path, _Dir] | None = None) -> list[str]:
    """Modules that look like settings: split settings star-importing one another, and any
    settings*.py in the settings module's folder or in a top-level package. `dirs`, the
    walk's listing, saves listing each folder again (thousands of apps at the top level)."""
    dirs = dirs or {}

    def files(folder: Path) -> set[str]:
        if folder in dirs:
            return dirs[folder].files
        return {e.name for e in os.scandir(folder) if e.is_file()}

    family: set[str] = set()
    folders: set[Path] = set()
    naming = _naming(source_roots)
    if settings_module:
        path = module_file(source_roots, settings_module)
        if path is not None:
            folders.add(path.parent)
    for root in source_roots:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False) and entry.name.isidentifier() and entry.name not in SKIP_DIRS:
                    package = Path(entry.path)
                    if "__init__.py" in files(package):
                        folders.add(package)
                        if _is_dir(package, "settings", dirs):
                            folders.add(package / "settings")
            except OSError:
                continue
    for folder in sorted(folders, key=path_order):
        try:
            names = sorted(name for name in files(folder) if name.endswith(".py"))
        except OSError:
            continue
        modules: dict[str, Path] = {}
        for name in names[:_MAX_SETTINGS_FILES]:
            path = folder / name
            module = _module_of(naming, path)
            if module:
                modules[module] = path
        in_settings_package = folder.name == "settings"
        for module, path in modules.items():
            if path.stem.startswith("settings") and path.stem != "__init__":
                family.add(module)
        if in_settings_package or (settings_module in modules):
            family |= _star_component(modules, settings_module, in_settings_package)
    if settings_module:
        family.add(settings_module)
    return sorted(family, key=lambda m: (m != settings_module, m))


def _star_component(modules: dict[str, Path], settings_module: str | None, settings_package: bool) -> set[str]:
    """The modules of one folder linked by star imports: the settings module's component,
    and in a `settings` package every module taking part in a star import."""
    edges: dict[str, set[str]] = {m: set() for m in modules}
    linked: set[str] = set()
    for module, path in modules.items():
        for target in _star_imports(path, module):
            if target in modules and target != module:
                edges[module].add(target)
                edges[target].add(module)
                linked |= {module, target}
    if settings_module in modules:
        component, todo = {settings_module}, [settings_module]
        while todo:
            for other in edges[todo.pop()]:
                if other not in component:
                    component.add(other)
                    todo.append(other)
        return component | linked if settings_package else component
    return linked


def _name_tokens(module: str) -> set[str]:
    return set(re.split(r"[_\-]+", module.rsplit(".", 1)[-1].lower()))


def is_production_name(module: str) -> bool:
    """Whether a settings module's last name component says production (and nothing else)."""
    tokens = _name_tokens(module)
    return bool(tokens & _PROD_TOKENS) and not tokens & _NOT_PROD_TOKENS


def is_non_production_name(module: str) -> bool:
    """Whether a settings module's last name component says dev / test / local / ci."""
    return bool(_name_tokens(module) & _NOT_PROD_TOKENS)


# -- library roots ----------------------------------------------------------------------------


def _site_packages(venv: Path) -> list[Path]:
    found: list[Path] = []
    for lib in ("lib", "lib64"):
        try:
            found += sorted(p / "site-packages" for p in (venv / lib).glob("python3*") if (p / "site-packages").is_dir())
        except OSError:
            pass
    windows = venv / "Lib" / "site-packages"
    if windows.is_dir():
        found.append(windows)
    return found


def _with_django(paths: list[Path]) -> tuple[Path, ...]:
    seen: dict[Path, Path] = {}
    for path in paths:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            continue
        if real not in seen and (path / "django" / "__init__.py").is_file():
            seen[real] = path
    return tuple(seen.values())


def library_roots(root: Path, workspace: Path) -> tuple[Path, ...]:
    """site-packages holding Django: a virtualenv in the project or the workspace, else
    $VIRTUAL_ENV, else the analyser's own interpreter."""
    bases = [root]
    while bases[-1] != workspace and workspace in bases[-1].parents:
        bases.append(bases[-1].parent)  # the project's folder first, then up to the workspace
    for base in bases:
        venvs = [base / name for name in _VENV_NAMES if (base / name / "pyvenv.cfg").is_file()]
        found = _with_django([sp for venv in venvs for sp in _site_packages(venv)])
        if found:
            return found
    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env:
        found = _with_django(_site_packages(Path(virtual_env)))
        if found:
            return found
    try:
        purelib = Path(sysconfig.get_paths()["purelib"])
    except (KeyError, OSError):
        return ()
    return _with_django([purelib])


# -- one project ------------------------------------------------------------------------------


def outermost_package(folder: Path, stop: Path | None = None) -> Path:
    """The outermost package that `folder` (a package) is in: the last folder, going up,
    whose parent holds no `__init__.py` (or is `stop`)."""
    top = folder
    while top.parent != top and top.parent != stop and (top.parent / "__init__.py").is_file():
        top = top.parent
    return top


def _source_roots(root: Path) -> tuple[Path, ...]:
    """The folders module names are relative to: the root; `src/` when it holds code; the
    folders the packaging configuration names (setuptools `package-dir` and `packages.find
    where`, setup.cfg `package_dir`, poetry `from`, hatch `packages`). When the root is
    itself a package (a package checked on its own), names start above its outermost
    package instead: `django/db/models.py` is `django.db.models`."""
    if (root / "__init__.py").is_file():
        return (outermost_package(root).parent,)
    roots = [root]
    src = root / "src"
    try:
        if src.is_dir() and any(
            (e.is_dir() and (Path(e.path) / "__init__.py").is_file()) or e.name.endswith(".py")
            for e in os.scandir(src)
        ):
            roots.append(src)
    except OSError:
        pass
    roots += [folder for folder in _packaging_roots(root) if folder.is_dir()]
    return tuple(dict.fromkeys(roots))


def _packaging_roots(root: Path) -> list[Path]:
    """Source folders named by pyproject.toml or setup.cfg (never executes setup.py)."""
    found: list[str] = []
    scratch: list[str] = []
    text = _read_text(root / "pyproject.toml", scratch, "pyproject.toml") if (root / "pyproject.toml").is_file() else None
    if text:
        try:
            tool = tomllib.loads(text).get("tool", {})
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            tool = {}
        tool = tool if isinstance(tool, dict) else {}
        setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
        package_dir = setuptools.get("package-dir")
        if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
            found.append(package_dir[""])
        packages = setuptools.get("packages")
        where = packages.get("find", {}).get("where") if isinstance(packages, dict) and isinstance(
            packages.get("find"), dict) else None
        if isinstance(where, list):
            found += [w for w in where if isinstance(w, str)]
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
        for package in poetry.get("packages", []) if isinstance(poetry.get("packages"), list) else []:
            if isinstance(package, dict) and isinstance(package.get("from"), str):
                found.append(package["from"])
        hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
        wheel = hatch.get("build", {}).get("targets", {}).get("wheel", {}) if isinstance(hatch.get("build"), dict) else {}
        for package in wheel.get("packages", []) if isinstance(wheel, dict) and isinstance(wheel.get("packages"), list) else []:
            if isinstance(package, str) and "/" in package.strip("/"):
                found.append(package.strip("/").rpartition("/")[0])
    if (root / "setup.cfg").is_file():
        text = _read_text(root / "setup.cfg", scratch, "setup.cfg")
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text or "")
            value = parser.get("options", "package_dir", fallback="")
        except configparser.Error:
            value = ""
        for line in value.splitlines():
            key, _, folder = line.partition("=")
            if not key.strip() and folder.strip():
                found.append(folder.strip())
    roots: list[Path] = []
    for folder in found:
        folder = folder.strip().strip("/")
        if folder and folder != "." and ".." not in folder.split("/"):
            roots.append(root / folder)
    return roots


def _entry_scripts(root: Path, source_roots: tuple[Path, ...], dirs: dict[Path, _Dir] | None = None) -> list[Path]:
    """wsgi.py / asgi.py files of the project's top-level packages (and the root itself)."""
    dirs = dirs or {}
    scripts: list[Path] = []
    for base in source_roots:
        for name in ("wsgi.py", "asgi.py"):
            if _is_file(base, name, dirs):
                scripts.append(base / name)
        for package in _top_folders(base):
            for name in ("wsgi.py", "asgi.py"):
                if _is_file(package, name, dirs):
                    scripts.append(package / name)
    return scripts


def _build(
    root: Path,
    workspace: Path,
    dirs: dict[Path, _Dir],
    manage_py: Path | None,
    settings_override: str | None,
    implied: tuple[str, str] | None,
) -> ProjectLayout:
    problems: list[str] = []
    provenance: dict[str, str] = {}
    source_roots = _source_roots(root)
    candidates: list[tuple[str, str]] = []  # (module, where), by precedence
    if settings_override:
        candidates.append((settings_override.strip(), "configuration"))
    if manage_py is not None:
        tree = _parse(manage_py, problems, "manage.py")
        if tree is not None:
            module = settings_from_source(tree)
            if module:
                candidates.append((module, "manage.py"))
            else:
                problems.append("manage.py: does not set DJANGO_SETTINGS_MODULE")
    # pytest configuration: the root's own files, then those of its parents in the workspace.
    folder = root
    while True:
        info = dirs.get(folder)
        if info is not None and info.files & set(_CONFIG_FILES):
            found = _pytest_settings(folder, info.files, problems, root if folder == root else workspace)
            if found:
                candidates.append(found)
                break
        if folder == workspace or folder.parent == folder or workspace not in folder.parents:
            break
        folder = folder.parent
    scripts: dict[str, list[str]] = {}
    for script in _entry_scripts(root, source_roots, dirs):
        label = _relative(script, root)
        tree = _parse(script, problems, label)
        module = settings_from_source(tree) if tree is not None else None
        if module:
            scripts.setdefault(module, []).append(label)
    for module, labels in scripts.items():
        candidates.append((module, labels[0]))
    if implied:
        candidates.append(implied)
    if not candidates:
        candidates += _settings_packages(source_roots, root)

    settings_module = None
    for module, where in candidates:
        if not _MODULE_NAME.match(module):
            problems.append(f"settings module from {where} is not a module name")
            continue
        if module_file(source_roots, module) is not None:
            settings_module = module
            provenance["settings_module"] = where
            break
        problems.append(f"settings module '{module}' (from {where}) not found")
    if settings_module is None:
        valid = [(m, w) for m, w in candidates if _MODULE_NAME.match(m)]
        if valid:
            settings_module, provenance["settings_module"] = valid[0]
        elif not any(p.startswith("manage.py") for p in problems):
            problems.append("no settings module found")

    settings_modules = _settings_family(source_roots, settings_module, dirs)
    deployed = {module: label for module, label in _deployed_settings(root, dirs, problems).items()
                if not any(is_non_production_name(m) for m in _star_closure(module, source_roots))}
    production: list[str] = []
    for module, labels in scripts.items():
        # What wsgi/asgi load is what gets deployed, unless its name says dev/test/local/ci, or
        # a deploy file sets DJANGO_SETTINGS_MODULE to another module (the script's is a default).
        if deployed and module not in deployed and not is_production_name(module):
            continue
        if not is_non_production_name(module) and _MODULE_NAME.match(module):
            if module_file(source_roots, module) is None:
                problem = f"settings module '{module}' (from {labels[0]}) not found"
                if problem not in problems:
                    problems.append(problem)
                continue
            production.append(module)
            provenance[f"production:{module}"] = ", ".join(labels)
            if module not in settings_modules:
                settings_modules.append(module)
    for module, label in deployed.items():
        if module not in production and module_file(source_roots, module) is not None:
            production.append(module)
            provenance[f"production:{module}"] = label
            if module not in settings_modules:
                settings_modules.append(module)
    for module in settings_modules:
        if module not in production and is_production_name(module):
            production.append(module)
            provenance[f"production:{module}"] = "name"
    production = _without_bases(production, source_roots)
    kind = "project"
    if is_sandbox(root, workspace, manage_py, settings_module, bool(scripts)):
        kind, production = "sandbox", []  # its settings say which apps exist, never what is deployed
    provenance = {k: v for k, v in provenance.items() if not k.startswith("production:") or k[11:] in production}

    env_file = root / ".env"
    env_files = (env_file,) if env_file.is_file() else ()
    name = root.name or workspace.name
    return ProjectLayout(
        root=root,
        name=name,
        source_roots=source_roots,
        settings_module=settings_module,
        settings_modules=tuple(settings_modules),
        production_settings=tuple(production),
        env_files=env_files,
        library_roots=library_roots(root, workspace),
        manage_py=manage_py,
        kind=kind,
        provenance=provenance,
        problems=tuple(problems),
    )


def _top_folders(base: Path) -> list[Path]:
    """The folders directly in `base` that can be packages (identifier names, not skipped)."""
    try:
        # Siblings: sorted by name is sorted by path.
        return [base / name for name in sorted(e.name for e in os.scandir(base) if e.is_dir(follow_symlinks=False)
                                               and e.name.isidentifier() and e.name not in SKIP_DIRS)]
    except OSError:
        return []


def _settings_packages(source_roots: tuple[Path, ...], root: Path) -> list[tuple[str, str]]:
    """`<package>.settings` when exactly one top-level package of the project holds a
    settings module (a manage.py that names none, in a `src/` layout)."""
    found: list[tuple[str, str]] = []
    for base in source_roots:
        for package in _top_folders(base):
            if (package / "__init__.py").is_file() and (
                    (package / "settings.py").is_file() or (package / "settings" / "__init__.py").is_file()):
                found.append((f"{package.name}.settings", f"{_relative(package, root)}/settings"))
    return found if len(found) == 1 else []


_DEPLOY_FILES = ("Procfile", "Procfile.*", "Dockerfile*", "*.Dockerfile", "docker-compose*.yml", "docker-compose*.yaml",
                 "compose*.yml", "compose*.yaml", "*.service", "app.yaml", "fly.toml")
# One pattern for all: `fnmatchcase(name, p)` for any p (each translation is anchored).
_DEPLOY_FILE = re.compile("|".join(fnmatch.translate(pattern) for pattern in _DEPLOY_FILES))
_DEPLOYED = re.compile(r"""(?:DJANGO_SETTINGS_MODULE["']?\s*[=:\s]\s*|--settings[=\s])["']?([A-Za-z_][\w.]*)""")


def _deployed_settings(root: Path, dirs: dict[Path, _Dir], problems: list[str]) -> dict[str, str]:
    """Settings modules deploy files (Dockerfile, compose, Procfile, systemd units) under the
    project root set, by module, with the file that names each; names saying dev, test,
    local or CI are left out (they describe a development setup, not the deployment), and
    so, by the caller, are modules star-importing such a module."""
    found: dict[str, str] = {}
    for folder in sorted(dirs, key=path_order):
        relative = relative_posix(folder, root)  # None: not under the root
        if relative is None or (relative != "." and relative.count("/") >= 3):  # more than 3 parts below
            continue
        for name in sorted(dirs[folder].files):
            if not _DEPLOY_FILE.match(name):
                continue
            label = _relative(folder / name, root)
            text = _read_text(folder / name, problems, label) or ""
            for module in _DEPLOYED.findall(text):
                module = module.rstrip(".")
                if _MODULE_NAME.match(module) and not is_non_production_name(module):
                    found.setdefault(module, label)
    return found


def _star_closure(module: str, source_roots: tuple[Path, ...]) -> set[str]:
    """The modules `module` star-imports, directly or through others."""
    found: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        path = module_file(source_roots, current)
        for target in _star_imports(path, current) if path else ():
            if target not in found and target != module:
                found.add(target)
                todo.append(target)
    return found


def _without_bases(production: list[str], source_roots: tuple[Path, ...]) -> list[str]:
    """Production modules less those another one star-imports (directly or not) whose name
    does not say production: `base` behind `production` is not what gets deployed, even when
    wsgi.py names it as the default."""
    imported = {m for module in production for m in _star_closure(module, source_roots)}
    return [m for m in production if m not in imported or is_production_name(m)]


def _inside(path: Path, roots: list[Path]) -> bool:
    """Whether path is one of roots, under one, or above one."""
    return any(path == r or r in path.parents or path in r.parents for r in roots)


def discover(
    workspace_root: Path, settings_override: str | None = None, exclude: tuple[str, ...] = ()
) -> list[ProjectLayout]:
    """The Django projects of a workspace folder, ordered by root path."""
    try:
        workspace = Path(workspace_root).resolve()
    except (OSError, RuntimeError):
        return []
    if not workspace.is_dir():
        return []
    dirs = _walk(workspace, tuple(exclude))
    roots: list[tuple[Path, Path | None, tuple[str, str] | None]] = []
    for folder in sorted(path for path, info in dirs.items() if "manage.py" in info.files):
        if _is_template_folder(folder, workspace):
            continue  # startproject templates (`{{ project_name }}`) are not projects
        root = _root_of_manage(folder, workspace)
        if not any(r == root for r, _, _ in roots):
            roots.append((root, folder / "manage.py", None))
    taken = [r for r, _, _ in roots]

    # pytest configuration naming a settings module, without manage.py
    for path in sorted(dirs, key=path_order):
        info = dirs[path]
        if not info.files & set(_CONFIG_FILES) or _inside(path, taken):
            continue
        scratch: list[str] = []
        if _pytest_settings(path, info.files, scratch, workspace):
            roots.append((path, None, None))
            taken.append(path)

    # a package holding settings + urls + wsgi/asgi
    for path in sorted(dirs, key=path_order):
        info = dirs[path]
        has_settings = "settings.py" in info.files or "settings" in info.subdirs
        if not (has_settings and "urls.py" in info.files and info.files & {"wsgi.py", "asgi.py"}):
            continue
        if not path.name.isidentifier():
            continue
        root = path.parent
        if root.name == "src" and root != workspace:
            root = root.parent
        if _inside(root, taken) or not (workspace == root or workspace in root.parents):
            continue
        roots.append((root, None, (f"{path.name}.settings", f"{_relative(path, root)}/ (settings beside urls and wsgi)")))
        taken.append(root)

    override = settings_override.strip() if settings_override else None
    if override and not roots and _MODULE_NAME.match(override):
        # No project on disk, but the configuration names its settings: the workspace is one.
        roots.append((workspace, None, None))
    layouts: list[ProjectLayout] = []
    for root, manage_py, implied in sorted(roots, key=lambda r: str(r[0])):
        applies = override if override and (len(roots) == 1 or module_file(_source_roots(root), override)) else None
        try:
            layouts.append(_build(root, workspace, dirs, manage_py, applies, implied))
        except Exception as error:  # noqa: BLE001 - one broken project must not hide the others
            layouts.append(ProjectLayout(
                root=root, name=root.name, source_roots=(root,), settings_module=None, manage_py=manage_py,
                problems=(f"discovery failed in {_relative(root, workspace) or '.'} ({type(error).__name__})",),
            ))
    if override and len(roots) > 1 and not any(layout.provenance.get("settings_module") == "configuration" for layout in layouts):
        layouts = [_with_problem(layout, f"configured settings module '{override}' not found in any project") for layout in layouts]
    if not any(r == workspace for r, _, _ in roots) and _uncovered_python(dirs, [r for r, _, _ in roots]):
        layouts.append(_library(workspace))
    return _unique_names(layouts, workspace)


def configured_settings_missing(layouts: list[ProjectLayout]) -> str | None:
    """The settings module the configuration names when no project has it on disk (a user
    error: the CLI stops with this line), else None."""
    for layout in layouts:
        for problem in layout.problems:
            if problem.startswith("settings module '") and problem.endswith("(from configuration) not found"):
                if not any(other.provenance.get("settings_module") == "configuration" and
                           module_file(other.source_roots, other.settings_module or "") for other in layouts):
                    return problem
        for problem in layout.problems:
            if problem.startswith("configured settings module"):
                return problem
    return None


_SANDBOX_TOKENS = frozenset({"sandbox", "test", "tests", "testing", "testproject", "testprojects", "testsite",
                             "example", "examples", "demo", "demos", "sample", "samples", "docs", "doc"})
_TEMPLATE_FOLDERS = frozenset({"project_template", "app_template", "templates"})


def _is_template_folder(folder: Path, workspace: Path) -> bool:
    """A `startproject`/`startapp` template: under a `project_template` folder, or a manage.py
    holding template tags."""
    if any(part in _TEMPLATE_FOLDERS for part in folder.relative_to(workspace).parts):
        return True
    scratch: list[str] = []
    text = _read_text(folder / "manage.py", scratch, "manage.py") or ""
    return "{{" in text or "{%" in text


def _root_of_manage(folder: Path, workspace: Path) -> Path:
    """The project root of a manage.py: its folder, or, when that folder is a package (a
    manage.py inside the package of a `src/` layout), the folder above the outermost package
    (above `src/` too), which is where module names start."""
    if not (folder / "__init__.py").is_file() or folder == workspace:
        return folder
    root = outermost_package(folder, stop=workspace).parent
    if root.name == "src" and root != workspace:
        root = root.parent
    return root


def is_sandbox(root: Path, workspace: Path, manage_py: Path | None, settings_module: str | None,
               has_entry_scripts: bool) -> bool:
    """A project that only exists to develop or test the code beside it: its folder or its
    manage.py's folder says so (`sandbox/`, `tests/`, `example_project/`, `demo/`, a
    `wagtail/test/manage.py` ...), or it has no wsgi/asgi and its settings are test settings
    (a pytest configuration or a manage.py naming `tests.settings`)."""
    parts: list[str] = []
    for folder in (root, manage_py.parent) if manage_py is not None else (root,):
        try:
            parts += folder.relative_to(workspace).parts  # `wagtail/test/manage.py` roots above the package
        except ValueError:
            pass
    if any(set(re.split(r"[_\-.]+", part.lower())) & _SANDBOX_TOKENS for part in parts):
        return True
    if not has_entry_scripts and settings_module:
        tokens = set(re.split(r"[_\-.]+", settings_module.lower()))
        return bool(tokens & {"test", "tests", "testing", "testsettings", "test_settings"})
    return False


def _uncovered_python(dirs: dict[Path, _Dir], roots: list[Path]) -> bool:
    """Whether a Python file of the workspace lies outside every project root."""
    return any(
        any(name.endswith(".py") for name in info.files) and not any(folder == r or r in folder.parents for r in roots)
        for folder, info in dirs.items()
    )


def _library(workspace: Path) -> ProjectLayout:
    """The code of the workspace outside every project: apps are inferred from its packages,
    settings are unknown (rules that need them stay silent)."""
    return ProjectLayout(
        root=workspace,
        name=workspace.name,
        source_roots=_source_roots(workspace),
        settings_module=None,
        library_roots=library_roots(workspace, workspace),
        kind="library",
        provenance={"kind": "code outside every Django project of the workspace"},
    )


def main_project(layouts: list[ProjectLayout]) -> ProjectLayout | None:
    """The project a review of the workspace is about: a deployable project before the
    library code before a sandbox; then the one with more entry points (manage.py, the
    settings wsgi/asgi or deploy files load), then the shallowest."""
    def rank(layout: ProjectLayout):
        kind = {"project": 0, "library": 1}.get(layout.kind, 2)
        entry_points = (layout.manage_py is not None) + len(layout.production_settings)
        return (kind, -entry_points, len(layout.root.parts), str(layout.root))

    return min(layouts, key=rank) if layouts else None


def _with_problem(layout: ProjectLayout, problem: str) -> ProjectLayout:
    return replace(layout, problems=(*layout.problems, problem))


def _unique_names(layouts: list[ProjectLayout], workspace: Path) -> list[ProjectLayout]:
    counts: dict[str, int] = {}
    for layout in layouts:
        counts[layout.name] = counts.get(layout.name, 0) + 1
    return [
        replace(layout, name=_relative(layout.root, workspace)) if counts[layout.name] > 1 and layout.root != workspace else layout
        for layout in layouts
    ]


def project_for(layouts: list[ProjectLayout], path: Path) -> ProjectLayout | None:
    """The project a file belongs to: the deepest project root containing it."""
    best = None
    for layout in layouts:
        if path == layout.root or layout.root in path.parents:
            if best is None or len(layout.root.parts) > len(best.root.parts):
                best = layout
    return best
