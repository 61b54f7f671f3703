"""End-to-end fixtures: the real server in a subprocess, driven by pytest-lsp's client.

`client` starts `python -I -m django_expert.server.lsp` (isolated: no working folder or
PYTHONPATH on sys.path, as the editors start it) with a private cache directory; a test
picks the recorded capabilities of a real editor with
`@pytest.mark.parametrize("client", CLIENTS, indirect=True)` (VS Code by default).
Workspaces are copied to tmp_path first: the repository's copies are never written.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Union

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"
CLIENTS = ["visual-studio-code", "neovim", "emacs"]
LSP_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def make_client() -> LanguageClient:
    """pytest-lsp's client, also recording each publish's version and the registrations."""
    client = LanguageClient()
    client.published = {}  # uri -> list of PublishDiagnosticsParams
    client.publish_order = []  # every publish's uri, in the order they arrived
    client.registrations = []

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.setdefault(params.uri, []).append(params)
        client.publish_order.append(params.uri)

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    def answer(client: LanguageClient, params: types.ShowMessageRequestParams):
        """A user who answers questions: "security" when offered, else the first choice
        (none if the test set `client.dismiss`)."""
        client.questions = [*getattr(client, "questions", []), params.message]
        if getattr(client, "dismiss", False):
            return None
        titles = [action.title for action in params.actions or []]
        choice = "security" if "security" in titles else (titles[0] if titles else None)
        return types.MessageActionItem(title=choice) if choice else None

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.WINDOW_SHOW_MESSAGE_REQUEST] = answer
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)

    # lsprotocol (<= 2025.0.0) structures every code-action result with a "command" key as
    # a Command, losing a CodeAction's edit; decide by the type of "command" instead.
    converter = client.protocol._converter

    def command_or_action(obj, _):
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    # (typing.Union: the hook is looked up by the exact type lsprotocol declares)
    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_action)  # noqa: UP007
    return client


@pytest_asyncio.fixture
async def client(request, tmp_path):
    config = ClientServerConfig(
        server_command=[sys.executable, "-I", "-m", "django_expert.server.lsp"],
        client_factory=make_client,
        # server_env replaces the whole environment: merge it.
        server_env={**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache")},
    )
    lsp_client = await config.start()
    lsp_client.name = getattr(request, "param", "visual-studio-code")
    yield lsp_client
    await lsp_client.shutdown_session()
    await lsp_client.stop()


@pytest.fixture
def session(client) -> Session:
    return Session(client)


@pytest.fixture
def shop(tmp_path) -> Path:
    return copy_workspace("shop", tmp_path)


@pytest.fixture
def workspace(tmp_path):
    """`workspace(name)`: a fresh copy of tests/workspaces/<name>."""
    return lambda name: copy_workspace(name, tmp_path)


def copy_workspace(name: str, tmp_path: Path) -> Path:
    """A copy of the workspace with every rule selected: the editor tests use pedantic
    findings (DJE201, DJE202, DJE301) as their samples."""
    target = tmp_path / "ws" / name
    shutil.copytree(WORKSPACES / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3"))
    pyproject = target / "pyproject.toml"
    head = pyproject.read_text() + "\n" if pyproject.exists() else ""
    pyproject.write_text(head + '[tool.django-expert]\nselect = ["ALL"]\n')
    return target


class Session:
    """What a test does through the client, in the client's position encoding."""

    TIMEOUT = 15.0

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.capabilities = client_capabilities(client.name)
        self.encoding = "utf-16"
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    @property
    def pulls(self) -> bool:
        """The server's rule: pull only when the client can also be told to pull again."""
        workspace = self.capabilities.workspace
        return (self.capabilities.text_document.diagnostic is not None and workspace is not None
                and workspace.diagnostics is not None and bool(workspace.diagnostics.refresh_support))

    def can_refresh(self) -> None:
        """Declare pull diagnostics with `workspace.diagnostics.refreshSupport`, as VS Code
        >= 1.67 does (the recorded 1.65 capabilities cannot pull; Neovim cannot refresh)."""
        if self.capabilities.text_document.diagnostic is None:
            self.capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities()
        self.capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)

    async def start(self, *roots: Path, options: object = None) -> types.InitializeResult:
        """initialize + initialized, then wait until every folder is indexed."""
        folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name) for root in roots]
        result = await self.client.initialize_session(
            types.InitializeParams(
                capabilities=self.capabilities,
                client_info=types.ClientInfo(name=f"pytest-lsp ({self.client.name})"),
                root_uri=roots[0].as_uri() if roots else None,
                workspace_folders=folders or None,
                initialization_options=options,
            )
        )
        self.encoding = result.capabilities.position_encoding or "utf-16"
        await self.wait(lambda: self.ended() >= len(roots), "indexing to end")
        return result

    def ended(self) -> int:
        return sum(1 for reports in self.client.progress_reports.values()
                   if any(isinstance(report, types.WorkDoneProgressEnd) for report in reports))

    async def wait(self, condition, what: str, timeout: float | None = None):
        deadline = time.monotonic() + (timeout or self.TIMEOUT)
        while not (value := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)
        return value

    # -- documents -------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        self.texts[uri] = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=self.texts[uri])))
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text (a new version)."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def edit(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Send edits as incremental changes (as editors do), and apply them locally."""
        self.versions[uri] += 1
        changes = []
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            changes.append(types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
            self.texts[uri] = apply_text_edits(self.texts[uri], [edit], self.encoding)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=changes))
        return self.versions[uri]

    # -- diagnostics -----------------------------------------------------------------------------

    async def diagnostics(self, uri: str, version: int | None = None) -> list[types.Diagnostic]:
        """The diagnostics of a document as this client gets them: pulled, or pushed for `version`."""
        if self.pulls:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
            return list(report.items)
        wanted = self.versions.get(uri) if version is None else version
        params = await self.wait(lambda: next((p for p in reversed(self.client.published.get(uri, []))
                                               if p.version == wanted), None), f"diagnostics of {uri} v{wanted}")
        return list(params.diagnostics)

    # -- code actions ------------------------------------------------------------------------------

    async def code_actions(self, uri: str, range_: types.Range, diagnostics=(), only=None) -> list[types.CodeAction]:
        actions = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only)))
        return list(actions or [])

    async def resolved(self, action: types.CodeAction) -> types.CodeAction:
        if action.edit is None:
            action = await self.client.code_action_resolve_async(action)
        assert action.edit is not None, action
        return action

    def text_edits(self, edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
        if edit.document_changes:
            document_edits = [c for c in edit.document_changes if c.text_document.uri == uri]
            for change in document_edits:
                assert change.text_document.version == self.versions[uri]
            return [e for change in document_edits for e in change.edits]
        return list((edit.changes or {}).get(uri, []))

    def apply(self, uri: str, edit: types.WorkspaceEdit) -> str:
        """The document's text with a WorkspaceEdit applied (the document itself is unchanged)."""
        return apply_text_edits(self.texts[uri], self.text_edits(edit, uri), self.encoding)


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """Apply LSP text edits the way a client does (columns in `encoding` units)."""

    def units(char: str) -> int:
        if encoding == "utf-8":
            return len(char.encode("utf-8"))
        if encoding == "utf-16":
            return len(char.encode("utf-16-le")) // 2
        return 1

    def offset(position: types.Position) -> int:
        lines = LSP_LINES.findall(text)  # LSP's line breaks only (not str.splitlines')
        line = lines[position.line].rstrip("\r\n") if position.line < len(lines) else ""
        column = counted = 0
        while column < len(line) and counted < position.character:
            counted += units(line[column])
            column += 1
        return sum(len(line) for line in lines[: position.line]) + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text
