"""DJE701 static-root-missing

## What it does
Finds production settings modules that install `django.contrib.staticfiles` and set
`STATIC_URL` but leave `STATIC_ROOT` unset while static files are stored on the local
file system (no `STORAGES["staticfiles"]`, or a file-system storage such as Django's
`ManifestStaticFilesStorage` or WhiteNoise's). Projects that send static files to a
remote storage (S3, GCS, Azure) need no `STATIC_ROOT` and are left alone.

## Why is this bad?
`collectstatic` has nowhere to copy the files and stops with "You're using the
staticfiles app without having set the STATIC_ROOT setting to a filesystem path". With
`DEBUG` off Django does not serve static files itself, so the deployed site has no CSS,
JavaScript or images unless the build step fails first.

## Example
```python
STATIC_URL = "static/"
```

## Use instead
```python
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"  # collectstatic copies here; the web server serves it
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#static-root
- https://docs.djangoproject.com/en/stable/howto/static-files/deployment/
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Mapping
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    listing,
    place,
    production,
)
from django_expert.analyzers.rules.registry import rule

STATICFILES_APP = "django.contrib.staticfiles"
# Storages that write collected files under STATIC_ROOT.
LOCAL_STORAGES = ("django.contrib.staticfiles.storage.", "whitenoise.storage.")


@rule("DJE701", "static-root-missing", tier="recommended", scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    url = settings.get("STATIC_URL")
    installed = listing(ctx.project, ctx.module, settings.with_default("INSTALLED_APPS"))
    if url is None or url.conditional or url.value == Const(None) or not _has_staticfiles(installed):
        return
    if certain(settings.with_default("STATIC_ROOT")) != Const(None) or not _local_storage(settings):
        return
    where, related = place(ctx, url, "STATIC_URL")
    yield ctx.report(
        where,
        f"STATIC_ROOT is not set in the production settings `{ctx.module}`: collectstatic has nowhere to "
        f"put the files, and with DEBUG off the site is served without CSS, JavaScript or images",
        related=related,
    )


def _has_staticfiles(installed) -> bool:
    return installed is not None and bool(
        installed.has(STATICFILES_APP) or installed.has("django.contrib.staticfiles.apps.StaticFilesConfig"))


def _local_storage(settings) -> bool:
    """Whether collected static files are written to the local file system (for sure)."""
    storages = settings.get("STORAGES")
    legacy = settings.get("STATICFILES_STORAGE")
    if legacy is not None:
        return _local_backend(certain(legacy))
    if storages is None:
        return True
    value = certain(storages)
    static = value.get("staticfiles") if isinstance(value, Mapping) else None
    return isinstance(static, Mapping) and _local_backend(static.get("BACKEND"))


def _local_backend(backend) -> bool:
    return isinstance(backend, Const) and isinstance(backend.value, str) and backend.value.startswith(LOCAL_STORAGES)
