"""Checked span replacement, line insertion and deletion, and string literal writing for the fixes computed from the ast."""

from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import delete_line, insert_lines, quote_of, replace_checked, string_literal


def source(text: str) -> FixSource:
    return FixSource("x.py", text, None)


def test_span_replacement_is_checked_and_literals_are_quoted():
    text = source("x = f(a)\n")
    assert replace_checked(text, (0, 4, 0, 8), "f(a)", "g(a)") == "x = g(a)\n"
    assert replace_checked(text, (0, 4, 0, 8), "f(b)", "g(a)") is None
    assert string_literal('it\'s "%s"\n', '"') == '"it\'s \\"%s\\"\\n"'
    assert string_literal("a\nb", '"""') == '"""a\nb"""'
    assert quote_of("f'x'") == "'" and quote_of('rb"x"') is None and quote_of('"""x"""') == '"""'


def test_a_form_feed_does_not_move_an_insertion():
    text = "import os\n\x0c\nclass A:\n    x = 1\n"
    assert insert_lines(text, 4, "\n    def f(self):\n        pass\n", previous="    x = 1") == \
        "import os\n\x0c\nclass A:\n    x = 1\n\n    def f(self):\n        pass\n"


def test_an_edited_file_refuses_the_insertion_and_the_deletion():
    text = "a = [\n    'x',\n    'y',\n]\n"
    assert insert_lines(text, 2, "z\n", previous="    'changed',") is None
    assert delete_line(text, 1, "    'changed',") is None
    assert delete_line(text, 1, "    'x',") == "a = [\n    'y',\n]\n"
    assert insert_lines(text, 4, "b = 1\n") == text + "b = 1\n"
