"""FileFacts: what one file declares that other files need.

Facts are generic and cheap to extract (classes, functions, module statements, calls,
imports, and a summary of each function body); the ProjectModel interprets them as models, serializers, views, URL patterns,
admin registrations, settings, migrations and tasks. They are frozen and hashable and
hold no positions, so an edit that moves code or changes a function body leaves them
equal (early cutoff). Positions live beside them in `Locations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django_expert.analyzers.facts.values import Call, Value
from django_expert.analyzers.source import Span


@dataclass(frozen=True, slots=True)
class ImportFact:
    """A name bound by an import: `local` refers to the qualified `target`.

    `from x import *` is recorded with local="*" and target the module.
    """

    local: str
    target: str


@dataclass(frozen=True, slots=True)
class MethodFact:
    name: str
    decorators: tuple[str, ...]  # qualified names ("property", "django.utils.decorators.method_decorator")
    is_async: bool = False
    # get_queryset & co.: the expression of a single-`return` body; a serializer's
    # build_relational_field: the expression of its only `return`, whatever precedes it.
    returns: Value | None = None
    # Attribute chains the method reads from its object parameter (`obj.customer.name` ->
    # "customer.name"; loops follow: `for i in self.items.all(): i.product` -> "items.all.product"),
    # for `__str__`, properties and `get_<x>` methods only (see extract._reads).
    reads: tuple[str, ...] = ()
    # Decorators written as calls, with their arguments: DRF's `@action(detail=True, url_path=...)`
    # decides the routes a router generates.
    decorator_calls: tuple[Call, ...] = ()
    # `__init__` only: its parameter names (a field class taking `default` itself may convert it).
    params: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassFact:
    name: str
    bases: tuple[str, ...]  # qualified dotted names, as resolved through imports
    attrs: tuple[tuple[str, Value], ...]  # class-level assignments, in source order
    methods: tuple[MethodFact, ...]
    meta: tuple[tuple[str, Value], ...] | None  # `class Meta:` assignments; None without Meta
    meta_bases: tuple[str, ...] = ()  # `class Meta(Base.Meta)`
    decorators: tuple[Value, ...] = ()  # Ref or Call: `@admin.register(Order)`
    keywords: tuple[tuple[str, Value], ...] = ()  # class keywords (metaclass=...)
    # The body has `if`/`try` blocks at class level (wagtail's `if swapper.is_swapped(...):
    # basepage_ptr = ... else: page_ptr = ...`): attributes set there are not in `attrs`.
    conditional: bool = False

    def attr(self, name: str) -> Value | None:
        """The last value assigned to a class attribute, else None."""
        for key, value in reversed(self.attrs):
            if key == name:
                return value
        return None

    def meta_attr(self, name: str) -> Value | None:
        for key, value in reversed(self.meta or ()):
            if key == name:
                return value
        return None

    def method(self, name: str) -> MethodFact | None:
        return next((m for m in self.methods if m.name == name), None)


@dataclass(frozen=True, slots=True)
class FunctionFact:
    name: str
    decorators: tuple[Value, ...]  # Ref or Call
    is_async: bool
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pass:
    """A parameter (or a chain read from it) handed to another function:
    `label(row.customer)` inside `def f(row)` is Pass("app.helpers.label", 0, "row", ("customer",)).
    `callee` is qualified through imports; "self.x" is a method of the same object."""

    callee: str
    slot: int | str  # the argument's position, or its keyword
    param: str
    chain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    """What a function's body does, position-free (see `facts/summaries.py`): what it
    returns, which chains it reads from each parameter, which parameters it passes to which
    functions, the queries it runs, which parameters reach SQL, a shell command or a
    redirect, and which queries it narrows by the requesting user."""

    params: tuple[str, ...]
    returns: tuple[Value, ...] = ()
    names: tuple[tuple[str, Value], ...] = ()  # local names its returns use, each assigned once
    reads: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (parameter, chain)
    passes: tuple[Pass, ...] = ()
    # ORM calls the body runs (`shop.models.Customer.objects.get`, qualified), and every
    # function it calls by name: with the callees' own, the queries one call runs.
    queries: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    # (parameter, "sql" | "shell" | "redirect" | "html" | "code"): its value reaches that sink
    sinks: tuple[tuple[str, str], ...] = ()
    # Query chains narrowed by the requesting user, "root|how" (see `facts/scoping.py`).
    scopes: tuple[str, ...] = ()
    # Fields a manager query filters rows by, "manager|field,~field|loop|one" (`facts/summaries.py`).
    lookups: tuple[str, ...] = ()
    # URL keyword arguments read by name, and whether it may refuse the request (`facts/url_guard.py`).
    url_kwargs: tuple[str, ...] = ()
    refuses: bool = False
    # Functions called only for some values of a parameter, marker first ("!merge:unset:app.perms.grant"),
    # and the constants every call of a function passes ("app.perms.grant|merge=1") (`facts/switches.py`).
    gates: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    # What it calls with the request's body as data (`facts/request_input.py`), and the `self`
    # attributes it sets only on a new row (`facts/creation_only.py`).
    fed_request_data: tuple[str, ...] = ()
    creation_only: tuple[str, ...] = ()

    def sinks_of(self, param: str) -> tuple[str, ...]:
        return tuple(kind for name, kind in self.sinks if name == param)

    def reads_of(self, param: str) -> tuple[tuple[str, ...], ...]:
        return tuple(chain for name, chain in self.reads if name == param)


@dataclass(frozen=True, slots=True)
class Statement:
    """A module-level binding, in order, for the settings evaluator and URL confs.

    kind: "assign" (`X = v`, `X["a"]["b"] = v` with `path`), "augassign" (`X += v`, op),
    "mutate" (`X.append(v)` etc., op = method name, args), "star_import" (name = module),
    "delete" (`del X`), "include" (django-split-settings `include(*args)`, args as written).
    `conditional` marks statements under if/try/for/with; `guard` is, for a statement under
    if/elif/else only, the condition that runs it (`not`, `and`, `==`... as `Call`s named
    by the operator, see `extract._guard`), None when no condition can say.
    """

    kind: str
    name: str
    value: Value | None = None
    op: str = ""
    path: tuple[str, ...] = ()
    args: tuple[Value, ...] = ()
    conditional: bool = False
    guard: Value | None = None


@dataclass(frozen=True, slots=True)
class FileFacts:
    module: str  # dotted module name ("shop.settings.base"); "" outside any package root
    is_package: bool  # an __init__.py
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    statements: tuple[Statement, ...] = ()
    calls: tuple[Call, ...] = ()  # module-level expression-statement calls (admin.site.register, router.register)
    # Function and method summaries by local name ("helper", "Order.label"). Kept out of the
    # "module" and "class" fact keys: each is its own ("summary", qualname) key, so a body
    # edit re-checks only the files that asked for that summary.
    summaries: tuple[tuple[str, Summary], ...] = ()

    def class_(self, name: str) -> ClassFact | None:
        return next((c for c in self.classes if c.name == name), None)

    def summary(self, name: str) -> Summary | None:
        return next((s for n, s in self.summaries if n == name), None)


@dataclass(slots=True)
class Locations:
    """Where facts are, kept apart from them. Keys: "Order", "Order.customer" (attribute),
    "Order.__str__" (method), "Order.Meta", "Order.Meta.ordering", "view_func" (function),
    "stmt:3" (the statement at index 3), "call:0" (module call at index 0)."""

    spans: dict[str, Span] = field(default_factory=dict)

    def get(self, key: str) -> Span | None:
        return self.spans.get(key)
