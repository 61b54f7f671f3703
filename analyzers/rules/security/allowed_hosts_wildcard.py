"""DJE403 allowed-hosts-wildcard

## What it does
Finds production settings modules whose `ALLOWED_HOSTS` accepts any host (`"*"`, set there,
inherited, or the fallback used when the environment variable is unset) or is empty
(Django's deploy check `security.W020`). A wildcard is left alone when a middleware named
for hosts, domains or tenants (multi-tenant routing such as django-tenants) is installed:
such projects validate the `Host` header themselves.

## Why is this bad?
Django builds absolute URLs (password-reset and activation emails, redirects, `build_absolute_uri()`)
from the request's `Host` header. With `"*"`, an attacker who sends a request with
`Host: evil.example` gets a reset link pointing at their own server mailed to the victim,
and shared caches can be poisoned with pages linking to it. An empty list in production
rejects every request with "400 Bad Request".

## Example
```python
ALLOWED_HOSTS = ["*"]
```

## Use instead
```python
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")  # "shop.example.com,www.shop.example.com"
```
List the real names; a leading dot (`".example.com"`) allows a domain and its subdomains.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
- https://docs.djangoproject.com/en/stable/topics/security/#host-headers-virtual-hosting
"""

from __future__ import annotations

import re

from django_expert.analyzers.facts.values import Const, Seq
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    listing,
    place,
    production,
)
from django_expert.analyzers.rules.deployment._unset_environment import fallback
from django_expert.analyzers.rules.registry import rule

DJANGO_CHECKS = {"security.W020": "ALLOWED_HOSTS is empty in deployment"}
# Middleware that routes requests by host validates the Host header itself.
HOST_ROUTING = re.compile(r"host|domain|tenant", re.IGNORECASE)


@rule("DJE403", "allowed-hosts-wildcard", tier="recommended", scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    setting = settings.with_default("ALLOWED_HOSTS")
    value = certain(setting)
    unset = fallback(ctx, setting)
    module = f"the production settings `{ctx.module}`"
    if isinstance(value, Seq) and not value.items:
        message = (f"ALLOWED_HOSTS is empty in {module} (security.W020): with DEBUG off every request is "
                   f"refused with 400 Bad Request")
    elif _wildcard(value) and not _routes_by_host(ctx, settings):
        message = (f"ALLOWED_HOSTS accepts any host in {module}: password-reset links and absolute URLs can "
                   f"be made to point at an attacker's server through the Host header")
    elif unset is not None and _wildcard(unset[0]) and not _routes_by_host(ctx, settings):
        variables = " or ".join(unset[1]) or "its variable"
        message = (f"ALLOWED_HOSTS falls back to any host in {module} when {variables} is unset: password-reset "
                   f"links and absolute URLs can then be made to point at an attacker's server")
    else:
        return
    where, related = place(ctx, setting, "ALLOWED_HOSTS")
    yield ctx.report(where, message, related=related)


def _wildcard(value) -> bool:
    if isinstance(value, Const):
        return value.value == "*"
    return isinstance(value, Seq) and Const("*") in value.items


def _routes_by_host(ctx, settings) -> bool:
    """A middleware named for hosts, domains or tenants (added under a condition too), or
    MIDDLEWARE that cannot be read (it may hold one)."""
    middleware = listing(ctx.project, ctx.module, settings.with_default("MIDDLEWARE"))
    if middleware is None:
        return True
    return any(name is None or HOST_ROUTING.search(name.rpartition(".")[2])
               for name in (*middleware.entries, *middleware.maybe))
