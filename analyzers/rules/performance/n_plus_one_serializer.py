"""DJE502 n-plus-one-serializer

## What it does
Finds DRF list endpoints (a view or viewset with `ListModelMixin`, or a serializer called
with `many=True` on a queryset) whose serializer reads, for each object, a relation the
queryset does not load: a nested serializer, `source="author.name"`, a
`SerializerMethodField` whose `get_<name>` reads `obj.<relation>` (itself or in a helper
it passes `obj` to), a `StringRelatedField` or `SlugRelatedField`, a many-to-many or
reverse relation in `Meta.fields`, or `depth`. When `get_serializer_class()` chooses among
serializers at runtime, only the relations every candidate reads are reported.
A foreign key rendered as a primary key (`PrimaryKeyRelatedField`) reads `author_id` only
and is not reported. The finding is on the view's queryset, where the fix goes, and points
at the serializer field that reads the relation.

## Why is this bad?
A list endpoint serializing 50 objects then runs one query per object and relation: 101
queries instead of 2 or 3. Serializer fields hide the access, so the problem is seldom
seen in review, and it grows with page size and data.

## Example
```python
class BookSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Book
        fields = ["id", "title", "author", "tags"]


class BookViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
```

## Use instead
```python
class BookViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.select_related("author").prefetch_related("tags")
    serializer_class = BookSerializer
```

## References
- https://www.django-rest-framework.org/api-guide/relations/
- https://www.django-rest-framework.org/api-guide/generic-views/#get_querysetself
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import Ref
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import fix_lookups
from django_expert.analyzers.project.query_source import (
    defines_any,
    fix_target,
    is_test_module,
    parent_view,
    rooted_at_super,
    source_flows,
    walk_scope,
)
from django_expert.analyzers.project.querysets import (
    ITERATE,
    fix_plan,
    loader_text,
    plan,
    relation_names,
    trustworthy,
    unloaded,
)
from django_expert.analyzers.project.serializer_reads import BASE_SERIALIZER, serializer_reads
from django_expert.analyzers.rules.registry import fixer, rule

GENERIC_VIEW = "rest_framework.generics.GenericAPIView"
LIST_MIXIN = "rest_framework.mixins.ListModelMixin"


@rule("DJE502", "n-plus-one-serializer", tier="recommended", fix=Applicability.SAFE, triggers=("serializer", "Serializer"))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative):
        return
    flows = source_flows(ctx)
    for cls, qualname in ctx.classes_here(LIST_MIXIN):
        node = flows.class_node(cls.name)
        case = _class_case(ctx, flows, qualname)
        if node is None or case is None:
            continue
        origin, at = flows.view_origin(node)
        judged = _judge(ctx, *case)
        if judged is None or _reported_on_parent(ctx, flows, cls, qualname, origin, case, judged[0]):
            continue
        yield _report(ctx, case, origin, at, cls.name, cls.name, *judged)
    for owner in flows.query_functions:
        flow = flows.flow(owner.function, owner.qualname)
        for call in walk_scope(owner.function):
            serializer = _many_serializer_call(ctx, flows, call)
            if serializer is None:
                continue
            case = (serializer, flow.rows(flows.values(call.args[0]), call.lineno))
            judged = _judge(ctx, *case)
            if judged is not None:
                origin = flows.origin(owner.function, call.args[0], call.lineno)
                label = f"{owner.cls.name}.{owner.function.name}" if owner.cls else owner.function.name
                yield _report(ctx, case, origin, origin, label, "", *judged)


def _class_case(ctx, flows, qualname: str):
    """(serializers, rows) of a DRF view that lists with its own `list()`: one serializer,
    or every candidate a `get_serializer_class()` chooses among at runtime (see `_judge`)."""
    if not ctx.project.is_subclass(qualname, GENERIC_VIEW) or _overrides_list(ctx.project, qualname):
        return None
    serializers = _serializer_classes(ctx.project, qualname)
    return (serializers, flows.view_rows(qualname)) if serializers else None


def _reported_on_parent(ctx, flows, cls, qualname, origin, case, needs) -> bool:
    """A subclass that inherits its queryset (or refines `super().get_queryset()`) and its
    serializer from a view reported the same way: the parent's finding covers it."""
    parent = parent_view(ctx.project, qualname, LIST_MIXIN)
    if parent is None or defines_any(cls, ("serializer_class", "get_serializer_class")):
        return False
    if defines_any(cls, ("queryset", "get_queryset")) and not rooted_at_super(origin):
        return False
    parent_case = _class_case(ctx, flows, parent)
    judged = _judge(ctx, *parent_case) if parent_case is not None and parent_case[0] == case[0] else None
    return judged is not None and {n.path for n in judged[0]} == {n.path for n in needs}


