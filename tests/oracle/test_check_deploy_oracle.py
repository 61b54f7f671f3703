"""The deploy-settings rules against Django's own `manage.py check --deploy`.

For every production settings module of tests/workspaces/ (as discovery finds them: the
modules wsgi.py/asgi.py load and those named prod, production or live), real Django runs
`check --deploy` in a subprocess on a temporary copy of the project, with only the
environment variables the module cannot load without (a long random secret key for
`os.environ["DJANGO_SECRET_KEY"]`, see NEEDED_ENV; values read with a default take the
default, as the rules assume). The `security.*` ids Django reports must be exactly the
ids our findings carry in their messages, no more and no fewer.

The mapping (each rule module exposes its part as `DJANGO_CHECKS`):

| Django check | rule |
|---|---|
| security.W001, W002, W003 (SecurityMiddleware, XFrameOptionsMiddleware, CsrfViewMiddleware missing) | DJE101 missing-security-middleware, reported where MIDDLEWARE is set |
| security.W004, W005, W006, W008, W019, W021, W022 (HSTS, nosniff, SSL redirect, X-Frame-Options, referrer policy) | DJE405 missing-https-hardening |
| security.W009 (weak SECRET_KEY) | DJE402 hardcoded-secret-key, when the hard-coded key is also weak |
| security.W010, W011, W012, W016 (session and CSRF cookies not secure) | DJE404 insecure-cookies |
| security.W018 (DEBUG on) | DJE401 debug-enabled |
| security.W020 (ALLOWED_HOSTS empty) | DJE403 allowed-hosts-wildcard, when the list is empty |

Django's other deploy checks (W013-W015 HttpOnly session cookie, W025 secret key fallbacks,
E023/E024 invalid policy values) have no rule here and are left out of the comparison.
Findings without a check id in their message (a `"*"` host, a long hard-coded key) have no
Django counterpart and are not compared either.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django_expert.analyzers.engine import Engine
from django_expert.analyzers.project.discovery import discover
from django_expert.analyzers.rules.architecture import missing_security_middleware
from django_expert.analyzers.rules.security import (
    allowed_hosts_wildcard,
    debug_enabled,
    hardcoded_secret_key,
    insecure_cookies,
    missing_https_hardening,
)

from tests.oracle import runner

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
CHECK_ID = re.compile(r"\b(security\.[WE]\d{3})\b")
RULE_MODULES = {
    "DJE101": missing_security_middleware,
    "DJE401": debug_enabled,
    "DJE402": hardcoded_secret_key,
    "DJE403": allowed_hosts_wildcard,
    "DJE404": insecure_cookies,
    "DJE405": missing_https_hardening,
}
MAPPED = {check_id: code for code, module in RULE_MODULES.items() for check_id in module.DJANGO_CHECKS}
# Production settings modules that read a variable without a default, and those variables.
NEEDED_ENV = runner.NEEDED_ENV  # shared with the settings oracle
# (project folder, production settings module, environment)
CASES = sorted(
    (layout.root.relative_to(WORKSPACES).as_posix(), module, NEEDED_ENV.get(module, {}))
    for layout in discover(WORKSPACES)
    for module in layout.production_settings
)


def test_every_check_id_belongs_to_one_rule():
    owners: dict[str, list[str]] = {}
    for code, module in RULE_MODULES.items():
        for check_id in module.DJANGO_CHECKS:
            owners.setdefault(check_id, []).append(code)
    assert {check_id: codes for check_id, codes in owners.items() if len(codes) > 1} == {}
    assert set(MAPPED) >= {f"security.W0{n:02d}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 16, 18, 19, 20, 21, 22)}


def test_the_workspaces_hold_the_production_modules_this_test_relies_on():
    modules = {module for _, module, _ in CASES}
    assert modules >= {"shop.settings.prod", "config.settings", *NEEDED_ENV}
    together: set[str] = set()
    for folder, module, env in CASES:
        together |= _django_ids_for(folder, module, env)
    assert together >= set(MAPPED) - {"security.W010", "security.W011"}, "each mapped check is exercised"


_IDS: dict[tuple[str, str], set[str]] = {}


def _django_ids_for(folder: str, module: str, env: dict[str, str]) -> set[str]:
    """Django's ids for one case, computed once per test session."""
    if (folder, module) not in _IDS:
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            project = Path(scratch) / "project"
            shutil.copytree(WORKSPACES / folder, project, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", ".env"))
            _IDS[folder, module] = _django_ids(project, module, env)
    return _IDS[folder, module]


def _django_ids(project: Path, module: str, env: dict[str, str]) -> set[str]:
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")}
    clean.update(env, PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", f"--settings={module}"],
        check=False, cwd=project, env=clean, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"manage.py check --deploy failed:\n{result.stderr[-3000:]}"
    return set(CHECK_ID.findall(result.stdout + result.stderr))


def _our_ids(project: Path, module: str) -> tuple[set[str], list[str]]:
    engine = Engine([project], use_cache=False)
    engine.index()
    [state] = [p for p in engine.projects if p.layout.root == project.resolve()]
    model = state.model
    middleware = model.settings(module).get("MIDDLEWARE")
    files = {
        "DJE101": model.path_of(middleware.module) if middleware is not None else None,
        **{code: model.path_of(module) for code in ("DJE401", "DJE402", "DJE403", "DJE404", "DJE405")},
    }
    ids: set[str] = set()
    messages = []
    for code, path in files.items():
        for finding in engine.findings(path) if path else ():
            if finding.code == code:
                messages.append(f"{code}: {finding.message}")
                for check_id in CHECK_ID.findall(finding.message):
                    assert check_id in RULE_MODULES[code].DJANGO_CHECKS, f"{code} reports {check_id}, not in its mapping"
                    ids.add(check_id)
    return ids, messages


@pytest.mark.parametrize(("folder", "module", "env"), CASES, ids=[c[1] for c in CASES])
def test_deploy_findings_match_check_deploy(tmp_path, folder, module, env):
    project = tmp_path / "project"
    shutil.copytree(WORKSPACES / folder, project, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", ".env"))
    django = _django_ids_for(folder, module, env) & set(MAPPED)
    ours, messages = _our_ids(project, module)
    assert sorted(ours - django) == [], f"reported but not by Django; findings: {messages}"
    assert sorted(django - ours) == [], f"Django reports these, we do not; findings: {messages}"
