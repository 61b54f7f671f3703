"""Queries a function narrows to what the requesting user may reach.

`Project.objects.for_user(request.user)`, `Task.objects.filter(project__members=self.request.user)`,
`qs.filter(Q(owner=user) | Q(public=True))`, `visible_documents(request.user)`: a call given
a value derived from the user who sent the request. The authorization rules compare a
lookup of a model with how the rest of the project narrows that model, and learn the
project's scoping helpers (`for_user`, `restrict`, `visible_documents`) from those calls.

Derived from the user: `request.user` (also `self.request.user`,
`self.context["request"].user`), a parameter named like one (`user`, `member`, ...),
anything read from those (`user.organization`, `user.pk`, `user.memberships.values(...)`),
and a local name assigned such a value anywhere in the function (flow-insensitive, like
`taint.py`: a rule asking "is this scoped?" hears yes when any path scopes it).
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.chains import Body
from django_expert.analyzers.facts.values import ValueBuilder, dotted_name

Function = ast.FunctionDef | ast.AsyncFunctionDef

USER_PARAMS = frozenset({"user", "member", "viewer", "actor", "requester", "current_user", "request_user"})
# Query methods given the user that do not narrow the rows (`create(owner=user)`,
# `annotate(is_mine=...)`, `exclude(pk=user.pk)`, DRF's `filter_queryset(qs)`); any other
# method given the user narrows: Django's `filter`/`get`, or a project helper (`for_user`).
NOT_NARROWING = frozenset({
    "annotate", "alias", "create", "update", "exclude", "filter_queryset", "get_queryset", "paginate_queryset",
    "order_by", "extra", "values", "values_list", "aggregate", "get_or_create", "update_or_create", "bulk_create",
    "bulk_update", "select_related", "prefetch_related", "distinct", "only", "defer", "using", "none", "all",
    "count", "exists", "delete", "in_bulk", "set", "add", "remove", "clear", "union", "intersection",
    "difference", "iterator", "raw", "save", "send", "delay", "apply_async", "format", "append", "log",
    "info", "debug", "warning", "error", "exception", "render", "get_serializer", "serializer_class",
})
# Calls a user value reaches a query through: `Q(owner=user)`, a subquery
# `filter(org__in=Membership.objects.filter(user=user).values("org"))`.
_SUBQUERIES = frozenset({"Q", "Subquery", "Exists", "OuterRef", "filter", "values", "values_list", "all",
                         "distinct", "only", "order_by", "select_related"})
_MAX_SCOPES = 16


def is_request(node: ast.expr) -> bool:
    """`request`, `self.request`, `self.context["request"]`, `info.context` (graphene)."""
    match node:
        case ast.Name(id="request"):
            return True
        case ast.Attribute(value=ast.Name(id="self"), attr="request"):
            return True
        case ast.Attribute(value=ast.Name(id="info"), attr="context"):
            return True
        case ast.Subscript(value=ast.Attribute(value=ast.Name(id="self"), attr="context"),
                           slice=ast.Constant(value="request")):
            return True
    return False


class UserValues:
    """Which expressions of one function derive from the requesting user."""

    def __init__(self, function: Function, body: Body | None = None) -> None:
        args = function.args
        self.names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.arg in USER_PARAMS}
        body = Body(function) if body is None else body
        bindings = [(t, node.value) for node in body.binds if isinstance(node, ast.Assign) for t in node.targets]
        bindings += [(node.target, node.value) for node in body.binds
                     if isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None]
        changed = True
        while changed:
            changed = False
            for target, value in bindings:
                if isinstance(target, ast.Name) and target.id not in self.names and self.derived(value):
                    self.names.add(target.id)
                    changed = True

    def derived(self, node: ast.AST | None, through_calls: bool = False) -> bool:
        """Whether `node`'s value is the requesting user or read from it (with
        `through_calls`, whether any part of it mentions the user)."""
        if node is None:
            return False
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.Name) and item.id in self.names:
                return True
            if isinstance(item, ast.Attribute) and item.attr == "user" and is_request(item.value):
                return True
            if isinstance(item, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if not through_calls and isinstance(item, ast.Call) and item is not node \
                    and _callee(item) not in _SUBQUERIES:
                continue  # `filter_queryset(qs)`, `str(user)`: the call's result is not the user
            stack.extend(ast.iter_child_nodes(item))
        return False


def calls_of(call: ast.Call) -> tuple[list[ast.Call], ast.expr]:
    """The calls of a method chain, outermost first, and what the innermost is called on:
    `Task.objects.for_user(u).filter(x=1).get(pk=2)` -> [get, filter, for_user], `Task.objects`."""
    calls = []
    node: ast.expr = call
    while isinstance(node, ast.Call):
        calls.append(node)
        func = node.func
        if not isinstance(func, ast.Attribute):
            break
        node = func.value
    return calls, node


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def given_user(values: UserValues, call: ast.Call) -> bool:
    """Whether the call narrows rows by the requesting user: a narrowing method (or a
    function) whose own arguments derive from the user."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in NOT_NARROWING:
        return False
    return any(values.derived(a) for a in call.args) or any(values.derived(k.value) for k in call.keywords)


