"""The report never states a security property the code contradicts (issue 13), on
tests/workspaces/tenancy, whose defects the exploit oracle proves: one test per kind of
statement — CSRF enforcement, the effective permission of each endpoint, its throttle —
plus the list of endpoints a stranger or another tenant reaches."""

from __future__ import annotations

import json
import os

import pytest
from engagement_helpers import copy_workspace, engage


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("tenancy")
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(root / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    path = engage(copy_workspace("tenancy", root / "tenancy"), env=env)
    return path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def _row(text: str, pattern: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| `{pattern}` |"))
    return [cell.strip() for cell in line.replace("\\|", "¦").strip("|").split("|")]


def test_csrf_is_not_said_enforced_where_an_authentication_class_skips_it(report):
    text, _ = report
    csrf = next(line for line in text.splitlines() if line.startswith("**CSRF.**"))
    assert "SessionAuthentication enforces CSRF" in csrf, "true for the default classes"
    assert "**except** through `CsrfExemptSessionAuthentication` (its `enforce_csrf` does nothing), used by " \
           "`TaskCompleteView`" in csrf
    assert "(no CSRF check)" in _row(text, "api/tasks/<int:pk>/complete/")[4]
    assert "(no CSRF check)" not in _row(text, "api/tasks/<int:pk>/reopen/")[4]


def test_each_endpoints_effective_permission_is_what_the_view_runs(report):
    text, _ = report
    assert _row(text, "api/comments/feed/")[5] == "IsCommentAuthor ¦ IsAdminUser"
    assert _row(text, "api/project-directory/")[5] == "DjangoModelPermissions"
    assert _row(text, "api/auth/mobile-login/")[5] == "AllowAny ⚠", "written on the view: not the default"
    assert _row(text, "api/auth/app-token/")[5] == "none ⚠", "ObtainAuthToken sets permission_classes = ()"
    assert _row(text, "api/tasks/")[5] == "IsAuthenticated", "written on the view"
    assert "effective permission: IsAuthenticated" not in text, "no view is said to run a permission it does not"
    # Authentication and the rows each endpoint narrows, as the production settings and code have them.
    assert _row(text, "api/tasks/")[4] == "SessionAuthentication, BasicAuthentication, TokenAuthentication (default)"
    assert _row(text, "api/org-tasks/")[6] == "filter(project__organization__memberships__user) by the user"
    assert _row(text, "api/tasks/")[6] == "for_user(user)"
    assert _row(text, "api/comments/feed/")[6] == "every row"


def test_each_endpoints_throttle_is_what_it_runs(report):
    text, _ = report
    assert _row(text, "api/auth/login/")[8] == "none (default)"
    assert _row(text, "api/auth/mobile-login/")[8] == "LoginRateThrottle"
    assert _row(text, "api/auth/app-token/")[8] == "LoginRateThrottle", "its own list, not ObtainAuthToken's ()"


def test_the_security_section_lists_what_a_stranger_or_another_tenant_reaches(report):
    from tests.oracle.test_tenancy_oracle import CASES, EXPLOITED

    text, twin = report
    section = text[text.index("**Reachable by a stranger or another tenant**"):text.index("**Secret storage**")]
    listed = {line.split("](")[0].rsplit("[", 1)[1] for line in section.splitlines() if line.startswith("- **DJE")}
    assert listed == {f"{c.file}:{c.line}" for c in CASES if c.expectation == EXPLOITED}
    assert {item["code"] for item in twin["security"]["exposure"]} >= {"DJE416", "DJE309", "DJE310"}
