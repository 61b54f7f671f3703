"""What is at a position of Python source that may not parse: the string, keyword name or
attribute the cursor is in, and the calls, containers, assignment and classes around it.

The user is typing, so `ast` cannot be trusted: a small lexer (regular expressions over
strings, comments and brackets, from the nearest top-level `def`/`class`/decorator line
before the cursor) finds the open brackets at the cursor; the text before an open
parenthesis is the callee (`Order.objects.filter(status="x").order_by`), which is complete
and parses on its own. Offsets are code-point offsets in the text.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

_TOKENS = re.compile(r"(?P<comment>#[^\r\n]*)|(?P<string>(?:(?<![\w])[rRbBuUfF]{1,2})?(?:'''|\"\"\"|'|\"))"
                     r"|(?P<open>[(\[{])|(?P<close>[)\]}])")
_ENDS = {
    "'": re.compile(r"(?:[^'\\\r\n]|\\[\s\S])*'"),
    '"': re.compile(r'(?:[^"\\\r\n]|\\[\s\S])*"'),
    "'''": re.compile(r"(?:[^'\\]|\\[\s\S]|'(?!''))*'''"),
    '"""': re.compile(r'(?:[^"\\]|\\[\s\S]|"(?!""))*"""'),
}
_SAFE_START = re.compile(r"^(?:async\s+def|def|class)\s|^@", re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_]\w*$")
_PAIRS = {")": "(", "]": "[", "}": "{"}
_KEYWORD_BEFORE = re.compile(r"(?:^|[\s,(])([A-Za-z_]\w*)\s*=\s*$")
_ASSIGNED = re.compile(r"^[ \t]*([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*$", re.MULTILINE)
_CLASS = re.compile(r"^([ \t]*)class\s+([A-Za-z_]\w*)")
_DEF = re.compile(r"^([ \t]*)(?:async\s+)?def\s+([A-Za-z_]\w*)")
_KEYWORDS = frozenset({"return", "await", "yield", "not", "in", "and", "or", "is", "if", "else", "lambda", "assert",
                       "del", "raise", "from", "import", "with", "as", "for", "while", "elif", "print"})


@dataclass(frozen=True, slots=True)
class CallSite:
    """An open call around the cursor: `callee` is its source text, `argument` the index of
    the argument the cursor is in (positional ones counted), `keyword` the keyword it is the
    value of, `container` whether a list/tuple/dict literal sits between."""

    callee: str
    open: int  # offset of the "("
    argument: int
    keyword: str | None
    container: bool = False
    line: int = 0  # 1-based line of the "(" (for local variables defined before it)

    def expression(self) -> ast.expr | None:
        """The callee parsed (as `callee()`, a Call node), or None."""
        try:
            node = ast.parse(f"({self.callee}())", mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
        return node if isinstance(node, ast.Call) else None


@dataclass(slots=True)
class Context:
    """What the cursor is in.

    kind: "string" (inside a string literal: `value` its text, `start`/`end` its content),
    "keyword" (a keyword-argument name being typed or pointed at), "attribute" (`settings.X`:
    `receiver` the dotted text before the dot). `prefix` is the part of `value` before the
    cursor. `calls` are the enclosing calls, innermost first; `assignment` the name a
    statement-level literal is assigned to (`ordering = [...]`); `classes` the enclosing
    class names, innermost first; `dict_key` whether a string is a key of a dict literal.
    """

    kind: str
    value: str
    start: int
    end: int
    cursor: int
    calls: list[CallSite] = field(default_factory=list)
    assignment: str | None = None
    classes: list[str] = field(default_factory=list)
    function: tuple[int, int] | None = None  # (first line, indent) of the enclosing def, 0-based
    receiver: str = ""
    closed: bool = True  # the string has its closing quote
    quote: str = '"'
    dict_key: bool = False
    in_container: bool = False
    statement_line: int = 0  # 0-based line where the statement holding the cursor starts

    @property
    def prefix(self) -> str:
        return self.value[: max(self.cursor - self.start, 0)]

    @property
    def call(self) -> CallSite | None:
        return self.calls[0] if self.calls else None


@dataclass(slots=True)
class _Lexed:
    stack: list[tuple[str, int]]
    pairs: dict[int, int]
    strings: list[tuple[int, int]]
    string: tuple[int, int, int, str, bool] | None = None  # (token start, content start, content end, quote, closed)
    comment: bool = False


def _safe_start(text: str, offset: int) -> int:
    start = 0
    for match in _SAFE_START.finditer(text, 0, offset):
        start = match.start()
    return start


def _lex(text: str, start: int, stop: int) -> _Lexed:
    lexed = _Lexed([], {}, [])
    position = start
    while True:
        match = _TOKENS.search(text, position, stop)
        if match is None:
            return lexed
        kind = match.lastgroup
        if kind == "comment":
            if match.end() >= stop:
                lexed.comment = True
                return lexed
            position = match.end()
        elif kind == "string":
            token = match.group()
            quote = token.lstrip("rRbBuUfF")
            content = match.end()
            closing = _ENDS[quote].match(text, content)
            if closing is not None:
                end, content_end, closed = closing.end(), closing.end() - len(quote), True
            else:
                line_end = text.find("\n", content) if len(quote) == 1 else -1
                end = content_end = len(text) if line_end < 0 else line_end
                closed = False
            if stop <= content_end or (not closed and stop <= end):
                if stop >= content:
                    lexed.string = (match.start(), content, content_end, quote, closed)
                return lexed
            lexed.strings.append((match.start(), end))
            position = end
        elif kind == "open":
            lexed.stack.append((match.group(), match.start()))
            position = match.end()
        else:
            if lexed.stack and lexed.stack[-1][0] == _PAIRS[match.group()]:
                lexed.pairs[match.start()] = lexed.stack.pop()[1]
            position = match.end()


def _callee_start(text: str, paren: int, pairs: dict[int, int], floor: int) -> int:
    """Where the callee before an open parenthesis starts (`paren` itself when there is none)."""
    j = paren - 1
    while j >= floor and text[j] in " \t":
        j -= 1
    begin = paren
    while j >= floor:
        char = text[j]
        if char.isalnum() or char == "_":
            k = j
            while k - 1 >= floor and (text[k - 1].isalnum() or text[k - 1] == "_"):
                k -= 1
            if text[k:j + 1] in _KEYWORDS:
                break
            begin = k
            j = k - 1
        elif char in ")]" and j in pairs:
            begin = pairs[j]
            j = pairs[j] - 1
            while j >= floor and text[j] in " \t":
                j -= 1
            if j < floor or not (text[j].isalnum() or text[j] in "_)]"):
                break  # a parenthesised expression: it is the start
            continue
        else:
            break
        # after an atom: a dot continues the chain (possibly across lines)
        m = j
        while m >= floor and text[m] in " \t\r\n\\":
            m -= 1
        if m >= floor and text[m] == ".":
            j = m - 1
            while j >= floor and text[j] in " \t\r\n\\":
                j -= 1
            continue
        break
    return begin


def _split_arguments(text: str, begin: int, end: int, lexed: _Lexed) -> list[tuple[int, int]]:
    """The top-level comma-separated parts of text[begin:end] (nested brackets and strings skipped)."""
    closes = {open_: close for close, open_ in lexed.pairs.items()}
    string_ends = dict(lexed.strings)
    parts, start, i = [], begin, begin
    while i < end:
        if i in closes:
            i = closes[i] + 1
            continue
        if i in string_ends:
            i = string_ends[i]
            continue
        if text[i] == ",":
            parts.append((start, i))
            start = i + 1
        i += 1
    parts.append((start, end))
    return parts


def _enclosing(lines: list[str], line: int) -> tuple[list[str], tuple[int, int] | None]:
    """Class names around a line (innermost first), and the enclosing def's (line, indent)."""
    current = _indent_of(lines, line)
    classes: list[str] = []
    function = None
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        if indent >= current:
            continue
        match = _CLASS.match(text)
        if match:
            classes.append(match.group(2))
        elif function is None and not classes and (found := _DEF.match(text)):
            function = (number, len(found.group(1)))
        current = indent
        if indent == 0:
            break
    return classes, function


def _indent_of(lines: list[str], line: int) -> int:
    text = lines[line] if line < len(lines) else ""
    if text.strip():
        return len(text) - len(text.lstrip())
    return 1 << 20


def context_at(text: str, offset: int) -> Context | None:
    """The context of a code-point offset, or None (a comment, plain code)."""
    start = _safe_start(text, offset)
    lexed = _lex(text, start, offset)
    if lexed.comment:
        return None
    if lexed.string is not None:
        token, content, content_end, quote, closed = lexed.string
        if text[token] in "fF" or "f" in text[token:content].lower():
            return None  # an f-string: its text is not a name
        context = Context("string", text[content:content_end], content, content_end, offset, closed=closed,
                          quote=quote)
        anchor = token
    else:
        context = _identifier_context(text, offset, lexed)
        if context is None:
            return None
        anchor = context.start
    _surroundings(text, context, lexed, start, anchor)
    return context


def _identifier_context(text: str, offset: int, lexed: _Lexed) -> Context | None:
    left = offset
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] == "_"):
        left -= 1
    right = offset
    while right < len(text) and (text[right].isalnum() or text[right] == "_"):
        right += 1
    word = text[left:right]
    if word[:1].isdigit():
        return None
    before = left
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before > 0 and text[before - 1] == ".":
        receiver_end = before - 1
        while receiver_end > 0 and text[receiver_end - 1] in " \t":
            receiver_end -= 1
        receiver_start = receiver_end
        while receiver_start > 0 and (text[receiver_start - 1].isalnum() or text[receiver_start - 1] in "_."):
            receiver_start -= 1
        receiver = text[receiver_start:receiver_end]
        if not receiver or not receiver[0].isalpha() and receiver[0] != "_":
            return None
        return Context("attribute", word, left, right, offset, receiver=receiver)
    if lexed.stack and lexed.stack[-1][0] == "(":
        paren = lexed.stack[-1][1]
        parts = _split_arguments(text, paren + 1, left, lexed)
        if text[parts[-1][0]:left].strip(" \t\r\n\\") == "":
            after = text[right:right + 80].lstrip(" \t")
            named = after.startswith("=") and not after.startswith("==")
            unfinished = after[:1] in ("", ")", ",", "\n", "\r")  # being typed
            if named or unfinished:
                return Context("keyword", word, left, right, offset)
    return None


