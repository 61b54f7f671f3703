"""DJE503 n-plus-one-template

## What it does
Finds views whose template loops over a queryset from the context and reads, for each
row, a relation the queryset does not load: `{{ book.author.name }}`,
`{% for tag in book.tags.all %}`, `{{ author.books.count }}`, `{{ book }}` when the
model's `__str__` reads a relation, a project filter or tag given the row that reads one
(`{{ book|byline }}`, `{% tag_count book %}`: the function registered in a `templatetags`
module, followed through its summary), an inclusion tag given the rows that puts them in
its context (`{% shelf_of books %}` with `return {"books": books}`, or the rows narrowed:
`books.filter(...)`; its own template's reads count), an inclusion tag with
`takes_context=True` that passes the page's rows on (`{"books": context["books"]}`), and the same through `{% with %}`, `{% include %}`
and `{% extends %}`/`{% block %}`. Views are `render()`/`TemplateResponse` calls with a
context dict, `ListView` (`object_list`, `<model>_list`, `page_obj`), `DetailView`
(relations of the object's related rows) and what `get_context_data` adds
(`context["books"] = ...`) for the view's `template_name`, and the context an
`@register.inclusion_tag("x.html")` function returns for its template. The finding is where the
queryset is built, with the template line as related information. A base view no URL names,
whose subclasses all build their own queryset, is left out: its default queryset serves no
page, and each subclass is reported on its own.

## Why is this bad?
Templates hide queries: each `{{ book.author.name }}` inside `{% for %}` is one query per
row, so a page of 100 rows makes 101 queries. Nothing in the view shows it, and it gets
worse as the data grows.

## Example
```python
class BookListView(ListView):
    model = Book
```
```django
{% for book in object_list %}{{ book.title }} by {{ book.author.name }}{% endfor %}
```

## Use instead
```python
class BookListView(ListView):
    queryset = Book.objects.select_related("author")
```

## References
- https://docs.djangoproject.com/en/stable/topics/db/optimization/#retrieve-everything-at-once-if-you-know-you-will-need-it
- https://docs.djangoproject.com/en/stable/ref/class-based-views/mixins-multiple-object/
- https://docs.djangoproject.com/en/stable/ref/templates/language/#variables
"""

from __future__ import annotations

import ast
from dataclasses import replace

from django_expert.analyzers.facts.values import string
from django_expert.analyzers.findings import Applicability, Related
from django_expert.analyzers.fixes.queryset_edits import fix_lookups
from django_expert.analyzers.project.query_source import (
    context_assignments,
    context_items,
    defines_any,
    fix_target,
    is_test_module,
    parent_view,
    render_call,
    rooted_at_super,
    source_flows,
    walk_scope,
)
from django_expert.analyzers.project.querysets import (
    fix_plan,
    loader_text,
    plan,
    relation_names,
    rendered,
    trustworthy,
    unloaded,
)
from django_expert.analyzers.project.templates import reads_of
from django_expert.analyzers.project.summaries import method_summary, template_expander
from django_expert.analyzers.rules.registry import fixer, rule
from django_expert.analyzers.source import Span

LIST_MIXIN = "django.views.generic.list.MultipleObjectMixin"
DETAIL_MIXIN = "django.views.generic.detail.SingleObjectMixin"


@rule("DJE503", "n-plus-one-template", tier="recommended", fix=Applicability.SAFE,
      triggers=("render", "TemplateResponse", "ListView", "DetailView", "template_name", "get_context_data",
                "inclusion_tag"))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative):
        return
    flows = source_flows(ctx)
    for cls, qualname in ctx.classes_here(LIST_MIXIN, DETAIL_MIXIN):
        node = flows.class_node(cls.name)
        case = _class_case(ctx, flows, qualname)
        if node is None or case is None:
            continue
        origin, at = flows.view_origin(node)
        judged = _judge(ctx, *case)
        if judged is None or _reported_on_parent(ctx, flows, cls, qualname, origin, case, judged[0]) \
                or _unrouted_base(ctx.project, qualname):
            continue
        yield _report(ctx, case[0], case[2], origin, at, f"`{cls.name}`", cls.name, *judged)
    for owner in flows.query_functions:
        flow = flows.flow(owner.function, owner.qualname)
        if owner.function.name == "get_context_data" and owner.cls is not None:
            template = _class_template(ctx.project, owner.qualname, None, "")
            for name, value in context_assignments(owner.function):
                rows = flow.rows(flows.values(value), value.lineno)
                origin = flows.origin(owner.function, value, value.lineno)
                judged = _judge(ctx, template, [name], rows) if not isinstance(origin, ast.Name) else None
                if judged is not None:
                    yield _report(ctx, template, rows, origin, origin, f"`{name}`", "", *judged)
        included = _inclusion_template(flows, owner.function)
        if included is not None:
            for name, value in _returned_context(flows, owner.function):
                yield from _context_value(ctx, flows, flow, owner.function, included, name, value)
        for call in walk_scope(owner.function):
            found = render_call(flows, call)
            if found is None:
                continue
            template, context = found
            for name, value in context_items(flows, owner.function, context):
                yield from _context_value(ctx, flows, flow, owner.function, template, name, value)


def _context_value(ctx, flows, flow, function, template, name, value):
    rows = flow.rows(flows.values(value), value.lineno)
    origin = flows.origin(function, value, value.lineno)
    if rows is not None and not rows.many and isinstance(origin, ast.Name):
        return  # an object handed in (a parameter): its queryset is built elsewhere
    judged = _judge(ctx, template, [name], rows)
    if judged is not None:
        yield _report(ctx, template, rows, origin, origin, f"`{name}`", "", *judged)


