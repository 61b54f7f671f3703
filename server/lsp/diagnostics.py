"""Diagnostics, pushed or pulled: never both.

A client that declares `textDocument.diagnostic` pulls (`textDocument/diagnostic` with a
`resultId` digest of the report, `unchanged` when it did not change, and
`workspace/diagnostic`); when other files' findings change we ask it to pull again with
`workspace/diagnostic/refresh` where it allows that. Any other client gets
`textDocument/publishDiagnostics`, with the document version the findings were computed for.
Pushing as well would show every finding twice in clients that merge both sources.

Many files are checked a slice at a time (`check_in_slices`: the folder after indexing, the
dependants of an edit), so that an edit or a request waits for one slice, not for all of them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from lsprotocol import types

from django_expert.server.lsp import convert
from django_expert.server.lsp.server import DjangoExpertServer, Folder

SLICE = 0.05  # seconds of background checking between two looks at the analysis queue
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
    # Once checked: a report asked for mid-check would check the rest in one call, in front of every edit.
    await asyncio.gather(*(folder.checked.wait() for folder in ls.all_folders()))
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
    # A slice at a time, the open documents first: a field rename re-checks every file that
    # read the model (1.5 s of CPU on netbox), and the next keystroke must not wait for them all.
    await check_in_slices(ls, sorted(paths, key=lambda path: (path not in ls.uris, path)))


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
    return [_push_result(ls, path, lines_of) for path in paths]


def _push_result(ls: DjangoExpertServer, path: Path, lines_of) -> tuple:
    return path, ls.uri_of(path), ls.version_of(path), ls.diagnostics_of(path, lines_of=lines_of)


async def publish_folder(ls: DjangoExpertServer, folder: Folder) -> None:
    """Everything a folder holds (its findings' presentation changed), and clear what is gone."""
    if ls.pull_diagnostics:
        refresh(ls)
        return
    paths = await ls.analyse(_analysed_files, folder, default=set())
    await publish(ls, paths)
    await _clear_gone(ls, folder, paths)


def _analysed_files(folder: Folder) -> set[Path]:
    return {path for path, state in folder.engine.files.items() if not state.library}


async def check_in_slices(ls: DjangoExpertServer, paths: list[Path], wanted: Callable[[], bool] = lambda: True,
                          report: Callable[[int, int], None] | None = None) -> None:
    """Check these files and publish their findings, SLICE seconds of checking at a time
    (requests and edits wait for one slice, not for every file), while `wanted()` holds;
    `report(done, total)` after each slice."""
    pending = deque(paths)
    total = len(pending)
    while pending and wanted():
        results = await ls.analyse(_check_slice, ls, pending, default=[])
        if not ls.pull_diagnostics:
            _push(ls, results)
        if report is not None:
            report(total - len(pending), total)


def _check_slice(ls: DjangoExpertServer, pending: deque[Path]) -> list:
    """`_push_results` of the files taken from `pending` within SLICE seconds (one at least)."""
    lines_of = ls.lines_reader()
    deadline = time.perf_counter() + SLICE
    results = []
    while pending and (not results or time.perf_counter() < deadline):
        path = pending.popleft()
        if ls.pull_diagnostics:
            ls.folder_for(path).engine.findings(path)  # pulled later: only computed now
            results.append(None)
        else:
            results.append(_push_result(ls, path, lines_of))
    return results


async def after_checking(ls: DjangoExpertServer, folder: Folder, paths: set[Path]) -> None:
    """A folder was (re-)indexed and checked: clear what was published of files that are gone
    (a pulling client is asked to pull again)."""
    if ls.pull_diagnostics:
        refresh(ls)
        return
    await _clear_gone(ls, folder, paths)


async def _clear_gone(ls: DjangoExpertServer, folder: Folder, paths: set[Path]) -> None:
    gone = [uri for uri in ls.published if (path := convert.uri_to_path(uri)) and folder.holds(path)
            and path not in paths]
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
