"""Django proves the authorization defects of tests/workspaces/tenancy (issue 13) by exploiting them.

`CASES` is the case table of tests/workspaces/README.md as data, for the rule tests to
import: each flagged case (T...) names the line a rule should report and the kind of
finding; each look-alike (L...) the line that must stay silent. The probe
(`tenancy_probe.py`, a subprocess running the workspace's production settings on a
temporary database) attacks every case through `APIClient`/`Client` as a user of the other
organization, a member outside the project, or an anonymous client: every T case is
exploited, every L case refused. `probe(workspace, only)` runs it on any copy, so a test can
apply a fix to a copy and see the exploit fail (`test_fixed_copies_refuse_every_attack`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import NamedTuple

WORKSPACE = Path(__file__).resolve().parents[1] / "workspaces" / "tenancy"
PROBE = Path(__file__).resolve().with_name("tenancy_probe.py")
README = WORKSPACE.parent / "README.md"


class Case(NamedTuple):
    id: str
    file: str  # relative to WORKSPACE
    line: int  # 1-based: the line a rule reports (T) or must stay silent on (L)
    url: str  # `{pk}` stands for the other organization's object
    expectation: str  # "exploited" or "refused", as the probe prints it
    kind: str | None  # the finding a rule should give (None: no finding)
    snippet: str  # the text of that line, stripped
    related: tuple[str, ...] = ()  # other "file:line"s of the same defect


EXPLOITED, REFUSED = "exploited", "refused"
UNSCOPED_LOOKUP = "unscoped object lookup"
UNSCOPED_RELATION = "writable relation over every row"

CASES: list[Case] = [
    Case("T1", "projects/api.py", 49, "POST /api/projects/archive/", EXPLOITED, UNSCOPED_LOOKUP,
         'project = Project.objects.get(pk=request.data["project"])'),
    Case("T2", "projects/api.py", 83, "GET /api/tasks/{pk}/summary/", EXPLOITED, UNSCOPED_LOOKUP,
         'task = get_object_or_404(Task, pk=kwargs["pk"])'),
    Case("T3", "projects/serializers.py", 14, "POST /api/tasks/", EXPLOITED, UNSCOPED_RELATION,
         "project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())"),
    Case("T4", "projects/serializers.py", 51, "POST /api/comments/", EXPLOITED, UNSCOPED_RELATION,
         'fields = ["id", "task", "author", "body"]', ("projects/serializers.py:46",)),
    Case("T5", "projects/api.py", 124, "GET /api/org-tasks/", EXPLOITED, "queryset scoped at a weaker tenant level",
         "return Task.objects.filter(project__organization__memberships__user=self.request.user)"),
    Case("T6", "projects/api.py", 141, "GET /api/comments/feed/", EXPLOITED, "| with a side granting anonymous users",
         "permission_classes = [IsCommentAuthor | IsAdminUser]", ("projects/permissions.py:4",)),
    Case("T7", "projects/api.py", 147, "GET /api/project-directory/", EXPLOITED, "DjangoModelPermissions relied on for reads",
         "permission_classes = [DjangoModelPermissions]"),
    Case("T8", "accounts/authentication.py", 7, "POST /api/tasks/{pk}/complete/", EXPLOITED,
         "authentication class disabling CSRF with session cookies", "def enforce_csrf(self, request):",
         ("projects/api.py:96",)),
    Case("T9", "tenancy/settings/prod.py", 13, "GET /api/projects/", EXPLOITED, "BasicAuthentication in production defaults",
         '"rest_framework.authentication.BasicAuthentication",'),
    Case("T10", "tenancy/settings/prod.py", 19, "GET /api/me/", EXPLOITED, "CORS all origins with credentials",
         'CORS_ALLOW_ALL_ORIGINS = os.environ.get("CORS_ALLOW_ALL_ORIGINS", "true").lower() == "true"',
         ("tenancy/settings/prod.py:20",)),
    Case("T11", "accounts/api.py", 13, "POST /api/auth/login/", EXPLOITED, "unthrottled authentication endpoint",
         "class SessionLoginView(APIView):"),
    Case("T11b", "tenancy/urls.py", 11, "POST /api/auth/token/", EXPLOITED, "unthrottled authentication endpoint",
         'path("api/auth/token/", obtain_auth_token, name="token"),'),
    Case("T12", "accounts/serializers.py", 20, "PATCH /api/me/", EXPLOITED, "privilege field writable by a non-admin",
         'admin = serializers.BooleanField(source="is_staff")'),
    Case("T13", "projects/views.py", 18, "GET /documents/{pk}/", EXPLOITED, UNSCOPED_LOOKUP, "model = Document"),
    Case("T14", "orgs/serializers.py", 25, "POST /api/orgs/invitations/", EXPLOITED, UNSCOPED_LOOKUP,
         'attrs["organization"] = Organization.objects.get(pk=attrs["organization"])'),
    Case("T15", "projects/org_api.py", 18, "POST /api/orgs/<org_id>/tasks/{pk}/rename/", EXPLOITED, UNSCOPED_LOOKUP,
         "task = Task.objects.get(pk=pk)", ("orgs/permissions.py:27",)),
    Case("T16", "projects/org_api.py", 43, "POST /api/orgs/<org_id>/tasks/bulk-complete/", EXPLOITED, UNSCOPED_LOOKUP,
         'tasks = Task.objects.filter(pk__in=request.data["tasks"])', ("projects/org_api.py:46",)),
    Case("L1", "projects/api.py", 39, "POST /api/projects/rename/", REFUSED, None,
         'project = Project.objects.for_user(request.user).get(pk=request.data["project"])'),
    Case("L2", "projects/serializers.py", 24, "POST /api/tasks/quick/", REFUSED, None,
         "project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())", ("projects/serializers.py:33",)),
    Case("L2b", "projects/serializers.py", 37, "POST /api/tasks/{pk}/move/", REFUSED, None,
         "project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())", ("projects/serializers.py:39",)),
    Case("L3", "orgs/api.py", 16, "GET /api/orgs/members/", REFUSED, None,
         "permission_classes = [IsOrganizationAdmin | IsAdminUser]"),
    Case("L4", "orgs/webhooks.py", 29, "POST /hooks/billing/", REFUSED, None,
         'organization = get_object_or_404(Organization, pk=request.data["organization"])', ("orgs/webhooks.py:27",)),
    Case("L5", "accounts/api.py", 26, "POST /api/auth/mobile-login/", REFUSED, None, "class MobileLoginView(APIView):",
         ("accounts/api.py:31",)),
    Case("L5b", "accounts/api.py", 40, "POST /api/auth/app-token/", REFUSED, None, "class AppTokenView(ObtainAuthToken):",
         ("accounts/api.py:43",)),
    Case("L6", "projects/api.py", 153, "GET /api/announcements/{pk}/", REFUSED, None,
         "announcement = get_object_or_404(Announcement, pk=pk)"),
    Case("L7", "accounts/serializers.py", 29, "PATCH /api/profile/", REFUSED, None,
         'admin = serializers.BooleanField(source="is_staff", read_only=True)'),
    Case("L8", "projects/api.py", 107, "POST /api/tasks/{pk}/reopen/", REFUSED, None,
         "authentication_classes = [SessionAuthentication]"),
    Case("L9", "projects/views.py", 26, "GET /documents/{pk}/print/", REFUSED, None,
         "return Document.objects.for_user(self.request.user)"),
    Case("L10", "projects/api.py", 91, "GET /api/tasks/{pk}/activity/", REFUSED, None,
         'task = get_object_or_404(Task.objects.for_user(request.user), pk=kwargs["pk"])'),
    Case("L11", "projects/org_api.py", 31, "POST /api/orgs/<org_id>/tasks/{pk}/retitle/", REFUSED, None,
         "task = Task.objects.get(pk=pk, project__organization_id=org_id)"),
    Case("L12", "projects/org_api.py", 54, "POST /api/orgs/<org_id>/tasks/bulk-close/", REFUSED, None,
         'tasks = Task.objects.filter(pk__in=request.data["tasks"], project__organization_id=org_id)'),
]
BY_ID = {case.id: case for case in CASES}


def probe(workspace: Path = WORKSPACE, only: list[str] | None = None, settings: str | None = None) -> dict:
    """The probe's verdicts for `workspace` (a copy may be changed first): {id: {exploited, status, evidence}}.

    `settings`: another settings module than the production one the probe loads by default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CORS", "BILLING"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [sys.executable, str(PROBE), str(workspace)] + (["--only", ",".join(only)] if only else [])
    args += ["--settings", settings] if settings else []
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, cwd=str(workspace))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


