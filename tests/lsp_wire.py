"""Just enough of an LSP client over two byte streams, synchronous, for tests that need the
server as a subprocess started their own way (tests/server/test_isolated_start.py) or
in-process, where the test can read the server's own state (test_lsp_line_breaks.py)."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from typing import BinaryIO


class WireClient:
    """Sends requests and notifications; answers the server's requests (null, or one null
    per item for workspace/configuration) while waiting for a message."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO, describe_end: Callable[[], str] = lambda: "") -> None:
        self.reader, self.writer = reader, writer
        self.describe_end = describe_end
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                length = None
                while (line := self.reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if line == b"" or length is None:
                    break
                self.messages.put(json.loads(self.reader.read(length)))
        except (OSError, ValueError):
            pass
        self.messages.put(None)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.writer.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait_for(self, wanted: Callable[[dict], bool], timeout: float = 60.0) -> dict:
        """The first message `wanted` accepts, answering the server's requests meanwhile."""
        while True:
            message = self.messages.get(timeout=timeout)
            if message is None:
                raise AssertionError(f"the server ended: {self.describe_end()}")
            if "method" in message and "id" in message:
                items = (message.get("params") or {}).get("items")
                self.send({"id": message["id"], "result": [None] * len(items) if items is not None else None})
            if wanted(message):
                return message

    def call(self, method: str, params, timeout: float = 60.0) -> dict:
        """A request and its response (the whole message: `result` or `error`)."""
        number = self.request(method, params)
        return self.wait_for(lambda message: message.get("id") == number and "method" not in message, timeout)

    def initialize(self, root, capabilities: dict | None = None) -> dict:
        answer = self.call("initialize", {"processId": None, "rootUri": root.as_uri(),
                                          "capabilities": capabilities or {},
                                          "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]})
        self.notify("initialized", {})
        return answer["result"]
