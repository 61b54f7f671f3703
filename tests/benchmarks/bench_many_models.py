"""Scaling: `check` on N one-model files (1,000 and 4,000 by default) must grow linearly.

A project of many small model files is where a per-file search of the whole project turns
quadratic (DJE507 once took 44 s on 4,000 files against 3.7 s on 1,000). This prints the
wall and CPU time of a cold `check` for each size and the ratio against linear growth.

    python tests/benchmarks/bench_many_models.py [--sizes 1000,4000]
"""

from __future__ import annotations

import argparse
import resource
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


def measure(count: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "many"
        make(root, count)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([str(SCRIPT), "check", str(root), "--no-cache", "--exit-zero", "--format", "json"],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    results = {size: measure(size) for size in sizes}
    base, base_wall = sizes[0], results[sizes[0]][0]
    print(f"{'model files':>12} {'wall':>9} {'cpu':>9} {'x of ' + str(base):>10} {'linear':>7}")
    for size, (wall, cpu) in results.items():
        print(f"{size:>12,} {wall:>8.2f}s {cpu:>8.2f}s {wall / base_wall:>9.2f}x {size / base:>6.1f}x")


if __name__ == "__main__":
    main()
