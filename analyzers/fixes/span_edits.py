"""Fixes that replace one expression whose new text the rule already worked out from the ast.

The rule stores the expression's span, its text when checked and the replacement in the
finding's `fix_data`; the fixer replaces the span only if the file still holds the same
text there (the user may have edited it since), so a stale fix never lands. The same holds
for whole lines a fix inserts (a method after a class, an import) or deletes (a list entry).
"""

from __future__ import annotations

from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.source import LineIndex, Position, split_lines


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


def insert_lines(text: str, line: int, new: str, previous: str | None = None) -> str | None:
    """`text` with `new` inserted where 0-based `line` starts (at the end past the last line),
    lines numbered as ast and LSP number them (`str.splitlines` also breaks on a form feed:
    an insertion would land lines too early). With `previous`, the line before must still
    read so, or None: the user edited the file since."""
    lines = split_lines(text)
    if line > len(lines) or previous is not None and (line == 0 or lines[line - 1].rstrip("\r\n") != previous):
        return None
    return "".join(lines[:line]) + new + "".join(lines[line:])


def delete_line(text: str, line: int, expected: str) -> str | None:
    """`text` without its 0-based `line`, if that line still reads `expected`."""
    lines = split_lines(text)
    if line >= len(lines) or lines[line].rstrip("\r\n") != expected.rstrip("\r\n"):
        return None
    return "".join(lines[:line] + lines[line + 1:])
