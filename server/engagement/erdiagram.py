"""The models of a project as Mermaid `erDiagram` text (OUTPUT_CONVENTIONS.md section 4.4).

Entities are `<app_label>_<Model>` for the project's installed, concrete models; models of
Django or libraries appear only as the targets of relations. Attributes list the primary
key, the foreign keys and the fields a finding mentions. Relations:

    Target ||--o{ Source : "field"          foreign key
    Target |o--o{ Source : "field"          nullable foreign key
    Target ||--|| Source : "field"          one-to-one (parent links included)
    Source }o--o{ Target : "field"          many-to-many ("field (through app_Model)")

Abstract models are left out; proxies are listed under the diagram. Foreign keys most
models carry for bookkeeping (`created_by`, `workspace`, ... or one declared in an abstract
base) are collapsed into a note once COLLAPSE_MIN models have the same one: drawn, they hide
the domain's own relations. Past MAX_MODELS models there is one diagram per app, and a
diagram longer than MAX_CHARS (Mermaid refuses text over 50,000 characters by default) is
cut in parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_MODELS = 40
MAX_CHARS = 45_000  # under Mermaid's default maxTextSize (50,000), with room for the fence
COLLAPSE_MIN = 3
AUDIT_FIELDS = frozenset({"created_by", "updated_by", "modified_by", "deleted_by", "changed_by", "last_modified_by",
                          "last_updated_by", "creator", "author_user", "workspace", "organization", "organisation",
                          "tenant", "company", "site"})
_NOT_WORD = re.compile(r"[^A-Za-z0-9_]")


def entity_name(label: str) -> str:
    """`catalog.Product` -> `catalog_Product` (ASCII letters, digits and `_` only)."""
    app_label, _, name = label.rpartition(".")
    text = _NOT_WORD.sub("_", f"{app_label}_{name}" if app_label else name)
    return text if text[:1].isalpha() or text[:1] == "_" else f"m_{text}"


def _word(text: str) -> str:
    text = _NOT_WORD.sub("_", text or "field")
    return text if text[:1].isalpha() or text[:1] == "_" else f"f_{text}"


def _comment(text: str) -> str:
    return " ".join(text.replace('"', "'").split())


@dataclass
class Attribute:
    type: str
    name: str
    keys: tuple[str, ...] = ()  # PK, FK, UK
    comment: str = ""

    def line(self) -> str:
        parts = [_word(self.type), _word(self.name)]
        if self.keys:
            parts.append(",".join(self.keys))
        if self.comment:
            parts.append(f'"{_comment(self.comment)}"')
        return " ".join(parts)


@dataclass
class Entity:
    label: str
    app_label: str
    project: bool  # a model of the project (else a target from Django or a library)
    attributes: list[Attribute] = field(default_factory=list)

    @property
    def name(self) -> str:
        return entity_name(self.label)


@dataclass
class Relation:
    left: str  # label
    cardinality: str  # "||--o{", ...
    right: str  # label
    label: str
    kind: str  # fk | nullable-fk | one-to-one | m2m | parent-link
    field: str
    source: str  # label of the model declaring the field

    def line(self) -> str:
        return f'{entity_name(self.left)} {self.cardinality} {entity_name(self.right)} : "{_comment(self.label)}"'


@dataclass(frozen=True)
class Collapsed:
    """Foreign keys left out of the diagram: one name (or one set of names) to one target."""

    fields: tuple[str, ...]
    target: str
    count: int  # models that have one
    why: str

    def to_dict(self) -> dict:
        return {"fields": list(self.fields), "to": self.target, "count": self.count, "why": self.why}


@dataclass
class ModelGraph:
    entities: dict[str, Entity]
    relations: list[Relation]
    proxies: list[tuple[str, str]]  # (proxy label, concrete label)
    abstract: list[str]
    collapsed: list[Collapsed] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "entities": [{"entity": e.name, "label": e.label, "project": e.project,
                          "attributes": [{"type": a.type, "name": a.name, "keys": list(a.keys), "comment": a.comment}
                                         for a in e.attributes]} for e in self.entities.values()],
            "relations": [{"from": r.left, "to": r.right, "cardinality": r.cardinality, "label": r.label,
                           "kind": r.kind, "field": r.field, "declared_in": r.source} for r in self.relations],
            "proxies": [{"proxy": p, "of": c} for p, c in self.proxies],
            "abstract": self.abstract,
            "collapsed": [c.to_dict() for c in self.collapsed],
        }


def build_graph(models, is_project_model, mentioned: set[tuple[str, str]] | None = None) -> ModelGraph:
    """The graph of `models` (ModelInfo); `is_project_model(info)` says which belong to the
    project; `mentioned` holds (model label, field name) pairs findings point at."""
    mentioned = mentioned or set()
    by_label = {m.label: m for m in models}
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []
    proxies: list[tuple[str, str]] = []
    abstract: list[str] = []
    project_models = [m for m in models if is_project_model(m)]
    skipped, collapsed = _bookkeeping(project_models)

    def target_entity(label: str) -> None:
        if label in entities:
            return
        info = by_label.get(label)
        app_label = label.rpartition(".")[0]
        entity = Entity(label, app_label, project=False)
        pk = info.field(info.pk) if info is not None and info.pk else None
        if pk is not None:
            entity.attributes.append(Attribute(pk.kind, pk.name, ("PK",)))
        entities[label] = entity

    for info in project_models:
        if info.abstract:
            abstract.append(info.label)
            continue
        if not info.registered:
            continue
        if info.proxy:
            proxies.append((info.label, info.concrete_model or info.proxy_for or "?"))
            continue
        entity = Entity(info.label, info.app_label, project=True)
        entities[info.label] = entity
        for f in info.fields:
            if f.defined_in != info.label or (info.label, f.name) in skipped:
                continue
            keys: list[str] = []
            if f.primary_key or f.name == info.pk:
                keys.append("PK")
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.concrete:
                keys.append("FK")
            if f.unique and not f.primary_key and "PK" not in keys:
                keys.append("UK")
            if ("PK" in keys or "FK" in keys or (info.label, f.name) in mentioned) and not f.many_to_many:
                comment = ""
                if "FK" in keys and f.related_model:
                    comment = f"to {f.related_model}" + (", null" if f.null else "")
                if (info.label, f.name) in mentioned:
                    comment = (comment + "; " if comment else "") + "see findings"
                name = f.attname if "FK" in keys and f.attname else f.name
                entity.attributes.append(Attribute(f.kind, name, tuple(keys), comment))

    for info in project_models:
        if info.label not in entities:
            continue
        for f in info.fields:
            if f.defined_in != info.label or not f.is_relation or not f.related_model or (info.label, f.name) in skipped:
                continue
            if f.kind == "GenericForeignKey" or f.one_to_many or (f.auto_created and not f.parent_link):
                continue
            target = f.related_model
            if target not in entities:
                target_info = by_label.get(target)
                if target_info is not None and target_info.proxy and target_info.concrete_model:
                    target = target_info.concrete_model
                target_entity(target)
            if f.many_to_many:
                label = f.name
                if f.through and not f.through_auto_created:
                    label += f" (through {entity_name(f.through)})"
                relations.append(Relation(info.label, "}o--o{", target, label, "m2m", f.name, info.label))
            elif f.one_to_one:
                kind = "parent-link" if f.parent_link else "one-to-one"
                label = f.name + (" (parent link)" if f.parent_link else "")
                relations.append(Relation(target, "||--||", info.label, label, kind, f.name, info.label))
            elif f.many_to_one:
                cardinality = "|o--o{" if f.null else "||--o{"
                kind = "nullable-fk" if f.null else "fk"
                relations.append(Relation(target, cardinality, info.label, f.name, kind, f.name, info.label))
    return ModelGraph(entities, relations, proxies, abstract, collapsed)


def _bookkeeping(project_models) -> tuple[set[tuple[str, str]], list[Collapsed]]:
    """The (model label, field) foreign keys to leave out, and the notes that say so: a
    foreign key named like an audit or tenant column, or declared in an abstract base, that
    COLLAPSE_MIN or more models have with the same name and target."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    reasons: dict[tuple[str, str], set[str]] = {}
    for info in project_models:
        if info.abstract or info.proxy or not info.registered:
            continue
        own = info.qualname
        for f in info.fields:
            if f.defined_in != info.label or not (f.many_to_one or f.one_to_one) or f.parent_link or not f.related_model:
                continue
            inherited = bool(f.declared_in) and f.declared_in != own
            if f.name in AUDIT_FIELDS or inherited:
                key = (f.name, f.related_model)
                groups.setdefault(key, []).append((info.label, f.name))
                reasons.setdefault(key, set()).add("inherited from an abstract base" if inherited else
                                                   "an audit or tenant column")
    skipped: set[tuple[str, str]] = set()
    by_target: dict[tuple[str, str], list[str]] = {}
    counts: dict[tuple[str, str], set[str]] = {}
    for (name, target), members in groups.items():
        if len(members) < COLLAPSE_MIN:
            continue
        skipped.update(members)
        why = " and ".join(sorted(reasons[(name, target)]))
        by_target.setdefault((target, why), []).append(name)
        counts.setdefault((target, why), set()).update(label for label, _ in members)
    notes = [Collapsed(tuple(sorted(names)), target, len(counts[(target, why)]), why)
             for (target, why), names in sorted(by_target.items())]
    return skipped, notes


