"""Run a small Django project's code for the safe-fix behaviour tests (test_safe_fix_oracle.py).

Usage: python safe_fix_probe.py PROJECT SETTINGS CASES_JSON

In its own interpreter (the test never imports Django itself): sets the project's settings
up, writes its migrations when it has none (`makemigrations`), else lists the operations
its models need beyond them, runs the system checks, creates the test database (SQLite,
a file, so the threads async ORM calls run in see it), runs `app.seed.seed()`, then each
case, with the SQL it ran on this thread. A case is `{"id", "kind", "target"}`:

- "call": a function's `repr()` result; "async": the same for a coroutine function (run
  with `asyncio.run`; with `"unsafe": true` Django's async-safety guard is off, as a
  project running sync ORM code in async code needs);
- "serializer": `repr()` of a DRF serializer instance (every field with its arguments) and
  its data for every row; "form": a ModelForm's rendered HTML, empty and bound to a row;
- "model": the values a new instance gets for `fields`, and whether two instances share them.

Prints `{"changes": [...], "checks": [ids], "cases": {id: {"output": text, "sql": [...]}}}`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys


def main(project: str, settings_module: str, cases: list[dict]) -> dict:
    sys.path.insert(0, project)
    os.chdir(project)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.core import checks
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    changes = _changes()
    if not os.path.isdir(os.path.join(project, "app", "migrations")):
        call_command("makemigrations", "app", verbosity=0)
    found = sorted({m.id for m in checks.run_checks() if m.id})
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    importlib.import_module("app.seed").seed()
    results = {}
    for case in cases:
        with CaptureQueriesContext(connection) as captured:
            try:
                output = _run(case)
            except Exception as error:  # what the code does is the answer, an exception included
                output = f"raised {type(error).__name__}"
        results[case["id"]] = {"output": output, "sql": [q["sql"] for q in captured.captured_queries]}
    return {"changes": changes, "checks": found, "cases": results}


def _changes() -> list[str]:
    """The operations `makemigrations` would write for the models beyond their migrations."""
    from django.apps import apps
    from django.db.migrations.autodetector import MigrationAutodetector
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    loader = MigrationLoader(None, ignore_no_migrations=True)
    if not loader.disk_migrations:
        return []
    detector = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps))
    return sorted(f"{type(op).__name__} {getattr(op, 'model_name', '')}.{op.name}".replace(" .", " ")
                  for migrations in detector.changes(graph=loader.graph).values()
                  for migration in migrations for op in migration.operations)


def _target(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _run(case: dict) -> str:
    target = _target(case["target"])
    kind = case["kind"]
    if kind == "call":
        return repr(target())
    if kind == "async":
        if case.get("unsafe"):
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            return repr(asyncio.run(target()))
        finally:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    model = target.Meta.model if kind in ("serializer", "form") else target
    rows = list(model.objects.order_by("pk"))
    if kind == "serializer":
        return repr(target()) + "\n" + json.dumps([dict(target(row).data) for row in rows], default=str)
    if kind == "form":
        return str(target().as_p()) + "\n" + "\n".join(str(target(instance=row).as_p()) for row in rows)
    first, second = model(), model()
    return repr({name: (getattr(first, name), getattr(first, name) is getattr(second, name))
                 for name in case["fields"]})


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
