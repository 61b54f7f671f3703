"""The django-expert language server (pygls). `serve()` runs it on stdio, or on TCP.

Importing this package is cheap: pygls and the analysers load when `serve()` runs.
"""

from __future__ import annotations

import logging
import sys

from django_expert.server.collector import tune_for_server


def serve(tcp: str | None = None) -> None:
    """Run the server until the client says exit: on stdio, or listening on `HOST:PORT`."""
    address = None
    if tcp is not None:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            raise ValueError(f"--tcp expects HOST:PORT, got {tcp!r}")
        address = (host or "127.0.0.1", int(port))
    configure_logging()
    tune_for_server()  # and the analysis schedule while indexing (lifecycle.index)
    from django_expert.server.lsp.server import build_server

    server = build_server()
    if address is None:
        server.start_io()
    else:
        server.start_tcp(*address)


def configure_logging() -> None:
    """Warnings from everyone, our own information too; all on stderr (stdout is the protocol)."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("django_expert").setLevel(logging.INFO)


__all__ = ["serve"]
