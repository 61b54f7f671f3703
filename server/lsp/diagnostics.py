"""Diagnostics, pushed or pulled: never both.

A client that declares `textDocument.diagnostic` pulls (`textDocument/diagnostic` with a
`resultId` digest of the report, `unchanged` when it did not change, and
`workspace/diagnostic`); when other files' findings change we ask it to pull again with
`workspace/diagnostic/refresh` where it allows that. Any other client gets
`textDocument/publishDiagnostics`, with the document version the findings were computed for.
Pushing as well would show every finding twice in clients that merge both sources.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types

from django_expert.server.lsp import convert
from django_expert.server.lsp.server import DjangoExpertServer, Folder

OPTIONS = types.DiagnosticOptions(identifier=convert.SOURCE, inter_file_dependencies=True, workspace_diagnostics=True)


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, OPTIONS)(document_diagnostic)
    server.feature(types.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)


# -- pull ---------------------------------------------------------------------------------------


async def document_diagnostic(ls: DjangoExpertServer, params: types.DocumentDiagnosticParams):
    if not ls.pull_diagnostics:  # pushed instead (the client cannot be asked to pull again)
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    path, stale = await ls.sync_document(params.text_document.uri)
    if path is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    items = await ls.analyse(ls.diagnostics_of, path, default=[])
    await publish(ls, stale, edited=path)  # the rest the edit reaches: the client is asked to pull them
    result_id = convert.result_id(items)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


async def workspace_diagnostic(ls: DjangoExpertServer, params: types.WorkspaceDiagnosticParams):
    await asyncio.gather(*(folder.ready.wait() for folder in ls.all_folders()))
    previous = {item.uri: item.value for item in params.previous_result_ids}
    reports = await ls.analyse(_workspace_reports, ls, previous, default=[])
    return types.WorkspaceDiagnosticReport(items=reports)


def _workspace_reports(ls: DjangoExpertServer, previous: dict[str, str]) -> list:
    """Reports for every file with findings, and for those the client last saw findings in."""
    lines_of = ls.lines_reader()
    reports = []
    for folder in ls.all_folders():
        for path, findings in folder.engine.all_findings().items():
            uri = ls.uri_of(path)
            if not findings and uri not in previous:
                continue
            items = ls.diagnostics_of(path, findings, lines_of)
            result_id = convert.result_id(items)
            version = ls.version_of(path)
            if previous.get(uri) == result_id:
                reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=uri, version=version, result_id=result_id))
            else:
                reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=version, items=items, result_id=result_id))
    return reports


# -- push (or ask a pulling client to pull again) ----------------------------------------------------


async def publish(ls: DjangoExpertServer, paths: Iterable[Path], edited: Path | None = None) -> None:
    """Findings of these files changed (`edited`: the document whose edit caused it), and
    of the files the edits reach (worked out after the edited document is published: its
    user is looking at it, and a field rename reaches every file that read the model)."""
    paths = set(paths)
    if ls.pull_diagnostics:
        paths |= await ls.analyse(ls.settle, default=set())
        if paths - {edited}:
            refresh(ls)
        return
    if edited in paths:
        _push(ls, await ls.analyse(_push_results, ls, [edited], default=[]))
        paths.discard(edited)
    paths |= await ls.analyse(ls.settle, default=set())
    if paths:
        _push(ls, await ls.analyse(_push_results, ls, sorted(paths), default=[]))


def _push(ls: DjangoExpertServer, results: list) -> None:
    for path, uri, version, items in results:
        if not ls.is_current(path, version):
            continue  # computed from an older text than the client's: a newer result follows
        if items or uri in ls.published or path in ls.uris:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
            )
        (ls.published.add if items else ls.published.discard)(uri)


def _push_results(ls: DjangoExpertServer, paths: list[Path]) -> list:
    lines_of = ls.lines_reader()
    return [(path, ls.uri_of(path), ls.version_of(path), ls.diagnostics_of(path, lines_of=lines_of))
            for path in paths]


async def publish_folder(ls: DjangoExpertServer, folder: Folder) -> None:
    """After (re-)indexing a folder: everything it holds, and clear what is gone."""
    if ls.pull_diagnostics:
        refresh(ls)
        return
    def analysed_files() -> set[Path]:
        return {path for path, state in folder.engine.files.items() if not state.library}

    paths = await ls.analyse(analysed_files, default=set())
    gone = [uri for uri in ls.published if (path := convert.uri_to_path(uri)) and folder.holds(path)
            and path not in paths]
    await publish(ls, paths)
    await clear(ls, gone)


async def clear_folder(ls: DjangoExpertServer, folder: Folder) -> None:
    """A folder left the workspace: withdraw what was published for it."""
    await clear(ls, [uri for uri in ls.published if (path := convert.uri_to_path(uri)) and folder.holds(path)])


async def clear(ls: DjangoExpertServer, uris: Iterable[str]) -> None:
    if ls.pull_diagnostics:
        refresh(ls)
        return
    for uri in list(uris):
        ls.published.discard(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def refresh(ls: DjangoExpertServer) -> None:
    if ls.supports("workspace.diagnostics.refresh_support"):
        ls.workspace_diagnostic_refresh(None)
