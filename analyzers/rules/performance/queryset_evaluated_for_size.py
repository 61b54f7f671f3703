"""DJE505 queryset-evaluated-for-size

## What it does
Finds querysets evaluated only to learn their size or whether they are empty:
`len(qs)`, `if qs:` / `if not qs:` / `bool(qs)`, and `qs.count() > 0` / `qs.count() == 0`
(and the other comparisons with 0 or 1), when the rows themselves are not used afterwards
in the same function.

## Why is this bad?
`len(qs)` and `if qs:` fetch every row and build a model instance for each, only to count
them; `SELECT COUNT(*)` or `SELECT 1 ... LIMIT 1` answer the same question in the database.
`.count() > 0` counts every matching row when one is enough to know the answer.

## Example
```python
def has_open_orders(user):
    orders = Order.objects.filter(customer=user, status="open")
    if len(orders) > 0:
        return True
    return Order.objects.filter(customer=user).count() == 0
```

## Use instead
```python
def has_open_orders(user):
    orders = Order.objects.filter(customer=user, status="open")
    if orders.count() > 0:
        return True
    return not Order.objects.filter(customer=user).exists()
```
When the rows are used afterwards, evaluating the queryset once (`if qs:` then iterating
it, here or in a nested function) is right, and nothing is reported; nor is the size of a
list already made of the rows (`rows = list(qs)`, `sorted(qs)`): it costs nothing more, and
a list has no `count()` to ask; neither are test modules, where asserting counts is
the point. Nor is a function that locks rows with `select_for_update()` (with or without
`nowait`/`skip_locked`): there the evaluation *is* the point — `len(admins)` on a locked
queryset takes the row locks that keep two requests from removing the last two admins at
once, `count()` would take none (PostgreSQL refuses `FOR UPDATE` with an aggregate), and
`exists()` would lock one row.

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#exists
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#count
- https://docs.djangoproject.com/en/stable/topics/db/optimization/#don-t-retrieve-things-you-don-t-need
"""

from __future__ import annotations

import ast
import unicodedata

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import replace_expression
from django_expert.analyzers.project.query_source import is_test_module, source_flows, span_tuple, walk_scope
from django_expert.analyzers.rules.registry import fixer, rule

# `count() <op> n` that only asks whether rows exist: (op, n) -> exists (True) or not (False).
_EXISTENCE = {(ast.Gt, 0): True, (ast.GtE, 1): True, (ast.NotEq, 0): True, (ast.Eq, 0): False,
              (ast.Lt, 1): False, (ast.LtE, 0): False}


@rule("DJE505", "queryset-evaluated-for-size", tier="recommended", fix=Applicability.SAFE, triggers=("len(", "if ", "count()", "bool("))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative):
        return
    flows = source_flows(ctx)
    may_lock = _names_select_for_update(ctx.text)
    for owner in flows.query_functions:
        if may_lock and _locks_rows(owner.function):
            continue
        flow = flows.flow(owner.function, owner.qualname)
        seen: set[int] = set()
        for node, queryset, template, fetches in _size_checks(owner.function):
            if id(queryset) in seen:
                continue
            rows = flow.rows(flows.values(queryset), node.lineno)
            if rows is None or not rows.many or rows.listed or not rows.loads.certain or \
                    _rows_used_elsewhere(owner.function, queryset, node):
                continue
            seen.add(id(queryset))
            new = template.format(qs=ast.get_source_segment(ctx.text, queryset))
            question = "how many there are" if new.endswith(".count()") else "whether there are any"
            yield ctx.report(
                node,
                f"`{_short(ast.get_source_segment(ctx.text, node))}` {fetches} of the `{rows.model.name}` queryset "
                f"only to learn {question}: `{_short(new)}` asks the database instead",
                fix_title=f"Use `{_short(new)}`",
                fix_data=(span_tuple(ctx.span(node)), new),
            )


def _names_select_for_update(text: str) -> bool:
    """Whether a file's text can call `select_for_update()` (the parser reads identifiers
    NFKC-normalised): most files cannot, and their functions need no walk for it."""
    return "select_for_update" in text or (
        not text.isascii() and "select_for_update" in unicodedata.normalize("NFKC", text))


def _locks_rows(function) -> bool:
    """Whether the function calls `select_for_update()` anywhere: its evaluations take row
    locks, and no size check in it may become a COUNT or an EXISTS."""
    return any(isinstance(node, ast.Attribute) and node.attr == "select_for_update" for node in ast.walk(function))


def _short(code: str, limit: int = 60) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 3] + "..."


def _size_checks(function):
    """(node, queryset expression, replacement template, what it costs) for each size check,
    comparisons first so `len(qs) > 0` becomes `qs.exists()` in one step."""
    nodes = list(walk_scope(function))
    for node in nodes:
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            found = _existence_comparison(node)
            if found is not None:
                queryset, exists, fetches = found
                yield node, queryset, "{qs}.exists()" if exists else "not {qs}.exists()", fetches
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "bool") \
                and len(node.args) == 1 and not node.keywords:
            template = "{qs}.count()" if node.func.id == "len" else "{qs}.exists()"
            yield node, node.args[0], template, "fetches every row"
        elif isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            for test, negated in _truth_tests(node.test, False):
                yield test, (test.operand if negated else test), \
                    "not {qs}.exists()" if negated else "{qs}.exists()", "fetches every row"


def _truth_tests(node, negated):
    """The operands a condition only tests for truth: `if a and not qs:` -> (`not qs`, True)."""
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _truth_tests(value, False)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and _looks_like_queryset(node.operand):
        yield node, True
    elif _looks_like_queryset(node):
        yield node, False


def _looks_like_queryset(node) -> bool:
    """A name or a method chain (`Book.objects.filter(...)`); the flow decides if it is one."""
    return isinstance(node, ast.Name) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute))


_MIRROR = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _existence_comparison(node: ast.Compare):
    """`qs.count() > 0`, `len(qs) == 0`, `0 < qs.count()`: (queryset, exists?, cost)."""
    left, right, op = node.left, node.comparators[0], type(node.ops[0])
    if isinstance(left, ast.Constant) and op in _MIRROR:
        left, right, op = right, left, _MIRROR[op]
    if not isinstance(right, ast.Constant) or (op, right.value) not in _EXISTENCE:
        return None
    if isinstance(left, ast.Call) and isinstance(left.func, ast.Attribute) and left.func.attr == "count" \
            and not left.args and not left.keywords:
        return left.func.value, _EXISTENCE[(op, right.value)], "counts every row"
    if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "len" and len(left.args) == 1:
        return left.args[0], _EXISTENCE[(op, right.value)], "fetches every row"
    return None


def _rows_used_elsewhere(function, queryset, check) -> bool:
    """A queryset held in a variable and used elsewhere in the function, nested functions
    included (a generator iterating it closes over the same, now cached, rows): its rows may
    be reused, and evaluating it once is right."""
    if not isinstance(queryset, ast.Name):
        return False
    inside = {id(n) for n in ast.walk(check)}
    return any(isinstance(n, ast.Name) and n.id == queryset.id and isinstance(n.ctx, ast.Load)
               and id(n) not in inside for n in ast.walk(function))


@fixer("DJE505")
def fix(source, finding):
    span, new = finding.fix_data
    text = replace_expression(source, span, new)
    return source.fix(finding.fix_title, Applicability.SAFE, text) if text else None
