"""Queries narrowed by the requesting user, as summaries keep them (facts/scoping.py)."""

import ast
import textwrap

from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.scoping import UserValues, scoping_call, bindings
from django_expert.analyzers.facts.chains import Body
from django_expert.analyzers.source import LineIndex


def scopes(source: str, module: str = "projects.views") -> dict:
    text = textwrap.dedent(source)
    facts, _ = extract(ast.parse(text), module, False, LineIndex(text))
    return {name: summary.scopes for name, summary in facts.summaries}


def test_chains_given_the_user_are_kept_with_their_qualified_root_and_how():
    found = scopes("""
        from django.shortcuts import get_object_or_404
        from projects.models import Project, Task
        from orgs.scoping import visible_documents

        class ProjectQuerySet:
            def for_user(self, user):
                return self.filter(organization__memberships__user=user)

        class TaskViewSet:
            def get_queryset(self):
                return Task.objects.for_user(self.request.user).select_related("project")

            def archive(self, request, pk=None):
                qs = Project.objects.for_user(request.user)
                get_object_or_404(Task.objects.filter(project__members=request.user), pk=pk)
                visible_documents(request.user)
                return super().get_queryset().filter(owner=self.request.user)
    """)
    assert found["ProjectQuerySet.for_user"] == ("self|filter:organization__memberships__user",)
    assert found["TaskViewSet.get_queryset"] == ("projects.models.Task.objects|for_user",)
    assert set(found["TaskViewSet.archive"]) == {
        "projects.models.Project.objects|for_user", "projects.models.Task.objects|filter:project__members",
        "call|orgs.scoping.visible_documents", "super()|filter:owner"}


def test_values_derived_from_the_user_follow_assignments_but_not_other_request_data():
    found = scopes("""
        from orgs.models import Membership
        from projects.models import Task

        def tasks(request):
            orgs = Membership.objects.filter(user=request.user).values("organization")
            mine = Task.objects.filter(project__organization__in=orgs)
            return Task.objects.filter(pk=request.GET["pk"])
    """)["tasks"]
    assert set(found) == {"orgs.models.Membership.objects|filter:user",
                          "projects.models.Task.objects|filter:project__organization__in"}


def test_a_lookup_is_scoped_through_the_local_name_its_chain_starts_from():
    function = ast.parse(textwrap.dedent("""
        def detail(request, pk):
            qs = Task.objects.for_user(request.user)
            a = qs.get(pk=pk)
            b = Task.objects.get(pk=pk)
    """)).body[0]
    body = Body(function)
    values, bound = UserValues(function, body), bindings(body)
    lookups = [c for c in body.calls if isinstance(c.func, ast.Attribute) and c.func.attr == "get"]
    scoped = {ast.unparse(c): scoping_call(values, c, bound) is not None for c in lookups}
    assert scoped == {"qs.get(pk=pk)": True, "Task.objects.get(pk=pk)": False}


def test_django_helpers_given_the_user_are_not_scoping_helpers():
    found = scopes("""
        from django.contrib.auth import login

        def signin(request):
            login(request, request.user)
            return None
    """)
    assert found.get("signin", ()) == ()
