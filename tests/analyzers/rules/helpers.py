"""Run rules on small projects written from strings, through the real engine.

`findings(tmp_path, files, code)` returns one rule's findings; `check_noop` asserts a rule
is silent; `check_fixed` applies the (single) finding's fix and compares the new text.
Files are relative to the project root; a manage.py and a settings module with DRF and an
app called `app` are added unless given.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.findings import Finding
from django_expert.analyzers.fixes import apply_edits

DEFAULTS = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
    "config/__init__.py": "",
    "config/settings.py": (
        'SECRET_KEY = "x"\n'
        'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]\n'
        'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
    ),
    "app/__init__.py": "",
}


# Every rule selected, pedantic ones too: a test of a rule, or one using a pedantic rule's
# finding as its sample, is not about the default selection.
ALL_RULES = {"select": ["ALL"]}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**DEFAULTS, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def engine_for(tmp_path: Path, files: dict[str, str]) -> tuple[Engine, Path]:
    """The engine over the project, every rule selected."""
    root = write_project(tmp_path / "project", files)
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    return engine, root


def findings(tmp_path: Path, files: dict[str, str], code: str) -> list[Finding]:
    engine, _ = engine_for(tmp_path, files)
    return [f for fs in engine.all_findings().values() for f in fs if f.code == code]


def check_noop(tmp_path: Path, files: dict[str, str], code: str) -> None:
    found = findings(tmp_path, files, code)
    assert found == [], f"{code} must stay silent, got: {[f.message for f in found]}"


def check_fixed(tmp_path: Path, files: dict[str, str], code: str, expected: dict[str, str]) -> Finding:
    """The single finding of `code` is fixed into `expected` (path -> text), which parses,
    and checking again no longer reports it."""
    engine, root = engine_for(tmp_path, files)
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == code]
    assert len(found) == 1, f"expected one {code}, got {[f.message for f in found]}"
    fix = engine.fix(found[0])
    assert fix is not None, f"{code} offers no fix"
    for name, text in expected.items():
        path = root / name
        new = apply_edits(path.read_text(), [e for e in fix.edits if Path(e.path) == path])
        assert new == textwrap.dedent(text).lstrip("\n")
        ast.parse(new)
        engine.update(path, new)
    again = [f for fs in engine.all_findings().values() for f in fs if f.code == code]
    assert again == [], f"{code} still reported after its fix: {[f.message for f in again]}"
    return found[0]
