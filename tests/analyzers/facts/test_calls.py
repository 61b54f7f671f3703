"""The call index (analyzers/facts/calls.py): the calls of each scope of a file, in the
order the rules read them, found in one walk."""

from __future__ import annotations

import ast
import textwrap

from django_expert.analyzers.facts.calls import call_index

SOURCE = textwrap.dedent("""
    import os
    setup(a(), b=c())

    @register(kind())
    def view(request, limit=default_limit(), *, page: Page = first_page()) -> annotated():
        import json
        rows = load(request.GET.get("q"))
        def inner(x=inner_default()):
            return helper(x)
        total = sum(r.price for r in rows if r.ok(check()))
        return render(lambda: in_lambda(), total)

    @decorate()
    class Report(make_base()):
        from json import dumps
        title = label()

        def build(self):
            return self.rows().count()
""")


def _names(calls: list[ast.Call]) -> list[str]:
    return [ast.unparse(c.func) for c in calls]


def test_each_scope_has_its_calls_in_source_order():
    tree = ast.parse(SOURCE)
    index = call_index(tree)
    module, view, inner, build = index.scopes
    assert (view.function.name, inner.function.name, build.function.name) == ("view", "inner", "build")
    assert (view.owner, inner.owner, build.owner.name) == (None, None, "Report")
    # a function's decorators and defaults belong to the enclosing scope, after its body
    # (the last written first); annotations and class bases are not read; a class body
    # stays in the enclosing scope
    assert _names(module.calls) == ["setup", "a", "c", "first_page", "default_limit", "register", "kind",
                                    "decorate", "label"]
    assert _names(view.calls) == ["load", "request.GET.get", "inner_default", "sum", "r.ok", "check", "render",
                                  "in_lambda"]
    assert _names(inner.calls) == ["helper"]
    assert _names(build.calls) == ["self.rows().count", "self.rows"]
    assert [s.function for s in index.functions()] == [view.function, inner.function, build.function]


def test_imports_inside_functions_and_classes_are_kept():
    index = call_index(ast.parse(SOURCE))
    assert [ast.unparse(i) for i in index.nested_imports] == ["import json", "from json import dumps"]


def test_the_index_is_built_once_per_tree():
    tree = ast.parse(SOURCE)
    assert call_index(tree) is call_index(tree)
