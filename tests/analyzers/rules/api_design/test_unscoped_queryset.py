from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE307"

MODELS = """
    from django.conf import settings
    from django.db import models


    class Post(models.Model):
        author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        title = models.CharField(max_length=20)


    class Tag(models.Model):
        name = models.CharField(max_length=20)
"""


def test_owned_objects_open_to_every_authenticated_user(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import filters, generics, permissions, viewsets
            from rest_framework.permissions import IsAuthenticated

            from app.models import Post


            class PostViewSet(viewsets.ModelViewSet):
                queryset = Post.objects.all()
                permission_classes = [IsAuthenticated]


            class PostDetail(generics.RetrieveUpdateDestroyAPIView):
                queryset = Post.objects.select_related("author")
                permission_classes = (permissions.IsAuthenticatedOrReadOnly,)
                filter_backends = [filters.SearchFilter]


            class Child(PostViewSet):
                pass
        """,
    }, CODE)
    messages = {f.message.split("`")[1]: f.message for f in found}
    assert sorted(messages) == ["Child", "PostDetail", "PostViewSet"]
    assert "any authenticated user PUT/PATCH/DELETE every `Post`, whoever its `author` is" in messages["PostViewSet"]


def test_project_default_permission_counts(tmp_path):
    found = findings(tmp_path, {
        "config/settings.py": (
            'SECRET_KEY = "x"\n'
            'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]\n'
            'REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}\n'
        ),
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import viewsets

            from app.models import Post


            class PostViewSet(viewsets.ModelViewSet):
                queryset = Post.objects.all()
        """,
    }, CODE)
    assert len(found) == 1


def test_scoped_or_protected_views_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/permissions.py": """
            from rest_framework.permissions import BasePermission


            class IsAuthor(BasePermission):
                def has_object_permission(self, request, view, obj):
                    return obj.author == request.user
        """,
        "app/filters.py": """
            from rest_framework.filters import BaseFilterBackend


            class MineOnly(BaseFilterBackend):
                def filter_queryset(self, request, queryset, view):
                    return queryset.filter(author=request.user)
        """,
        "app/views.py": """
            from rest_framework import generics, permissions, viewsets
            from rest_framework.permissions import IsAuthenticated

            from app.filters import MineOnly
            from app.models import Post, Tag
            from app.permissions import IsAuthor


            class Scoped(viewsets.ModelViewSet):
                permission_classes = [IsAuthenticated]

                def get_queryset(self):
                    return Post.objects.filter(author=self.request.user)


            class Filtered(viewsets.ModelViewSet):
                queryset = Post.objects.filter(published=True)
                permission_classes = [IsAuthenticated]


            class ObjectPermission(viewsets.ModelViewSet):
                queryset = Post.objects.all()
                permission_classes = [IsAuthenticated, IsAuthor]


            class Backend(viewsets.ModelViewSet):
                queryset = Post.objects.all()
                permission_classes = [IsAuthenticated]
                filter_backends = [MineOnly]


            class Admin(viewsets.ModelViewSet):
                queryset = Post.objects.all()
                permission_classes = [permissions.IsAdminUser]


            class ReadOnly(viewsets.ReadOnlyModelViewSet):
                queryset = Post.objects.all()
                permission_classes = [IsAuthenticated]


            class NotOwned(viewsets.ModelViewSet):
                queryset = Tag.objects.all()
                permission_classes = [IsAuthenticated]


            class Ignored(viewsets.ModelViewSet):
                queryset = Post.objects.all()  # noqa: DJE307
                permission_classes = [IsAuthenticated]
        """,
    }, CODE)
