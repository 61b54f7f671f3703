"""Checked span replacement and string literal writing for the fixes computed from the ast."""

from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import quote_of, replace_checked, string_literal


def source(text: str) -> FixSource:
    return FixSource("x.py", text, None)


def test_span_replacement_is_checked_and_literals_are_quoted():
    text = source("x = f(a)\n")
    assert replace_checked(text, (0, 4, 0, 8), "f(a)", "g(a)") == "x = g(a)\n"
    assert replace_checked(text, (0, 4, 0, 8), "f(b)", "g(a)") is None
    assert string_literal('it\'s "%s"\n', '"') == '"it\'s \\"%s\\"\\n"'
    assert string_literal("a\nb", '"""') == '"""a\nb"""'
    assert quote_of("f'x'") == "'" and quote_of('rb"x"') is None and quote_of('"""x"""') == '"""'
