"""A small reader for Django templates: just enough structure to follow a context variable
into `{% for %}` loops and see which attributes of each row a template reads.

It tokenizes `{{ ... }}`, `{% ... %}` and `{# ... #}` itself (no Django import), builds a
tree of the tags that matter for data access (`for`/`empty`, `with`, `if`, `block`,
`include`, `extends`, `blocktrans(late) with`), and treats every other tag's arguments
as plain variable reads. Comments and `{% verbatim %}` are skipped. Anything it does not
understand is ignored, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django_expert.analyzers.facts.chains import ITERATE

_TOKEN = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
_VARIABLE = re.compile(r"[A-Za-z_][\w]*(?:\.[\w]+)*")
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "as", "with", "only", "by", "from", "for", "reversed",
                       "None", "True", "False", "silent", "on", "off", "context", "noop", "asvar", "trimmed"})
# Tags whose body is not template code.
_RAW = {"comment": "endcomment", "verbatim": "endverbatim"}
MAX_INCLUDE_DEPTH = 6
_ONCE_PER_LOOP = {("forloop", "first"), ("forloop", "last")}
# Filters that turn their value into text (so an object is rendered with `str()`).
_TEXT_FILTERS = frozenset({"default", "default_if_none", "escape", "force_escape", "safe", "upper", "lower",
                           "title", "capfirst", "truncatechars", "truncatewords", "linebreaks", "linebreaksbr",
                           "striptags", "urlize", "stringformat", "slugify", "center", "ljust", "rjust"})


@dataclass(frozen=True, slots=True)
class Var:
    """A variable read: `item.author.name` -> ("item", "author", "name"); `rendered` when the
    value is printed (`{{ item.author }}` renders `str(item.author)`)."""

    path: tuple[str, ...]
    line: int  # 0-based
    rendered: bool = False
    filters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A block tag: kind "for" (targets, source), "with" (bindings), "if", "block" (name),
    "include" (name, bindings, only), "other" (a custom container tag)."""

    kind: str
    line: int
    body: tuple[Item, ...] = ()
    orelse: tuple[Item, ...] = ()  # {% empty %} / {% else %} parts
    targets: tuple[str, ...] = ()
    source: Var | None = None
    bindings: tuple[tuple[str, Var], ...] = ()
    name: str = ""
    only: bool = False
    reads: tuple[Var, ...] = ()  # the tag's own arguments (if conditions, custom tags)
    file: str = ""  # blocks: the template file that defines them


Item = Var | Node


@dataclass(frozen=True)
class Template:
    path: str
    extends: str | None
    nodes: tuple[Item, ...]
    blocks: dict[str, Node] = field(default_factory=dict)


def parse(text: str, path: str = "") -> Template:
    """The tree of a template's text."""
    tokens = list(_tokens(text))
    ends = {t[1].split()[0] for t in tokens if t[0] == "tag" and t[1].split() and t[1].split()[0].startswith("end")}
    parser = _Parser(tokens, ends, path)
    nodes = parser.items(stop=())
    blocks: dict[str, Node] = {}
    for node in walk(nodes):
        if isinstance(node, Node) and node.kind == "block":
            blocks.setdefault(node.name, node)
    return Template(path, parser.extends, tuple(nodes), blocks)


def walk(items: tuple[Item, ...] | list[Item]) -> Iterator[Item]:
    for item in items:
        yield item
        if isinstance(item, Node):
            yield from walk(item.body)
            yield from walk(item.orelse)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, content, 0-based line) for tags and variables; comments and raw blocks skipped."""
    raw_end = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        kind = {"{%": "tag", "{{": "var", "{#": "comment"}[token[:2]]
        content = token[2:-2].strip()
        if raw_end is not None:
            if kind == "tag" and content.split()[:1] == [raw_end]:
                raw_end = None
            continue
        if kind == "comment":
            continue
        if kind == "tag" and content.split()[:1] and content.split()[0] in _RAW:
            raw_end = _RAW[content.split()[0]]
            continue
        yield kind, content, text.count("\n", 0, match.start())


def split_args(content: str) -> list[str]:
    """Split a tag's content on spaces outside quotes."""
    return re.findall(r"""(?:[^\s'"]+|"[^"]*"|'[^']*')+""", content)


