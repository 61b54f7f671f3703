"""DJE309: writable relation fields accepting any row of a tenant's model (the exploits
are proven on tests/workspaces/tenancy)."""

from tests.analyzers.rules.helpers import findings
from tests.analyzers.rules.security.test_unscoped_object_lookup import MODELS, SIBLINGS

CODE = "DJE309"

SERIALIZERS = """
    from rest_framework import serializers

    from app.models import Announcement, Project, Task


    class TaskSerializer(serializers.ModelSerializer):
        project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

        class Meta:
            model = Task
            fields = ["id", "project"]


    class GeneratedSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = ["id", "project"]


    class NarrowedSerializer(serializers.ModelSerializer):
        project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())

        class Meta:
            model = Task
            fields = ["id", "project"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["project"].queryset = Project.objects.for_user(self.context["request"].user)


    class CheckedSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = ["id", "project"]

        def validate_project(self, project):
            if not Project.objects.for_user(self.context["request"].user).filter(pk=project.pk).exists():
                raise serializers.ValidationError("no")
            return project


    class ReadOnlySerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = ["id", "project"]
            read_only_fields = ["project"]


    class ReadSerializer(serializers.ModelSerializer):
        project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

        class Meta:
            model = Task
            fields = ["id", "project"]
"""

VIEWS = """
    from rest_framework import generics, viewsets
    from rest_framework.permissions import IsAdminUser, IsAuthenticated

    from app import serializers
    from app.models import Task


    class Tasks(viewsets.ModelViewSet):
        serializer_class = serializers.TaskSerializer
        permission_classes = [IsAuthenticated]


    class Generated(generics.CreateAPIView):
        serializer_class = serializers.GeneratedSerializer
        permission_classes = [IsAuthenticated]


    class Narrowed(generics.CreateAPIView):
        serializer_class = serializers.NarrowedSerializer
        permission_classes = [IsAuthenticated]


    class Checked(generics.CreateAPIView):
        serializer_class = serializers.CheckedSerializer
        permission_classes = [IsAuthenticated]


    class ReadOnly(generics.UpdateAPIView):
        serializer_class = serializers.ReadOnlySerializer
        permission_classes = [IsAuthenticated]


    class Read(generics.ListAPIView):
        serializer_class = serializers.ReadSerializer
        permission_classes = [IsAuthenticated]
"""


def test_every_row_relations_written_by_users(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/api.py": SIBLINGS,
                                "app/serializers.py": SERIALIZERS, "app/views.py": VIEWS}, CODE)
    assert sorted(f.message.split(" accepts")[0] for f in found) == [
        "`GeneratedSerializer.project`", "`TaskSerializer.project`"]
    assert "while `ProjectViewSet.get_queryset` (app/api.py) narrows `Project` to the requesting user" in found[0].message


def test_silent_without_sibling_scoping(tmp_path):
    unscoped = SERIALIZERS[:SERIALIZERS.index("    class NarrowedSerializer")]
    views = VIEWS[:VIEWS.index("    class Narrowed(")]
    found = findings(tmp_path, {"app/models.py": MODELS, "app/serializers.py": unscoped, "app/views.py": views}, CODE)
    assert found == []


