"""Queryset flow: where a queryset is built, which model its rows are, which relations it
loads, and which relations a read of its rows would still fetch one query at a time.

Two halves:

- `Flow` follows a `Value` (from facts, or from an expression of the file being checked)
  back to the manager it starts from — `Book.objects...`, a custom manager or QuerySet
  method, `self.get_queryset()` / `super().get_queryset()` / `self.queryset` of a view,
  `get_object_or_404`, a related manager `author.books`, a local variable — and applies
  `select_related` / `prefetch_related` (with `Prefetch`) / `only` / `values` / `annotate`
  along the way. Anything it cannot read makes the answer uncertain; rules stay silent then.
- `unloaded()` walks attribute chains read from the rows (`("[]", "author", "name")`)
  through the models' relations, properties and `__str__`, and returns the lookups that
  are fetched once per row and not loaded by the queryset.

Chains: segments are attribute names; `ITERATE` ("[]") iterates a queryset; `all`,
`count`, `exists` are manager calls; an attribute read on a queryset iterates it implicitly
(`for i in self.items.all(): i.product` is read as "items.all.product").
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.chains import GUARD, OFF, QUERY_METHODS
from django_expert.analyzers.facts.types import FileFacts
from django_expert.analyzers.facts.values import Call, Ref, Value, ValueBuilder, string
from django_expert.analyzers.project.templates import ITERATE

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

MANAGER = "django.db.models.Manager"
QUERYSET = "django.db.models.QuerySet"
_ROW_METHODS = frozenset({"all", "filter", "exclude", "order_by", "distinct", "reverse", "using", "select_for_update",
                          "complex_filter", "alias", "annotate", "select_related", "prefetch_related", "only",
                          "defer", "values", "values_list", "iterator", "extra", "none", "get_queryset", "fetch_mode"})
_ONE_METHODS = frozenset({"get", "first", "last", "latest", "earliest"})
_GET_OBJECT = frozenset({"django.shortcuts.get_object_or_404"})
INSTANCE = "<instance>"  # Call(INSTANCE, (Ref(model),)): a parameter annotated with a model class
_GET_LIST = frozenset({"django.shortcuts.get_list_or_404"})
_SAME_ROWS = frozenset({"list", "sorted", "tuple", "reversed"})
_PAGE_METHODS = frozenset({".get_page", ".page"})
_MAX_DEPTH = 12
# Manager and QuerySet classes of Django whose get_queryset() loads nothing extra.
PLAIN_MANAGERS = frozenset({
    MANAGER, QUERYSET, "django.db.models.manager.Manager", "django.db.models.manager.BaseManager",
    "django.db.models.query.QuerySet", "object", "django.contrib.auth.models.UserManager",
    "django.contrib.auth.base_user.BaseUserManager", "django.db.models.manager.BaseManager.from_queryset",
    "typing.Generic",
})
SELECT_ALL_DEPTH = 5  # select_related() without fields follows non-null foreign keys this deep


@dataclass(frozen=True)
class Loads:
    """What a queryset loads with its rows. `loaded` holds attribute paths
    ("author", "author__publisher"), closed under prefixes; `to_attr` maps a
    `Prefetch(to_attr=...)` path to the lookup path it lists."""

    loaded: frozenset[str] = frozenset()
    select_all: bool = False
    annotations: frozenset[str] = frozenset()
    to_attr: tuple[tuple[str, str], ...] = ()
    certain: bool = True
    values: bool = False  # values()/values_list(): rows are dicts or tuples, not instances
    deferred: bool = False  # only()/defer()
    iterator: bool = False  # iterator() without chunk_size: prefetch_related is refused
    # Django 6.1's `fetch_mode(models.FETCH_PEERS | RAISE | FETCH_ONE)`: with FETCH_PEERS a
    # foreign key or one-to-one read on one row fetches it for all the rows at once (no N+1);
    # with RAISE an unloaded one raises FieldFetchBlocked. Related managers are unaffected.
    fetch_mode: str = ""
    scoped: bool = False  # rows of one object's related manager (`order.payments.all()`): filtered by an indexed key

    def union(self, other: Loads) -> Loads:
        """What either of two querysets loads (for a value built differently on two paths)."""
        merged = self.merge(other)
        return replace(merged, select_all=self.select_all or other.select_all,
                       fetch_mode=self.fetch_mode if self.fetch_mode == other.fetch_mode else "",
                       scoped=self.scoped and other.scoped,
                       annotations=self.annotations | other.annotations, values=self.values or other.values,
                       deferred=self.deferred or other.deferred, iterator=self.iterator or other.iterator)

    def add(self, paths: Iterable[str]) -> Loads:
        closed = set(self.loaded)
        for path in paths:
            parts = path.split("__")
            closed.update("__".join(parts[:i]) for i in range(1, len(parts) + 1))
        return replace(self, loaded=frozenset(closed))

    def merge(self, other: Loads, prefix: str = "") -> Loads:
        lead = prefix + "__" if prefix else ""
        merged = self.add(lead + path for path in other.loaded)
        return replace(merged, certain=self.certain and other.certain,
                       to_attr=self.to_attr + tuple((lead + a, lead + p) for a, p in other.to_attr))


@dataclass(frozen=True)
class Rows:
    """Rows of `model`: a queryset (`many`) or one instance; `listed` when they were already
    evaluated into a list or tuple (`list(qs)`, `sorted(qs)`): no queryset method applies."""

    model: ModelInfo
    many: bool
    loads: Loads
    listed: bool = False


@dataclass(frozen=True)
class Hop:
    attr: str  # attribute name on the instance
    lookup: str  # name in a select_related()/prefetch_related() lookup
    single: bool  # forward FK/O2O or reverse O2O: select_related can follow it
    nullable: bool = False
    reverse: bool = False
    back: str = ""  # a reverse foreign key's field on the rows: Django sets it to the owner, no query
    generic: bool = False  # a GenericForeignKey: its rows are of any model (select_related cannot follow it)


@dataclass(frozen=True)
class Need:
    """A relation fetched once per row and not loaded: `hops` from the rows' model."""

    hops: tuple[Hop, ...]
    model: str  # the model the last hop reaches ("library.Publisher")
    owner: str  # the model that declares the last hop's attribute
    chain: tuple[str, ...] = field(default=(), compare=False)
    index: int = field(default=0, compare=False)  # which of the read chains needs it
    via: str = field(default="", compare=False)  # the function (qualname) reading it, if not the code itself
    # Read only past an early return on this attribute of the row (`if self.title: return`):
    # only rows where it is empty fetch the relation.
    guard: str = field(default="", compare=False)
    # The read goes on past a GenericForeignKey into objects of any model: no exact
    # select_related()/prefetch_related() path loads what it reads there.
    polymorphic: bool = field(default=False, compare=False)

    @property
    def path(self) -> str:
        return "__".join(h.attr for h in self.hops)

    @property
    def lookup(self) -> str:
        return "__".join(h.lookup for h in self.hops)

    @property
    def single(self) -> bool:
        return all(h.single for h in self.hops)


