"""The benchmark: `django-expert` on real projects and its language server's latency, beside the budgets.

    python tests/benchmarks/run.py [--corpora django,django-oscar,wagtail,pretix] [--quick] [--skip-lsp]
                                   [--skip-netbox] [--netbox-edits 30] [--netbox-rss-edits 300]

Prints one table, everything in it measured in the same run on this machine: per corpus
the bare `ast.parse` floor, the CLI cold (empty facts cache) and warm (second start), the
ratio to the floor, ruff's DJ and S rules for comparison and the peak RSS; then all corpora
as one workspace (the size DESIGN.md's budgets are written for); then the language
server's latencies on a synthetic project, and on netbox (`bench_netbox.py`: first
diagnostics, body edits, a model field rename and its dependants, hover, RSS after many
edits). Not part of the test suite (pytest never collects this folder).
Corpora are downloaded once into $BENCH_CACHE (default ~/.cache/django-expert-bench).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpora  # noqa: E402
import bench_lsp  # noqa: E402
import bench_netbox  # noqa: E402

BUDGET_RATIO = 2.5  # wall, text cold over the ast.parse floor
BUDGET_CPU_RATIO = 2.0  # CPU, text cold over the floor's CPU (issue 15)
BUDGET_JSON_OVER_TEXT = 1.3  # cold JSON over cold text (issue 14)
BUDGET_WARM_S = 1.25  # issue 15: the four corpora (3,743 files)
BUDGET_RSS_MB = 400
BUDGET_EDIT_P50, BUDGET_EDIT_P95 = 30, 80
BUDGET_MODEL_P50 = 150
BUDGET_HOVER_P50 = 20


def _version(command: list[str]) -> str:
    try:
        result = subprocess.run([*command, "--version"], check=False, capture_output=True, text=True, timeout=30)
        return result.stdout.strip()
    except OSError:
        return "n/a"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


COLUMNS = (("corpus", 20, "<"), ("src", 6, ">"), ("files", 7, ">"), ("MB", 6, ">"), ("ast.parse", 11, ">"),
           ("cpu", 8, ">"), ("json cold", 11, ">"), ("cpu ", 8, ">"), ("x", 7, ">"), ("json warm", 11, ">"),
           ("cpu  ", 8, ">"), ("text cold", 11, ">"), ("cpu   ", 8, ">"), ("x ", 7, ">"), ("x  ", 7, ">"),
           ("text warm", 11, ">"), ("cpu    ", 8, ">"), ("ruff DJ,S", 11, ">"), ("peak RSS", 10, ">"),
           ("findings", 10, ">"), ("fixes", 7, ">"), ("json/text", 10, ">"))
# Columns of one name differ by trailing spaces only (cell keys): each "cpu" is the CPU seconds of
# the wall time to its left; the first two "x" are wall ratios to ast.parse, the third the CPU ratio.


def _line(cells: dict[str, str]) -> str:
    return "".join(f"{cells.get(name, ''):{align}{width}}" for name, width, align in COLUMNS).rstrip()


def corpora_table(rows: list[bench_corpora.Row], repeat: int) -> list[str]:
    header = _line({name: name.strip() for name, _, _ in COLUMNS})
    rule = "-" * len(header)
    lines = [
        (f"Corpora: package folders of pinned PyPI releases; median of {repeat}; wall time of one "
         "`django-expert check` process (subprocess)."),
        "json: the findings and every fix computed (the JSON contract has them); text: findings only, no fix computed.",
        "cold: an empty facts cache; warm: the cache the cold run wrote (second start). x: the ratio to ast.parse.",
        "cpu: the CPU seconds (user + system, median of the attempts) beside each wall time; the third x is the text",
        "cold run's CPU over the floor's CPU: the fair ratio when other work shares the machine. Cold and warm",
        "attempts alternate.",
        "",
        header,
        rule,
    ]
    for row in rows:
        lines.append(_line({
            "corpus": row.name, "src": row.source, "files": f"{row.files:,}", "MB": f"{row.megabytes:.1f}",
            "ast.parse": f"{row.floor:.2f} s", "cpu": f"{row.floor_cpu:.2f}",
            "json cold": f"{row.json_cold:.2f} s", "cpu ": f"{row.json_cold_cpu:.2f}",
            "x": f"{row.ratio(row.json_cold):.1f}x", "json warm": f"{row.json_warm:.2f} s",
            "cpu  ": f"{row.json_warm_cpu:.2f}",
            "text cold": f"{row.text_cold:.2f} s", "cpu   ": f"{row.text_cold_cpu:.2f}",
            "x ": f"{row.ratio(row.text_cold):.1f}x", "x  ": f"{row.ratio(row.text_cold_cpu, row.floor_cpu):.1f}x",
            "text warm": f"{row.text_warm:.2f} s", "cpu    ": f"{row.text_warm_cpu:.2f}",
            "ruff DJ,S": f"{row.ruff:.2f} s" if row.ruff is not None else "n/a",
            "peak RSS": f"{row.peak_rss:.0f} MB", "findings": f"{row.findings:,}", "fixes": f"{row.fixable:,}",
            "json/text": f"{row.json_cold / row.text_cold:.2f}/{row.json_cold_cpu / row.text_cold_cpu:.2f}",
        }))
    lines.append(rule)
    budget = f"<={BUDGET_RATIO}x"
    warm = f"<= {BUDGET_WARM_S} s"
    lines.append(_line({"corpus": "budget (all four)", "json warm": warm, "x ": budget,
                        "text warm": warm, "x  ": f"<={BUDGET_CPU_RATIO}x", "peak RSS": "<= 400 MB",
                        "json/text": f"<= {BUDGET_JSON_OVER_TEXT}"}))
    combined = [row for row in rows if row.name.startswith("all ")]
    if combined:
        row = combined[0]
        warm_budget = BUDGET_WARM_S
        lines.append(_line({"corpus": "verdict (all)",
                            "json warm": _verdict(row.json_warm <= warm_budget),
                            "x ": _verdict(row.ratio(row.text_cold) <= BUDGET_RATIO),
                            "text warm": _verdict(row.text_warm <= warm_budget),
                            "x  ": _verdict(row.ratio(row.text_cold_cpu, row.floor_cpu) <= BUDGET_CPU_RATIO),
                            "peak RSS": _verdict(row.peak_rss <= BUDGET_RSS_MB),
                            "json/text": _verdict(row.json_cold / row.text_cold <= BUDGET_JSON_OVER_TEXT)}))
        lines.append("json/text: cold JSON over cold text, wall/cpu; the verdict is on wall time (issue 14).")
    return lines


def lsp_table(result: bench_lsp.LspResult, edits: int) -> list[str]:
    p = bench_lsp.LspResult.p

    def row(label: str, p50: str, p95: str, budget: str, verdict: str = "") -> str:
        return f"{label:<68}{p50:>10}{p95:>10}  {budget:<28}{verdict}".rstrip()

    def verdict(values: list[float], limit: float) -> str:
        value = bench_lsp._percentile(values, 0.5)
        return "" if value is None else _verdict(value <= limit)

    lines = [
        (f"Language server: a synthetic project ({len(bench_lsp.APPS) + 1} apps), `django-expert lsp` over stdio, "
         "one request or edit at a time"),
        "",
        row("", "p50 ms", "p95 ms", "budget"),
        "-" * 120,
    ]
    if result.initialize_ms is not None:
        lines.append(row("initialize", f"{result.initialize_ms:.0f}", "", ""))
    if result.ready_s is not None:
        lines.append(row("start -> first diagnostics of an open file", f"{result.ready_s * 1000:.0f}", "", ""))
    missed = f", {result.edit_missed} missed" if result.edit_missed else ""
    lines.append(row(f"edit in a 300-line file -> its diagnostics ({len(result.edit_ms)} edits{missed})",
                     p(result.edit_ms, 0.5), p(result.edit_ms, 0.95),
                     f"p50 <= {BUDGET_EDIT_P50}, p95 <= {BUDGET_EDIT_P95}",
                     verdict(result.edit_ms, BUDGET_EDIT_P50) + (
                         "" if not result.edit_ms else
                         "/" + _verdict((bench_lsp._percentile(result.edit_ms, 0.95) or 0) <= BUDGET_EDIT_P95))))
    missed = f", {result.model_missed} missed" if result.model_missed else ""
    lines.append(row(f"model field renamed -> {result.dependants} dependants' diagnostics "
                     f"({len(result.model_ms)} edits{missed})",
                     p(result.model_ms, 0.5), p(result.model_ms, 0.95), f"p50 <= {BUDGET_MODEL_P50}",
                     verdict(result.model_ms, BUDGET_MODEL_P50)))
    missed = f", {result.summary_missed} missed" if result.summary_missed else ""
    lines.append(row(f"helper edit changing its summary -> its diagnostics ({len(result.summary_ms)} edits{missed})",
                     p(result.summary_ms, 0.5), p(result.summary_ms, 0.95), f"p50 <= {BUDGET_MODEL_P50}",
                     verdict(result.summary_ms, BUDGET_MODEL_P50)))
    lines.append(row("  ... -> its caller's diagnostics", p(result.summary_caller_ms, 0.5),
                     p(result.summary_caller_ms, 0.95), f"p50 <= {BUDGET_MODEL_P50}",
                     verdict(result.summary_caller_ms, BUDGET_MODEL_P50)))
    lines.append(row(f"hover ({len(result.hover_ms)} requests)", p(result.hover_ms, 0.5), p(result.hover_ms, 0.95),
                     f"p50 <= {BUDGET_HOVER_P50}", verdict(result.hover_ms, BUDGET_HOVER_P50)))
    lines.append(row(f"completion ({len(result.completion_ms)} requests)", p(result.completion_ms, 0.5),
                     p(result.completion_ms, 0.95), f"p50 <= {BUDGET_HOVER_P50}",
                     verdict(result.completion_ms, BUDGET_HOVER_P50)))
    if result.peak_rss_mb is not None:
        lines.append(row("server peak RSS (MB)", f"{result.peak_rss_mb:.0f}", "", ""))
    for note in dict.fromkeys(result.notes):
        lines.append(f"note: {note}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=",".join(bench_corpora.CORPORA),
                        help=f"comma-separated, from: {', '.join(bench_corpora.CORPORA)}")
    parser.add_argument("--quick", action="store_true", help="one repetition instead of three, 50 LSP edits")
    parser.add_argument("--skip-lsp", action="store_true", help="only the corpora")
    parser.add_argument("--skip-corpora", action="store_true", help="only the language server")
    parser.add_argument("--edits", type=int, default=None, help="LSP edits per series (default 200; 50 with --quick)")
    parser.add_argument("--skip-netbox", action="store_true", help="not the language server on netbox")
    parser.add_argument("--combined-only", action="store_true",
                        help="only the row of all corpora together (the budgets' row), not one per corpus")
    parser.add_argument("--netbox-edits", type=int, default=None,
                        help="netbox: body edits and field renames timed (default 30; 10 with --quick)")
    parser.add_argument("--netbox-rss-edits", type=int, default=300,
                        help="netbox: field renames before the second RSS reading (default 300)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.corpora.split(",") if name.strip()]
    unknown = [name for name in names if name not in bench_corpora.CORPORA]
    if unknown:
        parser.error(f"unknown corpora: {', '.join(unknown)}")
    repeat = 1 if args.quick else 3
    edits = args.edits or (50 if args.quick else 200)
    started = time.perf_counter()

    lines = [
        (f"django-expert benchmark: {time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
         f"{os.cpu_count()} cores, {_version(bench_corpora.django_expert_command())}, "
         f"{(_version(bench_corpora.ruff_command()) if bench_corpora.ruff_command() else 'ruff n/a')}"),
        f"load average at start: {' '.join(f'{load:.1f}' for load in os.getloadavg())} "
        f"(above {os.cpu_count()}, other work competes for the CPU: trust the cpu columns over wall time)",
        "",
    ]
    if not args.skip_corpora:
        folders = {name: bench_corpora.fetch(name) for name in names}
        rows = []
        for name, folder in ({} if args.combined_only and len(folders) > 1 else folders).items():
            label = f"{name} {bench_corpora.CORPORA[name][0].split('==')[1]}"
            rows.append(bench_corpora.measure(label, bench_corpora.archive_kind(name), folder, repeat))
        if len(folders) > 1:
            rows.append(bench_corpora.measure(f"all ({len(folders)} corpora)", "-",
                                              bench_corpora.combined(folders), repeat))
        lines += corpora_table(rows, repeat)
        lines.append("")
    if not args.skip_lsp:
        try:
            import django_expert.server.lsp  # noqa: F401
        except ImportError as error:
            lines.append(f"Language server: not measured ({error})")
        else:
            bench_corpora.log(f"language server: {edits} edits per series ...")
            with tempfile.TemporaryDirectory(prefix="dje-bench-lsp-") as scratch:
                result = bench_lsp.measure([*bench_corpora.django_expert_command(), "lsp"], Path(scratch), edits)
            lines += lsp_table(result, edits)
            if not args.skip_netbox:
                netbox_edits = args.netbox_edits or (10 if args.quick else 30)
                bench_corpora.log(f"language server on netbox: {netbox_edits} edits per series, "
                                  f"{args.netbox_rss_edits} renames for RSS ...")
                with tempfile.TemporaryDirectory(prefix="dje-bench-netbox-") as scratch:
                    netbox = bench_netbox.measure([*bench_corpora.django_expert_command(), "lsp"], Path(scratch),
                                                  netbox_edits, args.netbox_rss_edits)
                lines += ["", *bench_netbox.table(netbox)]
    lines.append("")
    lines.append(f"(benchmark took {time.perf_counter() - started:.0f} s; load average at the end: "
                 f"{' '.join(f'{load:.1f}' for load in os.getloadavg())})")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
