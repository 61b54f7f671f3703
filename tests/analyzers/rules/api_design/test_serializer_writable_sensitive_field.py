from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

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
