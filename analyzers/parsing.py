"""Parse a project's Python files whatever Python they were written for.

`ast.parse` knows only the grammar of the interpreter we run on, but a project on Python
3.12+ may use type parameters, `type` aliases, PEP 701 f-strings, t-strings or
`except A, B:`. When the running grammar refuses a top-level statement, libcst's parser
(which follows the newest grammar) reads that statement, the newer constructs are lowered
to text this Python parses, and the f- and t-strings it cannot read are rebuilt as ast
nodes. Invariant: line numbers are always those of the original text, and so are columns
except after the parenthesis added on an `except A, B:` line. A statement libcst refuses
too is a real syntax error, raised with the running grammar's message and line.
"""

from __future__ import annotations

import ast
import bisect
import logging
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# The callee a t-string (PEP 750) becomes: `Template(...)` is what it builds, but under a name
# no project defines, so no rule takes it for a call it knows (django's Template, a SQL string).
TEMPLATE_STRING = "__template_string__"

_NEWLINE = re.compile(r"(\r\n|\r|\n)")


def parse_module(text: str, filename: str = "<unknown>") -> ast.Module:
    """The module's ast, as `ast.parse` gives it; for syntax newer than the running Python's,
    the ast of the same code lowered to it. Raises SyntaxError only for real syntax errors.
    The normal path costs nothing more than `ast.parse`: libcst is imported on a refusal.

    CPython (3.10-3.12) reads a syntax error's line back from `filename` when a file has that
    name, and counts the error's column in that line: an unsaved buffer's error got the
    column of the line on disk (`x = = 1` at column 3, not 9). The parser is given a name no
    file has, so the error's line and column are the text's; the error names `filename`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        name = f"<{filename}>"
        try:
            try:
                return ast.parse(text, filename=name)
            except SyntaxError as error:
                return _parse_newer(text, name, error)
        except SyntaxError as error:
            error.filename = filename
            raise


def _parse_newer(text: str, filename: str, error: SyntaxError) -> ast.Module:
    """Top-level statement by statement: the file at once up to the statement the running
    grammar refuses, that statement lowered through libcst (whose parse costs ten times
    `ast.parse`: only the statements that need it pay it), then the rest the same way."""
    lines = _LINE.findall(text)
    if not _may_be_newer(error, lines):
        raise error
    starts = _statement_starts(lines)
    body: list[ast.stmt] = []
    index = 0
    while index < len(starts):
        first = starts[index]
        try:
            body += _parsed(lines, first, len(lines), filename).body
            break
        except SyntaxError as refused:
            failing = max(bisect.bisect_right(starts, (refused.lineno or 1) - 1) - 1, index)
        if failing > index:
            try:
                body += _parsed(lines, first, starts[failing], filename).body
            except SyntaxError:
                failing = index  # a line that looked like a statement's start was not one
        statement, index = _statement(lines, starts, failing, filename)
        body += statement.body
    return ast.Module(body=body, type_ignores=[])


def _statement(lines: list[str], starts: list[int], index: int, filename: str) -> tuple[ast.Module, int]:
    """The statement at `starts[index]` (with the next ones while it is incomplete: a start
    inside a string or brackets), parsed or lowered; and the index of the next statement."""
    first, tries = starts[index], 0
    for following in range(index + 1, len(starts) + 1):
        last = following == len(starts)
        end = len(lines) if last else starts[following]
        try:
            return _parsed(lines, first, end, filename), following
        except SyntaxError as refused:
            if not last and _incomplete(refused, end):
                continue
            if not _may_be_newer(refused, lines):
                if not last and refused.msg.startswith("unterminated string literal"):
                    continue  # a string continued by a backslash onto a line at column 0
                raise
            try:
                tree = _lowered("".join(lines[first:end]), filename)
            except SyntaxError:
                tries += 1  # cut inside a multi-line f-string (a line of it at column 0)?
                if last or tries > _LOWERING_TRIES:
                    raise refused from None
                continue
        ast.increment_lineno(tree, first)
        return tree, following
    raise AssertionError("unreachable")


def _parsed(lines: list[str], first: int, end: int, filename: str) -> ast.Module:
    """Lines [first, end) parsed where they stand (blank lines before them keep their numbers)."""
    return ast.parse("\n" * first + "".join(lines[first:end]), filename=filename)


def _lowered(text: str, filename: str) -> ast.Module:
    """The statements of `text` read by libcst and lowered; SyntaxError if that fails."""
    try:
        import libcst

        module = libcst.parse_module(text)
    except Exception:  # not installed, a real syntax error, or past libcst's own limits
        raise SyntaxError("libcst cannot parse it") from None
    try:
        lowering = _Lowering(text, filename)
        lowering.collect(module)
        lowered, grafts = lowering.apply()
        tree = ast.parse(lowered, filename=filename)
    except RecursionError:
        raise
    except Exception as error:  # libcst read more than Python accepts, or a form we do not lower
        logger.debug("%s: cannot lower newer syntax", filename, exc_info=True)
        raise SyntaxError(f"cannot lower: {error}") from None
    return _Graft(grafts).visit(tree) if grafts else tree


# A statement that has lowered text libcst cannot parse is joined to the next few, in case
# it was cut inside a multi-line f-string (a line of it at column 0), then it is an error.
_LOWERING_TRIES = 8
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
# Where the running grammar stops on newer syntax: a line with an f- or t-string, a type
# alias, type parameters or an except clause (`except A, B:`).
_NEWER_MARKERS = re.compile(r"""(?<![\w])(?:[fFtT][rR]?|[rR][fFtT])["']|^\s*type\s+[A-Za-z_]"""
                            r"""|\b(?:class|def)\s+\w+\s*\[|^\s*except\b""")


