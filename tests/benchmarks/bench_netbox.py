"""The language server on a real project (netbox, 1,2xx files): the figures of issue 15.

    python tests/benchmarks/bench_netbox.py [--edits 30] [--rss-edits 300] [--checkout PATH]

Measured with `bench_lsp`'s client over stdio, an empty facts cache (a first start), one
request or edit at a time:

- `initialized` -> the first diagnostics of a file opened at once (`circuits/views.py`);
- a body edit of that file (a line inserted in a method, then removed) -> its diagnostics;
- a model field renamed back and forth (`Circuit.commit_rate` in `circuits/models/circuits.py`,
  read by filtersets, forms, serializers and tables) -> the edited file's diagnostics, and
  the last diagnostics of another file published before the server falls quiet (the
  dependants re-checked);
- hover on a model name in the open file;
- RSS (VmRSS) once indexing is over, and again after `--rss-edits` field renames.

Beside each wall time, the server process's CPU time over the same span (user + system, all
its threads, read from /proc when the client got the diagnostics): on a machine shared with
other work, wall time says how long the user waited and CPU time what the server spent.

The checkout is cloned once into $BENCH_CACHE/github/netbox (a shallow clone; pinned by
`NETBOX_REF`). Not part of the test suite.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpora  # noqa: E402
from bench_lsp import Client, _percentile, _uri, shut_down, stopped  # noqa: E402

NETBOX_URL = "https://github.com/netbox-community/netbox.git"
NETBOX_REF = "main"
VIEWS = "netbox/circuits/views.py"
MODELS = "netbox/circuits/models/circuits.py"
BODY_ANCHOR = "        return {\n            'related_models': self.get_related_models("  # ProviderView.get_extra_context
FIELD = ("commit_rate", "commit_ratx")
HOVER_WORD = "VirtualCircuit.objects"
IDLE_WAIT, IDLE_CPU = 0.5, 0.05  # the server is idle: this little CPU over that many seconds


def checkout() -> Path:
    folder = bench_corpora.cache_root() / "github" / "netbox"
    if not (folder / "netbox" / "manage.py").exists():
        bench_corpora.log(f"cloning netbox into {folder} ...")
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", NETBOX_REF, NETBOX_URL, str(folder)],
                       check=True)
    return folder


@dataclass
class NetboxResult:
    files: int = 0
    first_diagnostics_s: float | None = None  # after `initialized`
    first_cpu_s: float | None = None  # the server's CPU time over the same span
    indexed_s: float | None = None  # after `initialized`: the index's publications over
    indexed_cpu_s: float | None = None
    body_ms: list[float] = field(default_factory=list)
    body_cpu_ms: list[float] = field(default_factory=list)
    field_ms: list[float] = field(default_factory=list)  # the edited model file's diagnostics
    field_cpu_ms: list[float] = field(default_factory=list)
    dependants_ms: list[float] = field(default_factory=list)  # the last other file's diagnostics
    dependants: list[int] = field(default_factory=list)  # how many other files each rename re-published
    hover_ms: list[float] = field(default_factory=list)
    rss_indexed_mb: float | None = None
    rss_after_mb: float | None = None
    rss_edits: int = 0
    missed: int = 0
    load: list[str] = field(default_factory=list)  # the load average at the start and at the end
    notes: list[str] = field(default_factory=list)

    def p(self, values: list[float], q: float) -> float | None:
        return _percentile(values, q)


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_s(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n")
    return line, len(before) - (before.rfind("\n") + 1)


async def _quiet_after(client: Client, pid: int, mark: int, exclude: str, limit: float) -> tuple[float | None, int]:
    """The arrival of the last publication of another file than `exclude` after `mark`, once
    the server is idle (nothing published and under IDLE_CPU seconds of CPU for IDLE_WAIT
    seconds: a long re-check publishes nothing while it runs); and how many other files were
    published."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        count, cpu = len(client.published), _cpu_s(pid)
        await asyncio.sleep(IDLE_WAIT)
        if len(client.published) == count and _cpu_s(pid) - cpu < IDLE_CPU:
            break
    others = [item for item in client.published[mark:] if item.uri != exclude]
    return (max(item.at for item in others) if others else None), len({item.uri for item in others})


