"""Fuzz the language server: thousands of random incremental edits, with requests between them.

Not a unit test (it takes minutes). It starts the real server over stdio, opens a project's
Python files, and applies `--edits` random incremental changes with a fixed seed: chunks of
code, half-typed statements (syntax errors), every character `str.splitlines` breaks on but
LSP does not (\\x0b \\x0c \\x1c \\x85 U+2028 ...), LSP's own \\r \\n \\r\\n, and deletions.
Between edits it asks hover, completion, definition and code actions at random positions,
and every `--check-every` edits it compares the server's copy of each document with its own.
It reports crashes (the server exited), error responses, requests over 2 s, tracebacks and
errors in the server's stderr, and the server's RSS after the first 500 edits and at the end.

    python tests/benchmarks/fuzz_lsp.py                       # tests/workspaces/shop, copied
    python tests/benchmarks/fuzz_lsp.py --project ~/.cache/django-expert-bench/github/netbox

The server is `python -I fuzz_lsp.py --serve`: the real server (`build_server()`) with one
more request, `django-expert-fuzz/text`, answering the server's text of a document, which a
client cannot otherwise see (test_lsp_line_breaks.py reads it in-process instead). With
`--trace` the server also runs tracemalloc and the report lists what grew between the two
RSS readings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TEXT_METHOD = "django-expert-fuzz/text"
MEMORY_METHOD = "django-expert-fuzz/memory"
SLOW = 2.0  # seconds: a request slower than this is reported
HANG = 60.0  # seconds: no answer is a hang
SHOP = Path(__file__).resolve().parents[1] / "workspaces" / "shop"
WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9.]*")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox"}

LINE_BREAKS = ["\n", "\r", "\r\n", "\x0c", "\x0b", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e"]
CHUNKS = [
    "x", "objects", ".", "(", ")", ":", "    ", "\t", "#", '"', "'", '"""', "é", "😀", " = ",
    "def f(", "class Alpha(models.Model):\n    ", "price = models.CharField(max_length=10, null=True)",
    "Product.objects.filter(category__name__", "Product.objects.select_related(\"", "reverse(\"",
    "render(request, \"catalog/", "from django.db import models\n", "import os\n", "settings.",
    "if True:\n    pass\n", "return self.", "lambda: ", "f\"{x", "@property\n", "async def g():\n    await ",
    "os.environ[\"SECRET", "]", "}", "{", "\\", "  # noqa", "print(", "for row in qs:\n        row.",
]


# -- the server side ---------------------------------------------------------------------------


def serve() -> None:
    """The real server, plus the requests only this benchmark sends."""
    from django_expert.server.collector import tune_for_server
    from django_expert.server.lsp import configure_logging
    from django_expert.server.lsp.server import build_server

    configure_logging()
    tune_for_server()  # the collector's schedule of `django-expert lsp` (server/lsp/__init__.py)
    tracing = bool(os.environ.get("DJANGO_EXPERT_FUZZ_TRACE"))
    if tracing:
        import tracemalloc

        tracemalloc.start(12)
    server = build_server()
    marks: dict[str, object] = {}

    @server.feature(TEXT_METHOD)
    def text(ls, params):
        document = ls.workspace.text_documents.get(params.uri)
        return None if document is None else document.source

    @server.feature(MEMORY_METHOD)
    def memory(ls, params):
        """What the server holds now: pending futures, parso's cached modules (in the server
        process; jedi's own are in its child, whose RSS is reported), and with
        tracing a snapshot named `params.mark` and the top growth since `params.since`."""
        import sys as system

        parso_cache = system.modules.get("parso.cache")
        cached = [item for by_path in parso_cache.parser_cache.values() for item in by_path.values()] \
            if parso_cache else []
        held = {"futures": len(ls.protocol._request_futures), "parso_modules": len(cached),
                "fact_keys": sum(len(folder.engine._dependents_index()) for folder in ls.all_folders()),
                "parso_lines": sum(len(item.lines or ()) for item in cached), "growth": [],
                "rss": rss_mb(os.getpid()), "rss_trimmed": None, "threads": rss_mb(os.getpid(), "Threads"),
                "anon": rss_mb(os.getpid(), "RssAnon"), "file": rss_mb(os.getpid(), "RssFile")}
        jedi = getattr(system.modules.get("django_expert.analyzers.navigation.jedi_fallback"), "_INSTANCE", None)
        if getattr(jedi, "pid", None):  # jedi's child process (analyzers/navigation/jedi_fallback.py)
            held["jedi_rss"], held["jedi_starts"] = rss_mb(jedi.pid), jedi.starts
        if getattr(params, "trim", False):  # what a full collection and glibc would give back
            import ctypes
            import gc

            held["collected"] = gc.collect()
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            held["rss_trimmed"] = rss_mb(os.getpid())
        if not tracing:
            return held
        import gc
        import tracemalloc

        gc.collect()
        snapshot = marks[params.mark] = tracemalloc.take_snapshot()
        since = marks.get(getattr(params, "since", None) or "")
        held["traced_mb"] = tracemalloc.get_traced_memory()[0] / 2**20
        if since is not None:
            held["growth"] = ["\n".join([str(stat), *stat.traceback.format()[-8:]])
                              for stat in snapshot.compare_to(since, "traceback")[:8]]
        return held

    server.start_io()


