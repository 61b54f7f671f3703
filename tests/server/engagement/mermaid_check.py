"""A strict validator for the Mermaid `erDiagram` subset the engagement report emits.

The grammar (one statement per line, blank lines allowed, indentation free)::

    diagram      := "erDiagram" NEWLINE statement*
    statement    := entity | entity "{" NEWLINE attribute* "}" | relationship
    entity       := /[A-Za-z_][A-Za-z0-9_]*/
    attribute    := type name [keys] [comment]
    type, name   := /[A-Za-z_][A-Za-z0-9_]*/
    keys         := key ("," key)*            key := "PK" | "FK" | "UK" (no key twice)
    comment      := '"' /[^"]*/ '"'
    relationship := entity left ("--" | "..") right entity ":" label
    left         := "||" | "|o" | "}o" | "}|"    (exactly one, zero or one, zero or more, one or more)
    right        := "||" | "o|" | "o{" | "|{"
    label        := '"' /[^"]*/ '"'

Stricter than Mermaid where it helps: an entity is declared once, every entity a
relationship names is declared, and a block is closed before the next statement.
`parse(text)` returns the entities and relationships or raises `MermaidError` naming
the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
LEFT = ("||", "|o", "}o", "}|")
RIGHT = ("||", "o|", "o{", "|{")
KEYS = ("PK", "FK", "UK")
_ENTITY = re.compile(rf"^({NAME})$")
_BLOCK_START = re.compile(rf"^({NAME})\s*\{{$")
_ATTRIBUTE = re.compile(rf'^({NAME})\s+({NAME})(?:\s+((?:PK|FK|UK)(?:\s*,\s*(?:PK|FK|UK))*))?(?:\s+"([^"]*)")?$')
_RELATION = re.compile(rf'^({NAME})\s+(\S\S)(--|\.\.)(\S\S)\s+({NAME})\s*:\s*"([^"]*)"$')


class MermaidError(ValueError):
    pass


@dataclass
class Attribute:
    type: str
    name: str
    keys: tuple[str, ...]
    comment: str | None


@dataclass
class Relationship:
    left: str
    left_cardinality: str
    identifying: bool
    right_cardinality: str
    right: str
    label: str


@dataclass
class Diagram:
    entities: dict[str, list[Attribute]] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)


def parse(text: str) -> Diagram:
    lines = text.splitlines()
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or lines[index].strip() != "erDiagram":
        raise MermaidError("line 1: a diagram must start with 'erDiagram'")
    diagram = Diagram()
    block: str | None = None
    for number, raw in enumerate(lines[index + 1:], index + 2):
        line = raw.strip()
        if not line:
            continue
        if block is not None:
            if line == "}":
                block = None
                continue
            match = _ATTRIBUTE.match(line)
            if not match:
                raise MermaidError(f"line {number}: not an attribute (`type name [PK,FK,UK] [\"comment\"]`): {line!r}")
            keys = tuple(k.strip() for k in match.group(3).split(",")) if match.group(3) else ()
            if len(set(keys)) != len(keys):
                raise MermaidError(f"line {number}: a key is repeated: {line!r}")
            diagram.entities[block].append(Attribute(match.group(1), match.group(2), keys, match.group(4)))
            continue
        match = _BLOCK_START.match(line)
        if match:
            block = _declare(diagram, match.group(1), number)
            continue
        match = _ENTITY.match(line)
        if match:
            _declare(diagram, match.group(1), number)
            continue
        match = _RELATION.match(line)
        if match:
            left, left_card, connector, right_card, right, label = match.groups()
            if left_card not in LEFT:
                raise MermaidError(f"line {number}: {left_card!r} is not a left cardinality ({', '.join(LEFT)})")
            if right_card not in RIGHT:
                raise MermaidError(f"line {number}: {right_card!r} is not a right cardinality ({', '.join(RIGHT)})")
            diagram.relationships.append(Relationship(left, left_card, connector == "--", right_card, right, label))
            continue
        raise MermaidError(f"line {number}: not an entity, attribute block or relationship: {line!r}")
    if block is not None:
        raise MermaidError(f"entity {block!r}: its attribute block is never closed")
    for relationship in diagram.relationships:
        for name in (relationship.left, relationship.right):
            if name not in diagram.entities:
                raise MermaidError(f"relationship {relationship.label!r} names an undeclared entity {name!r}")
    return diagram


def _declare(diagram: Diagram, name: str, number: int) -> str:
    if name in diagram.entities:
        raise MermaidError(f"line {number}: entity {name!r} is declared twice")
    diagram.entities[name] = []
    return name


def mermaid_blocks(markdown: str) -> list[str]:
    """The bodies of the ```mermaid fenced blocks of a Markdown text."""
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)