def _may_be_newer(error: SyntaxError, lines: list[str]) -> bool:
    """Whether the running grammar's error may be syntax of a newer Python: on its line, or
    the lines that line continues with a backslash. Elsewhere it is a real error (the usual
    case while typing), and libcst is not asked."""
    if error.msg.startswith("f-string") or not error.lineno or error.lineno > len(lines):
        return True
    number = error.lineno - 1
    while number > 0 and lines[number - 1].rstrip("\r\n").endswith("\\"):
        number -= 1
    return any(_NEWER_MARKERS.search(line) for line in lines[number:error.lineno])


def _incomplete(error: SyntaxError, end: int) -> bool:
    """The error of a piece of text cut too early: an open string, bracket or block."""
    message = error.msg
    return (message.startswith(("unterminated triple-quoted string", "unexpected EOF", "expected an indented block"))
            or message.endswith("was never closed") or (error.lineno or 0) > end)


def _statement_starts(lines: list[str]) -> list[int]:
    """The lines that may start a top-level statement: code at column 0 that does not go on
    the one before (`else:`, `except`, the `def` under its decorators). Some may be inside
    a string or brackets; the parse finds out."""
    starts, decorated = [0], bool(lines) and lines[0].startswith("@")
    for number in range(1, len(lines)):
        line = lines[number]
        if line[0] in " \t\f\r\n#" or _CLAUSE.match(line):
            continue
        if decorated:
            decorated = line.startswith("@")
            continue
        starts.append(number)
        decorated = line.startswith("@")
    return starts


# -- what is lowered, as edits of the original text ------------------------------------------


@dataclass(frozen=True)
class _Edit:
    start: int  # offsets in the original text, in code points
    end: int
    text: str
    graft: ast.expr | None = None  # the node that replaces the placeholder name `text` holds


_STRINGS = frozenset({"ConcatenatedString", "FormattedString", "TemplatedString"})
_LOWERED = frozenset({"ClassDef", "FunctionDef", "TypeAlias", "ExceptHandler", "ExceptStarHandler"})