def scoping_call(values: UserValues, call: ast.Call, bound: dict[str, list[ast.expr]] | None = None,
                 _depth: int = 0) -> ast.Call | None:
    """The call of the chain ending in `call` that narrows it by the requesting user, also
    through a local name the chain starts from (`qs = X.objects.for_user(u)`, then `qs.get(...)`)."""
    calls, root = calls_of(call)
    for node in calls:
        if given_user(values, node):
            return node
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and bound and _depth < 4:
        for value in bound.get(root.id, ()):
            if isinstance(value, ast.Call):
                found = scoping_call(values, value, bound, _depth + 1)
                if found is not None:
                    return found
    return None


def bindings(body: Body) -> dict[str, list[ast.expr]]:
    """Local names and the expressions assigned to them."""
    bound: dict[str, list[ast.expr]] = {}
    for node in body.binds:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            bound.setdefault(node.target.id, []).append(node.value)
    return bound


def describe(call: ast.Call) -> str:
    """How a scoping call narrows: its method and keyword names ("for_user", "filter:owner")."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else (dotted_name(call.func) or "")
    keys = sorted(k.arg for k in call.keywords if k.arg)
    return f"{name}:{','.join(keys)}" if keys else name


def scopes(function: Function, body: Body, value: ValueBuilder) -> tuple[str, ...]:
    """For a summary: "root|how" for every query chain of the body narrowed by the requesting
    user, the root qualified through imports ("projects.models.Task.objects|filter:project__members",
    "self|for_user", "super()|filter:owner") or, for a project function given the user,
    "call|orgs.scoping.visible_documents"."""
    values = UserValues(function, body)
    if not values.names and not any(isinstance(n, ast.Attribute) and n.attr == "user" for n in body.loads):
        return ()  # neither a user parameter nor `request.user`: nothing can be narrowed by one
    receivers = {id(c.func.value) for c in body.calls if isinstance(c.func, ast.Attribute)}
    found: dict[str, None] = {}
    for call in body.calls:
        if id(call) in receivers:
            continue  # met as part of the chain of the call it is the receiver of
        calls, root = calls_of(call)
        node = next((c for c in calls if given_user(values, c)), None)
        if node is None:
            continue
        if isinstance(node.func, ast.Attribute):
            name = _call_root(root) if isinstance(root, ast.Call) else dotted_name(root)
            if name:
                qualified = name if name.startswith(("self", "super()")) else value.qualify(name)
                found[f"{qualified}|{describe(node)}"] = None
            continue
        callee = dotted_name(node.func)
        if callee and "." in (qualified := value.qualify(callee)) and not qualified.startswith(_NOT_HELPERS):
            found[f"call|{qualified}"] = None
    return tuple(sorted(found))[:_MAX_SCOPES]


# Callees given the user that are not the project's scoping helpers.
_NOT_HELPERS = ("django.", "rest_framework.", "builtins.", "logging.", "typing.")


def _call_root(root: ast.Call) -> str | None:
    """`super().get_queryset()` -> "super()"; `self.get_queryset()` -> "self.get_queryset"."""
    func = root.func
    if isinstance(func, ast.Name) and func.id == "super":
        return "super()"
    name = dotted_name(func)
    return name if name and name.startswith("self") else None