@cache
def _original() -> dict:
    return probe()


def test_the_table_quotes_the_lines_of_the_workspace():
    for case in CASES:
        lines = (WORKSPACE / case.file).read_text().splitlines()
        assert lines[case.line - 1].strip() == case.snippet, (case.id, case.file, case.line, lines[case.line - 1])
        assert (case.kind is None) == (case.expectation == REFUSED) == case.id.startswith("L"), case.id


def test_the_readme_table_agrees_with_cases():
    readme = README.read_text()
    section = readme[readme.index("## `tenancy/`"):]
    for case in CASES:
        row = next((line for line in section.splitlines() if line.startswith(f"| {case.id} |")), None)
        assert row is not None, case.id
        assert f"`{case.file}:{case.line}`" in row, (case.id, row)
        method, path = case.url.split(" ")
        assert path.replace("{pk}", "<pk>") in row, (case.id, row)


def test_every_flagged_case_is_exploited_and_every_lookalike_refused():
    results = _original()
    assert sorted(results) == sorted(BY_ID)
    verdicts = {case_id: EXPLOITED if result["exploited"] else REFUSED for case_id, result in results.items()}
    assert verdicts == {case.id: case.expectation for case in CASES}, json.dumps(results, indent=1)


def test_the_evidence_is_what_the_attack_promises():
    results = _original()
    assert results["T8"]["status"] == 200 and "CSRF token missing" in results["L8"]["evidence"]
    assert results["T9"]["status"] == 200 and "Apollo" in results["T9"]["evidence"]
    assert "https://evil.example" in results["T10"]["evidence"]
    assert results["T11"]["status"] != 429 and results["T11b"]["status"] != 429
    assert results["L5"]["status"] == 429 and results["L5b"]["status"] == 429
    assert "correctly signed: 200" in results["L4"]["evidence"], "the webhook works for its sender"
    assert results["L6"]["status"] == 200, "public by design: served, with no tenant data"
    assert "in his own project: 201" in results["L2"]["evidence"], "the narrowed field still accepts his project"
    assert results["L1"]["evidence"].endswith("own project: 200")
    assert results["L11"]["evidence"].endswith("own task: 200"), "the look-alike works in bob's own organization"
    assert results["L12"]["evidence"].endswith("own task done: True")


