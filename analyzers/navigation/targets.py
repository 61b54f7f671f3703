"""What the name at a position denotes: a lookup path of some model, a URL name, a template
name or a setting — from a Python file that may not parse (through `cursor.py`) or from a
template (`{% url %}`, `{% extends %}`, `{% include %}`).

The model of a path comes from the last good facts of the project and, inside a function,
from the local assignments written before the statement being edited.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Call, dotted_name
from django_expert.analyzers.navigation import calls
from django_expert.analyzers.navigation.cursor import CallSite, Context, context_at, function_text
from django_expert.analyzers.navigation.lookups import FILTER, Source, strip_prefix
from django_expert.analyzers.navigation.querysource import class_source, receiver_source, split_method
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.project.query_source import Locals
from django_expert.analyzers.project.querysets import ExpressionValues, Flow, qualifier

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import FileFacts
    from django_expert.analyzers.project.model import ProjectModel

PATH, URL, TEMPLATE, SETTING = "path", "url", "template", "setting"


@dataclass(frozen=True, slots=True)
class Target:
    """`kind` PATH (with `source` and `mode`), URL, TEMPLATE or SETTING. `text` is the whole
    name (for a path: without its `-`/`^` sign), starting at offset `start`; `cursor` is the
    cursor's offset; `quoted` whether it sits in a string literal (else a keyword name or
    an attribute)."""

    kind: str
    text: str
    start: int
    cursor: int
    source: Source | None = None
    mode: str = FILTER
    quoted: bool = True
    call: CallSite | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def prefix(self) -> str:
        return self.text[: max(self.cursor - self.start, 0)]


def target_at(project: ProjectModel | None, facts: FileFacts | None, text: str, offset: int) -> Target | None:
    """The target at an offset of a Python file (None: nothing Django-specific)."""
    context = context_at(text, offset)
    if context is None or project is None or facts is None:
        return None
    return _Classifier(project, facts, text, context).target()


class _Classifier:
    def __init__(self, project: ProjectModel, facts: FileFacts, text: str, context: Context) -> None:
        self.project = project
        self.facts = facts
        self.text = text
        self.context = context
        self.qualify = _qualifier(facts, text)
        self.values = ExpressionValues(self.qualify)
        self._flow: Flow | None = None

    def target(self) -> Target | None:
        context = self.context
        if context.kind == "attribute":
            if self.qualify(context.receiver) == calls.SETTINGS:
                return Target(SETTING, context.value, context.start, context.cursor, quoted=False)
            return None
        if context.kind == "keyword":
            return self._keyword()
        if context.call is not None:
            return self._string_in_call(context.call, 0)
        return self._class_attribute()

    # -- keyword names

    def _keyword(self) -> Target | None:
        context = self.context
        site = context.call
        node = site.expression() if site is not None else None
        if node is None:
            return None
        function = self._dotted(node.func)
        if function in calls.OVERRIDE_SETTINGS:
            return Target(SETTING, context.value, context.start, context.cursor, quoted=False, call=site)
        if function is not None and calls.expression_name(function) in calls.Q_NAMES:
            source = self._outer_source(1)
            return self._path(context.value, context.start, source, FILTER, quoted=False, call=site)
        method = _method_name(node)
        if method in calls.KEYWORD_METHODS and context.value not in calls.NOT_LOOKUPS:
            source = self._receiver(node)
            return self._path(context.value, context.start, source, FILTER, quoted=False, call=site)
        return None

    # -- strings given to a call

    def _string_in_call(self, site: CallSite, depth: int) -> Target | None:
        context = self.context
        node = site.expression()
        if node is None:
            return None
        function = self._dotted(node.func)
        start, value = context.start, context.value
        if function is not None:
            expression = calls.expression_name(function)
            if expression is not None and expression not in calls.Q_NAMES and site.argument == 0 and \
                    site.keyword is None and not site.container:
                mode = calls.EXPRESSIONS[expression]
                if mode is None:
                    return None
                return self._path(value, start, self._outer_source(depth + 1), mode, call=site)
            if function in calls.URL_FUNCTIONS and site.argument == 0 and site.keyword is None:
                return Target(URL, value, start, context.cursor, call=site)
            template = calls.template_function(function)
            if template is not None and (site.keyword == template[1] or
                                         (site.keyword is None and site.argument == template[0])):
                return Target(TEMPLATE, value, start, context.cursor, call=site)
            if function in calls.SETTING_READERS and site.argument == 1 and self._first_argument_is_settings(site):
                return Target(SETTING, value, start, context.cursor, call=site)
        method = _method_name(node)
        mode = calls.method_mode(method, site.argument, site.keyword) if method else None
        if mode is not None and site.keyword is None:
            return self._path(value, start, self._receiver(node), mode, call=site)
        return None

    def _first_argument_is_settings(self, site: CallSite) -> bool:
        head = self.text[site.open + 1:self.context.start].split(",", 1)[0].strip()
        return self.qualify(head) == calls.SETTINGS

    # -- class attributes

    def _class_attribute(self) -> Target | None:
        context = self.context
        name = context.assignment
        if name is None or not context.classes:
            return None
        found = class_source(self.project, self.facts, context.classes)
        kind = found[0] if found else self._class_kind(context.classes)
        table = {"meta": calls.META_ATTRIBUTES, "admin": calls.ADMIN_ATTRIBUTES, "view": calls.VIEW_ATTRIBUTES}
        attribute = table.get(kind or "", {}).get(name)
        if attribute is None:
            return None
        if attribute.kind == "template":
            return Target(TEMPLATE, context.value, context.start, context.cursor)
        if attribute.kind == "url":
            return Target(URL, context.value, context.start, context.cursor)
        return self._path(context.value, context.start, found[1] if found else None, attribute.mode)

    def _class_kind(self, names: list[str]) -> str | None:
        if names[0] == "Meta":
            return "meta"
        qualname = f"{self.facts.module}.{names[0]}"
        mro = self.project.mro(qualname)
        if any(base in mro for base in calls.VIEW_BASES):
            return "view"
        if any(base in mro for base in calls.ADMIN_BASES):
            return "admin"
        return None

    # -- sources

    def _path(self, value: str, start: int, source: Source | None, mode: str, quoted: bool = True,
              call: CallSite | None = None) -> Target:
        path, shift = strip_prefix(value, mode)
        return Target(PATH, path, start + shift, self.context.cursor, source, mode, quoted, call)

    def _receiver(self, node: ast.Call) -> Source | None:
        value = self.values(node)
        if not isinstance(value, Call):
            return None
        receiver, _ = split_method(value)
        return receiver_source(self.flow(), receiver)

    def _outer_source(self, start: int) -> Source | None:
        """The queryset an expression (`F(...)`, `Q(...)`) is given to: the nearest enclosing
        queryset method call."""
        for site in self.context.calls[start:]:
            node = site.expression()
            if node is None:
                continue
            method = _method_name(node)
            if method in calls.QUERY_METHODS:
                return self._receiver(node)
            if method in ("prefetch_related",):
                return self._receiver(node)
        return None

    def flow(self) -> Flow:
        if self._flow is None:
            classes = self.context.classes
            cls = f"{self.facts.module}.{classes[0]}" if len(classes) == 1 else None
            self._flow = Flow(self.project, self.facts.module, cls, self._locals(), None, cls)
        return self._flow

    def _locals(self):
        source = function_text(self.text, self.context)
        if source is None:
            return None
        try:
            tree = parse_module(source)
        except (SyntaxError, ValueError, RecursionError):
            return None
        function = tree.body[0] if tree.body else None
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        return Locals(function, self.values)

    def _dotted(self, node: ast.expr) -> str | None:
        name = dotted_name(node)
        return self.qualify(name) if name else None


def instance_model(project: ProjectModel, facts: FileFacts, text: str, offset: int, node: ast.expr):
    """The model of the one object an expression holds at `offset` in a function (a local
    assigned from `.get()`, `.first()`, a loop over a queryset), as the query flow follows it;
    None for a queryset or what it cannot follow."""
    context = context_at(text, offset)
    if context is None:
        return None
    classifier = _Classifier(project, facts, text, context)
    rows = classifier.flow().rows(classifier.values(node), 1 << 30)
    return rows.model if rows is not None and not rows.many else None


def qualify_names(facts: FileFacts, text: str):
    """`dotted -> qualified name` through the file's imports as the text has them now."""
    return _qualifier(facts, text)


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]|import[ \t])", re.MULTILINE)