def _judge(ctx, serializers, rows):
    """(needs, reads) when the serializer reads relations of `rows` that are not loaded;
    for several candidates (chosen at runtime), the relations every one of them fetches
    per row, with the first candidate's reads."""
    if not trustworthy(rows) or not rows.many:
        return None
    judged = []
    for serializer in (serializers,) if isinstance(serializers, str) else serializers:
        reads = serializer_reads(ctx.project, serializer)
        if not reads:
            return None
        needs = unloaded(ctx.project, rows, [(ITERATE, *r.chain) for r in reads])
        if not needs:
            return None
        judged.append((needs, reads))
    common = set.intersection(*({n.path for n in needs} for needs, _ in judged))
    needs, reads = judged[0]
    needs = [n for n in needs if n.path in common]
    return (needs, reads) if needs else None


def _report(ctx, case, origin, at, view: str, cls_name: str, needs, reads):
    serializers, rows = case
    names = (serializers,) if isinstance(serializers, str) else serializers
    shown = " or ".join(f"`{n.rpartition('.')[2]}`" for n in names) + (
        " (chosen by `get_serializer_class()`)" if len(names) > 1 else "")
    fixing = fix_plan(rows, needs) if origin is not None else None
    select, prefetch = fixing if fixing else ([], [])
    first = reads[needs[0].index]
    related = [ctx.related(r.module, r.key, f"`{r.label}` reads it for every object")
               for r in dict.fromkeys(reads[n.index] for n in needs)]
    return ctx.report(
        at,
        f"N+1 queries: {shown} reads {relation_names(needs)} for every "
        f"`{rows.model.name}` it lists (`{first.label}`), but the queryset of `{view}` does not "
        f"{loader_text(*(fixing or plan(needs)))}: one query per object",
        fix_title=f"Add {loader_text(select, prefetch)} to the queryset" if fixing else "",
        fix_data=(fix_target(ctx, origin, cls_name), tuple(select), tuple(prefetch)),
        related=tuple(r for r in related if r is not None),
    )


def _serializer_classes(project, view: str) -> tuple[str, ...]:
    """The serializer a view lists with: `serializer_class`, or what `get_serializer_class()`
    returns — every class its returns name, when it chooses at runtime (its summary); () when
    any return is not a serializer class the analyser knows."""
    for qualname in project.mro(view):
        ref = project.resolve_class(qualname)
        if ref is None:
            continue
        method = ref.fact.method("get_serializer_class")
        if method is not None:
            values = (method.returns,) if method.returns is not None else _returned(project, ref.qualname)
        else:
            values = (ref.fact.attr("serializer_class"),) if ref.fact.attr("serializer_class") is not None else ()
            if not values:
                continue
        names = tuple(dict.fromkeys(v.name for v in values if isinstance(v, Ref)))
        if not values or not all(isinstance(v, Ref) for v in values) or not all(
                project.is_subclass(n, BASE_SERIALIZER) for n in names):
            return ()
        return names
    return ()


def _returned(project, cls: str) -> tuple:
    from django_expert.analyzers.project.summaries import method_summary

    found = method_summary(project, cls, "get_serializer_class")
    return found[1].returns if found is not None and not found[1].names else ()


def _overrides_list(project, view: str) -> bool:
    for qualname in project.mro(view):
        ref = project.resolve_class(qualname)
        if ref is not None and (ref.fact.method("list") or ref.fact.method("get")):
            return True
    return False


def _many_serializer_call(ctx, flows, node) -> str | None:
    """`BookSerializer(queryset, many=True)`: the serializer's qualified name."""
    if not isinstance(node, ast.Call) or not node.args or not any(
            k.arg == "many" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords):
        return None
    value = flows.values(node.func)
    if isinstance(value, Ref) and ctx.project.is_subclass(value.name, BASE_SERIALIZER):
        return value.name
    return None


@fixer("DJE502")
def fix(source, finding):
    return fix_lookups(source, finding)
