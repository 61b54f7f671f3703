"""What the interprocedural layer costs: function summaries, on and off, on the benchmark corpora.

    python tests/benchmarks/bench_summaries.py [--corpora django,django-oscar,wagtail] [--repeat 3]

For each corpus, in one process and one run (best of `--repeat`, CPU seconds beside wall):
the `ast.parse` floor; extraction of facts without and with summaries (the body walk);
and a whole cold check (engine index + every file's findings, no cache) without and with
them. "Without" replaces `summarise` by a function returning None: no summary exists, so
every rule behaves as it did before the layer (nothing followed across functions). The
findings each way are counted per rule, to show what the layer adds.
Not part of the test suite (pytest never collects this folder).
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpora  # noqa: E402
from django_expert.analyzers.engine import Engine  # noqa: E402
from django_expert.analyzers.facts import extract as extract_module  # noqa: E402
from django_expert.analyzers.source import LineIndex, decode  # noqa: E402
from django_expert.server.collector import tune_for_analysis  # noqa: E402


@contextmanager
def summaries(enabled: bool):
    original = extract_module.summarise
    if not enabled:
        extract_module.summarise = lambda *args, **kwargs: None
    try:
        yield
    finally:
        extract_module.summarise = original


def timed(function, repeat: int) -> tuple[float, float, object]:
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def measure(name: str, root: Path, repeat: int) -> dict:
    files = bench_corpora.python_files(root)
    texts = []
    for path in files:
        try:
            texts.append((path, decode(path.read_bytes())))
        except Exception:  # noqa: BLE001 - a corpus file we cannot decode is not measured
            continue
    trees = []

    def parse():
        trees.clear()
        for path, text in texts:
            try:
                trees.append((text, ast.parse(text)))
            except SyntaxError:
                pass

    def extract_all():
        for text, tree in trees:
            extract_module.extract(tree, "corpus.module", False, LineIndex(text))

    def check():
        engine = Engine([root], use_cache=False)
        engine.index()
        return Counter(f.code for findings in engine.all_findings().values() for f in findings)

    row = {"corpus": name, "files": len(texts)}
    row["parse"] = timed(parse, repeat)[:2]
    for enabled in (False, True):
        with summaries(enabled):
            key = "with" if enabled else "without"
            row[f"extract {key}"] = timed(extract_all, repeat)[:2]
            wall, cpu, found = timed(check, repeat)
            row[f"check {key}"] = (wall, cpu)
            row[f"findings {key}"] = found
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="django,django-oscar,wagtail")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths", default="", help="also these folders (NAME=PATH,...), e.g. GitHub projects")
    arguments = parser.parse_args()
    tune_for_analysis()
    targets = [(name, bench_corpora.fetch(name)) for name in arguments.corpora.split(",") if name]
    targets += [(item.partition("=")[0], Path(item.partition("=")[2])) for item in arguments.paths.split(",") if item]
    rows = [measure(name, root, arguments.repeat) for name, root in targets]
    print("CPU seconds (wall in brackets), best of", arguments.repeat, "in one process")
    print(f"{'corpus':<14}{'files':>7}{'ast.parse':>16}{'extract -':>16}{'extract +':>16}"
          f"{'check -':>17}{'check +':>17}{'check +/-':>11}")
    for row in rows:
        def cell(key):
            wall, cpu = row[key]
            return f"{cpu:.2f} ({wall:.2f})"
        ratio = row["check with"][1] / row["check without"][1]
        print(f"{row['corpus']:<14}{row['files']:>7}{cell('parse'):>16}{cell('extract without'):>16}"
              f"{cell('extract with'):>16}{cell('check without'):>17}{cell('check with'):>17}{ratio:>10.2f}x")
    print()
    print("findings per rule where the layer changes them (without -> with):")
    for row in rows:
        before, after = row["findings without"], row["findings with"]
        changed = {code: (before[code], after[code]) for code in sorted(set(before) | set(after))
                   if before[code] != after[code]}
        print(f"  {row['corpus']}: " + (", ".join(f"{c} {b}->{a}" for c, (b, a) in changed.items()) or "no change"))


if __name__ == "__main__":
    main()
