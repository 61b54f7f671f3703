"""Run ``django_dump.py`` in a subprocess and return its JSON as a dict.

Tests use this instead of importing Django into their own process, so every
project gets a fresh interpreter with its own settings.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("django_dump.py")
# Production settings modules of the workspaces that read a required environment variable
# (`os.environ["DJANGO_SECRET_KEY"]`): Django cannot load them without it.
NEEDED_ENV = {
    "shop.settings.prod": {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60)},
    "api_project.settings_production": {"BACKEND_SECRET_KEY": secrets.token_urlsafe(60)},
    "legacysite.settings_live": {"LEGACY_SECRET_KEY": secrets.token_urlsafe(60)},
    "config.settings.prod": {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60)},
}
TIMEOUT = 120


class OracleError(RuntimeError):
    """The dump script failed; the message carries its stderr."""


def _run(args, env=None, cwd=None, python=None):
    full_env = dict(os.environ)
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env["PYTHONDONTWRITEBYTECODE"] = "1"
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [python or sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=full_env,
        cwd=cwd,
    )
    if proc.returncode != 0:
        raise OracleError(
            f"django_dump.py {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}"
        )
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise OracleError(f"django_dump.py printed invalid JSON: {exc}\n{proc.stdout[:2000]}") from exc


def dump(project_root, settings_module, app_labels=None, env=None, python=None) -> dict:
    """Dump the models of the project at ``project_root`` under ``settings_module``.

    ``app_labels`` keeps only those apps; ``env`` adds environment variables
    (e.g. ``{"DJANGO_SECRET_KEY": "..."}`` for production settings); ``python`` is the
    interpreter to run Django with (default: this one), for a project in newer syntax.
    """
    args = [str(project_root), settings_module]
    if app_labels:
        args += ["--app-labels", ",".join(app_labels)]
    return _run(args, env=env, cwd=str(project_root), python=python)


def dump_contrib(app_labels=None) -> dict:
    """Dump Django's contrib apps (auth, admin, contenttypes, sessions, sites,
    flatpages, redirects, messages) under minimal in-process settings."""
    args = ["--contrib"]
    if app_labels:
        args += ["--app-labels", ",".join(app_labels)]
    return _run(args)