# -- following values to their rows ------------------------------------------------------


def qualifier(facts: FileFacts) -> Callable[[str], str]:
    """Qualify a dotted name as the file's extractor would (imports, local classes)."""
    imports = {i.local: i.target for i in facts.imports if i.local != "*"}
    local = {c.name for c in facts.classes} | {f.name for f in facts.functions}

    def qualify(dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in imports:
            target = imports[head]
        elif head in local and facts.module:
            target = f"{facts.module}.{head}"
        else:
            return dotted
        return f"{target}.{rest}" if rest else target

    return qualify


class ExpressionValues(ValueBuilder):
    """ValueBuilder for expressions inside function bodies: a slice `qs[:10]` is the queryset."""

    def __call__(self, node):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self(node.value)
        if isinstance(node, ast.Await):
            return self(node.value)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
            # `get_user_model().objects`: an attribute of a call's result, kept as ATTRIBUTE + name
            return Call(ATTRIBUTE + node.attr, (), (), self(node.value))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Attribute) \
                and isinstance(node.func.value.value, ast.Call):
            return Call("." + node.func.attr, tuple(self(a) for a in node.args),
                        tuple((k.arg or "**", self(k.value)) for k in node.keywords), self(node.func.value))
        return super().__call__(node)


ATTRIBUTE = ".@"  # ExpressionValues: `f().name` is Call(ATTRIBUTE + "name", receiver=f())
_MODEL_GETTERS = frozenset({"django.contrib.auth.get_user_model", "django.apps.apps.get_model"})


