"""MCP resources: each project's memory files and latest report, and the context library.

    django-expert://projects                              the projects, with their resources
    django-expert://projects/{slug}/memory/{file}         a memory file (project_overview.md, ...)
    django-expert://projects/{slug}/report                the latest engagement report
    django-expert://library/{id}                          a context library document

A project is named as the tools name it: its memory slug (the name its memory folder and
reports carry).
Files are read through the memory store's safe paths, inside the project; a report or
memory file passes through the project's scrubber like every tool answer.
"""

from __future__ import annotations

from pathlib import Path

from django_expert.server.mcp.workspace import Project, WorkspaceError

SCHEME = "django-expert"


def by_slug(tools, slug: str) -> Project:
    projects = tools.workspace.projects()
    for project in projects:
        if project.name == slug:
            return project
    raise WorkspaceError(f"unknown project {slug!r}; the projects are: {', '.join(p.name for p in projects)}")


def projects_index(tools) -> dict:
    from django_expert.memory import MEMORY_FILES

    rows = []
    for project in tools.workspace.projects():
        slug = project.name
        base = f"{SCHEME}://projects/{slug}"
        rows.append({"project": slug, "folder": str(project.root),
                     "kind": project.state.layout.kind,
                     "settings_module": project.state.layout.settings_module,
                     "report": f"{base}/report", "memory": [f"{base}/memory/{name}" for name in MEMORY_FILES]})
    return {"projects": rows}


def memory_file(tools, slug: str, name: str) -> str:
    from django_expert.memory import MEMORY_FILES, MarkdownMemoryStore
    from django_expert.server.engagement.decisions import SKILL

    if name not in MEMORY_FILES:
        raise WorkspaceError(f"unknown memory file {name!r}; one of {', '.join(MEMORY_FILES)}")
    project = by_slug(tools, slug)
    try:
        store = MarkdownMemoryStore(project.root, project.state.config.memory_dir)
        path = store.directory(SKILL, slug) / name
    except ValueError as error:
        raise WorkspaceError(str(error)) from None
    return tools.scrubbed(project, _read(path, project.root, f"no {name} yet for {slug} (complete an engagement first)"))


def latest_report(tools, slug: str) -> str:
    from django_expert.memory.paths import REPORT_DIR, safe_join

    project = by_slug(tools, slug)
    try:
        folder = safe_join(project.root, REPORT_DIR)
    except ValueError as error:
        raise WorkspaceError(str(error)) from None
    reports = sorted(folder.glob(f"django_{slug}_*.md"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    if not reports:
        raise WorkspaceError(f"no report yet for {slug} (complete_engagement writes one)")
    return tools.scrubbed(project, _read(reports[-1], project.root, "the report cannot be read"))


def library_document(doc_id: str) -> str:
    from django_expert.memory.context import library_documents

    for document in library_documents():
        if document.id == doc_id:
            return document.body
    raise WorkspaceError(f"unknown library document {doc_id!r}")


def _read(path: Path, within: Path, missing: str) -> str:
    from django_expert.analyzers import files

    try:
        return files.read_text(path, files.DEFAULT_LIMIT, within=[within])
    except OSError:
        raise WorkspaceError(missing) from None