def variable(expression: str, line: int, rendered: bool = False) -> Var | None:
    """A Var for `a.b.c|filter:arg`, or None for a literal."""
    head, *filters = _split_filters(expression)
    head = head.strip()
    if not head or head[0] in "\"'0123456789-" or head.startswith("_("):
        return None
    if not _VARIABLE.fullmatch(head) or head in _KEYWORDS:
        return None
    return Var(tuple(head.split(".")), line, rendered, tuple(f.split(":")[0].strip() for f in filters))


def _split_filters(expression: str) -> list[str]:
    return re.findall(r"""(?:[^|'"]+|"[^"]*"|'[^']*')+""", expression) or [""]


def _filter_args(expression: str, line: int) -> list[Var]:
    found = []
    for part in _split_filters(expression)[1:]:
        _, _, argument = part.partition(":")
        var = variable(argument, line) if argument else None
        if var is not None:
            found.append(var)
    return found


def _reads(words: list[str], line: int) -> tuple[Var, ...]:
    found: list[Var] = []
    skip_next = False
    for word in words:
        if skip_next:  # the name bound by `as x`
            skip_next = False
            continue
        if word in ("as", "asvar"):
            skip_next = True
            continue
        value = word.partition("=")[2] if re.match(r"^\w+=", word) else word
        for piece in re.split(r"[()]|==|!=|<=|>=|<|>", value):
            var = variable(piece, line)
            if var is not None:
                found.append(var)
            found.extend(_filter_args(piece, line))
    return tuple(found)


