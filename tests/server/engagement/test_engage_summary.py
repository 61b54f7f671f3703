"""The report a senior reviewer would write (issue 14): it opens with the goal and the top
risks, lists each finding once, reads schedules and health checks instead of guessing, and
states the same API map, tasks and test modules the rules see."""

from __future__ import annotations

import json
import os
import re

import pytest
from engagement_helpers import copy_workspace, engage

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.navigation.urls import url_index
from django_expert.analyzers.project.query_source import is_test_module
from django_expert.analyzers.rules.performance.task_hygiene import _task_kind
from django_expert.server.engagement import Engagement

SCHEDULE = '''
CELERY_BEAT_SCHEDULE = {
    "cancel-stale-orders": {"task": "orders.tasks.cancel_stale_orders", "schedule": 3600},
}
'''


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The security report of the shop and of the tenancy workspace (their twins beside)."""
    base = tmp_path_factory.mktemp("summary")
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(base / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    found = {}
    for name in ("shop", "tenancy"):
        path = engage(copy_workspace(name, base / name), "--goal", "security", env=env)
        found[name] = (path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("name", ["shop", "tenancy"])
def test_the_report_opens_with_the_goal_and_at_most_seven_ranked_risks(reports, name):
    text, twin = reports[name]
    headings = re.findall(r"^## .*$", text, flags=re.MULTILINE)
    assert headings[0] == "## Summary" and headings[1] == "## 1. Scope and plan"
    summary = text[text.index("## Summary"): text.index("## 1. Scope and plan")]
    assert "Goal: **security**" in summary
    risks = re.findall(r"^\d+\. \*\*", summary, flags=re.MULTILINE)
    assert 1 <= len(risks) <= 7 and len(risks) == len(twin["summary"])
    for field in ("Evidence: [", "Why it matters here: ", "Fix: "):
        assert summary.count(field) == len(risks), field
    scores = [risk["score"] for risk in twin["summary"]]
    assert scores == sorted(scores, reverse=True)


def test_for_security_what_a_stranger_reaches_outranks_other_warnings(reports):
    _, twin = reports["tenancy"]
    warnings = [risk["why"].startswith("Reachable by a stranger") for risk in twin["summary"]
                if risk["severity"] == "warning"]
    assert warnings and warnings == sorted(warnings, reverse=True), warnings
    assert twin["summary"][0]["severity"] == "error" or warnings[0]


@pytest.mark.parametrize("name", ["shop", "tenancy"])
def test_no_finding_is_printed_twice(reports, name):
    text, twin = reports[name]
    lines = text.splitlines()
    for finding in twin["findings"]:
        place = f"[{finding['filename']}:{finding['location']['row']}]"
        message = " ".join(finding["message"].split())[:60]
        hits = [line for line in lines if place in line and message in line.replace("\\|", "|")]
        assert len(hits) == 1, (finding["code"], place, hits)


def test_rule_guidance_and_patches_sit_beside_the_findings(reports):
    text, _ = reports["shop"]
    findings = text[text.index("## 5. Findings"): text.index("## 6. Guidance")]
    assert "#### DJE304 view-without-permission" in findings and "```diff" in findings
    assert "django-expert explain DJE304" in findings
    guidance = text[text.index("## 6. Guidance"): text.index("## 7. Test strategy")]
    assert "**DJE" not in guidance.split("### 6.2")[0], "6.1 lists no rule finding again"


def test_generated_tests_leave_endpoints_public_by_design_alone(reports):
    text, _ = reports["tenancy"]
    tests = text[text.index("## 7. Test strategy"): text.index("## 8. Compliance checklist")]
    assert "requires_authentication" in tests or "rejects_anonymous" in tests
    for public in ("login", "token"):
        assert not re.search(rf"def test_\w*{public}\w*_(requires_authentication|rejects_anonymous_writes)", tests,
                             flags=re.IGNORECASE), public


def test_a_task_run_by_the_beat_schedule_is_not_called_never_enqueued(tmp_path, env):
    shop = copy_workspace("shop", tmp_path / "shop")
    with (shop / "shop" / "settings" / "base.py").open("a", encoding="utf-8") as settings:
        settings.write(SCHEDULE)
    text = engage(shop, env=env).read_text(encoding="utf-8")
    background = text[text.index("### 4.6"): text.index("### 4.7")]
    line = next(line for line in background.splitlines() if "`cancel_stale_orders`" in line)
    assert "by CELERY_BEAT_SCHEDULE" in line and "never" not in line
    assert "`cancel_stale_orders` (celery): neither enqueued nor scheduled" not in text


def test_the_report_states_the_sets_the_rules_see(tmp_path, monkeypatch, env):
    """API map, tasks and test modules are the project model's answers, not a second walk."""
    monkeypatch.setenv("DJANGO_EXPERT_CACHE_DIR", env["DJANGO_EXPERT_CACHE_DIR"])
    root = copy_workspace("shop", tmp_path / "shop")
    (root / "orders" / "tests").mkdir(exist_ok=True)
    (root / "orders" / "tests" / "__init__.py").write_text("", encoding="utf-8")
    (root / "orders" / "tests" / "test_views.py").write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    engine = Engine([root], use_cache=False)
    engine.index()
    engagement = Engagement(root, engine, goal="security")
    architecture = engagement.analyze()["architecture"]
    inventory = engagement.inventory
    model = inventory.model
    index = url_index(model)
    assert {row["pattern"] for row in architecture["api_map"] if row["kind"] in ("view", "router", "unknown")
            and row["view_qualname"]} == {route.route for route in index.patterns
                                          if not (route.suffix or route.library) and route.view}
    rules_tasks = {f"{module}.{function.name}" for module, state in inventory.files.items()
                   if not is_test_module(inventory.place(module).path)
                   for function in state.facts.functions if _task_kind(model, f"{module}.{function.name}")}
    assert {task["qualname"] for task in architecture["background"]["tasks"]} == rules_tasks
    assert rules_tasks >= {"orders.tasks.send_order_confirmation", "orders.tasks.cancel_stale_orders"}
    relative = {inventory.place(module).path for module in inventory.files}
    assert set(architecture["test_modules"]) == {path for path in relative if is_test_module(path)}
    assert "orders/tests/test_views.py" in architecture["test_modules"]
    assert architecture["api_map"], "the shop has routes"
