"""Reading a migration module's code for the migration rules: names qualified through the
file's imports, and the operations of its `Migration` class as ast nodes, in order."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from django_expert.analyzers.facts.types import FileFacts
from django_expert.analyzers.facts.values import dotted_name
from django_expert.analyzers.project.migrations import migration_graph, operation_kind


def qualify(facts: FileFacts, dotted: str) -> str:
    """`migrations.RunPython` -> `django.db.migrations.RunPython`, through the file's imports."""
    head, _, rest = dotted.partition(".")
    for imported in facts.imports:
        if imported.local == head:
            return f"{imported.target}.{rest}" if rest else imported.target
    return dotted


def migration_class(tree: ast.Module) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None)


def operation_nodes(tree: ast.Module) -> list[ast.expr] | None:
    """The items of `operations = [...]` in the Migration class, or None if it is not a list."""
    cls = migration_class(tree)
    for statement in cls.body if cls is not None else ():
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "operations" for t in statement.targets
        ):
            found = statement.value
            return list(found.elts) if isinstance(found, (ast.List, ast.Tuple)) else None
    return None


def operation_calls(facts: FileFacts, tree: ast.Module) -> Iterator[tuple[ast.Call, str]]:
    """Every call of a Django migration operation in the Migration class (nested ones, e.g.
    inside SeparateDatabaseAndState or a class attribute list, included) with its kind, in
    source order."""
    cls = migration_class(tree)
    if cls is None:
        return
    found = []
    for node in ast.walk(cls):
        if isinstance(node, ast.Call):
            name = dotted_name(node.func)
            kind = operation_kind(qualify(facts, name)) if name else ""
            if kind:
                found.append((node, kind))
    yield from sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))


def history(ctx) -> bool:
    """Whether this migration is history: a squashed migration replaces it, or a later
    migration builds on it (so it is applied wherever that one is)."""
    if ctx.project is None:
        return False
    graph = migration_graph(ctx.project)
    info = graph.by_module.get(ctx.module)
    return info is not None and (info.node in graph.superseded or info.node in graph.built_upon)


def superseded(ctx) -> bool:
    """Whether a squashed migration replaces this one (it is kept only for databases that
    applied part of the squashed range, and is due for deletion)."""
    if ctx.project is None:
        return False
    graph = migration_graph(ctx.project)
    info = graph.by_module.get(ctx.module)
    return info is not None and info.node in graph.superseded
