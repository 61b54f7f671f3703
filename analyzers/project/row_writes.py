"""Rows a loop writes: the models whose rows the code run per row saves, deletes, updates or
creates, itself or in the model methods and functions it calls.

`select_related()` and `prefetch_related()` load their rows once, before the loop. Rows of a
model the loop writes are then stale for every row after the write: taiga's kanban move
saved each story, then judged its sprint on `milestone.user_stories.all()`, which a prefetch
would have served as loaded before the first save (the sprint no longer closed). So no
loader of a written model is a behaviour-preserving fix (DJE501 leaves those out). Rows
only created (`create()`, `get_or_create()`, `bulk_create()`) change no row loaded before:
they are missing only from a prefetched collection, not from a joined foreign key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.chains import GUARD, OFF, QUERY_METHODS
from django_expert.analyzers.project.querysets import Hop, method_reads, relation
from django_expert.analyzers.project.summaries import method_summary, queries_through, switched_query
from django_expert.analyzers.project.templates import ITERATE

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

INSTANCE_WRITES = frozenset({"save", "delete"})
# Called on a manager or queryset (a related manager included: `row.tags.add(t)`).
MANAGER_WRITES = frozenset({"create", "get_or_create", "update_or_create", "update", "delete", "bulk_create",
                            "bulk_update", "add", "remove", "clear", "set"})
CREATES = frozenset({"create", "get_or_create", "bulk_create"})
_ONE_ROW = frozenset({"get", "first", "last", "latest", "earliest"})
_METHOD_DEPTH = 3


@dataclass
class Writes:
    """Labels of the models whose existing rows a loop changes (saved, updated, deleted, moved
    in or out of a relation), and of those it only adds rows to."""

    changed: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)

    def add(self, label: str, method: str) -> None:
        (self.added if method in CREATES else self.changed).add(label)

    def __bool__(self) -> bool:
        return bool(self.changed or self.added)

    def stale(self, reached: list[tuple[str, bool]]) -> bool:
        """Whether a lookup reaching these (model, single hop) would load rows the loop writes:
        changed rows through any hop, added ones into a prefetched collection."""
        return any(label in self.changed or label in self.added and not single for label, single in reached)


def chain_writes(project: ProjectModel, model: ModelInfo, chains: Iterable[tuple[str, ...]], found: Writes) -> None:
    """Adds to `found` the models the `chains` read from an instance of `model` write:
    `row.save()` ("save",), `row.milestone.save()`, `row.tags.add(t)`, `row.lines.filter(...).update()`,
    and the same inside a model method a chain calls (`row.close()` saving `self`)."""
    for chain in chains:
        _walk(project, model, chain, found, 0)


def _walk(project: ProjectModel, model: ModelInfo, chain: tuple[str, ...], found: Writes, depth: int) -> None:
    manager = False  # the chain so far is a related manager or queryset of `model`
    for segment in chain:
        if segment.startswith((GUARD, OFF)):
            continue  # written only in some calls: still written
        if manager:
            if segment in MANAGER_WRITES:
                found.add(model.label, segment)
                return
            if segment in QUERY_METHODS and segment not in _ONE_ROW:
                continue
            manager = False  # its rows: iterated, one fetched, or an attribute read on each
            if segment == ITERATE or segment in _ONE_ROW:
                continue
        if segment in INSTANCE_WRITES:
            found.add(model.label, segment)
            overridden = method_summary(project, model.qualname, segment)
            if overridden is not None:  # what the model's own save()/delete() writes besides (taiga's RolePoints)
                query_writes(project, overridden[0], found)
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


def query_writes(project: ProjectModel, qualname: str, found: Writes) -> None:
    """Adds to `found` the models a call of `qualname` writes through a manager, itself or in
    the functions it calls (`UserStory.objects.filter(...).update(...)`)."""
    for query, _ in queries_through(project, qualname):
        manager, _, method = switched_query(query)[1].rpartition(".")
        model = project.model(manager.rpartition(".")[0]) if method in MANAGER_WRITES else None
        if model is not None:
            found.add(model.label, method)


def reached_models(project: ProjectModel, model: ModelInfo, hops: tuple[Hop, ...]) -> list[tuple[str, bool]]:
    """(label, single hop) of the models a lookup path from `model` loads, one per hop."""
    found: list[tuple[str, bool]] = []
    for hop in hops:
        target = relation(project, model, hop.attr)
        if target is None or target[1] is None:
            break
        model = target[1]
        found.append((model.label, target[0].single))
    return found