class Flow:
    """Follows values to the rows they denote.

    `names(name, line)` resolves a local variable used at `line` to the expression last
    assigned to it before, with that assignment's own line; `cls` is the class `self`
    belongs to (a view, a manager); `bodies(class_qualname, method, cls)` evaluates a method
    of this file whose body is more than one `return` (facts only summarise single returns).
    """

    def __init__(self, project: ProjectModel, module: str, cls: str | None = None,
                 names: Callable[[str, int], tuple[Value, int] | None] | None = None,
                 bodies: Callable[[str, str, str], Rows | None] | None = None,
                 defining: str | None = None, depth: int = 0, default: Rows | None = None) -> None:
        self.project = project
        self.default = default  # what the framework's own get_queryset() returns (an admin's model)
        self.module = module
        self.cls = cls
        self.names = names
        self.bodies = bodies
        self.defining = defining  # the class whose method is being evaluated (for super())
        self.depth = depth

    def _nested(self, module: str, cls: str | None, defining: str | None = None) -> Flow:
        return Flow(self.project, module, cls, None, self.bodies, defining, self.depth, self.default)

    def rows(self, value: Value | None, line: int = 1 << 30) -> Rows | None:
        if value is None or self.depth > _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return self._rows(value, line)
        finally:
            self.depth -= 1

    def _rows(self, value: Value, line: int) -> Rows | None:
        match value:
            case Call(func=func, receiver=Call(func=getter) as made) if func.startswith(ATTRIBUTE) \
                    and getter in _MODEL_GETTERS:  # `get_user_model().objects`, `apps.get_model(...).objects`
                model = self._model_of_getter(made)
                return self._manager(model, func[len(ATTRIBUTE):]) if model is not None else None
            case Call(func=func, receiver=Call() as made) if func == ATTRIBUTE + "qs":
                return self._filterset_rows(made, line)  # `BookFilter(request.GET, queryset=qs).qs`
            case Call(func=func, args=(rows,)) if func in _SAME_ROWS:
                found = self.rows(rows, line)  # list(qs), sorted(qs, key=...): the same rows, evaluated
                return replace(found, listed=True) if found is not None else None
            case Call(func=func, receiver=Call(func=paginator, args=(rows, *_))) \
                    if func in _PAGE_METHODS and paginator.rpartition(".")[2] == "Paginator":
                return self.rows(rows, line)  # Paginator(qs, 25).get_page(n): a slice of the rows
            case Call(func=func, receiver=receiver) if func.startswith(".") and receiver is not None:
                if func == ".get_queryset" and isinstance(receiver, Call) and receiver.func == "super":
                    return self._super_queryset()
                return self._apply(self.rows(receiver, line), func[1:], value, line)
            case Call(func=func, args=(Ref(name=name),)) if func == INSTANCE:
                model = self.project.model(name, self.module)
                return Rows(model, False, Loads()) if model is not None else None
            case Call(func=func) if func in _GET_OBJECT or func in _GET_LIST:
                base = self._model_or_rows(value.args[0] if value.args else None, line)
                return replace(base, many=func in _GET_LIST) if base is not None and base.many else None
            case Call(func=func) if func and "." in func:
                head, _, method = func.rpartition(".")
                if head == "self" and method == "get_queryset" and self.cls:
                    return self.method_rows(self.cls, "get_queryset")
                found = self._apply(self._dotted(head, line), method, value, line)
                if found is None and func.partition(".")[0] in _top_packages(self.project):
                    return self._function_rows(func)  # a function of the project, by its qualified name
                return found
            case Ref(name=name):
                return self._dotted(name, line)
        return None

    def _function_rows(self, name: str) -> Rows | None:
        """The rows a helper, selector or other function returns (its summary's returns,
        which must agree on the model), wherever it is defined."""
        from django_expert.analyzers.project.summaries import function_summary

        found = function_summary(self.project, name)
        if found is None or not found[1].returns or self.depth > _MAX_DEPTH - 4:
            return None
        return self._summary_rows(found[0], found[1], None)

    def _summary_rows(self, qualname: str, summary, cls: str | None) -> Rows | None:
        from django_expert.analyzers.project.summaries import split_qualname

        found = split_qualname(self.project, qualname)
        module = found[0] if found else qualname.rpartition(".")[0]
        names = dict(summary.names)
        flow = Flow(self.project, module, cls, (lambda name, line: (names[name], line) if name in names else None),
                    None, qualname.rpartition(".")[0] if cls else None, self.depth, self.default)
        return agreeing([flow.rows(value) for value in summary.returns])

    def _filterset_rows(self, call: Call, line: int) -> Rows | None:
        """The rows of a django-filter FilterSet's `.qs`: its `queryset=` argument, filtered
        (what it loads is what that queryset loads)."""
        queryset = call.kwarg("queryset") or (call.args[1] if len(call.args) > 1 else None)
        return self.rows(queryset, line) if queryset is not None else None

    def _model_of_getter(self, call: Call) -> ModelInfo | None:
        """The model `get_user_model()` or `apps.get_model("app", "Model")` returns."""
        if call.func == "django.contrib.auth.get_user_model":
            return self.project.model("settings.AUTH_USER_MODEL", self.module)
        names = [string(a) for a in call.args]
        if len(names) == 2 and None not in names:
            return self.project.model(".".join(names))  # type: ignore[arg-type]
        if len(names) == 1 and names[0] and names[0].count(".") == 1:
            return self.project.model(names[0])
        return None

    def _module_alias(self, name: str) -> ModelInfo | None:
        """A module-level `User = get_user_model()` (or `apps.get_model(...)`) of this file."""
        facts = self.project.facts.get(self.module)
        for statement in reversed(facts.statements if facts is not None else ()):
            if statement.kind == "assign" and statement.name == name and not statement.path:
                value = statement.value
                if isinstance(value, Call) and value.func in _MODEL_GETTERS:
                    return self._model_of_getter(value)
                return None
        return None

    def _model_or_rows(self, value: Value | None, line: int) -> Rows | None:
        if isinstance(value, Ref):
            model = self.project.model(value.name, self.module)
            if model is not None:
                return self._manager(model, model.default_manager or "objects")
        return self.rows(value, line)

    def _dotted(self, name: str, line: int) -> Rows | None:
        parts = name.split(".")
        if parts[0] == "self":
            return self._self(parts[1:], line)
        found = self.names(parts[0], line) if self.names is not None else None
        if found is not None and parts[1:2] == ["qs"] and isinstance(found[0], Call):
            return self._attrs(self._filterset_rows(found[0], found[1]), parts[2:], line)
        if found is not None:
            return self._attrs(self.rows(found[0], found[1]), parts[1:], line)
        if len(parts) > 1 and "." not in parts[0] and parts[0][:1].isupper():
            alias = self._module_alias(parts[0])
            if alias is not None:
                return self._attrs(self._manager(alias, parts[1]), parts[2:], line)
        facts = self.project.facts.get(self.module)
        starred = facts is not None and any(i.local == "*" for i in facts.imports)
        # A class name imported inside the function (`from .models import Item`) stays bare.
        if parts[0] not in _top_packages(self.project) and not starred and not parts[0][:1].isupper():
            return None  # not a name qualified through an import: asking for a model would
            # record a dependency on every class of the project for nothing
        for cut in range(len(parts) - 1, 0, -1):
            model = self.project.model(".".join(parts[:cut]), self.module)
            if model is not None:
                return self._attrs(self._manager(model, parts[cut]), parts[cut + 1:], line)
        return None

    def _attrs(self, base: Rows | None, attrs: list[str], line: int) -> Rows | None:
        for attr in attrs:
            if base is None:
                return None
            if base.many:
                base = self._apply(base, attr, Call("." + attr, (), ()), line) if attr in QUERY_METHODS else None
            else:
                base = self._related_manager(base.model, attr)
        return base

    # -- `self` in a view

    def _self(self, attrs: list[str], line: int) -> Rows | None:
        if not attrs or self.cls is None:
            return None
        if attrs[0] == "queryset":
            return self._attrs(self._view_queryset(), attrs[1:], line)
        if attrs[0] == "model" and len(attrs) > 1:
            model = self._view_model()
            return self._attrs(self._manager(model, attrs[1]), attrs[2:], line) if model else None
        return None

    def _class_attr(self, cls: str, name: str) -> tuple[str, Value] | None:
        """(defining class, value) of a class attribute, through the MRO."""
        for qualname in self.project.mro(cls):
            ref = self.project.resolve_class(qualname)
            if ref is not None and ref.fact.attr(name) is not None:
                return ref.qualname, ref.fact.attr(name)
        return None

    def _view_model(self) -> ModelInfo | None:
        found = self._class_attr(self.cls, "model") if self.cls else None
        if found is None or not isinstance(found[1], Ref):
            return None
        return self.project.model(found[1].name, found[0].rpartition(".")[0])

    def _view_queryset(self) -> Rows | None:
        """What Django's/DRF's own get_queryset() returns: `queryset`, else `model`'s rows."""
        found = self._class_attr(self.cls, "queryset") if self.cls else None
        if found is not None:
            return self._nested(found[0].rpartition(".")[0], self.cls, found[0]).rows(found[1])
        model = self._view_model()
        return self._manager(model, model.default_manager or "objects") if model else None

    def method_rows(self, cls: str, method: str, after: str | None = None) -> Rows | None:
        """The rows `cls().method()` returns; `after`: look up the MRO after that class."""
        chain = self.project.mro(cls)
        if after in chain:
            chain = chain[chain.index(after) + 1:]
        for qualname in chain:
            ref = self.project.resolve_class(qualname)
            fact = ref.fact.method(method) if ref is not None else None
            if fact is None:
                continue
            if fact.returns is not None:
                return self._nested(ref.module, cls, ref.qualname).rows(fact.returns)
            if self.bodies is not None and ref.module == self.module:
                return self.bodies(ref.qualname, method, cls)
            return self._method_summary_rows(ref.qualname, method, cls)
        if method != "get_queryset":
            return None
        return self.default if self.default is not None else self._view_queryset()

    def _super_queryset(self) -> Rows | None:
        if self.cls is None or self.defining is None:
            return None
        return self.method_rows(self.cls, "get_queryset", after=self.defining)

    # -- managers and querysets

    def manager_rows(self, model: ModelInfo) -> Rows | None:
        """The rows of the model's default manager (what an admin starts from)."""
        return self._manager(model, model.default_manager or "objects")

    def _manager(self, model: ModelInfo | None, name: str) -> Rows | None:
        if model is None:
            return None
        if name in ("_default_manager", "_base_manager"):
            name = model.default_manager or "objects"
        base = Rows(model, True, Loads())
        found = self._class_attr(model.qualname, name)
        if found is None:
            return base if name == "objects" and model.default_manager in (None, "objects") else None
        manager = manager_class(found[1])
        if manager is None:
            return replace(base, loads=replace(base.loads, certain=False))
        for qualname in self.project.mro(manager):
            ref = self.project.resolve_class(qualname)
            if ref is None and qualname not in PLAIN_MANAGERS:
                # A manager the analyser cannot read (a library's) may load anything.
                return replace(base, loads=replace(base.loads, certain=False))
            fact = ref.fact.method("get_queryset") if ref is not None else None
            if fact is not None:
                if fact.returns is None:
                    return replace(base, loads=replace(base.loads, certain=False))
                own = _SelfFlow(self.project, ref.module, base, self.depth).rows(fact.returns)
                if own is None or own.model.qualname != model.qualname:
                    return replace(base, loads=replace(base.loads, certain=False))
                return replace(base, loads=own.loads)
        return base

    def _related_manager(self, model: ModelInfo, attr: str) -> Rows | None:
        found = relation(self.project, model, attr)
        if found is None or found[0].single or found[1] is None:
            return None
        rows = self._manager(found[1], found[1].default_manager or "objects")
        if rows is not None:
            rows = replace(rows, loads=replace(rows.loads, scoped=True))
        if rows is not None and found[0].back:  # `order.items.all()`: each item's `order` is that order
            rows = replace(rows, loads=rows.loads.add([found[0].back]))
        return rows

    def _apply(self, base: Rows | None, method: str, call: Call, line: int) -> Rows | None:
        if base is None or not base.many:
            return None
        loads = base.loads
        if method in _ONE_METHODS:
            return replace(base, many=False)
        if method not in _ROW_METHODS:
            return self._custom(base, method)
        if method == "select_related":
            if not call.args:
                return replace(base, loads=replace(loads, select_all=True))
            names = [string(a) for a in call.args]
            if None in names:
                return replace(base, loads=replace(loads, certain=False))
            return replace(base, loads=loads.add(names))  # type: ignore[arg-type]
        if method == "prefetch_related":
            for argument in call.args:
                loads = self._prefetch(loads, argument, line)
            return replace(base, loads=loads)
        if method in ("annotate", "alias"):
            names = {k for k, _ in call.kwargs if k != "**"} | {_default_alias(a) for a in call.args}
            certain = loads.certain and not any(k == "**" for k, _ in call.kwargs) and None not in names
            return replace(base, loads=replace(loads, annotations=loads.annotations | (names - {None}),
                                               certain=certain))
        if method in ("values", "values_list"):
            return replace(base, loads=replace(loads, values=True))
        if method in ("only", "defer"):
            return replace(base, loads=replace(loads, deferred=True))
        if method in ("extra", "none"):
            return replace(base, loads=replace(loads, certain=False))
        if method == "fetch_mode":
            mode = call.args[0].name.rpartition(".")[2] if call.args and isinstance(call.args[0], Ref) else ""
            if mode not in ("FETCH_PEERS", "RAISE", "FETCH_ONE"):
                return replace(base, loads=replace(loads, certain=False))
            return replace(base, loads=replace(loads, fetch_mode=mode))
        if method == "iterator" and call.kwarg("chunk_size") is None and not call.args:
            return replace(base, loads=replace(loads, iterator=True))
        return base

    def _prefetch(self, loads: Loads, argument: Value, line: int) -> Loads:
        lookup = string(argument)
        if lookup is not None:
            return loads.add([lookup])
        if isinstance(argument, Call) and argument.func.rpartition(".")[2] == "Prefetch" and argument.args:
            lookup = string(argument.args[0])
            to_attr = string(argument.kwarg("to_attr"))
            inner_value = argument.kwarg("queryset") or (argument.args[1] if len(argument.args) > 1 else None)
            if lookup is None or argument.kwarg("to_attr") is not None and to_attr is None:
                return replace(loads, certain=False)
            inner = self.rows(inner_value, line) if inner_value is not None else None
            if inner_value is not None and (inner is None or not inner.loads.certain):
                return replace(loads, certain=False)
            prefix = lookup.rpartition("__")[0]
            path = (f"{prefix}__{to_attr}" if prefix else to_attr) if to_attr else lookup
            loads = loads.add([prefix] if prefix else [])
            if to_attr:
                loads = replace(loads, to_attr=loads.to_attr + ((path, lookup),))
            else:
                loads = loads.add([lookup])
            return loads.merge(inner.loads, path) if inner is not None else loads
        return replace(loads, certain=False)

    def _custom(self, base: Rows, method: str) -> Rows | None:
        """A custom manager/QuerySet method: followed when its body is one `return self...`."""
        found = self._class_attr(base.model.qualname, base.model.default_manager or "objects")
        manager = manager_class(found[1]) if found is not None else None
        for qualname in self.project.mro(manager) if manager else ():
            ref = self.project.resolve_class(qualname)
            fact = ref.fact.method(method) if ref is not None else None
            if fact is not None:
                if fact.returns is None:  # several statements: the returns of its summary
                    from django_expert.analyzers.project.summaries import method_summary

                    found = method_summary(self.project, ref.qualname, method)
                    if found is None or len(found[1].returns) != 1 or found[1].names:
                        return None
                    return _SelfFlow(self.project, ref.module, base, self.depth).rows(found[1].returns[0])
                return _SelfFlow(self.project, ref.module, base, self.depth).rows(fact.returns)
        return None


    def _method_summary_rows(self, defining: str, method: str, cls: str) -> Rows | None:
        """A multi-statement method of a class in another file (a base view, a mixin)."""
        from django_expert.analyzers.project.summaries import summary_fact

        qualname = f"{defining}.{method}"
        record_summary(self.project, qualname)
        summary = summary_fact(self.project, qualname)
        return self._summary_rows(qualname, summary, cls) if summary is not None and summary.returns else None


