"""DJE420: a queryset narrowed at a coarser tenant level than its siblings narrow the model
(T5 of tests/workspaces/tenancy, exploited by its oracle)."""

from tests.analyzers.rules.helpers import check_fixed, findings

CODE = "DJE420"

MODELS = """
    from django.conf import settings
    from django.db import models


    class Organization(models.Model):
        name = models.CharField(max_length=20)


    class Membership(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")


    class Project(models.Model):
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)


    class ProjectMembership(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")


    class TaskQuerySet(models.QuerySet):
        def for_user(self, user):
            return self.filter(project__memberships__user=user)


    class Task(models.Model):
        project = models.ForeignKey(Project, on_delete=models.CASCADE)
        objects = TaskQuerySet.as_manager()
"""

SIBLING = """
    from rest_framework import viewsets

    from app.models import Task


    class Tasks(viewsets.ModelViewSet):
        def get_queryset(self):
            return Task.objects.for_user(self.request.user)
"""

BOARD = """
    from rest_framework import generics

    from app.models import Organization, Project, Task


    class Board(generics.ListAPIView):
        def get_queryset(self):
            return Task.objects.filter(project__organization__memberships__user=self.request.user)


    class Same(generics.ListAPIView):
        def get_queryset(self):
            return Task.objects.filter(project__memberships__user=self.request.user)


    class Projects(generics.ListAPIView):
        def get_queryset(self):
            return Project.objects.filter(organization__memberships__user=self.request.user)
"""


def test_a_coarser_level_than_the_siblings_helper(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/api.py": SIBLING, "app/board.py": BOARD}, CODE)
    assert [(f.span.start.line + 1, f.message.split(",")[0]) for f in found] == [
        (8, "`Board.get_queryset` narrows `Task` by the user's `organization` "
            "(`project__organization__memberships__user`)")]
    assert "`Tasks.get_queryset` (app/api.py) narrows it by the user's `project` (`for_user`: " \
           "`project__memberships__user`)" in found[0].message


def test_silent_without_a_finer_sibling(tmp_path):
    # The helper's own definition is no sibling: only code narrowing the model counts.
    board = BOARD[:BOARD.index("    class Same")]
    assert findings(tmp_path, {"app/models.py": MODELS, "app/board.py": board}, CODE) == []


def test_the_fix_calls_the_siblings_helper(tmp_path):
    board = BOARD[:BOARD.index("    class Same")]
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/api.py": SIBLING, "app/board.py": board}, CODE, {
        "app/board.py": board.replace("Task.objects.filter(project__organization__memberships__user=self.request.user)",
                                      "Task.objects.for_user(self.request.user)")})
