from django.urls import include, path

from .. import views
from ..api import router

app_name = "shelf"

urlpatterns = [
    path("", views.shelf, name="shelf"),
    path("thumbnail/", views.thumbnail, name="thumbnail"),
    path("search/", views.search, name="search"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("api/", include(router.urls)),
]
