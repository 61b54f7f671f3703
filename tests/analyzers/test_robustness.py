"""Bad input gets a clear problem and loses nothing; the engine never raises."""

import logging
import time
from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.rules import registry
from tests.analyzers.rules.helpers import ALL_RULES, engine_for, write_project

MODELS = """
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=10, null=True)

    def __str__(self):
        return self.name
"""


def codes(engine: Engine, path: Path) -> list[str]:
    return [f.code for f in engine.findings(path)]


def test_syntax_error_while_typing_keeps_facts_and_findings(tmp_path):
    engine, root = engine_for(tmp_path, {"app/models.py": MODELS})
    path = root / "app/models.py"
    assert codes(engine, path) == ["DJE201"]
    for partial in ("class Tag(models.Model", "    name = models.CharField(max_length=", "def"):
        engine.update(path, MODELS + "\n" + partial)
        findings = engine.findings(path)
        assert findings[0].code == "DJE000" and findings[0].severity.value == "error"
        assert "DJE201" in [f.code for f in findings[1:]]
    assert engine.project_for(path).model("app.Tag") is not None, "the last good facts stay"


def test_a_file_that_is_not_utf8_is_reported_and_skipped(tmp_path):
    root = write_project(tmp_path / "p", {"app/models.py": MODELS})
    (root / "app/legacy.py").write_bytes(b"# caf\xe9\nNAME = 'caf\xe9'\n")
    (root / "app/declared.py").write_bytes(b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n")
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    [problem] = engine.findings(root / "app/legacy.py")
    assert problem.code == "DJE000" and "not valid utf-8" in problem.message
    assert engine.findings(root / "app/declared.py") == [], "a PEP 263 declaration is honoured"
    assert codes(engine, root / "app/models.py") == ["DJE201"]


def test_a_huge_generated_file_is_not_analysed_and_costs_nothing(tmp_path):
    root = write_project(tmp_path / "p", {"app/models.py": MODELS})
    big = root / "app/generated.py"
    big.write_text("DATA = [\n" + "    'x' * 10,\n" * 720_000 + "]\n")
    assert big.stat().st_size > 10_000_000
    engine = Engine([root], ALL_RULES, use_cache=False)
    started = time.perf_counter()
    engine.index()
    [problem] = engine.findings(big)
    assert time.perf_counter() - started < 2.0
    assert problem.severity.value == "info" and "max-file-size" in problem.message
    assert codes(engine, root / "app/models.py") == ["DJE201"]


def test_a_settings_module_that_does_not_exist(tmp_path):
    root = write_project(tmp_path / "p", {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "nowhere.settings")\n',
        "app/models.py": MODELS,
    })
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    assert any("nowhere.settings" in problem for problem in engine.problems)
    engine.all_findings()  # no exception; rules that need settings stay silent


def test_circular_star_imports_in_settings(tmp_path):
    root = write_project(tmp_path / "p", {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")\n',
        "config/settings/__init__.py": "",
        "config/settings/base.py": "from .prod import *\nINSTALLED_APPS = ['app']\n",
        "config/settings/prod.py": "from .base import *\nDEBUG = False\n",
        "app/models.py": MODELS,
    })
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    settings = engine.projects[0].model.settings("config.settings.prod")
    assert settings.problems, "the cycle is reported"
    engine.all_findings()


def test_a_model_inheriting_from_itself_through_a_cycle(tmp_path):
    engine, root = engine_for(tmp_path, {"app/models.py": """
        from django.db import models


        class A(B):
            x = models.CharField(max_length=1, null=True)


        class B(A):
            y = models.CharField(max_length=1, null=True)


        class C(C):
            pass
    """})
    engine.all_findings()  # terminates without RecursionError
    assert engine.project_for(root / "app/models.py").mro("app.models.A")


def test_an_unknown_config_key_is_one_clear_problem(tmp_path):
    root = write_project(tmp_path / "p", {
        "pyproject.toml": '[tool.django-expert]\nselcet = ["DJE2"]\n',
        "app/models.py": MODELS,
    })
    engine = Engine([root], use_cache=False)
    engine.index()
    assert any("unknown key 'selcet'" in problem for problem in engine.problems)
    assert codes(engine, root / "app/models.py") == [], "defaults apply: the recommended tier, without DJE201"


def test_a_rule_that_raises_is_logged_and_the_others_still_report(tmp_path, caplog, monkeypatch):
    rules = registry.all_rules()
    broken = rules["DJE202"]

    def explode(ctx):
        raise RuntimeError("boom")
        yield

    monkeypatch.setitem(registry._RULES, "DJE202", type(broken)(**{**broken.__dict__, "check": explode}))
    with caplog.at_level(logging.ERROR):
        engine, root = engine_for(tmp_path, {"app/models.py": MODELS.replace("    def __str__(self):\n        return self.name\n", "")})
        assert codes(engine, root / "app/models.py") == ["DJE201"]
    assert any("DJE202" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("name", ["manage.py", "app/models.py"])
def test_an_empty_or_binary_file(tmp_path, name):
    root = write_project(tmp_path / "p", {"app/models.py": MODELS})
    (root / name).write_bytes(b"\x00\x01\x02binary\xff")
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    [problem] = engine.findings(root / name)
    assert problem.code == "DJE000"


def test_syntax_of_a_newer_python_is_analysed_not_reported(tmp_path):
    root = write_project(tmp_path / "p", {
        "app/modern.py": 'NAMES = {"a": 1}\nLABEL = f"{NAMES["a"]}"\n',
        "app/generic.py": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        "app/typo.py": "VALUES = [1, 2\n",
    })
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    for name in ("modern", "generic"):
        assert engine.findings(root / f"app/{name}.py") == []
    assert "first" in [function.name for function in engine.state(root / "app/generic.py").facts.functions]
    [typo] = engine.findings(root / "app/typo.py")
    assert typo.severity.value == "error" and typo.message.startswith("syntax error")


@pytest.mark.parametrize("depth", [3_000, 6_000, 100_000])
def test_an_expression_nested_past_the_parser_limits_is_one_file_not_the_run(tmp_path, depth):
    engine, root = engine_for(tmp_path, {"app/models.py": MODELS, "app/deep.py": "x = " + "-" * depth + "1\n"})
    deep = engine.findings(root / "app/deep.py")
    assert [(f.code, f.message) for f in deep] == [("DJE000", "not analysed: expression nested too deeply")]
    assert codes(engine, root / "app/models.py") == ["DJE201"]
