"""The real `django-expert mcp` in a subprocess, driven over stdio by the MCP SDK's own client.

Workspaces are copied to tmp_path first (the repository's copies are never written), and
every server gets a private facts cache.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"
SCRIPT = Path(sys.executable).with_name("django-expert")
TOOLS = ("scope", "load_memory", "load_context", "analyze", "guidance", "complete_engagement", "explain_rule", "fix",
         "record_decision", "model_info", "endpoints", "settings_value", "query_plan")


def copy_workspace(name: str, target: Path) -> Path:
    return Path(shutil.copytree(WORKSPACES / name, target, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3")))


def server_command(*args: str) -> list[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    return [*command, "mcp", *args]


def environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}


@asynccontextmanager
async def serve(*roots: Path, cache: Path, cwd: Path | None = None, **client_options):
    """A connected client of a server started with `--root` for each of `roots`."""
    command = server_command(*(a for root in roots for a in ("--root", str(root))))
    params = StdioServerParameters(command=command[0], args=command[1:], env=environment(cache),
                                   cwd=str(cwd) if cwd else None)
    async with Client(params, read_timeout_seconds=300, **client_options) as client:
        yield client


def text_of(result) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def call(client, name: str, arguments: dict | None = None, **options) -> dict:
    """The tool's JSON answer; fails the test on a tool error."""
    result = await client.call_tool(name, arguments or {}, **options)
    assert not result.is_error, f"{name}({arguments}): {text_of(result)}"
    return json.loads(text_of(result))


async def error_of(client, name: str, arguments: dict) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error, f"{name}({arguments}) answered: {text_of(result)[:300]}"
    return text_of(result)


async def read(client, uri: str) -> str:
    result = await client.read_resource(uri)
    return "\n".join(getattr(item, "text", "") for item in result.contents)
