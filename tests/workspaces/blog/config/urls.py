from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("posts/", include("posts.urls")),
    path("about/", flatpage_views.flatpage, {"url": "/about/"}, name="about"),
]