def test_the_settings_cases_are_production_only():
    """Development settings have neither Basic authentication nor CORS for every origin: the
    defects of T9 and T10 exist only in the module wsgi.py loads, where a rule must look."""
    results = probe(only=["T9", "T10", "T1"], settings="tenancy.settings.dev")
    assert not results["T9"]["exploited"] and not results["T10"]["exploited"], json.dumps(results, indent=1)
    assert results["T1"]["exploited"], "the code's defects do not depend on the settings"


# One fix an expert would make per flagged case: (case, file, old text, new text).
FIXES = [
    ("T1", "projects/api.py", 'project = Project.objects.get(pk=request.data["project"])',
     'project = Project.objects.for_user(request.user).get(pk=request.data["project"])'),
    ("T2", "projects/api.py", 'get_object_or_404(Task, pk=kwargs["pk"])',
     'get_object_or_404(Task.objects.for_user(request.user), pk=kwargs["pk"])'),
    ("T3", "projects/serializers.py", '        fields = ["id", "project", "title", "done"]\n',
     '        fields = ["id", "project", "title", "done"]\n\n'
     "    def validate_project(self, project):\n"
     '        if not Project.objects.for_user(self.context["request"].user).filter(pk=project.pk).exists():\n'
     '            raise serializers.ValidationError("You are not a member of this project.")\n'
     "        return project\n"),
    ("T4", "projects/serializers.py", '        fields = ["id", "task", "author", "body"]\n',
     '        fields = ["id", "task", "author", "body"]\n\n'
     "    def validate_task(self, task):\n"
     '        if not Task.objects.for_user(self.context["request"].user).filter(pk=task.pk).exists():\n'
     '            raise serializers.ValidationError("You are not a member of this project.")\n'
     "        return task\n"),
    ("T5", "projects/api.py", "Task.objects.filter(project__organization__memberships__user=self.request.user)",
     "Task.objects.for_user(self.request.user)"),
    ("T6", "projects/api.py", "[IsCommentAuthor | IsAdminUser]", "[IsAuthenticated & (IsCommentAuthor | IsAdminUser)]"),
    ("T7", "projects/api.py", "    queryset = Project.objects.all()\n    serializer_class = ProjectSerializer\n"
     "    permission_classes = [DjangoModelPermissions]\n",
     "    serializer_class = ProjectSerializer\n    permission_classes = [DjangoModelPermissions]\n\n"
     "    def get_queryset(self):\n        return Project.objects.for_user(self.request.user)\n"),
    ("T8", "projects/api.py", "authentication_classes = [CsrfExemptSessionAuthentication]",
     "authentication_classes = [SessionAuthentication]"),
    ("T9", "tenancy/settings/prod.py", '        "rest_framework.authentication.BasicAuthentication",\n', ""),
    ("T10", "tenancy/settings/prod.py", '"CORS_ALLOW_ALL_ORIGINS", "true")', '"CORS_ALLOW_ALL_ORIGINS", "false")'),
    ("T11", "accounts/api.py", '    """The web app\'s login form: starts a session."""\n',
     '    """The web app\'s login form: starts a session."""\n\n    throttle_classes = [LoginRateThrottle]\n'),
    ("T11b", "tenancy/urls.py", "obtain_auth_token, name=", "accounts_api.AppTokenView.as_view(), name="),
    ("T12", "accounts/serializers.py", 'BooleanField(source="is_staff")', 'BooleanField(source="is_staff", read_only=True)'),
    ("T13", "projects/views.py", "    model = Document\n",
     "    def get_queryset(self):\n        return Document.objects.for_user(self.request.user)\n\n"),
    ("T14", "orgs/serializers.py", 'Organization.objects.get(pk=attrs["organization"])',
     'administered_organizations(self.context["request"].user).get(pk=attrs["organization"])'),
    ("T15", "projects/org_api.py", "task = Task.objects.get(pk=pk)\n",
     "task = Task.objects.get(pk=pk, project__organization_id=org_id)\n"),
    ("T16", "projects/org_api.py", 'Task.objects.filter(pk__in=request.data["tasks"])\n',
     'Task.objects.filter(pk__in=request.data["tasks"], project__organization_id=org_id)\n'),
    ("T14", "orgs/serializers.py", "from .models import Membership, Organization\n",
     "from .models import Membership, Organization\nfrom .scoping import administered_organizations\n"),
]


def test_fixed_copies_refuse_every_attack(tmp_path):
    copy = tmp_path / "tenancy"
    shutil.copytree(WORKSPACE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    for case_id, file, old, new in FIXES:
        path = copy / file
        text = path.read_text()
        assert text.count(old) == 1, (case_id, old)
        path.write_text(text.replace(old, new))
    assert {case_id for case_id, *_ in FIXES} == {case.id for case in CASES if case.expectation == EXPLOITED}
    results = probe(copy)
    still = {case_id: result for case_id, result in results.items() if result["exploited"]}
    assert still == {}, json.dumps(still, indent=1)
    assert results["L5"]["status"] == 429 and results["T11"]["status"] == 429