# -- the client side ---------------------------------------------------------------------------


@dataclass
class Report:
    edits: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)  # requests with a non-empty result
    errors: list[str] = field(default_factory=list)
    slow: list[tuple[str, float, int]] = field(default_factory=list)  # method, seconds, at edit
    hangs: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    text_checks: int = 0
    crashed: str | None = None
    rss_after_500: float | None = None
    rss_end: float | None = None
    times: dict[str, list[float]] = field(default_factory=dict)
    held_after_500: dict = field(default_factory=dict)
    held_end: dict = field(default_factory=dict)


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A memory figure of /proc/PID/status in MB (`Threads`: a count)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / (1 if field == "Threads" else 1024)
    except OSError:
        return None
    return None


def python_files(root: Path, limit: int, rng: random.Random) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found += [Path(folder) / name for name in sorted(names) if name.endswith(".py")]
    files = [path for path in found if path.is_file() and not path.is_symlink() and path.stat().st_size < 200_000]
    return sorted(rng.sample(files, min(limit, len(files))))


def random_edit(rng: random.Random, text: str, original: str) -> tuple[int, int, str]:
    """A change of `text` as code-point offsets (start, end) and the new text."""
    if len(text) > 3 * len(original) + 2000 or rng.random() < 0.02:
        return 0, len(text), original  # the user undoes it all: names for hover and jedi again
    start = clean(text, rng.randrange(len(text) + 1))
    roll = rng.random()
    if roll < 0.35:  # a deletion
        end = clean(text, min(len(text), start + rng.choice([1, 1, 2, 5, 12, 40])))
        return start, end, ""
    if roll < 0.55:
        new = rng.choice(LINE_BREAKS)
    elif roll < 0.9:
        new = rng.choice(CHUNKS)
    else:  # a replacement with random text
        new = "".join(rng.choice("ab =(#\n" + "".join(LINE_BREAKS)) for _ in range(rng.randrange(1, 8)))
        return start, clean(text, min(len(text), start + rng.randrange(0, 6))), new
    return start, start, new


async def ask(client, report: Report, method: str, params, at: int):
    started = time.perf_counter()
    report.requests[method] = report.requests.get(method, 0) + 1
    try:
        result = await client.request(method, params, timeout=HANG)
    except RuntimeError as error:
        report.errors.append(f"edit {at}: {method}: {error}")
        return None
    except TimeoutError:
        report.hangs.append(f"edit {at}: {method}: no answer within {HANG:.0f} s")
        return None
    took = time.perf_counter() - started
    if result:
        report.answered[method] = report.answered.get(method, 0) + 1
    report.times.setdefault(method, []).append(took)
    if took > SLOW:
        report.slow.append((method, took, at))
    return result


async def random_request(client, report: Report, rng: random.Random, uri: str, text: str, at: int,
                         methods: list[str]) -> None:
    offset = rng.randrange(len(text) + 1)
    words = [match.start() for match in WORD.finditer(text, max(0, offset - 400), offset + 400)]
    if words and rng.random() < 0.8:  # mostly on a name, as a user hovers
        offset = rng.choice(words) + rng.randrange(3)
    position = position_at(text, clean(text, min(offset, len(text))))
    method = "textDocument/" + rng.choice(methods)
    params = {"textDocument": {"uri": uri}, "position": position}
    if method == "textDocument/codeAction":
        params = {"textDocument": {"uri": uri}, "range": {"start": position, "end": position},
                  "context": {"diagnostics": []}}
    actions = await ask(client, report, method, params, at)
    if method == "textDocument/codeAction" and actions:
        unresolved = [action for action in actions if "edit" not in action and "command" not in action]
        if unresolved:
            await ask(client, report, "codeAction/resolve", rng.choice(unresolved), at)