def render(graph: ModelGraph) -> list[tuple[str | None, str]]:
    """The diagram(s) as (app label or None, Mermaid text) pairs: one diagram, or one per app
    past MAX_MODELS project models."""
    project_entities = [e for e in graph.entities.values() if e.project]
    if not graph.entities:
        return []
    whole = _diagram(list(graph.entities.values()), graph.relations)
    if len(project_entities) <= MAX_MODELS and len(whole) <= MAX_CHARS:
        return [(None, whole)]
    out = []
    for app in sorted({e.app_label for e in project_entities}):
        own = [e.label for e in project_entities if e.app_label == app]
        out.extend(_fitted(graph, app, own))
    return out


def _fitted(graph: ModelGraph, name: str, own: list[str]) -> list[tuple[str, str]]:
    """The diagram of the models `own` (and the targets of their relations), cut in halves
    until each part is under MAX_CHARS."""
    text = _part(graph, own)
    if len(text) <= MAX_CHARS or len(own) == 1:
        return [(name, text)]
    middle = len(own) // 2
    first, second = _fitted(graph, name, own[:middle]), _fitted(graph, name, own[middle:])
    parts = first + second
    return [(f"{name} (part {i} of {len(parts)})", text) for i, (_, text) in enumerate(parts, 1)]


def _part(graph: ModelGraph, own: list[str]) -> str:
    mine = set(own)
    relations = [r for r in graph.relations if r.source in mine]
    labels = mine | {r.left for r in relations} | {r.right for r in relations}
    return _diagram([graph.entities[label] for label in graph.entities if label in labels], relations)


def _diagram(entities: list[Entity], relations: list[Relation]) -> str:
    lines = ["erDiagram"]
    for entity in entities:
        if entity.attributes:
            lines.append(f"    {entity.name} {{")
            lines.extend(f"        {attribute.line()}" for attribute in entity.attributes)
            lines.append("    }")
        else:
            lines.append(f"    {entity.name}")
    lines.extend(f"    {relation.line()}" for relation in relations)
    return "\n".join(lines) + "\n"
