"""Memory across engagements: what a person wrote survives, decisions are kept and change
how findings are presented (in the next report and in `check`), concurrent engagements do
not corrupt memory, and names or folders cannot lead outside the workspace."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from engagement_helpers import (
    MEMORY_FILES,
    SCRIPT,
    check_json,
    engage,
    memory_dir,
    run,
)

from django_expert.analyzers.engine import Engine
from django_expert.memory import MarkdownMemoryStore
from django_expert.server.engagement import find_finding, record_decision

PERSON = "Our team splits the catalogue from orders on purpose: orders must never import catalog views.\n"
HAND_WRITTEN = "- 2026-01-15 todo DJE201 at catalog/models.py::Product.description: migrate the NULLs first\n"


@pytest.fixture
def shop(shop):
    """The shop with every rule selected: the decisions recorded here are on its pedantic
    findings (DJE201, DJE301)."""
    (shop / "pyproject.toml").write_text('[tool.django-expert]\nselect = ["ALL"]\n')
    return shop


def _sections(text: str) -> list[str]:
    return re.findall(r"<!-- django-expert:begin ([\w.-]+) -->", text)


def _record_accepted(shop: Path, reason: str):
    engine = Engine([shop], use_cache=False)
    engine.index()
    finding = find_finding(engine, shop / "catalog" / "serializers.py", "DJE301", 8)
    assert finding is not None, [f.code for f in engine.findings(shop / "catalog" / "serializers.py")]
    return record_decision(engine, finding, reason)


def test_a_second_engagement_keeps_human_text_and_every_decision(shop, env):
    engage(shop, env=env)
    notes = memory_dir(shop) / "architecture_notes.md"
    text = notes.read_text(encoding="utf-8")
    assert "## Decisions" in text
    head, decisions = text.split("## Decisions", 1)
    notes.write_text(head + PERSON + "\n## Decisions" + decisions.rstrip("\n") + "\n" + HAND_WRITTEN, encoding="utf-8")
    decision = _record_accepted(shop, "categories are public reference data")
    assert decision.target == "catalog/serializers.py::CategorySerializer"
    engage(shop, env=env)
    after = notes.read_text(encoding="utf-8")
    assert PERSON in after
    assert HAND_WRITTEN.strip() in after
    assert "accepted DJE301 at catalog/serializers.py::CategorySerializer: categories are public reference data" in after
    assert sorted(_sections(after)) == sorted(set(_sections(after))), "each generated section once"
    assert after.index(PERSON) < after.index("## Decisions")
    for name in MEMORY_FILES:
        body = (memory_dir(shop) / name).read_text(encoding="utf-8")
        assert len(_sections(body)) == len(set(_sections(body))) >= 3, name


def test_a_recorded_decision_changes_the_next_report_and_check(shop, env):
    engage(shop, env=env)
    _record_accepted(shop, "categories are public reference data")
    report = engage(shop, env=env).read_text(encoding="utf-8")
    memory = report[report.index("## 2. Memory loaded"): report.index("## 3. Context loaded")]
    assert "| DJE301 | `catalog/serializers.py::CategorySerializer` | accepted | categories are public reference data |" \
        in memory
    findings = report[report.index("## 5. Findings"): report.index("## 6. Guidance")]
    covered = findings[findings.index("### Covered by a recorded decision"):]
    assert "[catalog/serializers.py:9](../catalog/serializers.py#L9)" in covered
    assert "hint, **accepted**: categories are public reference data" in covered
    assert "architecture_notes.md:" in covered
    open_part = findings[: findings.index("### Covered by a recorded decision")]
    assert "catalog/serializers.py:9" not in open_part
    elsewhere = report.replace(covered, "")  # the open findings, or the appendix of bulk (pedantic) rules
    assert "orders/serializers.py:19" in elsewhere, "the other DJE301 finding is not covered"

    checked = {(f["code"], f["filename"]): f for f in check_json(shop, env)}
    accepted = checked[("DJE301", "catalog/serializers.py")]
    assert accepted["severity"] == "hint"
    assert accepted["message"].endswith("(accepted: categories are public reference data)")
    assert checked[("DJE301", "orders/serializers.py")]["severity"] == "warning"
    text = run("check", shop, env=env).stdout
    line = next(line for line in text.splitlines() if line.startswith(f"{shop}/catalog/serializers.py:9:"))
    assert "(accepted: categories are public reference data)" in line

    twin = json.loads(Path(str(shop / "claudedocs" / sorted((shop / "claudedocs").glob("*-2.json"))[0].name))
                      .read_text(encoding="utf-8"))
    decided = [f for f in twin["findings"] if f["decision"]]
    assert [(f["code"], f["filename"], f["severity"], f["decision"]["status"]) for f in decided] == [
        ("DJE301", "catalog/serializers.py", "hint", "accepted")]


def test_a_todo_decision_keeps_the_severity_and_shows_the_reason(shop, env):
    engage(shop, env=env)
    notes = memory_dir(shop) / "architecture_notes.md"
    notes.write_text(notes.read_text(encoding="utf-8").rstrip("\n") + "\n" + HAND_WRITTEN, encoding="utf-8")
    finding = {(f["code"], f["filename"]): f for f in check_json(shop, env)}[("DJE201", "catalog/models.py")]
    assert finding["severity"] == "warning"
    assert finding["message"].endswith("(todo: migrate the NULLs first)")


def test_two_engagements_at_once_do_not_corrupt_memory(shop, env):
    engage(shop, env=env)
    notes = memory_dir(shop) / "architecture_notes.md"
    head, decisions = notes.read_text(encoding="utf-8").split("## Decisions", 1)
    notes.write_text(head + PERSON + "\n## Decisions" + decisions.rstrip("\n") + "\n" + HAND_WRITTEN, encoding="utf-8")
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    processes = [subprocess.Popen([*command, "engage", str(shop), "--goal", goal], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for goal in ("security", "performance")]
    results = [p.communicate(timeout=180) + (p.returncode,) for p in processes]
    assert [r[2] for r in results] == [0, 0], results
    reports = sorted(Path(r[0].strip()).name for r in results)
    assert len(set(reports)) == 2, "two engagements at once get two report names"
    for name in reports:
        assert (shop / "claudedocs" / name).is_file() and (shop / "claudedocs" / name).with_suffix(".json").is_file()
    after = notes.read_text(encoding="utf-8")
    assert PERSON in after and HAND_WRITTEN.strip() in after
    for name in MEMORY_FILES:
        body = (memory_dir(shop) / name).read_text(encoding="utf-8")
        ids = _sections(body)
        assert len(ids) == len(set(ids)) >= 3, (name, ids)
        assert body.count("<!-- django-expert:begin") == body.count("<!-- django-expert:end")
    assert not list(memory_dir(shop).glob(".*.tmp")), "no temporary file left behind"
    state = json.loads((shop / ".django-expert" / "engagement.json").read_text(encoding="utf-8"))
    assert state["complete"] and state["report"].startswith("claudedocs/")


def test_a_project_name_that_leaves_the_workspace_is_slugified(shop, env, tmp_path):
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(shop) and "cache" not in p.parts}
    report = engage(shop, "--project", "../../etc/passwd", env=env)
    assert report.parent == shop / "claudedocs" and report.name.startswith("django_etc-passwd_")
    assert memory_dir(shop, "etc-passwd").is_dir()
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(shop) and "cache" not in p.parts}
    assert after == before, "nothing written outside the workspace"


def test_a_name_with_no_letter_is_rejected(shop, env):
    for name in ("../", "/", "..", "   "):
        result = run("engage", shop, "--project", name, env=env)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "project name" in result.stderr
    assert not (shop / "claudedocs").exists()


def test_a_memory_folder_outside_the_workspace_is_a_configuration_error(shop, env, tmp_path):
    for value in ("../outside", str(tmp_path / "abs"), "~/memory"):
        (shop / ".django-expert.toml").write_text(f"memory-dir = {json.dumps(value)}\n", encoding="utf-8")
        result = run("engage", shop, env=env)
        assert result.returncode == 2, (value, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "memory-dir" in result.stderr
    assert not (tmp_path / "outside").exists() and not (tmp_path / "abs").exists()
    assert not (shop / "claudedocs").exists()


def test_a_configured_memory_folder_inside_the_project_is_used(shop, env):
    (shop / ".django-expert.toml").write_text('memory-dir = "docs/memory"\n', encoding="utf-8")
    engage(shop, env=env)
    assert (shop / "docs" / "memory" / "django" / "shop" / "architecture_notes.md").is_file()
    store = MarkdownMemoryStore(shop, "docs/memory")
    assert store.get_skill_memory("django", "shop").exists


def test_check_fix_leaves_an_accepted_finding_alone(shop, env):
    _record_accepted(shop, "categories are public reference data")
    result = run("check", shop, "--fix", "--unsafe-fixes", "--select", "DJE301", env=env)
    assert result.returncode == 1, result.stdout + result.stderr  # the accepted finding is still reported, as a hint
    assert 'fields = "__all__"' in (shop / "catalog" / "serializers.py").read_text(encoding="utf-8")
    assert 'fields = "__all__"' not in (shop / "orders" / "serializers.py").read_text(encoding="utf-8")
    remaining = check_json(shop, env)
    assert [(f["code"], f["filename"], f["severity"]) for f in remaining if f["code"] == "DJE301"] == [
        ("DJE301", "catalog/serializers.py", "hint")]
