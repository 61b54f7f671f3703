"""DJE506 query-in-loop

## What it does
Finds queries run once per item inside a loop over a queryset, over data a client sends
(`request.data[...]`, `request.POST.getlist(...)`, `json.loads(request.body)`) or over the
rows of a file (`csv.reader(...)`): `Model.objects.get(...)`, `.filter(...).first()`,
`.count()`, `.exists()`, `.create(...)`, `.get_or_create(...)`, `.update(...)` (unless the
values it writes are read from the loop's row: `update(role=invitation.role)` cannot be one
`update()`), `.delete()` on a manager or queryset, `row.save()` / `row.delete()` on the loop's own rows (unless the
model overrides `save()`/`delete()`, which bulk operations would skip), and a call of a
project function that looks something up itself or in the functions it calls (up to four
calls deep; a function cached with `@lru_cache`/`@cached` is not; nor is one that writes
through a manager or calls itself: per-item business logic, such as creating a note or
repairing a graph row by row as earlier calls left it, where nothing can be fetched before
the loop). Rows saved as copies (`row.pk = None`, `save(force_insert=True)`) are left
alone: copying one object's children is rare, bounded by that object, and the copy code
usually needs each new primary key at once (which `bulk_create()` sets on some databases
only). A loop over a constant
list is not reported, nor is a query that reads the loop's own row again
(`filter(pk=row.pk).exists()`: a deliberate re-check that it still exists), nor a helper's
fresh copy of an object it is handed (`Document.objects.get(pk=document.pk)`). Reads of the rows' relations (`row.author`, `row.tags.all()`) are
DJE501's; test modules and migrations are skipped. Writes a loop makes one row at a time
on purpose are left alone: inside a per-row `transaction.atomic()` or `try:` (a failing row
must not undo or stop the others; a bulk write is all-or-nothing), and a loop whose body
batches each row's data itself (an inner `while` loop over bounded slices, `qs[:1000]`, left
with `break`): there the per-row statements are the chunking. When the model has
`pre_save`/`post_save` receivers, the advice says that a bulk write skips them.
Loops in cold code — a management command that is not a long-running worker, a dry-run or debug branch, a copy or clone function, a model method,
form or serializer looping over the one object's own rows, a signal receiver over the rows of
its `instance`, a django-filter method over the objects its filter value names — are reported by
DJE512 (pedantic) instead; where the context cannot be told, the loop stays here.

## Why is this bad?
The loop makes one round trip to the database per row: 1,000 rows, 1,000 queries. Django
can nearly always do the same work in one or two queries, fetched or written in bulk.

## Example
```python
for order in Order.objects.filter(status="paid"):
    invoice = Invoice.objects.filter(order=order).first()
    order.invoiced = invoice is not None
    order.save()
```

## Use instead
```python
orders = list(Order.objects.filter(status="paid"))
invoiced = set(Invoice.objects.filter(order__in=orders).values_list("order_id", flat=True))
for order in orders:
    order.invoiced = order.pk in invoiced
Order.objects.bulk_update(orders, ["invoiced"])
```
Use `filter(<field>__in=...)` or `in_bulk()` for lookups, `bulk_create()` for creation,
`bulk_update()` or `queryset.update()` for saves, `queryset.delete()` for deletes, and an
annotation (`Count`, `Exists`, `Subquery`) for per-row aggregates.

## References
- https://docs.djangoproject.com/en/stable/topics/db/optimization/#do-database-work-in-the-database-rather-than-in-python
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-update
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#in-bulk
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.summaries import callee_name
from django_expert.analyzers.findings import Related
from django_expert.analyzers.project.query_source import is_test_module, loops, source_flows, walk_scope
from django_expert.analyzers.project.signals import save_receivers
from django_expert.analyzers.project.summaries import (
    callee_summary,
    function_summary,
    manager_overrides,
    queries_through,
    switched_query,
    where,
)
from django_expert.analyzers.rules.performance._cold_code import cold_reason
from django_expert.analyzers.rules.registry import rule

# Queryset methods that run a query, with what to do instead.
_QUERIES = {
    "get": "fetch them all at once before the loop (`in_bulk()` or `filter(<field>__in=...)`)",
    "first": "fetch them all at once before the loop (`filter(<field>__in=...)`)",
    "last": "fetch them all at once before the loop (`filter(<field>__in=...)`)",
    "count": "annotate the rows with `Count(...)` instead",
    "exists": "annotate the rows with `Exists(...)`, or fetch the matching ids once",
    "aggregate": "annotate the rows instead",
    "create": "collect the objects and `bulk_create()` them",
    "get_or_create": "fetch the existing ones once, then `bulk_create()` the others",
    "update_or_create": "fetch the existing ones once, then `bulk_update()` / `bulk_create()`",
    "update": "run one `update()` on a queryset of all the rows",
    "delete": "run one `delete()` on a queryset of all the rows",
    "in_bulk": "call `in_bulk()` once before the loop",
}
# ContentType rows are cached per process by their own manager (netbox's tag view looked each up by pk).
CONTENT_TYPE = "contenttypes.ContentType"
_CONTENT_TYPE_CACHE = "use `ContentType.objects.get_for_id()`, which answers from the content types' cache"
_ROW_WRITES = {"save": "`bulk_update()` the rows (or one `queryset.update()`)",
               "delete": "delete them with one `queryset.delete()`"}


@rule("DJE506", "query-in-loop", tier="recommended", triggers=("for ",))
def check(ctx):
    yield from loop_findings(ctx, cold=False)


def loop_findings(ctx, cold: bool):
    """The findings of the file's loops: those in cold code (see `_cold_code.py`, for
    DJE512) when `cold`, the others (hot or unknown) when not."""
    if ctx.project is None or is_test_module(ctx.relative) or ctx.is_migration:
        return
    flows = source_flows(ctx)
    reported: set[int] = set()
    querying = {id(owner.function) for owner in flows.query_functions}
    for owner in flows.functions:
        flow = flows.flow(owner.function, owner.qualname)
        caller = f"{owner.qualname or ctx.module}.{owner.function.name}"
        for loop, target, iterable in loops(owner.function):
            if id(loop) in reported or _batches(loop):
                continue
            rows = flow.rows(flows.values(iterable), iterable.lineno) if id(owner.function) in querying else None
            if rows is not None and rows.many:
                each = f"every `{rows.model.name}`"
                found = list(_queries(ctx.project, flows, flow, loop, target, rows.model))
            elif _grows(flows, owner.function, iterable):
                each = "every item"
                found = list(_queries(ctx.project, flows, flow, loop, target, None))
            else:
                continue
            found += _helper_queries(ctx, flows, caller, loop, target)
            if not found:
                continue
            # Marked before the split, so DJE506 and DJE512 together report exactly the same loops.
            reported.update(id(n) for n in ast.walk(loop) if isinstance(n, (ast.For, ast.AsyncFor)))
            origin = flows.origin(owner.function, iterable, iterable.lineno) if rows is not None else None
            reason = cold_reason(ctx, owner, loop, iterable, origin)
            if (reason is not None) != cold:
                continue
            found.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
            node, what, advice = found[0][:3]
            more = f" (and {len(found) - 1} more in this loop)" if len(found) > 1 else ""
            related = tuple(Related(*found[0][3], f"`{found[0][4]}()` runs it") for _ in (0,) if len(found[0]) > 3)
            yield ctx.report(
                node,
                f"`{_short(ast.get_source_segment(ctx.text, node))}` {what} for {each} of the "
                f"loop at line {iterable.lineno}{more}{f', in {reason}' if reason else ''}: {advice}",
                related=related,
            )


# Where a loop's items come from a client or a file, its length is theirs to choose.
_CLIENT_DATA = frozenset({"data", "POST", "GET", "FILES", "query_params", "body"})
_READERS = frozenset({"csv.reader", "csv.DictReader", "json.loads", "json.load"})


def _grows(flows, function, iterable: ast.expr) -> bool:
    """A loop over request data (`request.data["items"]`, `request.POST.getlist("ids")`,
    `json.loads(request.body)`) or rows read from a file (`csv.reader(f)`): as many items as
    the client sends."""
    expressions = [iterable]
    if isinstance(iterable, ast.Name):
        found = flows.locals_of(function).assignment(iterable.id, iterable.lineno)
        if found is not None and hasattr(found[1], "lineno"):
            expressions.append(found[1])
    for expression in expressions:
        for node in ast.walk(expression):
            if isinstance(node, ast.Attribute) and node.attr in _CLIENT_DATA and _is_request(node.value):
                return True
            if isinstance(node, ast.Call):
                callee = flows.values(node.func)
                if getattr(callee, "name", None) in _READERS:
                    return True
    return False


def _is_request(node: ast.expr) -> bool:
    """`request` or `self.request`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "request" and isinstance(node.value, ast.Name) and node.value.id == "self"
    return isinstance(node, ast.Name) and node.id == "request"


