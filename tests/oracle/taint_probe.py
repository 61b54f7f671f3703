"""Send a payload to views of tests/workspaces/taint and see where it arrives.

Usage: python taint_probe.py WORKSPACE CASES_JSON

Runs in its own interpreter (the test never imports Django): sets the workspace's settings
up on an in-memory database, creates three products, then for each case
`{"id", "url", "param", "payload"}` requests `url?param=payload` through the test client
and records every SQL text the database received (before parameters are bound, through
`connection.execute_wrapper`) and every command `subprocess.run` was asked to run (stubbed:
nothing is executed). Prints `{id: {"status", "sql_texts", "sql_params", "commands", "body",
"location"}}` (`location`: where a redirect sends the browser).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main(workspace: str, cases: list[dict]) -> dict:
    sys.path.insert(0, workspace)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = "taint.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from shop.models import Product

    for name in ("Chair", "Table", "Lamp"):
        Product.objects.create(name=name)
    commands: list[object] = []

    def fake_run(args, *rest, **options):  # record, never run
        commands.append({"args": args, "shell": bool(options.get("shell"))})
        return subprocess.CompletedProcess(args, 0)

    subprocess.run = fake_run
    results = {}
    client = Client()
    for case in cases:
        texts: list[str] = []
        params: list[str] = []
        commands.clear()

        def record(execute, sql, values, many, context):
            texts.append(sql)
            params.append(repr(values))
            return execute(sql, values, many, context)

        with connection.execute_wrapper(record):
            response = client.get(case["url"], {case["param"]: case["payload"]})
        results[case["id"]] = {"status": response.status_code, "sql_texts": texts, "sql_params": params,
                               "commands": list(commands), "body": response.content.decode(),
                               "location": response.get("Location")}
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
