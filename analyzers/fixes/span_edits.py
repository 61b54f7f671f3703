"""Fixes that replace one expression whose new text the rule already worked out from the ast.

The rule stores the expression's span, its text when checked and the replacement in the
finding's `fix_data`; the fixer replaces the span only if the file still holds the same
text there (the user may have edited it since), so a stale fix never lands.
"""

from __future__ import annotations

from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.source import LineIndex, Position


def replace_checked(source: FixSource, span: tuple[int, int, int, int], expected: str, new: str) -> str | None:
    """The text with `span` (0-based line, code-point column, end line, end column) replaced
    by `new`, or None when the text there is no longer `expected`."""
    index = LineIndex(source.text)
    line, column, end_line, end_column = span
    if end_line > index.line_count:
        return None
    start, end = index.offset(Position(line, column)), index.offset(Position(end_line, end_column))
    if source.text[start:end] != expected:
        return None
    return source.text[:start] + new + source.text[end:]


def string_literal(text: str, quote: str) -> str:
    """`text` as a Python string literal written with `quote` (`"`, `'`, `\"\"\"` or `'''`)."""
    escaped = text.replace("\\", "\\\\")
    if len(quote) == 3:
        escaped = escaped.replace(quote, "\\" + quote[0] * 3)
        if escaped.endswith(quote[0]):
            escaped = escaped[:-1] + "\\" + quote[0]
    else:
        escaped = escaped.replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f"{quote}{escaped}{quote}"


def quote_of(segment: str) -> str | None:
    """The quote a string literal's source opens with (`"`, `'''`, ...); None for raw strings,
    whose backslashes `string_literal` would not keep."""
    import re

    match = re.match(r"^([a-zA-Z]*)('''|\"\"\"|'|\")", segment)
    if match is None or "r" in match.group(1).lower():
        return None
    return match.group(2)
