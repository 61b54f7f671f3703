"""`check --baseline`: a team adopts django-expert on a large project and fails only on new
findings; keys survive moved code, count duplicates, and a bad file is a usage error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine
from django_expert.server.baseline import Baseline, fingerprint
from tests.analyzers.rules.helpers import write_project

SCRIPT = Path(sys.executable).with_name("django-expert")

MODELS = """
    from django.db import models


    class Product(models.Model):
        name = models.CharField(max_length=100)
        price = models.FloatField()

        def __str__(self):
            return self.name
"""

SECOND = """

    class Invoice(models.Model):
        total = models.FloatField()

        def __str__(self):
            return str(self.total)
"""


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "p", {"app/models.py": MODELS})


def run(*args, env):
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    return subprocess.run([*command, *map(str, args)], check=False, capture_output=True, text=True, env=env,
                          timeout=120)


def new_findings(project, baseline, env) -> tuple[int, list[tuple[str, int]]]:
    result = run("check", project, "--format", "json", "--baseline", baseline, env=env)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    return result.returncode, [(f["code"], f["location"]["row"]) for f in document["findings"]]


def edit(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_a_baselined_project_fails_only_on_the_new_finding(project, tmp_path, env):
    baseline = tmp_path / "baseline.json"
    written = run("check", project, "--write-baseline", baseline, env=env)
    assert written.returncode == 0, written.stderr
    assert "Wrote 1 finding to the baseline" in written.stderr
    assert new_findings(project, baseline, env) == (0, [])

    edit(project / "app/models.py", MODELS + SECOND)
    assert new_findings(project, baseline, env) == (1, [("DJE205", 13)]), "only Invoice.total is new"


def test_moving_code_by_twenty_lines_reports_nothing(project, tmp_path, env):
    baseline = tmp_path / "baseline.json"
    assert run("check", project, "--write-baseline", baseline, env=env).returncode == 0
    moved = MODELS.replace("from django.db import models\n", "from django.db import models\n" + "\n" * 20)
    edit(project / "app/models.py", moved)
    assert new_findings(project, baseline, env) == (0, [])
    text = run("check", project, "--baseline", baseline, env=env)
    assert text.returncode == 0 and "1 baselined finding not shown" in text.stderr


def test_a_duplicate_in_the_same_symbol_is_new(tmp_path):
    services = """
        from app.models import Product


        def sizes():
            total = len(Product.objects.all())
            return total
    """
    project = write_project(tmp_path / "p", {"app/models.py": MODELS, "app/services.py": services})
    engine = Engine([project], use_cache=False)
    engine.index()
    baseline = Baseline.of(engine, [f for fs in engine.all_findings().values() for f in fs if f.code == "DJE505"])
    twice = services.replace("return total", "again = len(Product.objects.all())\n            return total + again")
    engine.update(project / "app/services.py", textwrap.dedent(twice).lstrip("\n"))
    after = [f for fs in engine.all_findings().values() for f in fs if f.code == "DJE505"]
    new, known = baseline.split(engine, after)
    assert [f.span.start.line for f in known] == [4] and [f.span.start.line for f in new] == [5]


def test_positions_in_a_message_do_not_change_its_fingerprint():
    assert fingerprint("shadows `x` at models.py:12:4 (line 12)") == fingerprint("shadows `x` at  models.py:40:0 (line 40)")
    assert fingerprint("price is a float") != fingerprint("total is a float")


@pytest.mark.parametrize("content", ["{not json", '{"version": 1}', '{"version": 9, "findings": []}',
                                     '{"version": 1, "findings": [{"code": "DJE205"}]}', "[]"])
def test_a_malformed_baseline_is_one_line_and_exit_2(project, tmp_path, env, content):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    result = run("check", project, "--baseline", baseline, env=env)
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert str(baseline) in result.stderr and "baseline" in result.stderr


def test_a_missing_baseline_is_exit_2(project, tmp_path, env):
    result = run("check", project, "--baseline", tmp_path / "absent.json", env=env)
    assert result.returncode == 2 and "cannot read the baseline" in result.stderr
