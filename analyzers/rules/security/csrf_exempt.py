"""DJE406 csrf-exempt

## What it does
Finds views exempted from CSRF protection — `@csrf_exempt`,
`@method_decorator(csrf_exempt, name="dispatch")`, `csrf_exempt(View.as_view())` in a URL
conf — that act for the signed-in user: they read `request.user` or `request.session`,
log users in or out, or require a login (`@login_required`, `LoginRequiredMixin`, ...).

Exempt views that do not use the session (webhooks and machine endpoints authenticated by
a token or a signature), views that only answer safe methods (`@require_GET`), DRF
views (DRF applies its own CSRF check to session-authenticated requests) and GraphQL views
(strawberry, graphene) of a project whose schemas have no mutation (`Schema(query=Query)`:
a cross-site request can change nothing, and cannot read the answer) are left alone.

## Why is this bad?
The browser sends the session cookie with every request to your site, including requests
that another site's page makes. CSRF protection is what tells them apart; without it, a
page the victim visits can post to the view as the victim: change their email, transfer
money, delete data.

## Example
```python
@csrf_exempt
@login_required
def update_email(request):
    request.user.email = request.POST["email"]
    request.user.save()
```

## Use instead
```python
@login_required
def update_email(request):
    request.user.email = request.POST["email"]
    request.user.save()
```
and send the CSRF token from JavaScript (the `X-CSRFToken` header).

## References
- https://docs.djangoproject.com/en/stable/ref/csrf/
- https://docs.djangoproject.com/en/stable/howto/csrf/#using-csrf-protection-with-ajax
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.taint import own_nodes
from django_expert.analyzers.facts.values import Call, Mapping, Seq, Starred, Value
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import rule

CSRF_EXEMPT = "django.views.decorators.csrf.csrf_exempt"
METHOD_DECORATOR = "django.utils.decorators.method_decorator"
_AUTH = "django.contrib.auth"
LOGIN_DECORATORS = {f"{_AUTH}.decorators.login_required", f"{_AUTH}.decorators.permission_required",
                    f"{_AUTH}.decorators.user_passes_test",
                    "django.contrib.admin.views.decorators.staff_member_required"}
LOGIN_MIXINS = {f"{_AUTH}.mixins.LoginRequiredMixin", f"{_AUTH}.mixins.PermissionRequiredMixin",
                f"{_AUTH}.mixins.UserPassesTestMixin"}
SESSION_CALLS = {f"{_AUTH}.login", f"{_AUTH}.logout"}
SESSION_WRITES = {"flush", "cycle_key", "set_expiry", "clear", "update", "setdefault", "save", "create"}
SAFE_ONLY = {"django.views.decorators.http.require_GET", "django.views.decorators.http.require_safe"}
GRAPHQL_VIEWS = {"strawberry.django.views.GraphQLView", "strawberry.django.views.AsyncGraphQLView",
                 "graphene_django.views.GraphQLView"}


@rule("DJE406", "csrf-exempt", tier="recommended", triggers=("csrf_exempt",))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    classes = {node.name: node for node in ast.walk(ctx.tree) if isinstance(node, ast.ClassDef)}
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        for decorator in function.decorator_list:
            if not _exempts(names, decorator):
                continue
            if owner is None and _decorated(names, function, {"rest_framework.decorators.api_view", *SAFE_ONLY}):
                continue
            why = _function_reason(names, function) if owner is None else _class_reason(ctx, names, owner)
            if why:
                yield _report(ctx, decorator, function.name if owner is None else owner.name, why)
    for cls in classes.values():
        for decorator in cls.decorator_list:
            why = _class_reason(ctx, names, cls) if _exempts(names, decorator) else None
            if why:
                yield _report(ctx, decorator, cls.name, why)
    for call in ast.walk(ctx.tree):
        if isinstance(call, ast.Call) and names.call(call) == CSRF_EXEMPT and len(call.args) == 1:
            target, why = _wrapped_reason(ctx, names, classes, call.args[0])
            if why:
                yield _report(ctx, call, target, why)


def _report(ctx, where: ast.AST, name: str, why: str):
    return ctx.report(
        where,
        f"`{name}` is csrf_exempt but acts for the signed-in user ({why}): another site can make a logged-in "
        f"visitor's browser send it requests (CSRF)",
    )


def _exempts(names: Names, decorator: ast.expr) -> bool:
    """`@csrf_exempt` or `@method_decorator(csrf_exempt, ...)`."""
    if names.of(decorator) == CSRF_EXEMPT:
        return True
    return isinstance(decorator, ast.Call) and names.call(decorator) == METHOD_DECORATOR and bool(decorator.args) \
        and any(names.of(d) == CSRF_EXEMPT for d in _listed(decorator.args[0]))


def _listed(node: ast.expr):
    return node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]


def _decorated(names: Names, function, wanted: set[str]) -> bool:
    return any(names.of(d.func if isinstance(d, ast.Call) else d) in wanted for d in function.decorator_list)


def _function_reason(names: Names, function) -> str | None:
    if _decorated(names, function, LOGIN_DECORATORS):
        return "it requires a login"
    return _session_use(names, own_nodes(function))


def _session_use(names: Names, nodes) -> str | None:
    """Reading the user or the session (writing into the session, as a webhook may to hand
    data on, uses no authority the browser brought along)."""
    nodes = list(nodes)
    written = {id(n.value) for n in nodes if isinstance(n, ast.Subscript) and not isinstance(n.ctx, ast.Load)}
    written |= {id(n.func.value) for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr in SESSION_WRITES}
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr in ("user", "session") and _is_request(node.value) \
                and id(node) not in written:
            return f"it reads request.{node.attr}"
        if isinstance(node, ast.Call) and names.call(node) in SESSION_CALLS:
            return "it logs users in or out"
    return None


def _is_request(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "request" or \
        isinstance(node, ast.Attribute) and node.attr == "request" and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def _class_reason(ctx, names: Names, cls: ast.ClassDef) -> str | None:
    qualname = f"{ctx.module}.{cls.name}"
    bases = {names.of(b) for b in cls.bases}
    if ctx.project is not None and ctx.facts.class_(cls.name) is not None:
        if ctx.project.is_subclass(qualname, drf.API_VIEW):
            return None
        bases |= set(ctx.project.mro(qualname))
    if bases & GRAPHQL_VIEWS and ctx.project is not None and ctx.project.memo(_graphql_read_only):
        return None
    if bases & LOGIN_MIXINS:
        return "it requires a login"
    methods = [m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return _session_use(names, (n for m in methods for n in ast.walk(m)))


def _wrapped_reason(ctx, names: Names, classes: dict, view: ast.expr) -> tuple[str, str | None]:
    """The view a `csrf_exempt(...)` call wraps (`X.as_view()` or a function) and why it matters."""
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        name = names.of(view.func.value) or ""
        short = name.rpartition(".")[2]
        if short in classes and "." not in name:
            return short, _class_reason(ctx, names, classes[short])
        if ctx.project is None or not name:
            return short, None
        mro = set(ctx.project.mro(name))
        return short, "it requires a login" if mro & LOGIN_MIXINS and drf.API_VIEW not in mro else None
    name = names.of(view) or ""
    local = next((s.function for s in call_index(ctx.tree).functions() if s.function in ctx.tree.body
                  and s.function.name == name), None)
    if local is not None:
        return name, _function_reason(names, local)
    module, _, short = name.rpartition(".")
    facts = ctx.project.module_facts(module) if ctx.project is not None and module else None
    function = next((f for f in facts.functions if f.name == short), None) if facts else None
    if function is not None and any(getattr(d, "name", getattr(d, "func", "")) in LOGIN_DECORATORS
                                    for d in function.decorators):
        return short, "it requires a login"
    return short or name, None


def _graphql_read_only(project) -> bool:
    """Every strawberry/graphene `Schema(...)` the project builds at module level (one at
    least) is given no `mutation=`: its GraphQL API only reads (netbox)."""
    schemas = [call for facts in project.facts.values() for statement in facts.statements
               for call in _calls(statement.value) if call.func.startswith(("strawberry.", "graphene."))
               and call.func.rpartition(".")[2] == "Schema"]
    return bool(schemas) and all(call.kwarg("mutation") is None and len(call.args) < 2 for call in schemas)


def _calls(value: Value | None):
    """The calls in a module-level value (`schema = Schema(...)`, or one inside urlpatterns)."""
    if isinstance(value, Call):
        yield value
        for inner in (*value.args, *(v for _, v in value.kwargs)):
            yield from _calls(inner)
    elif isinstance(value, Seq):
        for item in value.items:
            yield from _calls(item)
    elif isinstance(value, Mapping):
        for _, item in value.items:
            yield from _calls(item)
    elif isinstance(value, Starred):
        yield from _calls(value.value)
