"""What discovery finds about one Django project on disk, before any file is parsed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


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
        for source_root in sorted(self.source_roots, key=lambda p: len(p.parts), reverse=True):
            try:
                relative = path.relative_to(source_root)
            except ValueError:
                continue
            parts = list(relative.with_suffix("").parts)
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