def _bindings(words: list[str], line: int) -> tuple[tuple[str, Var], ...]:
    """`a=x.y b=z` (and the legacy `x.y as a`) -> (("a", Var), ...)."""
    pairs: list[tuple[str, Var]] = []
    if len(words) == 3 and words[1] == "as":
        var = variable(words[0], line)
        return ((words[2], var),) if var else ()
    for word in words:
        name, equals, value = word.partition("=")
        if equals:
            var = variable(value, line)
            if var is not None:
                pairs.append((name, var))
    return tuple(pairs)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]], ends: set[str], path: str) -> None:
        self.tokens = tokens
        self.path = path
        self.position = 0
        self.ends = ends
        self.extends: str | None = None

    def items(self, stop: tuple[str, ...]) -> list[Item]:
        """Items until a tag named in `stop` (left unconsumed)."""
        found: list[Item] = []
        while self.position < len(self.tokens):
            kind, content, line = self.tokens[self.position]
            if kind == "var":
                self.position += 1
                var = variable(content, line, rendered=True)
                if var is not None:
                    found.append(var)
                found.extend(_filter_args(content, line))
                continue
            words = split_args(content)
            if not words:
                self.position += 1
                continue
            if words[0] in stop:
                return found
            self.position += 1
            node = self._tag(words, line)
            if node is not None:
                found.append(node)
        return found

    def _container(self, name: str, middles: tuple[str, ...] = ()) -> tuple[list[Item], list[Item]]:
        body = self.items(stop=(f"end{name}", *middles))
        orelse: list[Item] = []
        while self.position < len(self.tokens):
            words = split_args(self.tokens[self.position][1])
            self.position += 1
            if words[0] == f"end{name}":
                break
            orelse += self.items(stop=(f"end{name}", *middles))  # elif/else/empty parts
        return body, orelse

    def _tag(self, words: list[str], line: int) -> Node | Var | None:
        name, args = words[0], words[1:]
        handler: Callable | None = getattr(self, f"_tag_{name}", None)
        if handler is not None:
            return handler(args, line)
        if name in ("blocktrans", "blocktranslate"):
            body, _ = self._container(name, ("plural",))
            return Node("with", line, tuple(body), bindings=_bindings(args[1:] if args[:1] == ["with"] else args, line))
        if f"end{name}" in self.ends:
            body, orelse = self._container(name, ("else", "elif", "empty", "plural"))
            return Node("other", line, tuple(body), tuple(orelse), reads=_reads(args, line), name=name)
        return Node("other", line, reads=_reads(args, line), name=name)  # kept bare too: a takes_context tag reads

    def _tag_for(self, args: list[str], line: int) -> Node | None:
        if "in" not in args:
            return None
        index = args.index("in")
        targets = tuple(t for t in "".join(args[:index]).split(",") if t)
        source = variable(args[index + 1], line) if index + 1 < len(args) else None
        body, orelse = self._container("for", ("empty",))
        return Node("for", line, tuple(body), tuple(orelse), targets=targets, source=source)

    def _tag_with(self, args: list[str], line: int) -> Node:
        body, _ = self._container("with")
        return Node("with", line, tuple(body), bindings=_bindings(args, line))

    def _tag_if(self, args: list[str], line: int) -> Node:
        start = self.position
        body, orelse = self._container("if", ("elif", "else"))
        conditions = list(_reads(args, line))
        for kind, content, at in self.tokens[start:self.position]:
            words = split_args(content)
            if kind == "tag" and words and words[0] == "elif":
                conditions += _reads(words[1:], at)
        return Node("if", line, tuple(body), tuple(orelse), reads=tuple(conditions))

    def _tag_block(self, args: list[str], line: int) -> Node:
        body, _ = self._container("block")
        return Node("block", line, tuple(body), name=args[0] if args else "", file=self.path)

    def _tag_include(self, args: list[str], line: int) -> Node | None:
        if not args:
            return None
        name = args[0][1:-1] if args[0][:1] in "\"'" and args[0][-1:] == args[0][:1] else ""
        rest = args[1:]
        only = "only" in rest
        bindings = _bindings([w for w in rest if w not in ("with", "only")], line) if "with" in rest else ()
        return Node("include", line, name=name, bindings=bindings, only=only)

    def _tag_load(self, args: list[str], line: int) -> None:
        return None  # library names, not variables

    def _tag_extends(self, args: list[str], line: int) -> None:
        if args and args[0][:1] in "\"'":
            self.extends = args[0][1:-1]
        return None


# -- following a context variable --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Read:
    """A chain read from a context variable, `("[]", "author", "name")` for
    `{% for b in books %}{{ b.author.name }}` (`ITERATE` marks iterating rows); `rendered`
    when the value is printed as text. `template` is the template's path, `line` 0-based."""

    chain: tuple[str, ...]
    template: str
    line: int
    rendered: bool = False


def effective_nodes(template: Template, load: Callable[[str], Template | None],
                    depth: int = 0) -> tuple[tuple[Item, ...], str]:
    """The nodes Django renders for `template` (its ancestors', with blocks overridden) and
    the path of the template the nodes outside blocks come from."""
    if template.extends is None or depth > MAX_INCLUDE_DEPTH:
        return template.nodes, template.path
    parent = load(template.extends)
    if parent is None:
        return tuple(template.blocks.values()), template.path  # at least the child's own blocks
    nodes, root = effective_nodes(parent, load, depth + 1)
    return _override(nodes, template.blocks), root


def _override(items: tuple[Item, ...], blocks: dict[str, Node]) -> tuple[Item, ...]:
    out: list[Item] = []
    for item in items:
        if isinstance(item, Node):
            if item.kind == "block" and item.name in blocks and blocks[item.name] is not item:
                item = blocks[item.name]
            item = Node(item.kind, item.line, _override(item.body, blocks), _override(item.orelse, blocks),
                        item.targets, item.source, item.bindings, item.name, item.only, item.reads, item.file)
        out.append(item)
    return tuple(out)


