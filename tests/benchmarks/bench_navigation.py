"""Navigation latency through a real LSP client: completion and hover on a large real
project (netbox, /work/corpora/netbox by default), measured one request at a time.

Spots, all in netbox's largest module (`dcim/views.py`, ~5,000 lines):

- completion of a lookup keyword at the end of an unfinished line appended to the file
  (`Device.objects.filter(site__` with no closing parenthesis: the file does not parse);
- completion inside a string (`order_by('vc_position')`);
- hover on a lookup segment (`select_related('installed_module__module_type')`) and on a
  keyword name (`filter(virtual_chassis=instance)`);
- go-to-definition on a lookup segment.

Nothing is written to the corpus: the edit exists only in the client. Measured once the
index and the first diagnostics are done, after a few warm-up requests per spot (the first
answers build lazy parts of the model). Prints p50/p95 per spot. Usage: python tests/benchmarks/bench_navigation.py [CORPUS] [REQUESTS]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lsp import Client, _percentile, _uri, shut_down, stopped

DEFAULT_CORPUS = Path("/work/corpora/netbox")
TARGET = "netbox/dcim/views.py"
WARM_UP = 3
UNFINISHED = "\n\ndef bench_view(request):\n    return Device.objects.filter(site__"


def _position(text: str, needle: str, shift: int) -> dict:
    offset = text.index(needle) + shift
    line = text.count("\n", 0, offset)
    return {"line": line, "character": offset - (text.rfind("\n", 0, offset) + 1)}  # ASCII: utf-16 == code points


def spots(text: str) -> dict[str, tuple[str, dict]]:
    edited = text + UNFINISHED
    end = edited.count("\n")
    return {
        "completion: unfinished keyword": ("textDocument/completion",
                                           {"line": end, "character": len(edited.rpartition("\n")[2])}),
        "completion: order_by string": ("textDocument/completion",
                                        _position(edited, "order_by('vc_position')", len("order_by('vc_"))),
        "hover: select_related segment": ("textDocument/hover",
                                          _position(edited, "'installed_module__module_type'", 22)),
        "hover: filter keyword": ("textDocument/hover", _position(edited, "filter(virtual_chassis=instance)", 10)),
        "definition: lookup segment": ("textDocument/definition",
                                       _position(edited, "'installed_module__module_type'", 22)),
    }


async def run(corpus: Path, requests: int, workdir: Path) -> dict[str, list[float]]:
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(workdir / "cache")}
    command = [sys.executable, "-m", "django_expert.server.lsp"]
    log = (workdir / "server.log").open("wb")  # held for the server's whole life
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=log, env=env, limit=2**24)
    client = Client(process)
    reader = asyncio.create_task(client.read_loop())
    timings: dict[str, list[float]] = {}
    try:
        await client.request("initialize", {
            "processId": os.getpid(), "rootUri": _uri(corpus),
            "workspaceFolders": [{"uri": _uri(corpus), "name": corpus.name}],
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}, "window": {"workDoneProgress": True},
                             "textDocument": {"hover": {"contentFormat": ["markdown"]},
                                              "publishDiagnostics": {"versionSupport": True}}},
        }, timeout=120)
        await client.notify("initialized", {})
        started = time.perf_counter()
        await asyncio.wait_for(client.progress_done.wait(), 600)
        print(f"indexed {corpus.name} in {time.perf_counter() - started:.1f} s")
        path = corpus / TARGET
        text = path.read_text()
        uri = _uri(path)
        mark = len(client.published)
        await client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                                      "version": 1, "text": text}})
        await client.wait_published({uri}, mark, timeout=120)
        mark = len(client.published)
        await client.notify("textDocument/didChange", {  # the unfinished line: the file no longer parses
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": text + UNFINISHED}]})
        await client.wait_published({uri}, mark, min_version=2, timeout=60)
        await client.quiet(2.0, limit=300)  # the whole workspace's first diagnostics are out
        for name, (method, position) in spots(text).items():
            bucket = timings[name] = []
            for _ in range(WARM_UP):  # first answers build the lazy model parts (reverse relations, ...)
                await client.request(method, {"textDocument": {"uri": uri}, "position": position}, 60)
            for _ in range(requests):
                sent = time.perf_counter()
                answer = await client.request(method, {"textDocument": {"uri": uri}, "position": position}, 30)
                bucket.append((time.perf_counter() - sent) * 1000)
                if not answer:
                    print(f"  {name}: empty answer")
                    break
        await shut_down(client, process, 30)
    finally:
        await stopped(process, reader)
        log.close()
    return timings


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as scratch:
        timings = asyncio.run(run(corpus, requests, Path(scratch)))
    print(f"{'spot':34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in timings.items():
        p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
        print(f"{name:34} {len(values):>4} {p50 or 0:>8.1f} {p95 or 0:>8.1f}")
    everything = [v for name, values in timings.items() if not name.startswith("definition") for v in values]
    print(f"{'completion + hover, all spots':34} {len(everything):>4} {_percentile(everything, 0.5):>8.1f} "
          f"{_percentile(everything, 0.95):>8.1f}")


if __name__ == "__main__":
    main()