async def check_texts(client, report: Report, texts: dict[str, str], uris, at: int) -> None:
    for uri in uris:
        report.text_checks += 1
        server_text = await ask(client, report, TEXT_METHOD, {"uri": uri}, at)
        if server_text != texts[uri]:
            report.mismatches.append(f"edit {at}: {uri}: the server's text differs from the client's")


async def fuzz(command: list[str], project: Path, arguments, env: dict, stderr) -> Report:
    import bench_lsp

    rng = random.Random(arguments.seed)
    report = Report()
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env,
                                                   limit=2**24)
    client = bench_lsp.Client(process)
    reader = asyncio.create_task(client.read_loop())
    try:
        uri = bench_lsp._uri(project)
        await client.request("initialize", {
            "processId": os.getpid(), "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": project.name}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": True},
                "textDocument": {"synchronization": {"didSave": True},
                                 "publishDiagnostics": {"versionSupport": True},
                                 "hover": {"contentFormat": ["markdown", "plaintext"]},
                                 "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                                     "quickfix", "refactor", "source"]}}, "resolveSupport": {"properties": ["edit"]}}},
                "workspace": {"workspaceFolders": True, "configuration": True}},
        }, timeout=120)
        await client.notify("initialized", {})
        paths = python_files(project, arguments.files, rng)
        originals, texts, versions = {}, {}, {}
        for path in paths:
            uri = bench_lsp._uri(path)
            originals[uri] = texts[uri] = path.read_text(encoding="utf-8", errors="replace")
            versions[uri] = 1
            await client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": texts[uri]}})
        mark = len(client.published)
        if await client.wait_published(set(texts), mark, timeout=300) is None:
            print("  (not every opened file had diagnostics within 300 s)", file=sys.stderr)
        await client.quiet(0.5, limit=120)
        uris = sorted(texts)
        for number in range(1, arguments.edits + 1):
            if process.returncode is not None:
                break
            uri = rng.choice(uris)
            text = texts[uri]
            start, end, new = random_edit(rng, text, originals[uri])
            versions[uri] += 1
            texts[uri] = text[:start] + new + text[end:]
            await client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": versions[uri]},
                "contentChanges": [{"range": {"start": position_at(text, start), "end": position_at(text, end)},
                                    "text": new}]})
            report.edits = number
            if rng.random() < arguments.request_rate:
                await random_request(client, report, rng, uri, texts[uri], number, arguments.methods.split(","))
            if number % arguments.check_every == 0:
                await check_texts(client, report, texts, [uri] if number % 1000 else uris, number)
            if number == 500:
                await client.quiet(0.3, limit=30)
                report.rss_after_500 = rss_mb(process.pid)
                report.held_after_500 = await client.request(MEMORY_METHOD, {"mark": "after-500", "trim": True},
                                                         timeout=300)
            if number % 1000 == 0:
                print(f"  {number} edits, {sum(report.requests.values())} requests, RSS {rss_mb(process.pid):.1f} MB",
                      file=sys.stderr, flush=True)
        if process.returncode is None:
            await check_texts(client, report, texts, uris, report.edits)
            await client.quiet(0.3, limit=60)
            report.rss_end = rss_mb(process.pid)
            report.held_end = await client.request(MEMORY_METHOD, {"mark": "end", "since": "after-500", "trim": True},
                                                   timeout=300)
            await bench_lsp.shut_down(client, process, 30)
        else:
            report.crashed = f"the server exited with {process.returncode} after edit {report.edits}"
    except (ConnectionError, asyncio.IncompleteReadError, BrokenPipeError) as error:
        report.crashed = f"{type(error).__name__} after edit {report.edits} (exit {process.returncode})"
    finally:
        await bench_lsp.stopped(process, reader)
    return report


