"""Documents and files: didOpen/didChange/didSave/didClose and watched-file changes reach
the engines here.

An edit of a document nobody is analysing is analysed at once (an isolated edit pays no
delay); an edit that arrives while its document is being analysed waits DEBOUNCE seconds
and is superseded by any newer one, so a burst of typing costs one analysis at each end.
The analysis runs on the analysis thread and its results are published only if the
document is still at the version they were computed for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from django_expert.server.lsp import convert, diagnostics, lifecycle
from django_expert.server.lsp.navigation import TEMPLATE_SUFFIXES
from django_expert.server.lsp.server import DjangoExpertServer, Folder, python_path

DEBOUNCE = 0.05  # seconds
CONFIG_FILES = (".env", "pyproject.toml", ".django-expert.toml")
REINDEX_ABOVE = 200  # changed files in one notification


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)


def did_open(ls: DjangoExpertServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = python_path(uri)
    if path is not None:
        ls.uris[path] = uri
        schedule(ls, uri, delay=0)


def did_change(ls: DjangoExpertServer, params: types.DidChangeTextDocumentParams) -> None:
    schedule(ls, params.text_document.uri, delay=DEBOUNCE)


def did_save(ls: DjangoExpertServer, params: types.DidSaveTextDocumentParams) -> None:
    schedule(ls, params.text_document.uri, delay=0)  # nothing new unless a change is pending


def did_close(ls: DjangoExpertServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = python_path(uri)
    if path is None:
        return
    ls.generations.pop(uri, None)  # supersedes a pending analysis
    ls.uris.pop(path, None)
    ls.spawn(_closed(ls, uri, path))


async def did_change_watched_files(ls: DjangoExpertServer, params: types.DidChangeWatchedFilesParams) -> None:
    reindex, changed = set(), {}
    for event in params.changes:
        path = convert.uri_to_path(event.uri)
        if path is None:
            continue
        folder = ls.folder_for(path)
        if path.name in CONFIG_FILES and folder.path is not None:
            reindex.add(folder)
        elif path.suffix == ".py" and path not in ls.uris:  # an open document's text wins over the disk
            changed.setdefault(folder, []).append(path)
        elif path.suffix.lower() in TEMPLATE_SUFFIXES:  # the views rendering a template are re-checked
            changed.setdefault(folder, []).append(path)
    for folder, paths in changed.items():
        if len(paths) > REINDEX_ABOVE and folder.path is not None:
            reindex.add(folder)  # a branch switch: reading everything again is cheaper
        if folder in reindex:
            continue
        await folder.ready.wait()
        stale = await ls.analyse(_reread, ls, folder, paths, default=set())
        ls.save_cache_later(folder)
        await diagnostics.publish(ls, stale)
    for folder in reindex:
        await lifecycle.index(ls, folder)


def _reread(ls: DjangoExpertServer, folder: Folder, paths: list[Path]) -> set[Path]:
    stale: set[Path] = set()
    for path in paths:
        stale |= ls.sync_text(folder, path, None, None)
    return stale


# -- scheduling -----------------------------------------------------------------------------------


def schedule(ls: DjangoExpertServer, uri: str, delay: float) -> None:
    if python_path(uri) is None:
        return
    generation = ls.generations[uri] = ls.generations.get(uri, 0) + 1
    if uri not in _ANALYSING:
        delay = 0  # leading edge: nothing in flight for this document
    ls.spawn(_analyse_later(ls, uri, generation, delay))


_ANALYSING: set[str] = set()  # documents with an analysis in flight


async def _analyse_later(ls: DjangoExpertServer, uri: str, generation: int, delay: float) -> None:
    if delay:
        await asyncio.sleep(delay)
    while uri in _ANALYSING:  # trailing edge: wait for the analysis in flight
        await asyncio.sleep(0.005)
        if ls.generations.get(uri) != generation:
            return
    if ls.generations.get(uri) != generation:
        return  # superseded by a newer edit
    _ANALYSING.add(uri)
    try:
        path, stale = await ls.sync_document(uri)
        if path is not None:
            await diagnostics.publish(ls, stale, edited=path)
    finally:
        _ANALYSING.discard(uri)


async def _closed(ls: DjangoExpertServer, uri: str, path: Path) -> None:
    """A closed document: its file on disk is the truth again (files outside every folder
    are forgotten)."""
    folder = ls.folder_for(path)
    await folder.ready.wait()
    if folder.path is None:
        await ls.analyse(folder.engine.remove, path)
        await diagnostics.clear(ls, [uri])
        return
    stale = await ls.analyse(ls.sync_text, folder, path, None, None, default=set())
    ls.save_cache_later(folder)
    await diagnostics.publish(ls, stale)
