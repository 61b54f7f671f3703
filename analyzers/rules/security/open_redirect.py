"""DJE409 open-redirect

## What it does
Finds `redirect()`, `HttpResponseRedirect()` and `HttpResponsePermanentRedirect()` whose
target comes from the request — `request.GET["next"]`, `request.POST.get("next")`,
`request.query_params`, `request.data`, a URL parameter — directly or through a local
variable, in a function that never checks it with `url_has_allowed_host_and_scheme()` (or
passes it to another check in a condition).

A target that starts with a fixed path (`f"/orders/{pk}/"`) stays on the site and is left
alone. Also across functions and files: a view passing such a URL to a project function
that redirects to it without a check (itself or further down, up to four calls deep); the
finding is on the call and names the function that redirects.

## Why is this bad?
Anyone can build a link to your site that sends the visitor on to a site of their choice:
`https://shop.example/login/?next=https://evil.example/`. The link looks trustworthy, so it
is used in phishing, and a redirect after login can leak tokens to the other site.

## Example
```python
def login_done(request):
    return redirect(request.GET.get("next", "/"))
```

## Use instead
```python
from django.utils.http import url_has_allowed_host_and_scheme

def login_done(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
```

## References
- https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.http.url_has_allowed_host_and_scheme
- https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
"""

from __future__ import annotations

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.sinks import PARAMETERS, controls_host, guarded, is_url_check, redirect_target
from django_expert.analyzers.facts.taint import Taint
from django_expert.analyzers.project.tainted_calls import findings_across
from django_expert.analyzers.rules.registry import rule


@rule("DJE409", "open-redirect", tier="recommended", triggers=("redirect(", "Redirect(", "request"))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    if ctx.project is not None:
        yield from _across_functions(ctx)
    for scope in call_index(ctx.tree).functions():
        function, owner, calls = scope.function, scope.owner, scope.calls
        sinks = [(call, target) for call in calls for target in [redirect_target(call, names.call(call))]
                 if target is not None]
        if not sinks or any(is_url_check(names.call(call)) for call in calls):
            continue
        taint = Taint(function, names.qualify, owner, module=ctx.module, sources=PARAMETERS)
        if guarded(taint, function):
            continue  # request data is checked by some function in a condition: trust the check
        for call, target in sinks:
            if not controls_host(taint, target, frozenset()):
                continue
            yield ctx.report(
                call,
                f"`{function.name}` redirects to a URL taken from the request without checking it with "
                f"url_has_allowed_host_and_scheme(): a link to this site can send visitors to any other site",
            )


def _across_functions(ctx):
    """Request data handed to a project function that puts it in this rule's sink."""
    return findings_across(
        ctx, "redirect",
        "`{function}` passes a URL taken from the request to `{callee}()`, which redirects to it{where} "
        "without checking it with url_has_allowed_host_and_scheme(): a link to this site can send "
        "visitors to any other site",
        "redirects here",
    )
