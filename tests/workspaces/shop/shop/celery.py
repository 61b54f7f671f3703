"""Celery application for background work (orders.tasks).

Deliberately not imported from shop/__init__.py: workers start it with
``celery -A shop.celery worker``.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.prod")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
