import os

from .base import *  # noqa: F401,F403

DEBUG = False

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "shop.example.com").split(",")

# Only part of the HTTPS hardening is done: no CSRF_COOKIE_SECURE,
# no SECURE_SSL_REDIRECT and no SECURE_HSTS_SECONDS.
SESSION_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
