from django.urls import path

from catalog import reports, views

app_name = "catalog"
urlpatterns = [
    path("", views.book_list, name="book-list"),
    path("<int:pk>/", views.book_detail, name="book-detail"),
    path("<int:pk>/restock/", views.restock, name="book-restock"),
    path("reports/authors/", reports.author_report, name="author-report"),
    path("reports/shelf/", reports.shelf_report, name="shelf-report"),
]
