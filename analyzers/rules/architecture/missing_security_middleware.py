"""DJE101 missing-security-middleware

## What it does
Finds a `MIDDLEWARE` list without `SecurityMiddleware` (Django's deploy check
`security.W001`), `XFrameOptionsMiddleware` (`W002`) or `CsrfViewMiddleware` (`W003`), in
the settings modules that can be deployed: the project's settings module, production
ones, and any other that no module star-imports, whose name does not say dev, test,
local or CI and that is not in a `tests` package. It is reported once, where `MIDDLEWARE`
is set (a shared `base` module included). A subclass of the middleware, or a class of the
same name (a project's own replacement), counts as the middleware.

## Why is this bad?
Each middleware is a layer of protection that is off without it: `SecurityMiddleware`
applies HSTS, the HTTPS redirect, `nosniff` and the referrer policy (their settings do
nothing without it); `CsrfViewMiddleware` rejects forged cross-site POSTs to every view
using cookie authentication; `XFrameOptionsMiddleware` stops other sites from framing the
pages to trick users into clicks (clickjacking).

## Example
```python
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
```

## Use instead
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
```
The fix inserts the middleware where Django's default settings have it: security first,
CSRF before authentication, X-Frame-Options after the others. It changes what requests
are accepted, so it is offered as an unsafe fix.

## References
- https://docs.djangoproject.com/en/stable/ref/middleware/#middleware-ordering
- https://docs.djangoproject.com/en/stable/ref/csrf/
- https://docs.djangoproject.com/en/stable/ref/clickjacking/
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Seq
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import (
    list_strings,
    rearrange_list,
    top_assignment,
)
from django_expert.analyzers.rules.deployment._settings import (
    CSRF_MIDDLEWARE,
    SECURITY_MIDDLEWARE,
    XFRAME_MIDDLEWARE,
    entry_modules,
    has_middleware,
    listing,
    name_span,
    set_here,
)
from django_expert.analyzers.rules.registry import fixer, rule

DJANGO_CHECKS = {"security.W001": SECURITY_MIDDLEWARE, "security.W002": XFRAME_MIDDLEWARE, "security.W003": CSRF_MIDDLEWARE}
PROTECTS = {
    SECURITY_MIDDLEWARE: "HSTS, the HTTPS redirect and the other SECURE_* settings have no effect",
    XFRAME_MIDDLEWARE: "pages carry no X-Frame-Options header and can be framed (clickjacking)",
    CSRF_MIDDLEWARE: "cross-site forged POSTs reach cookie-authenticated views",
}
# Where Django's project template has each one: insert before the first of these present.
BEFORE = {
    SECURITY_MIDDLEWARE: (),
    CSRF_MIDDLEWARE: ("django.contrib.auth.middleware.AuthenticationMiddleware",
                      "django.contrib.messages.middleware.MessageMiddleware", XFRAME_MIDDLEWARE),
    XFRAME_MIDDLEWARE: ("django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
                        "django.contrib.redirects.middleware.RedirectFallbackMiddleware"),
}


@rule("DJE101", "missing-security-middleware", tier="recommended", fix=Applicability.UNSAFE, triggers=("MIDDLEWARE",), scope="settings")
def check(ctx):
    entries = entry_modules(ctx.project, skip_non_production=True, skip_tests=True)
    reported: set[str] = set()
    for module, setting in set_here(ctx, "MIDDLEWARE", entries):
        middleware = listing(ctx.project, module, setting)
        fixable = _is_literal(ctx, setting)
        for check_id, dotted in DJANGO_CHECKS.items():
            if dotted in reported or has_middleware(ctx, middleware, dotted) is not False:
                continue
            reported.add(dotted)
            short = dotted.rpartition(".")[2]
            yield ctx.report(
                name_span(ctx, setting.statement_index, "MIDDLEWARE"),
                f"MIDDLEWARE has no {short} ({check_id}): {PROTECTS[dotted]}",
                fix_title=f"Add {short}" if fixable else "",
                fix_data=(dotted,),
            )


def _is_literal(ctx, setting) -> bool:
    """The list is written out in this statement (so the fix can edit it)."""
    statement = ctx.facts.statements[setting.statement_index]
    return statement.kind == "assign" and not statement.path and isinstance(statement.value, Seq)


@fixer("DJE101")
def fix(source: FixSource, finding):
    (dotted,) = finding.fix_data
    assignment = top_assignment(source.module, "MIDDLEWARE")
    items = list_strings(assignment.value) if assignment is not None else None
    if items is None or dotted in items:
        return None
    position = 0 if dotted == SECURITY_MIDDLEWARE else len(items)
    for following in BEFORE[dotted]:
        if following in items:
            position = items.index(following)
            break
    order: list[int | str] = list(range(len(items)))
    order.insert(position, dotted)
    new_text = rearrange_list(source, "MIDDLEWARE", order)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
