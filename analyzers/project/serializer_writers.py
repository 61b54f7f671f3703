"""Which views validate client data with a serializer: `serializer_class` (or
`get_serializer_class()`) with DRF's create/update or a handler calling `get_serializer()`
(`drf.serializer_views`, `drf.deserializes`), and any handler handing the request's body to
the serializer directly (`facts/request_input.py`): `BoardSerializer(board,
data=request.data, partial=True)` in a `ViewSet`, an `APIView`, or a `ModelViewSet` whose
`serializer_class` is another one (plane's `ProjectViewSet` builds `ProjectSerializer` from
`{**request.data}` while naming `ProjectListSerializer`).

`direct_writers(project, serializer)` lists (view, fields the handler sets itself on
`save()` ("*" among them when unknown), whether it changes an existing object) for each
such handler; what the views' permissions let in is the caller's to judge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import summary_fact

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel


def direct_writers(project: ProjectModel, serializer: str) -> list[tuple[str, frozenset[str], bool]]:
    target = project.classes.canonical(serializer)
    found = []
    for name, view, entry in project.memo(_fed_serializers):
        if name == target:
            fields, _, update = entry.partition("|")
            found.append((view, frozenset(filter(None, fields.split(","))), update == "update"))
    return found


def _fed_serializers(project: ProjectModel) -> tuple[tuple[str, str, str], ...]:
    """(canonical serializer, view, "fields set on save|update") for every handler of a DRF
    view feeding a serializer the request's body."""
    found = set()
    for ref in project.all_classes():
        if not ref.fact.methods or not project.is_subclass(ref.qualname, drf.API_VIEW):
            continue
        for method in ref.fact.methods:
            summary = summary_fact(project, f"{ref.qualname}.{method.name}")
            for entry in summary.fed_request_data if summary is not None else ():
                callee, _, rest = entry.partition("|")
                found.add((project.classes.canonical(callee), ref.qualname, rest))
    return tuple(sorted(found))