def record_summary(project: ProjectModel, qualname: str) -> None:
    from django_expert.analyzers.project.model import record

    record([("summary", qualname)])


def agreeing(results: list[Rows | None]) -> Rows | None:
    """The rows of a function with several returns: they must all be known and agree on the
    model and on one-or-many; what any of them loads counts as loaded."""
    if not results or any(r is None for r in results):
        return None
    first = results[0]
    if any(r.model.qualname != first.model.qualname or r.many != first.many for r in results):
        return None
    loads = first.loads
    for other in results[1:]:
        loads = loads.union(other.loads)
    return Rows(first.model, first.many, loads, any(r.listed for r in results))


class _SelfFlow(Flow):
    """Inside a manager or QuerySet method: `self` (and `super().get_queryset()`) are the
    rows the method is called on."""

    def __init__(self, project: ProjectModel, module: str, rows: Rows, depth: int) -> None:
        super().__init__(project, module, depth=depth)
        self.self_rows = rows

    def _dotted(self, name: str, line: int) -> Rows | None:
        parts = name.split(".")
        if parts[0] == "self":
            return self._attrs(self.self_rows, parts[1:], line)
        return super()._dotted(name, line)

    def _rows(self, value: Value, line: int) -> Rows | None:
        if isinstance(value, Call) and value.func in ("self.get_queryset", "self.all"):
            return self.self_rows
        return super()._rows(value, line)

    def _super_queryset(self) -> Rows | None:
        return self.self_rows