async def _run(command: list[str], root: Path, edits: int, rss_edits: int, env: dict, stderr) -> NetboxResult:
    result = NetboxResult(files=len(bench_corpora.python_files(root)), load=[_load()])
    views, models = root / VIEWS, root / MODELS
    views_text, models_text = views.read_text(), models.read_text()
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env,
                                                   limit=2**24)
    client = Client(process)
    reader = asyncio.create_task(client.read_loop())
    try:
        await client.request("initialize", {
            "processId": os.getpid(), "rootUri": _uri(root),
            "workspaceFolders": [{"uri": _uri(root), "name": root.name}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": True},
                "textDocument": {"synchronization": {"didSave": True},
                                 "publishDiagnostics": {"versionSupport": True},
                                 "hover": {"contentFormat": ["markdown", "plaintext"]}},
                "workspace": {"workspaceFolders": True, "configuration": True},
            },
        }, timeout=120)
        await client.notify("initialized", {})
        started, started_cpu = time.perf_counter(), _cpu_s(process.pid)
        views_uri, models_uri = _uri(views), _uri(models)
        for path, text in ((views, views_text), (models, models_text)):
            await client.notify("textDocument/didOpen", {"textDocument": {
                "uri": _uri(path), "languageId": "python", "version": 1, "text": text}})
        arrived = await client.wait_published({views_uri}, 0, timeout=300)
        if arrived is None:
            result.notes.append("no diagnostics for the opened file within 300 s")
            return result
        result.first_diagnostics_s = arrived - started
        result.first_cpu_s = _cpu_s(process.pid) - started_cpu
        try:
            await asyncio.wait_for(client.progress_done.wait(), 600)
        except TimeoutError:
            result.notes.append("indexing did not end within 600 s")
        await client.quiet(2.0, limit=600)
        result.indexed_s = time.perf_counter() - started
        result.indexed_cpu_s = _cpu_s(process.pid) - started_cpu
        await asyncio.sleep(3)  # the cache written after indexing, jedi warmed up
        result.rss_indexed_mb = _rss_mb(process.pid)

        # 1. Body edits: a line inserted in ProviderView.get_extra_context, then removed.
        anchor = views_text.index(BODY_ANCHOR)
        line, _ = _position(views_text, anchor)
        version = 1
        for i in range(edits):
            version += 1
            if i % 2 == 0:
                change = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                          "text": "        _bench = 1\n"}
            else:
                change = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
                          "text": ""}
            mark = len(client.published)
            cpu = _cpu_s(process.pid)
            await client.notify("textDocument/didChange", {"textDocument": {"uri": views_uri, "version": version},
                                                           "contentChanges": [change]})
            sent = time.perf_counter()
            arrived = await client.wait_published({views_uri}, mark, min_version=version, timeout=10)
            if arrived is None:
                result.missed += 1
            else:
                result.body_ms.append((arrived - sent) * 1000)
                result.body_cpu_ms.append((_cpu_s(process.pid) - cpu) * 1000)
        await client.quiet(0.5)

        # 2. A model field renamed back and forth: the edited file, then its dependants.
        offset = models_text.index(f"    {FIELD[0]} = ") + 4
        field_line, column = _position(models_text, offset)
        mversion = 1

        async def rename(i: int, wait_dependants: bool) -> None:
            nonlocal mversion
            mversion += 1
            old, new = (FIELD[0], FIELD[1]) if i % 2 == 0 else (FIELD[1], FIELD[0])
            mark = len(client.published)
            cpu = _cpu_s(process.pid)
            await client.notify("textDocument/didChange", {
                "textDocument": {"uri": models_uri, "version": mversion},
                "contentChanges": [{"range": {"start": {"line": field_line, "character": column},
                                              "end": {"line": field_line, "character": column + len(old)}},
                                    "text": new}]})
            sent = time.perf_counter()
            arrived = await client.wait_published({models_uri}, mark, min_version=mversion, timeout=30)
            if arrived is None:
                result.missed += 1
                return
            if not wait_dependants:
                return
            result.field_ms.append((arrived - sent) * 1000)
            result.field_cpu_ms.append((_cpu_s(process.pid) - cpu) * 1000)
            last, count = await _quiet_after(client, process.pid, mark, models_uri, limit=60)
            result.dependants.append(count)
            if last is not None:
                result.dependants_ms.append((last - sent) * 1000)

        for i in range(edits):
            await rename(i, wait_dependants=True)

        # 3. Hover on a model name in the open file (the view file is back at version 1's text).
        hover_offset = views_text.index(HOVER_WORD) + 3
        hline, hcolumn = _position(views_text, hover_offset)
        for _ in range(50):
            sent = time.perf_counter()
            try:
                await client.request("textDocument/hover", {"textDocument": {"uri": views_uri},
                                                            "position": {"line": hline, "character": hcolumn}},
                                     timeout=10)
            except (RuntimeError, TimeoutError) as error:
                result.notes.append(f"hover: {error or type(error).__name__}")
                break
            result.hover_ms.append((time.perf_counter() - sent) * 1000)

        # 4. RSS after many renames (each waits for the edited file's diagnostics only).
        done = mversion - 1
        for i in range(max(0, rss_edits - done)):
            await rename(done + i, wait_dependants=False)
        result.rss_edits = mversion - 1
        await client.quiet(2.0, limit=120)
        await asyncio.sleep(3)
        result.rss_after_mb = _rss_mb(process.pid)
        await shut_down(client, process, 30)
        result.load.append(_load())
    finally:
        await stopped(process, reader)
    return result


