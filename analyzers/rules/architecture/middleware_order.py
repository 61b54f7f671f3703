"""DJE102 middleware-order

## What it does
Finds `MIDDLEWARE` lists whose order breaks a documented requirement:
`SessionMiddleware` after `AuthenticationMiddleware` or `MessageMiddleware` (with the
default, session-backed message storage), or after `CsrfViewMiddleware` when
`CSRF_USE_SESSIONS` is on; `AuthenticationMiddleware` after `RemoteUserMiddleware` or
`LoginRequiredMiddleware`; `CsrfViewMiddleware` after `RemoteUserMiddleware`;
`UpdateCacheMiddleware` after, or `FetchFromCacheMiddleware` before, a middleware that
sets `Vary` (sessions, locale, gzip); `SecurityMiddleware` after one that can answer a
request itself (the cache, flatpages and redirects fallbacks, and `CommonMiddleware` unless
APPEND_SLASH and PREPEND_WWW are off); `CorsMiddleware` after
`CommonMiddleware` or WhiteNoise; WhiteNoise anywhere but right after `SecurityMiddleware`.
It is reported on the misplaced entry, where `MIDDLEWARE` is set.

## Why is this bad?
Middleware wraps the view like layers of an onion, in list order. A layer that needs
what another one sets up (`request.session`, `request.user`) fails or sees nothing; a
cache layer placed on the wrong side of a `Vary` header can serve one user's page to
another; a response produced by an outer layer (an APPEND_SLASH redirect, a cached page,
a CORS preflight, a static file) skips what the inner layers add (HSTS, the HTTPS
redirect, CORS headers), or pays for work a static file does not need.

## Example
```python
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
]
```

## Use instead
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
```
The fix moves the entry just before the first one it must precede (WhiteNoise: right after
`SecurityMiddleware`); reordering changes behaviour, so it is an unsafe fix.

## References
- https://docs.djangoproject.com/en/stable/ref/middleware/#middleware-ordering
- https://docs.djangoproject.com/en/stable/topics/cache/#order-of-middleware
- https://github.com/adamchainz/django-cors-headers#setup
- https://whitenoise.readthedocs.io/en/stable/django.html#enable-whitenoise
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Seq
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import (
    list_strings,
    rearrange_list,
    top_assignment,
)
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    entry_modules,
    listing,
    name_span,
    set_here,
    truth,
)
from django_expert.analyzers.rules.registry import fixer, rule

SECURITY = "django.middleware.security.SecurityMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
REMOTE = ("django.contrib.auth.middleware.RemoteUserMiddleware",
          "django.contrib.auth.middleware.PersistentRemoteUserMiddleware")
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
LOCALE = "django.middleware.locale.LocaleMiddleware"
GZIP = "django.middleware.gzip.GZipMiddleware"
UPDATE_CACHE, FETCH_CACHE = "django.middleware.cache.UpdateCacheMiddleware", "django.middleware.cache.FetchFromCacheMiddleware"
CORS = "corsheaders.middleware.CorsMiddleware"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
VARY = (SESSION, LOCALE, GZIP)
# Middleware that answers requests itself: cached pages, fallback pages and redirects.
ANSWERS = (FETCH_CACHE, "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
           "django.contrib.redirects.middleware.RedirectFallbackMiddleware")
MESSAGES = "django.contrib.messages.middleware.MessageMiddleware"
# (entry, entries it must come before, why)
RULES = (
    (SESSION, (AUTH,), "AuthenticationMiddleware reads request.session"),
    (AUTH, (*REMOTE, "django.contrib.auth.middleware.LoginRequiredMiddleware"), "they read request.user"),
    (CSRF, REMOTE, "a login there rotates the CSRF token"),
    (UPDATE_CACHE, VARY, "the cache must see the Vary header they set"),
    (SECURITY, ANSWERS, "responses they produce would skip HSTS and the HTTPS redirect"),
    (CORS, (COMMON, WHITENOISE), "their responses (redirects, static files) would lack CORS headers"),
)
CONSTRAINED = frozenset({name for entry, later, _ in RULES for name in (entry, *later)}
                        | {MESSAGES, CSRF, FETCH_CACHE, WHITENOISE, *VARY})


@rule("DJE102", "middleware-order", tier="recommended", fix=Applicability.UNSAFE, triggers=("MIDDLEWARE",), scope="settings")
def check(ctx):
    reported: set[str] = set()
    for module, setting in set_here(ctx, "MIDDLEWARE", entry_modules(ctx.project)):
        middleware = listing(ctx.project, module, setting)
        if middleware is None or middleware.maybe & CONSTRAINED:
            continue  # a middleware the order rules name may be added under a condition
        names = list(middleware.entries)
        for entry, others, relation, why in _misplaced(ctx.project.settings(module), names):
            if entry in reported:
                continue
            reported.add(entry)
            short = [n.rpartition(".")[2] for n in others]
            listed = " and ".join(short) if len(short) <= 2 else f"{short[0]}, {short[1]} and {len(short) - 2} more"
            yield ctx.report(
                _entry_span(ctx, setting, entry),
                f"{entry.rpartition('.')[2]} must come {relation} {listed} in MIDDLEWARE: {why}",
                fix_title=f"Move {entry.rpartition('.')[2]}" if _is_literal(ctx, setting) else "",
                fix_data=(entry, tuple(others)),
            )


def _misplaced(settings, names: list[str | None]):
    """(entry, the entries it is on the wrong side of, "before"/"after", why)."""
    position = {name: index for index, name in reversed(list(enumerate(names))) if name}
    rules = list(RULES)
    if truth(certain(settings.with_default("APPEND_SLASH"))) is not False or \
            truth(certain(settings.with_default("PREPEND_WWW"))) is not False:
        rules.append((SECURITY, (COMMON,), "its APPEND_SLASH/PREPEND_WWW redirects would skip HSTS and the HTTPS redirect"))
    if truth(certain(settings.with_default("CSRF_USE_SESSIONS"))):
        rules.append((SESSION, (CSRF,), "CSRF_USE_SESSIONS keeps the CSRF token in the session"))
    storage = settings.get("MESSAGE_STORAGE")
    if storage is None or (isinstance(certain(storage), Const) and str(certain(storage).value).endswith(
            ("FallbackStorage", "SessionStorage"))):
        rules.append((SESSION, (MESSAGES,), "the default message storage keeps messages in the session"))
    for entry, must_precede, why in rules:
        if entry in position:
            before = [n for n in must_precede if position.get(n, len(names)) < position[entry]]
            if before:
                yield entry, before, "before", why
    if FETCH_CACHE in position:
        after = [n for n in VARY if position.get(n, -1) > position[FETCH_CACHE]]
        if after:
            yield FETCH_CACHE, after, "after", "the cache key must include the Vary header they set, or pages are shared between users"
    if WHITENOISE in position:
        start = position[SECURITY] + 1 if SECURITY in position else 0
        if position[WHITENOISE] < start:
            yield WHITENOISE, [SECURITY], "right after", "static files would skip the security headers"
        else:
            before = [n for n in names[start:position[WHITENOISE]]
                      if n and n.startswith("django.") and n != UPDATE_CACHE]
            if before:
                yield WHITENOISE, before, "before", "static files would go through them for nothing"


def _entry_span(ctx, setting, entry: str):
    """The string naming `entry` in the assignment, else the setting's name."""
    statement_span = ctx.locations.get(f"stmt:{setting.statement_index}")
    if statement_span is not None:
        for line in range(statement_span.start.line, statement_span.end.line + 1):
            text = ctx.lines.line(line)
            for quote in ('"', "'"):
                column = text.find(f"{quote}{entry}{quote}")
                if column >= 0:
                    return type(statement_span).of(line, column, line, column + len(entry) + 2)
    return name_span(ctx, setting.statement_index, "MIDDLEWARE")


def _is_literal(ctx, setting) -> bool:
    statement = ctx.facts.statements[setting.statement_index]
    return statement.kind == "assign" and not statement.path and isinstance(statement.value, Seq)


@fixer("DJE102")
def fix(source: FixSource, finding):
    entry, later = finding.fix_data
    assignment = top_assignment(source.module, "MIDDLEWARE")
    items = list_strings(assignment.value) if assignment is not None else None
    if items is None or entry not in items:
        return None
    order: list[int | str] = list(range(len(items)))
    moved = order.pop(items.index(entry))
    if entry == WHITENOISE and SECURITY in items:
        target = order.index(items.index(SECURITY)) + 1
    elif entry == FETCH_CACHE:
        target = max(order.index(items.index(n)) for n in later) + 1
    else:
        target = min(order.index(items.index(n)) for n in later)
    order.insert(target, moved)
    new_text = rearrange_list(source, "MIDDLEWARE", order)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
