"""DJE310: `A | B` permissions with an always-true side, and DjangoModelPermissions guarding
reads (exploits proven on tests/workspaces/tenancy)."""

from tests.analyzers.rules.helpers import findings
from tests.analyzers.rules.security.test_unscoped_object_lookup import MODELS

CODE = "DJE310"

PERMISSIONS = """
    from rest_framework import permissions


    class IsOwner(permissions.BasePermission):
        def has_object_permission(self, request, view, obj):
            return obj.owner == request.user


    class IsOrgAdmin(permissions.BasePermission):
        def has_permission(self, request, view):
            return request.user.is_authenticated and request.user.is_staff

        def has_object_permission(self, request, view, obj):
            return True


    class IsMember(permissions.BasePermission):
        def has_permission(self, request, view):
            return request.user.is_authenticated
"""


def test_always_true_alternatives_and_model_permissions_for_reads(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/permissions.py": PERMISSIONS,
        "app/views.py": """
            from rest_framework import generics, viewsets
            from rest_framework.permissions import AllowAny, DjangoModelPermissions, IsAdminUser

            from app.models import Announcement, Project, Task
            from app.permissions import IsMember, IsOrgAdmin, IsOwner


            class Tasks(viewsets.ModelViewSet):
                queryset = Task.objects.all()
                permission_classes = [IsOwner | IsAdminUser]


            class Both(viewsets.ModelViewSet):
                queryset = Task.objects.all()
                permission_classes = [IsOrgAdmin | IsMember]


            class Detail(generics.RetrieveAPIView):
                queryset = Task.objects.all()
                permission_classes = [IsOwner | IsAdminUser]


            class Projects(generics.ListAPIView):
                queryset = Project.objects.all()
                permission_classes = [DjangoModelPermissions]


            class News(generics.ListAPIView):
                queryset = Announcement.objects.all()
                permission_classes = [DjangoModelPermissions]


            class Scoped(generics.ListAPIView):
                permission_classes = [DjangoModelPermissions]

                def get_queryset(self):
                    return Project.objects.for_user(self.request.user)
        """,
    }, CODE)
    messages = sorted(f.message for f in found)
    assert len(messages) == 2, messages
    assert messages[0].startswith("`IsOwner | IsAdminUser` on `Tasks` lets anonymous clients list every row and "
                                  "create objects: `IsOwner` defines only `has_object_permission`")
    assert messages[1].startswith("`Projects` relies on `DjangoModelPermissions`, which never restricts GET: any "
                                  "authenticated user reads every `Project`")


VIEW = """
    from rest_framework import viewsets
    from rest_framework.permissions import IsAdminUser

    from app.models import Task
    from app.permissions import IsOwner


    class Tasks(viewsets.ModelViewSet):
        queryset = Task.objects.all()
        permission_classes = [IsOwner | IsAdminUser]
"""


def test_the_fix_requires_authentication_and_imports_it(tmp_path):
    from tests.analyzers.rules.helpers import check_fixed

    fixed = VIEW.replace("from app.permissions import IsOwner\n",
                         "from app.permissions import IsOwner\n    from rest_framework.permissions import IsAuthenticated\n")
    fixed = fixed.replace("[IsOwner | IsAdminUser]", "[IsAuthenticated & (IsOwner | IsAdminUser)]")
    found = check_fixed(tmp_path, {"app/models.py": MODELS, "app/permissions.py": PERMISSIONS, "app/views.py": VIEW},
                        CODE, {"app/views.py": fixed})
    assert found.fix_title == "Require authentication: `IsAuthenticated & (IsOwner | IsAdminUser)`"
