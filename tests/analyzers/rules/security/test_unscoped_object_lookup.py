"""DJE416: objects of a tenant's model fetched by a client-chosen id, unscoped, while sibling
views narrow the model to the requesting user (exploits proven on tests/workspaces/tenancy)."""

from tests.analyzers.rules.helpers import check_fixed, findings

CODE = "DJE416"

MODELS = """
    from django.conf import settings
    from django.db import models


    class Organization(models.Model):
        name = models.CharField(max_length=20)


    class Membership(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)


    class ProjectQuerySet(models.QuerySet):
        def for_user(self, user):
            return self.filter(organization__membership__user=user)


    class Project(models.Model):
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
        objects = ProjectQuerySet.as_manager()


    class Task(models.Model):
        project = models.ForeignKey(Project, on_delete=models.CASCADE)


    class Announcement(models.Model):
        title = models.CharField(max_length=20)
"""

SIBLINGS = """
    from rest_framework import viewsets

    from app.models import Project, Task


    class ProjectViewSet(viewsets.ModelViewSet):
        def get_queryset(self):
            return Project.objects.for_user(self.request.user)


    class TaskViewSet(viewsets.ModelViewSet):
        def get_queryset(self):
            return Task.objects.filter(project__organization__membership__user=self.request.user)
"""


def test_client_ids_fetch_unscoped_rows_of_models_the_siblings_scope(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/views.py": """
            from django.shortcuts import get_object_or_404
            from rest_framework.decorators import action, api_view
            from rest_framework.response import Response
            from rest_framework.views import APIView

            from app.models import Announcement, Project, Task


            class Archive(APIView):
                def post(self, request):
                    project = Project.objects.get(pk=request.data["project"])
                    return Response(project.pk)


            class TaskDetail(APIView):
                def get(self, request, pk):
                    task = get_object_or_404(Task, pk=pk)
                    return Response(task.pk)


            @api_view(["POST"])
            def close(request):
                Task.objects.filter(pk=request.data["task"]).delete()
                return Response()


            class Scoped(APIView):
                def post(self, request):
                    mine = Project.objects.for_user(request.user)
                    project = mine.get(pk=request.data["project"])
                    task = get_object_or_404(Task.objects.filter(project__in=mine), pk=request.data["task"])
                    return Response(project.pk)


            class Checked(APIView):
                def get(self, request, pk):
                    task = Task.objects.get(pk=pk)
                    if not task.project.organization.membership_set.filter(user=request.user).exists():
                        raise PermissionError
                    return Response(task.pk)


            class ByParent(APIView):
                def get(self, request, pk):
                    project = self.get_project()
                    return Response(Task.objects.get(pk=pk, project=project).pk)


            class Public(APIView):
                def get(self, request, pk):
                    return Response(Announcement.objects.get(pk=pk).title)
        """,
    }, CODE)
    where = sorted((f.path.rsplit("/", 1)[1], f.span.start.line + 1) for f in found)
    assert where == [("views.py", 11), ("views.py", 17), ("views.py", 23)], [f.message for f in found]
    archive = next(f for f in found if f.span.start.line + 1 == 11)
    assert "`Archive.post` fetches a `Project` by an id the client chose" in archive.message
    assert "`ProjectViewSet.get_queryset` (app/api.py) narrows `Project` to the requesting user (`.for_user(user)`)" \
        in archive.message
    assert archive.related and archive.related[0].path.endswith("api.py")


def test_models_the_project_never_scopes_give_no_evidence(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework.views import APIView
            from rest_framework.response import Response

            from app.models import Project


            class Archive(APIView):
                def post(self, request):
                    return Response(Project.objects.get(pk=request.data["project"]).pk)
        """,
    }, CODE)
    assert found == []


