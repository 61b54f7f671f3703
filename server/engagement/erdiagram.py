"""The models of a project as Mermaid `erDiagram` text (OUTPUT_CONVENTIONS.md section 4.4).

Entities are `<app_label>_<Model>` for the project's installed, concrete models; models of
Django or libraries appear only as the targets of relations. Attributes list the primary
key, the foreign keys and the fields a finding mentions. Relations:

    Target ||--o{ Source : "field"          foreign key
    Target |o--o{ Source : "field"          nullable foreign key
    Target ||--|| Source : "field"          one-to-one (parent links included)
    Source }o--o{ Target : "field"          many-to-many ("field (through app_Model)")

Abstract models are left out; proxies are listed under the diagram. Past MAX_MODELS models
there is one diagram per app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_MODELS = 40
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


@dataclass
class ModelGraph:
    entities: dict[str, Entity]
    relations: list[Relation]
    proxies: list[tuple[str, str]]  # (proxy label, concrete label)
    abstract: list[str]

    def to_dict(self) -> dict:
        return {
            "entities": [{"entity": e.name, "label": e.label, "project": e.project,
                          "attributes": [{"type": a.type, "name": a.name, "keys": list(a.keys), "comment": a.comment}
                                         for a in e.attributes]} for e in self.entities.values()],
            "relations": [{"from": r.left, "to": r.right, "cardinality": r.cardinality, "label": r.label,
                           "kind": r.kind, "field": r.field, "declared_in": r.source} for r in self.relations],
            "proxies": [{"proxy": p, "of": c} for p, c in self.proxies],
            "abstract": self.abstract,
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
            if f.defined_in != info.label:
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
            if f.defined_in != info.label or not f.is_relation or not f.related_model:
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
    return ModelGraph(entities, relations, proxies, abstract)


def render(graph: ModelGraph) -> list[tuple[str | None, str]]:
    """The diagram(s) as (app label or None, Mermaid text) pairs: one diagram, or one per app
    past MAX_MODELS project models."""
    project_entities = [e for e in graph.entities.values() if e.project]
    if len(project_entities) <= MAX_MODELS:
        return [(None, _diagram(list(graph.entities.values()), graph.relations))] if graph.entities else []
    out = []
    for app in sorted({e.app_label for e in project_entities}):
        own = {e.label for e in project_entities if e.app_label == app}
        relations = [r for r in graph.relations if r.source in own]
        labels = own | {r.left for r in relations} | {r.right for r in relations}
        entities = [graph.entities[label] for label in graph.entities if label in labels]
        out.append((app, _diagram(entities, relations)))
    return out


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