def measure(command: list[str], workdir: Path, edits: int = 30, rss_edits: int = 300,
            root: Path | None = None) -> NetboxResult:
    """Run the server on netbox with an empty cache under `workdir`; the checkout is not written."""
    root = root or checkout()
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(workdir / "cache")}
    with open(workdir / "server.log", "wb") as stderr:
        result = asyncio.run(_run(command, root, edits, rss_edits, env, stderr))
    if result.notes:
        log = (workdir / "server.log").read_text(errors="replace").strip().splitlines()
        result.notes += [f"server stderr: {line}" for line in log[-5:]]
    return result


BUDGET_FIRST_S = 3.0
BUDGET_FIELD_P50, BUDGET_DEPENDANTS_P50 = 150, 1000
BUDGET_BODY_P50, BUDGET_BODY_P95 = 30, 80
BUDGET_HOVER_P50 = 20
BUDGET_RSS_GROWTH = 0.10


def table(result: NetboxResult) -> list[str]:
    def ms(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0f}"

    def verdict(ok: bool | None) -> str:
        return "" if ok is None else ("ok" if ok else "OVER")

    def row(label: str, p50: str, p95: str, cpu: str, budget: str, ok: bool | None = None) -> str:
        return f"{label:<64}{p50:>10}{p95:>10}{cpu:>10}  {budget:<30}{verdict(ok)}".rstrip()

    def seconds(value: float | None) -> str:
        return ms(value * 1000 if value is not None else None)

    p = result.p
    first = result.first_diagnostics_s
    growth = (result.rss_after_mb / result.rss_indexed_mb - 1) if result.rss_after_mb and result.rss_indexed_mb \
        else None
    dependants = f"{min(result.dependants)}-{max(result.dependants)}" if result.dependants else "0"
    lines = [f"Language server on netbox ({result.files:,} Python files), empty facts cache, one edit or request "
             f"at a time; load average {' -> '.join(result.load)}", "",
             row("", "p50 ms", "p95 ms", "cpu p50", "budget"), "-" * 130,
             row("initialized -> first diagnostics of an open file", seconds(first), "", seconds(result.first_cpu_s),
                 f"<= {BUDGET_FIRST_S * 1000:.0f}", None if first is None else first <= BUDGET_FIRST_S),
             row("initialized -> indexing over (every file published)", seconds(result.indexed_s), "",
                 seconds(result.indexed_cpu_s), "")]

    def series(label: str, values: list[float], budget50: float, budget95: float | None = None,
               cpu: list[float] | None = None) -> str:
        p50, p95 = p(values, 0.5), p(values, 0.95)
        ok = None if p50 is None else p50 <= budget50 and (budget95 is None or (p95 or 0) <= budget95)
        budget = f"p50 <= {budget50:.0f}" + (f", p95 <= {budget95:.0f}" if budget95 else "")
        return row(f"{label} ({len(values)})", ms(p50), ms(p95), ms(p(cpu, 0.5)) if cpu else "", budget, ok)

    lines.append(series("body edit in circuits/views.py -> its diagnostics", result.body_ms, BUDGET_BODY_P50,
                        BUDGET_BODY_P95, result.body_cpu_ms))
    lines.append(series("Circuit field renamed -> circuits.py's diagnostics", result.field_ms, BUDGET_FIELD_P50,
                        cpu=result.field_cpu_ms))
    lines.append(series(f"  ... -> the last dependant's ({dependants} files)", result.dependants_ms,
                        BUDGET_DEPENDANTS_P50))
    lines.append(series("hover on VirtualCircuit", result.hover_ms, BUDGET_HOVER_P50))
    rss = (f"{result.rss_indexed_mb:.0f} -> {result.rss_after_mb:.0f} MB ({growth:+.1%})" if growth is not None
           else "n/a")
    lines.append(row(f"RSS after indexing -> after {result.rss_edits} field renames", rss, "", "",
                     f"growth <= {BUDGET_RSS_GROWTH:.0%}", None if growth is None else growth <= BUDGET_RSS_GROWTH))
    lines.append("(cpu: the server's CPU time over the same span, read when the client got the diagnostics)")
    if result.missed:
        lines.append(f"note: {result.missed} edits got no diagnostics in time")
    lines += [f"note: {note}" for note in dict.fromkeys(result.notes)]
    return lines


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30, help="body edits and field renames timed")
    parser.add_argument("--rss-edits", type=int, default=300, help="field renames before the second RSS reading")
    parser.add_argument("--checkout", type=Path, default=None, help="a netbox checkout (default: the bench cache)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dje-bench-netbox-") as scratch:
        outcome = measure([*bench_corpora.django_expert_command(), "lsp"], Path(scratch), args.edits,
                          args.rss_edits, args.checkout)
    print("\n".join(table(outcome)))
