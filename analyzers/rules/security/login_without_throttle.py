"""DJE419 login-without-throttle

## What it does
Finds DRF endpoints that check a password for anonymous clients with no throttle: views
that log users in (`login()` or `authenticate()` in the view, in the serializer it
validates with, or through a helper), DRF's `ObtainAuthToken` / `obtain_auth_token` (which
sets `throttle_classes = ()`, so even the project's default throttles do not apply), and
simplejwt's token views — when neither the view (`throttle_classes`, its bases) nor the
production `DEFAULT_THROTTLE_CLASSES` throttle them. Projects with django-axes or
django-defender installed, and views decorated by a rate limiter, are left alone.

## Why is this bad?
Each request tries one password. Without a limit, a script tries thousands a minute
against one account, or one common password against every account (credential stuffing),
and nothing slows it down or tells anyone.

## Example
```python
class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        ...
        login(request, user)
```

## Use instead
```python
class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]  # e.g. an AnonRateThrottle with scope "login"
```

## References
- https://www.django-rest-framework.org/api-guide/throttling/
- https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.values import Seq, dotted_name
from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import function_summary, method_summary
from django_expert.analyzers.rules.registry import rule

CHECKS_PASSWORD = frozenset({"django.contrib.auth.login", "django.contrib.auth.authenticate"})
TOKEN_VIEWS = ("rest_framework.authtoken.views.ObtainAuthToken",
               "rest_framework_simplejwt.views.TokenObtainPairView", "rest_framework_simplejwt.views.TokenObtainView",
               "rest_framework_simplejwt.views.TokenObtainSlidingView")
TOKEN_FUNCTIONS = frozenset({"rest_framework.authtoken.views.obtain_auth_token"})
LOCKOUT_APPS = ("axes", "defender")
_HANDLERS = ("post", "create")


@rule("DJE419", "login-without-throttle", tier="recommended", triggers=("login", "authenticate", "obtain_auth_token", "Token"))
def check(ctx):
    project = ctx.project
    if project is None or _lockout_installed(project):
        return
    for cls, qualname in ctx.classes_here(drf.API_VIEW, *TOKEN_VIEWS):
        how = _checks_password(project, qualname)
        if how is None or _throttled(project, qualname) is not False or _rate_limited(cls):
            continue
        yield ctx.report(
            cls.name,
            f"`{cls.name}` {how} for anonymous clients with no throttle: a script can try passwords as fast as "
            f"the server answers; set `throttle_classes`",
        )
    yield from _token_functions(ctx)


def _lockout_installed(project) -> bool:
    for module in drf.production_settings(project):
        apps = project.settings(module).get("INSTALLED_APPS")
        if apps is not None and isinstance(apps.value, Seq) and any(
                getattr(i, "value", None) in LOCKOUT_APPS or str(getattr(i, "value", "")).startswith(
                    tuple(f"{a}." for a in LOCKOUT_APPS)) for i in apps.value.items):
            return True
    return False


def _checks_password(project, qualname: str) -> str | None:
    """How the view checks a password ("logs users in", "hands out API tokens"), or None."""
    mro = project.mro(qualname)
    if any(view in mro for view in TOKEN_VIEWS):
        return "hands out API tokens for a username and password"
    for handler in _HANDLERS:
        found = method_summary(project, qualname, handler)
        if found is None:
            continue
        if set(found[1].calls) & CHECKS_PASSWORD or _through_serializer(project, found[1]):
            return "checks passwords"
    return None


def _through_serializer(project, summary) -> bool:
    """A serializer (or helper) the handler calls whose `validate()` authenticates."""
    for callee in summary.calls:
        if project.resolve_class(callee) is not None:
            validate = method_summary(project, callee, "validate")
            if validate is not None and set(validate[1].calls) & CHECKS_PASSWORD:
                return True
            continue
        found = function_summary(project, callee)
        if found is not None and set(found[1].calls) & CHECKS_PASSWORD:
            return True
    return False


def _throttled(project, qualname: str) -> bool | None:
    """Whether a throttle applies (None: unsure)."""
    names, _ = drf.effective_throttles(project, qualname)
    return None if names is None else bool(names)


def _rate_limited(cls) -> bool:
    """A class decorated by something else than Django/DRF (`@method_decorator(ratelimit(...))`)."""
    return any("ratelimit" in repr(d).lower() or "throttle" in repr(d).lower() for d in cls.decorators) \
        if hasattr(cls, "decorators") else False


def _token_functions(ctx):
    """`obtain_auth_token` routed in a URL conf: DRF sets it no throttle at all."""
    if "obtain_auth_token" not in ctx.text:
        return
    names = Names(ctx.facts, ctx.tree)
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call) and node.args and dotted_name(node.func) in ("path", "re_path", "url") \
                or isinstance(node, ast.Call) and node.args and names.qualify(dotted_name(node.func) or "").endswith(
                    ("django.urls.path", "django.urls.re_path")):
            view = node.args[1] if len(node.args) > 1 else None
            dotted = dotted_name(view) if view is not None else None
            if dotted and names.qualify(dotted) in TOKEN_FUNCTIONS:
                yield ctx.report(view, "DRF's `obtain_auth_token` hands out API tokens for a username and password "
                                       "with no throttle (it sets `throttle_classes = ()`, so the project's defaults "
                                       "do not apply either): subclass `ObtainAuthToken` with `throttle_classes`")
