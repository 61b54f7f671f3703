"""DJE504 n-plus-one-admin

## What it does
Finds `ModelAdmin` changelists whose `list_display` reads a relation for every row that
the changelist queryset does not load: a lookup (`"author__name"`), an admin method or a
function reading `obj.author...`, a model property or method that reads one, the
`__str__` of the model (the default column) or of a related object that reads another
relation. It knows what Django loads by itself: with `list_select_related = False`, a
foreign key named in `list_display` makes the changelist call `select_related()`, which
follows non-null foreign keys only. A model registered without an admin class
(`admin.site.register(Profile)`) shows its `__str__`, and is judged the same way. A read
only past an early return on the row's own field (`if self.title: return self.title`) is
left out: which rows reach it depends on the data, and a display name usually has it.
Silent for a project that shows no admin: django.contrib.admin not installed, or the URL conf
routing it only under a condition a fresh deployment skips (`if settings.ADMIN_ENABLED:`
with the variable unset: `admin_display.admin_unserved`).

## Why is this bad?
The changelist shows 100 rows per page: each unloaded relation is 100 extra queries per
page view, on the screen staff use all day.

## Example
```python
@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author__name", "editor"]
```

## Use instead
```python
@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author__name", "editor"]
    list_select_related = ["author", "editor"]
```
The fix sets `list_select_related` to every relation the columns need (an explicit list
replaces Django's automatic `select_related()`); many-valued relations are prefetched in
`get_queryset()`.

## References
- https://docs.djangoproject.com/en/stable/ref/contrib/admin/#django.contrib.admin.ModelAdmin.list_select_related
- https://docs.djangoproject.com/en/stable/ref/contrib/admin/#django.contrib.admin.ModelAdmin.list_display
"""

from __future__ import annotations

import ast
from dataclasses import replace

from django_expert.analyzers.facts.values import Const, strings
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import fix_admin
from django_expert.analyzers.project.admin_display import admin_model, admin_unserved, display_reads, plain_registration
from django_expert.analyzers.project.query_source import is_test_module, source_flows, span_tuple
from django_expert.analyzers.project.querysets import (
    ITERATE,
    Loads,
    maximal,
    plan,
    relation_names,
    trustworthy,
    unloaded,
)
from django_expert.analyzers.rules.registry import fixer, rule

MODEL_ADMIN = "django.contrib.admin.ModelAdmin"
# Overrides that make the changelist (or its columns and joins) something the facts do not show.
_CUSTOM = ("get_urls", "changelist_view", "get_list_display", "get_list_select_related", "get_changelist",
           "get_changelist_instance")


@rule("DJE504", "n-plus-one-admin", tier="recommended", fix=Applicability.SAFE, triggers=("list_display", "admin"))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative) or admin_unserved(ctx.project):
        return
    flows = source_flows(ctx)
    for cls, qualname in ctx.classes_here(MODEL_ADMIN):
        model = admin_model(ctx.project, ctx.facts, cls, qualname)
        node = flows.class_node(cls.name)
        if model is None or node is None or _custom_changelist(ctx.project, qualname):
            continue
        reads = display_reads(ctx.project, flows, model, node, qualname)
        own = flows.view_rows(qualname, default=flows.flow(None, None).manager_rows(model)) if reads else None
        if not trustworthy(own):
            continue
        chains = [(ITERATE, *r.chain) for r in reads]
        setting = _attr(ctx.project, qualname, "list_select_related")
        loads = _changelist_loads(own.loads, setting, reads)
        needs = unloaded(ctx.project, replace(own, loads=loads), chains) if loads is not None else []
        needs = [n for n in needs if not n.guard]  # `if self.title: return self.title`: rows with one read nothing
        if not needs:
            continue
        # An explicit list replaces Django's automatic select_related(): it must name every
        # relation the columns read that the admin's own queryset does not load.
        wanted = [n for n in unloaded(ctx.project, own, chains) if n.single]
        select = maximal([*(strings(setting) or ()), *plan(wanted)[0]]) if any(n.single for n in needs) else []
        prefetch = plan([n for n in needs if not n.single])[1]
        origin = _get_queryset_origin(ctx, flows, node)
        entries = list(dict.fromkeys(reads[n.index].entry for n in needs))
        fixable = not prefetch or origin is not False
        yield ctx.report(
            f"{cls.name}.list_display" if ctx.locations.get(f"{cls.name}.list_display") else cls.name,
            f"N+1 queries: the `{model.name}` changelist of `{cls.name}` reads {relation_names(needs)} for every "
            f"row (list_display {', '.join(repr(e) for e in entries)}), but its queryset does not load "
            f"{'it' if len(needs) == 1 else 'them'}: one query per row",
            fix_title="Load the relations the changelist columns read" if fixable else "",
            fix_data=(cls.name, tuple(select), tuple(prefetch), origin or ()),
        )
    for index, call in enumerate(ctx.facts.calls):
        model = plain_registration(ctx.project, ctx.facts, call)
        rows = flows.flow(None, None).manager_rows(model) if model is not None else None
        needs = [n for n in unloaded(ctx.project, rows, [(ITERATE, "__str__")]) if not n.guard] \
            if trustworthy(rows) else []
        if not needs:
            continue
        fixable = all(n.single for n in needs)
        yield ctx.report(
            f"call:{index}",
            f"N+1 queries: the `{model.name}` changelist of this default admin shows `{model.name}.__str__`, which "
            f"reads {relation_names(needs)} for every row, and nothing loads "
            f"{'it' if len(needs) == 1 else 'them'}: one query per row",
            fix_title="Register it with list_select_related" if fixable else "",
            fix_data=("register", tuple(plan(needs)[0]), (), span_tuple(ctx.span(f"call:{index}"))),
        )


def _custom_changelist(project, qualname: str) -> bool:
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is not None and any(ref.fact.method(name) is not None for name in _CUSTOM):
            return True
    return False


def _changelist_loads(loads: Loads, setting, reads) -> Loads | None:
    """What ChangeList.apply_select_related() adds to the admin's queryset."""
    if setting is None or setting == Const(False):
        if any(r.foreign_key for r in reads):
            return replace(loads, select_all=True)
        return loads
    if setting == Const(True):
        return replace(loads, select_all=True)
    names = strings(setting)
    return loads.add(names) if names is not None else None


def _attr(project, qualname: str, name: str):
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is not None and ref.fact.attr(name) is not None:
            return ref.fact.attr(name)
    return None


def _get_queryset_origin(ctx, flows, node: ast.ClassDef):
    """The span of the admin's own `get_queryset` return expression; None when it has none
    (the fix adds one); False when several returns build it."""
    method = flows.method_node(node, "get_queryset")
    if method is None:
        return None
    returns = flows.returns(method)
    if len(returns) != 1:
        return False
    return span_tuple(ctx.span(flows.origin(method, returns[0].value, returns[0].lineno)))


@fixer("DJE504")
def fix(source, finding):
    return fix_admin(source, finding)
