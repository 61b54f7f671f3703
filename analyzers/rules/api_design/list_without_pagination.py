"""DJE306 list-without-pagination

## What it does
Finds DRF list endpoints (`ListAPIView`, `ListCreateAPIView`, `ModelViewSet`,
`ReadOnlyModelViewSet`, any viewset with `ListModelMixin`) that have no `pagination_class`
while `REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]` of the settings used in production is
unset. It also says when `PAGE_SIZE` is set without a pagination class (DRF's check
`rest_framework.W001`: the page size then does nothing).

A view that sets `pagination_class = None` on purpose, or overrides `list()`,
`paginate_queryset()` or `paginator`, is left alone.

## Why is this bad?
Without pagination the endpoint serialises every row of the table in one response. It
works with the test data and then times out, exhausts memory or hands a scraper the whole
table once the table grows. Adding pagination later is a breaking change for clients.

## Example
```python
REST_FRAMEWORK = {"PAGE_SIZE": 50}

class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.all()
```

## Use instead
```python
REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
```
or set `pagination_class` on the view.

## References
- https://www.django-rest-framework.org/api-guide/pagination/#setting-the-pagination-style
- https://www.django-rest-framework.org/api-guide/settings/#default_pagination_class
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import rule

OVERRIDES = ("list", "paginate_queryset", "paginator")


@rule("DJE306", "list-without-pagination", tier="recommended", triggers=("class ",))
def check(ctx):
    if ctx.project is None:
        return
    endpoints = [(cls, q) for cls, q in ctx.classes_here(drf.API_VIEW) if drf.is_list_endpoint(ctx.project, q)]
    endpoints = [(cls, q) for cls, q in endpoints if _unpaginated(ctx.project, q)]
    if not endpoints:
        return
    module = unpaginated_default(ctx.project)
    if module is None:
        return
    page_size = drf.drf_setting(ctx.project, module, "PAGE_SIZE")
    note = (" (PAGE_SIZE is set but does nothing without a pagination class: DRF's check rest_framework.W001)"
            if page_size is not None and page_size != Const(None) else "")
    for cls, qualname in endpoints:
        model, _ = drf.queryset_model(ctx.project, drf.lookup(ctx.project, qualname, "queryset").value, ctx.module)
        what = f"`{model.name}` objects" if model else "objects"
        yield ctx.report(
            cls.name,
            f"`{cls.name}` lists {what} without pagination: every row its queryset matches goes out in one "
            f"response (no pagination_class, and REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] is unset in "
            f"`{module}`){note}",
        )


def _unpaginated(project, qualname: str) -> bool:
    found = drf.lookup(project, qualname, "pagination_class")
    if not found.sure or found.found:
        return False
    return all(drf.defines_method(project, qualname, name) is False for name in OVERRIDES)


def unpaginated_default(project) -> str | None:
    """The first production settings module without DEFAULT_PAGINATION_CLASS, else None."""
    for module in drf.production_settings(project):
        if drf.drf_setting(project, module, "DEFAULT_PAGINATION_CLASS") == Const(None):
            return module
    return None
