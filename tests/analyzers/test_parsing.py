"""Files in the syntax of a newer Python are analysed on this one (issue 10, part 5).

Each form of Python 3.12-3.14 syntax gets a test that runs on the interpreter of the test
suite: the facts of the file are extracted and rules report on it, with the lines and
columns of the original text. A real syntax error is still DJE000.
"""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest

from django_expert.analyzers.parsing import TEMPLATE_STRING, parse_module
from tests.analyzers.rules.helpers import engine_for

NEWER = pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses the newer syntax itself")
NEWEST = pytest.mark.skipif(sys.version_info >= (3, 14), reason="this Python parses t-strings and except A, B: itself")


def parse(text: str) -> ast.Module:
    return parse_module(textwrap.dedent(text).lstrip("\n"))


def located(tree: ast.AST, kind: type, **fields) -> list[tuple[int, int, int, int]]:
    """(line, column, end line, end column) of each node of `kind` whose fields match."""
    return [(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset) for n in ast.walk(tree)
            if isinstance(n, kind) and all(getattr(n, k) == v for k, v in fields.items())]


def codes(engine, path) -> list[str]:
    return [finding.code for finding in engine.findings(path)]


# -- the parse: same tree shape, same lines and columns ------------------------------------------


def test_the_running_grammar_parses_as_before():
    text = 'x = f"{a!r:>{width}}"\n'
    assert ast.dump(parse_module(text), include_attributes=True) == ast.dump(ast.parse(text), include_attributes=True)


@NEWER
def test_type_parameters_on_several_lines_keep_every_line():
    tree = parse('''
        class Box[
            T: int,  # a comment in the brackets

            U = str,
        ](Base):
            size = 1
        def first[T](items: list[T]) -> T:
            return items[0]
    ''')
    assert located(tree, ast.Name, id="Base") == [(5, 2, 5, 6)]
    assert located(tree, ast.Name, id="size") == [(6, 4, 6, 8)]
    assert located(tree, ast.Name, id="items") == [(8, 11, 8, 16)]
    assert [node.name for node in tree.body] == ["Box", "first"]


@NEWER
def test_a_type_alias_is_an_assignment_whose_value_keeps_its_columns():
    tree = parse('''
        type Pair[T] = tuple[T, T]
        class Meta:
            type Ids = list[int]
    ''')
    alias, meta = tree.body
    assert isinstance(alias, ast.Assign) and alias.targets[0].id == "Pair"
    assert located(alias.value, ast.Subscript) == [(1, 15, 1, 26)]
    assert meta.body[0].targets[0].id == "Ids" and located(meta.body[0].value, ast.Name, id="list") == [(3, 15, 3, 19)]


@NEWER
def test_a_pep_701_f_string_is_a_joined_string_with_its_expressions_where_they_are():
    tree = parse('''
        label = f"{names["a"]} é {"\\n".join(rows)} {value!r:>{width}}"
        multi = f"{
            total  # the sum
        }"
        nested = f"{f"{f"{deep}"}"}"
    ''')
    label, multi, nested = (statement.value for statement in tree.body)
    # the locations Python 3.13 gives: columns in UTF-8 bytes ("é" is two)
    assert isinstance(label, ast.JoinedStr) and (label.col_offset, label.end_col_offset) == (8, 63)
    assert located(label, ast.Subscript) == [(1, 11, 1, 21)]
    assert located(label, ast.Name, id="rows") == [(1, 37, 1, 41)]
    assert located(label, ast.Name, id="width") == [(1, 55, 1, 60)]
    assert [type(part).__name__ for part in label.values] == ["FormattedValue", "Constant", "FormattedValue",
                                                              "Constant", "FormattedValue"]
    assert label.values[1].value == " é " and label.values[4].conversion == ord("r")
    assert located(multi, ast.Name, id="total") == [(3, 4, 3, 9)]
    assert located(nested, ast.Name, id="deep") == [(5, 18, 5, 22)]


@NEWER
def test_implicit_concatenation_and_debug_expressions_are_rebuilt_as_python_does():
    tree = parse('''
        text = ("a{{b}}"
                f"{x["k"]=}" r"\\d")
    ''')
    [value] = [statement.value for statement in tree.body]
    assert [getattr(part, "value", None) for part in value.values[:1]] == ['a{{b}}x["k"]=']
    assert value.values[1].conversion == ord("r") and value.values[2].value == "\\d"


@NEWEST
def test_a_template_string_is_a_call_holding_its_parts():
    [statement] = parse('page = t"<p>{name}</p>"\n').body
    call = statement.value
    assert isinstance(call, ast.Call) and call.func.id == TEMPLATE_STRING
    assert [ast.unparse(argument) for argument in call.args] == ["'<p>'", "name", "'</p>'"]


@NEWEST
def test_except_without_parentheses_keeps_the_types_where_they_are():
    tree = parse('''
        try:
            pass
        except ValueError, TypeError:
            pass
    ''')
    handler = tree.body[0].handlers[0]
    assert [element.id for element in handler.type.elts] == ["ValueError", "TypeError"]
    assert located(handler, ast.Name, id="ValueError") == [(3, 7, 3, 17)]


