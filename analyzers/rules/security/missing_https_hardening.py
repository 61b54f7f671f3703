"""DJE405 missing-https-hardening

## What it does
Finds production settings modules that leave the HTTPS and header hardening of
`SecurityMiddleware` and `XFrameOptionsMiddleware` off, exactly where Django's deploy
checks do (the middleware must be installed for the setting to matter):
`SECURE_HSTS_SECONDS` unset or 0 (`security.W004`); with HSTS on,
`SECURE_HSTS_INCLUDE_SUBDOMAINS` (`W005`) or `SECURE_HSTS_PRELOAD` (`W021`) not True;
`SECURE_CONTENT_TYPE_NOSNIFF` not True (`W006`); `SECURE_SSL_REDIRECT` not True (`W008`);
`SECURE_REFERRER_POLICY` set to None (`W022`); `X_FRAME_OPTIONS` other than "DENY" (`W019`).
Values read from the environment, and projects that replace the middleware by their own,
are left alone.

When the production module is also the one `manage.py` runs, the missing SSL redirect is
reported with the advice to read it from the environment, without a fix (a redirect to
HTTPS would break `runserver`); `X_FRAME_OPTIONS = "SAMEORIGIN"` is reported for what it
allows, the site framing itself, without a fix: "DENY" would break the frames it was chosen
for (paperless-ngx embeds its PDF preview).

## Why is this bad?
Without a redirect and HSTS, the first request of a visit can go over plain HTTP, where
it can be read and rewritten (SSL stripping); HSTS makes the browser refuse HTTP for the
site. Without `nosniff` a browser may run an uploaded file as a script; without a
referrer policy full URLs (tokens in query strings included) leak to other sites; framing
by other sites enables clickjacking. Enable HSTS carefully: start with a small
`SECURE_HSTS_SECONDS`, and raise it once every page and subdomain works over HTTPS.

## Example
```python
# shop/settings/prod.py
SESSION_COOKIE_SECURE = True
```

## Use instead
```python
SESSION_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True  # or redirect at the proxy, and say so with a noqa
SECURE_HSTS_SECONDS = 3600  # then one year, with include-subdomains and preload
```
The fix sets the one setting (unsafe: it changes what browsers do with the site).

## References
- https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security
- https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect
- https://docs.djangoproject.com/en/stable/ref/clickjacking/
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#https
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import set_setting
from django_expert.analyzers.rules.deployment._settings import (
    HTTPS_FROM_ENVIRONMENT,
    SECURITY_MIDDLEWARE,
    XFRAME_MIDDLEWARE,
    certain,
    has_middleware,
    listing,
    place,
    production,
    runs_development,
    truth,
)
from django_expert.analyzers.rules.registry import fixer, rule

# check id -> (setting, value the fix sets, what the finding says)
HARDENING = {
    "security.W004": ("SECURE_HSTS_SECONDS", "3600", "browsers are not told to use HTTPS only (HSTS)"),
    "security.W005": ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True", "HSTS does not cover subdomains"),
    "security.W021": ("SECURE_HSTS_PRELOAD", "True", "the site cannot join the browsers' HSTS preload list"),
    "security.W006": ("SECURE_CONTENT_TYPE_NOSNIFF", "True", "browsers may guess content types and run uploads as scripts"),
    "security.W008": ("SECURE_SSL_REDIRECT", "True", "plain HTTP requests are served, not redirected to HTTPS (unless a proxy in front does it)"),
    "security.W022": ("SECURE_REFERRER_POLICY", '"same-origin"', "full URLs leak to other sites in the Referer header"),
    "security.W019": ("X_FRAME_OPTIONS", '"DENY"', "other sites may frame the pages (clickjacking)"),
}
DJANGO_CHECKS = {check_id: setting for check_id, (setting, _, _) in HARDENING.items()}
# "SAMEORIGIN" already keeps other sites out: what it allows is the site framing itself.
_SAMEORIGIN = ("the site's own pages may frame each other, so a page serving uploaded or user-written content "
               "could frame and clickjack the rest; unless the site frames itself (a preview, an embedded "
               "viewer), Django advises \"DENY\"")


@rule("DJE405", "missing-https-hardening", tier="recommended", fix=Applicability.UNSAFE, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    middleware = listing(ctx.project, ctx.module, settings.with_default("MIDDLEWARE"))
    weak: list[str] = []
    if has_middleware(ctx, middleware, SECURITY_MIDDLEWARE):
        weak += _security_gaps(settings)
    if has_middleware(ctx, middleware, XFRAME_MIDDLEWARE):
        frame = certain(settings.with_default("X_FRAME_OPTIONS"))
        if frame is not None and frame != Const("DENY"):
            weak.append("security.W019")
    for check_id in weak:
        name, value, why = HARDENING[check_id]
        setting = settings.with_default(name)
        sameorigin = check_id == "security.W019" and setting is not None and setting.value == Const("SAMEORIGIN")
        if sameorigin:
            why = _SAMEORIGIN
        # A redirect to HTTPS in the module development also runs would break `runserver`, and
        # "DENY" in place of a chosen "SAMEORIGIN" would break the site's own frames: no fix.
        shared = check_id == "security.W008" and runs_development(ctx)
        unfixed = shared or sameorigin
        where, related = place(ctx, setting, name)
        yield ctx.report(
            where,
            f"{_state(name, setting)} in the production settings `{ctx.module}` ({check_id}): {why}"
            + (HTTPS_FROM_ENVIRONMENT if shared else ""),
            fix_title="" if unfixed else f"Set {name} = {value}",
            fix_data=() if unfixed else (name, value),
            related=related,
        )


def _security_gaps(settings) -> list[str]:
    def value(name):
        return certain(settings.with_default(name))

    gaps = []
    seconds = truth(value("SECURE_HSTS_SECONDS"))
    if seconds is False:
        gaps.append("security.W004")
    elif seconds:
        gaps += [check_id for check_id, name in (("security.W005", "SECURE_HSTS_INCLUDE_SUBDOMAINS"),
                                                 ("security.W021", "SECURE_HSTS_PRELOAD"))
                 if value(name) is not None and value(name) != Const(True)]
    for check_id, name in (("security.W006", "SECURE_CONTENT_TYPE_NOSNIFF"), ("security.W008", "SECURE_SSL_REDIRECT")):
        if value(name) is not None and value(name) != Const(True):
            gaps.append(check_id)
    if value("SECURE_REFERRER_POLICY") == Const(None):
        gaps.append("security.W022")
    return gaps


def _state(name: str, setting) -> str:
    if setting is None or setting.statement_index < 0:
        return f"{name} is not set"
    if name == "X_FRAME_OPTIONS":
        return f'{name} is not "DENY"'
    return f"{name} is None" if name == "SECURE_REFERRER_POLICY" else f"{name} is off"


@fixer("DJE405")
def fix(source: FixSource, finding):
    name, value = finding.fix_data
    new_text = set_setting(source.module, name, value).code
    return source.fix(f"Set {name} = {value}", Applicability.UNSAFE, new_text)
