"""Which URL arguments a view's guards check: a project's permission classes, decorators and
`dispatch()` / `initial()` overrides, read through their summaries (`facts/url_guard.py`).

`checked_url_arguments(project, view, decorators)` answers, for a handler:

- `None` when a guard may check the object the handler fetches, or cannot be read: a
  permission class with `has_object_permission` (or an unindexed one), a decorator or
  `has_permission` reading the request's body, calling `get_object()`, reading no URL
  argument at all (a role or a user check this module does not judge), an override of
  `check_permissions()` and its kin, a `dispatch()` that may refuse the request;
- the names of the URL arguments the guards check otherwise. A guard reading only
  `view.kwargs["project_id"]`, `view.project_id` (a view property reading
  `self.kwargs.get("project_id")`) or `kwargs["slug"]` in a decorator's wrapper checks that the
  user may reach the project and workspace the URL names, and nothing about an issue the
  handler then fetches by `issue_id`: a lookup is narrowed only when it filters by one of them.
  Plane's `ProjectEntityPermission` and `@allow_permission([...])` are of this kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_expert.analyzers.facts.url_guard import UNKNOWN
from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import function_summary, method_summary

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

# View methods whose override checks access by definition.
_CHECK_METHODS = ("check_permissions", "check_object_permissions", "test_func", "has_permission")
# View methods an override of which may check access, or only set things up (a time zone).
_HOOK_METHODS = ("dispatch", "initial")
# What a permission class may read of the view without learning about an object.
_VIEW_PLAIN = frozenset({"action", "basename", "detail", "suffix", "name", "description", "request"})


def checked_url_arguments(project: ProjectModel, view: str | None, decorators: list[str]) -> frozenset[str] | None:
    names: set[str] = set()
    for decorator in decorators:
        found = _decorator(project, decorator)
        if found is None:
            return None
        names |= found
    if view is None:
        return frozenset(names)
    if any(drf.defines_method(project, view, method) is not False for method in _CHECK_METHODS):
        return None
    if not all(_transparent(project, view, method) for method in _HOOK_METHODS):
        return None
    if project.is_subclass(view, drf.API_VIEW):
        classes = drf.effective_permissions(project, view)
        if classes is None:
            return None
        for cls in classes:
            if cls.startswith("rest_framework."):
                continue
            found = _permission(project, cls, view)
            if found is None:
                return None
            names |= found
    return frozenset(names)


def _decorator(project: ProjectModel, qualname: str) -> set[str] | None:
    found = function_summary(project, qualname)
    kwargs = found[1].url_kwargs if found else ()
    return set(kwargs) if kwargs and UNKNOWN not in kwargs else None


def _transparent(project: ProjectModel, view: str, method: str) -> bool:
    """The view's override of `method`, if any, checks nothing: it refuses no request and
    reads no URL argument (plane's `initial()` activating the user's time zone)."""
    defined = drf.defines_method(project, view, method)
    if defined is not True:
        return defined is False
    found = method_summary(project, view, method)
    return found is not None and not found[1].refuses and not found[1].url_kwargs


def _permission(project: ProjectModel, cls: str, view: str) -> set[str] | None:
    """The URL arguments `cls.has_permission` reads of the view, directly or through the
    view's properties; None when it may learn about an object another way."""
    if drf.defines_method(project, cls, "has_object_permission") is not False:
        return None
    defined = drf.defines_method(project, cls, "has_permission")
    if defined is not True:
        return set() if defined is False else None
    found = method_summary(project, cls, "has_permission")
    if found is None or len(found[1].params) < 3 or UNKNOWN in found[1].url_kwargs:
        return None
    summary = found[1]
    request, view_param = summary.params[1], summary.params[2]
    if any(p.param in (request, view_param) and not p.chain for p in summary.passes):
        return None  # the request or the view handed to a function that may check the object
    names = set(summary.url_kwargs)
    for param, chain in summary.reads:
        if param != view_param or chain[0] == "kwargs" or chain[0] in _VIEW_PLAIN:
            continue
        if _absent(project, view, chain[0]):
            continue  # `hasattr(view, "project_identifier") and ...` on a view without one
        prop = method_summary(project, view, chain[0])
        kwargs = prop[1].url_kwargs if prop else ()
        if not kwargs or UNKNOWN in kwargs:
            return None
        names |= {chain[0], *kwargs}
    return names or None


def _absent(project: ProjectModel, view: str, name: str) -> bool:
    if drf.defines_method(project, view, name) is not False:
        return False
    found = drf.lookup(project, view, name)
    return found.sure and not found.found
