"""Template names: the folders Django's loaders search (TEMPLATES `DIRS` from settings, then
each installed app's `templates/` when `APP_DIRS` is on), the templates in them, and
whether a name certainly names no template.

`DIRS` entries are read statically: `BASE_DIR / "templates"`, `os.path.join(BASE_DIR,
"templates")` and absolute strings; an unknown base (`BASE_DIR` itself is rarely a
constant) is tried at the project root, its source roots and the settings module's
folders. Installed apps whose files the analyser cannot see (a library outside the
project's environment) may ship any template: a missing name is only reported when it is
under a project app's own folder name, or when no such app is installed.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers import files
from django_expert.analyzers.facts.values import BinOp, Call, Const, Mapping, Seq, Value, string

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

DJANGO_BACKEND = "django.template.backends.django.DjangoTemplates"
JINJA2_BACKEND = "django.template.backends.jinja2.Jinja2"
_KNOWN_LOADERS = frozenset({
    "django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader",
    "django.template.loaders.cached.Loader",
})
_EXTENSIONS = (".html", ".htm", ".txt", ".xml", ".jinja", ".jinja2", ".j2", ".json", ".md", ".csv", ".tex",
               ".svg", ".js", ".css", ".eml", ".ics", ".vcf")
_MAX_NAMES = 20000


@dataclass
class TemplateIndex:
    """`dirs` in the loaders' order; `open` when some loader or backend cannot be listed;
    `unseen_apps` the labels and module names of installed apps whose folders are unknown."""

    dirs: list[Path] = field(default_factory=list)
    open: bool = False
    unseen_apps: set[str] = field(default_factory=set)
    project_apps: set[str] = field(default_factory=set)
    _names: list[str] | None = None

    def find(self, name: str) -> Path | None:
        if not files.can_name_a_file(name):
            return None
        for folder in self.dirs:
            candidate = folder / name
            if files.is_regular_file(candidate):
                return candidate
        return None

    def names(self) -> list[str]:
        """Every template name the folders hold (the first folder wins a name), sorted."""
        if self._names is None:
            found: dict[str, None] = {}
            for folder in self.dirs:
                for directory, dirnames, filenames in os.walk(folder):
                    dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                    for filename in sorted(filenames):
                        if filename.startswith(".") or not filename.lower().endswith(_EXTENSIONS):
                            continue
                        relative = Path(directory, filename).relative_to(folder).as_posix()
                        found.setdefault(relative, None)
                        if len(found) >= _MAX_NAMES:
                            break
            self._names = sorted(found)
        return self._names

    def certainly_missing(self, name: str) -> bool:
        """No loader of the project can find `name`."""
        if self.open or not self.dirs or not name or self.find(name) is not None:
            return False
        if name.startswith("django/"):
            return False  # Django's own form and widget templates
        if self.unseen_apps:
            head = name.split("/", 1)[0]
            return "/" in name and head in self.project_apps and head not in self.unseen_apps
        return True


def template_index(project: ProjectModel) -> TemplateIndex:
    """The template folders of the project's settings (memoised per ProjectModel)."""
    found = project.derived(_build)
    from django_expert.analyzers.project.model import record

    record(project.settings().keys)
    return found


