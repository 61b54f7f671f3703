from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE304"
IS_AUTHENTICATED = "rest_framework.permissions.IsAuthenticated"

MODELS = """
    from django.db import models


    class Order(models.Model):
        number = models.CharField(max_length=20)
"""

SETTINGS = """
    SECRET_KEY = "x"
    INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]
    REST_FRAMEWORK = {REST}
"""


def settings(rest: str) -> str:
    return SETTINGS.replace("{REST}", rest)


VIEWS = """
    from rest_framework import generics, viewsets
    from rest_framework.decorators import api_view
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from app.models import Order


    class OrderViewSet(viewsets.ModelViewSet):
        queryset = Order.objects.all()


    class Ping(APIView):
        def get(self, request):
            return Response("pong")


    class Base(generics.GenericAPIView):
        pass


    class Child(Base):
        pass


    @api_view(["GET", "POST"])
    def stats(request):
        return Response({})
"""


def test_views_without_permission_are_reported_when_the_default_is_unset(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": VIEWS}, CODE)
    names = sorted(f.message.split("`")[1] for f in found)
    assert names == ["Base", "Child", "OrderViewSet", "Ping", "stats"]
    message = next(f.message for f in found if "OrderViewSet" in f.message)
    assert "is unset in `config.settings`" in message and "anyone can call it" in message


def test_an_allow_any_default_is_reported_and_points_at_the_setting(tmp_path):
    found = findings(tmp_path, {
        "config/settings.py": settings('{"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"]}'),
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)
    assert len(found) == 5
    assert "allows anyone in `config.settings`" in found[0].message
    assert found[0].related and found[0].related[0].path.endswith("settings.py")


def test_empty_default_list_is_open(tmp_path):
    found = findings(tmp_path, {
        "config/settings.py": settings('{"DEFAULT_PERMISSION_CLASSES": []}'),
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)
    assert len(found) == 5


def test_production_settings_decide(tmp_path):
    files = {
        "config/settings/__init__.py": "",
        "config/settings/base.py": settings(f'{{"DEFAULT_PERMISSION_CLASSES": ["{IS_AUTHENTICATED}"]}}'),
        "config/settings/dev.py": "from .base import *\nREST_FRAMEWORK = {}\n",
        "config/settings/production.py": "from .base import *\n",
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")\n',
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }
    check_noop(tmp_path, {**files, "config/settings.py": ""}, CODE)
    files["config/settings/production.py"] = "from .base import *\nREST_FRAMEWORK = {'PAGE_SIZE': 10}\n"
    found = findings(tmp_path / "second", {**files, "config/settings.py": ""}, CODE)
    assert len(found) == 5 and "`config.settings.production`" in found[0].message


def test_restrictive_default_and_explicit_permissions_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "config/settings.py": settings(f'{{"DEFAULT_PERMISSION_CLASSES": ("{IS_AUTHENTICATED}",)}}'),
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)


def test_views_that_say_who_may_call_them_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/permissions.py": """
            from rest_framework.permissions import BasePermission


            class IsOwner(BasePermission):
                def has_object_permission(self, request, view, obj):
                    return obj.owner == request.user
        """,
        "app/views.py": """
            from rest_framework import permissions, viewsets
            from rest_framework.authtoken.views import ObtainAuthToken
            from rest_framework.decorators import api_view, permission_classes
            from rest_framework.views import APIView
            from somewhere.else import SecureView

            from app.models import Order
            from app.permissions import IsOwner


            class Public(APIView):
                permission_classes = [permissions.AllowAny]


            class Owned(viewsets.ModelViewSet):
                queryset = Order.objects.all()
                permission_classes = (IsOwner,)


            class Inherits(Owned):
                pass


            class Dynamic(APIView):
                def get_permissions(self):
                    return [IsOwner()]


            class ThirdParty(SecureView, APIView):
                pass


            class Token(ObtainAuthToken):
                pass


            class Ignored(APIView):  # noqa: DJE304
                pass


            @api_view(["POST"])
            @permission_classes([permissions.IsAuthenticated])
            def decorated(request):
                pass


            def plain(request):
                pass
        """,
    }, CODE)


def test_no_settings_module_means_silence(tmp_path):
    check_noop(tmp_path, {"manage.py": "", "config/settings.py": "", "app/models.py": MODELS, "app/views.py": VIEWS},
               CODE)


def test_fix_adds_permission_classes_and_the_import(tmp_path):
    check_fixed(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import viewsets

            from app.models import Order


            class OrderViewSet(viewsets.ModelViewSet):
                \"\"\"Orders.\"\"\"

                queryset = Order.objects.all()

                def perform_create(self, serializer):
                    serializer.save()
        """,
    }, CODE, {"app/views.py": """
        from rest_framework import viewsets

        from app.models import Order
        from rest_framework.permissions import IsAuthenticated


        class OrderViewSet(viewsets.ModelViewSet):
            \"\"\"Orders.\"\"\"

            queryset = Order.objects.all()
            permission_classes = [IsAuthenticated]

            def perform_create(self, serializer):
                serializer.save()
    """})


def test_fix_reuses_an_imported_permissions_module(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from rest_framework import permissions
            from rest_framework.views import APIView


            class Ping(APIView):
                pass
        """,
    }, CODE, {"app/views.py": """
        from rest_framework import permissions
        from rest_framework.views import APIView


        class Ping(APIView):
            permission_classes = [permissions.IsAuthenticated]
    """})


def test_fix_adds_the_decorator_below_api_view(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from rest_framework.decorators import api_view
            from rest_framework.response import Response


            @api_view()
            def stats(request):
                return Response({})
        """,
    }, CODE, {"app/views.py": """
        from rest_framework.decorators import api_view, permission_classes
        from rest_framework.response import Response
        from rest_framework.permissions import IsAuthenticated


        @api_view()
        @permission_classes([IsAuthenticated])
        def stats(request):
            return Response({})
    """})
