"""What a function hands the request's body to, as its data.

`ProjectSerializer(project, data={**request.data, "intake_view": view}, partial=True)` in a
view's handler validates client input with a serializer no `serializer_class` names (plane's
`ProjectViewSet`, whose `serializer_class` is another one): DJE309 must ask what that
serializer lets clients write. `fed_request_data(function, callee)` lists, sorted, the
qualified names of the calls taking the body as `data=` or as their second positional
argument: `request.data` / `request.POST` (also through `self.request`), a copy or `dict()`
of it, a dict literal unpacking it, or a local name bound to one of those. Each entry is
"name|fields": the fields the handler sets itself on `save()` of the serializer it bound
(`serializer.save(project_id=project_id)` -> "project"), "*" when it passes `**kwargs`,
then "|update" when the call is given an instance to change (`Serializer(issue, data=...)`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from django_expert.analyzers.facts.walk import breadth_first

_BODIES = frozenset({"data", "POST"})


def fed_request_data(function: ast.FunctionDef | ast.AsyncFunctionDef,
                     callee: Callable[[ast.expr], str | None], nodes: list[ast.AST] | None = None) -> tuple[str, ...]:
    """`nodes`: every node of `function` in `ast.walk`'s order, when the caller has them
    (`walk.breadth_first([function])`: every function of a project is summarised)."""
    nodes = breadth_first([function]) if nodes is None else nodes
    if not any(isinstance(n, ast.Attribute) and n.attr in _BODIES for n in nodes):
        return ()  # no `<x>.data` / `<x>.POST`: nothing is the body (most functions)
    bodies: set[str] = set()
    for node in nodes:  # local names bound to the body (one pass: rebinding is rare)
        if isinstance(node, ast.Assign) and _body(node.value, bodies):
            bodies |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    bound = {id(node.value): t.id for node in nodes if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    found = set()
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        data = [k.value for k in node.keywords if k.arg == "data"] + node.args[1:2]
        if any(_body(d, bodies) for d in data) and (name := callee(node.func)):
            update = bool(node.args[:1]) or any(k.arg == "instance" for k in node.keywords)
            found.add(f"{name}|{_saved_fields(nodes, bound.get(id(node)))}{'|update' if update else ''}")
    return tuple(sorted(found))


def _saved_fields(nodes: list[ast.AST], name: str | None) -> str:
    """The fields `<name>.save(...)` sets, sorted and comma-separated ("*": unknown ones)."""
    fields: set[str] = set()
    for node in nodes:
        if name and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
            fields |= {k.arg.removesuffix("_id") if k.arg else "*" for k in node.keywords}
    return ",".join(sorted(fields))


def _body(node: ast.expr, bodies: set[str]) -> bool:
    match node:
        case ast.Attribute(value=request, attr=attr) if attr in _BODIES:
            return isinstance(request, ast.Name) and request.id == "request" or (
                isinstance(request, ast.Attribute) and request.attr == "request")
        case ast.Name(id=name):
            return name in bodies
        case ast.Call(func=ast.Attribute(value=inner, attr="copy" | "dict"), args=[]):
            return _body(inner, bodies)
        case ast.Call(func=ast.Name(id="dict"), args=[inner]):
            return _body(inner, bodies)
        case ast.Dict(keys=keys, values=values):
            return any(k is None and _body(v, bodies) for k, v in zip(keys, values))
    return False
