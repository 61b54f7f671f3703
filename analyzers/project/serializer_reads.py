"""What a DRF serializer reads from each instance it serializes, as attribute chains, worked
out from facts the way DRF builds its fields: declared fields with their `source`, nested
serializers, `SerializerMethodField` bodies (`MethodFact.reads`, and what the helpers they
pass `obj` to read, from summaries), related fields (a
primary-key field reads `author_id` only; a many field iterates `.all()`), `depth`, and
the model fields `Meta.fields` lists — built, as `ModelSerializer.build_relational_field`
builds them, with the class's `serializer_related_field` or what an override returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Call, Const, Ref, Seq, Value, string, strings
from django_expert.analyzers.project.drf import canonical_in

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

_DRF = "rest_framework"
BASE_SERIALIZER = f"{_DRF}.serializers.BaseSerializer"
MODEL_SERIALIZER = f"{_DRF}.serializers.ModelSerializer"
HYPERLINKED = f"{_DRF}.serializers.HyperlinkedModelSerializer"
_MAX_NESTING = 4
_KEY_ONLY_FIELDS = frozenset({"PrimaryKeyRelatedField", "HyperlinkedRelatedField"})  # DRF's defaults


@dataclass(frozen=True)
class SerializerRead:
    """A chain read from each serialized instance, and where the serializer asks for it."""

    chain: tuple[str, ...]
    module: str
    key: str  # a Locations key in `module` ("BookSerializer.author", "BookSerializer.get_x")
    label: str  # "BookSerializer.author"


def serializer_reads(project: ProjectModel, serializer: str, depth: int = 0) -> list[SerializerRead] | None:
    """The reads of serializer class `serializer` (qualified), or None when its fields cannot
    be known (a `fields` value that is not a constant, an unreadable base)."""
    if depth > _MAX_NESTING or not project.is_subclass(serializer, BASE_SERIALIZER):
        return None
    declared = _declared(project, serializer)
    if declared is None:
        return None
    reads: list[SerializerRead] = []
    names = list(declared)
    meta_owner, meta = _meta(project, serializer)
    model = None
    if project.is_subclass(serializer, MODEL_SERIALIZER):
        model_ref = meta.get("model") if meta else None
        model = project.model(model_ref.name, meta_owner.rpartition(".")[0]) if isinstance(model_ref, Ref) else None
        if model is None:
            return None
        fields, exclude = meta.get("fields"), meta.get("exclude")
        if fields == Const("__all__") or (fields is None and exclude is not None):
            skip = set(strings(exclude) or ()) if exclude is not None else set()
            if exclude is not None and strings(exclude) is None:
                return None
            columns = [f.name for f in model.fields
                       if f.name not in skip and not f.auto_created and (f.concrete or f.many_to_many)]
            names = list(dict.fromkeys([*declared, *columns]))
        elif strings(fields) is not None:
            names = list(strings(fields))  # type: ignore[arg-type]
        else:
            return None
    for name in names:
        owner, value = declared.get(name, (None, None))
        where = owner or meta_owner or serializer
        module, _, cls = where.rpartition(".")
        key = f"{cls}.{name}" if owner else f"{cls}.Meta.fields"
        if value is not None and _kind(value.func) == "SerializerMethodField":
            found, module, key = _method_field(project, serializer, name, value, module, key)
        elif value is not None:
            found = _declared_reads(project, name, value, depth)
        else:
            found = _model_field_reads(project, serializer, model, name, meta) if model is not None else []
        if found is None:
            return None
        reads += [SerializerRead(chain, module, key, f"{cls}.{name}") for chain in found]
    return reads


def _method_field(project, serializer: str, name: str, call: Call, module: str, key: str):
    """A SerializerMethodField reads what its `get_<name>` method reads from `obj`."""
    method = string(call.kwarg("method_name")) or string(call.args[0] if call.args else None) or f"get_{name}"
    for qualname in project.mro(serializer):
        ref = project.resolve_class(qualname)
        fact = ref.fact.method(method) if ref is not None else None
        if fact is not None:
            own = [tuple(r.split(".")) for r in fact.reads]
            return own + _through_helpers(project, f"{ref.qualname}.{method}", own), ref.module, \
                f"{ref.fact.name}.{method}"
    return [], module, key


def _through_helpers(project, qualname: str, own: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """What the method reads from `obj` in the functions it passes `obj` to (`return
    describe(obj)`), from its summary; its own reads are already in `own`."""
    from django_expert.analyzers.project.summaries import function_summary, reads_through

    found = function_summary(project, qualname)
    if found is None or len(found[1].params) < 2:
        return []
    return [chain for chain, via in reads_through(project, found[0], found[1].params[1])
            if via != found[0] and chain not in own]


def _meta(project: ProjectModel, serializer: str) -> tuple[str | None, dict[str, Value] | None]:
    for qualname in project.mro(serializer):
        ref = project.resolve_class(qualname)
        if ref is not None and ref.fact.meta is not None:
            return ref.qualname, dict(ref.fact.meta)
    return None, None


def _declared(project: ProjectModel, serializer: str) -> dict[str, tuple[str, Call]] | None:
    """Declared fields by name -> (declaring class, call), base classes first."""
    found: dict[str, tuple[str, Call]] = {}
    for qualname in reversed(project.mro(serializer)):
        ref = project.resolve_class(qualname)
        if ref is None:
            if not qualname.startswith(_DRF) and qualname != "object":
                return None  # a base nobody indexed may declare fields
            continue
        for name, value in ref.fact.attrs:
            if isinstance(value, Call) and _is_field(project, value.func):
                found.pop(name, None)
                found[name] = (ref.qualname, value)
    return found


def _is_field(project: ProjectModel, func: str) -> bool:
    return func.startswith(f"{_DRF}.") or project.is_subclass(
        func, BASE_SERIALIZER, f"{_DRF}.fields.Field", f"{_DRF}.relations.RelatedField",
        f"{_DRF}.serializers.RelatedField", f"{_DRF}.serializers.Field") \
        or project.resolve_class(func) is not None and "Field" in func.rpartition(".")[2]


def _kind(func: str) -> str:
    return func.rpartition(".")[2]


def _declared_reads(project, name: str, call: Call, depth: int):
    source = string(call.kwarg("source")) or name
    if source == "*":
        return []
    many = call.kwarg("many") == Const(True)
    chain = tuple(source.split("."))
    kind = _kind(call.func)
    if project.is_subclass(call.func, BASE_SERIALIZER):
        nested = serializer_reads(project, call.func, depth + 1)
        if nested is None:
            return None
        prefix = chain + ("all",) if many else chain
        return [prefix + r.chain for r in nested] or [prefix]
    if kind == "StringRelatedField":
        return [chain + (("all", "__str__") if many else ("__str__",))]
    if kind == "SlugRelatedField":
        slug = string(call.kwarg("slug_field"))
        if slug is None:
            return None
        return [chain + (("all",) if many else ()) + (slug,)]
    own = _representation_reads(project, call.func)
    if own:  # a project RelatedField whose to_representation(value) reads on: `value.owner.name`
        prefix = chain + ("all",) if many else chain
        return [prefix + read for read in own]
    if kind in ("PrimaryKeyRelatedField", "HyperlinkedRelatedField", "HyperlinkedIdentityField"):
        lookup = string(call.kwarg("lookup_field")) or "pk"
        if kind == "HyperlinkedIdentityField":
            return [] if lookup == "pk" else [(lookup,)]
        if many:
            return [chain + ("all",)]
        return [chain[:-1]] if len(chain) > 1 and lookup == "pk" else [] if lookup == "pk" else [chain + (lookup,)]
    return [chain]


def _representation_reads(project, field_class: str) -> list[tuple[str, ...]]:
    """What a project field class's `to_representation(value)` reads from the value (through
    the functions it passes it to); [] for DRF's own fields and unknown classes."""
    from django_expert.analyzers.project.summaries import method_summary, reads_through

    if field_class.startswith(f"{_DRF}.") or project.resolve_class(field_class) is None:
        return []
    found = method_summary(project, field_class, "to_representation")
    if found is None or len(found[1].params) < 2:
        return []
    return [chain for chain, _ in reads_through(project, found[0], found[1].params[1])]


