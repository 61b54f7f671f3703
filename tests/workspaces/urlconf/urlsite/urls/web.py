from django.urls import include, path, re_path

from blog import views as blog_views
from catalog.views import ProductViewSet

pages = [
    path("about/", blog_views.about, name="about"),
    path("contact/", blog_views.contact),
]

web_urls = [
    path("", blog_views.home, name="home"),
    path("pages/", include(pages)),
    path("posts/", include("blog.urls")),
    path("archive/", include("blog.urls", namespace="archive")),
    path(
        "products/<slug:slug>/",
        ProductViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="product-page",
    ),
]
web_urls += [re_path(r"^legacy/(?P<year>[0-9]{4})/$", blog_views.legacy, name="legacy")]