def _surroundings(text: str, context: Context, lexed: _Lexed, floor: int, anchor: int) -> None:
    """Calls, containers, the assignment and classes around the token at `anchor`."""
    containers = 0
    point = anchor  # where the argument holding the token starts being looked at
    for bracket, position in reversed(lexed.stack):
        if bracket == "(":
            begin = _callee_start(text, position, lexed.pairs, floor)
            callee = text[begin:position].strip()
            if callee:
                parts = _split_arguments(text, position + 1, point, lexed)
                keyword = _KEYWORD_BEFORE.search(text[parts[-1][0]:point])
                positional = sum(1 for s, e in parts[:-1] if "=" not in _strip_nested(text, s, e, lexed))
                if not context.calls:
                    context.in_container = containers > 0
                context.calls.append(CallSite(callee, position, positional, keyword.group(1) if keyword else None,
                                              container=containers > 0, line=text.count("\n", 0, position) + 1))
                point, containers = begin, 0
                continue
        containers += 1
        if bracket == "{" and containers == 1 and not context.calls:
            parts = _split_arguments(text, position + 1, point, lexed)
            context.dict_key = ":" not in _strip_nested(text, parts[-1][0], point, lexed)
        point = position
    outermost = lexed.stack[0][1] if lexed.stack else anchor
    statement_start = text.rfind("\n", 0, outermost) + 1
    context.statement_line = text.count("\n", 0, statement_start)
    if not context.calls:
        context.in_container = containers > 0
        match = _ASSIGNED.search(text, statement_start, outermost)
        if match is not None:
            context.assignment = match.group(1)
    context.classes, context.function = _enclosing(text.split("\n"), context.statement_line)


def _strip_nested(text: str, begin: int, end: int, lexed: _Lexed) -> str:
    closes = {open_: close for close, open_ in lexed.pairs.items()}
    string_ends = dict(lexed.strings)
    out, i = [], begin
    while i < end:
        if i in closes:
            i = closes[i] + 1
        elif i in string_ends:
            i = string_ends[i]
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def function_text(text: str, context: Context) -> str | None:
    """The enclosing function's source up to the statement holding the cursor, completed so
    that it parses (`pass` at the end), for its local variables; None outside a function."""
    if context.function is None:
        return None
    lines = text.split("\n")
    first, indent = context.function
    body = lines[first:context.statement_line]
    if not body:
        return None
    dedented = [line[indent:] if line[:indent].strip() == "" else line for line in body]
    inner = next((len(b) - len(b.lstrip()) for b in dedented[1:] if b.strip()), 4) or 4
    return "\n".join([*dedented, " " * inner + "pass", ""])