class _Lowering:
    """Edits that turn statements of newer syntax into text the running grammar reads."""

    def __init__(self, text: str, filename: str):
        self.text, self.filename = text, filename
        self.line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        self.spans: dict = {}
        self.edits: list[_Edit] = []

    def collect(self, module) -> None:
        """One pass of libcst's code generation, counting: it finds the nodes to lower and
        where every node is (libcst's PositionProvider plus a tree walk cost three times more)."""
        state = _locating_state(module)
        module._codegen(state)
        if state.offset != len(self.text) or "".join(state.tokens) != self.text:
            raise ValueError("libcst's code differs from the text")  # f"{x!r  }" loses its blanks
        self.spans = state.spans
        for node in state.found:
            kind = type(node).__name__
            if kind in _STRINGS:
                self._string(node)
            elif kind in ("ClassDef", "FunctionDef"):
                if node.type_parameters is not None:
                    self._type_parameters(node.type_parameters)
            elif kind == "TypeAlias":
                self._type_alias(node)
            else:
                self._except_types(node.type)

    # -- positions ---------------------------------------------------------------------------

    def span(self, node) -> tuple[int, int]:
        """Where a node is, in code points, without its parentheses."""
        return self.spans[node]

    def location(self, start: int, end: int) -> dict[str, int]:
        """An ast location: 1-based lines, UTF-8 byte columns, as `ast.parse` gives them."""
        (line, column), (end_line, end_column) = self.line_and_byte(start), self.line_and_byte(end)
        return {"lineno": line, "col_offset": column, "end_lineno": end_line, "end_col_offset": end_column}

    def line_and_byte(self, offset: int) -> tuple[int, int]:
        line = _line_of(self.line_starts, offset)
        return line + 1, len(self.text[self.line_starts[line]:offset].encode())

    # -- the constructs ----------------------------------------------------------------------

    def _type_parameters(self, parameters) -> None:
        """`class A[T: X = Y](B)`, `def f[T](x: T)`: the brackets become blanks."""
        if parameters.params:  # `class A[]` is an error in every grammar
            start, end = self.span(parameters)
            self.edits.append(_Edit(start, end, _blanked(self.text[start:end])))

    def _type_alias(self, alias) -> None:
        """`type X[T] = v` becomes `X         = v`: the value keeps its columns."""
        if alias.type_parameters is not None and not alias.type_parameters.params:
            return
        start, _ = self.span(alias)
        equals = self.text.rindex("=", start, self.span(alias.value)[0])
        self.edits.append(_Edit(start, equals, _blanked(self.text[start:equals], alias.name.value)))

    def _except_types(self, types) -> None:
        """`except A, B:` (PEP 758) becomes `except(A, B):`."""
        if type(types).__name__ != "Tuple" or types.lpar:
            return
        start, end = self.span(types)
        before = start - 1 if self.text[start - 1] in " \t" else start
        self.edits += [_Edit(before, start, "("), _Edit(end, end, ")")]

    def _string(self, node) -> None:
        """A string the running grammar cannot read becomes a placeholder name of its width,
        replaced in the tree by the JoinedStr (or t-string call) rebuilt from its parts."""
        leaves = _leaves(node)
        kinds = {type(leaf).__name__ for leaf in leaves}
        if kinds == {"SimpleString"}:
            return
        start, end = self.span(leaves[0])[0], self.span(leaves[-1])[1]
        source = self.text[start:end]
        if "TemplatedString" not in kinds and _parses(f"({source})"):
            return
        where = self.location(start, end)
        strings = _Strings(self, where)
        graft = strings.template(leaves) if "TemplatedString" in kinds else strings.joined(leaves)
        self.edits.append(_Edit(start, end, _placeholder(source), graft))

    # -- the lowered text --------------------------------------------------------------------

    def apply(self) -> tuple[str, dict[tuple[int, int], ast.expr]]:
        """The lowered text, and the grafts keyed by their placeholder's location in it."""
        pieces: list[str] = []
        placed: list[tuple[int, ast.expr]] = []
        done = written = 0
        for edit in sorted(self.edits, key=lambda edit: (edit.start, edit.end)):
            if edit.start < done:
                continue  # inside a construct already lowered (a string in type parameters)
            pieces.append(self.text[done:edit.start])
            written += edit.start - done
            if edit.graft is not None:
                placed.append((written + 1, edit.graft))  # after the placeholder's "("
            pieces.append(edit.text)
            written += len(edit.text)
            done = edit.end
        pieces.append(self.text[done:])
        lowered = "".join(pieces)
        starts = [0] + [match.end() for match in _NEWLINE.finditer(lowered)]
        grafts = {}
        for offset, graft in placed:
            line = _line_of(starts, offset)
            grafts[(line + 1, len(lowered[starts[line]:offset].encode()))] = graft
        return lowered, grafts


