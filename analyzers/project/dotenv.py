"""Read `.env` files the way python-dotenv does, for the basics projects rely on.

Supported: blank lines and `#` comments; an optional `export ` prefix; `KEY=value`,
`KEY = value`; unquoted values (trailing whitespace dropped, an inline comment starts at
a `#` preceded by whitespace); single-quoted values (literal, only `\\'` and `\\\\` are
escapes); double-quoted values (the escapes `\\n \\t \\r \\" \\' \\\\ \\a \\b \\f \\v`);
quoted values may span several lines; `KEY=` is the empty string.

Not supported, on purpose: variable expansion (`${OTHER}` is kept as written — dotenv
expands it only at load time and against the real environment, which the analyser must
not depend on); a bare `KEY` without `=` (python-dotenv maps it to None; it is skipped).
A line that cannot be parsed is skipped, like python-dotenv does.

Values are secrets more often than not: nothing here logs or formats them.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<key>'[^']*'|[^=#\s'][^=#\s]*)[ \t]*=[ \t]*")
_DOUBLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a",
                   "b": "\b", "f": "\f", "v": "\v"}


def parse_env_file(text: str) -> dict[str, str]:
    """`KEY -> value` of a .env file's text; a later assignment of a key wins, as in dotenv."""
    result: dict[str, str] = {}
    if text.startswith("\ufeff"):
        text = text[1:]
    position, end = 0, len(text)
    while position < end:
        line_end = text.find("\n", position)
        line_end = end if line_end < 0 else line_end
        line = text[position:line_end]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            position = line_end + 1
            continue
        match = _KEY.match(text, position, line_end)
        if match is None:
            position = line_end + 1
            continue
        key = match.group("key")
        if key[0] in "'\"":
            key = key[1:-1]
        value, position = _value(text, match.end(), line_end)
        if value is not None:
            result[key] = value
    return result


def _value(text: str, start: int, line_end: int) -> tuple[str | None, int]:
    """The value starting at `start` and the position of the next line."""
    if start < len(text) and text[start] in "'\"":
        quote = text[start]
        closing = _closing_quote(text, start + 1, quote)
        if closing < 0:  # an unterminated quote: dotenv gives up on the line
            return None, line_end + 1
        raw = text[start + 1 : closing]
        after = text.find("\n", closing)
        rest = text[closing + 1 : len(text) if after < 0 else after].strip()
        next_line = len(text) if after < 0 else after + 1
        if rest and not rest.startswith("#"):
            return None, next_line
        return (_unescape_double(raw) if quote == '"' else _unescape_single(raw)), next_line
    raw = text[start:line_end]
    comment = re.search(r"\s#", raw)
    if comment:
        raw = raw[: comment.start()]
    return raw.strip(), line_end + 1


def _closing_quote(text: str, index: int, quote: str) -> int:
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] == quote:
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return -1


def _unescape_single(raw: str) -> str:
    return re.sub(r"\\([\\'])", r"\1", raw)


def _unescape_double(raw: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            escaped = raw[index + 1]
            if escaped in _DOUBLE_ESCAPES:
                out.append(_DOUBLE_ESCAPES[escaped])
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)