# What a project's template filter or tag reads from its arguments: (kind "filter" | "tag",
# name, argument position) -> the chains its function reads from that argument; with kind
# "context", what a `takes_context` tag reads from the template's variables (chains that
# start with the variable's name).
Expand = Callable[[str, str, int], tuple[tuple[str, ...], ...]]


def reads_of(template: Template, names: dict[str, tuple[str, ...]],
             load: Callable[[str], Template | None], expand: Expand | None = None) -> list[Read]:
    """Every chain the template reads from the context variables `names` (variable ->
    prefix: `{"books": ()}` makes `{% for b in books %}{{ b.x }}` read ("[]", "x"));
    `{% with %}`, loop variables and `{% include %}` are followed, and with `expand` what the
    project's own filters and tags read from the values given to them
    (`{{ b|byline }}`, `{% book_card b %}`)."""
    found: list[Read] = []
    nodes, path = effective_nodes(template, load)
    _follow(nodes, dict(names), path, load, found, 0, expand)
    return found


def _resolve(var: Var, env: dict[str, tuple[str, ...] | None]) -> tuple[str, ...] | None:
    prefix = env.get(var.path[0])
    if prefix is None:
        return None
    rest = var.path[1:]
    if "length" in var.filters or "first" in var.filters or "last" in var.filters:
        rest += ("all",)  # |length on a manager's queryset evaluates it
    return prefix + rest


def _follow(items, env, path, load, found, depth, expand: Expand | None = None) -> None:
    for item in items:
        if isinstance(item, Var):
            chain = _resolve(item, env)
            if chain is not None:
                rendered = item.rendered and all(f in _TEXT_FILTERS for f in item.filters)
                found.append(Read(chain, path, item.line, rendered))
                if expand is not None and item.filters:  # the first filter gets the value itself
                    found.extend(Read(chain + more, path, item.line) for more in expand("filter", item.filters[0], 0))
            continue
        for var in (item.source, *item.reads, *(v for _, v in item.bindings)):
            if var is not None:
                chain = _resolve(var, env)
                if chain is not None:
                    found.append(Read(chain, path, var.line))
        if expand is not None and item.kind == "other" and item.name:
            for position, var in enumerate(item.reads):
                chain = _resolve(var, env)
                if chain is not None:
                    found.extend(Read(chain + more, path, var.line) for more in expand("tag", item.name, position))
            for read in expand("context", item.name, 0):  # a `takes_context` tag reads the variables itself
                prefix = env.get(read[0])
                if prefix is not None:
                    found.append(Read(prefix + read[1:], path, item.line))
        inner = dict(env)
        if item.kind == "if" and len(item.reads) == 1 and item.reads[0].path in _ONCE_PER_LOOP:
            _follow(item.orelse, env, path, load, found, depth, expand)  # the body runs for one row only
            continue
        if item.kind == "for" and item.source is not None:
            chain = _resolve(item.source, env)
            for target in item.targets:  # `for a, b in pairs`: the names are not rows
                inner[target] = chain + (ITERATE,) if chain is not None and len(item.targets) == 1 else None
        elif item.kind == "with":
            for name, var in item.bindings:
                inner[name] = _resolve(var, env)
        elif item.kind == "include":
            if depth < MAX_INCLUDE_DEPTH and item.name:
                included = load(item.name)
                if included is not None:
                    scope = {} if item.only else dict(env)
                    for name, var in item.bindings:
                        scope[name] = _resolve(var, env)
                    nodes, root = effective_nodes(included, load)
                    _follow(nodes, scope, root, load, found, depth + 1, expand)
            continue
        _follow(item.body, inner, item.file or path, load, found, depth, expand)
        _follow(item.orelse, env, path, load, found, depth, expand)
