from django.apps import AppConfig


class ShelfConfig(AppConfig):
    name = "shelf"
    label = "bookshelf"
    verbose_name = "Shelf"
    default_auto_field = "django.db.models.BigAutoField"
