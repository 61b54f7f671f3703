"""tests/workspaces/modern_syntax, written in Python 3.12/3.13 syntax, against Django running it.

The analyser reads the project on the Python of the test suite (3.11, which cannot parse
it); Django can only import it on a Python that has the syntax itself, so the oracle
scripts run under the interpreter `setup_modern_python.sh` prepares (Python >= 3.13 with
Django 5.2). The static models, URL names and routes and the settings the rules read must
equal what Django reports, as for the other workspaces; Django also confirms the project
checks clean and its migrations are current. Without that interpreter the Django side
skips, saying why.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine, load_projects
from django_expert.analyzers.navigation.urls import url_index
from tests.oracle import runner
from tests.oracle.test_model_oracle import _differences
from tests.oracle.test_settings_oracle import NAMES, _static
from tests.oracle.test_settings_oracle import PROBE as SETTINGS_PROBE
from tests.oracle.test_url_oracle import PROBE as URL_PROBE
from tests.oracle.test_url_oracle import static_pairs

ROOT = Path(__file__).resolve().parents[1] / "workspaces" / "modern_syntax"
SETTINGS = "modernsite.settings"
STATE = Path(os.environ.get("DJANGO_EXPERT_MODERN_PYTHON_DIR", "/tmp/django-expert-modern-python"))
NEWER_SYNTAX_FILES = ["modernsite/settings.py", "modernsite/urls.py", "catalog/models.py", "catalog/views.py",
                      "catalog/urls.py"]


@cache
def modern_python() -> str | None:
    python = STATE / "venv" / "bin" / "python"
    try:
        found = subprocess.run([str(python), "-c", "import sys, django; print(sys.version_info >= (3, 13))"],
                               capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return str(python) if found.returncode == 0 and found.stdout.strip() == "True" else None


def needs_modern_python() -> str:
    python = modern_python()
    if python is None:
        pytest.skip(f"no Python >= 3.13 with Django 5.2 at {STATE}/venv: tests/oracle/setup_modern_python.sh "
                    "makes it from a Python >= 3.13 already on the machine (none is in Debian bookworm's apt)")
    return python


def _run(python: str, *args: str, stdin: str | None = None, cwd: Path = ROOT) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "SECRET"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([python, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env=env, cwd=str(cwd))
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}"
    return proc.stdout


def _project():
    [project] = [p for p in load_projects(ROOT) if p.layout.settings_module == SETTINGS]
    return project


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses the workspace itself")
def test_the_workspace_is_in_syntax_this_python_cannot_parse():
    for name in NEWER_SYNTAX_FILES:
        with pytest.raises(SyntaxError):
            ast.parse((ROOT / name).read_text(encoding="utf-8"))


def test_the_analyser_reads_every_file_and_finds_the_deliberate_defect():
    engine = Engine([ROOT], use_cache=False)
    engine.index()
    found = {path.relative_to(ROOT).as_posix(): [(f.code, f.span.start.line + 1) for f in findings]
             for path, findings in engine.all_findings().items() if findings}
    assert found == {"catalog/views.py": [("DJE407", 10)]}


def test_models_match_django():
    python = needs_modern_python()
    dumped = runner.dump(ROOT, SETTINGS, python=python)
    assert {"shelfware.Shelf", "shelfware.Tag", "shelfware.Book"} <= set(dumped["models"])
    lines = _differences(_project(), dumped)
    assert not lines, "static models differ from Django for modern_syntax:\n" + "\n".join(lines)


def test_url_names_and_routes_match_django():
    python = needs_modern_python()
    found = json.loads(_run(python, str(URL_PROBE), str(ROOT), SETTINGS))
    assert "cannot_run" not in found, found
    expected = {(name, pattern) for name, pattern in found["patterns"]}
    static = static_pairs(url_index(_project()))
    assert static == expected
    assert ("catalog:shelf-detail", "catalog/shelves/<int:pk>/") in static


def test_settings_the_rules_read_match_django():
    python = needs_modern_python()
    runtime = json.loads(_run(python, str(SETTINGS_PROBE), str(ROOT), SETTINGS, stdin=json.dumps(NAMES)))
    settings = _project().settings(SETTINGS)
    wrong = {}
    for name in NAMES:
        static, actual = _static(settings, name), runtime[name]
        if static[0] in ("unknown", "partial"):
            wrong[name] = f"not known statically ({static[0]})"  # every value here is a plain constant
        elif static[0] == "unset" and actual["set"] and name == "REST_FRAMEWORK":
            wrong[name] = "unset statically, set at runtime"
        elif static[0] == "set" and (not actual["set"] or actual["value"] != static[1]):
            wrong[name] = "differs from Django's value"
    assert wrong == {}


def test_django_checks_the_project_and_its_migrations_are_current(tmp_path):
    python = needs_modern_python()
    project = Path(shutil.copytree(ROOT, tmp_path / "modern_syntax", ignore=shutil.ignore_patterns("__pycache__")))
    _run(python, "manage.py", "check", "--fail-level", "WARNING", cwd=project)
    _run(python, "manage.py", "makemigrations", "--check", "--dry-run", cwd=project)
