from tests.analyzers.rules.helpers import DEFAULTS, check_fixed, check_noop, findings

CODE = "DJE303"

MODELS = """
    from django.conf import settings
    from django.db import models


    class Post(models.Model):
        author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
        title = models.CharField(max_length=20)
"""


def test_privilege_fields_and_password_of_the_user_model(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import generics, viewsets
            from rest_framework.permissions import IsAuthenticated

            from app.serializers import AdminishSerializer, UserSerializer


            class Profile(generics.RetrieveUpdateAPIView):
                serializer_class = UserSerializer
                permission_classes = [IsAuthenticated]


            class Users(viewsets.ModelViewSet):
                serializer_class = AdminishSerializer
        """,
        "app/serializers.py": """
            from django.contrib.auth.models import User
            from rest_framework import serializers


            class UserSerializer(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ["id", "username", "password", "is_staff", "groups", "is_active"]
                    read_only_fields = ["is_active"]


            class AdminishSerializer(serializers.ModelSerializer):
                is_superuser = serializers.BooleanField()
                password = serializers.CharField(write_only=True)

                class Meta:
                    model = User
                    fields = "__all__"
        """,
    }, CODE)
    messages = sorted(f.message for f in found)
    assert any("`UserSerializer` returns `password` of `User`" in m for m in messages)
    assert any("`UserSerializer` lets clients write `is_staff`" in m for m in messages)
    assert any("`UserSerializer` lets clients write `groups`" in m for m in messages)
    assert not any("`UserSerializer` lets clients write `is_active`" in m for m in messages)
    admin = [m for m in messages if "AdminishSerializer" in m]
    assert len(admin) == 5 and not any("password" in m for m in admin)  # all five privileges


def test_owner_field_written_through_an_open_view(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Post


            class PostSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "author", "reviewer", "title"]
        """,
        "app/views.py": """
            from rest_framework import permissions, viewsets

            from app.models import Post
            from app.serializers import PostSerializer


            class PostViewSet(viewsets.ModelViewSet):
                queryset = Post.objects.all()
                serializer_class = PostSerializer
                permission_classes = [permissions.IsAuthenticated]
        """,
    }, CODE)
    assert len(found) == 1
    assert "lets clients write `author` of `Post`: a client can create or move a `Post` into another user's name" \
        in found[0].message


