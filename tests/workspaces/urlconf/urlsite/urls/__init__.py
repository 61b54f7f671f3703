"""The root URL conf is a package: its patterns come from lists built in its modules."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

import blog.api_urls
from blog import views as blog_views

from .api import api_urls
from .web import web_urls

urlpatterns = [*api_urls, *web_urls]
urlpatterns += [path("admin/", admin.site.urls)]
urlpatterns += [path("blog-api/", include(blog.api_urls))]
urlpatterns.append(path("health/", blog_views.health, name="health"))
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
