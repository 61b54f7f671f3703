from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("<int:pk>/cancel/", views.CancelOrderView.as_view(), name="order-cancel"),
]
