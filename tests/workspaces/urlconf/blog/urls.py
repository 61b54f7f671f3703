from django.urls import path, re_path

from . import views

app_name = "blog"

_posts = [
    path("", views.post_list, name="list"),
    re_path(r"^(?P<slug>[-\w]+)/$", views.post_detail, name="detail"),
]
_feeds = [path("feed/", views.feed, name="feed")]

urlpatterns = _posts + _feeds
