"""The static settings evaluator against `django.conf.settings`, environment variables unset.

For each workspace project (and its production settings module), `settings_probe.py`, in
a subprocess, loads the settings with no environment variable the test's own environment
may have set for Django, and reports the settings the rules read. The static side is
`EvaluatedSettings.fresh(name)`: what a fresh deployment has. For every name:

- a value the analyser knows must equal Django's (tuples and lists alike);
- a list the analyser knows in part (`INSTALLED_APPS += plugins()`) must have its known
  entries in Django's list, in the same order;
- a value the analyser does not know is counted, never guessed; the test pins which
  names are unknown per module, so a regression that loses a value fails too.

SECRET_KEY is compared by presence (a non-empty string), DATABASES by each alias's ENGINE.
A settings module that cannot load without a variable (`os.environ["DJANGO_SECRET_KEY"]`)
is skipped at runtime; the analyser must then not claim to know its SECRET_KEY.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django_expert.analyzers.engine import load_projects
from django_expert.analyzers.facts.values import Const, Mapping, Seq, Value, literal
from tests.oracle import runner

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
PROBE = Path(__file__).resolve().with_name("settings_probe.py")
NAMES = [
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "INSTALLED_APPS", "MIDDLEWARE", "DATABASES", "REST_FRAMEWORK",
    "ROOT_URLCONF", "AUTH_USER_MODEL", "DEFAULT_AUTO_FIELD", "APPEND_SLASH", "X_FRAME_OPTIONS",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_ENGINE",
    "CSRF_COOKIE_SECURE", "CSRF_USE_SESSIONS", "CSRF_TRUSTED_ORIGINS",
]
# (project folder, settings module) -> the names the analyser may not know there, and why.
CASES = {
    ("shop", "shop.settings.dev"): set(),
    ("shop", "shop.settings.prod"): None,  # needs DJANGO_SECRET_KEY: Django cannot load it unset
    ("blog", "config.settings"): set(),
    ("multi/backend", "api_project.settings"): set(),
    ("multi/backend", "api_project.settings_production"): None,
    ("multi/legacy", "legacysite.settings"): set(),
    ("multi/legacy", "legacysite.settings_live"): None,
    ("nplusone", "nplusone.settings"): set(),
    ("split_settings", "splitsite.settings"): set(),  # INSTALLED_APPS is known in part
    ("environ_defaults", "envsite.settings"): set(),
    ("urlconf", "urlsite.settings"): set(),
    ("subapps", "tracker_site.settings"): set(),
    ("two_projects/api", "config.settings.dev"): set(),
    ("two_projects/api", "config.settings.prod"): None,  # needs DJANGO_SECRET_KEY
    ("two_projects/tools", "toolsite.settings"): set(),
    ("reusable_app/sandbox", "settings"): set(),
}
_UNKNOWN = object()
_FIGURES: dict[tuple[str, str], dict[str, int]] = {}


def _probe(folder: str, module: str, needed: dict[str, str] | None = None) -> dict | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "SECRET"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(needed or {})
    proc = subprocess.run(
        [sys.executable, str(PROBE), str(WORKSPACES / folder), module],
        input=json.dumps(NAMES), capture_output=True, text=True, timeout=120, env=env,
    )
    if proc.returncode != 0:
        assert "ImproperlyConfigured" in proc.stderr or "KeyError" in proc.stderr, proc.stderr[-2000:]
        return None
    return json.loads(proc.stdout)


def _settings(folder: str, module: str):
    for project in load_projects(WORKSPACES / folder):
        if module in project.layout.settings_modules or module == project.layout.settings_module:
            return project.settings(module)
    raise AssertionError(f"no project with settings {module} under {folder}")


def _static(settings, name: str):
    """("set", value) | ("partial", known entries) | ("unset",) | ("unknown",)."""
    if name == "REST_FRAMEWORK" and settings.get(name) is None:
        return ("unset",)
    value = settings.fresh(name)
    if value is None:
        return ("unset",)
    if name == "SECRET_KEY":
        return ("set", bool(value.value)) if isinstance(value, Const) else ("unknown",)
    if name == "DATABASES":
        return _engines(value)
    if isinstance(value, Seq) and any(not isinstance(i, (Const, Seq, Mapping)) for i in value.items):
        known = [i for i in value.items if isinstance(i, Const)]
        return ("partial", [literal(i) for i in known]) if known else ("unknown",)
    try:
        return ("set", json.loads(json.dumps(literal(value))))
    except (ValueError, TypeError):
        return ("unknown",)


def _engines(value: Value):
    if not isinstance(value, Mapping):
        return ("unknown",)
    engines = {}
    for alias, config in value.items:
        engine = config.get("ENGINE") if isinstance(config, Mapping) else None
        if not (isinstance(alias, Const) and isinstance(engine, Const)):
            return ("unknown",)
        engines[alias.value] = engine.value
    return ("set", engines)


def _subsequence(known: list, actual: list) -> bool:
    it = iter(actual)
    return all(any(item == other for other in it) for item in known)


@pytest.mark.parametrize(("folder", "module"), sorted(CASES), ids=lambda v: v)
def test_static_settings_equal_django_with_the_environment_unset(folder, module):
    settings = _settings(folder, module)
    runtime = _probe(folder, module)
    expected_unknown = CASES[folder, module]
    if runtime is None:
        # A required variable: Django cannot load the module unset. Given only that variable,
        # everything else must match, and the analyser claims nothing about the variable.
        assert expected_unknown is None, f"{module} did not load with the environment unset"
        runtime = _probe(folder, module, runner.NEEDED_ENV[module])
        assert runtime is not None, f"{module} did not load with {sorted(runner.NEEDED_ENV[module])} set"
        expected_unknown = {"SECRET_KEY"}
    wrong, unknown, figures = {}, set(), {"known": 0, "partial": 0, "unknown": 0}
    for name in NAMES:
        static, actual = _static(settings, name), runtime[name]
        if static[0] == "unknown":
            unknown.add(name)
        elif static[0] == "unset":
            if actual["set"] and name == "REST_FRAMEWORK":
                wrong[name] = "unset statically, set at runtime"
        elif static[0] == "partial":
            if not (actual["set"] and isinstance(actual["value"], list) and _subsequence(static[1], actual["value"])):
                wrong[name] = "known entries not in Django's list, in order"
        elif not actual["set"] or actual["value"] != static[1]:
            wrong[name] = "differs from Django's value"  # values are not printed: some are secrets
        figures[{"set": "known", "unset": "known"}.get(static[0], static[0])] += 1
    _FIGURES[folder, module] = figures
    assert wrong == {}
    assert unknown == expected_unknown


def test_partly_known_lists_are_reported_as_such():
    settings = _settings("split_settings", "splitsite.settings")
    assert _static(settings, "INSTALLED_APPS")[0] == "partial"
    assert "INSTALLED_APPS" in settings.partly_unknown()
    assert _static(_settings("environ_defaults", "envsite.settings"), "INSTALLED_APPS")[0] == "set"


def test_zz_figures(capsys):
    """Prints how many of the names were known, known in part, unknown, per module (run
    with -s to see them; the assertions are in the test above)."""
    with capsys.disabled():
        for (folder, module), figures in sorted(_FIGURES.items()):
            print(f"\n{folder} {module}: {figures}")
