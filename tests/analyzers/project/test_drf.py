"""The DRF helpers: attributes through the MRO, HTTP methods, defaults, serializer Meta."""

from django_expert.analyzers.facts.values import Const, Ref
from django_expert.analyzers.project import drf

from tests.analyzers.project.build import project_from_sources

MODELS = """
    from django.db import models


    class Order(models.Model):
        number = models.CharField(max_length=20)
"""

VIEWS = """
    from rest_framework import generics, mixins, viewsets
    from rest_framework.permissions import IsAuthenticated
    from vendor.views import VendorView

    from shop.models import Order


    class Base(viewsets.ModelViewSet):
        permission_classes = [IsAuthenticated]
        queryset = Order.objects.select_related("x").all()


    class Child(Base):
        http_method_names = ["get", "delete"]


    class Vendor(VendorView, generics.ListAPIView):
        pass


    class Create(generics.CreateAPIView):
        def put(self, request):
            pass


    class Listing(mixins.ListModelMixin, viewsets.GenericViewSet):
        queryset = Order.objects.filter(number="1")
"""


def project(settings: str = "") -> object:
    return project_from_sources({
        "shop.models": MODELS,
        "shop.views": VIEWS,
        "shop.settings": "INSTALLED_APPS = ['shop']\n" + settings,
    }, settings="shop.settings")


def test_lookup_walks_the_mro_and_is_unsure_past_unknown_bases():
    model = project()
    found = drf.lookup(model, "shop.views.Child", "permission_classes")
    assert found.owner == "shop.views.Base" and found.sure
    assert not drf.lookup(model, "shop.views.Create", "permission_classes").found
    assert drf.lookup(model, "shop.views.Vendor", "permission_classes") == drf.UNSURE
    assert drf.class_names(model, found.value) == ("rest_framework.permissions.IsAuthenticated",)


def test_accepted_methods_of_generics_viewsets_and_handlers():
    model = project()
    assert drf.accepted_methods(model, "shop.views.Base") == {"get", "post", "put", "patch", "delete"}
    assert drf.accepted_methods(model, "shop.views.Child") == {"get", "delete"}
    assert drf.accepted_methods(model, "shop.views.Create") == {"post", "put"}
    assert drf.accepted_methods(model, "shop.views.Vendor") is None
    assert drf.is_list_endpoint(model, "shop.views.Listing") and not drf.is_list_endpoint(model, "shop.views.Create")


def test_default_permissions_of_the_production_settings():
    assert drf.open_default_permissions(project()) == "shop.settings"
    allow_any = "REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.AllowAny']}\n"
    assert drf.open_default_permissions(project(allow_any)) == "shop.settings"
    closed = "REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAdminUser']}\n"
    assert drf.open_default_permissions(project(closed)) is None
    unsure = "REST_FRAMEWORK = {}\nif DEBUG:\n    REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES'] = []\n"
    assert drf.open_default_permissions(project(unsure)) is None


def test_queryset_model_and_scoping():
    model = project()
    base, scoped = drf.lookup(model, "shop.views.Base", "queryset"), drf.lookup(model, "shop.views.Listing", "queryset")
    assert drf.queryset_model(model, base.value, "shop.views")[0].name == "Order"
    assert drf.queryset_model(model, base.value, "shop.views")[1] is True
    assert drf.queryset_model(model, scoped.value, "shop.views")[1] is False


def test_serializer_meta_merges_meta_bases():
    model = project_from_sources({
        "shop.models": MODELS,
        "shop.serializers": """
            from rest_framework import serializers

            from shop.models import Order


            class Base(serializers.ModelSerializer):
                class Meta:
                    model = Order
                    fields = ["id", "number"]


            class Narrow(Base):
                class Meta(Base.Meta):
                    read_only_fields = ["number"]


            class Inherits(Narrow):
                pass
        """,
    })
    meta = drf.serializer_meta(model, "shop.serializers.Inherits")
    assert meta["fields"].items and meta["read_only_fields"].items == (Const("number"),)
    assert meta["model"] == Ref("shop.models.Order")
    assert drf.meta_model(model, "shop.serializers.Inherits", meta).name == "Order"
