"""Build ProjectModels for the discovery / settings / apps tests, from strings or from disk.

A tiny stand-in for the engine: parse each file with `ast`, extract its facts, and put
them in a ProjectModel with the layout.
"""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.project.discovery import SKIP_DIRS
from django_expert.analyzers.project.layout import ProjectLayout
from django_expert.analyzers.project.model import ProjectModel
from django_expert.analyzers.source import LineIndex

ROOT = Path("/virtual/project")
WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"


def facts_for(module: str, source: str, is_package: bool = False):
    source = textwrap.dedent(source)
    return extract(ast.parse(source), module, is_package, LineIndex(source))


def make_project(
    sources: dict[str, str],
    settings_module: str | None = None,
    *,
    env_files: tuple[Path, ...] = (),
    text_files: dict[str, str] | None = None,
    root: Path = ROOT,
) -> ProjectModel:
    """A project from `module -> source`; a module is a package when others live under it."""
    facts, paths, locations = {}, {}, {}
    for module, source in sources.items():
        is_package = any(other.startswith(module + ".") for other in sources)
        relative = Path(*module.split("."))
        paths[module] = root / relative / "__init__.py" if is_package else root / relative.with_suffix(".py")
        facts[module], locations[module] = facts_for(module, source, is_package)
    layout = ProjectLayout(
        root=root, name=root.name, source_roots=(root,), settings_module=settings_module, env_files=env_files
    )
    return ProjectModel(layout, facts, paths, locations, text_files)


def project_from_layout(layout: ProjectLayout) -> ProjectModel:
    """Index every .py file under the layout's source roots (not its libraries)."""
    facts, paths, locations = {}, {}, {}
    for source_root in layout.source_roots:
        for folder, dirnames, filenames in os.walk(source_root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            for filename in filenames:
                if not filename.endswith(".py"):
                    continue
                path = Path(folder) / filename
                named = layout.module_name(path)
                if named is None or not named[0] or named[0] in facts:
                    continue
                module, is_package = named
                source = path.read_text(encoding="utf-8")
                facts[module], locations[module] = extract(ast.parse(source), module, is_package, LineIndex(source))
                paths[module] = path
    return ProjectModel(layout, facts, paths, locations)
