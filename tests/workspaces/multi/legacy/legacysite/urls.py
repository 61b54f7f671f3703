from django.contrib import admin
from django.urls import path

from billing import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice-detail"),
]
