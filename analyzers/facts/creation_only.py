"""Fields a model's `save()` sets only when the row is created.

`created_by` filled by `save()` from the current user is server-set on every write only if
`save()` sets it on updates too. Plane's `BaseModel.save()` sets it under
`if self._state.adding:`: on an update the value a client sent through a serializer stays
(DJE303). `creation_only(function)` lists, sorted, the `self` attributes (a `<name>_id`
as `<name>`) the function assigns under such a guard (`if self._state.adding:`,
`if self.pk is None:`, `if not self.pk:`, the `else:` of their inverses) and nowhere else
with a value of its own making: a constant (`None` for an anonymous user) or a parameter
(`created_by_id=` passed by the caller) sets nothing from the current user.
"""

from __future__ import annotations

import ast


def creation_only(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    params = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    on_create: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.If) and (creating := _creating(node.test)) is not None:
            on_create |= {id(n) for s in (node.body if creating else node.orelse) for n in ast.walk(s)}
    created, elsewhere = set(), set()
    for node in ast.walk(function):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = {t.attr.removesuffix("_id") for t in targets
                 if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
        if id(node) in on_create:
            created |= names
        elif not (isinstance(node.value, ast.Constant) or isinstance(node.value, ast.Name) and node.value.id in params):
            elsewhere |= names
    return tuple(sorted(created - elsewhere))


def _creating(test: ast.expr) -> bool | None:
    """True when the test holds only for a new row, False only for a saved one, None else."""
    match test:
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return False if _is_adding(operand) else True if _is_pk(operand) else None
        case ast.Compare(left=left, ops=[ast.Is() | ast.Eq()], comparators=[ast.Constant(value=value)]):
            if _is_adding(left) and isinstance(value, bool):
                return value
            return True if _is_pk(left) and value is None else None
        case ast.Compare(left=left, ops=[ast.IsNot() | ast.NotEq()], comparators=[ast.Constant(value=None)]):
            return False if _is_pk(left) else None
    return True if _is_adding(test) else None


def _is_adding(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "adding" and isinstance(node.value, ast.Attribute) \
        and node.value.attr == "_state" and isinstance(node.value.value, ast.Name) and node.value.value.id == "self"


def _is_pk(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("pk", "id") and isinstance(node.value, ast.Name) \
        and node.value.id == "self"
