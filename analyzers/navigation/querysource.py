"""The model a lookup path is resolved against: the rows of a queryset expression
(`Order.objects`, a custom manager or QuerySet method, a related manager, `self.get_queryset()`
of a view, a local variable), of a model class (its Meta), of an admin or a view.

Built on `analyzers/project/querysets.Flow`; what it cannot follow gives None, and callers
stay silent. `certain` is False when the queryset may carry names nobody can list
(annotations from a manager that cannot be read): then the first segment is not judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Call, Ref, Value
from django_expert.analyzers.navigation import calls
from django_expert.analyzers.navigation.lookups import Source
from django_expert.analyzers.project.querysets import Flow, Rows

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import ClassFact, FileFacts
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo


def rows_source(rows: Rows | None, extra: frozenset[str] = frozenset(), open_names: bool = False) -> Source | None:
    if rows is None:
        return None
    return Source(rows.model, rows.loads.annotations | extra, open_names or not rows.loads.certain)


def receiver_source(flow: Flow, receiver: Value | None, line: int = 1 << 30) -> Source | None:
    """The source of the queryset a method is called on. A chain the flow cannot follow
    to the end (a custom method it cannot read) still names its model, with open names."""
    if receiver is None:
        return None
    rows = flow.rows(receiver, line)
    if rows is not None:
        return rows_source(rows, _annotations(receiver)) if rows.many else None
    inner = receiver
    while isinstance(inner, Call):  # drop the calls the flow cannot follow, from the end
        inner = inner.receiver if inner.func.startswith(".") else (
            Ref(inner.func.rpartition(".")[0]) if "." in inner.func else None)
        if inner is None:
            return None
        rows = flow.rows(inner, line)
        if rows is not None and rows.many:
            return Source(rows.model, rows.loads.annotations | _annotations(inner), True)
    return None


def _annotations(value: Value | None) -> frozenset[str]:
    """Names `annotate()`/`alias()` add along a chain (the flow keeps only certain ones)."""
    names: set[str] = set()
    while isinstance(value, Call):
        method = value.func.rpartition(".")[2]
        if method in ("annotate", "alias"):
            names.update(k for k, _ in value.kwargs if k != "**")
        value = value.receiver if value.func.startswith(".") else None
    return frozenset(names)


def split_method(call: Call) -> tuple[Value | None, str]:
    """(receiver, method) of `qs.filter(...)`: the receiver as a Value."""
    if call.func.startswith("."):
        return call.receiver, call.func[1:]
    head, _, method = call.func.rpartition(".")
    return (Ref(head) if head else None), method


def class_source(project: ProjectModel, facts: FileFacts, names: list[str]) -> tuple[str, Source] | None:
    """For a class body (`names`: the class and its enclosing classes, innermost first):
    ("meta" | "admin" | "view", the source its attributes' paths refer to)."""
    if not names:
        return None
    module = facts.module
    if names[0] == "Meta" and len(names) > 1:
        model = project.model(f"{module}.{names[1]}")
        return ("meta", Source(model)) if model is not None else None
    qualname = f"{module}.{names[0]}"
    fact = facts.class_(names[0])
    if fact is None:
        return None
    mro = project.mro(qualname)
    if any(base in mro for base in calls.ADMIN_BASES):
        model = admin_model(project, facts, fact, qualname)
        return ("admin", Source(model)) if model is not None else None
    if any(base in mro for base in calls.VIEW_BASES):
        rows = Flow(project, module, qualname).method_rows(qualname, "get_queryset")
        source = rows_source(rows)
        return ("view", source) if source is not None else None
    return None


def admin_model(project: ProjectModel, facts: FileFacts, fact: ClassFact, qualname: str) -> ModelInfo | None:
    """The model an admin is registered for; an inline's `model = ...`."""
    from django_expert.analyzers.project.admin_display import admin_model as registered

    model = fact.attr("model")
    if isinstance(model, Ref):
        return project.model(model.name, facts.module)
    return registered(project, facts, fact, qualname)
