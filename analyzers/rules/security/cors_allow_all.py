"""DJE412 cors-allow-all

## What it does
Finds production settings modules where django-cors-headers is installed and
`CORS_ALLOW_ALL_ORIGINS` (or its old name `CORS_ORIGIN_ALLOW_ALL`) is `True`, set there or
inherited. It says so more strongly when `CORS_ALLOW_CREDENTIALS` is also `True`. Values
read from the environment are left to the deployment.

## Why is this bad?
CORS decides which other websites may read the API's responses from a visitor's browser.
Allowing every origin lets any page the user visits call the API and read the answers.
With credentials allowed as well, django-cors-headers reflects the caller's origin and
browsers send the user's cookies: any website can then act as the logged-in user and read
their data.

## Example
```python
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
```

## Use instead
```python
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
```

## References
- https://github.com/adamchainz/django-cors-headers#cors_allow_all_origins-bool
- https://docs.djangoproject.com/en/stable/topics/security/
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.findings import Severity
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    listing,
    place,
    production,
)
from django_expert.analyzers.rules.registry import rule

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@rule("DJE412", "cors-allow-all", severity=Severity.WARNING, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None or not _cors_installed(ctx, settings):
        return
    for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"):
        setting = settings.get(name)
        if certain(setting) != Const(True):
            continue
        credentials = certain(settings.get("CORS_ALLOW_CREDENTIALS")) == Const(True)
        consequence = (
            "with CORS_ALLOW_CREDENTIALS any website can call the API with the visitor's cookies and read the answers"
            if credentials else "any website can read the API's responses from a visitor's browser"
        )
        where, related = place(ctx, setting, name)
        yield ctx.report(where, f"{name} is True in the production settings `{ctx.module}`: {consequence}",
                         related=related)


def _cors_installed(ctx, settings) -> bool:
    apps = listing(ctx.project, ctx.module, settings.with_default("INSTALLED_APPS"))
    middleware = listing(ctx.project, ctx.module, settings.with_default("MIDDLEWARE"))
    return bool((apps and apps.has("corsheaders")) or (middleware and middleware.has(CORS_MIDDLEWARE)))
