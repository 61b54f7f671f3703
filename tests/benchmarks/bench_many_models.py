"""Scaling: `check` on N one-model files (1,000 and 4,000 by default) must grow linearly.

A project of many small model files is where a per-file search of the whole project turns
quadratic (DJE507 once took 44 s on 4,000 files against 3.7 s on 1,000). This prints the
wall and CPU time of a cold `check` for each size and format (the median of `--runs`
attempts, sizes interleaved so a busy machine weighs on both alike) and the ratio of each
size against the first, beside linear growth. Issue 11 asks 4,000 files to take less than
3x the time of 1,000.

    python tests/benchmarks/bench_many_models.py [--sizes 1000,4000] [--formats text,json] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("django-expert")
SETTINGS = 'SECRET_KEY = "x"\nINSTALLED_APPS = [{apps}]\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
MODEL = '''from django.db import models


class Thing{n}(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField()
    parent = models.ForeignKey("app{p}.Thing{p}", null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.name
'''
VIEWS = '''from rest_framework import generics

from .models import Thing{n}


class ThingDetail{n}(generics.RetrieveAPIView):
    queryset = Thing{n}.objects.all()
    lookup_field = "slug"
'''


def make(root: Path, count: int) -> None:
    (root / "site").mkdir(parents=True)
    (root / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n')
    (root / "site" / "__init__.py").write_text("")
    apps = ", ".join(f'"app{n}"' for n in range(count))
    (root / "site" / "settings.py").write_text(SETTINGS.format(apps=apps))
    for n in range(count):
        app = root / f"app{n}"
        app.mkdir()
        (app / "__init__.py").write_text("")
        (app / "models.py").write_text(MODEL.format(n=n, p=max(n - 1, 0)))
        if n % 10 == 0:
            (app / "views.py").write_text(VIEWS.format(n=n))


def measure(root: Path, fmt: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one cold `check` of `root`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(SCRIPT), "check", str(root), "--no-cache", "--exit-zero", "--format", fmt],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000")
    parser.add_argument("--formats", default="text,json")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    formats = options.formats.split(",")
    attempts: dict[tuple[str, int], list[tuple[float, float]]] = {(f, s): [] for f in formats for s in sizes}
    with tempfile.TemporaryDirectory() as folder:
        roots = {size: Path(folder) / f"many{size}" for size in sizes}
        for size, root in roots.items():
            make(root, size)
        for _ in range(options.runs):
            for fmt in formats:
                for size, root in roots.items():
                    attempts[fmt, size].append(measure(root, fmt))
    base = sizes[0]
    print(f"{'format':>6} {'model files':>12} {'wall':>7} {'cpu':>7} {'wall x':>7} {'cpu x':>7} {'linear':>7}"
          f"  cpu of each run")
    for fmt in formats:
        base_wall = statistics.median(w for w, _ in attempts[fmt, base])
        base_cpu = statistics.median(c for _, c in attempts[fmt, base])
        for size in sizes:
            wall = statistics.median(w for w, _ in attempts[fmt, size])
            cpu = statistics.median(c for _, c in attempts[fmt, size])
            runs = " ".join(f"{c:.2f}" for _, c in attempts[fmt, size])
            print(f"{fmt:>6} {size:>12,} {wall:>6.2f}s {cpu:>6.2f}s {wall / base_wall:>6.2f}x {cpu / base_cpu:>6.2f}x "
                  f"{size / base:>6.1f}x  {runs}")


if __name__ == "__main__":
    main()
