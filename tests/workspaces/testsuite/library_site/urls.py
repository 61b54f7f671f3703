from django.urls import include, path

urlpatterns = [
    path("books/", include("catalog.urls")),
]
