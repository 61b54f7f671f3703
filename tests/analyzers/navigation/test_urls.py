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


# -- URL confs as Django builds them ----------------------------------------------------------------

SETTINGS = 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\nROOT_URLCONF = "config.urls"\n'


def _index(tmp_path, files):
    engine, _ = engine_for(tmp_path, {"config/settings.py": SETTINGS, **files})
    return url_index(engine.projects[0].model)


def _pairs(index):
    return {(route.name, route.pattern) for route in index.patterns}


def test_lists_unpacked_added_and_imported_from_a_urls_package(tmp_path):
    index = _index(tmp_path, {
        "config/urls/__init__.py": """
            from django.urls import path
            from app import views
            from .api import api_urls
            from .web import web_urls as pages

            urlpatterns = [*api_urls, *pages]
            urlpatterns += extra_urls if False else []
            urlpatterns.append(path("health/", views.health, name="health"))
            urlpatterns = urlpatterns + [path("last/", views.last)]
            """,
        "config/urls/api.py": """
            from django.urls import path
            from app import views
            api_urls = [path("api/a/", views.a, name="a")]
            api_urls += [path("api/b/", views.b, name="b")]
            """,
        "config/urls/web.py": 'from django.urls import path\nfrom app import views\n'
                              'web_urls = [path("", views.home, name="home")] + [path("x/", views.x, name="x")]\n',
        "app/views.py": "def a(r): ...\n",
    })
    assert {("a", "api/a/"), ("b", "api/b/"), ("home", ""), ("x", "x/"), ("health", "health/"),
            ("", "last/")} <= _pairs(index)
    assert [gap.detail for gap in index.gaps] == ["a IfExp expression"]  # the conditional expression, kept in place
    assert index.find("health")[0].module == "config.urls"


def test_include_of_a_pair_a_module_object_and_a_list(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from django.urls import include, path
            import app.urls
            from app import views
            inner = [path("<int:pk>/", views.x, name="item")]
            urlpatterns = [
                path("m/", include(app.urls)),
                path("n/", include(app.urls, namespace="again")),
                path("p/", include((inner, "things"))),
                path("l/", include(inner)),
            ]
            """,
        "app/urls.py": 'from django.urls import re_path\nfrom . import views\napp_name = "app"\n'
                       'urlpatterns = [re_path(r"^(?P<slug>[-\\w]+)/$", views.y, name="y")]\n',
        "app/views.py": "def x(r): ...\n",
    })
    assert {("app:y", "m/^(?P<slug>[-\\w]+)/$"), ("again:y", "n/^(?P<slug>[-\\w]+)/$"),
            ("things:item", "p/<int:pk>/"), ("item", "l/<int:pk>/")} == _pairs(index)
    assert index.find("app:y")[0].route == "m/<slug>/" and index.app_namespaces["app"] == {"app", "again"}
    assert not index.gaps and index.certainly_unknown("things:nope")


def test_default_router_routes_names_actions_root_and_suffixes(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from django.urls import include, path
            from rest_framework import routers
            from app.views import BookViewSet
            router = routers.DefaultRouter()
            router.register("books", BookViewSet)
            urlpatterns = [path("api/", include(router.urls))]
            """,
        "app/models.py": "from django.db import models\nclass Book(models.Model):\n    title = models.TextField()\n",
        "app/views.py": """
            from rest_framework import viewsets
            from rest_framework.decorators import action
            from .models import Book

            class BookViewSet(viewsets.ReadOnlyModelViewSet):
                queryset = Book.objects.all()
                lookup_field = "isbn"

                @action(detail=True, methods=["post", "delete"], url_path="mark-read", url_name="read")
                def mark_read(self, request, isbn=None): ...

                @action(detail=False)
                def most_read(self, request): ...
            """,
    })
    plain = {(r.name, r.pattern) for r in index.patterns if not r.suffix}
    assert plain == {("book-list", "api/^books/$"), ("book-most-read", "api/^books/most_read/$"),
                     ("book-detail", "api/^books/(?P<isbn>[^/.]+)/$"),
                     ("book-read", "api/^books/(?P<isbn>[^/.]+)/mark-read/$"), ("api-root", "api/")}
    assert ("book-list", r"api/^books\.(?P<format>[a-z0-9]+)/?$") in _pairs(index)
    assert ("api-root", "api/<drf_format_suffix:format>") in _pairs(index)
    (read,) = index.find("book-read")
    assert read.actions == (("post", "mark_read"), ("delete", "mark_read")) and read.params == ("isbn",)
    assert read.optional == frozenset({"format"}) and read.location_key == "call:0"
    assert index.find("book-list")[0].actions == (("get", "list"),)  # read-only: no create


