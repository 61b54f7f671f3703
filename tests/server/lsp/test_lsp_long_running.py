"""A long-running server keeps nothing per edit (issue 11, item 8): pygls filed a future for
every didOpen/didChange/didClose and never let it go (about 2 KB an edit). The figures for
thousands of edits come from tests/benchmarks/fuzz_lsp.py."""

from __future__ import annotations

import time

from tests.server.lsp.test_lsp_line_breaks import in_process_server  # noqa: F401 - a fixture


def test_edits_leave_no_handler_futures_behind(in_process_server):  # noqa: F811
    server, client, root = in_process_server
    uri = (root / "edited.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}})
    for version in range(2, 202):
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 5}},
             "text": str(version % 10)}]})
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    # messages are handled in order: once this answers, every notification has been handled
    assert "result" in client.call("textDocument/hover", {"textDocument": {"uri": uri},
                                                          "position": {"line": 0, "character": 0}})
    deadline = time.monotonic() + 10  # `initialized` (indexing) may still be running: it ends
    while server.protocol._request_futures and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not server.protocol._request_futures
