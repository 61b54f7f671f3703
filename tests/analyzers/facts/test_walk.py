"""Tree walks as lists (analyzers/facts/walk.py)."""

from __future__ import annotations

import ast
import textwrap

from django_expert.analyzers.facts.walk import breadth_first

SOURCE = textwrap.dedent("""
    import os

    class Shelf:
        def books(self, request):
            rows = [b for b in self.rows if b.visible]
            return render(request, "shelf.html", {"rows": rows, "n": len(rows) + 1})
""")


def test_breadth_first_visits_what_ast_walk_visits_in_its_order():
    tree = ast.parse(SOURCE)
    assert breadth_first([tree]) == list(ast.walk(tree))


def test_a_stop_node_is_listed_without_its_children():
    tree = ast.parse(SOURCE)
    cls = tree.body[1]
    found = breadth_first([tree], stop=(ast.FunctionDef,))
    assert cls.body[0] in found
    assert not any(isinstance(n, (ast.Return, ast.ListComp)) for n in found)
