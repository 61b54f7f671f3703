from django.urls import include, path

type Routes = list  # PEP 695 type alias in a URL conf

urlpatterns = [
    path("catalog/", include("catalog.urls")),
]