def _locating_state(module):
    """A libcst CodegenState that writes nothing: it counts code points, records the span of
    every expression and statement (as `record_syntactic_position` marks them) and of type
    parameter brackets, and lists the nodes to lower in source order (strings: outermost only)."""
    from libcst._nodes.internal import CodegenState

    class LocatingState(CodegenState):
        def __init__(self) -> None:
            super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
            self.offset = 0
            self.spans: dict = {}
            self.found: list = []
            self.starts: list[int] = []
            self.strings = 0  # how many strings the node being written is inside

        def add_token(self, value: str) -> None:
            self.tokens.append(value)
            self.offset += len(value)

        def add_indent_tokens(self) -> None:
            self.tokens.extend(self.indent_tokens)
            self.offset += sum(map(len, self.indent_tokens))

        def pop_trailing_newline(self) -> None:
            if self.tokens:
                self.offset -= len(self.tokens.pop())

        def before_codegen(self, node) -> None:
            self.starts.append(self.offset)
            kind = type(node).__name__
            if kind in _STRINGS:
                if not self.strings:
                    self.found.append(node)
                self.strings += 1
            elif kind in _LOWERED:
                self.found.append(node)

        def after_codegen(self, node) -> None:
            start = self.starts.pop()
            kind = type(node).__name__
            if kind in _STRINGS:
                self.strings -= 1
            elif kind == "TypeParameters":  # its brackets included
                self.spans[node] = (start, self.offset)

        @contextmanager
        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            start = self.offset
            yield
            self.spans[node] = (start, self.offset)

    return LocatingState()


class _Strings:
    """One string group rebuilt as ast nodes, all located where the group is (as Python 3.11
    locates the parts of an f-string); the expressions inside keep their own exact locations."""

    def __init__(self, lowering: _Lowering, where: dict[str, int]):
        self.lowering, self.where = lowering, where

    def joined(self, leaves) -> ast.JoinedStr:
        values: list[ast.expr] = []
        for leaf in leaves:
            if type(leaf).__name__ == "SimpleString":
                values.append(self.constant(ast.literal_eval(leaf.value)))
            else:
                values += self.parts(leaf.parts, *_prefix_and_quote(leaf))
        return ast.JoinedStr(values=self.merged(values), **self.where)

    def template(self, leaves) -> ast.Call:
        """A t-string is a Template of its strings and interpolations, not a str: a call to
        TEMPLATE_STRING whose arguments are its literal parts and its expressions."""
        values: list[ast.expr] = []
        for leaf in leaves:
            if type(leaf).__name__ == "SimpleString":
                values.append(self.constant(ast.literal_eval(leaf.value)))
                continue
            prefix, quote = _prefix_and_quote(leaf)
            for part in leaf.parts:
                if type(part).__name__.endswith("Text"):
                    values.append(self.constant(_decoded(part.value, prefix, quote)))
                else:
                    values.append(self.expression(part.expression))
        callee = ast.Name(id=TEMPLATE_STRING, ctx=ast.Load(), **self.where)
        return ast.Call(func=callee, args=self.merged(values), keywords=[], **self.where)

    def parts(self, parts, prefix: str, quote: str) -> list[ast.expr]:
        values: list[ast.expr] = []
        for part in parts:
            if type(part).__name__.endswith("Text"):
                values.append(self.constant(_decoded(part.value, prefix, quote)))
                continue
            if part.equal is not None:  # f"{x = }": the text, then the value (its repr by default)
                values.append(self.constant(self.debug_text(part)))
            conversion = ord(part.conversion) if part.conversion else -1
            if part.equal is not None and not part.conversion and part.format_spec is None:
                conversion = ord("r")
            spec = None
            if part.format_spec is not None:
                spec = ast.JoinedStr(values=self.merged(self.parts(part.format_spec, prefix, quote)), **self.where)
            value = self.expression(part.expression)
            values.append(ast.FormattedValue(value=value, conversion=conversion, format_spec=spec, **self.where))
        return values

    def debug_text(self, part) -> str:
        import libcst

        code = libcst.Module(body=[]).code_for_node
        equal = part.equal
        return (code(part.whitespace_before_expression) + code(part.expression)
                + code(part.whitespace_after_expression) + code(equal.whitespace_before) + "="
                + code(equal.whitespace_after))

    def expression(self, expression) -> ast.expr:
        """The expression between braces, parsed where it stands: padded so that its lines and
        byte columns are those of the file, then parsed as a module (it may hold newer syntax
        itself: a nested f-string reusing the quotes)."""
        lowering = self.lowering
        start, end = lowering.span(expression)
        line, column = lowering.line_and_byte(start)
        source = lowering.text[start:end]
        if column >= 3:
            padded = "\n" * (line - 1) + "_=" + " " * (column - 3) + "(" + source + ")"
        else:
            padded = "\n" * max(line - 2, 0) + "_=(\n" + " " * column + source + ")"
        statement = parse_module(padded, lowering.filename).body[0]
        assert isinstance(statement, ast.Assign)
        return statement.value

    def constant(self, value) -> ast.Constant:
        return ast.Constant(value=value, **self.where)

    def merged(self, values: list[ast.expr]) -> list[ast.expr]:
        """Adjacent literal parts joined and empty ones dropped, as the compiler does."""
        merged: list[ast.expr] = []
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                if not value.value:
                    continue
                if merged and isinstance(merged[-1], ast.Constant) and isinstance(merged[-1].value, str):
                    merged[-1] = self.constant(merged[-1].value + value.value)
                    continue
            merged.append(value)
        return merged


