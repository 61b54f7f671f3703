"""Queryset flow inside the checked file (analyzers/project/query_source.py): the scope walk
every flow rule shares."""

from __future__ import annotations

import ast
import textwrap

from django_expert.analyzers.project.query_source import loops, walk_scope

SOURCE = textwrap.dedent("""
    def view(request, rows):
        total = 0
        for row in rows:
            total += row.price
        names = [r.name for r in rows if r.visible]
        def helper():
            return hidden_in_helper()
        class Inner:
            hidden_in_class = 1
        sort = lambda r: hidden_in_lambda(r)
        return total, names, sort
""")


def _names(nodes) -> list[str]:
    return [n.id for n in nodes if isinstance(n, ast.Name)]


def test_walk_scope_is_breadth_first_and_stays_out_of_nested_scopes():
    function = ast.parse(SOURCE).body[0]
    nodes = walk_scope(function)
    assert _names(nodes) == ["total", "row", "rows", "names", "sort", "total", "total", "names", "sort",
                             "row", "r", "r", "rows", "r"]
    assert not {"hidden_in_helper", "hidden_in_class", "hidden_in_lambda"} & set(_names(nodes))
    assert [type(n).__name__ for n in nodes[:8]] == [
        "arguments", "Assign", "For", "Assign", "FunctionDef", "ClassDef", "Assign", "Return"]


def test_walk_scope_walks_each_node_once():
    """The flow rules ask for the same function's nodes many times: they are kept."""
    function = ast.parse(SOURCE).body[0]
    loop = function.body[1]
    assert walk_scope(function) is walk_scope(function)
    assert walk_scope(loop) is walk_scope(loop)
    assert walk_scope(loop) != walk_scope(function)


def test_loops_are_the_row_loops_of_the_function_found_once():
    function = ast.parse(textwrap.dedent("""
        def view(rows, groups):
            for row in rows:
                print(row)
            for first in rows:
                return first
            names = {g.pk: g for g in groups}
    """)).body[0]
    found = loops(function)
    assert [(type(loop).__name__, target, ast.unparse(iterable)) for loop, target, iterable in found] == [
        ("For", "row", "rows"), ("DictComp", "g", "groups")]
    assert loops(function) is found
