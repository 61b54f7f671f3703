"""The URL conf index: namespaces, routers, route arguments, and what is certainly unknown."""

from __future__ import annotations

from tests.analyzers.rules.helpers import engine_for

from django_expert.analyzers.navigation.urls import route_span, url_index


def test_shop_names(shop):
    index = url_index(shop)
    assert {"catalog:product-list", "catalog:product-detail", "orders:order-cancel", "product-list",
            "product-detail", "order-list", "order-detail", "api-root", "rest_framework:login"} <= set(index.names())
    (detail,) = index.find("catalog:product-detail")
    assert (detail.route, detail.params, detail.view) == ("catalog/p/<slug>/", ("slug",),
                                                          "catalog.views.product_detail")
    (cancel,) = index.find("orders:order-cancel")
    assert (cancel.route, cancel.params) == ("api/orders/<int:pk>/cancel/", ("pk",))


def test_router_names_use_the_viewset_lookup_field(shop):
    index = url_index(shop)
    (product,) = index.find("product-detail")
    assert product.params == ("slug",) and product.optional == frozenset({"format"})
    assert index.find("order-list")[0].view == "orders.views.OrderViewSet"


def test_certainly_unknown(shop):
    index = url_index(shop)
    assert index.certainly_unknown("catalog:product-lst")
    assert index.certainly_unknown("nope")
    assert index.certainly_unknown("nowhere:detail")
    assert not index.certainly_unknown("catalog:product-list")
    assert not index.certainly_unknown("admin:index")  # admin.site.urls: a namespace nobody lists


def test_route_span_points_at_the_path_call(shop):
    path, span = route_span(shop, url_index(shop).find("catalog:category-list")[0])
    assert path.name == "urls.py" and path.parent.name == "catalog"
    assert span.start.line == 8


def test_unreadable_includes_make_names_open(tmp_path):
    engine, _ = engine_for(tmp_path, {
        "config/settings.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\nROOT_URLCONF = "config.urls"\n',
        "config/urls.py": """
            from django.urls import include, path
            urlpatterns = [path("", include("thirdparty.urls")), path("a/", include("app.urls"))]
            if DEBUG:
                urlpatterns += [path("debug/", include("app.debug_urls", namespace="debug"))]
            """,
        "app/urls.py": """
            from django.urls import path, re_path
            app_name = "app"
            urlpatterns = [re_path(r"^(?:page/(?P<page>\\d+)/)?$", view, name="list")]
            """,
        "app/debug_urls.py": 'from django.urls import path\napp_name = "dbg"\nurlpatterns = [path("", v, name="x")]\n',
    })
    index = url_index(engine.projects[0].model)
    assert not index.certainly_unknown("anything")  # thirdparty.urls may define it
    assert index.find("app:list")[0].params is None  # optional groups: arguments unknown
    assert index.find("debug:x") and index.find("dbg:x")  # conditional patterns count; app namespace too
