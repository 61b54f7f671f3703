"""The folders an MCP client may ask about, and the one thread that reads them.

Roots come from `--root` on the command line, else from the client's roots (`roots/list`),
else the current folder. Every path an agent passes is resolved against them and refused
when it leads outside (`..`, an absolute path elsewhere, a symbolic link out); nothing is
written outside them. Each root gets one `Engine`, indexed on first use; every engine call
runs, in order, on one worker thread, as in the language server, so engines need no locks.
Files an agent edited between two calls are re-read before the next answer (by their
modification time and size), and files it created are indexed (a folder's modification time
changes when an entry is added or removed in it, so only changed folders are listed again).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django_expert.analyzers.engine import Engine, ProjectState
from django_expert.server.collector import bulk_analysis


class WorkspaceError(ValueError):
    """A project, path, rule or argument the agent must fix: sent back as the tool's error."""


@dataclass(frozen=True)
class Project:
    """One Django project of a root: `name` is its memory slug (the name of its memory folder
    and reports, `decisions.project_slug`), the name tools and resources take."""

    name: str
    root: Path
    engine: Engine
    state: ProjectState

    @property
    def model(self):
        return self.state.model

    def relative(self, path: str | Path) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()


class Workspace:
    def __init__(self, roots: list[Path] | None = None) -> None:
        self.fixed = bool(roots)  # given on the command line: the client's roots do not replace them
        self.roots: list[Path] = [Path(r).resolve() for r in roots or ()]
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-expert-mcp")
        self._engines: dict[Path, Engine] = {}
        self._stamps: dict[Path, tuple[int, int]] = {}
        self._folders: dict[Path, tuple[int, int]] = {}  # every folder holding an indexed file, up to its root

    def set_roots(self, roots: list[Path]) -> None:
        """The client's roots (folders that exist), when none was given on the command line."""
        if self.fixed:
            return
        found = [Path(r).resolve() for r in roots if Path(r).is_dir()]
        self.roots = found or [Path.cwd().resolve()]

    # -- engines and projects (worker thread only) ------------------------------------------------

    def engine(self, root: Path, progress=None) -> Engine:
        engine = self._engines.get(root)
        if engine is None:
            engine = Engine([root])
            with bulk_analysis():  # the analysis schedule while indexing, then CPython's again
                engine.index(progress)
            engine.save_cache()  # the next start of the server (or `check`) is warm
            self._engines[root] = engine
            self._stamps.update((path, _stamp(path)) for path in engine.files)
            self._note_folders(root, engine.files)
        return engine

    def _note_folders(self, root: Path, paths) -> None:
        for path in paths:
            folder = Path(path).parent
            while folder not in self._folders and (folder == root or folder.is_relative_to(root)):
                self._folders[folder] = _stamp(folder)
                folder = folder.parent

    def projects(self, progress=None) -> list[Project]:
        from django_expert.server.engagement.decisions import project_slug

        found = []
        for root in self.roots:
            engine = self.engine(root, progress)
            for state in engine.projects:
                folder = Path(state.layout.root).resolve()
                try:
                    name = project_slug(state.layout, state.config, workspace=folder)
                except ValueError:
                    name = _relative(folder, root)
                found.append(Project(name, folder, engine, state))
        names = [p.name for p in found]
        return [p if names.count(p.name) == 1 else Project(_relative(p.root, p.engine.roots[0]), p.root, p.engine,
                                                           p.state) for p in found]

    def project(self, name: str | None, path: Path | None = None, progress=None) -> Project:
        """The project called `name` (its folder relative to the root, or its settings package),
        else the one holding `path`, else the root's only or main project."""
        projects = self.projects(progress)
        if not projects:
            raise WorkspaceError(f"no Django project in {', '.join(map(str, self.roots))} (no manage.py or settings)")
        if name:
            for project in projects:
                layout = project.state.layout
                folder = _relative(project.root, project.engine.roots[0])
                if name in (project.name, folder, layout.name, (layout.settings_module or "").split(".")[0]):
                    return project
            raise WorkspaceError(f"unknown project {name!r}; the projects are: {', '.join(p.name for p in projects)}")
        if path is not None:
            holding = [p for p in projects if path == p.root or path.is_relative_to(p.root)]
            if holding:
                return max(holding, key=lambda p: len(p.root.parts))
            raise WorkspaceError(f"{path}: not in a Django project of the workspace")
        if len(projects) == 1:
            return projects[0]
        from django_expert.analyzers.project.discovery import main_project

        main = main_project([p.state.layout for p in projects])
        return next((p for p in projects if p.state.layout is main), projects[0])

    def refresh(self, engine: Engine, paths=None) -> None:
        """Re-read the files (all of the engine's, or `paths`) changed on disk since last read;
        for all of them, also index the files created in the engine's folders since."""
        if paths is None:
            paths = [*engine.files, *self._created(engine)]
        for path in paths:
            stamp = _stamp(path)
            if self._stamps.get(path) != stamp:
                self._stamps[path] = stamp
                engine.update(path)

    def _created(self, engine: Engine) -> list[Path]:
        """Files under the engine's folders that changed since last looked at, not yet indexed."""
        created: list[Path] = []
        for root in engine.roots:
            root = Path(root).resolve()
            changed = [f for f, stamp in self._folders.items() if f.is_relative_to(root) and _stamp(f) != stamp]
            for folder in changed:
                self._folders[folder] = _stamp(folder)
                if folder.is_dir():
                    created += [p for p in engine.files_under(folder) if p not in engine.files]
            self._note_folders(root, created)
        return list(dict.fromkeys(created))

    # -- paths --------------------------------------------------------------------------------------

    def path(self, given: str) -> Path:
        """`given` (absolute, or relative to a root) resolved; refused outside every root."""
        if not self.roots:
            raise WorkspaceError("no workspace root (start the server with --root, or give the client roots)")
        if "\0" in given:
            raise WorkspaceError("a path cannot contain a NUL character")
        candidates = [Path(given)] if os.path.isabs(given) else [root / given for root in self.roots]
        for candidate in candidates:
            resolved = candidate.resolve()
            if not any(resolved == root or resolved.is_relative_to(root) for root in self.roots):
                raise WorkspaceError(f"{given}: outside the workspace ({', '.join(map(str, self.roots))}); refused")
            if resolved.exists():
                return resolved
        raise WorkspaceError(f"{given}: no such file or folder in the workspace")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = os.stat(path)
        return status.st_mtime_ns, status.st_size
    except OSError:
        return (0, -1)
