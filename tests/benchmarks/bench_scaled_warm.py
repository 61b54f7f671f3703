"""Warm start at 4x wagtail: issue 15 asks a second `check` of a project four times wagtail's
size to take at most 5 s.

The project is four copies of wagtail's package folder, each renamed (`wagtail0` ...
`wagtail3`) with its own imports, templates and string references rewritten to its name,
so the four are four coherent packages of one workspace (5,500 Python files) rather than
one package seen four times. It is built once into the benchmark cache. One cold `check`
writes the facts cache; then `--runs` warm starts each read it (text, then JSON), and the
median wall and CPU seconds are printed beside the budget.

    python tests/benchmarks/bench_scaled_warm.py [--copies 4] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpora  # noqa: E402

BUDGET_S = 5.0
TEXT_SUFFIXES = {".py", ".html", ".txt", ".js", ".json", ".cfg", ".toml", ".md"}


def scaled(copies: int) -> Path:
    """`copies` renamed copies of wagtail's package side by side (built once)."""
    source = bench_corpora.fetch("wagtail")
    root = bench_corpora.cache_root() / "scaled" / f"wagtail-x{copies}"
    if (root / ".complete").exists():
        return root
    word = re.compile(r"\bwagtail\b")
    for n in range(copies):
        name = f"wagtail{n}"
        for path in source.rglob("*"):
            if not path.is_file() or any(part in bench_corpora.SKIP_DIRS for part in path.parts):
                continue
            relative = Path(*[name if part == "wagtail" else part for part in path.relative_to(source).parts])
            target = root / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix in TEXT_SUFFIXES:
                text = path.read_text("utf-8", errors="surrogateescape")
                target.write_text(word.sub(name, text), "utf-8", errors="surrogateescape")
            elif not target.exists():
                os.link(path, target)
    (root / ".complete").write_text("")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    root = scaled(options.copies)
    files = bench_corpora.python_files(root)
    floor, floor_cpu = bench_corpora.parse_floor(files, 1)
    with tempfile.TemporaryDirectory(prefix="dje-scaled-cache-") as scratch:
        env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": scratch}
        check = [*bench_corpora.django_expert_command(), "check", str(root), "--exit-zero"]
        bench_corpora.log(f"{len(files):,} Python files: cold check (writes the cache) ...")
        cold = bench_corpora.timed([*check, "--format", "text"], env)
        warm: dict[str, list[bench_corpora.Run]] = {"text": [], "json": []}
        for attempt in range(options.runs):
            for fmt in warm:
                bench_corpora.log(f"warm {fmt} ({attempt + 1}/{options.runs}) ...")
                warm[fmt].append(bench_corpora.timed([*check, "--format", fmt], env))
    if any(run.stdout != cold.stdout for run in warm["text"]):
        print("WARNING: a warm run reported other findings than the cold run")
    print(f"{options.copies}x wagtail: {len(files):,} Python files; ast.parse floor {floor:.2f} s wall, "
          f"{floor_cpu:.2f} s CPU; cold text check {cold.seconds:.2f} s wall, {cold.cpu_seconds:.2f} s CPU")
    print(f"{'warm start':<12} {'wall':>7} {'cpu':>7}  {'budget':>7}  verdict  wall of each run")
    for fmt, runs in warm.items():
        wall = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        each = " ".join(f"{r.seconds:.2f}" for r in runs)
        print(f"{fmt:<12} {wall:>6.2f}s {cpu:>6.2f}s  <= {BUDGET_S:.0f} s  {'ok' if wall <= BUDGET_S else 'OVER':>7}  {each}")


if __name__ == "__main__":
    main()
