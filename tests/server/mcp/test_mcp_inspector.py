"""The MCP Inspector (the protocol's reference client, from npm) in its CLI mode lists the
server's tools and calls `analyze`. `setup.sh` installs the pinned Inspector (tests/run.sh
runs it; it is idempotent, so the test runs it too); without npm the test is skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server.mcp.conftest import TOOLS, copy_workspace, environment, server_command

SETUP = Path(__file__).with_name("setup.sh")
STATE = Path(os.environ.get("DJANGO_EXPERT_MCP_DIR", "/tmp/django-expert-mcp"))
INSPECTOR = STATE / "node_modules" / ".bin" / "mcp-inspector"


@pytest.fixture(scope="module")
def inspector() -> Path:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm (and node) not found: the MCP Inspector comes from npm")
    subprocess.run(["bash", str(SETUP)], check=True, timeout=600, env={**os.environ, "DJANGO_EXPERT_MCP_DIR": str(STATE)})
    assert INSPECTOR.exists(), f"{SETUP} did not install the Inspector"
    return INSPECTOR


def _inspect(inspector: Path, root: Path, cache: Path, *method: str) -> dict:
    result = subprocess.run([str(inspector), "--cli", *server_command("--root", str(root)), *method],
                            capture_output=True, text=True, timeout=300, env=environment(cache), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_the_inspector_lists_the_tools_and_calls_analyze(inspector, tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    listed = _inspect(inspector, shop, tmp_path / "cache", "--method", "tools/list")
    assert sorted(tool["name"] for tool in listed["tools"]) == sorted(TOOLS)
    analyze = next(tool for tool in listed["tools"] if tool["name"] == "analyze")
    assert {"area", "rule", "path", "severity", "cursor", "limit"} <= set(analyze["inputSchema"]["properties"])
    called = _inspect(inspector, shop, tmp_path / "cache", "--method", "tools/call", "--tool-name", "analyze",
                      "--tool-arg", "rule=DJE205", "--tool-arg", "limit=5")
    assert called["isError"] is False
    answer = json.loads(called["content"][0]["text"])
    assert answer["project"] == "shop" and answer["total"] == 1
    assert answer["findings"][0]["filename"] == "orders/models/order.py" and answer["findings"][0]["symbol"] == "Order.total"
