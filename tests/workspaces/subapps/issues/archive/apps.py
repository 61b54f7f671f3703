from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """An app of its own inside `issues`, not in INSTALLED_APPS: Django never imports it."""

    name = "issues.archive"
    label = "archive"
