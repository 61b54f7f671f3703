"""The Engagement API the language server drives: one method per step, in order, state saved
after each step and continued by a later session; `ask` for ambiguous scope; decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engagement_helpers import copy_workspace

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.facts.types import FileFacts, Locations, Statement
from django_expert.analyzers.findings import Finding, Severity
from django_expert.analyzers.source import Span
from django_expert.memory import Decision
from django_expert.server.engagement import (
    STEPS,
    Engagement,
    EngagementError,
    apply_decisions,
    symbol_at,
)


def _engine(root: Path) -> Engine:
    engine = Engine([root], use_cache=False)
    engine.index()
    return engine


def test_a_later_step_runs_the_earlier_ones_first_in_order(shop):
    progress = []
    engagement = Engagement(shop, _engine(shop), goal="security", progress=lambda m, p: progress.append(m))
    analysis = engagement.analyze()
    assert analysis["findings"]
    steps = engagement.state.steps
    assert [name for name in STEPS if steps[name].done] == ["scope", "memory", "context", "analyze"]
    starts = [steps[name].started for name in ("scope", "memory", "context", "analyze")]
    assert starts == sorted(starts)
    assert [m for m in progress if m.startswith("Step")][:4] == [
        "Step 1/6: Scope and plan", "Step 2/6: Load memory", "Step 3/6: Load context", "Step 4/6: Analyze"]
    saved = json.loads((shop / ".django-expert" / "engagement.json").read_text(encoding="utf-8"))
    assert [s["done"] for s in saved["steps"]] == [True, True, True, True, False, False]
    assert saved["next_step"] == "guidance" and saved["goal"] == "security"
    assert saved["steps"][0]["command"] == "django-expert.scopeEngagement"
    assert engagement.status()["steps"][3]["outputs"]["findings"] == len(analysis["findings"])


def test_a_later_session_continues_the_engagement(shop):
    first = Engagement(shop, _engine(shop), goal="security")
    first.load_context()
    recorded = {name: first.state.steps[name].started for name in ("scope", "memory", "context")}
    second = Engagement(shop, _engine(shop))  # a new LSP session: no goal given, the saved one is kept
    assert second.state.goal == "security" and second.state.steps["context"].done
    report = second.complete()
    assert report.is_file() and report.parent == shop / "claudedocs"
    assert {name: second.state.steps[name].started for name in recorded} == recorded, "done steps are not re-run"
    assert all(second.state.steps[name].done for name in STEPS)
    # Complete: the next engagement starts anew.
    third = Engagement(shop, _engine(shop))
    assert not third.state.steps["scope"].done


def test_the_typed_results_round_trip_and_a_state_edited_by_hand_is_a_clear_error(shop):
    engagement = Engagement(shop, _engine(shop), goal="security")
    engagement.load_context()
    path = shop / ".django-expert" / "engagement.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    resumed = Engagement(shop, _engine(shop))
    for step in ("scope", "memory", "context"):
        assert resumed.state.data[step] == engagement.state.data[step], step
    assert resumed.state.data["context"].rules["DJE501"].id == "performance-queries"
    assert resumed.state.to_dict() == saved, "what is read back is written back unchanged"
    resumed.guidance()
    again = Engagement(shop, _engine(shop))
    assert again.state.data["guidance"] == resumed.state.data["guidance"] and again.state.data["guidance"].summary
    assert again.state.to_dict()["data"] == resumed.state.to_dict()["data"]
    del saved["data"]["scope"]["settings_provenance"]  # a field an older version did not write
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert Engagement(shop, _engine(shop)).state.data["scope"].settings_provenance is None
    saved["data"]["scope"]["plan"][0]["rank"] = "first"
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(EngagementError, match=r"engagement.json: step 1 \(scope\).plan\[0\].rank: expected int, "
                                              r"found a string.*delete it to start a new engagement"):
        Engagement(shop, _engine(shop))
    del saved["data"]["scope"]["goal"]
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(EngagementError, match=r"step 1 \(scope\): 'goal' is missing"):
        Engagement(shop, _engine(shop))
    assert Engagement(shop, _engine(shop), goal="debugging", resume=False).scope().goal == "debugging", \
        "a new engagement replaces it"


def test_a_different_goal_starts_a_new_engagement(shop):
    Engagement(shop, _engine(shop), goal="security").load_memory()
    again = Engagement(shop, _engine(shop), goal="performance")
    assert not again.state.steps["scope"].done
    assert again.scope().plan[0].area == "performance"


def test_ask_chooses_the_goal_and_the_default_is_recorded(shop):
    questions = []

    def ask(question, options):
        questions.append((question, options))
        return "performance"

    asked = Engagement(shop, _engine(shop), ask=ask, resume=False).scope()
    assert asked.goal == "performance" and asked.goal_source == "asked"
    assert questions[0][1] == ["new-feature", "refactor", "performance", "security", "debugging"]
    default = Engagement(shop, _engine(shop), resume=False).scope()
    assert default.goal == "refactor" and default.goal_source.startswith("default")


def test_several_projects_ask_which_one_and_record_the_assumption(tmp_path):
    multi = copy_workspace("multi", tmp_path / "multi")
    engine = _engine(multi)
    asked = []
    chosen = Engagement(multi, engine, goal="refactor", ask=lambda q, o: asked.append(o) or "legacy").scope()
    assert asked == [["backend", "legacy"]]
    assert chosen.project_root == "legacy" and any("legacy (chosen" in a for a in chosen.assumptions)
    assumed = Engagement(multi, _engine(multi), goal="refactor", resume=False).scope()
    assert assumed.project_root == "backend"
    assert any("several Django projects" in a for a in assumed.assumptions)
    report = Engagement(multi, _engine(multi), goal="refactor", project="legacy", resume=False).complete()
    assert report.parent == multi / "legacy" / "claudedocs"
    assert (multi / "legacy" / ".django-expert" / "memory" / "django").is_dir()


def test_project_types(tmp_path):
    multi = copy_workspace("multi", tmp_path / "multi")
    blog = copy_workspace("blog", tmp_path / "blog")
    assert Engagement(multi / "backend", _engine(multi / "backend"), goal="refactor").scope().type.type == "API-only"
    scope = Engagement(blog, _engine(blog), goal="refactor").scope()
    assert scope.type.type == "monolith" and scope.drf == "not used"


def test_an_escaping_project_name_is_an_engagement_error(shop):
    with pytest.raises(EngagementError, match="project name"):
        Engagement(shop, _engine(shop), project="../..", resume=False).scope()
    with pytest.raises(EngagementError, match="unknown goal"):
        Engagement(shop, _engine(shop), goal="lunch")


# -- decisions and symbols ------------------------------------------------------------------------


def _span(line, column, end_line, end_column):
    return Span.of(line, column, end_line, end_column)


def test_symbol_at_names_the_innermost_definition():
    facts = FileFacts("app.settings", False, statements=(Statement("assign", "DEBUG"), Statement("assign", "SECRET_KEY")))
    locations = Locations({
        "ProductViewSet": _span(10, 0, 30, 0),
        "ProductViewSet.queryset": _span(12, 4, 12, 40),
        "ProductViewSet.get_queryset": _span(20, 4, 25, 0),
        "CategorySerializer": _span(40, 0, 50, 0),
        "CategorySerializer.Meta": _span(42, 4, 45, 0),
        "CategorySerializer.Meta.fields": _span(44, 8, 44, 30),
        "view_func": _span(60, 0, 70, 0),
        "stmt:0": _span(1, 0, 1, 12),
        "stmt:1": _span(3, 0, 5, 1),
        "call:0": _span(80, 0, 80, 20),
    })
    assert symbol_at(facts, locations, 12, 10) == "ProductViewSet.queryset"
    assert symbol_at(facts, locations, 22, 8) == "ProductViewSet.get_queryset"
    assert symbol_at(facts, locations, 15, 0) == "ProductViewSet"
    assert symbol_at(facts, locations, 44, 8) == "CategorySerializer"
    assert symbol_at(facts, locations, 65, 4) == "view_func"
    assert symbol_at(facts, locations, 4, 0) == "SECRET_KEY"
    assert symbol_at(facts, locations, 80, 5) is None
    assert symbol_at(facts, locations, 90, 0) is None


def _finding(code, path, line=1):
    return Finding(code, "name", "message", path, _span(line, 0, line, 1), Severity.WARNING)


def test_apply_decisions_most_specific_target_wins(tmp_path):
    root = tmp_path
    findings = [_finding("DJE304", str(root / "catalog/views.py"), 10), _finding("DJE304", str(root / "orders/views.py")),
                _finding("DJE201", str(root / "catalog/models.py"), 30), _finding("DJE202", str(root / "x.py"))]
    symbols = {10: "ProductViewSet.queryset", 1: None, 30: "Product.description"}
    decisions = [
        Decision("DJE304", "todo", "lock down in Q3"),
        Decision("DJE304", "accepted", "public catalogue", "catalog/views.py::ProductViewSet"),
        Decision("DJE201", "rejected", "legacy column", "Product.description"),
    ]
    shown = apply_decisions(findings, decisions, root, lambda f: symbols.get(f.span.start.line))
    assert shown[0].accepted == "public catalogue" and shown[0].message == "message"
    assert shown[1].accepted is None and shown[1].message == "message (todo: lock down in Q3)"
    assert shown[2].accepted == "rejected: legacy column"
    assert shown[3] is findings[3]
    assert apply_decisions(findings, [], root) == findings
