"""DJE404 insecure-cookies

## What it does
Finds production settings modules that leave `SESSION_COOKIE_SECURE` or
`CSRF_COOKIE_SECURE` false (or unset: false is Django's default) while the cookie is in use:
the session cookie when `django.contrib.sessions` is installed or `SessionMiddleware` is
in `MIDDLEWARE` (Django's deploy checks `security.W010`, `W011`, `W012`), the CSRF cookie
when `CsrfViewMiddleware` is in `MIDDLEWARE` and `CSRF_USE_SESSIONS` is off (`W016`).
Values read from the environment, and projects that replace Django's session or CSRF
middleware by their own (which may set the cookie differently), are left alone. When the
production module is also the one `manage.py` runs (one module for every environment), the
advice is to read the setting from the environment, and no fix is offered: `True` there
would break logins under `runserver`, which serves plain HTTP.

## Why is this bad?
Without the `Secure` flag the browser also sends the cookie over plain HTTP: one request
to `http://` on a café network (a link, an image, a typed address) hands the session
cookie to anyone watching, who is then logged in as the user. The CSRF cookie leaks the
same way and weakens the CSRF protection.

## Example
```python
# shop/settings/prod.py
SESSION_COOKIE_SECURE = True
# CSRF_COOKIE_SECURE is not set
```

## Use instead
```python
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
```
The fix sets the setting to `True` (unsafe: the cookie is no longer sent over HTTP, so a
site still served over HTTP loses its sessions).

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure
- https://docs.djangoproject.com/en/stable/ref/settings/#csrf-cookie-secure
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#https
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import set_setting
from django_expert.analyzers.rules.deployment._settings import (
    CSRF_MIDDLEWARE,
    HTTPS_FROM_ENVIRONMENT,
    SESSION_MIDDLEWARE,
    certain,
    has_middleware,
    listing,
    place,
    production,
    runs_development,
    truth,
)
from django_expert.analyzers.rules.registry import fixer, rule

DJANGO_CHECKS = {
    "security.W010": "sessions app installed, SESSION_COOKIE_SECURE not True",
    "security.W011": "SessionMiddleware installed, SESSION_COOKIE_SECURE not True",
    "security.W012": "both of the above",
    "security.W016": "CsrfViewMiddleware installed, CSRF_COOKIE_SECURE not True",
}


@rule("DJE404", "insecure-cookies", tier="recommended", fix=Applicability.UNSAFE, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    middleware = listing(ctx.project, ctx.module, settings.with_default("MIDDLEWARE"))
    apps = listing(ctx.project, ctx.module, settings.with_default("INSTALLED_APPS"))
    session_app = apps.has("django.contrib.sessions") if apps else None
    session_middleware = has_middleware(ctx, middleware, SESSION_MIDDLEWARE)
    if session_app is not None and session_middleware is not None:
        check_id = {(True, True): "W012", (True, False): "W010", (False, True): "W011"}.get(
            (session_app, session_middleware))
        if check_id:
            yield from _insecure(ctx, settings, "SESSION_COOKIE_SECURE", "session", check_id)
    csrf_in_session = truth(certain(settings.with_default("CSRF_USE_SESSIONS")))
    if has_middleware(ctx, middleware, CSRF_MIDDLEWARE) and csrf_in_session is False:
        yield from _insecure(ctx, settings, "CSRF_COOKIE_SECURE", "CSRF", "W016")


def _insecure(ctx, settings, name: str, cookie: str, check_id: str):
    setting = settings.with_default(name)
    value = certain(setting)
    if value is None or value == Const(True):
        return
    where, related = place(ctx, setting, name)
    shared = runs_development(ctx)  # True there would break development's logins: no fix
    yield ctx.report(
        where,
        f"{name} is not True in the production settings `{ctx.module}` (security.{check_id}): the {cookie} "
        f"cookie is also sent over plain HTTP, where anyone on the network can read it"
        + (HTTPS_FROM_ENVIRONMENT if shared else ""),
        fix_title="" if shared else f"Set {name} = True",
        fix_data=() if shared else (name,),
        related=related,
    )


@fixer("DJE404")
def fix(source: FixSource, finding):
    (name,) = finding.fix_data
    new_text = set_setting(source.module, name, "True").code
    return source.fix(f"Set {name} = True", Applicability.UNSAFE, new_text)