def _top_packages(project: ProjectModel) -> frozenset[str]:
    """The first segments of every module the project indexes (project and library)."""
    return project.derived(_packages)


def _packages(project: ProjectModel) -> frozenset[str]:
    return frozenset(module.partition(".")[0] for module in project.facts)


def manager_class(value: Value) -> str | None:
    """The manager class of `objects = BookManager()` / `BookQuerySet.as_manager()`."""
    if isinstance(value, Call) and value.func.endswith(".as_manager"):
        return value.func.rpartition(".")[0] or None
    if isinstance(value, Call) and value.func and not value.func.startswith("."):
        return value.func
    return None


def _default_alias(value: Value) -> str | None:
    """`annotate(Count("books"))` is named "books__count"."""
    if isinstance(value, Call) and value.args and string(value.args[0]):
        return f"{string(value.args[0])}__{value.func.rpartition('.')[2].lower()}"
    return None


# -- relations and the walk over read chains ------------------------------------------------


def relation(project: ProjectModel, model: ModelInfo, attr: str) -> tuple[Hop, ModelInfo | None] | None:
    """The relation `model.<attr>` follows, and the model it reaches; None for anything else."""
    field_info = model.field(attr)
    if field_info is not None:
        if field_info.name != attr or not field_info.is_relation:
            return None  # author_id, or a plain column
        target = project.model(field_info.related_model) if field_info.related_model else None
        if field_info.kind == "GenericForeignKey":
            return Hop(attr, attr, single=False, generic=True), None
        single = bool(field_info.many_to_one or field_info.one_to_one) and not field_info.many_to_many
        return Hop(attr, attr, single, nullable=field_info.null), target
    if any(m.name == attr for m in _methods(project, model)):
        return None
    for rel in model.reverse_relations():
        if rel.accessor == attr and not rel.hidden:
            target = project.model(rel.related_model)
            back = rel.field if rel.rel_class == "ManyToOneRel" else ""
            return Hop(attr, rel.name if rel.one_to_one else attr, rel.one_to_one, True, True, back), target
    return None


