"""The server survives what editors and users throw at it, and keeps answering."""

from __future__ import annotations

import time

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_syntax_error_while_typing_is_a_parse_diagnostic(session, shop):
    await session.start(shop)
    path = shop / "catalog" / "views.py"
    uri = session.open(path)
    await session.diagnostics(uri)
    text = session.texts[uri]

    session.change(uri, text + "\ndef broken(:\n")
    diagnostics = await session.diagnostics(uri)

    (parse,) = [d for d in diagnostics if d.code == "DJE000"]
    assert parse.severity == types.DiagnosticSeverity.Error
    assert parse.message.startswith("syntax error")
    assert parse.range.start.line == len(text.splitlines()) + 1
    actions = await session.code_actions(uri, parse.range, [parse])
    assert actions == []  # still answering; nothing to fix in a parse error

    session.change(uri, text)
    assert not [d for d in await session.diagnostics(uri) if d.code == "DJE000"]


async def test_file_that_is_not_utf8_does_not_crash(session, shop):
    path = shop / "catalog" / "legacy.py"
    path.write_bytes('LABEL = "Ümlaut"\n'.encode("latin-1"))
    await session.start(shop)
    if not session.pulls:
        published = await session.diagnostics(path.as_uri(), version=None)
        assert next(d.message for d in published if d.code == "DJE000").startswith("cannot decode")

    uri = session.open(path, 'LABEL = "Ümlaut"\n')  # the editor decoded it its own way
    assert not [d for d in await session.diagnostics(uri) if d.code == "DJE000"]


async def test_huge_file_is_not_analysed_and_the_server_stays_fast(session, shop):
    await session.start(shop)
    text = "".join(f"value_{n} = {n}\n" for n in range(700_000))
    assert len(text) > 10_000_000
    uri = session.open(shop / "catalog" / "generated.py", text)

    (diagnostic,) = await session.diagnostics(uri)
    assert diagnostic.severity == types.DiagnosticSeverity.Information
    assert "not analysed" in diagnostic.message

    other = session.open(shop / "catalog" / "admin.py")
    started = time.monotonic()
    await session.code_actions(other, types.Range(start=types.Position(line=0, character=0),
                                                  end=types.Position(line=0, character=0)))
    assert time.monotonic() - started < 1.0


async def test_invalid_initialization_option_is_shown_and_defaults_are_used(session, shop):
    await session.start(shop, options={"no-such-key": 1})
    await session.wait(lambda: session.client.messages, "a message")
    (message,) = session.client.messages
    assert message.type == types.MessageType.Error
    assert "no-such-key" in message.message and "\n" not in message.message

    uri = session.open(shop / "catalog" / "models.py")
    assert "DJE201" in [d.code for d in await session.diagnostics(uri)]  # the default: every rule


async def test_tcp_transport(shop, tmp_path):
    """`--tcp HOST:PORT` serves the same protocol on a socket."""
    import asyncio
    import json
    import os
    import socket
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "django_expert.server.lsp", "--tcp", f"127.0.0.1:{port}",
        env={**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache")}, stderr=asyncio.subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"processId": None, "rootUri": shop.as_uri(), "capabilities": {}}}).encode()
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        headers = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        length = int(headers.split(b"Content-Length:")[1].split(b"\r\n")[0])
        response = json.loads(await reader.readexactly(length))
        assert response["result"]["serverInfo"]["name"] == "django-expert"
        assert response["result"]["capabilities"]["positionEncoding"] == "utf-16"
        writer.close()
    finally:
        server.kill()
        await server.wait()


async def test_an_analysis_error_is_logged_and_answered_with_the_default(caplog):
    from django_expert.server.lsp.server import DjangoExpertServer

    server = DjangoExpertServer()

    def explode():
        raise RuntimeError("rule exploded")

    assert await server.analyse(explode, default=[]) == []
    assert "rule exploded" in caplog.text
    assert await server.analyse(lambda: 42) == 42  # the analysis thread lives on
    server.stop_worker()


async def test_a_file_outside_every_folder_is_still_checked(session, tmp_path):
    await session.start()  # no rootUri, no workspace folders: single-file mode
    path = tmp_path / "scratch.py"
    path.write_text("x = 1\n")
    uri = session.open(path)
    assert await session.diagnostics(uri) == []

    version = session.change(uri, "def broken(:\n")
    assert [d.code for d in await session.diagnostics(uri, version)] == ["DJE000"]
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await session.wait(lambda: not session.client.published[uri][-1].diagnostics, "the diagnostics to clear")
