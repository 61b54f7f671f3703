"""`django-expert mcp`: the Model Context Protocol front end, for coding agents.

A third thin front end beside the CLI and the language server, over the same core: the
six-step engagement (`server/engagement/`), the engine's findings with recorded decisions
applied, fixes as diffs, and the project model's answers (models, the API map, settings,
query plans). `app.py` wires the SDK's `MCPServer`; `tools.py` answers each tool;
`answers.py` renders the project model; `resources.py` and `prompts.py` serve memory,
reports, the context library and the review prompt; `workspace.py` holds the roots, the
engines and the worker thread; `paging.py` cuts large answers.
"""

from __future__ import annotations


def serve(roots) -> None:
    from django_expert.server.mcp.app import serve as run

    run(list(roots))
