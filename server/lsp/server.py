"""The django-expert language server: one Engine per workspace folder, one analysis thread.

Threading: the event loop only reads and writes messages. Every Engine call, and the
conversion of its results to LSP values, runs on one worker thread (`analyse`), in the order
it was asked for, so the engines need no locks and a slow analysis never blocks the read
loop. The text an engine holds for an open document is a snapshot taken on the loop, with
its version; a result computed from an older version than the client's is never published.

The facts cache is taken on the analysis thread (a snapshot of frozen facts) and written on a
thread of its own, after indexing and CACHE_DELAY seconds after the last change, so that a
client that never waits for `shutdown` (Neovim, Emacs) still starts warm the next time.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from django_expert.analyzers import files
from django_expert.analyzers.engine import Engine
from django_expert.analyzers.findings import Finding
from django_expert.analyzers.source import DecodeError, Span, decode
from django_expert.server.lsp import convert
from django_expert.server.lsp.text_documents import LspWorkspace

log = logging.getLogger(__name__)

NAME = "django-expert"
# Seconds without a change before the facts cache is written: writing it pickles every file's
# facts on another thread (0.9 s of CPU on netbox), which slows an edit made meanwhile by as
# much; 2 s fell between a field rename and the next edit.
CACHE_DELAY = 5.0


def _version() -> str:
    """The installed package's version (`serverInfo.version`, which editors show and check);
    the release the code says it is when no metadata was installed with it (a checkout, a
    copy bundled in an editor extension)."""
    try:
        from importlib.metadata import version

        return version("django-expert")
    except Exception:
        from django_expert.analyzers.version import ANALYZER_VERSION

        return ANALYZER_VERSION


@dataclass(eq=False)
class Folder:
    """A workspace folder and the engine that analyses it (`path` None: files outside folders)."""

    uri: str
    path: Path | None  # as the client names it
    root: Path | None  # resolved, as the engine names it
    engine: Engine
    overrides: dict = field(default_factory=dict)
    # Set once its files are read and its model built: requests and edits are answered from
    # then on, while the files not yet checked are checked in the background (`lifecycle.index`).
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    checked: asyncio.Event = field(default_factory=asyncio.Event)  # set once every file is checked
    indexing: int = 0  # the index in progress (a newer one stops the background check of an older)

    @property
    def name(self) -> str:
        return self.path.name if self.path else "files"

    def holds(self, path: Path) -> bool:
        return self.root is not None and path.is_relative_to(self.root)


class Worker:
    """One daemon thread running submitted calls in order (a daemon, so that `exit` never
    waits for an index in progress)."""

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._queue.put((future, function, args))
        return future

    def stop(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            future, function, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as error:  # handed to the awaiting handler, which logs it
                future.set_exception(error)


class DjangoExpertProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        params.capabilities = convert.with_chosen_encoding(params.capabilities)
        result = yield from super().lsp_initialize(params)
        # Documents open only after initialize: swap in the store that splits lines as LSP does.
        self._workspace = LspWorkspace.like(self._workspace, self._server._text_document_sync_kind)
        return result

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args):
        """pygls' shutdown, cancelling pending requests over a copy: a request that ends
        meanwhile (a long engagement command) changed the dict under pygls' own loop."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True
        return None

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        """pygls' handler runner, forgetting each handler's future once it is done.

        pygls (2.1.1) files the future of a generator handler (its own didOpen/didChange/
        didClose) and of each step it yields under a fresh id in `_request_futures`, and only
        a request's response removes its entry: every edit left a future, its lock and its
        result behind (about 2 KB an edit, measured with tests/benchmarks/fuzz_lsp.py)."""

        def forget(future) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            if callback is not None:
                callback(future)

        return super()._execute_handler(msg_id, handler, forget, args, kwargs)


class DjangoExpertServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            NAME,
            _version(),
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=DjangoExpertProtocol,
        )
        self.folders: dict[str, Folder] = {}
        self.loose = Folder("", None, None, Engine([], use_cache=False))
        self.loose.ready.set()  # nothing to index: files outside every folder are read alone
        self.loose.checked.set()
        self.settings: dict = {}  # initializationOptions, as config overrides
        self.pull_diagnostics = False
        self.encoding = convert.UTF16
        self.loop: asyncio.AbstractEventLoop | None = None
        # Open documents: the client's URI of each resolved path, and the version of the
        # text the engine holds for it (written on the worker thread).
        self.uris: dict[Path, str] = {}
        self.versions: dict[Path, int | None] = {}
        self.published: set[str] = set()  # URIs last pushed with a non-empty list
        self.generations: dict[str, int] = {}  # per URI: the newest scheduled analysis
        self.pending_messages: list[str] = []  # shown once the client is initialized
        self.command_handlers: dict[str, Callable[..., Any]] = {}  # see commands.provide()
        self._worker = Worker("django-expert-analysis")
        self._cache_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-expert-cache")
        self._cache_timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task] = set()
        self._shown: set[str] = set()
        self._bulk: list = []  # the collector schedule held while folders are checked (hold_bulk)

    # -- the analysis thread ----------------------------------------------------------------

    async def analyse(self, function: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """Run `function(*args)` on the analysis thread; an exception is logged, never raised."""
        try:
            return await asyncio.wrap_future(self._worker.submit(function, *args))
        except Exception:
            log.exception("%s failed", getattr(function, "__name__", "analysis"))
            return default

    def spawn(self, coroutine) -> asyncio.Task:
        """Run a coroutine in the background (kept referenced until it ends)."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    def stop_worker(self) -> None:
        self._worker.stop()

    def hold_bulk(self) -> None:
        """The collector's bulk schedule (`collector.bulk_analysis`) from now until every
        `hold_bulk` is released: an index and its background check span many calls on the
        analysis thread, and each release of the schedule collects the whole heap. Called on
        the analysis thread."""
        from django_expert.server.collector import bulk_analysis

        if not self._bulk:
            schedule = bulk_analysis()
            schedule.__enter__()
            self._bulk.append(schedule)
        else:
            self._bulk.append(None)

    def release_bulk(self) -> None:
        schedule = self._bulk.pop()
        if schedule is not None:
            schedule.__exit__(None, None, None)

    # -- the facts cache --------------------------------------------------------------------------

    async def save_cache(self, folders: Iterable[Folder]) -> int:
        """Write the facts cache of these folders (those whose cache changed); returns how
        many were written."""
        folders = [folder for folder in folders if folder.path is not None]
        for folder in folders:
            timer = self._cache_timers.pop(folder.uri, None)
            if timer is not None:
                timer.cancel()

        def taken() -> list:
            return [pending for folder in folders if (pending := folder.engine.cache_to_write()) is not None]

        written = 0
        for pending in await self.analyse(taken, default=[]):
            written += await asyncio.wrap_future(self._cache_writer.submit(pending.write))
        return written

    def save_cache_later(self, folder: Folder) -> None:
        """Write a folder's cache once its changes settle (each call restarts the delay)."""
        if folder.path is None or self.loop is None:
            return
        timer = self._cache_timers.pop(folder.uri, None)
        if timer is not None:
            timer.cancel()
        self._cache_timers[folder.uri] = self.loop.call_later(
            CACHE_DELAY, lambda: self.spawn(self.save_cache([folder])))

    # -- folders and documents ----------------------------------------------------------------

    def folder_for(self, path: Path) -> Folder:
        best = self.loose
        for folder in list(self.folders.values()):  # also called on the analysis thread
            if folder.holds(path) and (best.root is None or len(folder.root.parts) > len(best.root.parts)):
                best = folder
        return best

    def all_folders(self) -> list[Folder]:
        return [*self.folders.values(), self.loose]

    def open_document(self, uri: str):
        """The open TextDocument of a URI, or None (never reads the disk)."""
        return self.workspace.text_documents.get(uri)

    def open_documents(self, folder: Folder | None = None) -> list[tuple[str, Path]]:
        documents = []
        for uri in list(self.workspace.text_documents):
            path = python_path(uri)
            if path is not None and (folder is None or self.folder_for(path) is folder):
                documents.append((uri, path))
        return documents

    def uri_of(self, path: Path | str) -> str:
        """The URI the client knows a file by (its own spelling for open documents and folders)."""
        path = Path(path)
        if path in self.uris:
            return self.uris[path]
        folder = self.folder_for(path)
        if folder.path is not None and folder.root != folder.path:
            return convert.path_to_uri(folder.path / path.relative_to(folder.root))
        return convert.path_to_uri(path)

    def snapshot(self, uri: str) -> tuple[int | None, str] | None:
        """(version, text) of an open document, taken on the loop."""
        document = self.open_document(uri)
        return (document.version, document.source) if document is not None else None

    async def sync_document(self, uri: str) -> tuple[Path | None, set[Path]]:
        """Give the engine the client's current text of a document (once its folder is
        indexed); returns the document's path (None: not a Python file) and the files whose
        findings may have changed."""
        path = python_path(uri)
        if path is None:
            return None, set()
        folder = self.folder_for(path)
        await folder.ready.wait()
        snapshot = self.snapshot(uri)
        if snapshot is None:
            return path, set()
        stale = await self.analyse(self.sync_text, folder, path, *snapshot, default=set())
        self.save_cache_later(folder)
        return path, stale

    # -- on the analysis thread: syncing, text, diagnostics ------------------------------------

    def sync_text(self, folder: Folder, path: Path, version: int | None, text: str | None) -> set[Path]:
        """Give an engine a document's text (None: the file on disk); the files to re-publish."""
        engine = folder.engine
        if text is not None and engine.state(path) is None:
            engine.update(path, text)  # a new file: the engine first reads what is on disk
        stale = engine.update(path, text, defer=True)  # what else it reaches: settle(), after publishing it
        if text is None:
            engine.close(path)
            self.versions.pop(path, None)
        else:
            self.versions[path] = version
        return stale | {path}

    def settle(self) -> set[Path]:
        """The files the deferred edits reach, in every folder (to re-publish)."""
        return {path for folder in self.all_folders() for path in folder.engine.settle()}

    def text_of(self, path: Path | str) -> str:
        """The text an engine analysed for a file: the open document's, else the file on disk."""
        path = Path(path)
        state = self.folder_for(path).engine.state(path)
        if state is not None and state.text is not None:
            return state.text
        try:
            data = files.read_bytes(path)
        except OSError:
            return ""
        try:
            return decode(data)
        except DecodeError:
            return data.decode("utf-8", errors="replace")

    def lines_reader(self) -> Callable[[str], Sequence[str]]:
        """`path -> lines`, reading each file once (for one batch of conversions)."""
        cache: dict[str, Sequence[str]] = {}

        def lines_of(path: str) -> Sequence[str]:
            if path not in cache:
                cache[path] = convert.split_lines(self.text_of(path))
            return cache[path]

        return lines_of

    def diagnostics_of(self, path: Path, findings: Iterable[Finding] | None = None,
                       lines_of: Callable[[str], Sequence[str]] | None = None) -> list[types.Diagnostic]:
        lines_of = lines_of or self.lines_reader()
        if findings is None:
            findings = self.folder_for(path).engine.findings(path)
        findings = self.presented(path, findings)
        if not findings:
            return []

        def locate(other: str, span: Span) -> types.Location | None:
            return types.Location(uri=self.uri_of(other), range=convert.lsp_range(span, lines_of(other), self.encoding))

        lines = lines_of(str(path))
        return [convert.lsp_diagnostic(finding, lines, self.encoding, locate) for finding in findings]

    def presented(self, path: Path, findings: Iterable[Finding]) -> list[Finding]:
        """Findings with the project's recorded decisions applied (accepted ones become hints),
        and those its configured baseline holds shown as hints."""
        from django_expert.server.baseline import present_baselined
        from django_expert.server.engagement.decisions import present

        folder = self.folder_for(path)
        return present_baselined(folder.engine, path, present(folder.engine, findings, folder.root))

    def version_of(self, path: Path | str) -> int | None:
        """The version of the open document an engine analysed (None: the file on disk)."""
        path = Path(path)
        state = self.folder_for(path).engine.state(path)
        return self.versions.get(path) if state is not None and state.text is not None else None

    # -- messages ---------------------------------------------------------------------------------

    def is_current(self, path: Path, version: int | None) -> bool:
        """Whether a result for `path` computed at `version` still matches the client's document."""
        uri = self.uris.get(path)
        document = self.open_document(uri) if uri else None
        if document is None:
            return version is None
        return document.version == version

    def show_once(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """A one-line notification, shown once per server run."""
        if message in self._shown:
            return
        self._shown.add(message)
        log.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def supports(self, capability: str) -> bool:
        return bool(get_capability(self.client_capabilities, capability, None))


def python_path(uri: str) -> Path | None:
    """The resolved path of a document we analyse (a .py file, or a template under a
    `templates/` folder), else None."""
    from django_expert.analyzers.engine import is_template_file

    path = convert.uri_to_path(uri)
    return path if path is not None and (path.suffix == ".py" or is_template_file(path)) else None


FEATURES = ("lifecycle", "documents", "diagnostics", "code_actions", "commands", "engagement", "completion", "hover",
            "definition", "symbols")


def build_server() -> DjangoExpertServer:
    """A server with every feature module's handlers registered, in FEATURES order."""
    import importlib

    server = DjangoExpertServer()
    for name in FEATURES:
        importlib.import_module(f"django_expert.server.lsp.{name}").setup(server)
    return server
