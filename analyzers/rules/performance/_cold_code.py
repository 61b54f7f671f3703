"""Where a loop runs rarely or over a bounded number of rows ("cold" code), for the split of
DJE501/DJE506 (recommended: per request or per scheduled run, over unbounded rows) from
DJE511/DJE512 (pedantic: the same findings in cold code).

Cold only on positive evidence, so a loop whose context is unknown stays in the recommended
rule (precision first: no real hot-path finding is hidden): a data migration; a management
command that is not a long-running worker (no `while` loop in its `handle()`; a cron or
Procfile entry is not read, so a command run on a schedule from outside counts as cold);
a branch taken only on a dry run or in
debug (`if options["dry_run"]:`, `if settings.DEBUG:`); a copy or clone function
(`copy_item()`, `event_copy_data_receiver()`); and, in a model method, a form or a
serializer, a loop over the rows of the one object it handles (`self.feeds.all()`,
`Feed.objects.filter(rack=self)`, `self.instance.interfaces.all()`), bounded by that object:
when a list of such objects reads them, DJE501 reports the list's loop. The one object also
is a local the method derives from it (`ids = self.instance.interfaces.values_list("pk")`
then `filter(assigned_object_id__in=ids)`; in a serializer, `subevent = super().update(...)`),
and, in a signal receiver (`@receiver(...)`), the `instance` the signal is about (netbox's
`filter(cable=instance)` on a cable's save). A django-filter `FilterSet` method looping over
the rows its filter `value` names (`Device.objects.filter(pk__in=value)`) is bounded by the
values one query string names. (An admin action's
`queryset` parameter is not followed to a model by the query flow, so its loops are reported
by neither rule.)
"""

from __future__ import annotations

import ast
import re

from django_expert.analyzers.project.query_source import Owner

