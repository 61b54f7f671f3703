"""Build a ProjectModel from source strings, for tests of the project model.

`project_from_sources({"shop.models": "...", ...}, settings="shop.settings")` parses each
dedented source with `ast`, extracts its facts and wraps them in a ProjectModel whose
layout names the settings module (None: no settings, apps are labelled by module name).
A module is a package when other modules live under it.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.project.layout import ProjectLayout
from django_expert.analyzers.project.model import ProjectModel
from django_expert.analyzers.source import LineIndex

ROOT = Path("/virtual/t")


def project_from_sources(
    sources: dict[str, str],
    settings: str | None = None,
    *,
    root: Path = ROOT,
    library: dict[str, str] | None = None,
    library_root: Path = Path("/virtual/site-packages"),
) -> ProjectModel:
    """A project from `module -> source`; `library` modules live under `library_root`."""
    facts, paths, locations = {}, {}, {}
    everything = {**(library or {}), **sources}
    for module, source in everything.items():
        base = library_root if library and module in library and module not in sources else root
        is_package = any(other.startswith(module + ".") for other in everything)
        relative = Path(*module.split("."))
        paths[module] = base / relative / "__init__.py" if is_package else base / relative.with_suffix(".py")
        text = textwrap.dedent(source)
        facts[module], locations[module] = extract(ast.parse(text), module, is_package, LineIndex(text))
    layout = ProjectLayout(
        root=root,
        name="t",
        source_roots=(root,),
        settings_module=settings,
        library_roots=(library_root,) if library else (),
    )
    return ProjectModel(layout, facts, paths, locations)
