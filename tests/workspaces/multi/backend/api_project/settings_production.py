"""Production settings of the API backend: a deliberately incomplete deployment.

DEBUG stays on from the base settings, ALLOWED_HOSTS is empty and MIDDLEWARE (from the
base) has none of the security middleware: `check --deploy` reports security.W001,
W002, W003, W018 and W020.
"""
import os

from .settings import *  # noqa: F401,F403

SECRET_KEY = os.environ["BACKEND_SECRET_KEY"]

ALLOWED_HOSTS = []
