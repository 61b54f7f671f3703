"""The report's testing section (issue 17): the test map per app, and the tests written for the
top risks in the project's own conventions (its suite's style and folder, its factories)."""

from __future__ import annotations

import json
import os

import pytest
from engagement_helpers import copy_workspace, engage


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("testing")
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(base / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    found = {}
    for name, goal in (("testsuite", "performance"), ("tenancy", "security")):
        path = engage(copy_workspace(name, base / name), "--goal", goal, env=env)
        found[name] = (path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
    return found


def test_the_test_map_says_per_app_what_no_test_reaches(reports):
    text, twin = reports["testsuite"]
    assert twin["testing"]["apps"] == [{
        "app": "catalog",
        "endpoints_tested": ["catalog:book-list", "catalog:book-detail", "catalog:book-restock", "catalog:shelf-report"],
        "endpoints_untested": ["catalog:author-report"],
        "models_tested": ["Author", "Book", "Genre"], "models_untested": []}]
    section = text[text.index("### Test map"):text.index("## 8.")]
    assert "| `catalog` |" in section and "`catalog:author-report` |" in section


def test_the_written_tests_follow_the_suites_conventions(reports):
    text, twin = reports["testsuite"]
    tests = {t["view"]: t for t in twin["testing"]["tests"]}
    assert tests["catalog.reports.author_report"]["path"] == "tests_pytest/test_author_report_query_count_is_constant.py"
    written = tests["catalog.reports.author_report"]["text"]
    assert "from tests_pytest.factories import AuthorFactory" in written  # its factory_boy factory
    assert "django_assert_num_queries(len(two_rows))" in written and "@pytest.mark.django_db" in written
    assert twin["testing"]["pytest_ini"] is None  # it has pytest.ini
    assert written.rstrip("\n") in text


def test_authorization_findings_get_another_user_and_anonymous_tests(reports):
    text, twin = reports["tenancy"]
    kinds = {(t["view"].rpartition(".")[2], t["kind"]) for t in twin["testing"]["tests"]}
    assert {("TaskSummaryView", "other-user"), ("DocumentDetailView", "other-user")} <= kinds
    assert all(kind != "anonymous" or view not in ("SessionLoginView", "AppTokenView") for view, kind in kinds)
    assert "DJANGO_SETTINGS_MODULE = tenancy.settings.dev" in twin["testing"]["pytest_ini"]
    assert "— another user gets 404 (DJE416, `projects.api.TaskSummaryView`)" in text
