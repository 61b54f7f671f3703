"""Source text: decoding bytes that may not be UTF-8, and positions.

Analyzers speak one position unit: 0-based line, 0-based column counted in code points
(Python `str` indices). `ast` reports UTF-8 byte columns; `LineIndex` converts them. The
server converts code points to UTF-16 or UTF-8 for the client, in one place.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Line breaks as Python's tokenizer and LSP see them (not str.splitlines, which also
# breaks on form feed, U+2028 and friends).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# PEP 263: a coding declaration on one of the first two lines.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source, 0-based lines and code-point columns, end exclusive."""

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(Position(line, column), Position(end_line, end_column))


class DecodeError(ValueError):
    """The bytes are neither valid in their declared encoding nor UTF-8."""


def decode(data: bytes) -> str:
    """Decode source bytes the way Python does: BOM, PEP 263 declaration, else UTF-8.

    Raises DecodeError with a one-line reason; callers keep the file's last good facts.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    encoding = "utf-8"
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.match(line)
        if match:
            encoding = match.group(1).decode("ascii")
            break
    try:
        return data.decode(encoding)
    except LookupError as error:
        raise DecodeError(f"unknown source encoding {encoding!r}") from error
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"not valid {encoding}: byte 0x{data[error.start]:02x} at offset {error.start}"
        ) from error


def split_lines(text: str) -> list[str]:
    """The lines of a text with their endings, split on \\n, \\r\\n and \\r only."""
    return _LINES.findall(text)


def text_lines(text: str) -> list[str]:
    """The lines of a text without their endings, numbered as ast and LSP number them
    (`str.splitlines` also breaks on form feed, \\x85, U+2028 ...: lines drift)."""
    return _LINE_BREAK.split(text)


class LineIndex:
    """Maps ast's (1-based line, UTF-8 byte column) to code-point positions, lazily."""

    __slots__ = ("_lines",)

    def __init__(self, text: str) -> None:
        self._lines = split_lines(text) or [""]

    def line(self, line: int) -> str:
        """The text of a 0-based line without its line ending ('' past the end)."""
        if 0 <= line < len(self._lines):
            return self._lines[line].rstrip("\r\n")
        return ""

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def column(self, lineno: int, byte_col: int) -> int:
        """Code-point column for an ast (1-based line, byte column)."""
        text = self.line(lineno - 1)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node) -> Span:
        """The span of an ast node (anything with lineno/col_offset/end_*)."""
        end_lineno = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end_col = node.col_offset
        return Span(
            Position(node.lineno - 1, self.column(node.lineno, node.col_offset)),
            Position(end_lineno - 1, self.column(end_lineno, end_col)),
        )

    def offset(self, position: Position) -> int:
        """Code-point offset of a position in the whole text."""
        return sum(len(line) for line in self._lines[: position.line]) + position.column


def printable(text: str) -> str:
    """`text` with what UTF-8 cannot carry made visible: a byte a file name held that is not
    UTF-8 (decoded by the OS as a lone surrogate, U+DC80-U+DCFF) becomes `\\xNN`, any other
    lone surrogate `\\uNNNN`. Paths reach JSON, SARIF and the report through this."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(
            f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF
            else f"\\u{ord(ch):04x}" if 0xD800 <= ord(ch) <= 0xDFFF else ch
            for ch in text)


def printable_data(value):
    """`printable` applied to every string of a JSON-like document (keys included)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(v) for v in value]
    return value
