from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-a-secret"
