"""Deployment rules (DJE7xx): static files, WSGI/ASGI entry points, process and container setup."""
