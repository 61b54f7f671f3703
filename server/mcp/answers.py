"""The project model's answers as JSON: a model's fields, relations and managers, and a view's
or function's query plan. Everything is asked of `analyzers/project/` (`ModelInfo`, the
summaries' `queries_through`, the queryset `Flow`, `serializer_reads`); this module only
picks and names what an agent needs, positions as 1-based lines relative to the project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_expert.analyzers.navigation.lookups import field_summary, reverse_summary

if TYPE_CHECKING:
    from django_expert.analyzers.project.models import FieldInfo, ModelInfo
    from django_expert.server.mcp.workspace import Project


def place(project: Project, module: str, key: str) -> dict | None:
    """{"path", "line"} of a Locations key of a module of the project."""
    model = project.model
    path = model.path_of(module)
    span = model.locations_of(module).get(key)
    if path is None or span is None:
        return None
    return {"path": project.relative(path), "line": span.start.line + 1}


def model_answer(project: Project, info: ModelInfo) -> dict:
    local = info.qualname[len(info.module) + 1:]
    return {
        "label": info.label, "qualname": info.qualname, "defined_at": place(project, info.module, local),
        "abstract": info.abstract, "proxy": info.proxy, "installed": info.installed, "swapped_for": info.swapped,
        "db_table": info.db_table, "pk": info.pk, "ordering": list(info.ordering) if info.ordering is not None else None,
        "parents": list(info.concrete_parents), "abstract_bases": list(info.abstract_bases),
        "managers": list(info.managers), "default_manager": info.default_manager,
        "fields": [_field(project, info, f) for f in info.fields if not f.hidden],
        "reverse_relations": [{"name": r.name, "accessor": r.accessor, "from_model": r.related_model,
                               "field": r.field, "kind": reverse_summary(r)}
                              for r in info.reverse_relations() if not r.hidden],
    }


def _field(project: Project, info: ModelInfo, found: FieldInfo) -> dict:
    item = {"name": found.name, "type": field_summary(found), "class": found.field_class,
            "null": found.null, "blank": found.blank, "unique": found.unique, "primary_key": found.primary_key,
            "db_index": found.db_index}
    if found.is_relation:
        item.update({"related_model": found.related_model, "on_delete": found.on_delete,
                     "reverse_accessor": found.reverse_accessor, "related_query_name": found.related_query_name})
    if found.declared_in != info.qualname:
        item["declared_in"] = found.declared_in
    if not found.auto_created:
        item["defined_at"] = place(project, found.module, found.location_key)
    return item


# -- query plans -------------------------------------------------------------------------------------


def query_plan(project: Project, target: str, view_methods: tuple[str, ...]) -> dict | None:
    """For a class (a view) or a function: the ORM queries each method runs (through the
    functions it calls), the rows its `get_queryset()` yields and what they load, what its
    serializer reads from each row, and the performance findings inside it. None when
    `target` names nothing the project defines."""
    from django_expert.analyzers.project import summaries

    model = project.model
    ref = model.resolve_class(target)
    if ref is not None:
        methods = {}
        for method in view_methods:
            found = summaries.method_summary(model, ref.qualname, method)
            if found is not None:
                methods[method] = _queries(summaries.queries_through(model, found[0]))
        answer = {"target": ref.qualname, "kind": "class", "defined_at": place(project, ref.module, ref.name),
                  "methods": methods, "rows": _rows(model, ref.module, ref.qualname),
                  "serializer_reads": _serializer_reads(project, ref.qualname)}
        return {**answer, "findings": _performance_findings(project, ref.module, ref.name)}
    found = summaries.function_summary(model, target)
    if found is None:
        return None
    qualname, summary = found
    module, local = summaries.split_qualname(model, qualname) or (qualname.rpartition(".")[0], qualname)
    return {"target": qualname, "kind": "function", "defined_at": place(project, module, local),
            "queries": _queries(summaries.queries_through(model, qualname)),
            "reads": {param: ["__".join(chain) for chain in summary.reads_of(param)] for param in summary.params
                      if summary.reads_of(param)},
            "findings": _performance_findings(project, module, local)}


def _queries(queries) -> list[dict]:
    return [{"query": query, "in": via} for query, via in queries]


def _rows(model, module: str, qualname: str) -> dict | None:
    from django_expert.analyzers.project.querysets import Flow

    try:
        rows = Flow(model, module, qualname).method_rows(qualname, "get_queryset")
    except (RecursionError, ValueError):
        rows = None
    if rows is None:
        return None
    loads = rows.loads
    return {"model": rows.model.label, "many": rows.many, "loads": sorted(loads.loaded),
            "select_related_all": loads.select_all, "annotations": sorted(loads.annotations),
            "values": loads.values, "deferred": loads.deferred, "certain": loads.certain}


def _serializer_reads(project: Project, qualname: str) -> dict | None:
    from django_expert.analyzers.project.serializer_reads import serializer_reads

    serializer = _serializer_of(project, qualname)
    if serializer is None:
        return None
    reads = serializer_reads(project.model, serializer)
    return {"serializer": serializer,
            "reads": None if reads is None else sorted({".".join(read.chain) for read in reads})}


def _serializer_of(project: Project, qualname: str) -> str | None:
    from django_expert.analyzers.facts.values import Ref

    model = project.model
    for name in model.mro(qualname):
        ref = model.resolve_class(name)
        value = ref.fact.attr("serializer_class") if ref is not None else None
        if isinstance(value, Ref):
            target = model.resolve_class(value.name)
            return target.qualname if target is not None else value.name
    return None


def _performance_findings(project: Project, module: str, local: str) -> list[dict]:
    """The engine's performance findings inside the definition (what the rules already know
    of its per-row queries)."""
    from django_expert.analyzers.findings import Category

    model = project.model
    path = model.path_of(module)
    span = model.locations_of(module).get(local)
    if path is None or span is None:
        return []
    return [{"code": f.code, "message": f.message, "line": f.span.start.line + 1}
            for f in project.engine.findings(path)
            if f.category is Category.PERFORMANCE and span.start.line <= f.span.start.line <= span.end.line]