def _helper_queries(ctx, flows, caller: str, loop, row: str) -> list:
    """(call, what, advice, (path, span), function) for each call in the loop body of a
    project function that runs a query itself or through the functions it calls. A query
    the callee runs only when a parameter is set (`if isinstance(user, int):`) does not
    count when the call passes nothing for it, or the loop's row for a scalar-only one."""
    found = []
    bound = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in walk_scope(loop):
        if not isinstance(node, ast.Call):
            continue
        callee = callee_name(node.func, flows.values)
        target = callee_summary(ctx.project, caller, callee) if callee else None
        queries = queries_through(ctx.project, target[0]) if target else ()
        queries = tuple((switched_query(q)[1], via) for q, via in queries if _runs(node, target, q, row, bound))
        if not queries or _business_logic(ctx.project, target[0], queries):
            continue
        query, via = queries[0]
        manager, _, method = query.rpartition(".")
        located = where(ctx.project, via)
        model = manager.rpartition(".")[0].rpartition(".")[2]
        name = via.rpartition(".")[2]
        item = (node, f"runs a `{model}` query (`.{method}()` in `{name}()`)",
                f"fetch what `{name}()` needs for all items before the loop, in one query")
        found.append((*item, located, name) if located else item)
    return found


def _runs(call: ast.Call, target, query: str, row: str, bound: set[str]) -> bool:
    """Whether `call` can run the callee's `query`: always, unless the summary marks it as run
    only for some values of a parameter (`facts/switches.py`) and the call passes
    - nothing for one it must set (`if flag:`, no keyword, no positional argument at its
      place, no `*args`/`**kwargs`), or a false constant;
    - the loop's row (a model instance) where the query needs a scalar (`isinstance(order, int)`);
    - a true constant for one it must leave empty (`merge=True` for `if not merge:`), or, for
      `param or fetch()`, a name the loop does not bind: a value fetched before the loop to
      stand for `fetch()` (saleor's `create_staffs()` passes `default_customer_type`)."""
    switch, _ = switched_query(query)
    if switch is None:
        return True
    param, kind = switch
    _, summary, offset = target
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return True
    passed = next((k.value for k in call.keywords if k.arg == param), None)
    if passed is None and param in summary.params:
        position = summary.params.index(param) - offset
        if 0 <= position < len(call.args):
            passed = call.args[position]
    if passed is None:
        return kind in ("unset", "fallback")  # marked only when the default is empty
    if isinstance(passed, ast.Constant) and kind != "scalar":
        return bool(passed.value) == (kind == "")
    if kind == "scalar":
        return not (isinstance(passed, ast.Name) and passed.id == row)
    return not (kind == "fallback" and isinstance(passed, ast.Name) and passed.id not in bound)


