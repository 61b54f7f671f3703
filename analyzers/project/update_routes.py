"""Whether clients can reach a view with an update (PUT or PATCH).

A `ModelViewSet` accepts PUT and PATCH, but a URL conf mapping only
`as_view({"get": "list", "post": "create"})` never sends one to it: a field its model's
`save()` sets on every new row is then never the client's (DJE303 on plane's reactions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_expert.analyzers.navigation.urls import url_index
from django_expert.analyzers.project import drf

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

_UPDATES = frozenset({"put", "patch"})


def updates_routed(project: ProjectModel, view: str) -> bool:
    """Some route sends PUT or PATCH to the view: an action map naming one, or a route
    without a map (a router, a plain `as_view()`) to a view accepting them. True when unsure
    (no URL conf read, no route found)."""
    index = url_index(project)
    routes = [route for route in index.patterns if route.view == view] if index.known else []
    if not routes:
        return True
    accepted = drf.accepted_methods(project, view)
    return any(any(method in _UPDATES for method, _ in route.actions) if route.actions
               else accepted is None or bool(accepted & _UPDATES) for route in routes)
