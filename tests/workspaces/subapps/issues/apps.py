from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    label = "trk"
    verbose_name = "Issue tracker"