def print_report(report: Report, log: str, seconds: float) -> None:
    import bench_lsp

    tracebacks = log.count("Traceback (most recent call last)")
    error_lines = [line for line in log.splitlines() if line.startswith(("ERROR", "CRITICAL"))]
    total = sum(report.requests.values())
    print(f"edits: {report.edits}   requests: {total} "
          f"({', '.join(f'{m.rpartition(chr(47))[2]} {n}' for m, n in sorted(report.requests.items()))})")
    print(f"wall time: {seconds:.0f} s")
    print(f"crashes: {1 if report.crashed else 0}{'  ' + report.crashed if report.crashed else ''}")
    print(f"LSP error responses: {len(report.errors)}")
    print(f"hangs (no answer in {HANG:.0f} s): {len(report.hangs)}")
    print(f"requests over {SLOW:.0f} s: {len(report.slow)}")
    print(f"text checks: {report.text_checks}, mismatches: {len(report.mismatches)}")
    print(f"server stderr: {tracebacks} tracebacks, {len(error_lines)} ERROR lines")
    for method, times in sorted(report.times.items()):
        p50, p95 = bench_lsp._percentile(times, 0.5), bench_lsp._percentile(times, 0.95)
        print(f"  {method}: {report.answered.get(method, 0)} of {len(times)} answered, p50 {p50 * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
    ratio = (report.rss_end / report.rss_after_500) if report.rss_end and report.rss_after_500 else None
    print(f"RSS after 500 edits: {report.rss_after_500 or 0:.1f} MB, at the end: {report.rss_end or 0:.1f} MB, "
          f"ratio: {f'{ratio:.3f}' if ratio else 'n/a'} (target <= 1.15)")
    for line in [*report.errors[:10], *report.hangs[:10], *report.mismatches[:10], *error_lines[:10]]:
        print("  " + line)
    for method, took, at in report.slow[:15]:
        print(f"  slow: {method} {took:.2f} s at edit {at}")
    for when, held in (("after 500 edits", report.held_after_500), ("at the end", report.held_end)):
        if held:
            print(f"server holds {when}: {held['futures']} handler futures, {held['fact_keys']} fact keys, "
                  f"{held['parso_modules']} parso modules ({held['parso_lines']} lines)"
                  + f"; {held['threads']:.0f} threads, RSS {held['rss']:.1f} MB (anonymous {held['anon']:.1f}, "
                  f"files {held['file']:.1f})"
                  + (f", {held['rss_trimmed']:.1f} MB after gc.collect() ({held['collected']} objects) and "
                     "malloc_trim" if held.get("rss_trimmed") else "")
                  + (f"; jedi's process RSS {held['jedi_rss']:.1f} MB (started {held['jedi_starts']} times)"
                     if held.get("jedi_rss") else ""))
    if report.held_end.get("growth"):
        print(f"tracemalloc: {report.held_after_500['traced_mb']:.1f} MB traced after 500 edits, "
              f"{report.held_end['traced_mb']:.1f} MB at the end")
        print("tracemalloc, top growth from edit 500 to the end:")
        for item in report.held_end["growth"]:
            print("  " + item.replace("\n", "\n    "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a Django project (default: a copy of tests/workspaces/shop)")
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--files", type=int, default=20, help="how many of the project's files to open")
    parser.add_argument("--request-rate", type=float, default=0.25, help="chance of a request after an edit")
    parser.add_argument("--methods", default="hover,hover,completion,definition,codeAction",
                        help="the requests asked, in proportion (textDocument/ methods)")
    parser.add_argument("--check-every", type=int, default=100, help="compare the texts every N edits")
    parser.add_argument("--trace", action="store_true", help="tracemalloc in the server (slower)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve()
        return 0
    with tempfile.TemporaryDirectory(prefix="fuzz-lsp-") as scratch:
        scratch = Path(scratch)
        project = arguments.project.resolve() if arguments.project else scratch / "shop"
        if arguments.project is None:
            shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3"))
        env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(scratch / "cache")}
        env.pop("DJANGO_EXPERT_FUZZ_TRACE", None)
        if arguments.trace:
            env["DJANGO_EXPERT_FUZZ_TRACE"] = "1"
        command = [sys.executable, "-I", str(Path(__file__).resolve()), "--serve"]
        print(f"fuzz_lsp: {project}, {arguments.edits} edits, seed {arguments.seed}", flush=True)
        started = time.perf_counter()
        with open(scratch / "server.log", "wb") as stderr:
            report = asyncio.run(fuzz(command, project, arguments, env, stderr))
        print_report(report, (scratch / "server.log").read_text(errors="replace"), time.perf_counter() - started)
    failed = report.crashed or report.errors or report.hangs or report.mismatches
    return 1 if failed else 0


if __name__ != "__main__" or "--serve" not in sys.argv:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_lsp, beside this file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests.server.lsp helpers
    from tests.server.lsp.test_lsp_line_breaks import clean, position_at  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
