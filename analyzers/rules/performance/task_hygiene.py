"""DJE510 task-hygiene

## What it does
Finds background tasks queued the unsafe way: a Celery task (`@shared_task`,
`@app.task`) sent with `.delay()` / `.apply_async()`, or a django-q `async_task()`, given a
model instance (`send_receipt.delay(order)`, `request.user`, a row of a queryset loop)
instead of its primary key; and a task sent inside `transaction.atomic()` (a `with` block
or a decorated function) without `transaction.on_commit()` — unless the task's `base=`
class overrides how it is sent (such bases usually wait for the commit themselves), or the
transaction is on a read replica (`atomic(using=settings.DATABASE_CONNECTION_REPLICA_NAME)`,
opened only to read from one replica: nothing it writes could be missed).

## Why is this bad?
A model instance is pickled or serialized as it is when queued: the worker acts on stale
data, the message is large, and JSON serialization fails outright. A task queued inside a
transaction can start before the transaction commits: the worker does not see the new
rows (`DoesNotExist`), or acts on a change that is then rolled back.

## Example
```python
with transaction.atomic():
    order = Order.objects.create(customer=customer)
    send_receipt.delay(order)
```

## Use instead
```python
with transaction.atomic():
    order = Order.objects.create(customer=customer)
    transaction.on_commit(lambda: send_receipt.delay(order.pk))
```
The fix wraps the call in `transaction.on_commit(lambda: ...)` when the file imports
`transaction` and the call is not inside a loop (a lambda would see the loop's last value);
passing the primary key needs the task changed too, so that part is left to you. The fix
is unsafe: the task now runs after the commit, not at the call — never when the transaction
rolls back, and never inside a `TestCase` (which does not commit) unless the test captures
on-commit callbacks, so tests relying on eager tasks change; and the lambda reads its
arguments at commit time, so a variable reassigned later in the block sends the new value.

## References
- https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit
- https://docs.celeryq.dev/en/stable/userguide/tasks.html#state
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import Call, Ref
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import replace_expression
from django_expert.analyzers.project.query_source import loops, source_flows, span_tuple, walk_scope
from django_expert.analyzers.project.tasks import task_framework
from django_expert.analyzers.rules.registry import fixer, rule

_ASYNC_TASK = {"django_q.tasks.async_task"}
_ATOMIC = {"django.db.transaction.atomic"}
_USER = {"request.user", "self.request.user"}


@rule("DJE510", "task-hygiene", tier="recommended", fix=Applicability.UNSAFE, triggers=(".delay(", ".apply_async(", "async_task("))
def check(ctx):
    if ctx.project is None:
        return
    flows = source_flows(ctx)
    transaction = next((i.local for i in ctx.facts.imports if i.target == "django.db.transaction"), None)
    for owner in flows.functions:
        flow = flows.flow(owner.function, owner.qualname)
        rows_of = {target: loop for loop, target, iterable in loops(owner.function)
                   if (rows := flow.rows(flows.values(iterable), iterable.lineno)) is not None and rows.many}
        atomic = _atomic_blocks(flows, owner.function)
        in_loop = {id(n) for loop, *_ in loops(owner.function) for n in ast.walk(loop)}
        statements = {id(n.value) for n in walk_scope(owner.function) if isinstance(n, ast.Expr)}
        for node in sorted((n for n in walk_scope(owner.function) if isinstance(n, ast.Call)),
                           key=lambda n: (n.lineno, n.col_offset)):
            task, arguments = _task_call(ctx.project, flows, node)
            if task is None:
                continue
            custom = task.endswith("*")  # its base class sends it its own way: maybe on commit
            task = task.rstrip("*")
            for argument in arguments:
                model = _instance(flow, flows, argument, rows_of, node)
                if model:
                    yield ctx.report(
                        argument,
                        f"`{task}` is queued with a `{model}` instance: it is serialized as it is now (stale "
                        f"by the time the worker runs, or not serializable at all); pass its primary key "
                        f"and fetch it in the task",
                    )
            if id(node) in atomic and not custom:
                fixable = transaction is not None and id(node) in statements and id(node) not in in_loop
                yield ctx.report(
                    node,
                    f"`{task}` is queued inside `transaction.atomic()`: the worker can run before the "
                    f"transaction commits (and see no new rows, or a change later rolled back); queue it "
                    f"with `transaction.on_commit()`",
                    fix_title="Queue it in `transaction.on_commit()`" if fixable else "",
                    fix_data=(span_tuple(ctx.span(node)), transaction or ""),
                )


def _task_call(project, flows, node):
    """(task name, argument expressions) of `task.delay(...)`, `task.apply_async((...))`,
    `async_task(task, ...)`; (None, ()) for anything else."""
    if not isinstance(node, ast.Call):
        return None, ()
    callee = flows.values(node.func)
    if isinstance(callee, Ref) and callee.name in _ASYNC_TASK and node.args:
        return ast.unparse(node.args[0]), node.args[1:]
    if not isinstance(node.func, ast.Attribute) or node.func.attr not in ("delay", "apply_async"):
        return None, ()
    task = flows.values(node.func.value)
    kind = _task_kind(project, task.name) if isinstance(task, Ref) else None
    if kind is None:
        return None, ()
    name = task.name.rpartition(".")[2] + ("*" if kind == "custom" else "")
    if node.func.attr == "delay":
        return name, [*node.args, *(k.value for k in node.keywords)]
    first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "args"), None)
    return name, list(first.elts) if isinstance(first, (ast.Tuple, ast.List)) else []


def _task_kind(project, qualname: str) -> str | None:
    """"task" for a task function, "custom" for one whose `base=` class dispatches itself
    (it may already wait for the commit), None for anything else."""
    module, _, name = qualname.rpartition(".")
    facts = project.module_facts(module) if module else None
    function = next((f for f in facts.functions if f.name == name), None) if facts else None
    for decorator in function.decorators if function is not None else ():
        if task_framework(project, decorator) is not None:  # the one notion of a task (project/tasks.py)
            base = decorator.kwarg("base") if isinstance(decorator, Call) else None
            return "custom" if base is not None and _dispatches(project, base) else "task"
    return None


def _dispatches(project, base) -> bool:
    """A task base class that overrides how tasks are sent (or one that cannot be read)."""
    if not isinstance(base, Ref):
        return True
    for qualname in project.mro(base.name):
        ref = project.resolve_class(qualname)
        if ref is None:
            return not qualname.startswith("celery.")
        if ref.fact.method("apply_async") is not None or ref.fact.method("delay") is not None:
            return True
    return False


def _instance(flow, flows, argument, rows_of, call) -> str | None:
    """The model name when the argument is a model instance."""
    if isinstance(argument, ast.Name) and argument.id in rows_of and \
            any(n is call for n in ast.walk(rows_of[argument.id])):
        loop = rows_of[argument.id]
        iterable = loop.iter if isinstance(loop, (ast.For, ast.AsyncFor)) else next(
            g.iter for g in loop.generators if isinstance(g.target, ast.Name) and g.target.id == argument.id)
        rows = flow.rows(flows.values(iterable), iterable.lineno)
        return rows.model.name if rows else None
    if ast.unparse(argument) in _USER:
        return "user"
    if isinstance(argument, (ast.Name, ast.Call)):
        rows = flow.rows(flows.values(argument), argument.lineno)
        if rows is not None and not rows.many:
            return rows.model.name
    return None


def _atomic_blocks(flows, function) -> set[int]:
    """ids of the statements that run inside `transaction.atomic()` (not one on a read
    replica: it writes nothing a worker could miss)."""
    inside: set[int] = set()
    decorated = any(_is_atomic(flows, d) for d in function.decorator_list)
    for node in walk_scope(function):
        if decorated:
            inside.add(id(node))
        elif isinstance(node, (ast.With, ast.AsyncWith)) and any(
                _is_atomic(flows, i.context_expr) and not _on_replica(i.context_expr) for i in node.items):
            inside.update(id(n) for n in ast.walk(node))
    return inside


def _on_replica(call: ast.expr) -> bool:
    """`atomic(using=settings.DATABASE_CONNECTION_REPLICA_NAME)` (saleor pins one replica for
    its reads), `atomic(using="replica")`: a read-only database's transaction."""
    using = next((k.value for k in call.keywords if k.arg == "using"), None) if isinstance(call, ast.Call) else None
    if using is None:
        return False
    name = using.value if isinstance(using, ast.Constant) and isinstance(using.value, str) else ast.unparse(using)
    return "replica" in name.lower()


def _is_atomic(flows, node) -> bool:
    value = flows.values(node)
    name = value.func if isinstance(value, Call) else value.name if isinstance(value, Ref) else ""
    return name in _ATOMIC


@fixer("DJE510")
def fix(source, finding):
    span, transaction = finding.fix_data
    if not transaction:
        return None
    from django_expert.analyzers.source import LineIndex, Position

    index = LineIndex(source.text)
    call = source.text[index.offset(Position(span[0], span[1])):index.offset(Position(span[2], span[3]))]
    text = replace_expression(source, span, f"{transaction}.on_commit(lambda: {call})")
    return source.fix(finding.fix_title, Applicability.UNSAFE, text) if text else None
