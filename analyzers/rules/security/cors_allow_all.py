"""DJE412 cors-allow-all

## What it does
Finds production settings modules where django-cors-headers is installed and
`CORS_ALLOW_ALL_ORIGINS` (or its old name `CORS_ORIGIN_ALLOW_ALL`) is `True`, set there or
inherited, or read from the environment with a default that turns it on when the variable
is unset; and, with `CORS_ALLOW_CREDENTIALS = True`, a `CORS_ALLOWED_ORIGIN_REGEXES` entry
that matches every origin (`r".*"`, `r"^https?://.*$"`). It says so more strongly when
`CORS_ALLOW_CREDENTIALS` is also `True`.

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

import re

from django_expert.analyzers.facts.values import Const, strings
from django_expert.analyzers.findings import Severity
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    listing,
    place,
    production,
    truth,
)
from django_expert.analyzers.rules.deployment._unset_environment import fallback
from django_expert.analyzers.rules.registry import rule

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@rule("DJE412", "cors-allow-all", tier="recommended", severity=Severity.WARNING, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None or not _cors_installed(ctx, settings):
        return
    credentials = certain(settings.get("CORS_ALLOW_CREDENTIALS")) == Const(True)
    consequence = (
        "with CORS_ALLOW_CREDENTIALS any website can call the API with the visitor's cookies and read the answers"
        if credentials else "any website can read the API's responses from a visitor's browser"
    )
    for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"):
        setting = settings.get(name)
        unset = fallback(ctx, setting)
        if certain(setting) == Const(True):
            state = "is True"
        elif unset is not None and truth(unset[0]):
            state = f"is on unless the environment sets {' or '.join(unset[1]) or 'its variable'}"
        else:
            continue
        where, related = place(ctx, setting, name)
        yield ctx.report(where, f"{name} {state} in the production settings `{ctx.module}`: {consequence}",
                         related=related)
    regexes = settings.get("CORS_ALLOWED_ORIGIN_REGEXES")
    patterns = strings(certain(regexes)) if credentials and certain(regexes) is not None else None
    for pattern in patterns or ():
        if _matches_everything(pattern):
            where, related = place(ctx, regexes, "CORS_ALLOWED_ORIGIN_REGEXES")
            yield ctx.report(where, f"CORS_ALLOWED_ORIGIN_REGEXES in the production settings `{ctx.module}` has "
                                    f"{pattern!r}, which matches every origin: {consequence}", related=related)
            break


def _matches_everything(pattern: str) -> bool:
    """Whether a regex accepts any web origin (tried on origins no allow-list would name)."""
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError):
        return False
    probes = ("https://evil.example", "http://attacker.test:8080", "https://x.y.z.example.org")
    return all(compiled.match(origin) for origin in probes)


def _cors_installed(ctx, settings) -> bool:
    apps = listing(ctx.project, ctx.module, settings.with_default("INSTALLED_APPS"))
    middleware = listing(ctx.project, ctx.module, settings.with_default("MIDDLEWARE"))
    return bool((apps and apps.has("corsheaders")) or (middleware and middleware.has(CORS_MIDDLEWARE)))
