"""Rows a loop writes: the models whose rows the code run per row saves, deletes, updates or
creates, itself or in the model methods and functions it calls.

`select_related()` and `prefetch_related()` load their rows once, before the loop. Rows of a
model the loop writes are then stale for every row after the write: taiga's kanban move
saved each story, then judged its sprint on `milestone.user_stories.all()`, which a prefetch
would have served as loaded before the first save (the sprint no longer closed). So no
loader of a written model is a behaviour-preserving fix (DJE501 leaves those out).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.chains import GUARD, OFF, QUERY_METHODS
from django_expert.analyzers.project.querysets import Hop, method_reads, relation
from django_expert.analyzers.project.summaries import queries_through, switched_query
from django_expert.analyzers.project.templates import ITERATE

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

INSTANCE_WRITES = frozenset({"save", "delete"})
# Called on a manager or queryset (a related manager included: `row.tags.add(t)`).
MANAGER_WRITES = frozenset({"create", "get_or_create", "update_or_create", "update", "delete", "bulk_create",
                            "bulk_update", "add", "remove", "clear", "set"})
_ONE_ROW = frozenset({"get", "first", "last", "latest", "earliest"})
_METHOD_DEPTH = 3


def chain_writes(project: ProjectModel, model: ModelInfo, chains: Iterable[tuple[str, ...]]) -> set[str]:
    """Labels of the models the `chains` read from an instance of `model` write:
    `row.save()` ("save",), `row.milestone.save()`, `row.tags.add(t)`, `row.lines.filter(...).update()`,
    and the same inside a model method a chain calls (`row.close()` saving `self`)."""
    found: set[str] = set()
    for chain in chains:
        _walk(project, model, chain, found, 0)
    return found


def _walk(project: ProjectModel, model: ModelInfo, chain: tuple[str, ...], found: set[str], depth: int) -> None:
    manager = False  # the chain so far is a related manager or queryset of `model`
    for segment in chain:
        if segment.startswith((GUARD, OFF)):
            continue  # written only in some calls: still written
        if manager:
            if segment in MANAGER_WRITES:
                found.add(model.label)
                return
            if segment in QUERY_METHODS and segment not in _ONE_ROW:
                continue
            manager = False  # its rows: iterated, one fetched, or an attribute read on each
            if segment == ITERATE or segment in _ONE_ROW:
                continue
        if segment in INSTANCE_WRITES:
            found.add(model.label)
            return
        if segment == ITERATE:
            continue
        hop = relation(project, model, segment)
        if hop is None:
            if depth < _METHOD_DEPTH:  # a model method or property: what it writes on the instance
                for inner, _ in method_reads(project, model, segment):
                    _walk(project, model, inner, found, depth + 1)
            return
        if hop[1] is None:
            return
        model, manager = hop[1], not hop[0].single


def query_writes(project: ProjectModel, qualname: str) -> set[str]:
    """Labels of the models a call of `qualname` writes through a manager, itself or in the
    functions it calls (`UserStory.objects.filter(...).update(...)`)."""
    found: set[str] = set()
    for query, _ in queries_through(project, qualname):
        manager, _, method = switched_query(query)[1].rpartition(".")
        model = project.model(manager.rpartition(".")[0]) if method in MANAGER_WRITES else None
        if model is not None:
            found.add(model.label)
    return found


def reached_models(project: ProjectModel, model: ModelInfo, hops: tuple[Hop, ...]) -> set[str]:
    """Labels of the models a lookup path from `model` loads, one per hop."""
    found: set[str] = set()
    for hop in hops:
        target = relation(project, model, hop.attr)
        if target is None or target[1] is None:
            break
        model = target[1]
        found.add(model.label)
    return found
