"""DJE209 unknown-lookup

## What it does
Finds lookup paths that name a field, relation, transform or lookup the model does not
have: keyword names of `filter()`, `exclude()`, `get()`, `get_or_create()`,
`update_or_create()`, `Q()` and `get_object_or_404()`; strings given to `order_by()`,
`values()`, `values_list()`, `only()`, `defer()`, `select_related()`,
`prefetch_related()`, `Prefetch()`, `F()` and aggregates; `Meta.ordering`; a ModelAdmin's
`list_filter`, `search_fields`, `ordering` and `list_select_related`; a DRF view's
`filterset_fields` and `search_fields`. The model comes from the queryset (`Order.objects`,
a custom manager or QuerySet, a related manager, a view's `queryset`), through
inheritance and reverse relations (`related_name`, `related_query_name`, or the model
name). The message names the closest valid name, and the quick fix puts it in place.
When the model, or anything the path goes through, cannot be known for sure, nothing is
reported.

## Why is this bad?
Django checks lookups only when the query is built: the typo raises `FieldError` (or
`FieldDoesNotExist`) at run time, on the code path that builds it — often a rarely used
filter, an admin search or a report nobody ran since the field was renamed.
`category__product_set` and `customer__icontains` look plausible and fail the same way.

## Example
```python
Order.objects.filter(custmer__email__icontains=term)
Category.objects.filter(product_set__name="x")
Product.objects.order_by("-create")
```

## Use instead
```python
Order.objects.filter(customer__email__icontains=term)
Category.objects.filter(product__name="x")  # queries use the related query name
Product.objects.order_by("-created")
```

## References
- https://docs.djangoproject.com/en/stable/topics/db/queries/#field-lookups
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#field-lookups
- https://docs.djangoproject.com/en/stable/topics/db/queries/#lookups-that-span-relationships
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation import lookups
from django_expert.analyzers.navigation.sites import Sites
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule
from django_expert.analyzers.source import Span

_TRIGGERS = ("objects", "filter(", "exclude(", "get(", "order_by(", "values", "related(", "only(", "defer(",
             "ordering", "search_fields", "list_filter", "filterset_fields", "get_object_or_404", "Q(", "F(")


@rule("DJE209", "unknown-lookup", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE, triggers=_TRIGGERS)
def check(ctx):
    if ctx.project is None or not ctx.module or ctx.is_migration:
        return
    seen: set[tuple[int, int]] = set()
    expected = _expected_to_fail(ctx.tree) if "aises" in ctx.text else []
    for site in Sites.of(ctx).paths():
        if not site.validate:
            continue
        if any(first <= site.span.start.line + 1 <= last for first, last in expected):
            continue  # a test asking Django to reject the lookup: `with pytest.raises(FieldError):`
        resolution = lookups.resolve(ctx.project, site.source, site.path, site.mode)
        problem = resolution.problem
        if problem is None:
            continue
        start = site.span.start
        span = Span.of(start.line, start.column + problem.segment.start, start.line,
                       start.column + problem.segment.end)
        if (span.start.line, span.start.column) in seen:
            continue
        seen.add((span.start.line, span.start.column))
        suggestion = problem.suggestion
        message = problem.message + (f"; did you mean '{suggestion}'?" if suggestion else "")
        if suggestion:
            yield ctx.report(span, message, fix_title=f"Replace '{problem.segment.name}' with '{suggestion}'",
                             fix_data=(span_tuple(span), problem.segment.name, suggestion))
        else:
            yield ctx.report(span, message)


_RAISES = ("raises", "assertRaises", "assertRaisesMessage", "assertRaisesRegex")


def _expected_to_fail(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges (1-based) of `with pytest.raises(...)` / `with self.assertRaises(...)` blocks.
    Only statements are visited (a `with` is one): the expressions, most of a tree's nodes,
    cannot hold one."""
    found = []
    statements = list(tree.body)
    for node in statements:  # appended to while iterated: the nested statements are visited too
        statements += _nested_statements(node)
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                isinstance(item.context_expr, ast.Call) and (
                    getattr(item.context_expr.func, "attr", None) in _RAISES
                    or getattr(item.context_expr.func, "id", None) in _RAISES) for item in node.items):
            found.append((node.lineno, node.end_lineno or node.lineno))
    return found


def _nested_statements(node: ast.stmt) -> list[ast.stmt]:
    """The statements of a statement's bodies: `body`, `orelse`, `finalbody`, and those of
    its `except` handlers and `case`s."""
    found = []
    for name in node._fields:
        value = getattr(node, name, None)
        if type(value) is list and value:
            if isinstance(value[0], ast.stmt):
                found += value
            elif isinstance(value[0], (ast.excepthandler, ast.match_case)):
                found += [statement for item in value for statement in item.body]
    return found


@fixer("DJE209")
def fix(source: FixSource, finding):
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
