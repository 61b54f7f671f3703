"""Issue 14's precision yardstick: a fixed-seed random sample of the DEFAULT rule set's findings.

    python tests/benchmarks/precision/sample.py --run [--out DIR]   # run check on each project, then sample
    python tests/benchmarks/precision/sample.py [--out DIR] [--n 100] [--seed 14] [--tsv FILE]

`--run` runs, one project after the other (2 shared cores), the command a new user runs:

    .venv/bin/django-expert check --no-cache --exit-zero --format json <project>

and keeps each project's JSON in DIR (default /tmp/precision/<project>.json). Without `--run`,
the JSON already in DIR is read. All findings are pooled in a canonical order (project,
file, line, column, code, message), `random.Random(seed).sample(pool, n)` draws the sample,
and it is printed sorted by project/path/line: one numbered row per finding, to judge by
reading the source. Per-project and per-rule counts of the whole pool are printed first.

The trees are those of tests/benchmarks/realworld.py (the GitHub checkouts and PyPI sdists
it prepares under ~/.cache/django-expert-bench, or $BENCH_CACHE) plus pretix.
Not part of the test suite (pytest never collects this folder).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "django-expert-bench"))
PROJECTS = {  # name -> tree analysed (as realworld.py lays them out)
    "baserow": CACHE / "github/baserow/backend",
    "defectdojo": CACHE / "github/defectdojo",
    "django-cms": CACHE / "src/django-cms-5.1.3/django_cms-5.1.3",
    "django-oscar": CACHE / "src/django-oscar-4.2.1/django_oscar-4.2.1",
    "healthchecks": CACHE / "github/healthchecks",
    "netbox": CACHE / "github/netbox",
    "plane": CACHE / "github/plane/apps/api",
    "pretix": CACHE / "src/pretix-2026.8.0/pretix",
    "wagtail": CACHE / "src/wagtail-8.0.1/wagtail-8.0.1",
}


def run(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cli = REPO / ".venv/bin/django-expert"
    for name, tree in PROJECTS.items():
        print(f"check {name} ...", file=sys.stderr, flush=True)
        with open(out / f"{name}.json", "w") as fh:
            subprocess.run(["nice", str(cli), "check", "--no-cache", "--exit-zero", "--format", "json", str(tree)],
                           stdout=fh, cwd=REPO, check=True)


def pool(out: Path) -> list[dict]:
    rows = []
    for name in sorted(PROJECTS):
        for f in json.loads((out / f"{name}.json").read_text())["findings"]:
            rows.append({"project": name, "path": f["filename"], "line": f["location"]["row"],
                         "col": f["location"]["column"], "code": f["code"], "message": f["message"]})
    rows.sort(key=lambda r: (r["project"], r["path"], r["line"], r["col"], r["code"], r["message"]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", action="store_true", help="run check on every project first")
    ap.add_argument("--out", type=Path, default=Path("/tmp/precision"))
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--tsv", type=Path, help="also write the sample as TSV (for judging)")
    args = ap.parse_args()
    if args.run:
        run(args.out)
    rows = pool(args.out)
    per_project = Counter(r["project"] for r in rows)
    print(f"pool: {len(rows)} findings")
    for name in sorted(PROJECTS):
        codes = Counter(r["code"] for r in rows if r["project"] == name)
        print(f"  {name}: {per_project[name]}  " + " ".join(f"{c}:{k}" for c, k in sorted(codes.items())))
    print("  rules: " + " ".join(f"{c}:{k}" for c, k in sorted(Counter(r["code"] for r in rows).items())))
    sample = random.Random(args.seed).sample(rows, min(args.n, len(rows)))
    sample.sort(key=lambda r: (r["project"], r["path"], r["line"], r["col"], r["code"]))
    print(f"sample: {len(sample)} (seed {args.seed})")
    for i, r in enumerate(sample, 1):
        print(f"{i:3} {r['project']} {r['path']}:{r['line']} {r['code']} {r['message']}")
    if args.tsv:
        args.tsv.write_text("".join(f"{i}\t{r['project']}\t{r['path']}\t{r['line']}\t{r['code']}\t{r['message']}\n"
                                    for i, r in enumerate(sample, 1)))


if __name__ == "__main__":
    main()
