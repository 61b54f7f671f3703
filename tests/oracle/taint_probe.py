"""Send a payload to views of tests/workspaces/taint and see where it arrives.

Usage: python taint_probe.py WORKSPACE CASES_JSON

Runs in its own interpreter (the test never imports Django): sets the workspace's settings
up on an in-memory database, creates three products, then for each case
`{"id", "url", "param", "payload", "send"}` requests `url?param=payload` through the test
client (or POSTs the payload as the body, or uploads it as the file `param`) and records
every SQL text the database received (before parameters are bound, through
`connection.execute_wrapper`), every command `subprocess.run` was asked to run, and the data
`pickle.loads`/`load` and `yaml.load` were given (all stubbed: nothing is executed or
unpickled). Prints `{id: {"status", "sql_texts", "sql_params", "commands", "loaded", "body",
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
    loaded: list[dict] = []
    _record_loaders(loaded)
    results = {}
    client = Client()
    for case in cases:
        texts: list[str] = []
        params: list[str] = []
        commands.clear()
        loaded.clear()

        def record(execute, sql, values, many, context):
            texts.append(sql)
            params.append(repr(values))
            return execute(sql, values, many, context)

        with connection.execute_wrapper(record):
            response = _send(client, case)
        results[case["id"]] = {"status": response.status_code, "sql_texts": texts, "sql_params": params,
                               "commands": list(commands), "loaded": list(loaded),
                               "body": response.content.decode(), "location": response.get("Location")}
    return results


def _send(client, case: dict):
    if case["send"] == "body":
        return client.post(case["url"], case["payload"].encode(), content_type="application/octet-stream")
    if case["send"] == "file":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("upload.yml", case["payload"].encode())
        return client.post(case["url"], {case["param"]: upload})
    return client.get(case["url"], {case["param"]: case["payload"]})


def _record_loaders(loaded: list[dict]) -> None:
    """Replace pickle's and PyYAML's loaders by recorders: what they were given, and whether
    the loader could run code. Nothing is loaded (`yaml.safe_load` calls `yaml.load` with
    `SafeLoader`, so it is recorded as safe)."""
    import pickle

    import yaml

    def text(data) -> str:
        data = data.read() if hasattr(data, "read") else data
        return data.decode() if isinstance(data, bytes) else str(data)

    def fake_pickle_loads(data, *rest, **options):
        loaded.append({"loader": "pickle", "data": text(data), "unsafe": True})
        return {}

    def fake_yaml_load(stream, Loader=None):  # noqa: N803 (PyYAML's name)
        safe = Loader is not None and Loader.__name__ in ("SafeLoader", "CSafeLoader", "BaseLoader")
        loaded.append({"loader": f"yaml/{getattr(Loader, '__name__', None)}", "data": text(stream), "unsafe": not safe})
        return {}

    pickle.loads = pickle.load = fake_pickle_loads
    yaml.load = fake_yaml_load


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
