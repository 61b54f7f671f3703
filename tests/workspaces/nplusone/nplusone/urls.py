from django.contrib import admin
from django.urls import include, path

from library.admin import other_site, plain_site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("other-admin/", other_site.urls),
    path("plain-admin/", plain_site.urls),
    path("", include("library.urls")),
]
