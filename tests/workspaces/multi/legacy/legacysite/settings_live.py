"""Settings of the legacy site as it runs live: HTTPS set up, with deliberate gaps.

HSTS without subdomains or preload, nosniff turned off, no referrer policy and
X-Frame-Options SAMEORIGIN: `check --deploy` reports security.W005, W006, W019, W021
and W022. The CSRF token lives in the session, so CSRF_COOKIE_SECURE does not matter.
"""
import os

from .settings import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.environ["LEGACY_SECRET_KEY"]
ALLOWED_HOSTS = ["*"]

MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"] + MIDDLEWARE + [
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 3600
SECURE_CONTENT_TYPE_NOSNIFF = False
SECURE_REFERRER_POLICY = None
X_FRAME_OPTIONS = "SAMEORIGIN"

SESSION_COOKIE_SECURE = True
CSRF_USE_SESSIONS = True
