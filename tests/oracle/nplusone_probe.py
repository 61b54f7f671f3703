"""Count the queries of real Django views, admin changelists and functions at two table sizes.

Usage: python nplusone_probe.py WORKSPACE SETTINGS CASES_JSON

Runs in its own interpreter (the test never imports Django itself): sets the workspace's
settings up, creates the test database (in-memory SQLite, migrated), then for each size
seeds the data with `library.seed.seed(n)` inside a transaction that is rolled back, and
measures every case with `CaptureQueriesContext`. A case is
`{"id": ..., "kind": "call" | "get" | "admin", "target": dotted function or URL}`, with
`"explain": true` to also record SQLite's query plan of each statement it ran (`plans`).
Prints `{"check": [...], "cases": {id: {size: {"queries": n, "status": code, "output": text}}}}`.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys

SIZES = (3, 9)
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def main(workspace: str, settings_module: str, cases: list[dict]) -> dict:
    sys.path.insert(0, workspace)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core import checks
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    problems = [str(m) for m in checks.run_checks() if m.level >= checks.ERROR]
    try:  # the migrations match the models (a fix must not need a new migration)
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit:
        problems.append("makemigrations --check: the models have changes without a migration")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    seed = importlib.import_module("library.seed").seed
    results: dict[str, dict] = {case["id"]: {} for case in cases}
    for size in SIZES:
        with transaction.atomic():
            seed(size)
            admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
            client = Client()
            client.force_login(admin)
            for case in cases:
                with CaptureQueriesContext(connection) as captured:
                    status, output = _run(case, client)
                results[case["id"]][str(size)] = {"queries": len(captured), "status": status, "output": output}
                if case.get("explain"):  # how SQLite runs each statement: a table SCAN, or a SEARCH using an index
                    results[case["id"]][str(size)]["plans"] = _plans(connection, captured.captured_queries)
            transaction.set_rollback(True)
    return {"check": problems, "cases": results}


def _run(case: dict, client) -> tuple[int, str]:
    if case["kind"] == "call":
        module, _, name = case["target"].rpartition(".")
        return 200, repr(getattr(importlib.import_module(module), name)())
    target = case["target"]
    if "{tag_ids}" in target:  # a client sending every tag id: as many ids as rows
        from library.models import Tag

        target = target.replace("{tag_ids}", "&".join(f"id={pk}" for pk in Tag.objects.values_list("pk", flat=True)))
    response = client.get(target)
    return response.status_code, _CSRF.sub(r'\1"', response.content.decode("utf-8"))


def _plans(connection, queries: list[dict]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            if query["sql"].startswith(("SELECT", "UPDATE", "DELETE")):
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                found.extend(row[-1] for row in cursor.fetchall())
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