class _Graft(ast.NodeTransformer):
    """Puts the rebuilt strings where their placeholder names were parsed."""

    def __init__(self, grafts: dict[tuple[int, int], ast.expr]):
        self.grafts = grafts

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id.strip("_"):
            return node
        return self.grafts.get((node.lineno, node.col_offset), node)


# -- small helpers ------------------------------------------------------------------------------


def _blanked(segment: str, keep: str = "") -> str:
    """`segment` as blanks of the same UTF-8 width on every line, each line but the last ending
    in a backslash so the statement goes on; `keep` (a name) written at its start."""
    pieces = _NEWLINE.split(segment)
    out = []
    for index in range(0, len(pieces), 2):
        width = len(pieces[index].encode())
        newline = pieces[index + 1] if index + 1 < len(pieces) else ""
        out.append((" " * (width - 1) + "\\" if width else "\\") + newline if newline else " " * width)
    blank = "".join(out)
    if keep:
        width = len(keep.encode())
        keep = keep if blank[:width] == " " * width else "_"
        blank = keep + blank[len(keep.encode()):]
    return blank


def _placeholder(source: str) -> str:
    """A parenthesized name of underscores, as wide (in UTF-8) as `source` on each line."""
    lines = _NEWLINE.split(source)
    widths = [len(lines[index].encode()) for index in range(0, len(lines), 2)]
    if len(widths) == 1:
        return "(" + "_" * (widths[0] - 2) + ")"
    out = ["(" + "_" * (widths[0] - 1)]
    for index, width in enumerate(widths[1:-1], start=1):
        out.append(lines[2 * index - 1] + " " * width)
    out.append(lines[-2] + " " * (widths[-1] - 1) + ")")
    return "".join(out)


def _leaves(node) -> list:
    """The strings of an implicit concatenation, in order."""
    if type(node).__name__ != "ConcatenatedString":
        return [node]
    return _leaves(node.left) + _leaves(node.right)


def _prefix_and_quote(leaf) -> tuple[str, str]:
    """The prefix without its f or t, and the quote: `rf"` -> ("r", "\"")."""
    prefix = leaf.start[: len(leaf.start) - len(leaf.end)]
    return "".join(letter for letter in prefix if letter not in "fFtT"), leaf.end


def _decoded(text: str, prefix: str, quote: str) -> str:
    """The value of a literal part of an f-string, escapes and doubled braces decoded."""
    text = text.replace("{{", "{").replace("}}", "}")
    for candidate in (quote, '"""', "'''"):  # a part may end in its quote: f"""a"{x}"""
        try:
            value = ast.literal_eval(prefix + candidate + text + candidate)
        except (SyntaxError, ValueError):
            continue
        if isinstance(value, str):
            return value
    return text  # rf"a\{x}": the raw text is its value


def _parses(source: str) -> bool:
    try:
        ast.parse(source, mode="eval")
        return True
    except SyntaxError:
        return False


def _line_of(starts: list[int], offset: int) -> int:
    """The 0-based line holding `offset`, given each line's start."""
    return bisect.bisect_right(starts, offset) - 1