def test_serializer_validate_input_and_detail_views(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Organization, Project


            class Invite(serializers.Serializer):
                def validate(self, attrs):
                    attrs["project"] = Project.objects.get(pk=attrs["project_id"])
                    return attrs
        """,
        "app/pages.py": """
            from django.contrib.auth.mixins import LoginRequiredMixin
            from django.views.generic import DetailView

            from app.models import Project, Task


            class TaskPage(LoginRequiredMixin, DetailView):
                model = Task


            class ProjectPage(LoginRequiredMixin, DetailView):
                def get_queryset(self):
                    return Project.objects.for_user(self.request.user)
        """,
    }, CODE)
    assert sorted((f.path.rsplit("/", 1)[1], f.span.start.line + 1) for f in found) == [
        ("pages.py", 8), ("serializers.py", 8)]


VIEW = """
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from app.models import Project


    class Archive(APIView):
        def post(self, request):
            project = Project.objects.get(pk=request.data["project"])
            return Response(project.pk)
"""


def test_the_fix_narrows_with_the_siblings_helper(tmp_path):
    found = check_fixed(tmp_path, {"app/models.py": MODELS, "app/api.py": SIBLINGS, "app/views.py": VIEW}, CODE, {
        "app/views.py": VIEW.replace("Project.objects.get(", "Project.objects.for_user(request.user).get("),
    })
    assert found.fix_title == "Narrow to the requesting user with `.for_user(request.user)`"


def test_a_base_get_queryset_returning_every_row_of_the_views_model(tmp_path):
    """Read on plane (a miss): `BaseViewSet.get_queryset` returns `self.model.objects.all()`,
    so a subclass setting only `model` serves any tenant's row by its id."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/base.py": """
            from rest_framework import viewsets


            class BaseViewSet(viewsets.ModelViewSet):
                model = None

                def get_queryset(self):
                    return self.model.objects.all()
        """,
        "app/views.py": """
            from app.base import BaseViewSet
            from app.models import Announcement, Task


            class Boards(BaseViewSet):
                model = Task


            class News(BaseViewSet):
                model = Announcement
        """,
    }, CODE)
    assert [(f.path.rsplit("/", 1)[1], f.message.split(" whose")[0]) for f in found] == [
        ("views.py", "`Boards` serves any `Task`")]


def test_configured_authorization_helpers_count_as_scoping(tmp_path):
    view = """
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from app.models import Project


        class Archive(APIView):
            def post(self, request):
                return Response(Project.objects.visible().get(pk=request.data["project"]).pk)
    """
    files = {"app/models.py": MODELS, "app/api.py": SIBLINGS, "app/views.py": view}
    assert len(findings(tmp_path / "plain", files, CODE)) == 1  # `visible()` reads no user the analyser sees
    configured = files | {"pyproject.toml": '[tool.django-expert]\nauthorization-helpers = ["visible"]\n'}
    assert findings(tmp_path / "configured", configured, CODE) == []


def test_configured_tenant_models(tmp_path):
    models = """
        from django.conf import settings
        from django.db import models


        class Club(models.Model):
            name = models.CharField(max_length=20)


        class Seat(models.Model):
            holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            club = models.ForeignKey(Club, on_delete=models.CASCADE)


        class Event(models.Model):
            club = models.ForeignKey(Club, on_delete=models.CASCADE)
    """
    views = """
        from rest_framework import viewsets
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from app.models import Event


        class Events(viewsets.ModelViewSet):
            def get_queryset(self):
                return Event.objects.filter(club__seat__holder=self.request.user)


        class Cancel(APIView):
            def post(self, request):
                return Response(Event.objects.get(pk=request.data["event"]).pk)
    """
    files = {"app/models.py": models, "app/views.py": views}
    assert findings(tmp_path / "inferred", files, CODE) == []  # "Club" is not named like a tenant
    configured = files | {"pyproject.toml": '[tool.django-expert]\ntenant-models = ["app.Club"]\n'}
    assert [f.message.split(" by")[0] for f in findings(tmp_path / "configured", configured, CODE)] == [
        "`Cancel.post` fetches an `Event`"]
