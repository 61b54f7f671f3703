"""Switches: the parts of a function body that run only for some values of a parameter, as
markers a caller evaluates against the arguments of its call.

A marker starts with `OFF`, names the parameter, then says when the code runs:

- `!p:`          only when `p` is set: under `if p:` (`p`'s default falsy, `chains.py`);
- `!p:scalar:`   only when `p` is a scalar: under `if isinstance(p, int):` (a model row is none);
- `!p:unset:`    only when `p` is empty: under `if not p:`, in `x if not p else y` (`p`'s
  default falsy, or none): a call passing a true constant never runs it (paperless's
  `set_permissions_for_object(..., merge=True)` skips `... if not merge else ...`);
- `!p:fallback:` only when `p` is empty, as the right of `p or fetch()`: a call passing a
  true constant never runs it, nor, the caller decides, one passing a value it fetched before
  its loop (saleor's `customer_type or get_default_customer_type()`, given the default type).

`p` is never rebound before the switch. Summaries keep the marker in front of a query run
under the switch (`queries`) and of a function called only under it (`gates`), and, for each
function called, the constants every call of it passes (`constants`: "callee|merge=1"), so
that a caller two calls up can still decide (`project/summaries.py`).
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.chains import OFF, Body, _off_by_default

_SCALARS = frozenset({"int", "str", "float", "bytes", "bool"})
_BINDS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For)


def switched(body: Body) -> dict[int, str]:
    """Ids of the nodes run only for some values of a parameter, with their marker."""
    found = {key: f"{OFF}{flag}:" for key, flag in _off_by_default(body).items()}
    root = body.nodes[0]
    if not isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return found
    params = {a.arg for a in (*root.args.posonlyargs, *root.args.args, *root.args.kwonlyargs)}
    empty_by_default = _empty_by_default(root)
    for node in body.nodes:
        for param, kind, branch in _switches(node, params, empty_by_default):
            if not _rebound_before(root, param, node):
                for part in branch:
                    for inner in ast.walk(part):
                        found.setdefault(id(inner), f"{OFF}{param}:{kind}:")
    return found


def _switches(node: ast.AST, params: set[str], empty: set[str]):
    """(parameter, kind, the nodes it switches) of one node."""
    if isinstance(node, ast.If) and not node.orelse:
        tests = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And) \
            else [node.test]
        param = next((t.args[0].id for t in tests if isinstance(t, ast.Call) and isinstance(t.func, ast.Name)
                      and t.func.id == "isinstance" and len(t.args) == 2 and isinstance(t.args[0], ast.Name)
                      and t.args[0].id in params and _scalar_types(t.args[1])), None)
        if param is not None:
            yield param, "scalar", node.body
    if isinstance(node, (ast.If, ast.IfExp)):
        body = node.body if isinstance(node.body, list) else [node.body]
        orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
        test = node.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _name_in(test.operand, empty):
            yield test.operand.id, "unset", body
        elif _name_in(test, empty) and orelse:
            yield test.id, "unset", orelse
    elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and _name_in(node.values[0], empty):
        yield node.values[0].id, "fallback", node.values[1:]


def _name_in(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _empty_by_default(root) -> set[str]:
    """Parameters empty unless a call sets them: no default, or a falsy constant one."""
    args = root.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    defaults.update(zip(args.kwonlyargs, args.kw_defaults))
    return {arg.arg for arg in (*positional, *args.kwonlyargs)
            if defaults.get(arg) is None or isinstance(defaults[arg], ast.Constant) and not defaults[arg].value}


def _scalar_types(node: ast.expr) -> bool:
    """`int`, `str`, `(int, str)`: builtin scalar types only (no model row is one)."""
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return bool(names) and all(isinstance(n, ast.Name) and n.id in _SCALARS for n in names)


def _rebound_before(root: ast.AST, name: str, branch: ast.AST) -> bool:
    """`name` is assigned somewhere before `branch` starts (its value may no longer be the caller's)."""
    return any(isinstance(n, _BINDS) and n.lineno < branch.lineno and any(
        isinstance(t, ast.Name) and t.id == name and isinstance(t.ctx, ast.Store) for t in ast.walk(n))
        for n in ast.walk(root) if hasattr(n, "lineno"))


def gates(calls: list[tuple[str, ast.Call]], marks: dict[int, str]) -> tuple[str, ...]:
    """marker + callee for each function every call of which runs under the same switch."""
    found: dict[str, str | None] = {}
    for callee, node in calls:
        mark = marks.get(id(node))
        found[callee] = mark if found.get(callee, mark) == mark else None
    return tuple(sorted(mark + callee for callee, mark in found.items() if mark))


def constants(calls: list[tuple[str, ast.Call]]) -> tuple[str, ...]:
    """"callee|slot=1" (True) or "=0" (False, None) for each argument that every call of the
    callee passes as that constant; a slot is a keyword or a position. Only `True`, `False`
    and `None` (the values a switch takes; a message string is none)."""
    found: dict[str, dict[str, bool]] = {}
    for callee, node in calls:
        given = {str(i): bool(a.value) for i, a in enumerate(node.args) if _flag(a)}
        if any(isinstance(a, ast.Starred) for a in node.args):
            given = {}
        given.update((k.arg, bool(k.value.value)) for k in node.keywords if k.arg and _flag(k.value))
        known = found.get(callee)
        found[callee] = given if known is None else {s: v for s, v in known.items() if given.get(s) == v}
    return tuple(sorted(f"{callee}|{slot}={int(value)}" for callee, given in found.items()
                        for slot, value in given.items()))


def _flag(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool))
