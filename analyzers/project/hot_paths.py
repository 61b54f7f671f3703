"""Code that runs on every request, every signal or every row, and the columns it looks rows
up by: views (function views and the methods of view classes) with the project functions
they call, signal receivers (`@receiver(...)`) with theirs, four calls deep through the
summaries, and the loops of management commands' `handle()`. A lookup identifies a row
(`.get()`, `.first()`, `.exists()`, `get_object_or_404`), or filters inside a loop; a
set-wide `.filter(...).update()` / `.count()` run once is left out. DJE507 asks it which
fields need an index beyond a view's `lookup_field`.

Only what summaries say is followed (`Summary.lookups`): an unknown call adds nothing.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, NamedTuple

from django_expert.analyzers.facts.values import Call, Ref
from django_expert.analyzers.project.query_source import is_test_module
from django_expert.analyzers.project.summaries import MAX_DEPTH, callee_summary, function_summary

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

VIEW = "django.views.View"
COMMAND = "django.core.management.base.BaseCommand"
RECEIVERS = frozenset({"django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})


class HotLookup(NamedTuple):
    """`function` filters `model` rows by `field` (exactly), `when` ("request", "signal",
    "command loop") it runs; `others`: the other fields the same query filters by."""

    model: str
    field: str
    others: tuple[str, ...]
    function: str
    when: str


def hot_lookups(project: ProjectModel) -> tuple[HotLookup, ...]:
    """Every such lookup of the project, once per (model, field, function)."""
    return project.memo(_hot_lookups)


def _hot_lookups(project: ProjectModel) -> tuple[HotLookup, ...]:
    found: dict[tuple[str, str, str], HotLookup] = {}
    for entry, when in _entry_points(project):
        for function, summary in _reached(project, entry, deep=when != "command loop"):
            for lookup in summary.lookups:
                manager, fields, repeated, one = lookup.split("|")
                if not repeated and (when == "command loop" or not one):
                    continue  # once per command run; a set-wide filter (`.count()`, `.update()`) once per request
                model = project.model(manager.rpartition(".")[0])
                if model is None:
                    continue
                names = fields.split(",")
                for name in names:
                    if not name.startswith("~"):
                        others = tuple(n.lstrip("~") for n in names if n != name)
                        found.setdefault((model.qualname, name, function),
                                         HotLookup(model.qualname, name, others, function, when))
    return tuple(sorted(found.values()))


def _entry_points(project: ProjectModel):
    """(qualname, when) of the functions a request, a signal or a command runs first."""
    for ref in project.all_classes():
        if _tests(ref.module):
            continue
        if project.is_subclass(ref.qualname, COMMAND) and ref.fact.method("handle") is not None:
            yield f"{ref.qualname}.handle", "command loop"
        elif project.is_subclass(ref.qualname, VIEW):
            yield from ((f"{ref.qualname}.{m.name}", "request") for m in ref.fact.methods)
    for module, facts in project.facts.items():
        if _tests(module):
            continue
        for function in facts.functions:
            if any(_is_receiver(d) for d in function.decorators):
                yield f"{module}.{function.name}", "signal"
            elif function.params[:1] == ("request",):
                yield f"{module}.{function.name}", "request"


def _is_receiver(decorator) -> bool:
    name = decorator.func if isinstance(decorator, Call) else decorator.name if isinstance(decorator, Ref) else ""
    return name in RECEIVERS


def _tests(module: str) -> bool:
    return is_test_module(module.replace(".", "/") + ".py")


def _reached(project: ProjectModel, entry: str, deep: bool):
    """(qualname, summary) of `entry` and, when `deep`, of the functions it calls (breadth
    first, `MAX_DEPTH` calls deep, each once)."""
    start = function_summary(project, entry)
    if start is None:
        return
    queue = deque([(start[0], start[1], 0)])
    seen = {start[0]}
    while queue:
        qualname, summary, depth = queue.popleft()
        yield qualname, summary
        if not deep or depth >= MAX_DEPTH:
            continue
        for callee in summary.calls:
            target = callee_summary(project, qualname, callee)
            if target is not None and target[0] not in seen:
                seen.add(target[0])
                queue.append((target[0], target[1], depth + 1))
