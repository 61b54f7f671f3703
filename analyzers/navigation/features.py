"""Completion, hover and go-to-definition for what `targets.py` finds at a position: lookup
paths, URL names, template names and settings. Offsets in, offsets and spans out; the
server converts them for the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Call, Const, Ref, Value
from django_expert.analyzers.navigation import lookups, model_hover, settings, targets
from django_expert.analyzers.navigation.templates import template_index
from django_expert.analyzers.navigation.urls import Route, route_span, url_index
from django_expert.analyzers.secrets import HIDDEN, shown_text
from django_expert.analyzers.source import Span

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import FileFacts
    from django_expert.analyzers.navigation.targets import Target
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import FieldInfo, ModelInfo

_MAX_OPTIONS = 12


@dataclass(frozen=True, slots=True)
class Completion:
    """A completion item replacing text[start:end] by `text` (its label when empty).

    A lookup path's item replaces the whole path typed so far, not only its last segment:
    after `filter(category__` the item `name` inserts `category__name` over `category__`, so
    an editor that filters by the word before the cursor (Emacs, Neovim, VS Code) matches it."""

    label: str
    kind: str  # a lookups step kind, or "url", "template", "setting"
    detail: str
    start: int
    end: int
    documentation: str = ""
    sort: str = ""
    text: str = ""

    @property
    def new_text(self) -> str:
        return self.text or self.label


@dataclass(frozen=True, slots=True)
class HoverText:
    markdown: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Place:
    path: Path
    span: Span


def find_target(project: ProjectModel | None, facts: FileFacts | None, text: str, offset: int,
                template: bool = False) -> Target | None:
    if template:
        return targets.template_target_at(text, offset)
    return targets.target_at(project, facts, text, offset)


# -- completion ------------------------------------------------------------------------------------


def complete(project: ProjectModel, target: Target) -> list[Completion]:
    if target.kind == targets.PATH:
        return _complete_path(project, target)
    if target.kind == targets.URL:
        index = url_index(project)
        return [Completion(name, "url", routes[0].route, target.start, target.end, _route_doc(routes[0]))
                for name, routes in sorted(index.routes.items())]
    if target.kind == targets.TEMPLATE:
        index = template_index(project)
        root = project.layout.root
        found = []
        for name in index.names():
            path = index.find(name)
            own = path is not None and path.is_relative_to(root)
            shown = path.relative_to(root).as_posix() if own and path else str(path or "")
            found.append(Completion(name, "template", shown, target.start, target.end, sort=("0" if own else "1") + name))
        return found
    if target.kind == targets.SETTING:
        own = {n for n in settings.setting_names(project) if settings.project_setting(project, n)}
        return [Completion(name, "setting", "project setting" if name in own else "Django default", target.start,
                           target.end, sort=("0" if name in own else "1") + name)
                for name in settings.setting_names(project)]
    return []


def _complete_path(project: ProjectModel, target: Target) -> list[Completion]:
    if target.source is None:
        return []
    prefix = target.prefix
    options = lookups.options_at(project, target.source, prefix, target.mode)
    segment_start = prefix.rfind(lookups.SEP)
    before = prefix[: segment_start + len(lookups.SEP)] if segment_start >= 0 else ""
    rest = target.text[len(prefix):]
    following = rest.find(lookups.SEP)
    end = target.start + len(prefix) + (following if following >= 0 else len(rest))
    return [Completion(o.label, o.kind, o.detail, target.start, end, o.documentation, o.sort, before + o.label)
            for o in options]


# -- hover -----------------------------------------------------------------------------------------


def hover(project: ProjectModel, target: Target) -> HoverText | None:
    if target.kind == targets.PATH:
        return _hover_path(project, target)
    if target.kind == targets.URL:
        routes = url_index(project).find(target.text)
        if not routes:
            return None
        return HoverText("\n\n".join(_route_doc(r, title=True) for r in routes[:3]), target.start, target.end)
    if target.kind == targets.TEMPLATE:
        path = template_index(project).find(target.text)
        if path is None:
            return None
        root = project.layout.root
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        return HoverText(f"**template** `{target.text}`\n\n`{shown}`", target.start, target.end)
    if target.kind == targets.SETTING:
        return _hover_setting(project, target)
    return None


def hover_name(project: ProjectModel, facts: FileFacts, text: str, offset: int) -> HoverText | None:
    """A model's field, relation or manager named in code (`price = ...` in the model,
    `Book.objects`, `self.price`, `book.price`; see model_hover.py), else None."""
    found = model_hover.model_member_at(project, facts, text, offset)
    if found is None:
        return None
    model, name, start, end = found
    field = model.field(name)
    if field is not None:
        return HoverText(_field_doc(model, field), start, end)
    if name in model.managers:
        default = " (the default manager)" if model.default_manager == name else ""
        table = f"\n\nTable: `{model.db_table}`" if model.db_table else ""
        return HoverText(f"**{model.name}.{name}** · manager of `{model.label}`{default}{table}", start, end)
    relation = model.reverse_relation(name)
    if relation is None:
        return None
    return HoverText(f"**{model.name}.{relation.accessor or name}** · {lookups.reverse_summary(relation)}\n\n"
                     f"Queries: `{relation.name}__…`", start, end)


def _hover_path(project: ProjectModel, target: Target) -> HoverText | None:
    if target.source is None:
        return None
    resolution = lookups.resolve(project, target.source, target.text, target.mode)
    step = resolution.step_at(target.cursor - target.start)
    if step is None:
        return None
    start, end = target.start + step.segment.start, target.start + step.segment.end
    before = target.text[: step.segment.start].rstrip("_")
    if step.kind in (lookups.FIELD, lookups.RELATION) and step.field is not None:
        return HoverText(_field_doc(step.model, step.field), start, end)
    if step.kind == lookups.REVERSE and step.reverse is not None:
        relation = step.reverse
        accessor = f"\n\nOn instances: `{step.model.model_name}.{relation.accessor}`" if relation.accessor else ""
        return HoverText(f"**{step.model.name}.{relation.name}** · {lookups.reverse_summary(relation)}"
                         f"{accessor}", start, end)
    if step.kind == lookups.LOOKUP:
        kind = step.kind_after or "relation"
        return HoverText(f"**lookup** `{step.segment.name}` on `{before}` ({kind}) — {step.meaning}", start, end)
    if step.kind == lookups.TRANSFORM:
        return HoverText(f"**transform** `{step.segment.name}` of `{before}` (→ {step.kind_after}) — {step.meaning}",
                         start, end)
    if step.kind == lookups.ANNOTATION:
        return HoverText(f"**annotation** `{step.segment.name}` of this queryset", start, end)
    return None


def _field_doc(model: ModelInfo | None, found: FieldInfo) -> str:
    owner = model.name if model is not None else "?"
    head = f"**{owner}.{found.name}** · `{lookups.field_summary(found)}`"
    options = [f"{name}={_value_text(value)}" for name, value in found.options.items()
               if name not in ("to", "verbose_name", "help_text")][:_MAX_OPTIONS]
    lines = [head]
    if options:
        lines.append("`" + ", ".join(options) + "`")
    if found.column and found.concrete:
        lines.append(f"Column: `{found.column}`")
    if found.related_model and found.reverse_accessor:
        lines.append(f"Reverse: `{found.related_model}` → `{found.reverse_accessor}` "
                     f"(queries: `{found.related_query_name}`)")
    if model is not None and found.declared_in != model.qualname:
        lines.append(f"Declared in `{found.declared_in}`")
    return "\n\n".join(lines)


def _value_text(value: Value) -> str:
    match value:
        case Const(value=inner):
            shown = shown_text(inner) if isinstance(inner, str) else inner
            text = shown if shown == HIDDEN else repr(shown)
            return text if len(text) <= 40 else text[:37] + "…"
        case Ref(name=name):
            return name.rpartition(".")[2] if "." in name else name
        case Call(func=func):
            return f"{func.rpartition('.')[2]}(…)"
    return "…"


def _route_doc(route: Route, title: bool = False) -> str:
    arguments = ", ".join(route.params) if route.params else ("none" if route.params is not None else "unknown")
    view = f"\n\nView: `{route.view}`" if route.view else ""
    head = f"**{route.name}** → `/{route.route}`" if title else f"`/{route.route}`"
    return f"{head}\n\nArguments: {arguments}{view}"


def _hover_setting(project: ProjectModel, target: Target) -> HoverText | None:
    found = settings.definitions(project, target.text)
    if not found:
        return None
    lines = [f"**setting** `{target.text}`"]
    for definition in found:
        value = definition.value
        origin = "Django default" if value.statement_index < 0 else f"`{definition.module}`"
        if value.statement_index < 0 and definition.module != value.module:
            origin = f"`{definition.module}` (Django default)"
        lines.append(f"- {origin}: `{settings.shown(target.text, value)}`")
    return HoverText("\n".join(lines), target.start, target.end)


# -- definition ------------------------------------------------------------------------------------


def definition(project: ProjectModel, target: Target) -> list[Place]:
    if target.kind == targets.PATH:
        return _define_path(project, target)
    if target.kind == targets.URL:
        # Where the name is defined: its `path()` (the view is one jump further, and the
        # hover names it), so a unique name jumps instead of offering a choice of two.
        places = []
        for route in url_index(project).find(target.text)[:3]:
            found = route_span(project, route)
            place = Place(*found) if found is not None else _view_place(project, route.view)
            if place is not None and place not in places:
                places.append(place)
        return places
    if target.kind == targets.TEMPLATE:
        path = template_index(project).find(target.text)
        return [Place(path, Span.of(0, 0, 0, 0))] if path is not None else []
    if target.kind == targets.SETTING:
        places, seen = [], set()
        for found in settings.definitions(project, target.text):
            located = settings.location(project, found)
            if located is not None and located not in seen:
                seen.add(located)
                places.append(Place(Path(located[0]), located[1]))
        return places
    return []


def _define_path(project: ProjectModel, target: Target) -> list[Place]:
    if target.source is None:
        return []
    resolution = lookups.resolve(project, target.source, target.text, target.mode)
    step = resolution.step_at(target.cursor - target.start)
    if step is None:
        return []
    found = step.field if step.field is not None else (step.reverse.forward if step.reverse is not None else None)
    if found is None:
        return []
    place = field_place(project, found)
    return [place] if place is not None else []


def field_place(project: ProjectModel, found: FieldInfo) -> Place | None:
    path = project.path_of(found.module)
    span = project.locations_of(found.module).get(found.location_key)
    return Place(Path(path), span) if path is not None and span is not None else None


def _view_place(project: ProjectModel, view: str | None) -> Place | None:
    if not view:
        return None
    ref = project.classes.resolve(view)
    if ref is not None:
        path = project.path_of(ref.module)
        span = project.locations_of(ref.module).get(ref.name)
        return Place(Path(path), span) if path and span else None
    module, _, name = view.rpartition(".")
    facts = project.facts.get(module)
    if facts is not None and any(f.name == name for f in facts.functions):
        path, span = project.path_of(module), project.locations_of(module).get(name)
        return Place(Path(path), span) if path and span else None
    return None

