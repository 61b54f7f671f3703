"""Startup, settings and workspace folders.

`initialize` reads the client's capabilities, `initializationOptions` (the keys of
`[tool.django-expert]`, kebab, snake or camel case) and the workspace folders (rootUri when
the client sends none). `initialized` pulls the editor settings, indexes every folder on
the analysis thread with `$/progress` (its end says how many files the facts cache gave),
publishes the open documents, checks and publishes the other files in the background, then
writes the facts cache. A settings error is shown once and the previous
settings are kept.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import platform
import re
import sys
import traceback
import uuid
from collections import Counter
from pathlib import Path

from lsprotocol import types

from django_expert.analyzers.config import Config, ConfigError
from django_expert.analyzers.engine import Engine
from django_expert.server.lsp import convert, diagnostics, navigation
from django_expert.server.lsp.server import DjangoExpertServer, Folder

log = logging.getLogger(__name__)

SECTION = "django-expert"
WATCHED = ("**/*.py", "**/.env", "**/pyproject.toml", "**/.django-expert.toml", "**/*.html")
CLIENT_TIMEOUT = 10.0  # seconds to wait for the client's answer to our requests


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_workspace_folders)
    server.feature(types.SHUTDOWN)(shutdown)


# -- handlers ---------------------------------------------------------------------------------


def initialize(ls: DjangoExpertServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    logging.getLogger("django_expert").addHandler(ClientLogHandler(ls))
    encoding = ls.workspace.position_encoding or convert.UTF16
    ls.encoding = getattr(encoding, "value", encoding)
    workspace = params.capabilities.workspace
    ls.pull_diagnostics = (
        params.capabilities.text_document is not None
        and params.capabilities.text_document.diagnostic is not None
        and workspace is not None and workspace.diagnostics is not None
        and bool(workspace.diagnostics.refresh_support)
    )
    try:
        ls.settings = overrides_from(params.initialization_options, "initializationOptions")
    except ConfigError as error:
        ls.settings = {}
        ls.pending_messages.append(str(error))
    folders = list(params.workspace_folders or ())
    if not folders and (params.root_uri or params.root_path):
        uri = params.root_uri or convert.path_to_uri(params.root_path)
        folders = [types.WorkspaceFolder(uri=uri, name=Path(convert.uri_to_path(uri) or "root").name)]
    for folder in folders:
        add_folder(ls, folder.uri)
    log.info("django-expert %s, initialize: %d folder(s), %s positions, %s diagnostics", ls.version,
             len(ls.folders), ls.encoding, "pull" if ls.pull_diagnostics else "push")


async def initialized(ls: DjangoExpertServer, params: types.InitializedParams) -> None:
    # Which server runs, in the client's log (VS Code's output channel, :LspLog, eglot's events).
    ls.window_log_message(types.LogMessageParams(
        type=types.MessageType.Info,
        message=f"django-expert {ls.version} (Python {platform.python_version()}, {sys.executable})"))
    for message in ls.pending_messages:
        ls.show_once(message)
    ls.pending_messages.clear()
    ls.spawn(register_watchers(ls))
    await read_settings(ls, list(ls.folders.values()))
    for folder in list(ls.folders.values()):
        await index(ls, folder)


async def did_change_configuration(ls: DjangoExpertServer, params: types.DidChangeConfigurationParams) -> None:
    for folder in await read_settings(ls, list(ls.folders.values()), pushed=params.settings):
        await index(ls, folder)


async def did_change_workspace_folders(ls: DjangoExpertServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    for removed in params.event.removed:
        folder = ls.folders.pop(removed.uri, None)
        if folder is not None:
            await diagnostics.clear_folder(ls, folder)
    added = [add_folder(ls, folder.uri) for folder in params.event.added]
    added = [folder for folder in added if folder is not None]
    await read_settings(ls, added)
    for folder in added:
        await index(ls, folder)


async def shutdown(ls: DjangoExpertServer, params: None) -> None:
    await ls.save_cache(list(ls.folders.values()))  # what changed since the last settled edit
    ls.stop_worker()


# -- folders and indexing ------------------------------------------------------------------------


def add_folder(ls: DjangoExpertServer, uri: str) -> Folder | None:
    path = convert.uri_to_path(uri, resolve=False)
    if path is None:
        log.warning("ignoring workspace folder %s: not a file URI", uri)
        return None
    folder = Folder(uri, path, path.resolve(), Engine([path]), dict(ls.settings))
    ls.folders[uri] = folder
    return folder


async def index(ls: DjangoExpertServer, folder: Folder) -> None:
    """(Re-)index a folder: read every file and build the project model, give the engine the
    open documents' texts and publish them (the user is looking at them), then check the
    other files a slice at a time, so that requests and edits wait for a slice, not for the
    whole folder; then write the facts cache. Progress spans the reading and the checking."""
    folder.ready.clear()
    folder.checked.clear()
    folder.indexing += 1
    this = folder.indexing
    progress = await Progress.start(ls, f"django-expert: indexing {folder.name}")

    def report(phase: str, share: int, done: int, total: int) -> None:
        ls.loop.call_soon_threadsafe(progress.report, f"{phase} {done}/{total} files", share, done, total)

    def read() -> tuple[list[Path], int, int]:
        engine = folder.engine
        engine.overrides = folder.overrides
        cached_before = engine.stats["facts_from_cache"]
        # What an index holds (every file's state and facts) lives until the next index: frozen
        # out of the collector's sight, a full collection no longer scans it (330 -> 55 ms on
        # netbox, the stalls behind an edit's slowest diagnostics). The previous index is let go
        # and collected first: garbage frozen with the new one would never be freed.
        gc.unfreeze()
        engine.forget()
        gc.collect()
        engine.index(lambda done, total: report("reading", 0, done, total))
        gc.freeze()
        paths = [path for path, state in engine.files.items() if not state.library]
        return paths, len(engine.files), engine.stats["facts_from_cache"] - cached_before

    await ls.analyse(ls.hold_bulk)  # a cold check's collector schedule (server/collector.py)
    try:
        paths, read_count, from_cache = await ls.analyse(read, default=([], 0, 0))
        documents = [(path, ls.snapshot(uri)) for uri, path in ls.open_documents(folder)]

        def reopen() -> None:
            for path, (version, text) in ((p, s) for p, s in documents if s is not None):
                ls.sync_text(folder, path, version, text)

        await ls.analyse(reopen)
        if folder.engine.problems:
            problems = list(dict.fromkeys(folder.engine.problems))
            log.warning("%s: %s", folder.name, "; ".join(problems))
        folder.ready.set()
        opened = [path for path, _ in documents]
        for path in opened:  # each as soon as its own findings are known
            await diagnostics.publish(ls, [path], edited=path)
        await diagnostics.check_in_slices(ls, [path for path in paths if path not in opened],
                                          lambda: folder.indexing == this,
                                          lambda done, total: report("checking", 50, done, total))
    finally:
        await ls.analyse(ls.release_bulk)
    if folder.indexing != this:  # re-indexed meanwhile: the newer index publishes
        progress.end("restarted")
        return
    folder.checked.set()
    count = len(paths)
    progress.end(f"{count} files" + (f", {from_cache} of {read_count} read from the cache" if from_cache else ""))
    log.info("%s: %d files checked, %d of %d read from the cache", folder.name, count, from_cache, read_count)
    await diagnostics.after_checking(ls, folder, set(paths))
    ls.spawn(ls.save_cache([folder]))  # now, not at shutdown: Neovim and Emacs do not wait for it
    ls.spawn(navigation.warm_jedi(ls, folder))


async def register_watchers(ls: DjangoExpertServer) -> None:
    """Ask the client to tell us about file changes (only if it can register dynamically)."""
    if not ls.supports("workspace.did_change_watched_files.dynamic_registration"):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
    )
    registration = types.Registration(
        id=f"{SECTION}-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(types.RegistrationParams(registrations=[registration])),
            CLIENT_TIMEOUT,
        )
    except Exception as error:  # the client may refuse; we still work, only less fresh
        log.info("the client did not register file watchers: %s", error)


# -- settings ------------------------------------------------------------------------------------


async def read_settings(ls: DjangoExpertServer, folders: list[Folder], pushed: object = None) -> list[Folder]:
    """Editor settings for each folder (pulled when the client can, else `pushed`), laid over
    initializationOptions; returns the folders whose settings changed."""
    if not folders:
        return []
    values: list[object] = [_section(pushed)] * len(folders)
    if ls.supports("workspace.configuration"):
        items = [types.ConfigurationItem(scope_uri=folder.uri, section=SECTION) for folder in folders]
        try:
            values = await asyncio.wait_for(
                ls.workspace_configuration_async(types.ConfigurationParams(items=items)), CLIENT_TIMEOUT
            )
        except Exception as error:
            log.info("workspace/configuration failed: %s", error)
    changed = []
    for folder, value in zip(folders, values, strict=False):  # a client may answer short
        try:
            overrides = {**ls.settings, **overrides_from(value, "editor settings")}
        except ConfigError as error:
            ls.show_once(str(error))
            continue
        if overrides != folder.overrides:
            folder.overrides = overrides
            changed.append(folder)
    return changed


def overrides_from(value: object, source: str) -> dict:
    """Validated configuration overrides from an editor (None: none); raises ConfigError."""
    value = _section(value) if isinstance(value, dict) and _wrapped(value) else value
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: expected an object of django-expert settings, got {type(value).__name__}")
    overrides = {_kebab(key): item for key, item in value.items()}
    Config().merged(overrides)  # raises ConfigError naming the first bad key
    return overrides


def _wrapped(value: dict) -> bool:
    return any(key in value for key in (SECTION, "django_expert", "djangoExpert"))


def _section(settings: object) -> object:
    """Our section of settings a client pushed ({"django-expert": {...}}), or None."""
    if isinstance(settings, dict):
        for key in (SECTION, "django_expert", "djangoExpert"):
            if key in settings:
                return settings[key]
    return None


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", str(key)).replace("_", "-").lower()


# -- progress and the client's log -----------------------------------------------------------------


class Progress:
    """`$/progress` for one piece of work (a no-op when the client cannot show it)."""

    def __init__(self, ls: DjangoExpertServer, token: str | None) -> None:
        self.ls = ls
        self.token = token

    @classmethod
    async def start(cls, ls: DjangoExpertServer, title: str) -> Progress:
        if not ls.supports("window.work_done_progress"):
            return cls(ls, None)
        token = f"{SECTION}-{uuid.uuid4().hex[:8]}"
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), CLIENT_TIMEOUT)
        except Exception as error:
            log.info("window/workDoneProgress/create failed: %s", error)
            return cls(ls, None)
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, percentage=0, cancellable=False))
        return cls(ls, token)

    def report(self, message: str, start: int, done: int, total: int) -> None:
        """Progress of a phase that fills the half of the bar starting at `start` percent."""
        if self.token is not None:
            percentage = start + (50 * done // total if total else 50)
            self.ls.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    def end(self, message: str) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
            self.token = None


class ClientLogHandler(logging.Handler):
    """Forwards our warnings and errors to the client's log (window/logMessage), from any
    thread; each message template is forwarded a few times only (a failing rule fails on
    every file)."""

    LIMIT = 5

    def __init__(self, ls: DjangoExpertServer) -> None:
        super().__init__(logging.WARNING)
        self.ls = ls
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.counts[str(record.msg)] += 1
            if self.counts[str(record.msg)] > self.LIMIT or self.ls.loop is None or self.ls.loop.is_closed():
                return
            message = record.getMessage().splitlines()[0] if record.getMessage() else ""
            if record.exc_info and record.exc_info[1] is not None:
                message += ": " + "".join(traceback.format_exception_only(record.exc_info[1])).strip()
            kind = types.MessageType.Error if record.levelno >= logging.ERROR else types.MessageType.Warning
            params = types.LogMessageParams(type=kind, message=f"django-expert: {message}")
            self.ls.loop.call_soon_threadsafe(self.ls.window_log_message, params)
        except Exception:  # logging must never raise
            self.handleError(record)