def _build(project: ProjectModel) -> TemplateIndex:
    index = TemplateIndex()
    settings = project.settings()
    setting = settings.get("TEMPLATES")
    apps = project.apps()
    index.project_apps = {name for app in apps if app.path is not None and _inside(app.path, project.layout.root)
                          for name in (app.label, app.name.rpartition(".")[2])}
    if setting is None:
        # Settings not all followed (missing, include() not followed): TEMPLATES may be set.
        index.open = settings.incomplete or not project.layout.settings_module
        if not index.open:
            return index  # no TEMPLATES: Django renders no template at all
        return index
    if not isinstance(setting.value, Seq) or not setting.certain:
        index.open = True
        return index
    app_folders: list[str] = []
    for backend in setting.value.items:
        if not isinstance(backend, Mapping):
            index.open = True
            continue
        name = string(backend.get("BACKEND"))
        if name not in (DJANGO_BACKEND, JINJA2_BACKEND):
            index.open = True
            continue
        dirs = backend.get("DIRS")
        if dirs is not None:
            if not isinstance(dirs, Seq):
                index.open = True
            else:
                for item in dirs.items:
                    folders = _folders(project, item)
                    if folders is None:
                        index.open = True
                    index.dirs += folders or []
        options = backend.get("OPTIONS")
        loaders = options.get("loaders") if isinstance(options, Mapping) else None
        app_dirs = backend.get("APP_DIRS")
        if loaders is not None:
            if not _known_loaders(loaders):
                index.open = True
            elif "app_directories" in repr(loaders):
                app_folders.append("templates" if name == DJANGO_BACKEND else "jinja2")
        elif isinstance(app_dirs, Const) and app_dirs.value is True:
            app_folders.append("templates" if name == DJANGO_BACKEND else "jinja2")
        elif app_dirs is not None and not isinstance(app_dirs, Const):
            index.open = True
    for folder_name in dict.fromkeys(app_folders):
        for app in apps:
            folder = _app_folder(project, app, folder_name)
            if folder is None:
                if app.resolved is not True or app.path is None:
                    index.unseen_apps.update({app.label, app.name.rpartition(".")[2]})
                continue
            index.dirs.append(folder)
    if index.open:  # still offer the conventional folders for completion
        index.dirs += [base / "templates" for base in (project.layout.root, *project.layout.source_roots)]
    index.dirs = [d for d in dict.fromkeys(index.dirs) if d.is_dir()]
    return index


def closest_template(name: str, names: list[str]) -> str | None:
    """The closest template name: a file of the same folder with a close name, else a
    close full name elsewhere."""
    folder, _, base = name.rpartition("/")
    same = {n.rpartition("/")[2]: n for n in names if n.rpartition("/")[0] == folder}
    found = difflib.get_close_matches(base, list(same), n=1, cutoff=0.8)
    if found:
        return same[found[0]]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.85)
    return found[0] if found else None


def _inside(path: Path, root: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(root)
    except OSError:
        return False


def _app_folder(project: ProjectModel, app, folder_name: str) -> Path | None:
    if app.path is not None:
        base = Path(app.path)
        base = base if base.is_dir() else base.parent
        return base / folder_name
    for library in project.layout.library_roots:
        base = Path(library).joinpath(*app.name.split("."))
        if base.is_dir():
            return base / folder_name
    return None


def _known_loaders(value: Value) -> bool:
    if isinstance(value, Seq):
        return all(_known_loaders(item) for item in value.items)
    return string(value) in _KNOWN_LOADERS


def _folders(project: ProjectModel, value: Value) -> list[Path] | None:
    """The existing folders a `DIRS` entry may denote, None when it cannot be read."""
    text = string(value)
    if text is not None:
        path = Path(text)
        if path.is_absolute():
            return [path]
        return [base / text for base in _bases(project)]
    tail = _tail(value)
    if not tail:
        return None
    found = [base.joinpath(*tail) for base in _bases(project)]
    return [f for f in found if f.is_dir()] or None


def _tail(value: Value) -> list[str] | None:
    """The constant trailing parts of `BASE / "a" / "b"` or `os.path.join(BASE, "a", "b")`."""
    match value:
        case BinOp(op="/", left=left, right=right) if string(right) is not None:
            inner = _tail(left)
            return [*(inner or []), *string(right).strip("/").split("/")]  # type: ignore[union-attr]
        case Call(func=func, args=args) if func.endswith("path.join") and args:
            parts = [string(a) for a in args[1:]]
            if None in parts:
                return None
            inner = _tail(args[0])
            return [*(inner or []), *(p.strip("/") for p in parts)]  # type: ignore[union-attr]
        case Call(func=func, args=(inner,)) if func in ("str", "pathlib.Path", "Path", "os.fspath"):
            return _tail(inner)
    return [] if not isinstance(value, (Const, Seq, Mapping)) else None


def _bases(project: ProjectModel) -> list[Path]:
    layout = project.layout
    bases = [layout.root, *layout.source_roots]
    settings_path = project.path_of(layout.settings_module) if layout.settings_module else None
    if settings_path is not None:
        folder = Path(settings_path).parent
        while folder.is_relative_to(layout.root) and folder not in bases:
            bases.append(folder)
            folder = folder.parent
    return list(dict.fromkeys(bases))
