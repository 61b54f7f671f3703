"""DJE421 state-change-on-get

## What it does
Finds views that delete rows or log the user out when answering GET: a class-based view's
`get()` (Django's `View`, DRF's `APIView`) that calls `.delete()` on a queryset or a model
row, or `logout(request)`; and a function view that does so with no method check at all —
no `request.method` test, no `@require_POST`/`@require_http_methods`, no DRF `@api_view`
limiting it. Rows looked up by a value named like a secret (`token=`, `key=`, `code=`) are
left alone: a GET consuming a one-time link's token is what the link is for, and another
site cannot know the token.

## Why is this bad?
GET requests carry no CSRF protection: Django only checks the token on unsafe methods. A
link, an `<img src>` or a prefetching browser on any page a signed-in user visits sends the
GET with their cookies, and the rows are gone or the user is logged out. Crawlers and link
previews follow GET links too. Django removed GET from its own `LogoutView` in 5.0 for this
reason.

## Example
```python
class NotificationDismissView(LoginRequiredMixin, View):
    def get(self, request, pk):
        get_object_or_404(request.user.notifications, pk=pk).delete()
        return redirect("notifications")
```

## Use instead
```python
class NotificationDismissView(LoginRequiredMixin, View):
    def post(self, request, pk):  # a form or a button sends it, with the CSRF token
        get_object_or_404(request.user.notifications, pk=pk).delete()
        return redirect("notifications")
```

## References
- https://docs.djangoproject.com/en/stable/ref/csrf/#how-it-works
- https://docs.djangoproject.com/en/stable/releases/5.0/#features-removed-in-5-0 (GET logout)
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.taint import own_nodes
from django_expert.analyzers.project.query_source import source_flows
from django_expert.analyzers.rules.registry import rule

VIEW = "django.views.View"
LOGOUT = "django.contrib.auth.logout"
# Decorators that decide which methods a function view answers.
METHOD_DECORATORS = {"django.views.decorators.http.require_POST", "django.views.decorators.http.require_http_methods",
                     "django.views.decorators.http.require_safe", "django.views.decorators.http.require_GET",
                     "rest_framework.decorators.api_view"}


@rule("DJE421", "state-change-on-get", tier="recommended", triggers=("def get(", "delete()", "logout("))
def check(ctx):
    if ctx.project is None or not ctx.module:
        return
    names = Names(ctx.facts, ctx.tree)
    flows = source_flows(ctx)
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        if owner is not None:
            if function.name != "get" or not ctx.project.is_subclass(f"{ctx.module}.{owner.name}", VIEW):
                continue
            where = f"`{owner.name}.get()`"
        elif _function_view(names, function):
            where = f"`{function.name}()`, which answers every method,"
        else:
            continue
        cls = f"{ctx.module}.{owner.name}" if owner is not None else None
        for node, what in _state_changes(ctx.project, names, flows, function, cls):
            yield ctx.report(
                node,
                f"{where} {what} on GET: GET carries no CSRF check, so a link or an image on another site makes "
                f"a signed-in visitor's browser do it (and crawlers follow links); answer POST for it",
            )


def _function_view(names: Names, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A module-level function taking `request` first, with no decorator choosing its
    methods and no `request.method` test in its body."""
    params = function.args.posonlyargs + function.args.args
    if not params or params[0].arg != "request":
        return False
    if any(names.of(d.func if isinstance(d, ast.Call) else d) in METHOD_DECORATORS for d in function.decorator_list):
        return False
    return not any(isinstance(n, ast.Attribute) and n.attr in ("method", "POST") and isinstance(n.value, ast.Name)
                   and n.value.id == "request" for n in ast.walk(function))


def _state_changes(project, names: Names, flows, function, cls: str | None):
    """(call, what it does) for each `.delete()` on rows and each `logout()` the body runs."""
    flow = None
    nodes = list(own_nodes(function))
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        if names.call(node) == LOGOUT:
            yield node, "logs the user out"
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "delete" and not node.args:
            if _by_secret(nodes, node.func.value):
                continue
            flow = flow or flows.flow(function, cls)
            rows = flow.rows(flows.values(node.func.value), node.lineno)
            if rows is not None:
                yield node, _deletes(rows.model.name, rows.many)
                continue
            model, many = _users_rows(project, names, nodes, node.func.value)
            if model is not None:
                yield node, _deletes(model, many)


SECRET_PARTS = ("token", "secret", "key", "nonce", "signature", "hash", "code")


def _by_secret(nodes: list[ast.AST], receiver: ast.expr) -> bool:
    """Rows looked up by a value named like a secret (`FileAccessToken.objects.get(token=token)`,
    defectdojo's one-time image links): the GET consumes a capability its URL carries, which
    another site cannot know."""
    if isinstance(receiver, ast.Name):
        bound = [n.value for n in nodes if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Name) and n.targets[0].id == receiver.id]
        receiver = bound[0] if len(bound) == 1 else receiver
    calls = [n for n in ast.walk(receiver) if isinstance(n, ast.Call)]
    return any(k.arg and any(part in k.arg.lower() for part in SECRET_PARTS) for call in calls for k in call.keywords)


def _deletes(model: str, many: bool) -> str:
    return f"deletes `{model}` rows" if many else f"deletes a `{model}` row"


def _users_rows(project, names: Names, nodes: list[ast.AST], receiver: ast.expr) -> tuple[str | None, bool]:
    """(model name, many) of rows reached from the signed-in user's reverse relation, which
    the query flow does not type: `request.user.notifications.unread()`, or a local bound to
    `get_object_or_404(request.user.notifications, pk=pk)` (netbox's notification views)."""
    many = True
    if isinstance(receiver, ast.Name):
        bound = [n.value for n in nodes if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Name) and n.targets[0].id == receiver.id]
        if len(bound) != 1 or not isinstance(bound[0], ast.Call) or not bound[0].args \
                or names.call(bound[0]) != "django.shortcuts.get_object_or_404":
            return None, False
        receiver, many = bound[0].args[0], False
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        receiver = receiver.func.value  # `.unread()`, `.filter(...)`, `.all()`
    if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Attribute)
            and receiver.value.attr == "user" and ast.unparse(receiver.value.value) in ("request", "self.request")):
        return None, False
    user = project.model("settings.AUTH_USER_MODEL")
    relation = user.reverse_relation(receiver.attr) if user is not None else None
    if relation is None or relation.accessor != receiver.attr:
        return None, False
    related = project.model(relation.related_model)
    return (related.name if related is not None else None), many
