"""Included as a module object; format-suffix copies limited to two formats."""
from django.urls import path
from rest_framework.urlpatterns import format_suffix_patterns

from . import views

urlpatterns = format_suffix_patterns([path("posts/", views.PostListAPI.as_view(), name="post-api")],
                                     allowed=["json", "html"])