def _model_field_reads(project, serializer: str, model: ModelInfo, name: str, meta):
    field = model.field(name)
    depth_value = meta.get("depth") if meta else None
    depth = depth_value.value if isinstance(depth_value, Const) and isinstance(depth_value.value, int) else 0
    if field is None:
        for rel in model.reverse_relations():
            if rel.accessor == name:
                if rel.one_to_one:
                    return None  # a reverse one-to-one primary key field: not followed
                return _related_field_reads(project, serializer, (name, "all"))
        return [(name,)]  # a property or method: the walk follows what it reads
    if not field.is_relation or field.name != name:
        return [(name,)]
    if field.many_to_many or field.one_to_many:
        return _related_field_reads(project, serializer, (name, "all"))
    if depth > 1:
        return None  # nested several levels deep: not followed
    return [(name,)] if depth == 1 else _related_field_reads(project, serializer, (name,))


def _related_field_reads(project, serializer: str, prefix: tuple[str, ...]):
    """What the field `ModelSerializer` builds for a relation reads per instance (`prefix`
    is the relation, `.all` for a many one): a primary-key or hyperlinked field reads the
    key only (a many one iterates), a StringRelatedField `__str__`, a project field class
    what its `to_representation` reads; None when the class cannot be known."""
    field_class = related_field_class(project, serializer)
    if field_class is None:
        return None
    drf = field_class.startswith(f"{_DRF}.")
    if drf and _kind(field_class) in _KEY_ONLY_FIELDS:
        return [prefix] if prefix[-1] == "all" else []
    if drf and _kind(field_class) == "StringRelatedField":
        return [prefix + ("__str__",)]
    if drf:
        return None  # another DRF class built with the relation's kwargs: not followed
    own = _representation_reads(project, field_class)
    return [prefix + read for read in own] or ([prefix] if prefix[-1] == "all" else [])


def related_field_class(project, serializer: str) -> str | None:
    """The field class `build_relational_field` gives a model relation of `serializer`: an
    override's only `return MyField, kwargs`, else the nearest `serializer_related_field`,
    else DRF's default; None when an override's return cannot be read (several returns, a
    class chosen by a condition)."""
    attribute = None
    for qualname in project.mro(serializer):
        ref = project.resolve_class(qualname)
        if ref is None:
            continue
        method = ref.fact.method("build_relational_field")
        if method is not None and attribute is None:
            returned = method.returns
            if isinstance(returned, Seq) and returned.items and isinstance(returned.items[0], Ref):
                name = returned.items[0].name  # a class, or a local (`field_class` from super()): not followed
                return canonical_in(project, ref.module, name) if "." in name else None
            if not (isinstance(returned, Call) and returned.func == ".build_relational_field"
                    and isinstance(returned.receiver, Call) and returned.receiver.func == "super"):
                return None
        value = ref.fact.attr("serializer_related_field")
        if attribute is None and value is not None:
            if not isinstance(value, Ref):
                return None
            attribute = canonical_in(project, ref.module, value.name)
    if attribute is not None:
        return attribute
    return f"{_DRF}.relations.{'Hyperlinked' if project.is_subclass(serializer, HYPERLINKED) else 'PrimaryKey'}RelatedField"
