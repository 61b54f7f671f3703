"""Intraprocedural taint: what carries request data, what is constant; call index; names."""

import ast
import textwrap

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.taint import Taint, built_parts, definitions, module_constants
from django_expert.analyzers.source import LineIndex

SOURCE = """
    import os
    from django.utils.safestring import mark_safe as safe

    LIMIT = 10


    def view(request, slug):
        term = request.GET.get("q", "").strip()
        header = request.META["HTTP_X_NAME"]
        address = request.META["REMOTE_ADDR"]
        number = int(request.GET["n"])
        joined = ", ".join(request.POST.getlist("ids"))
        label = f"{LIMIT} items"
        user = request.user.username
        for key in request.GET:
            pass
        query = "SELECT " + term
        query += slug
        return safe(query)


    class Detail:
        def get(self, request, pk):
            import subprocess as sp

            token = self.request.COOKIES["t"]
            return sp.run(pk)

        def helper(self, request, obj):
            return obj.name
"""


def parse():
    text = textwrap.dedent(SOURCE)
    tree = ast.parse(text)
    facts, _ = extract(tree, "shop.views", False, LineIndex(text))
    return tree, facts


def taint_of(tree, facts, name):
    names = Names(facts, tree)
    scope = next(s for s in call_index(tree).functions() if s.function.name == name)
    return Taint(scope.function, names.qualify, scope.owner, module_constants(tree), "shop.views")


def test_request_data_flows_through_locals_and_string_operations():
    tree, facts = parse()
    taint = taint_of(tree, facts, "view")
    assert {"term", "header", "joined", "key", "query", "slug"} <= taint.untrusted_names
    assert not {"address", "number", "label", "user"} & taint.untrusted_names
    assert taint.constant(ast.parse("LIMIT").body[0].value)
    assert taint.constant(ast.parse('f"{LIMIT} items"').body[0].value)
    assert not taint.constant(ast.parse("term").body[0].value)


def test_handler_methods_take_url_parameters_and_helpers_do_not():
    tree, facts = parse()
    assert {"pk", "token"} <= taint_of(tree, facts, "get").untrusted_names
    assert "obj" not in taint_of(tree, facts, "helper").untrusted_names


def test_built_strings_and_definitions():
    tree, facts = parse()
    taint = taint_of(tree, facts, "view")
    query = ast.Name("query", ast.Load())
    values = definitions(taint, query)
    assert len(values) == 2
    parts = [ast.unparse(p) for v in values for p in built_parts(v)]
    assert parts == ["term", "query", "slug"]
    assert built_parts(ast.parse("'a %s b' % (x, y)").body[0].value)[0].id == "x"
    assert built_parts(ast.parse("x.lower()").body[0].value) is None


def test_call_index_and_names_follow_imports_inside_functions():
    tree, facts = parse()
    index = call_index(tree)
    assert [s.function.name for s in index.functions()] == ["view", "get", "helper"]
    assert call_index(tree) is index
    names = Names(facts, tree)
    get = next(s for s in index.functions() if s.function.name == "get")
    assert [names.call(c) for c in get.calls] == ["subprocess.run"]
    view = next(s for s in index.functions() if s.function.name == "view")
    assert "django.utils.safestring.mark_safe" in [names.call(c) for c in view.calls]
    assert names.qualify("os.system") == "os.system"
