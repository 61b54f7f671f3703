"""The server's copy of a document follows LSP's line breaks exactly (issue 11, item 2).

LSP breaks lines on `\\n`, `\\r\\n` and `\\r` only; `str.splitlines` also breaks on
`\\x0b`, `\\x0c` (form feed, common in Python), `\\x1c`-`\\x1e`, `\\x85`, U+2028 and U+2029.
Random incremental edits full of those characters (and of characters that take two UTF-16
units) are applied by a reference client and by the server; their texts must stay equal
after every edit: in the document store itself, and through a real server over a pipe.
Then the scenario the issue found: a form feed earlier in the file, the user renames `price`
to `cost`, and the quick fix must not write `price` back.
"""

from __future__ import annotations

import ast
import gc
import os
import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from django_expert.analyzers.source import LineIndex, split_lines, text_lines
from django_expert.server.lsp import convert
from django_expert.server.lsp.server import build_server
from django_expert.server.lsp.text_documents import LspWorkspace
from tests.lsp_wire import WireClient

NOT_LSP_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
ALPHABET = "ab =#\t\n\r" + NOT_LSP_BREAKS + "é😀"
BREAK = re.compile(r"\r\n|\r|\n")


# -- the reference client ---------------------------------------------------------------------


def line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in BREAK.finditer(text))]


def position_at(text: str, offset: int) -> dict:
    """The LSP position (UTF-16 columns) of a code-point offset, as an editor counts it."""
    starts = line_starts(text)
    line = max(number for number, start in enumerate(starts) if start <= offset)
    before = text[starts[line]:offset]
    return {"line": line, "character": len(before.encode("utf-16-le")) // 2}


def clean(text: str, offset: int) -> int:
    """An offset an editor can hold: never between the \\r and \\n of one line break."""
    return offset - 1 if 0 < offset < len(text) and text[offset - 1:offset + 1] == "\r\n" else offset


@st.composite
def edit(draw, text: str) -> tuple[dict, str]:
    """One content change of `text` and the text after it."""
    start = clean(text, draw(st.integers(0, len(text))))
    end = clean(text, draw(st.integers(start, min(len(text), start + 12))))
    new = draw(st.text(alphabet=ALPHABET, max_size=6))
    change = {"range": {"start": position_at(text, start), "end": position_at(text, end)}, "text": new}
    return change, text[:start] + new + text[end:]


texts = st.text(alphabet=ALPHABET, max_size=40)


# -- every place that numbers lines agrees with ast and LSP ------------------------------------------


@pytest.mark.parametrize("char", NOT_LSP_BREAKS)
def test_the_analyser_numbers_lines_as_ast_and_lsp_do(char):
    text = f"a = 1  # {char}\r\nb = '{char}'\rif a:  # {char}\n    c = 3\n# {char}\nd = 4\n\x0ce = 5\n"
    lines = text_lines(text)
    assert lines == convert.split_lines(text) == [line.rstrip("\r\n") for line in split_lines(text)] + [""]
    index = LineIndex(text)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            position = index.span(node).start
            assert lines[position.line][position.column:].startswith(node.id)
            assert index.line(position.line) == lines[position.line]


# -- the document store ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(texts, st.data())
def test_the_store_applies_incremental_edits_as_the_client_does(text, data):
    uri = "file:///tmp/store.py"
    workspace = LspWorkspace(None, types.TextDocumentSyncKind.Incremental, [], "utf-16")
    workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    for version in range(2, 2 + data.draw(st.integers(1, 10))):
        change, text = data.draw(edit(text))
        workspace.update_text_document(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(**change["range"]["start"]),
                                  end=types.Position(**change["range"]["end"])),
                text=change["text"]))
        assert workspace.get_text_document(uri).source == text
        assert "".join(workspace.get_text_document(uri).lines) == text
        assert len(workspace.get_text_document(uri).lines) == len(BREAK.findall(text)) + bool(
            text and not BREAK.match(text[-1]))


# -- through a real server -----------------------------------------------------------------------


@pytest.fixture
def in_process_server(tmp_path, monkeypatch):
    """The real server on a pair of pipes in this process, so its document store can be read."""
    monkeypatch.setenv("DJANGO_EXPERT_CACHE_DIR", str(tmp_path / "cache"))
    server = build_server()
    to_server, from_client = os.pipe()
    to_client, from_server = os.pipe()
    server_in, server_out = open(to_server, "rb", buffering=0), open(from_server, "wb", buffering=0)
    thread = threading.Thread(target=server.start_io, args=(server_in, server_out), daemon=True)
    thread.start()
    client = WireClient(open(to_client, "rb"), open(from_client, "wb", buffering=0))
    root = tmp_path / "project"
    root.mkdir()
    (root / "manage.py").write_text("")
    client.initialize(root, {"general": {"positionEncodings": ["utf-16"]}})
    yield server, client, root
    client.call("shutdown", None)
    client.notify("exit", None)
    client.writer.close()
    thread.join(timeout=5)
    server_out.close()  # the client's reader thread sees the end and lets go of its stream
    server_in.close()
    gc.unfreeze()  # the server froze what its index held, in this process


def test_the_server_text_equals_the_client_text_after_every_edit(in_process_server):
    server, client, root = in_process_server
    opened = iter(range(1_000_000))

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(texts, st.data())
    def edits_through_the_server(text, data):
        uri = (root / f"document_{next(opened)}.py").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        for version in range(2, 2 + data.draw(st.integers(1, 8))):
            changes = []
            for _ in range(data.draw(st.integers(1, 3))):  # one notification, changes in order
                change, text = data.draw(edit(text))
                changes.append(change)
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})
            # messages are handled in order: once this answers, the change has been applied
            client.call("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
            assert server.workspace.get_text_document(uri).source == text
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    edits_through_the_server()


# -- a quick fix never reverts the user's edit --------------------------------------------------------


RENAMED = (
    "from django.db import models\n"
    "\x0c\n"
    "\n"
    "class Alpha(models.Model):\n"
    "    price = models.CharField(max_length=10, null=True)\n"
    "\n"
    "    def __str__(self):\n"
    "        return self.price\n"
)


@pytest.mark.asyncio(loop_scope="function")
async def test_a_quick_fix_after_a_rename_keeps_the_new_name(session, shop):
    await session.start(shop)
    path = shop / "catalog" / "alpha.py"
    path.write_text(RENAMED)
    uri = session.open(path)
    (nullable,) = [d for d in await session.diagnostics(uri) if d.code == "DJE201"]
    assert "price" in nullable.message

    field = types.Range(start=types.Position(line=4, character=4), end=types.Position(line=4, character=9))
    usage = types.Range(start=types.Position(line=7, character=20), end=types.Position(line=7, character=25))
    version = session.edit(uri, [types.TextEdit(range=field, new_text="cost"),
                                 types.TextEdit(range=usage, new_text="cost")])
    assert "price" not in session.texts[uri]

    (nullable,) = [d for d in await session.diagnostics(uri, version) if d.code == "DJE201"]
    assert "cost" in nullable.message and "price" not in nullable.message
    actions = await session.code_actions(uri, nullable.range, [nullable])
    (fix,) = [a for a in actions if a.title.startswith("Remove null=True")]
    fixed = session.apply(uri, (await session.resolved(fix)).edit)
    assert "price" not in fixed
    assert "    cost = models.CharField(max_length=10)\n" in fixed
    assert fixed.startswith("from django.db import models\n\x0c\n")
