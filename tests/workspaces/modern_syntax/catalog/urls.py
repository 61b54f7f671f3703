from django.urls import path

from . import views

app_name = "catalog"

type Pattern = object  # PEP 695 type alias

urlpatterns = [
    path("search/", views.search, name="search"),
    path("shelves/", views.ShelfListView.as_view(), name="shelf-list"),
    path("shelves/<int:pk>/", views.shelf_detail, name="shelf-detail"),
]