COMMAND = "django.core.management.base.BaseCommand"
MODEL = "django.db.models.Model"
FORM = ("django.forms.BaseForm", "django.forms.BaseModelForm")
SERIALIZER = ("rest_framework.serializers.BaseSerializer",)
RECEIVER = frozenset({"receiver", "django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})

# `copy_item`, `clone`, `event_copy_data_receiver`, `copyFrom`: a function that copies objects.
_COPY = re.compile(r"(?:^|_)(?:copy|clone)(?:_|$)|^(?:copy|clone)[A-Z]")
# A branch on a dry run or debug switch (`dry_run`, `options["dryrun"]`, `settings.DEBUG`).
_SWITCH = re.compile(r"dry_?run|dry-run|\bdebug\b", re.IGNORECASE)
# What stands for the one object a model method, form or serializer handles.
_ONE_OBJECT = (((MODEL,), ("self",)), (FORM, ("self.instance",)), (SERIALIZER, ("self.instance", "instance")))


def cold_reason(ctx, owner: Owner, loop: ast.AST, iterable: ast.expr, origin: ast.expr | None = None) -> str | None:
    """Why the loop is cold ("a management command", ...), or None when it is hot or unknown.
    `origin`: the expression that builds the loop's queryset, when known."""
    project = ctx.project
    if ctx.is_migration:
        return "a migration"
    if _COPY.search(owner.function.name):
        return f"a copy function (`{owner.function.name}()`)"
    if _in_switch_branch(owner.function, loop):
        return "a dry-run or debug branch"
    cls = owner.qualname
    if cls is not None and project.is_subclass(cls, COMMAND) or cls is None and "/management/commands/" in \
            f"/{ctx.relative}":
        return None if _worker(owner.cls) else "a management command"
    expressions = [e for e in (iterable, origin) if e is not None]
    for bases, holders in _ONE_OBJECT:
        if cls is not None and (project.is_subclass(cls, *bases) or bases is SERIALIZER and _library_serializer(project, cls)):
            holders = (*holders, *_derived(owner.function, holders, bases is SERIALIZER or bases is FORM))
            if any(_narrowed_to(expression, holders) for expression in expressions):
                return "the rows of the one object this method handles"
            break
    if _is_receiver(owner.function) and any(_narrowed_to(e, ("instance",)) for e in expressions):
        return "the rows of the one object the signal is about"
    if cls is not None and _filterset(project, cls) and _filter_value(owner.function, expressions):
        return "the objects a filter value names"
    return None


def _library_serializer(project, cls: str) -> bool:
    """The class's bases end at a library class the project does not index whose name says it
    is a serializer (pretix's `i18nfield.rest_framework.I18nAwareModelSerializer`)."""
    chain = project.mro(cls)
    last = chain[-1] if chain else ""
    return len(chain) > 1 and project.resolve_class(last) is None and last.endswith("Serializer") \
        and "rest_framework" in last


def _derived(function, holders: tuple[str, ...], saved: bool) -> tuple[str, ...]:
    """Locals assigned once from the one object (`ids = self.instance.interfaces.values_list(...)`)
    or, in a form or serializer (`saved`), from `super().create/update/save(...)` (the object saved)."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    found = []
    for name, values in assigned.items():
        if len(values) != 1 or name in holders:
            continue
        value = values[0]
        if saved and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                and value.func.attr in ("create", "update", "save") and isinstance(value.func.value, ast.Call) \
                and isinstance(value.func.value.func, ast.Name) and value.func.value.func.id == "super":
            found.append(name)
        elif _rooted_at(value, holders):
            found.append(name)
    return tuple(found)


def _rooted_at(expression: ast.expr, holders: tuple[str, ...]) -> bool:
    """`<holder>.<relation>....` read on or called (`self.instance.interfaces.values_list("pk")`)."""
    node = expression
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) in holders:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _is_receiver(function) -> bool:
    """`@receiver(post_save, sender=...)` on the function."""
    for decorator in function.decorator_list:
        callee = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(callee) in RECEIVER or ast.unparse(callee).endswith(".receiver"):
            return True
    return False


def _filterset(project, cls: str) -> bool:
    """A django-filter `FilterSet` (`django_filters.FilterSet`, `rest_framework.FilterSet`)."""
    return any(name.startswith("django_filters.") and name.endswith("FilterSet") for name in project.mro(cls))


def _filter_value(function, expressions) -> bool:
    """A filter method `(self, queryset, name, value, ...)` whose loop's queryset is narrowed by
    `value` (`Device.objects.filter(pk__in=value)`, `**{f"{name}__in": value}`)."""
    params = [a.arg for a in function.args.args]
    if len(params) < 4 or params[1] != "queryset":
        return False
    value = params[3]
    return any(isinstance(n, ast.Name) and n.id == value for e in expressions for n in ast.walk(e))


def _worker(cls: ast.ClassDef | None) -> bool:
    """A long-running command: its `handle()` loops with `while` (healthchecks' `sendalerts`:
    `while not self.shutdown:`), so its loops run on every round, like a periodic task's. A
    `while` elsewhere (a chunk iterator) does not make it one."""
    handle = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and n.name == "handle"), None) if cls is not None else None
    return handle is not None and any(isinstance(n, ast.While) for n in ast.walk(handle))


def _in_switch_branch(function, loop: ast.AST) -> bool:
    """The loop sits in the branch an `if` takes on a dry run or in debug."""
    for node in ast.walk(function):
        if not isinstance(node, ast.If):
            continue
        test, negated = node.test, False
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negated = test.operand, True
        if not _SWITCH.search(ast.unparse(test)):
            continue
        branch = node.orelse if negated else node.body
        if any(loop is n for statement in branch for n in ast.walk(statement)):
            return True
    return False


def _narrowed_to(expression: ast.expr, holders: tuple[str, ...]) -> bool:
    """`<holder>.<relation>...` (`self.feeds.all()`), or a queryset filtered by the holder
    (`Feed.objects.filter(rack=self)`, `rack_id=self.pk`)."""
    node, prev = expression, None
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Call):
            if any(k.arg and _is_holder(k.value, holders) for k in node.keywords):
                return True
            node, prev = node.func, node
        elif isinstance(node, ast.Attribute):
            # `self.feeds.all()`: the holder's attribute is a manager (read on, not called)
            if ast.unparse(node.value) in holders and isinstance(prev, ast.Attribute):
                return True
            node, prev = node.value, node
        else:
            node, prev = node.value, node
    return False


def _is_holder(value: ast.expr, holders: tuple[str, ...]) -> bool:
    """The object (`self`, `self.pk`) or one of its foreign keys (`self.author`, `self.author_id`)."""
    if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
        value = value.value
    if isinstance(value, ast.Attribute) and ast.unparse(value.value) in holders:
        return True
    return ast.unparse(value) in holders