@pytest.mark.parametrize("text", ["x = (\n", "class A[](B):\n    pass\n", 'f"{x!}"\n', "def f(:\n    pass\n"])
def test_a_real_syntax_error_is_raised_as_the_running_grammar_reports_it(text):
    with pytest.raises(SyntaxError) as raised:
        parse_module(text)
    with pytest.raises(SyntaxError) as expected:
        ast.parse(text)
    assert (raised.value.msg, raised.value.lineno, raised.value.offset) == (
        expected.value.msg, expected.value.lineno, expected.value.offset)


@NEWER
def test_only_the_statements_the_running_grammar_refuses_go_through_libcst(monkeypatch):
    from django_expert.analyzers import parsing

    lowered = []
    real = parsing._lowered
    monkeypatch.setattr(parsing, "_lowered", lambda text, filename: lowered.append(text) or real(text, filename))
    tree = parse('''
        import os

        HELP = """
        a docstring whose lines
        sit at column 0
        """


        def plain():
            return os.sep


        @decorated
        def modern[T](value: T) -> T:
            return f"{value["key"]}"


        class Later:
            pass
    ''')
    assert [type(node).__name__ for node in tree.body] == ["Import", "Assign", "FunctionDef", "FunctionDef", "ClassDef"]
    assert lowered == ['@decorated\ndef modern[T](value: T) -> T:\n    return f"{value["key"]}"\n\n\n']
    assert tree.body[4].lineno == 18
    lowered.clear()
    with pytest.raises(SyntaxError):
        parse_module("def broken(:\n    pass\n" + "x = 1\n" * 100)
    assert lowered == [], "a real error on a line with no newer syntax never reaches libcst"


@NEWER
def test_a_real_error_after_newer_syntax_is_reported_where_it_is():
    with pytest.raises(SyntaxError) as raised:
        parse('''
            type Ids = list[int]


            def broken(:
                pass
        ''')
    assert raised.value.lineno == 4


# -- the engine: facts extracted, rules reporting ---------------------------------------------


@NEWER
def test_a_model_with_type_parameters_is_still_a_model_with_its_fields(tmp_path):
    engine, root = engine_for(tmp_path, {"app/models.py": """
        from django.db import models

        type Label = str


        class Box[T: models.Model = models.Model](models.Model):
            name = models.CharField(max_length=20, null=True)
            owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)

            def __str__(self):
                return self.name

            def first[U](self, items: list[U]) -> U:
                return items[0]
    """})
    path = root / "app/models.py"
    assert codes(engine, path) == ["DJE201"]  # null=True on a CharField, and no DJE000
    box = engine.project_for(path).model("app.Box")
    assert box is not None and [field.name for field in box.fields][-2:] == ["name", "owner"]
    [finding] = engine.findings(path)
    assert (finding.span.start.line, finding.span.start.column) == (6, 4)  # 0-based lines


@NEWER
def test_a_view_with_a_pep_701_f_string_in_raw_sql_gets_its_security_finding(tmp_path):
    engine, root = engine_for(tmp_path, {
        "app/models.py": """
            from django.db import models


            class Item(models.Model):
                name = models.CharField(max_length=20)

                def __str__(self):
                    return self.name
        """,
        "app/views.py": """
            from django.http import JsonResponse

            from .models import Item


            def search(request):
                rows = Item.objects.raw(f"SELECT * FROM app_item WHERE name = '{request.GET["q"]}'")
                note = f"{"\\n".join(row.name for row in rows)}"  # a backslash between the braces
                return JsonResponse({"names": note})
        """,
    })
    path = root / "app/views.py"
    [finding] = engine.findings(path)
    assert finding.code == "DJE407"
    assert (finding.span.start.line, finding.span.start.column) == (6, 11)


@NEWER
@pytest.mark.parametrize("form", [
    "def helper[T](value: T) -> T:\n    return value\n",
    "type Pair[T = int] = tuple[T, T]\n",
    'LABEL = f"{ {"a": 1}["a"] # a comment\n}"\n',
    'PAGE = t"<p>{1}</p>"\n',
    "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
])
def test_each_newer_form_is_analysed_not_reported(tmp_path, form):
    engine, root = engine_for(tmp_path, {"app/models.py": """
        from django.db import models


        class Tag(models.Model):
            name = models.CharField(max_length=10, null=True)
    """ + "\n\n" + textwrap.indent(form, "        ")})
    path = root / "app/models.py"
    assert "DJE000" not in codes(engine, path)
    assert "DJE201" in codes(engine, path)
    assert engine.project_for(path).model("app.Tag") is not None


def test_a_real_syntax_error_is_still_dje000(tmp_path):
    engine, root = engine_for(tmp_path, {"app/models.py": "class Box[T](object:\n    pass\n"})
    [problem] = engine.findings(root / "app/models.py")
    assert problem.code == "DJE000" and problem.severity.value == "error"
    assert problem.message.startswith("syntax error")


def test_a_syntax_error_is_placed_in_the_text_parsed_not_in_the_file_on_disk(tmp_path):
    """CPython reads the error's line back from a file of that name: an unsaved buffer's
    error got the column of the line on disk (issue 16)."""
    disk = tmp_path / "views.py"
    disk.write_text("import os\n\n\né\n", encoding="utf-8")
    with pytest.raises(SyntaxError) as raised:
        parse_module("import os\n\ndef f():\n    x = = 1\n", str(disk))
    error = raised.value
    assert (error.lineno, error.offset, error.text, error.filename) == (4, 9, "    x = = 1\n", str(disk))
