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


URL_GUARDS = """
    from functools import wraps

    from rest_framework.permissions import BasePermission
    from rest_framework.views import APIView

    from app.models import Membership


    class OrganizationMember(BasePermission):
        \"\"\"Checks the organization the URL names, nothing about the objects fetched in it.\"\"\"

        def has_permission(self, request, view):
            return Membership.objects.filter(user=request.user, organization_id=view.kwargs["organization_id"]).exists()


    class OrganizationMemberByProperty(BasePermission):
        def has_permission(self, request, view):
            if hasattr(view, "project_code") and view.project_code:
                return False
            return Membership.objects.filter(user=request.user, organization_id=view.organization_id).exists()


    class TaskOwner(BasePermission):
        def has_permission(self, request, view):
            return Membership.objects.filter(user=request.user, organization_id=view.kwargs["organization_id"]).exists()

        def has_object_permission(self, request, view, obj):
            return obj.project.organization.membership_set.filter(user=request.user).exists()


    class BodyProject(BasePermission):
        def has_permission(self, request, view):
            return Membership.objects.filter(user=request.user, organization__project=request.data["project"]).exists()


    def member_of(view_func):
        @wraps(view_func)
        def wrapper(instance, request, *args, **kwargs):
            if not Membership.objects.filter(user=request.user, organization_id=kwargs["organization_id"]).exists():
                raise PermissionError
            return view_func(instance, request, *args, **kwargs)
        return wrapper


    def object_access(view_func):
        def wrapper(instance, request, *args, **kwargs):
            check_access(request.user, **kwargs)
            return view_func(instance, request, *args, **kwargs)
        return wrapper


    def check_access(user, **kwargs):
        pass


    class OrganizationView(APIView):
        @property
        def organization_id(self):
            return self.kwargs.get("organization_id")
"""


def test_a_guard_reading_only_url_arguments_scopes_only_those(tmp_path):
    """Read on plane (P1-P3 of tests/benchmarks/precision/RECALL.md): a permission class or a
    decorator checking the project or workspace the URL names (`view.project_id`,
    `kwargs["slug"]`) says nothing about an issue fetched by `issue_id`."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/guards.py": URL_GUARDS,
        "app/views.py": """
            from rest_framework.response import Response

            from app.guards import (BodyProject, OrganizationMember, OrganizationMemberByProperty,
                                    OrganizationView, TaskOwner, member_of, object_access)
            from app.models import Task


            class ByClass(OrganizationView):
                permission_classes = [OrganizationMember]

                def post(self, request, organization_id, task_id):
                    task = Task.objects.get(pk=task_id)
                    return Response(task.pk)


            class ByClassScoped(OrganizationView):
                permission_classes = [OrganizationMember]

                def post(self, request, organization_id, task_id):
                    task = Task.objects.get(pk=task_id, project__organization_id=organization_id)
                    return Response(task.pk)


            class ByProperty(OrganizationView):
                permission_classes = [OrganizationMemberByProperty]

                def post(self, request, organization_id, task_id):
                    Task.objects.filter(pk=task_id).delete()
                    Task.objects.filter(pk=task_id, project__organization=self.organization_id).delete()
                    return Response()


            class ByObjectCheck(OrganizationView):
                permission_classes = [TaskOwner]

                def post(self, request, organization_id, task_id):
                    return Response(Task.objects.get(pk=task_id).pk)


            class ByBody(OrganizationView):
                permission_classes = [BodyProject]

                def post(self, request, organization_id, task_id):
                    return Response(Task.objects.get(pk=task_id).pk)


            class ByDecorator(OrganizationView):
                @member_of
                def delete(self, request, organization_id, task_id):
                    Task.objects.filter(pk=task_id).delete()
                    Task.objects.filter(pk=task_id, project__organization_id=self.kwargs["organization_id"]).delete()
                    return Response()


            class ByOpaqueDecorator(OrganizationView):
                @object_access
                def delete(self, request, organization_id, task_id):
                    Task.objects.filter(pk=task_id).delete()
                    return Response()
        """,
    }, CODE)
    where = sorted(f.span.start.line + 1 for f in found if f.path.endswith("views.py"))
    assert where == [12, 28, 50], [f.message for f in found]


def test_setup_overrides_of_dispatch_check_nothing(tmp_path):
    """Plane's base views override `initial()` (the user's time zone) and `dispatch()` (a
    query count): neither refuses a request, so neither guards a lookup. A `dispatch()` that
    may refuse one still silences the rule."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/views.py": """
            from django.utils import timezone
            from rest_framework.response import Response
            from rest_framework.views import APIView

            from app.models import Task


            class Base(APIView):
                def initial(self, request, *args, **kwargs):
                    super().initial(request, *args, **kwargs)
                    if request.user.is_authenticated:
                        timezone.activate(request.user.timezone)

                def dispatch(self, request, *args, **kwargs):
                    try:
                        response = super().dispatch(request, *args, **kwargs)
                        print(request.method)
                        return response
                    except Exception as exc:
                        return self.handle_exception(exc)


            class Refusing(APIView):
                def dispatch(self, request, *args, **kwargs):
                    if not request.user.is_staff:
                        raise PermissionError
                    return super().dispatch(request, *args, **kwargs)


            class Close(Base):
                def post(self, request, pk):
                    return Response(Task.objects.get(pk=pk).pk)


            class StaffClose(Refusing):
                def post(self, request, pk):
                    return Response(Task.objects.get(pk=pk).pk)
        """,
    }, CODE)
    assert [f.span.start.line + 1 for f in found] == [32], [f.message for f in found]


