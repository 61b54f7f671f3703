"""What discovery finds about one Django project on disk, before any file is parsed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PosixPath


@dataclass(frozen=True)
class ProjectLayout:
    """One Django project in a workspace.

    `root` is the folder holding manage.py (or the pyproject that names the settings);
    `source_roots` are the folders module names are relative to (the root, plus `src/`
    when the packages live there); `settings_module` is the module Django would load
    (manage.py's default, else wsgi/asgi, pytest config, or the configuration override);
    `settings_modules` are all modules that look like settings (split settings included);
    `production_settings` are those judged as production (named by wsgi/asgi, or named
    prod/production/live, or configured); `env_files` are the `.env` files read for
    `os.environ` lookups; `library_roots` are site-packages folders of the project's own
    environment, for Django's contrib models.

    `kind` says what the folder is: "project" (a deployable project), "sandbox" (a project
    that only serves to develop or test code beside it: `sandbox/`, `tests/`, `example/`
    ..., or one whose only settings are test settings; its settings tell which apps exist,
    never what is deployed, so it has no production settings), or "library" (the code of a
    repository outside every project: reusable apps and libraries, analysed with apps
    inferred from their packages and no settings).
    """

    root: Path
    name: str
    source_roots: tuple[Path, ...]
    settings_module: str | None
    settings_modules: tuple[str, ...] = ()
    production_settings: tuple[str, ...] = ()
    env_files: tuple[Path, ...] = ()
    library_roots: tuple[Path, ...] = ()
    manage_py: Path | None = None
    kind: str = "project"
    # Where each settings decision came from, for the report ("manage.py", "shop/wsgi.py", ...).
    provenance: dict[str, str] = field(default_factory=dict, compare=False)
    # One-line problems discovery met (missing settings module, unreadable .env, ...).
    problems: tuple[str, ...] = ()

    def module_name(self, path: Path) -> tuple[str, bool] | None:
        """The dotted module name of a .py file under a source root, and whether it is a package."""
        if type(path) is not PosixPath:  # Windows paths compare case-insensitively: pathlib decides
            return self._module_name_of_parts(path)
        # POSIX paths are normalised strings: a root is a prefix of the path ending at a "/"
        # (what `relative_to` checks part by part, without building Paths, once per file).
        text = str(path)
        for root, prefix in self._source_prefixes:
            if text == root:
                return self._module_name_of_parts(path)  # the root itself: what pathlib says
            if not text.startswith(prefix):
                continue
            parts = text[len(prefix):].split("/")
            name = parts[-1]
            dot = name.rfind(".")
            if 0 < dot < len(name) - 1:  # `with_suffix("")`: the last suffix, never a dotfile's name
                parts[-1] = name[:dot]
            named = _named(parts)
            if named is not None:
                return named
        return None

    @cached_property
    def _source_prefixes(self) -> tuple[tuple[str, str], ...]:
        """(root, root + "/") of the source roots, deepest first."""
        roots = sorted(self.source_roots, key=lambda p: len(p.parts), reverse=True)
        return tuple((str(root), str(root) if str(root).endswith("/") else str(root) + "/") for root in roots)

    def _module_name_of_parts(self, path: Path) -> tuple[str, bool] | None:
        for source_root in sorted(self.source_roots, key=lambda p: len(p.parts), reverse=True):
            try:
                relative = path.relative_to(source_root)
            except ValueError:
                continue
            named = _named(list(relative.with_suffix("").parts))
            if named is not None:
                return named
        return None


def relative_posix(path: Path, root: Path) -> str | None:
    """`path.relative_to(root).as_posix()`, None where that raises; on absolute POSIX paths
    (normalised strings) a comparison of strings, without building Paths (once per file)."""
    if type(path) is PosixPath and type(root) is PosixPath:
        text, base = str(path), str(root)
        if base.startswith("/") and text.startswith("/"):
            if text == base:
                return "."
            prefix = base if base.endswith("/") else base + "/"
            return text[len(prefix):] if text.startswith(prefix) else None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def path_order(path: Path) -> object:
    """A sort key giving Path order: on POSIX a path compares by its parts, so their tuple
    sorts the same without a Python-level comparison per pair (thousands of folders)."""
    return path.parts if type(path) is PosixPath else path


def _named(parts: list[str]) -> tuple[str, bool] | None:
    """The module name of a file's parts below a source root (suffix removed), if it has one."""
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    if all(part.isidentifier() for part in parts) or _migration_parts(parts):
        return ".".join(parts), is_package
    if parts and all(part.isidentifier() for part in parts[:-1]):
        # `settings.dist.py`, `local-settings.py`: not importable, but run by
        # django-split-settings' include() or by hand; named so they are analysed.
        stem = re.sub(r"\W", "__", parts[-1])
        if stem.isidentifier() and not is_package:
            return ".".join([*parts[:-1], stem]), False
    return None


def _migration_parts(parts: list[str]) -> bool:
    """`app/migrations/0001_initial.py`: Django imports migration modules by name with
    importlib, so their names may start with a digit."""
    if len(parts) < 3 or parts[-2] != "migrations":
        return False
    last = parts[-1]
    return all(part.isidentifier() for part in parts[:-1]) and last.replace("_", "a").isalnum() and last.isascii()