# A helper that writes (a note, a cancellation) or calls itself (a graph repair re-reading
# each row as earlier calls left it) is per-item business logic: nothing can be fetched
# before the loop without rewriting it (defectdojo's removeLoop, process_resolution_from_jira).
_HELPER_WRITES = frozenset({"create", "get_or_create", "update_or_create", "update", "delete",
                            "bulk_create", "bulk_update"})


def _business_logic(project, qualname: str, queries) -> bool:
    """The helper writes through a manager, or calls itself."""
    if any(query.rpartition(".")[2] in _HELPER_WRITES for query, _ in queries):
        return True
    found = function_summary(project, qualname)
    return found is not None and any(
        (callee_summary(project, qualname, callee) or ("",))[0] == qualname for callee in found[1].calls)


def _queries(project, flows, flow, loop, target: str, model):
    """(call, what it does, advice) for each query the loop body runs per row. Writes that
    skip a custom save()/delete() in bulk, writes in a per-row transaction or `try:`, and
    per-row `select_for_update()` locks (row by row on purpose), are left alone."""
    copies = _copies_rows(loop, target)
    one_by_one = _writes_one_by_one(loop)
    for node in walk_scope(loop):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        if model is not None and isinstance(receiver, ast.Name) and receiver.id == target and method in _ROW_WRITES:
            inserting = method == "save" and (copies or any(
                k.arg == "force_insert" and isinstance(k.value, ast.Constant) and k.value.value
                for k in node.keywords))
            if not _custom_write(project, model, method) and id(node) not in one_by_one and not inserting:
                yield node, "writes the row with one query", _with_signals(project, model, method, _ROW_WRITES[method])
        elif method in _QUERIES and not _uses_target_relation(receiver, target) and not _locks(receiver) \
                and not (model is not None and _rereads_row(node, target)):
            rows = flow.rows(flows.values(receiver), node.lineno)
            creating = method in ("create", "get_or_create", "update_or_create")
            if rows is not None and rows.many and _overridden(project, rows.model, receiver, method):
                continue  # `System_Settings.objects.get()` answered by the project's own manager (a cache)
            if (creating or method in ("update", "delete")) and id(node) in one_by_one:
                continue
            if method == "update" and _row_valued(node, target):
                continue  # each row writes its own values: one `update()` cannot (plane's invitations)
            if rows is not None and rows.many and not (creating and _custom_write(project, rows.model, "save")):
                advice = _CONTENT_TYPE_CACHE if method == "get" and rows.model.label == CONTENT_TYPE else _QUERIES[method]
                yield node, "runs a query", _with_signals(project, rows.model, method, advice)


