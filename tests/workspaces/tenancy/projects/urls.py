from django.urls import path

from . import views

urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/print/", views.DocumentPrintView.as_view(), name="document-print"),
]
