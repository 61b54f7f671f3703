"""DJE306 list-without-pagination

## What it does
Finds DRF list endpoints (`ListAPIView`, `ListCreateAPIView`, `ModelViewSet`,
`ReadOnlyModelViewSet`, any viewset with `ListModelMixin`) that have no `pagination_class`
while `REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]` of the settings used in production is
unset. It also says when `PAGE_SIZE` is set without a pagination class (DRF's check
`rest_framework.W001`: the page size then does nothing).

A view that sets `pagination_class = None` on purpose, or overrides `list()`,
`paginate_queryset()` or `paginator`, is left alone; so is a viewset the URL conf routes
only with action maps that never name `list` (`as_view({"post": "restore"})`: nothing is
listed), a base class no route reaches while project views derive from it (its
subclasses are reported, each once), and a list nested under a parent the URL names (its
`get_queryset()` reads `self.kwargs`: `/projects/<id>/labels/` lists one project's labels;
whether a parent's children outgrow one response is domain knowledge the analyser does not
have, where a top-level list is the whole table).

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
from django_expert.analyzers.navigation.urls import url_index
from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import method_summary
from django_expert.analyzers.rules.registry import rule

OVERRIDES = ("list", "paginate_queryset", "paginator")


@rule("DJE306", "list-without-pagination", tier="recommended", triggers=("class ",))
def check(ctx):
    if ctx.project is None:
        return
    endpoints = [(cls, q) for cls, q in ctx.classes_here(drf.API_VIEW) if drf.is_list_endpoint(ctx.project, q)]
    endpoints = [(cls, q) for cls, q in endpoints
                 if _unpaginated(ctx.project, q) and _may_list(ctx.project, q) and not _nested(ctx.project, q)]
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


def _nested(project, qualname: str) -> bool:
    """The view's `get_queryset()` reads `self.kwargs`: it lists the children of a parent the URL names."""
    found = method_summary(project, qualname, "get_queryset")
    return found is not None and any(chain[:1] == ("kwargs",) for chain in found[1].reads_of("self"))


def _may_list(project, qualname: str) -> bool:
    """Whether a GET may reach the view's `list()`: False when every route to it maps other
    actions only, or when no route reaches it and project classes derive from it (a base);
    True when unsure (no URL conf read, a route without an action map, a router)."""
    index = url_index(project)
    if not index.known:
        return True
    routes = [route for route in index.patterns if route.view == qualname]
    if routes:
        return any(not route.actions or "list" in dict(route.actions).values() for route in routes)
    return not any(ref.qualname != qualname and project.is_subclass(ref.qualname, qualname)
                   for ref in project.all_classes())


def unpaginated_default(project) -> str | None:
    """The first production settings module without DEFAULT_PAGINATION_CLASS, else None."""
    for module in drf.production_settings(project):
        if drf.drf_setting(project, module, "DEFAULT_PAGINATION_CLASS") == Const(None):
            return module
    return None
