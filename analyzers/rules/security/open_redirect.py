"""DJE409 open-redirect

## What it does
Finds `redirect()`, `HttpResponseRedirect()` and `HttpResponsePermanentRedirect()` whose
target comes from the request — `request.GET["next"]`, `request.POST.get("next")`,
`request.query_params`, `request.data`, a URL parameter — directly or through a local
variable, in a function that never checks it with `url_has_allowed_host_and_scheme()` (or
passes it to another check in a condition).

A target that starts with a fixed path (`f"/orders/{pk}/"`) stays on the site and is left
alone.

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

import ast
import re

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names, argument
from django_expert.analyzers.facts.taint import Taint, definitions, own_nodes
from django_expert.analyzers.rules.registry import rule

SINKS = {
    "django.shortcuts.redirect": "to",
    "django.http.HttpResponseRedirect": "redirect_to",
    "django.http.HttpResponsePermanentRedirect": "redirect_to",
    "django.http.response.HttpResponseRedirect": "redirect_to",
    "django.http.response.HttpResponsePermanentRedirect": "redirect_to",
}
CHECKS = ("url_has_allowed_host_and_scheme", "is_safe_url")
# Where a link can put a target. Not the Referer header: it names the page the visitor
# came from, so "redirect back" sends them nowhere they were not already.
PARAMETERS = frozenset({"GET", "POST", "query_params", "data"})
# A literal start that already fixes the host: "/path" (not "//"), "https://host/", "?x=", "#top".
FIXED_HOST = re.compile(r"^(/[^/\\]|[a-z][a-z0-9+.-]*://[^/?#]+[/?#]|[?#]|[^:/?#]*[/?#])", re.IGNORECASE)


@rule("DJE409", "open-redirect", triggers=("redirect(", "Redirect("))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    for scope in call_index(ctx.tree).functions():
        function, owner, calls = scope.function, scope.owner, scope.calls
        sinks = [(call, target) for call in calls if names.call(call) in SINKS
                 for target in [argument(call, 0, SINKS[names.call(call)])] if target is not None]
        if not sinks or any(_is_check(names, call) for call in calls):
            continue
        taint = Taint(function, names.qualify, owner, module=ctx.module, sources=PARAMETERS)
        if _guarded(taint, function):
            continue  # request data is checked by some function in a condition: trust the check
        for call, target in sinks:
            if not _controls_host(taint, target, frozenset()):
                continue
            yield ctx.report(
                call,
                f"`{function.name}` redirects to a URL taken from the request without checking it with "
                f"url_has_allowed_host_and_scheme(): a link to this site can send visitors to any other site",
            )


def _is_check(names: Names, call: ast.Call) -> bool:
    name = names.call(call) or ""
    return name.rpartition(".")[2] in CHECKS


def _controls_host(taint: Taint, node: ast.expr, seen: frozenset[str]) -> bool:
    """Whether request data can decide where the URL points (its scheme and host): it must
    come first, before any literal that fixes the host. A query string or path appended to a
    URL the code chose (`reverse(...) + "?" + request.GET.urlencode()`) cannot."""
    prefix = ""
    for piece in _pieces(node):
        if isinstance(piece, str):
            prefix += piece
            if FIXED_HOST.match(prefix):
                return False
            continue
        if isinstance(piece, ast.Name) and piece.id in taint.assignments:
            if piece.id in seen:
                continue
            return any(_controls_host(taint, value, seen | {piece.id}) for value in definitions(taint, piece))
        if isinstance(piece, (ast.BoolOp, ast.IfExp)):
            options = piece.values if isinstance(piece, ast.BoolOp) else [piece.body, piece.orelse]
            return any(_controls_host(taint, option, seen) for option in options)
        return taint.untrusted(piece)
    return False


def _pieces(node: ast.expr) -> list:
    """A string expression as its pieces in order: literal text (str) and expressions."""
    match node:
        case ast.Constant(value=str() as text):
            return [text]
        case ast.JoinedStr(values=values):
            return [v.value for v in values]  # literal text, or the interpolated expression
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            return _pieces(left) + _pieces(right)
        case ast.BinOp(op=ast.Mod(), left=ast.Constant(value=str() as template), right=right):
            values = list(right.elts) if isinstance(right, ast.Tuple) else [right]
            chunks = re.split(r"%[sdr]", template)
            if len(chunks) != len(values) + 1:
                return [node]
            pieces = [item for pair in zip(chunks, values) for item in pair]
            return [*pieces, chunks[-1]]
    return [node]


def _guarded(taint: Taint, function) -> bool:
    """Whether a condition passes request data to a function (`if allowed(url):`); a method
    of the value itself (`url.startswith("/")`) is no check (`//evil.example` passes it)."""
    tests = [n.test for n in own_nodes(function) if isinstance(n, (ast.If, ast.IfExp, ast.While, ast.Assert))]
    return any(isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute)
               and any(taint.untrusted(a) for a in [*node.args, *(k.value for k in node.keywords)])
               for test in tests for node in ast.walk(test))
