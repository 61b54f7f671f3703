"""The front matter of a guidance document: a tiny subset of YAML between two `---` lines.

Only `key: value` and `key: [a, b, c]` lines are understood (plus blank lines and `#`
comments); quotes around a value are removed. Anything else is an error naming the line,
so that a malformed document is skipped with a clear reason instead of half-read.
"""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


class FrontMatterError(ValueError):
    """The front matter is malformed; the message names the line."""


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_front_matter(text: str) -> tuple[dict[str, str | list[str]], str]:
    """(fields, body) of a document. A document that does not start with `---` has no front
    matter: ({}, text). Raises FrontMatterError when the header is malformed."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise FrontMatterError("front matter opened with '---' is never closed") from None
    fields: dict[str, str | list[str]] = {}
    for number, raw in enumerate(lines[1:close], start=2):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_VALUE.match(line)
        if not match:
            raise FrontMatterError(f"line {number}: expected 'key: value', got {line.strip()[:60]!r}")
        key, value = match.group(1), match.group(2)
        if key in fields:
            raise FrontMatterError(f"line {number}: '{key}' is given twice")
        if value.startswith("["):
            if not value.endswith("]"):
                raise FrontMatterError(f"line {number}: list for '{key}' is not closed with ']'")
            fields[key] = [item for item in (_unquote(part) for part in value[1:-1].split(",")) if item]
        else:
            fields[key] = _unquote(value)
    body = "\n".join(lines[close + 1 :]).lstrip("\r\n")
    return fields, body