def _inclusion_template(flows, function) -> str | None:
    """The template of `@register.inclusion_tag("x.html")` (or `filename=`) on a function."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and \
                decorator.func.attr == "inclusion_tag":
            name = decorator.args[0] if decorator.args else \
                next((k.value for k in decorator.keywords if k.arg == "filename"), None)
            return string(flows.values(name)) if name is not None else None
    return None


def _returned_context(flows, function):
    """(key, value) of the context an inclusion tag returns: a dict literal, or a local dict
    filled before the return."""
    for node in walk_scope(function):
        if isinstance(node, ast.Return) and node.value is not None:
            yield from context_items(flows, function, node.value)


def _class_case(ctx, flows, qualname: str):
    """(template name, context variables holding the rows, rows) of a list or detail view."""
    rows = flows.view_rows(qualname)
    if rows is None:
        return None
    listing = ctx.project.is_subclass(qualname, LIST_MIXIN)
    template = _class_template(ctx.project, qualname, rows.model, "_list" if listing else "_detail")
    own = string(_attr(ctx.project, qualname, "context_object_name"))
    if listing:
        return template, ["object_list", own or f"{rows.model.model_name}_list", "page_obj"], rows
    return template, ["object", own or rows.model.model_name], replace(rows, many=False)


_QUERYSET = ("queryset", "get_queryset")


def _unrouted_base(project, qualname: str) -> bool:
    """A base view no URL pattern names whose subclasses in the project all define their own
    `queryset` or `get_queryset()` (not one refining `super().get_queryset()`): its default
    queryset serves no page, and each subclass is judged on its own (pretix's
    `RefundExportListView`, subclassed per event and per organizer)."""
    subclasses = [ref.qualname for ref in project.all_classes()
                  if ref.qualname != qualname and project.is_subclass(ref.qualname, qualname)]
    if not subclasses or not all(_own_queryset(project, sub, qualname) for sub in subclasses):
        return False
    from django_expert.analyzers.navigation.urls import url_index

    return not any(route.view == qualname or (route.view or "").startswith(qualname + ".")
                   for route in url_index(project).patterns)


def _own_queryset(project, sub: str, base: str) -> bool:
    """A class between `sub` and `base` (`sub` included) sets `queryset` or defines a
    `get_queryset()` whose returns do not start from `super()`."""
    for name in project.mro(sub):
        if name == base:
            return False
        ref = project.resolve_class(name)
        if ref is None or not defines_any(ref.fact, _QUERYSET):
            continue
        if ref.fact.method("get_queryset") is None:
            return True
        found = method_summary(project, name, "get_queryset")
        return found is not None and bool(found[1].returns) and "super" not in repr(found[1].returns)
    return False


def _reported_on_parent(ctx, flows, cls, qualname, origin, case, needs) -> bool:
    """A subclass that inherits its queryset (or only refines `super().get_queryset()`) and
    template from a view that is reported the same way: the parent's finding covers it."""
    parent = parent_view(ctx.project, qualname, LIST_MIXIN, DETAIL_MIXIN)
    if parent is None or defines_any(cls, ("template_name", "template_name_suffix", "context_object_name")):
        return False
    if defines_any(cls, ("queryset", "get_queryset", "model")) and not rooted_at_super(origin):
        return False
    parent_case = _class_case(ctx, flows, parent)
    judged = _judge(ctx, *parent_case) if parent_case is not None and parent_case[0] == case[0] else None
    return judged is not None and {n.path for n in judged[0]} == {n.path for n in needs}


def _judge(ctx, template_name, names, rows):
    """(needs, reads) when the template reads relations of `rows` that are not loaded."""
    if not template_name or not trustworthy(rows):
        return None
    template = ctx.project.template(template_name)
    if template is None:
        return None
    reads = reads_of(template, {name: () for name in names}, ctx.project.template, template_expander(ctx.project))
    needs = unloaded(ctx.project, rows, [rendered(r.chain) if r.rendered else r.chain for r in reads])
    return (needs, reads) if needs else None


def _report(ctx, template_name, rows, origin, at, label, cls_name, needs, reads):
    fixing = fix_plan(rows, needs) if origin is not None else None
    select, prefetch = fixing if fixing else ([], [])
    first = reads[needs[0].index]
    where = "every row of" if rows.many else "every related row of the object in"
    related = tuple(Related(r.template, Span.of(r.line, 0, r.line + 1, 0),
                            f"`{template_name}` reads it here (line {r.line + 1})")
                    for r in dict.fromkeys(reads[n.index] for n in needs))
    return ctx.report(
        at,
        f"N+1 queries: template `{template_name}` reads {relation_names(needs)} for {where} "
        f"{label} (template line {first.line + 1}), but the `{rows.model.name}` queryset does not "
        f"{loader_text(*(fixing or plan(needs)))}: one query per row",
        fix_title=f"Add {loader_text(select, prefetch)} to the queryset" if fixing else "",
        fix_data=(fix_target(ctx, origin, cls_name), tuple(select), tuple(prefetch)),
        related=related,
    )


def _attr(project, qualname: str, name: str):
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is not None and ref.fact.attr(name) is not None:
            return ref.fact.attr(name)
    return None


def _class_template(project, qualname: str, model, suffix: str) -> str | None:
    value = _attr(project, qualname, "template_name")
    if value is not None or model is None:
        return string(value)
    suffix = string(_attr(project, qualname, "template_name_suffix")) or suffix
    return f"{model.app_label}/{model.model_name}{suffix}.html"


@fixer("DJE503")
def fix(source, finding):
    return fix_lookups(source, finding)
