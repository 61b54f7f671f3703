"""The places of a parsed file where Django takes a name, for the rules that validate them:
lookup paths (keyword names of `filter()`/`Q()`/`get_object_or_404()`, strings given to
`order_by()`/`values()`/`select_related()`/`F()`/aggregates, `Meta.ordering`, admin and
DRF view attributes), URL names (`reverse()`, `redirect()`, ...), template names
(`render()`, `template_name`) and settings (`settings.X`).

Each site carries the span of the name itself (inside the quotes, or the keyword), so a
finding points at the segment and a fix replaces exactly it. A string whose source text is
not its value (escapes, implicit concatenation) gets no site.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Ref, dotted_name
from django_expert.analyzers.navigation import calls
from django_expert.analyzers.navigation.lookups import FILTER, PREFETCH, Source, strip_prefix
from django_expert.analyzers.navigation.querysource import class_source, receiver_source, rows_source
from django_expert.analyzers.project.query_source import SourceFlows
from django_expert.analyzers.project.querysets import Flow
from django_expert.analyzers.source import Span

if TYPE_CHECKING:
    from django_expert.analyzers.rules.context import RuleContext

_SHORTCUTS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404"})
# Methods whose argument expressions (F(), aggregates, Q()) belong to the queryset they are called on.
_EXPRESSION_METHODS = frozenset({"filter", "exclude", "get", "annotate", "alias", "aggregate", "update", "order_by",
                                 "values", "values_list", "get_or_create", "update_or_create"})
_QUERYSET_CALLS = calls.QUERY_METHODS | {"objects"}
# What a line mentions when it may hold a site: a queryset method call, a shortcut, a URL or
# template function, `settings.`, an expression class. Every branch starts with a literal
# character (`r(?<!\wr)everse` is `\breverse`, `s(?<![\w.]s)ettings` is `(?<![\w.])settings`):
# then the regex engine skips to the positions where one can start instead of trying each
# branch at every character, 4-5x faster over a file (0.35 s of pretix's cold check).
_INTERESTING = re.compile(
    r"\.(?:filter|exclude|order_by|values_list|only|defer|select_related|prefetch_related|distinct|latest|"
    r"earliest|dates|datetimes|annotate|alias|aggregate)\s*\("
    r"|\.(?:get|get_or_create|update_or_create|update|values)\s*\(\s*(?:\w+\s*=|Q\(|[\"'])"
    r"|_or_404|r(?<!\wr)everse(?:_lazy)?\s*\(|redirect\s*\(|resolve_url"
    r"|r(?<!\wr)ender(?:_to_string|_to_response)?\s*\("
    r"|get_template|select_template|template_name|TemplateResponse|s(?<![\w.]s)ettings\.[A-Z]")
_ASSIGNED = re.compile(r"(?m)^[ \t]*([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
             *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


@dataclass(frozen=True, slots=True)
class PathSite:
    path: str  # without its `-`/`^` sign
    span: Span  # of the path text
    mode: str
    source: Source
    validate: bool = True


@dataclass(frozen=True, slots=True)
class NameSite:
    """A URL, template or setting name: `node` is the call (URLs: its arguments matter) or
    the attribute node."""

    kind: str  # "url" | "template" | "setting"
    name: str
    span: Span
    node: ast.AST
    plain_url_allowed: bool = False  # redirect()/resolve_url(): a string with "/" or "." is a URL


class Sites:
    """The sites of one file, found in one walk of its tree (on first use)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.project = ctx.project
        self.flows = SourceFlows(ctx.project, ctx.facts, ctx.tree)
        self.qualify = self.flows.values.qualify
        self._flows: dict[tuple[int, str | None], Flow] = {}

    # -- the walk

    @classmethod
    def of(cls, ctx: RuleContext) -> Sites:
        """The sites of the file being checked, found once for all the rules that read them."""
        found = ctx.__dict__.get("_navigation_sites")
        if found is None or found.ctx is not ctx:
            found = ctx.__dict__["_navigation_sites"] = cls(ctx)
        return found

    @cached_property
    def _scoped(self) -> list[tuple[ast.AST, ast.FunctionDef | None, str | None]]:
        """Every node of the statements that may hold a site (their lines mention a name of
        interest), with the function and top-level class around it. Statements on other lines
        are not visited at all: most of a file never needs its nodes."""
        found: list[tuple[ast.AST, ast.FunctionDef | None, str | None]] = []
        module = self.ctx.module
        text, lines, line, last = self.ctx.text, [], 1, 0
        for match in _INTERESTING.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            if not lines or lines[-1] != line:
                lines.append(line)
        if not lines:
            return found

        def touches(node: ast.AST) -> bool:
            start, end = node.lineno, getattr(node, "end_lineno", None) or node.lineno
            index = bisect.bisect_left(lines, start)
            return index < len(lines) and lines[index] <= end

        def expressions(nodes, function, cls) -> None:
            for node in nodes:
                if node is not None and touches(node):
                    found.extend((item, function, cls) for item in _walk(node))

        def body(statements, function, cls) -> None:
            for statement in statements:
                if not touches(statement):
                    continue
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    expressions(statement.decorator_list, function, cls)
                    body(statement.body, statement, cls)
                elif isinstance(statement, ast.ClassDef):
                    expressions([*statement.decorator_list, *statement.bases], function, cls)
                    body(statement.body, None, f"{module}.{statement.name}" if function is None and cls is None
                         else None)
                elif isinstance(statement, _COMPOUND):
                    for name, value in ast.iter_fields(statement):
                        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                            body(value, function, cls)
                        elif isinstance(value, list) and value and isinstance(value[0], ast.excepthandler):
                            for handler in value:
                                body(handler.body, function, cls)
                        elif isinstance(value, list) and value and isinstance(value[0], ast.withitem):
                            expressions([item.context_expr for item in value], function, cls)
                        elif isinstance(value, list) and value and isinstance(value[0], ast.match_case):
                            for case in value:
                                body(case.body, function, cls)
                        elif isinstance(value, ast.expr) and name != "target":
                            expressions([value], function, cls)
                else:
                    expressions([statement], function, cls)

        body(self.ctx.tree.body, None, None)
        return found

    def _flow(self, function, cls) -> Flow:
        """A Flow for code in `function` (of class `cls`); the function's local variables are
        only collected if a receiver turns out to be one."""
        key = (id(function), cls)
        flow = self._flows.get(key)
        if flow is None:
            names = _LazyLocals(self.flows, function, self.ctx.lines) if function is not None else None
            flow = self._flows[key] = Flow(self.project, self.ctx.module, cls, names, self.flows.bodies, cls)
        return flow

    # -- lookup paths

    def paths(self) -> Iterator[PathSite]:
        for node, function, cls in self._scoped:
            if isinstance(node, ast.Call):
                yield from self._call_paths(node, function, cls)
        yield from self._class_paths()

    def _call_paths(self, node: ast.Call, function, cls) -> Iterator[PathSite]:
        func = node.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            wanted = method in calls.KEYWORD_METHODS or method in calls.STRING_METHODS or \
                method in calls.FIRST_ARGUMENT_METHODS or method in _EXPRESSION_METHODS
            if not wanted:
                return
            source = self._receiver(node, function, cls)
            if source is None:
                return
            if method in calls.KEYWORD_METHODS:
                yield from self._keywords(node, source)
            for index, argument in enumerate(node.args):
                mode = calls.method_mode(method, index, None)
                if mode is not None:
                    yield from self._string(argument, mode, source)
                    if mode == PREFETCH:
                        yield from self._prefetch(argument, source)
            if method in _EXPRESSION_METHODS:
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    yield from self._expressions(argument, source)
            return
        name = dotted_name(func)
        if name and self.qualify(name) in _SHORTCUTS and node.args:
            source = self._model_argument(node.args[0], function, cls)
            if source is not None:
                yield from self._keywords(node, source)

    def _receiver(self, node: ast.Call, function, cls) -> Source | None:
        """The source of `receiver.method(...)`: only the receiver is turned into a Value (the
        call's own arguments can be large and do not matter here)."""
        if not isinstance(node.func, ast.Attribute):
            return None
        receiver = self.flows.values(node.func.value)
        return receiver_source(self._flow(function, cls), receiver, node.lineno)

    def _model_argument(self, node: ast.expr, function, cls) -> Source | None:
        value = self.flows.values(node)
        if isinstance(value, Ref):
            model = self.project.model(value.name, self.ctx.module)
            if model is not None:
                flow = self._flow(function, cls)
                return rows_source(flow.manager_rows(model))
        return receiver_source(self._flow(function, cls), value, node.lineno)

    def _keywords(self, node: ast.Call, source: Source) -> Iterator[PathSite]:
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg in calls.NOT_LOOKUPS:
                continue
            line = keyword.lineno - 1
            column = self.ctx.lines.column(keyword.lineno, keyword.col_offset)
            if self.ctx.lines.line(line)[column:column + len(keyword.arg)] == keyword.arg:
                yield PathSite(keyword.arg, Span.of(line, column, line, column + len(keyword.arg)), FILTER, source)
        for argument in node.args:
            yield from self._q_objects(argument, source)

    def _q_objects(self, node: ast.expr, source: Source) -> Iterator[PathSite]:
        """Keyword names of `Q(...)` objects combined with `|`, `&`, `~`."""
        if isinstance(node, ast.BinOp):
            yield from self._q_objects(node.left, source)
            yield from self._q_objects(node.right, source)
        elif isinstance(node, ast.UnaryOp):
            yield from self._q_objects(node.operand, source)
        elif isinstance(node, ast.Call) and self._expression(node) in calls.Q_NAMES:
            yield from self._keywords(node, source)

    def _expressions(self, node: ast.expr, source: Source) -> Iterator[PathSite]:
        """`F("...")` and aggregates inside an argument, not entering nested querysets."""
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.Lambda):
                continue
            if isinstance(item, ast.Call):
                if isinstance(item.func, ast.Attribute) and item.func.attr in _QUERYSET_CALLS:
                    continue
                name = self._expression(item)
                if name is not None and name not in calls.Q_NAMES and item.args:
                    mode = calls.EXPRESSIONS.get(name)
                    if mode is not None and mode != PREFETCH and name != "FilteredRelation":
                        yield from self._string(item.args[0], mode, source)
                if name in ("Subquery", "Exists", "OuterRef"):
                    continue
            stack.extend(ast.iter_child_nodes(item))

    def _prefetch(self, node: ast.expr, source: Source) -> Iterator[PathSite]:
        if isinstance(node, ast.Call) and self._expression(node) == "Prefetch" and node.args and \
                not any(k.arg == "to_attr" for k in node.keywords):
            yield from self._string(node.args[0], PREFETCH, source)

    def _expression(self, node: ast.Call) -> str | None:
        name = dotted_name(node.func)
        return calls.expression_name(self.qualify(name)) if name else None

    def _string(self, node: ast.expr, mode: str, source: Source, validate: bool = True) -> Iterator[PathSite]:
        found = self.string_span(node)
        if found is None:
            return
        text, span = found
        path, shift = strip_prefix(text, mode)
        if path in ("?", "", "*", "__all__"):  # random order, Count("*"), DRF's "all fields"
            return
        start = span.start
        yield PathSite(path, Span.of(start.line, start.column + shift, start.line, start.column + len(text)), mode,
                       source, validate)

    def _class_paths(self) -> Iterator[PathSite]:
        for node in self.ctx.tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            for names, body in _class_bodies(node):
                found = class_source(self.project, self.ctx.facts, names)
                if found is None or found[1] is None:
                    continue
                kind, source = found
                table = {"meta": calls.META_ATTRIBUTES, "admin": calls.ADMIN_ATTRIBUTES,
                         "view": calls.VIEW_ATTRIBUTES}[kind]
                for statement in body:
                    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1 or \
                            not isinstance(statement.targets[0], ast.Name):
                        continue
                    attribute = table.get(statement.targets[0].id)
                    if attribute is None or attribute.mode is None:
                        continue
                    values = statement.value.elts if isinstance(statement.value, (ast.List, ast.Tuple)) else (
                        list(statement.value.keys) if isinstance(statement.value, ast.Dict) else [statement.value])
                    for value in values:
                        if value is not None:
                            yield from self._string(value, attribute.mode, source, attribute.validate)

    # -- names: URLs, templates, settings

    def names(self) -> Iterator[NameSite]:
        for node, _function, _cls in self._scoped:
            if isinstance(node, ast.Call):
                yield from self._call_names(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                base = dotted_name(node.value)
                if base and self.qualify(base) == calls.SETTINGS:
                    line = node.end_lineno - 1
                    end = self.ctx.lines.column(node.end_lineno, node.end_col_offset)
                    if self.ctx.lines.line(line)[end - len(node.attr):end] == node.attr:
                        yield NameSite("setting", node.attr, Span.of(line, end - len(node.attr), line, end), node)
        yield from self._class_names()

    def _call_names(self, node: ast.Call) -> Iterator[NameSite]:
        name = dotted_name(node.func)
        if not name:
            return
        function = self.qualify(name)
        if function in calls.URL_FUNCTIONS:
            first = node.args[0] if node.args else next((k.value for k in node.keywords
                                                         if k.arg in ("viewname", "to")), None)
            found = self.string_span(first) if first is not None else None
            if found is not None:
                yield NameSite("url", found[0], found[1], node, calls.URL_FUNCTIONS[function])
            return
        template = calls.template_function(function)
        if template is not None:
            position, keyword = template
            argument = node.args[position] if len(node.args) > position else next(
                (k.value for k in node.keywords if k.arg == keyword), None)
            for item in (argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]):
                found = self.string_span(item) if item is not None else None
                if found is not None:
                    yield NameSite("template", found[0], found[1], node)

    def _class_names(self) -> Iterator[NameSite]:
        for node in self.ctx.tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            mro = self.project.mro(f"{self.ctx.module}.{node.name}")
            if not any(base in mro for base in calls.VIEW_BASES):
                continue
            for statement in node.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                        isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == "template_name":
                    found = self.string_span(statement.value)
                    if found is not None:
                        yield NameSite("template", found[0], found[1], statement)

    # -- strings

    def string_span(self, node: ast.expr) -> tuple[str, Span] | None:
        """(value, span of the value's text) of a one-line string literal written plainly."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or node.lineno != node.end_lineno:
            return None
        line = self.ctx.lines.line(node.lineno - 1)
        start = self.ctx.lines.column(node.lineno, node.col_offset)
        end = self.ctx.lines.column(node.end_lineno, node.end_col_offset)
        source = line[start:end]
        prefix = len(source) - len(source.lstrip("rRbBuUfF"))
        quote = 3 if source[prefix:prefix + 3] in ('"""', "'''") else 1
        inner = source[prefix + quote:len(source) - quote]
        if inner != node.value:
            return None
        column = start + prefix + quote
        return node.value, Span.of(node.lineno - 1, column, node.lineno - 1, column + len(inner))


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` (breadth first) without the context and operator nodes nobody reads."""
    queue = deque([node])
    while queue:
        item = queue.popleft()
        yield item
        for name in item._fields:
            value = getattr(item, name, None)
            if isinstance(value, list):
                queue.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, _LEAVES))
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                queue.append(value)


class _LazyLocals:
    """`Locals` of a function, built only for a name the function's text assigns (`name =`):
    most receivers are models or `self`, and collecting a function's locals walks all of it."""

    def __init__(self, flows: SourceFlows, function, lines) -> None:
        self._flows = flows
        self._function = function
        self._lines = lines
        self._assigned: set[str] | None = None

    def __call__(self, name: str, line: int):
        if self._assigned is None:
            end = getattr(self._function, "end_lineno", None) or self._function.lineno
            text = "\n".join(self._lines.line(n) for n in range(self._function.lineno - 1, end))
            self._assigned = set(_ASSIGNED.findall(text))
        if name not in self._assigned:
            return None  # never assigned plainly: Locals would not know it either
        return self._flows.locals_of(self._function)(name, line)


def _class_bodies(node: ast.ClassDef) -> Iterator[tuple[list[str], list[ast.stmt]]]:
    yield [node.name], node.body
    for item in node.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            yield ["Meta", node.name], item.body
