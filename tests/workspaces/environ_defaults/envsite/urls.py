from django.contrib import admin
from django.urls import path

from inventory import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("items/", views.ItemList.as_view(), name="item-list"),
]
