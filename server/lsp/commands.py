"""The `django-expert.*` commands (the engagement workflow, DESIGN.md section 6).

Every name is registered with the client now; what each does is plugged in later with
`provide(server, name, handler)`. Until then a command answers with a clear
"not implemented yet" error. A handler receives the server and the command's arguments and
may be a coroutine function; it runs on the event loop, so slow work belongs in
`server.analyse(...)`.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from pygls.exceptions import JsonRpcException

from django_expert.server.lsp.server import DjangoExpertServer

log = logging.getLogger(__name__)

COMMANDS = (
    "django-expert.scopeEngagement",
    "django-expert.loadMemory",
    "django-expert.loadContext",
    "django-expert.analyzeProject",
    "django-expert.provideGuidance",
    "django-expert.completeEngagement",
    "django-expert.recordDecision",
)
REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed

Handler = Callable[..., Any]


def setup(server: DjangoExpertServer) -> None:
    for name in COMMANDS:
        server.command(name)(_dispatcher(name))


def provide(server: DjangoExpertServer, name: str, handler: Handler) -> None:
    """Make command `name` run `handler(server, *arguments)`."""
    if name not in COMMANDS:
        raise ValueError(f"unknown command {name!r}; add it to COMMANDS")
    server.command_handlers[name] = handler


def _dispatcher(name: str):
    async def run(ls: DjangoExpertServer, *arguments: Any) -> Any:
        handler = ls.command_handlers.get(name)
        if handler is None:
            raise JsonRpcException(f"{name} is not implemented yet", code=REQUEST_FAILED)
        result = handler(ls, *arguments)
        return await result if inspect.isawaitable(result) else result

    run.__name__ = name.rpartition(".")[2]
    return run
