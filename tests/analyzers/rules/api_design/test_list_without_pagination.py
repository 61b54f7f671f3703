from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE306"

MODELS = """
    from django.db import models


    class Order(models.Model):
        number = models.CharField(max_length=20)
"""

VIEWS = """
    from rest_framework import generics, mixins, viewsets

    from app.models import Order


    class OrderViewSet(viewsets.ModelViewSet):
        queryset = Order.objects.select_related().all()


    class Orders(generics.ListCreateAPIView):
        queryset = Order.objects.filter(number="1")


    class Listing(mixins.ListModelMixin, viewsets.GenericViewSet):
        pass


    class Catalog(viewsets.ReadOnlyModelViewSet):
        pass
"""


def settings(rest: str) -> str:
    return (
        'SECRET_KEY = "x"\n'
        'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]\n'
        f"REST_FRAMEWORK = {rest}\n"
    )


def test_list_endpoints_without_pagination_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": VIEWS}, CODE)
    messages = {f.message.split("`")[1]: f.message for f in found}
    assert sorted(messages) == ["Catalog", "Listing", "OrderViewSet", "Orders"]
    assert "`OrderViewSet` lists `Order` objects without pagination" in messages["OrderViewSet"]
    assert "unset in `config.settings`" in messages["OrderViewSet"]
    assert "W001" not in messages["OrderViewSet"]


def test_page_size_without_a_class_is_explained(tmp_path):
    found = findings(tmp_path, {
        "config/settings.py": settings('{"PAGE_SIZE": 20}'),
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)
    assert len(found) == 4 and all("rest_framework.W001" in f.message for f in found)


def test_default_pagination_class_silences(tmp_path):
    check_noop(tmp_path, {
        "config/settings.py": settings('{"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination"}'),
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)


def test_uncertain_settings_silence(tmp_path):
    check_noop(tmp_path, {
        "config/settings.py": settings("{}") + "if DEBUG:\n    REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] = None\n",
        "app/models.py": MODELS,
        "app/views.py": VIEWS,
    }, CODE)


def test_views_that_paginate_or_decide_otherwise_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/pagination.py": """
            from rest_framework.pagination import PageNumberPagination


            class Paged(PageNumberPagination):
                page_size = 10
        """,
        "app/views.py": """
            from rest_framework import generics, viewsets
            from rest_framework.pagination import CursorPagination
            from rest_framework.views import APIView
            from elsewhere import MysteryBase

            from app.models import Order
            from app.pagination import Paged


            class Paginated(viewsets.ModelViewSet):
                pagination_class = Paged


            class Base(generics.ListAPIView):
                pagination_class = CursorPagination


            class Inherits(Base):
                pass


            class Disabled(generics.ListAPIView):
                pagination_class = None


            class CustomList(viewsets.ReadOnlyModelViewSet):
                def list(self, request):
                    pass


            class Detail(generics.RetrieveUpdateAPIView):
                pass


            class Plain(APIView):
                def get(self, request):
                    pass


            class Unknown(MysteryBase, generics.ListAPIView):
                pass


            class Ignored(generics.ListAPIView):  # noqa: DJE306
                pass
        """,
    }, CODE)


ROUTED = """
    from rest_framework import viewsets

    from app.models import Order


    class BaseViewSet(viewsets.ModelViewSet):
        queryset = Order.objects.all()


    class OrderViewSet(BaseViewSet):
        pass


    class RestoreViewSet(BaseViewSet):
        def restore(self, request, pk):
            pass


    class MarkAllRead(viewsets.ModelViewSet):
        queryset = Order.objects.all()


    class ProjectOrders(viewsets.ModelViewSet):
        def get_queryset(self):
            return Order.objects.filter(number=self.kwargs.get("number"))


    class MyOrders(viewsets.ModelViewSet):
        def get_queryset(self):
            return Order.objects.filter(number=self.request.user.username)
"""

URLS = """
    from django.urls import path

    from app.views import MarkAllRead, MyOrders, OrderViewSet, ProjectOrders, RestoreViewSet

    urlpatterns = [
        path("orders/", OrderViewSet.as_view({"get": "list", "post": "create"})),
        path("orders/<int:pk>/", OrderViewSet.as_view({"get": "retrieve"})),
        path("restore/<int:pk>/", RestoreViewSet.as_view({"post": "restore"})),
        path("read/", MarkAllRead.as_view({"post": "create"})),
        path("numbers/<str:number>/orders/", ProjectOrders.as_view({"get": "list"})),
        path("mine/", MyOrders.as_view({"get": "list"})),
    ]
"""


def test_routes_decide_whether_anything_is_listed(tmp_path):
    """plane: viewsets routed only as `{"post": "restore"}` list nothing, and the BaseViewSet
    every viewset derives from is no endpoint of its own, and a list nested under a parent
    the URL names is that parent's; the top-level lists routing `list` are reported."""
    files = {"config/settings.py": settings("{}") + 'ROOT_URLCONF = "config.urls"\n', "config/urls.py": URLS,
             "app/models.py": MODELS, "app/views.py": ROUTED}
    found = findings(tmp_path, files, CODE)
    assert [f.message.split("`")[1] for f in found] == ["OrderViewSet", "MyOrders"]