def test_views_that_protect_the_serializer_silence_it(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from django.contrib.auth.models import User
            from rest_framework import serializers

            from app.models import Post


            class PostSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "author", "title"]


            class ReadPostSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "author", "title"]


            class StaffSerializer(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ["id", "is_staff", "password"]
                    extra_kwargs = {"password": {"write_only": True}}


            class DisplaySerializer(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ["id", "username", "is_superuser"]


            class SafeUserSerializer(serializers.ModelSerializer):
                groups = serializers.StringRelatedField(many=True, read_only=True)

                class Meta:
                    model = User
                    fields = ["id", "username", "groups", "is_staff"]
                    read_only_fields = ("is_staff",)


            class Ignored(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ["id", "is_staff"]  # noqa: DJE303
        """,
        "app/views.py": """
            from rest_framework import generics, permissions, viewsets

            from app.models import Post
            from app.serializers import PostSerializer, ReadPostSerializer, StaffSerializer


            class PostViewSet(viewsets.ModelViewSet):
                serializer_class = PostSerializer
                permission_classes = [permissions.IsAuthenticated]

                def perform_create(self, serializer):
                    serializer.save(author=self.request.user)


            class Posts(generics.ListAPIView):
                serializer_class = ReadPostSerializer
                permission_classes = [permissions.AllowAny]


            class Staff(viewsets.ModelViewSet):
                serializer_class = StaffSerializer
                permission_classes = [permissions.IsAdminUser]
        """,
    }, CODE)


def test_fix_adds_to_read_only_fields(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from rest_framework import generics

            from app.serializers import ProfileSerializer


            class Me(generics.UpdateAPIView):
                serializer_class = ProfileSerializer
        """,
        "app/serializers.py": """
            from django.contrib.auth import get_user_model
            from django.contrib.auth.models import User
            from rest_framework import serializers


            class ProfileSerializer(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ("id", "email", "is_superuser")
                    read_only_fields = ("id",)
        """,
    }, CODE, {"app/serializers.py": """
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import User
        from rest_framework import serializers


        class ProfileSerializer(serializers.ModelSerializer):
            class Meta:
                model = User
                fields = ("id", "email", "is_superuser")
                read_only_fields = ("id", "is_superuser")
    """})


def test_fix_makes_password_write_only(tmp_path):
    check_fixed(tmp_path, {
        "app/serializers.py": """
            from django.contrib.auth.models import User
            from rest_framework import serializers


            class SignupSerializer(serializers.ModelSerializer):
                class Meta:
                    model = User
                    fields = ["username", "password"]
        """,
    }, CODE, {"app/serializers.py": """
        from django.contrib.auth.models import User
        from rest_framework import serializers


        class SignupSerializer(serializers.ModelSerializer):
            class Meta:
                model = User
                fields = ["username", "password"]
                extra_kwargs = {"password": {"write_only": True}}
    """})


def test_privilege_fields_renamed_with_source(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import generics
            from rest_framework.permissions import IsAuthenticated

            from app.serializers import MeSerializer, ShownSerializer


            class Me(generics.RetrieveUpdateAPIView):
                serializer_class = MeSerializer
                permission_classes = [IsAuthenticated]


            class Shown(generics.RetrieveUpdateAPIView):
                serializer_class = ShownSerializer
                permission_classes = [IsAuthenticated]
        """,
        "app/serializers.py": """
            from django.contrib.auth.models import User
            from rest_framework import serializers


            class MeSerializer(serializers.ModelSerializer):
                admin = serializers.BooleanField(source="is_staff")

                class Meta:
                    model = User
                    fields = ["id", "username", "admin"]


            class ShownSerializer(serializers.ModelSerializer):
                admin = serializers.BooleanField(source="is_staff", read_only=True)

                class Meta:
                    model = User
                    fields = ["id", "username", "admin"]
        """,
    }, CODE)
    assert [f.message.split(":")[0] for f in found] == ["`MeSerializer` lets clients write `admin` (`is_staff`) of `User`"]


def test_audit_fields_a_models_save_fills_stay_silent(tmp_path):
    """Read on plane (W1): created_by/updated_by set from the current user in save()."""
    found = findings(tmp_path, {
        "app/models.py": """
            from django.conf import settings
            from django.db import models


            class Audited(models.Model):
                created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
                author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

                class Meta:
                    abstract = True

                def save(self, *args, **kwargs):
                    super().save(*args, **kwargs)


            class Note(Audited):
                text = models.TextField()
        """,
        "app/views.py": """
            from rest_framework import generics
            from rest_framework.permissions import IsAuthenticated

            from app.serializers import NoteSerializer


            class Notes(generics.CreateAPIView):
                serializer_class = NoteSerializer
                permission_classes = [IsAuthenticated]
        """,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Note


            class NoteSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Note
                    fields = ["id", "text", "created_by", "author"]
        """,
    }, CODE)
    assert [f.message.split(":")[0] for f in found] == ["`NoteSerializer` lets clients write `author` of `Note`"]


CREATOR_MODELS = """
    from django.conf import settings
    from django.db import models


    class Audited(models.Model):
        created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

        class Meta:
            abstract = True

        def save(self, *args, **kwargs):
            user = current_user()
            if self._state.adding:
                self.created_by = user
            super().save(*args, **kwargs)


    class Stamped(models.Model):
        created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

        class Meta:
            abstract = True

        def save(self, *args, **kwargs):
            self.created_by = current_user()
            super().save(*args, **kwargs)


    def current_user():
        return None


    class Issue(Audited):
        title = models.TextField()


    class Label(Audited):
        name = models.TextField()


    class Reaction(Audited):
        emoji = models.TextField()


    class Cycle(Stamped):
        name = models.TextField()
"""

CREATOR_SERIALIZERS = """
    from rest_framework import serializers

    from app.models import Cycle, Issue, Label, Reaction
""" + "".join(f"""
    class {name}Serializer(serializers.ModelSerializer):
        class Meta:
            model = {name}
            fields = ["id", "created_by"]

""" for name in ("Issue", "Label", "Reaction", "Cycle"))

