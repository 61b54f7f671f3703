from django.urls import path

from issues import views

urlpatterns = [
    path("findings/", views.findings, name="findings"),
]
