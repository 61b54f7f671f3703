"""Local development: the single-page app runs on localhost:3000."""
from .base import *  # noqa: F401,F403

DEBUG = True

CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
CORS_ALLOW_CREDENTIALS = True
