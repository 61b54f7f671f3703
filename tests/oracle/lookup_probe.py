"""Ask Django which lookup paths it accepts.

Usage: python lookup_probe.py WORKSPACE SETTINGS < cases.json

Runs in its own interpreter (the test never imports Django itself), on a migrated
in-memory test database (generic relations read ContentType rows; nothing is written in
the workspace). A case is `{"id": ..., "model": "app_label.Model", "mode": "filter" |
"order" | "select", "path": ...}`. "filter" tries `Model.objects.filter(**{path: value})`
with values of several types until one builds a query: only a `FieldError` means Django
rejects the path (a value of the wrong type raises something else, and the next value is
tried). "order" compiles `order_by(path)`, "select" compiles `select_related(path)`;
`str(queryset.query)` only compiles SQL. Prints `{id: "ok" | "rejected: message"}`.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import sys
import uuid

_SCALARS = [1, "x", True, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), datetime.date(2020, 1, 1),
            datetime.time(1, 2), decimal.Decimal("1.5"), uuid.UUID(int=1), datetime.timedelta(1), {"a": 1}]
VALUES = [*_SCALARS, *([v] for v in _SCALARS), *((v, v) for v in _SCALARS[:8])]


def main(workspace: str, settings_module: str, cases: list[dict]) -> dict:
    sys.path.insert(0, workspace)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    return {case["id"]: _verdict(apps.get_model(case["model"]), case["mode"], case["path"]) for case in cases}


def _verdict(model, mode: str, path: str) -> str:
    from django.core.exceptions import FieldDoesNotExist, FieldError

    manager = model._base_manager
    if mode in ("order", "select"):
        try:
            queryset = manager.order_by(path) if mode == "order" else manager.select_related(path)
            str(queryset.query)
            return "ok"
        except (FieldError, FieldDoesNotExist) as error:
            return f"rejected: {error}"
    errors = []
    for value in VALUES:
        try:
            str(manager.filter(**{path: value}).query)
            return "ok"
        except FieldError as error:
            return f"rejected: {error}"
        except Exception as error:  # the value's type, not the path
            errors.append(f"{type(error).__name__}: {error}")
    return "ok (no value fits: " + "; ".join(sorted(set(errors)))[:300] + ")"


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], json.load(sys.stdin))))