def test_path_style_simple_router_without_trailing_slash(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from rest_framework.routers import SimpleRouter
            from app.views import NoteViewSet
            router = SimpleRouter(trailing_slash=False, use_regex_path=False)
            router.register("", NoteViewSet, basename="note")
            urlpatterns = router.urls
            """,
        "app/views.py": """
            from rest_framework import mixins, viewsets

            class NoteViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
                lookup_value_converter = "int"
            """,
    })
    assert _pairs(index) == {("note-detail", "<int:pk>")}


def test_what_cannot_be_followed_is_a_gap_and_the_rest_is_kept(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from django.urls import include, path
            from app import views, plugins
            urlpatterns = [path("a/", views.a, name="a")]
            urlpatterns += plugins.discover()
            urlpatterns += [path(f"p{i}/", views.a) for i in range(3)]
            urlpatterns += [path("x/", include("thirdparty.urls", namespace="third"))]
            import debug_toolbar
            urlpatterns += [path("__debug__/", include(debug_toolbar.urls))]
            urlpatterns += [path("y/", include(views.missing_list))]
            """,
        "app/views.py": "def a(r): ...\n",
        "app/plugins.py": "def discover(): ...\n",
    })
    assert ("a", "a/") in _pairs(index)
    assert [(g.why, g.pattern, g.namespace) for g in index.gaps] == [
        ("unknown", "", ""), ("unknown", "", ""), ("library", "x/", "third"), ("library", "__debug__/", ""),
        ("unknown", "y/", "")]
    assert not index.certainly_unknown("anything") and not index.certainly_unknown("third:x")


def test_format_suffixes_with_allowed_formats_i18n_and_admin_sites(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from django.conf.urls.i18n import i18n_patterns
            from django.contrib import admin
            from django.urls import path
            from rest_framework.urlpatterns import format_suffix_patterns
            from app import views
            staff = admin.AdminSite(name="staff")
            urlpatterns = format_suffix_patterns([path("a/", views.a, name="a")], allowed=["json", "csv"])
            urlpatterns += i18n_patterns(path("about/", views.a, name="about"))
            urlpatterns += [path("staff/", staff.urls)]
            """,
        "app/views.py": "def a(r): ...\n",
    })
    assert _pairs(index) == {("a", "a/"), ("a", "a<drf_format_suffix_json_csv:format>"),
                             ("about", "{language}/about/")}
    assert [(g.why, g.namespace, g.pattern) for g in index.gaps] == [("admin", "staff", "staff/")]
    assert index.app_namespaces["admin"] == {"staff"}


def test_a_computed_route_keeps_what_it_holds_and_a_router_handed_to_a_function_is_open(tmp_path):
    index = _index(tmp_path, {
        "config/urls.py": """
            from django.urls import include, re_path
            from rest_framework.routers import SimpleRouter
            from app.views import NoteViewSet
            from app.api import add_more
            router = SimpleRouter()
            router.register("notes", NoteViewSet, basename="note")
            router = add_more(router)
            urlpatterns = [re_path(r"^{}api/".format(PREFIX), include(router.urls))]
            """,
        "app/views.py": "from rest_framework import viewsets\nclass NoteViewSet(viewsets.ModelViewSet): ...\n",
        "app/api.py": "def add_more(router): ...\n",
    })
    assert ("note-list", "…^notes/$") in _pairs(index)
    assert index.find("note-detail")[0].params is None  # the computed part may hold arguments
    assert [(g.detail, g.pattern) for g in index.gaps] == [
        ("router passed to app.api.add_more(), which may register more", "…")]
    assert not index.certainly_unknown("whatever-list")