def _qualifier(facts: FileFacts, text: str):
    """Qualify names through the file's imports as they are now (the text may import names
    its last good facts do not know yet), else as the facts know them."""
    from django_expert.analyzers.facts.extract import resolve_relative

    known = qualifier(facts)
    imports: dict[str, str] = {}
    for match in _IMPORT.finditer(text):
        end = text.find("\n", match.end())
        statement = text[match.start():end if end >= 0 else len(text)].strip()
        if statement.endswith("(") or "(" in statement and ")" not in statement:
            close = text.find(")", match.end())
            statement = text[match.start():close + 1].strip() if close >= 0 else statement
        try:
            node = ast.parse(statement.rstrip("\\")).body[0]
        except (SyntaxError, ValueError, IndexError):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imports[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(facts.module, facts.is_package, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name

    def qualify(dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in imports:
            return f"{imports[head]}.{rest}" if rest else imports[head]
        return known(dotted)

    return qualify


def _method_name(node: ast.Call) -> str | None:
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


# -- templates ----------------------------------------------------------------------------------------

_TAG = re.compile(r"{%-?\s*(?P<tag>url|extends|include)\s+(?P<quote>[\"'])(?P<name>[^\"'\n%]*)(?P<close>[\"']?)")


def template_target_at(text: str, offset: int) -> Target | None:
    """A URL or template name in a `{% url %}`, `{% extends %}` or `{% include %}` tag."""
    line_start = text.rfind("\n", 0, offset) + 1
    opening = text.rfind("{%", line_start, offset)
    if opening < 0:
        return None
    closing = text.find("%}", opening, offset)
    if closing >= 0:
        return None
    match = _TAG.match(text, opening)
    if match is None:
        return None
    start, end = match.start("name"), match.end("name")
    if not start <= offset <= end:
        return None
    kind = URL if match.group("tag") == "url" else TEMPLATE
    return Target(kind, match.group("name"), start, offset)


_TAG_ARGS = re.compile(r"{%-?\s*url\s+(?P<body>.*?)-?%}", re.DOTALL)
_BIT = re.compile(r"\"[^\"]*\"|'[^']*'|\S+")


@dataclass(frozen=True, slots=True)
class TemplateUrl:
    """A `{% url %}` tag: its name (None when not a literal), arguments, and the name's offsets."""

    name: str | None
    start: int
    end: int
    args: int
    kwargs: tuple[str, ...]


def template_urls(text: str) -> list[TemplateUrl]:
    """Every `{% url "name" ... %}` of a template (`as var` excluded from the arguments)."""
    found = []
    for match in _TAG_ARGS.finditer(text):
        body = match.group("body")
        bits = [(m.group(), match.start("body") + m.start()) for m in _BIT.finditer(body)]
        if not bits:
            continue
        first, position = bits[0]
        rest = [b for b, _ in bits[1:]]
        if len(rest) >= 2 and rest[-2] == "as":
            rest = rest[:-2]
        name = first[1:-1] if len(first) >= 2 and first[0] == first[-1] and first[0] in "\"'" else None
        kwargs = tuple(b.split("=", 1)[0] for b in rest if re.match(r"^\w+=", b))
        args = sum(1 for b in rest if not re.match(r"^\w+=", b))
        found.append(TemplateUrl(name, position + 1, position + 1 + len(name or ""), args, kwargs))
    return found

