"""A small project with namespaced URLs, a router and templates, for the URL and template rules."""

SETTINGS = """
    from pathlib import Path

    BASE_DIR = Path(__file__).resolve().parent.parent
    SECRET_KEY = "x"
    INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]
    ROOT_URLCONF = "config.urls"
    TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [BASE_DIR / "templates"],
                  "APP_DIRS": True}]
    PAYMENT_TIMEOUT = 30
"""
URLS = """
    from django.urls import include, path
    from rest_framework.routers import DefaultRouter
    from app.views import BookViewSet

    router = DefaultRouter()
    router.register("books", BookViewSet, basename="book")

    urlpatterns = [
        path("shop/", include("app.urls")),
        path("api/", include(router.urls)),
    ]
"""
APP_URLS = """
    from django.urls import path, re_path
    from . import views

    app_name = "shop"
    urlpatterns = [
        path("", views.index, name="index"),
        path("p/<slug:slug>/", views.detail, name="detail"),
        re_path(r"^a/(\\d+)/(\\d+)/$", views.index, name="archive"),
    ]
"""
VIEWSET = """
    from rest_framework import viewsets


    class BookViewSet(viewsets.ModelViewSet):
        pass
"""


def project(views: str) -> dict[str, str]:
    return {"config/settings.py": SETTINGS, "config/urls.py": URLS, "app/urls.py": APP_URLS,
            "app/views.py": VIEWSET + views, "templates/base.html": "", "app/templates/app/index.html": ""}