def _methods(project: ProjectModel, model: ModelInfo):
    for qualname in project.mro(model.qualname):
        ref = project.resolve_class(qualname)
        if ref is not None:
            yield from ref.fact.methods


def method_reads(project: ProjectModel, model: ModelInfo, name: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(chain, reading function) a model method or property reads from its instance: its
    body's reads and those of the functions it passes the instance to (summaries)."""
    from django_expert.analyzers.project.summaries import reads_through

    for qualname in project.mro(model.qualname):
        ref = project.resolve_class(qualname)
        method = ref.fact.method(name) if ref is not None else None
        if method is None:
            continue
        found = project.facts.get(ref.module)
        record_summary(project, f"{ref.qualname}.{name}")
        summary = found.summary(f"{ref.fact.name}.{name}") if found is not None else None
        if summary is None or not summary.params:
            return tuple((tuple(r.split(".")), "") for r in method.reads)
        return reads_through(project, f"{ref.qualname}.{name}", summary.params[0])
    return ()


@dataclass
class _Walk:
    project: ProjectModel
    loads: Loads
    needs: dict[str, Need] = field(default_factory=dict)
    depth: int = 0
    via: str = ""  # the function whose body reads the chain being walked ("" for the code itself)
    guard: str = ""  # the row's attribute an early return tested before the chain being walked

    def covered(self, hops: tuple[Hop, ...]) -> bool:
        if self.loads.fetch_mode == "FETCH_PEERS" and all(h.single or h.generic for h in hops):
            return True  # fetched for every row of the queryset at once, and so on down the tree
        attrs = "__".join(h.attr for h in hops)
        lookups = "__".join(h.lookup for h in hops)
        if attrs in self.loads.loaded or lookups in self.loads.loaded:
            return True
        if any(attrs == a or attrs.startswith(a + "__") for a, _ in self.loads.to_attr):
            return True
        return self.loads.select_all and len(hops) <= SELECT_ALL_DEPTH and all(
            h.single and not h.nullable and not h.reverse for h in hops)

    def need(self, hops: tuple[Hop, ...], model: ModelInfo | None, owner: ModelInfo, chain, index) -> None:
        if not self.covered(hops):
            key = "__".join(h.attr for h in hops)
            known = self.needs.setdefault(key, Need(hops, model.label if model else "", owner.label, chain, index,
                                                    self.via, self.guard))
            if known.guard and not self.guard:  # also read whatever the field holds
                self.needs[key] = replace(known, guard="")

    def chain(self, model: ModelInfo, chain: tuple[str, ...], hops: tuple[Hop, ...], many: bool,
              queryset: bool, pending: ModelInfo | None, whole: tuple[str, ...], index: int) -> None:
        """Walk `chain` from `model`: rows of a queryset (`queryset`) or an instance.
        `pending` is the model owning the relation `hops` ends with while that relation's
        rows are not fetched yet: they are fetched once per parent row when the parent rows
        are `many`."""
        for position, segment in enumerate(chain):
            rest = chain[position + 1:]
            if segment.startswith(OFF):
                return  # read only when the call turns a parameter on: the chain's calls pass nothing known
            if segment.startswith(GUARD):  # read only when the row's attribute is empty
                if not hops and _always_set(self.project, model, segment[1:]):
                    return  # a stored row always takes the early return
                self.guard = self.guard or segment[1:]
                continue
            if queryset:
                if segment == "all":
                    if not rest and pending and many:
                        self.need(hops, model, pending, whole, index)
                    continue
                if segment in ("count", "exists"):
                    if pending and many:
                        self.need(hops, model, pending, whole, index)
                    return
                if segment in QUERY_METHODS:
                    return  # filter(), first() & co. query again whatever was prefetched
                if pending and many:
                    self.need(hops, model, pending, whole, index)
                queryset, many, pending = False, True, None
                if segment == ITERATE:
                    continue
            if segment == ITERATE:
                return
            found = self._attribute(model, segment, hops, many, whole, index)
            if found is None:
                if rest:
                    self._mark_polymorphic(model, segment, hops)
                return
            model, hops, queryset, pending, many = found

    def _mark_polymorphic(self, model: ModelInfo, segment: str, hops) -> None:
        """The chain reads on past a generic foreign key: what it reads there is unknown."""
        found = relation(self.project, model, segment)
        key = "__".join([*(h.attr for h in hops), segment])
        if found is not None and found[0].generic and key in self.needs:
            self.needs[key] = replace(self.needs[key], polymorphic=True)

    def _attribute(self, model: ModelInfo, segment: str, hops, many: bool, whole, index):
        """The state after reading `model.<segment>`: (model, hops, queryset, pending, many),
        or None when the walk ends here (a column, a method, something unknown)."""
        if segment in ("pk", model.pk) or (not hops and segment in self.loads.annotations):
            return None
        if hops and hops[-1].back == segment:
            return None  # `author.books.all()` rows read `.author`: the author they came from
        prefix = "__".join(h.attr for h in hops)
        for path, lookup in self.loads.to_attr:
            if path == (f"{prefix}__{segment}" if prefix else segment):
                found = relation(self.project, model, lookup.rpartition("__")[2])
                target = found[1] if found else None
                return (target, hops + (Hop(segment, segment, False),), False, None, True) if target else None
        found = relation(self.project, model, segment)
        if found is not None:
            hop, target = found
            path = hops + (hop,)
            if hop.single or target is None:
                if many:
                    self.need(path, target, model, whole, index)
                return (target, path, False, None, many) if target else None
            return target, path, True, model, many
        reads = method_reads(self.project, model, segment) if self.depth < 3 else ()
        if reads:
            self.depth += 1
            outer, guard = self.via, self.guard
            for chain, via in reads:
                self.via, self.guard = outer or via, guard
                self.chain(model, chain, hops, many, False, None, whole, index)
            self.via, self.guard = outer, guard
            self.depth -= 1
        return None


def _always_set(project: ProjectModel, model: ModelInfo, attr: str) -> bool:
    """Whether every stored row of `model` has `attr` set: its primary key, or a foreign key
    (one-to-one) that cannot be null."""
    if attr in ("pk", model.pk):
        return True
    found = relation(project, model, attr[:-3] if attr.endswith("_id") else attr)
    return found is not None and found[0].single and not found[0].nullable and not found[0].reverse


def unloaded(project: ProjectModel, rows: Rows, chains: Iterable[tuple[str, ...]]) -> list[Need]:
    """The relations the read `chains` fetch once per row that `rows` does not load, in the
    order first met. A chain starts at the rows: `ITERATE` first for a queryset."""
    walk = _Walk(project, rows.loads)
    for index, chain in enumerate(chains):
        walk.guard = ""  # a chain's guard is its own: no other read is qualified by it
        walk.chain(rows.model, chain, (), False, rows.many, None, chain, index)
    return list(walk.needs.values())


def rendered(chain: tuple[str, ...]) -> tuple[str, ...]:
    """A chain whose value is printed: `str()` of an instance runs its `__str__`."""
    return chain + ("__str__",)


def trustworthy(rows: Rows | None) -> bool:
    """Rows the N+1 rules may judge: instances, every load known, no deferred fields."""
    return rows is not None and rows.loads.certain and not rows.loads.values and not rows.loads.deferred


def plan(needs: Iterable[Need]) -> tuple[list[str], list[str]]:
    """The lookups to add: select_related for paths of single hops, prefetch_related for
    paths through many-valued relations (with their leading single hops selected)."""
    select: list[str] = []
    prefetch: list[str] = []
    for need in needs:
        if need.single:
            select.append(need.lookup)
            continue
        lead = []
        for hop in need.hops:
            if not hop.single:
                break
            lead.append(hop.lookup)
        if lead:
            select.append("__".join(lead))
        prefetch.append(need.path)
    return maximal(select), maximal(prefetch)


def maximal(paths: list[str]) -> list[str]:
    unique = list(dict.fromkeys(paths))
    return [p for p in unique if not any(o != p and o.startswith(p + "__") for o in unique)]


def loader_text(select: list[str], prefetch: list[str]) -> str:
    """`select_related("author")` and `prefetch_related("tags")`, for messages."""
    parts = []
    if select:
        parts.append("select_related(" + ", ".join(f'"{s}"' for s in select) + ")")
    if prefetch:
        parts.append("prefetch_related(" + ", ".join(f'"{p}"' for p in prefetch) + ")")
    return " and ".join(f"`{p}`" for p in parts)


def relation_names(needs: Iterable[Need], limit: int = 3) -> str:
    """"`Book.author`, `Book.tags`" for messages (the model declaring each relation)."""
    names = list(dict.fromkeys(f"`{n.owner.rpartition('.')[2]}.{n.hops[-1].attr}`"
                               + (f" (only when `{n.guard}` is empty)" if n.guard else "") for n in needs))
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def peers_fix(rows: Rows, needs: list[Need]) -> bool:
    """Whether Django 6.1's `fetch_mode(models.FETCH_PEERS)` is the fix to offer: a read goes
    on into the objects of a generic foreign key (no exact lookup path exists), and fetching
    peers covers every relation the loop needs (foreign keys, one-to-ones, generic keys;
    not related managers)."""
    return any(n.polymorphic for n in needs) and all(h.single or h.generic for n in needs for h in n.hops) \
        and rows.loads.fetch_mode == ""


def fix_plan(rows: Rows, needs: list[Need]) -> tuple[list[str], list[str]] | None:
    """The lookups a fix adds for `needs`, or None when adding them is not safe:
    `select_related()` without fields would stop following every other foreign key, and
    `iterator()` without chunk_size refuses prefetching."""
    select, prefetch = plan(needs)
    if rows.loads.select_all and select:
        prefetch = maximal(prefetch + select)
        select = []
    if rows.loads.iterator and prefetch:
        return None
    return select, prefetch
