"""Warm latency of `django-expert mcp` through the MCP SDK's own client over stdio, on a large
real project (the largest cached benchmark corpus by default: baserow's backend).

The corpus is copied to a scratch folder first (the engagement writes its state and memory
in the workspace; the cached corpus is never written). The first `analyze` indexes the
project and runs steps 1-4 (cold, reported once); then, warm, one request at a time:

- `analyze` for one file (`path=`), over the project's files with findings, round robin;
- `model_info` over the project's models; `endpoints` (first page).

Budgets (issue 18, a benchmark, not a timed test): analyze one file p50 <= 100 ms,
model_info / endpoints p50 <= 50 ms. Usage:

    python tests/benchmarks/bench_mcp.py [CORPUS] [REQUESTS]
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters

BENCH = Path.home() / ".cache" / "django-expert-bench"
DEFAULT_CORPUS = BENCH / "github" / "baserow" / "backend"
SCRIPT = Path(sys.executable).with_name("django-expert")
BUDGETS = {"analyze one file": 0.100, "model_info": 0.050, "endpoints": 0.050}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _timed(client: Client, name: str, arguments: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    result = await client.call_tool(name, arguments)
    seconds = time.perf_counter() - started
    text = "".join(getattr(block, "text", "") for block in result.content)
    if result.is_error:
        raise RuntimeError(f"{name}({arguments}): {text}")
    return seconds, json.loads(text)


async def run(workspace: Path, requests: int, cache: Path) -> dict[str, list[float]]:
    params = StdioServerParameters(command=str(SCRIPT), args=["mcp", "--root", str(workspace)],
                                   env={**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache)})
    timings: dict[str, list[float]] = {name: [] for name in BUDGETS}
    async with Client(params, read_timeout_seconds=1800) as client:
        seconds, first = await _timed(client, "analyze", {"limit": 200})
        print(f"cold: index + steps 1-4 on {workspace.name}: {seconds:.1f} s, {first['total']} findings")
        files = list(dict.fromkeys(f["filename"] for f in first["findings"]))[:40]
        models = []
        for row in (await _timed(client, "endpoints", {"limit": 200}))[1]["endpoints"]:
            if row["model"] and row["model"] not in models:
                models.append(row["model"])
        models = models[:40] or ["auth.User"]
        for name, arguments in (("analyze one file", {"path": files[0]}), ("model_info", {"name": models[0]}),
                                ("endpoints", {})):  # warm-up: lazy parts of the model
            await _timed(client, name.split()[0], arguments)
        for index in range(requests):
            timings["analyze one file"].append((await _timed(client, "analyze", {"path": files[index % len(files)]}))[0])
            timings["model_info"].append((await _timed(client, "model_info", {"name": models[index % len(models)]}))[0])
            timings["endpoints"].append((await _timed(client, "endpoints", {}))[0])
    return timings


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    with tempfile.TemporaryDirectory(prefix="bench-mcp-") as scratch:
        workspace = Path(shutil.copytree(corpus, Path(scratch) / corpus.name, symlinks=True,
                                         ignore=shutil.ignore_patterns(".git", "node_modules", "__pycache__")))
        timings = asyncio.run(run(workspace, requests, Path(scratch) / "cache"))
    failed = False
    print(f"{'request':<20}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'budget':>9}")
    for name, values in timings.items():
        p50 = statistics.median(values)
        failed |= p50 > BUDGETS[name]
        print(f"{name:<20}{p50 * 1000:>9.1f}{_percentile(values, 0.95) * 1000:>9.1f}"
              f"{statistics.fmean(values) * 1000:>9.1f}{BUDGETS[name] * 1000:>9.0f}{'' if p50 <= BUDGETS[name] else '  OVER'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