_WRITES = frozenset({"save", "create", "get_or_create", "update_or_create"})


def _row_valued(call: ast.Call, target: str) -> bool:
    """`....update(role=invitation.role)`: a value written is read from the loop's row, so the
    rows write different values and no single `update()` on a queryset of them can (it would
    take a `Case(When(...))` per row); plane activates each invitation's membership with the
    invitation's own role."""
    return any(isinstance(n, ast.Name) and n.id == target
               for value in (*call.args, *(k.value for k in call.keywords)) for n in ast.walk(value))


def _with_signals(project, model, method: str, advice: str) -> str:
    """The advice, and what a bulk write would skip when the model has save receivers."""
    receivers = save_receivers(project, model.qualname) if method in _WRITES else ()
    if not receivers:
        return advice
    names = ", ".join(f"`{r.rpartition('.')[2]}()`" for r in receivers)
    return (f"{advice}; but bulk writes send no pre_save/post_save, so {names} would no longer run: "
            f"do its work for all rows after the bulk write, or keep the loop")


def _batches(loop) -> bool:
    """The loop body works through each row's data in batches: an inner `while` loop taking a
    bounded slice each round (`qs[:1000]`) and leaving with `break` (saleor's app removal, app
    by app and 1000 deliveries at a time "to prevent timeouts"). The per-row statements are
    the chunking: one statement over every row's data would undo it."""
    return any(isinstance(node, ast.While) and any(isinstance(n, ast.Break) for n in ast.walk(node)) and any(
        isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice) and n.slice.upper is not None
        for n in ast.walk(node)) for node in walk_scope(loop))


def _writes_one_by_one(loop) -> set[int]:
    """ids of the calls inside a per-row `with transaction.atomic():` or `try:` in the loop
    body: each row commits or fails on its own there, which a bulk write cannot keep."""
    inside: set[int] = set()
    for node in walk_scope(loop):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(_is_atomic(item.context_expr) for item in node.items):
            inside.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Try) and node.handlers:
            inside.update(id(n) for statement in node.body for n in ast.walk(statement))
    return inside


def _is_atomic(expression) -> bool:
    """`transaction.atomic()`, `atomic()`, `transaction.atomic(using=...)`, or `atomic` bare."""
    callee = expression.func if isinstance(expression, ast.Call) else expression
    return (isinstance(callee, ast.Attribute) and callee.attr == "atomic") or \
        (isinstance(callee, ast.Name) and callee.id == "atomic")


def _overridden(project, model, receiver, method: str) -> bool:
    """`Model.<manager>.<method>()` where the project's manager class defines `method`."""
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        receiver = receiver.func.value
    manager = receiver.attr if isinstance(receiver, ast.Attribute) else None
    return manager is not None and manager_overrides(project, model.qualname, manager, method)


def _locks(receiver) -> bool:
    """`select_for_update()` in the chain: rows locked one at a time, on purpose."""
    return any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "select_for_update"
               for c in ast.walk(receiver))


_PRIMARY_KEYS = frozenset({"pk", "id"})


def _rereads_row(call, target: str) -> bool:
    """`Model.objects.filter(id=row.id)` (or `pk=row`): the loop's own row read again, a
    re-check on purpose that it still exists or has not changed since the loop's query
    (healthchecks' slow prune skips the checks deleted while it runs); fetching it before
    the loop would defeat it."""
    receiver = call
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        for keyword in receiver.keywords:
            if keyword.arg in _PRIMARY_KEYS and _is_row_key(keyword.value, target):
                return True
        receiver = receiver.func.value
    return False


def _is_row_key(value, target: str) -> bool:
    """`row`, `row.pk` or `row.id`."""
    if isinstance(value, ast.Attribute) and value.attr in _PRIMARY_KEYS:
        value = value.value
    return isinstance(value, ast.Name) and value.id == target


def _copies_rows(loop, target: str) -> bool:
    """`row.pk = None` (or `.id = None`) in the loop: the rows are saved as copies."""
    return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr in ("pk", "id")
                                                 and isinstance(t.value, ast.Name) and t.value.id == target
                                                 for t in n.targets) for n in ast.walk(loop))


def _custom_write(project, model, method: str) -> bool:
    """The model (or a project base) overrides save()/delete(): bulk operations would skip it."""
    for qualname in project.mro(model.qualname):
        ref = project.resolve_class(qualname)
        if ref is not None and ref.fact.method(method) is not None:
            return True
    return False


def _uses_target_relation(receiver, target: str) -> bool:
    """`row.books.count()`: a relation of the row, DJE501's business."""
    while isinstance(receiver, (ast.Attribute, ast.Call, ast.Subscript)):
        receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
    return isinstance(receiver, ast.Name) and receiver.id == target


def _short(code: str, limit: int = 70) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 3] + "..."
