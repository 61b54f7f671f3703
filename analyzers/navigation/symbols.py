"""Symbols for the outline and workspace search: models (with their fields), serializers,
views, admin classes, forms and URL patterns, named and described the Django way
(`model catalog.Product`, `ForeignKey → catalog.Category`, `/catalog/p/<slug>/ → product_detail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.navigation.lookups import field_summary
from django_expert.analyzers.navigation.urls import route_span, url_index
from django_expert.analyzers.source import Span

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import ClassFact, FileFacts
    from django_expert.analyzers.project.model import ProjectModel

MODEL = "django.db.models.Model"
SERIALIZER = "rest_framework.serializers.BaseSerializer"
VIEWS = ("django.views.View", "rest_framework.views.APIView")
VIEWSET = "rest_framework.viewsets.ViewSetMixin"
ADMIN = ("django.contrib.admin.options.BaseModelAdmin", "django.contrib.admin.ModelAdmin")
FORMS = ("django.forms.BaseForm", "django.forms.Form", "django.forms.ModelForm")
_VIEW_DECORATORS = ("api_view", "require_http_methods", "require_GET", "require_POST", "login_required",
                    "permission_required", "csrf_exempt")


@dataclass(slots=True)
class Symbol:
    """`kind`: "model", "field", "serializer", "view", "viewset", "admin", "form", "class",
    "method", "function", "url"."""

    name: str
    kind: str
    detail: str
    path: Path
    span: Span
    children: list[Symbol] = field(default_factory=list)
    container: str = ""


def classify(project: ProjectModel, qualname: str) -> str:
    mro = project.mro(qualname)
    if MODEL in mro:
        return "model"
    if SERIALIZER in mro:
        return "serializer"
    if VIEWSET in mro:
        return "viewset"
    if any(v in mro for v in VIEWS):
        return "view"
    if any(a in mro for a in ADMIN):
        return "admin"
    if any(f in mro for f in FORMS):
        return "form"
    return "class"


def document_symbols(project: ProjectModel | None, facts: FileFacts, path: Path, text: str | None = None
                     ) -> list[Symbol]:
    """The outline of one module: its classes (Django-described, with fields or methods),
    functions and URL patterns, in source order."""
    module = facts.module
    locations = project.locations_of(module) if project is not None else None
    if locations is None:
        return []
    symbols: list[Symbol] = []
    for cls in facts.classes:
        span = locations.get(cls.name)
        if span is None:
            continue
        qualname = f"{module}.{cls.name}"
        kind = classify(project, qualname)
        symbol = Symbol(cls.name, kind, _class_detail(project, cls, qualname, kind), path, span)
        symbol.children = _members(project, cls, qualname, kind, path, locations)
        symbols.append(symbol)
    for function in facts.functions:
        span = locations.get(function.name)
        if span is not None:
            view = any(_decorator_name(d).endswith(_VIEW_DECORATORS) for d in function.decorators) or \
                (function.params[:1] == ("request",))
            symbols.append(Symbol(function.name, "view" if view else "function", "view" if view else "", path, span))
    for route in _routes_of(project, module):
        found = route_span(project, route, text)
        if found is not None:
            view = route.view.rpartition(".")[2] if route.view else "…"
            symbols.append(Symbol(route.name, "url", f"/{route.route} → {view}", path, found[1]))
    symbols.sort(key=lambda s: (s.span.start.line, s.span.start.column))
    return symbols


def _members(project: ProjectModel, cls: ClassFact, qualname: str, kind: str, path: Path, locations) -> list[Symbol]:
    members: list[Symbol] = []
    if kind == "model":
        model = project.model(qualname)
        for found in model.declared_fields if model is not None else ():
            span = locations.get(found.location_key)
            if span is not None:
                members.append(Symbol(found.name, "field", field_summary(found), path, span))
    else:
        for name, _ in cls.attrs:
            span = locations.get(f"{cls.name}.{name}")
            if span is not None and kind == "serializer" and not name.startswith("_"):
                members.append(Symbol(name, "field", "serializer field", path, span))
    for method in cls.methods:
        span = locations.get(f"{cls.name}.{method.name}")
        if span is not None:
            members.append(Symbol(method.name, "method", "", path, span))
    meta = locations.get(f"{cls.name}.Meta")
    if meta is not None:
        members.append(Symbol("Meta", "class", "", path, meta))
    members.sort(key=lambda s: (s.span.start.line, s.span.start.column))
    return members


def _class_detail(project: ProjectModel, cls: ClassFact, qualname: str, kind: str) -> str:
    if kind == "model":
        model = project.model(qualname)
        if model is None:
            return "model"
        return f"{'abstract ' if model.abstract else 'proxy ' if model.proxy else ''}model {model.label}"
    if kind == "serializer":
        from django_expert.analyzers.facts.values import Ref

        meta = cls.meta_attr("model")
        return f"serializer → {meta.name.rpartition('.')[2]}" if isinstance(meta, Ref) else "serializer"
    if kind == "admin":
        from django_expert.analyzers.navigation.querysource import admin_model

        facts = project.facts.get(qualname.rpartition(".")[0])
        model = admin_model(project, facts, cls, qualname) if facts is not None else None
        return f"admin for {model.label}" if model is not None else "admin"
    if kind in ("view", "viewset"):
        base = cls.bases[0].rpartition(".")[2] if cls.bases else kind
        return f"{kind} ({base})"
    return kind if kind != "class" else ""


def _decorator_name(value) -> str:
    from django_expert.analyzers.facts.values import Call, Ref

    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Call):
        return value.func
    return ""


def _routes_of(project: ProjectModel, module: str):
    facts = project.facts.get(module)
    if facts is None or not any(s.name == "urlpatterns" for s in facts.statements) and not any(
            c.func.endswith(".register") for c in facts.calls):
        return []
    index = url_index(project)
    return [route for routes in index.routes.values() for route in routes if route.module == module]


def workspace_symbols(project: ProjectModel, query: str, limit: int = 200) -> list[Symbol]:
    """Models, serializers, views, admin classes, forms and URL names of the project whose
    name matches `query` (case-insensitive, in order: "ordvw" matches "OrderViewSet")."""
    found: list[tuple[int, Symbol]] = []
    root = project.layout.root
    for module, facts in project.facts.items():
        path = project.path_of(module)
        if path is None or not Path(path).is_relative_to(root):
            continue
        locations = project.locations_of(module)
        for cls in facts.classes:
            score = _match(query, cls.name)
            if score is None:
                continue
            qualname = f"{module}.{cls.name}"
            kind = classify(project, qualname)
            span = locations.get(cls.name)
            if kind != "class" and span is not None:
                found.append((score, Symbol(cls.name, kind, _class_detail(project, cls, qualname, kind), Path(path),
                                            span, container=module)))
    for name, routes in url_index(project).routes.items():
        score = _match(query, name)
        if score is None:
            continue
        route = routes[0]
        located = route_span(project, route)
        if located is not None:
            found.append((score, Symbol(name, "url", f"/{route.route}", located[0], located[1],
                                        container=route.module)))
    found.sort(key=lambda item: (item[0], item[1].name))
    return [symbol for _, symbol in found[:limit]]


def _match(query: str, name: str) -> int | None:
    """A score (lower is better) when the query's letters appear in order in the name."""
    if not query:
        return 0
    lowered, position, gaps = name.lower(), -1, 0
    for char in query.lower():
        found = lowered.find(char, position + 1)
        if found < 0:
            return None
        gaps += found - position - 1
        position = found
    return gaps + (0 if lowered.startswith(query.lower()) else 1)
