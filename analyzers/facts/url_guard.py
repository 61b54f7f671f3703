"""What a guard learns from the URL: the keyword arguments a function reads by name.

A permission class's `has_permission(request, view)`, a decorator's wrapper or a view's
`dispatch()` that reads only `view.kwargs["project_id"]`, `self.kwargs.get("slug")` or
`kwargs["slug"]` (a `**kwargs` parameter, of the function or of a function nested in it, as
a decorator's wrapper is) checks access to what those arguments name, not to the object a
handler then fetches by another id (DJE416).

`url_kwargs` lists those names, sorted, plus `UNKNOWN` when the function may learn about
the object another way: it reads the request's body or query (`request.data`, `.GET` ...),
calls `get_object()` or an object-permission check, reads a URL argument by a computed key,
or hands the URL arguments on whole to a function other than the one it wraps or `super()`'s.

`refuses` says whether the function may turn the request away: it raises, or returns
something other than a name, `None` or a call of `super()` / `self.handle_exception()`.
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.walk import breadth_first

UNKNOWN = "?"
_CLIENT_DATA = frozenset({"data", "query_params", "GET", "POST", "body", "FILES", "content_params"})
_OBJECT_CHECKS = frozenset({"get_object", "has_object_permission", "check_object_permissions"})


def url_kwargs(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST] | None = None) -> tuple[str, ...]:
    """`nodes`: every node of `function` (`walk.breadth_first([function])`), when the caller
    has them: every function of a project is summarised, and walking each for `url_kwargs`
    and `refuses` was a third of summarising them."""
    nodes = breadth_first([function]) if nodes is None else nodes
    functions = [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    packed = {f.args.kwarg.arg for f in functions if f.args.kwarg} | {f.args.vararg.arg for f in functions
                                                                       if f.args.vararg}
    wrapped = {a.arg for f in functions for a in (*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs)}
    names: set[str] = set()
    unknown = False
    for node in nodes:
        key: str | None = ""
        if isinstance(node, ast.Subscript) and _kwargs(node.value, packed):
            key = _key(node.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and _kwargs(node.func.value, packed):
                key = _key(node.args[0]) if node.args else None
            unknown |= node.func.attr in _OBJECT_CHECKS
        elif isinstance(node, ast.Attribute) and node.attr in _CLIENT_DATA and _is_request(node.value):
            unknown = True
        if key:
            names.add(key)
        # without a packed parameter (most functions) nothing is handed on whole
        unknown |= key is None or (bool(packed) and isinstance(node, ast.Call) and _hands_on(node, packed, wrapped))
    if not names and not unknown:
        return ()
    return (*sorted(names), *((UNKNOWN,) if unknown else ()))


def refuses(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST] | None = None) -> bool:
    for node in breadth_first([function]) if nodes is None else nodes:
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Return) and node.value is not None and not _passes_through(node.value):
            return True
    return False


def _kwargs(node: ast.expr, packed: set[str]) -> bool:
    """`<x>.kwargs` (a view's URL arguments) or a `**kwargs` parameter."""
    return (isinstance(node, ast.Attribute) and node.attr == "kwargs") or (isinstance(node, ast.Name)
                                                                          and node.id in packed)


def _key(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_request(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "request") or (isinstance(node, ast.Attribute)
                                                                     and node.attr == "request")


def _hands_on(call: ast.Call, packed: set[str], wrapped: set[str]) -> bool:
    """The URL arguments passed whole (`f(**kwargs)`, `f(*args)`) to a function that may check
    the object: anything but a parameter (the wrapped view) or `super().<method>`."""
    whole = [a.value for a in call.args if isinstance(a, ast.Starred)] + [k.value for k in call.keywords
                                                                          if k.arg is None]
    if not any(isinstance(v, ast.Name) and v.id in packed for v in whole):
        return False
    func = call.func
    if isinstance(func, ast.Name) and func.id in wrapped:
        return False
    return not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "super")


def _passes_through(value: ast.expr) -> bool:
    if isinstance(value, ast.Name) or (isinstance(value, ast.Constant) and value.value is None):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) \
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
        return True
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self" \
        and func.attr == "handle_exception"