def test_rows_picked_by_client_ids_and_then_used(tmp_path):
    """Plane `sub_issue.py:214`: `filter(id__in=<client ids>)` whose rows are iterated and
    bulk-updated changes other tenants' rows as `update()` would. Rows only listed back
    (not iterated here) or narrowed by the guarded URL argument are not reported."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/guards.py": URL_GUARDS,
        "app/views.py": """
            from rest_framework.response import Response

            from app.guards import OrganizationMember, OrganizationView
            from app.models import Project, Task


            class Reparent(OrganizationView):
                permission_classes = [OrganizationMember]

                def post(self, request, organization_id):
                    tasks = Task.objects.filter(id__in=request.data["tasks"])
                    for task in tasks:
                        task.done = True
                    Task.objects.bulk_update(tasks, ["done"])
                    for task in Task.objects.filter(pk__in=request.data["more"]):
                        task.delete()
                    return Response()


            class ReparentScoped(OrganizationView):
                permission_classes = [OrganizationMember]

                def post(self, request, organization_id):
                    tasks = Task.objects.filter(id__in=request.data["tasks"], project__organization_id=organization_id)
                    Task.objects.bulk_update(tasks, ["done"])
                    return Response()


            class Listed(OrganizationView):
                permission_classes = [OrganizationMember]

                def post(self, request, organization_id):
                    tasks = Task.objects.filter(id__in=request.data["tasks"])
                    return Response({"count": tasks.count()})
        """,
    }, CODE)
    assert sorted(f.span.start.line + 1 for f in found) == [11, 15], [f.message for f in found]
    assert all("`Reparent.post` fetches `Task` rows by ids the client chose" in f.message for f in found)


def test_helpers_run_under_the_decorators_of_their_callers_and_public_views(tmp_path):
    """`perform_create()` runs under DRF's `create()`, which no project decorator guards
    (plane's `WorkspaceViewViewSet`); `get_queryset()` under every handler of the class. A
    view open to anonymous clients has no user to narrow to: the id is the capability (plane's
    invitation links)."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/api.py": SIBLINGS,
        "app/guards.py": URL_GUARDS,
        "app/views.py": """
            from rest_framework import viewsets
            from rest_framework.permissions import AllowAny
            from rest_framework.response import Response
            from rest_framework.views import APIView

            from app.guards import member_of
            from app.models import Project, Task


            class Boards(viewsets.ModelViewSet):
                def perform_create(self, serializer):
                    serializer.save(project=Project.objects.get(pk=self.kwargs["organization_id"]))

                def get_queryset(self):
                    project = Project.objects.get(pk=self.kwargs["organization_id"])
                    return Task.objects.filter(project=project)

                @member_of
                def list(self, request, organization_id):
                    return Response()

                @member_of
                def retrieve(self, request, organization_id, pk):
                    return Response()


            class Join(APIView):
                permission_classes = [AllowAny]

                def post(self, request, pk):
                    return Response(Project.objects.get(pk=pk).pk)
        """,
    }, CODE)
    assert [f.span.start.line + 1 for f in found] == [12], [f.message for f in found]
