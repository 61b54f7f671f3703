"""Ask Django for the settings values the rules read, with the environment variables unset.

Usage: python settings_probe.py WORKSPACE SETTINGS < names.json

Runs in its own interpreter (the test never imports Django itself) and only loads the
settings (`django.conf.settings`), never the apps. Prints `{name: entry}` for each name
asked: `{"set": false}` when Django has no such setting (REST_FRAMEWORK never assigned),
else `{"set": true, "value": ...}` with tuples as lists and anything JSON cannot hold as
`{"repr_of": type name}`. Two names are reduced on purpose: SECRET_KEY to whether it is a
non-empty string (its value is a secret), DATABASES to `{alias: ENGINE}`.
"""

from __future__ import annotations

import json
import os
import sys


def main(workspace: str, settings_module: str, names: list[str]) -> dict:
    workspace = os.path.abspath(workspace)
    sys.path.insert(0, workspace)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    from django.conf import settings

    return {name: _entry(settings, name) for name in names}


def _entry(settings, name: str) -> dict:
    if not hasattr(settings, name):
        return {"set": False}
    value = getattr(settings, name)
    if name == "SECRET_KEY":
        value = isinstance(value, str) and bool(value)
    elif name == "DATABASES":
        value = {alias: config.get("ENGINE") for alias, config in value.items()}
    return {"set": True, "value": _plain(value)}


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"repr_of": type(value).__name__}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], json.load(sys.stdin))))