def test_lookalikes_from_real_projects_stay_silent(tmp_path):
    """Read on plane: serializers only rendered by hand-written handlers (W2), `<fk>_id`
    names DRF makes read-only (W4), and relations to the user model (W5)."""
    found = findings(tmp_path, {"app/models.py": MODELS.replace(
        "        project = models.ForeignKey(Project, on_delete=models.CASCADE)\n",
        "        project = models.ForeignKey(Project, on_delete=models.CASCADE)\n"
        "        assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)\n"),
        "app/api.py": SIBLINGS, "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Task


            class OutputSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Task
                    fields = ["id", "project"]


            class IdSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Task
                    fields = ["id", "project_id", "assignee"]
        """, "app/views.py": """
            from rest_framework import generics, viewsets
            from rest_framework.permissions import IsAuthenticated
            from rest_framework.response import Response

            from app.models import Task
            from app.serializers import IdSerializer, OutputSerializer


            class HandWritten(viewsets.ModelViewSet):
                serializer_class = OutputSerializer
                permission_classes = [IsAuthenticated]

                def create(self, request):
                    task = Task.objects.create(title=request.data["title"])
                    return Response(OutputSerializer(task).data)

                def update(self, request, pk=None):
                    return Response()

                def partial_update(self, request, pk=None):
                    return Response()


            class Ids(generics.CreateAPIView):
                serializer_class = IdSerializer
                permission_classes = [IsAuthenticated]
        """}, CODE)
    assert found == []


ROUTED_VIEWS = """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response

    from app import serializers
    from app.models import Task


    class Notes(viewsets.ModelViewSet):
        serializer_class = serializers.TaskSerializer
        permission_classes = [IsAuthenticated]

        def partial_update(self, request, pk):
            task = Task.objects.get(pk=pk)
            serializer = serializers.TaskSerializer(task, data={"id": request.data.get("id")}, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)

        def mark_read(self, request, pk):
            return Response(serializers.TaskSerializer(Task.objects.get(pk=pk)).data)


    class Created(viewsets.ModelViewSet):
        serializer_class = serializers.GeneratedSerializer
        permission_classes = [IsAuthenticated]


    class Whole(viewsets.ModelViewSet):
        serializer_class = serializers.ReadSerializer
        permission_classes = [IsAuthenticated]

        def partial_update(self, request, pk):
            serializer = serializers.ReadSerializer(Task.objects.get(pk=pk), data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)
"""

ROUTED_URLS = """
    from django.urls import path

    from app.views import Created, Notes, Whole

    urlpatterns = [
        path("notes/<int:pk>/", Notes.as_view({"get": "retrieve", "patch": "partial_update"})),
        path("notes/<int:pk>/read/", Notes.as_view({"post": "mark_read"})),
        path("created/", Created.as_view({"post": "create"})),
        path("whole/<int:pk>/", Whole.as_view({"patch": "partial_update"})),
    ]
"""


def test_routed_actions_that_build_their_own_data_stay_silent(tmp_path):
    """plane's NotificationViewSet: POST is routed to `mark_read` (no client data) and PATCH
    to a `partial_update` that builds `{"snoozed_till": ...}` itself; the relation never
    comes from the client. A viewset whose POST is routed to DRF's `create`, or whose handler
    hands `request.data` whole to the serializer (plane's intake `partial_update`), still reports."""
    from tests.analyzers.rules.helpers import DEFAULTS
    files = {"config/settings.py": DEFAULTS["config/settings.py"] + 'ROOT_URLCONF = "config.urls"\n',
             "config/urls.py": ROUTED_URLS, "app/models.py": MODELS, "app/api.py": SIBLINGS,
             "app/serializers.py": SERIALIZERS, "app/views.py": ROUTED_VIEWS}
    found = findings(tmp_path, files, CODE)
    assert sorted(f.message.split(" accepts")[0] for f in found) == [
        "`GeneratedSerializer.project`", "`ReadSerializer.project`"]


LOOKUP_SERIALIZERS = "".join(f"""
    class {name}Serializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = ["id", "project"]
""" for name in ("Plane", "Kwarg", "Field", "Pk", "Own", "Routed")).join(("""
    from rest_framework import serializers

    from app.models import Task
""", ""))

LOOKUP_VIEWS = """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response

    from app import serializers
    from app.models import Task


    class Plane(viewsets.ModelViewSet):
        serializer_class = serializers.PlaneSerializer
        permission_classes = [IsAuthenticated]

        def create(self, request, project_id):
            Task.objects.bulk_create([Task(project_id=project_id, title=t) for t in request.data["titles"]])
            return Response()


    class Kwarg(Plane):
        serializer_class = serializers.KwargSerializer
        lookup_url_kwarg = "issue_id"


    class Field(Plane):
        serializer_class = serializers.FieldSerializer
        lookup_field = "issue_id"


    class Pk(Plane):
        serializer_class = serializers.PkSerializer


    class Own(Plane):
        serializer_class = serializers.OwnSerializer

        def get_object(self):
            return Task.objects.get(pk=self.kwargs["issue_id"])


    class Routed(Plane):
        serializer_class = serializers.RoutedSerializer
"""

LOOKUP_URLS = """
    from django.urls import path
    from rest_framework.routers import DefaultRouter

    from app.views import Field, Kwarg, Own, Pk, Plane, Routed

    router = DefaultRouter()
    router.register("routed", Routed, basename="routed")

    urlpatterns = [
        path("<uuid:project_id>/plane/", Plane.as_view({"get": "list", "post": "create"})),
        path("<uuid:project_id>/plane/<uuid:issue_id>/",
             Plane.as_view({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"})),
        path("<uuid:project_id>/kwarg/<uuid:issue_id>/", Kwarg.as_view({"put": "update", "patch": "partial_update"})),
        path("<uuid:project_id>/field/<uuid:issue_id>/", Field.as_view({"put": "update", "patch": "partial_update"})),
        path("<uuid:project_id>/pk/<uuid:pk>/", Pk.as_view({"put": "update", "patch": "partial_update"})),
        path("<uuid:project_id>/own/<uuid:issue_id>/", Own.as_view({"put": "update", "patch": "partial_update"})),
    ] + router.urls
"""


def test_default_update_without_the_lookup_kwarg_stays_silent(tmp_path):
    """plane's CycleIssueViewSet/ModuleIssueViewSet (precision round 4 #57, #58): DRF's own
    update/partial_update routed on `.../<uuid:issue_id>/` with no lookup_field, so
    get_object() asserts on the missing `pk` kwarg before the serializer runs, and the POST
    action bulk-creates rows itself. A route naming the lookup kwarg (`lookup_url_kwarg`,
    `lookup_field`, `pk`, a router's detail route) or a get_object() override still reports."""
    from tests.analyzers.rules.helpers import DEFAULTS
    files = {"config/settings.py": DEFAULTS["config/settings.py"] + 'ROOT_URLCONF = "config.urls"\n',
             "config/urls.py": LOOKUP_URLS, "app/models.py": MODELS, "app/api.py": SIBLINGS,
             "app/serializers.py": LOOKUP_SERIALIZERS, "app/views.py": LOOKUP_VIEWS}
    found = findings(tmp_path, files, CODE)
    assert sorted(f.message.split(" accepts")[0] for f in found) == [
        "`FieldSerializer.project`", "`KwargSerializer.project`", "`OwnSerializer.project`",
        "`PkSerializer.project`", "`RoutedSerializer.project`"]


DIRECT_SERIALIZERS = """
    from rest_framework import serializers

    from app.models import Project, Task


    class BoardSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = "__all__"


    class MovedSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = "__all__"


    class PinnedSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = "__all__"


    class ShownSerializer(serializers.ModelSerializer):
        class Meta:
            model = Task
            fields = "__all__"


    class StateSerializer(serializers.ModelSerializer):
        state = serializers.PrimaryKeyRelatedField(source="project", queryset=Project.objects.all())

        class Meta:
            model = Task
            fields = ["id", "state"]

        def validate(self, attrs):
            if attrs.get("project") and attrs["project"].organization_id != self.context["organization"]:
                raise serializers.ValidationError("no")
            return attrs
"""

DIRECT_VIEWS = """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from app.models import Task
    from app.serializers import (BoardSerializer, MovedSerializer, PinnedSerializer, ShownSerializer,
                                 StateSerializer)


    class Boards(viewsets.ViewSet):
        permission_classes = [IsAuthenticated]

        def partial_update(self, request, pk):
            board = Task.objects.get(pk=pk, project__organization__membership__user=request.user)
            serializer = BoardSerializer(board, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)


    class Moves(viewsets.GenericViewSet):
        serializer_class = ShownSerializer
        permission_classes = [IsAuthenticated]

        def create(self, request):
            serializer = MovedSerializer(data={**request.data, "title": "new"})
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)


    class Pins(APIView):
        permission_classes = [IsAuthenticated]

        def post(self, request, project_id):
            serializer = PinnedSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save(project_id=project_id)
            shown = ShownSerializer(Task.objects.filter(project_id=project_id), many=True)
            return Response(shown.data)


    class States(APIView):
        permission_classes = [IsAuthenticated]

        def post(self, request):
            serializer = StateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)
"""


def test_serializers_built_from_the_request_body_in_a_handler(tmp_path):
    """Plane's `ProjectViewSet` (RECALL.md P5) builds `ProjectSerializer` from
    `{**request.data}` while its `serializer_class` is another one: no view names the
    serializer, and the rule never asked what clients write through it. A handler that sets
    the relation itself on `save()`, a serializer only rendered, and a `validate()` reading the
    field's source stay silent."""
    found = findings(tmp_path, {"app/models.py": MODELS, "app/api.py": SIBLINGS,
                                "app/serializers.py": DIRECT_SERIALIZERS, "app/views.py": DIRECT_VIEWS}, CODE)
    assert sorted(f.message.split(" accepts")[0] for f in found) == [
        "`BoardSerializer.project`", "`MovedSerializer.project`"], [f.message for f in found]