CREATOR_VIEWS = """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response

    from app.models import Cycle, Issue, Label, Reaction
    from app.serializers import CycleSerializer, IssueSerializer, LabelSerializer, ReactionSerializer


    class Issues(viewsets.ModelViewSet):
        serializer_class = IssueSerializer
        permission_classes = [IsAuthenticated]

        def get_queryset(self):
            return Issue.objects.all()

        def destroy(self, request, pk):
            Issue.objects.filter(pk=pk, created_by=request.user).delete()
            return Response()


    class Labels(viewsets.ModelViewSet):
        serializer_class = LabelSerializer
        permission_classes = [IsAuthenticated]
        queryset = Label.objects.all()


    class Reactions(viewsets.ModelViewSet):
        serializer_class = ReactionSerializer
        permission_classes = [IsAuthenticated]

        def get_queryset(self):
            return Reaction.objects.filter(created_by=self.request.user)


    class Cycles(viewsets.ModelViewSet):
        serializer_class = CycleSerializer
        permission_classes = [IsAuthenticated]

        def get_queryset(self):
            return Cycle.objects.filter(created_by=self.request.user)
"""

CREATOR_URLS = """
    from django.urls import path

    from app import views

    urlpatterns = [
        path("issues/<int:pk>/", views.Issues.as_view({"patch": "partial_update", "delete": "destroy"})),
        path("labels/<int:pk>/", views.Labels.as_view({"patch": "partial_update"})),
        path("reactions/", views.Reactions.as_view({"get": "list", "post": "create"})),
        path("cycles/<int:pk>/", views.Cycles.as_view({"patch": "partial_update"})),
    ]
"""


def test_a_creator_save_sets_only_on_new_rows(tmp_path):
    """Plane (RECALL.md P4): `BaseModel.save()` sets `created_by` only `if self._state.adding`,
    so a PATCH keeps the creator the client sent, and the project grants rights by the
    creator (`filter(pk=pk, created_by=request.user)`). Silent: a model whose creator grants
    nothing (`Label`), a serializer reached only by creates (`Reaction`, whose save() then
    overwrites the client's value), a save() setting it on every write (`Cycle`)."""
    found = findings(tmp_path, {
        "config/settings.py": DEFAULTS["config/settings.py"] + 'ROOT_URLCONF = "config.urls"\n',
        "config/urls.py": CREATOR_URLS,
        "app/models.py": CREATOR_MODELS,
        "app/serializers.py": CREATOR_SERIALIZERS,
        "app/views.py": CREATOR_VIEWS,
    }, CODE)
    assert [f.message.split(":")[0] for f in found] == ["`IssueSerializer` lets clients write `created_by` of `Issue`"]


def test_owner_fields_behind_a_tenant_permission_or_a_handler_building_the_serializer(tmp_path):
    """A permission that checks only the tenant the URL names lets every member in: members
    then post in each other's names. A handler building the serializer from the request's body
    is a writer too, unless it sets the owner on save() or its validate() does (netbox's
    TokenProvisionSerializer puts the authenticated user there)."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Post


            class PostSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "title", "author"]


            class DraftSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "title", "author"]


            class SignedSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "title", "author"]


            class ProvisionSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Post
                    fields = ["id", "title", "author"]

                def validate(self, data):
                    data["author"] = self.context["request"].user
                    return data
        """,
        "app/views.py": """
            from rest_framework import generics
            from rest_framework.permissions import BasePermission, IsAuthenticated
            from rest_framework.response import Response
            from rest_framework.views import APIView

            from app.serializers import DraftSerializer, PostSerializer, ProvisionSerializer, SignedSerializer


            class BoardMember(BasePermission):
                def has_permission(self, request, view):
                    return request.user.boards.filter(pk=view.kwargs["board_id"]).exists()


            class Posts(generics.CreateAPIView):
                serializer_class = PostSerializer
                permission_classes = [BoardMember]


            class Drafts(APIView):
                permission_classes = [IsAuthenticated]

                def post(self, request):
                    serializer = DraftSerializer(data=request.data)
                    serializer.is_valid(raise_exception=True)
                    serializer.save()
                    return Response(serializer.data)


            class Signed(APIView):
                permission_classes = [IsAuthenticated]

                def post(self, request):
                    serializer = SignedSerializer(data=request.data)
                    serializer.is_valid(raise_exception=True)
                    serializer.save(author=request.user)
                    return Response(serializer.data)


            class Provision(APIView):
                permission_classes = [IsAuthenticated]

                def post(self, request):
                    serializer = ProvisionSerializer(data=request.data, context={"request": request})
                    serializer.is_valid(raise_exception=True)
                    serializer.save()
                    return Response(serializer.data)
        """,
    }, CODE)
    assert sorted(f.message.split(":")[0] for f in found) == [
        "`DraftSerializer` lets clients write `author` of `Post`", "`PostSerializer` lets clients write `author` of `Post`"]
