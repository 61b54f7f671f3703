"""Queryset flow inside the file being checked: local variables, multi-statement methods
and the expression a fix edits. Rules build one `SourceFlows` per file (from `ctx.tree`)
and ask it for a `Flow` per function; what they learn of other files comes from facts.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property

from django_expert.analyzers.facts.values import Const, Ref, Value
from django_expert.analyzers.facts.walk import breadth_first
from django_expert.analyzers.project.querysets import INSTANCE, ExpressionValues, Flow, Rows, agreeing, qualifier
from django_expert.analyzers.project.test_map import is_test_module as test_module
from django_expert.analyzers.source import text_lines

Function = ast.FunctionDef | ast.AsyncFunctionDef
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def span_tuple(span) -> tuple[int, int, int, int]:
    """A Span as the plain tuple fix_data carries."""
    return span.start.line, span.start.column, span.end.line, span.end.column


def fix_target(ctx, origin, cls_name: str = "") -> tuple:
    """What the N+1 fixers edit: the span of the expression building the queryset, or
    ("queryset", class) to add a `queryset` next to a view's `model`; () for nothing."""
    if origin == "model":
        return ("queryset", cls_name)
    if origin is None or isinstance(origin, ast.Name):  # a bare name: nothing builds the rows here
        return ()
    if isinstance(origin, ast.AST) and not hasattr(origin, "lineno"):
        return ()  # a node the analysis synthesised: no place in the source to edit
    return span_tuple(ctx.span(origin))


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def loops(function) -> tuple[tuple[ast.AST, str, ast.expr], ...]:
    """(loop node, target name, iterable) of the for-loops and comprehensions of a function;
    a loop whose body always leaves after its first row (ends with `return`/`break`/`raise`)
    is not a loop over rows. Found once per function and kept on it, like `walk_scope`
    (DJE501, DJE506, DJE510 and DJE511 each ask for every function's loops)."""
    found = function.__dict__.get(_LOOPS)
    if found is None:
        found = tuple(_loops(function))
        setattr(function, _LOOPS, found)
    return found


_LOOPS = "_django_expert_loops"
_LOOP_NODES = "_django_expert_loop_nodes"


def loop_nodes(function) -> tuple[ast.AST, ...]:
    """The for-loops and comprehensions of a function in `walk_scope`'s order, kept on it:
    what `loops`, the enclosing loops of a loop and a regrouping dict's filler look through."""
    found = function.__dict__.get(_LOOP_NODES)
    if found is None:
        found = tuple(n for n in walk_scope(function) if isinstance(n, (ast.For, ast.AsyncFor, *_COMPREHENSIONS)))
        setattr(function, _LOOP_NODES, found)
    return found


def _loops(function):
    for node in loop_nodes(function):
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            if not isinstance(node.body[-1], (ast.Return, ast.Break, ast.Raise)):
                yield node, node.target.id, node.iter
        elif isinstance(node, _COMPREHENSIONS):
            for generator in node.generators:
                if isinstance(generator.target, ast.Name):
                    yield node, generator.target.id, generator.iter


def regrouped(flows, function, loop: ast.AST, iterable: ast.expr) -> ast.expr | None:
    """The queryset a loop over regrouped rows really iterates, or None: the values of
    `{b.pk: b for b in qs}` (`for b in by_pk.values()`), or a group of
    `groups[b.shelf_id].append(b)` filled in `for b in qs` (`for b in groups[k]`, or over the
    group an enclosing `for group in groups.values()` / `for k, group in groups.items()`
    takes). Only a dict filled from one loop's rows counts, so the answer is those rows."""
    if isinstance(iterable, ast.Call) and _method_of(iterable, "values") and not iterable.args:
        return _dict_rows(flows, function, iterable.func.value, loop.lineno, groups=False)
    if isinstance(iterable, ast.Subscript):
        return _dict_rows(flows, function, iterable.value, loop.lineno, groups=True)
    if not isinstance(iterable, ast.Name):
        return None
    for outer, line in _binders(function, loop):  # the enclosing loop that binds the group
        target = outer.target
        if _method_of(outer.iter, "values") and isinstance(target, ast.Name) and target.id == iterable.id or \
                _method_of(outer.iter, "items") and isinstance(target, ast.Tuple) and len(target.elts) == 2 and \
                isinstance(target.elts[1], ast.Name) and target.elts[1].id == iterable.id:
            return _dict_rows(flows, function, outer.iter.func.value, line, groups=True)
    return None


def _binders(function, loop: ast.AST):
    """(for-loop or comprehension generator, line) that enclose `loop` or come before it
    in the same comprehension."""
    for node in loop_nodes(function):
        if isinstance(node, (ast.For, ast.AsyncFor)) and node is not loop and \
                node.lineno < loop.lineno <= node.end_lineno:
            yield node, node.lineno
        elif isinstance(node, _COMPREHENSIONS) and (node is loop or node.lineno <= loop.lineno <= node.end_lineno):
            yield from ((generator, node.lineno) for generator in node.generators)


def _method_of(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name


def _dict_rows(flows, function, name: ast.expr, line: int, groups: bool) -> ast.expr | None:
    """The rows a local dict was built from: a dict comprehension's (values are rows), or,
    for `groups`, the one loop whose rows every `name[...].append(row)` adds."""
    if not isinstance(name, ast.Name):
        return None
    found = flows.locals_of(function).assignment(name.id, line)
    if found is None:
        return None
    built = found[1]
    if not groups:
        if isinstance(built, ast.DictComp) and len(built.generators) == 1 and \
                isinstance(built.value, ast.Name) and built.value.id == getattr(built.generators[0].target, "id", None):
            return built.generators[0].iter
        return None
    empty = isinstance(built, ast.Dict) and not built.keys or isinstance(built, ast.Call) and \
        getattr(built.func, "id", getattr(built.func, "attr", None)) == "defaultdict" and \
        len(built.args) == 1 and getattr(built.args[0], "id", None) == "list"
    if not empty:
        return None
    sources = set()
    for node in walk_scope(function):
        if isinstance(node, ast.Call) and _method_of(node, "append") and _is_group_of(node.func.value, name.id):
            filler = _loop_binding(function, node)
            if filler is None or len(node.args) != 1 or getattr(node.args[0], "id", None) != filler.target.id:
                return None
            sources.add(filler)
    return sources.pop().iter if len(sources) == 1 else None


def _is_group_of(node: ast.expr, name: str) -> bool:
    """`name[key]` or `name.setdefault(key, [])`."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id == name
    return _method_of(node, "setdefault") and isinstance(node.func.value, ast.Name) and node.func.value.id == name


def _loop_binding(function, node: ast.AST) -> ast.For | None:
    """The innermost for-loop over a plain name that contains `node`."""
    found = None
    for loop in loop_nodes(function):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and \
                loop.lineno < node.lineno <= loop.end_lineno and (found is None or loop.lineno > found.lineno):
            found = loop
    return found


def is_test_module(relative: str) -> bool:
    """Test code (tests/ folders, test_*.py, conftest.py): query counts there do not matter.
    The test map's notion (`test_map.is_test_module`), asked of a relative path."""
    return test_module(relative.removesuffix(".py").replace("/", "."))


_SCOPE_NODES = "_django_expert_scope"


def walk_scope(node: ast.AST) -> tuple[ast.AST, ...]:
    """The nodes of a function body (or loop), breadth first, not entering nested
    functions, lambdas or classes. Walked once per node and kept on it (so for as long as
    its tree): the rules of one file ask for the same function's nodes four to six times
    (its loops, locals, returns, calls), and re-walking them was 3 s of pretix's 14 s."""
    found = node.__dict__.get(_SCOPE_NODES)
    if found is None:
        found = tuple(breadth_first(list(ast.iter_child_nodes(node)), _SCOPES))
        setattr(node, _SCOPE_NODES, found)
    return found


def source_flows(ctx) -> SourceFlows:
    """The file's SourceFlows, built once and shared by every rule checking it."""
    flows = ctx.__dict__.get("_source_flows")
    if flows is None:
        flows = ctx.__dict__["_source_flows"] = SourceFlows(ctx.project, ctx.facts, ctx.tree, ctx.text)
    return flows


# Text a function holding a queryset contains (a cheap guard before any flow is followed).
_QUERY_MARKERS = ("objects", "queryset", ".all(", ".filter(", ".exclude(", "_set", "get_object_or_404",
                  "get_list_or_404", "_manager", "select_related", "prefetch_related", "order_by(")


_LOOP_OVER_CALL = re.compile(r"\bfor\b.*\bin\s+[\w.]+\(")


class Locals:
    """Plain `name = expr` assignments of one function, for resolving a name at a line.
    Names also bound otherwise (parameters, loop targets, `with ... as`, unpacking,
    augmented assignment, imports) resolve to nothing: their rows are not known."""

    def __init__(self, function: Function, values: ExpressionValues) -> None:
        self.values = values
        self.assigned: dict[str, list[tuple[int, ast.expr]]] = {}
        self.parameters = {a.arg for a in [*function.args.posonlyargs, *function.args.args,
                                           *function.args.kwonlyargs]}
        args = function.args
        self.blocked = {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if isinstance(arg.annotation, (ast.Name, ast.Attribute)):  # `author: Author`: an instance
                self.assigned.setdefault(arg.arg, []).append(
                    (function.lineno, ast.Call(ast.Name(INSTANCE, ast.Load()), [arg.annotation], [])))
            else:
                self.blocked.add(arg.arg)
        for node in walk_scope(function):
            if type(node) not in _BINDERS:  # most nodes (names, attributes, calls): one set lookup
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assigned.setdefault(node.targets[0].id, []).append((node.lineno, node.value))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.assigned.setdefault(node.target.id, []).append((node.lineno, node.value))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign, ast.withitem,
                                   ast.NamedExpr, ast.Assign, ast.Global, ast.Nonlocal, ast.Import,
                                   ast.ImportFrom, ast.ExceptHandler)):
                self.blocked |= _bound_names(node)
        for name in self.parameters & set(self.assigned):
            if len(self.assigned[name]) > 1:
                self.blocked.add(name)  # a parameter rebound in the body
        for items in self.assigned.values():
            items.sort(key=lambda pair: pair[0])

    def assignment(self, name: str, line: int) -> tuple[int, ast.expr] | None:
        if name in self.blocked:
            return None
        before = [pair for pair in self.assigned.get(name, ()) if pair[0] < line]
        return before[-1] if before else None

    def __call__(self, name: str, line: int) -> tuple[Value, int] | None:
        found = self.assignment(name, line)
        return (self.values(found[1]), found[0]) if found else None


# The nodes `Locals` reads: assignments and everything `_bound_names` knows.
_BINDERS = frozenset({ast.Assign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign, ast.withitem,
                      ast.NamedExpr, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.ExceptHandler})


def _bound_names(node: ast.AST) -> set[str]:
    match node:
        case ast.For(target=target) | ast.AsyncFor(target=target) | ast.comprehension(target=target):
            return _targets(target)
        case ast.AugAssign(target=target) | ast.NamedExpr(target=target):
            return _targets(target)
        case ast.withitem(optional_vars=target) if target is not None:
            return _targets(target)
        case ast.Assign(targets=targets) if len(targets) > 1 or not isinstance(targets[0], ast.Name):
            return set().union(*(_targets(t) for t in targets))
        case ast.Global(names=names) | ast.Nonlocal(names=names):
            return set(names)
        case ast.Import(names=names) | ast.ImportFrom(names=names):
            return {(a.asname or a.name).split(".")[0] for a in names}
        case ast.ExceptHandler(name=name) if name:
            return {name}
    return set()


def _targets(target: ast.AST) -> set[str]:
    """Names a target binds (`a, *b = ...`); `x[k] = ...` and `x.y = ...` bind none."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_targets(t) for t in target.elts))
    if isinstance(target, ast.Starred):
        return _targets(target.value)
    return set()


@dataclass
class Owner:
    """A function and the class it is a method of (qualified), if any."""

    function: Function
    cls: ast.ClassDef | None
    qualname: str | None


class SourceFlows:
    """Flows for the functions of one parsed file."""

    def __init__(self, project, facts, tree: ast.Module, text: str = "") -> None:
        self.project = project
        self.lines = text_lines(text) if text else None  # indexed by ast line numbers
        self.module = facts.module
        self.tree = tree
        self.values = ExpressionValues(qualifier(facts))
        self._locals: dict[int, Locals] = {}
        self.default: Rows | None = None  # set while an admin's queryset is evaluated

    @cached_property
    def functions(self) -> list[Owner]:
        """Every function of the file, in source order, with the module-level class it is
        a method of (functions nested in a method belong to that class too)."""
        found: list[Owner] = []
        stack: list[tuple[ast.AST, ast.ClassDef | None, bool]] = [(n, None, False) for n in reversed(self.tree.body)]
        while stack:
            node, cls, nested = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(Owner(node, cls, f"{self.module}.{cls.name}" if cls else None))
                nested = True
            elif isinstance(node, ast.ClassDef):
                if cls is not None or nested:
                    continue  # classes inside functions or classes: not views anyone routes to
                cls = node
            stack.extend((child, cls, nested) for child in reversed(list(ast.iter_child_nodes(node)))
                         if isinstance(child, (ast.stmt, ast.ExceptHandler, ast.match_case)))
        return found

    @cached_property
    def query_functions(self) -> list[Owner]:
        """The functions whose text could build or hold a queryset (see _QUERY_MARKERS)."""
        if self.lines is None:
            return self.functions
        return [owner for owner in self.functions if any(
            marker in line for line in self.lines[owner.function.lineno - 1:owner.function.end_lineno]
            for marker in _QUERY_MARKERS) or any(  # `for x in selectors.open_orders()`: a function's rows
            _LOOP_OVER_CALL.search(line) for line in self.lines[owner.function.lineno - 1:owner.function.end_lineno]
        ) or any(  # `author: Author`: its related managers
            isinstance(a.annotation, (ast.Name, ast.Attribute)) for a in owner.function.args.args)]

    def class_node(self, name: str) -> ast.ClassDef | None:
        return next((n for n in self.tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)

    def method_node(self, cls: ast.ClassDef, name: str) -> Function | None:
        return next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == name), None)

    def locals_of(self, function: Function) -> Locals:
        if id(function) not in self._locals:
            self._locals[id(function)] = Locals(function, self.values)
        return self._locals[id(function)]

    def flow(self, function: Function | None, cls_qualname: str | None, defining: str | None = None,
             default: Rows | None = None) -> Flow:
        # Locals are built on the first name the flow resolves: most functions never need them.
        names = (lambda name, line: self.locals_of(function)(name, line)) if function is not None else None
        return Flow(self.project, self.module, cls_qualname, names, self.bodies, defining or cls_qualname,
                    default=default)

    def bodies(self, defining: str, method: str, cls: str) -> Rows | None:
        """Rows returned by a multi-statement method of a class of this file: its `return`s
        must agree on the model; what any of them loads counts as loaded."""
        module, _, name = defining.rpartition(".")
        node = self.class_node(name) if module == self.module else None
        function = self.method_node(node, method) if node is not None else None
        if function is None:
            return None
        flow = Flow(self.project, self.module, cls, self.locals_of(function), self.bodies, defining,
                    default=self.default)
        return agreeing([flow.rows(self.values(r.value), r.lineno) for r in self.returns(function)])

    @staticmethod
    def returns(function: Function) -> list[ast.Return]:
        return [n for n in walk_scope(function) if isinstance(n, ast.Return) and n.value is not None]

    def origin(self, function: Function | None, node: ast.expr, line: int, depth: int = 0) -> ast.expr:
        """The expression that builds the queryset `node` denotes: through local variables
        back to their first assignment (`qs = Book.objects...; qs = qs.filter()` -> the first)."""
        root = node
        while isinstance(root, (ast.Call, ast.Attribute, ast.Subscript)):
            inner = _rows_argument(root)
            if inner is not None:  # `sorted(qs, ...)`, `Paginator(qs, 25).get_page(n)`: the rows are qs
                return self.origin(function, inner, line, depth + 1)
            if isinstance(root, ast.Call):
                root = root.func.value if isinstance(root.func, ast.Attribute) else root.func
            elif isinstance(root, ast.Attribute):
                return node  # `author.books.all()`: a related manager, built right here
            else:
                root = root.value
        if function is None or not isinstance(root, ast.Name) or depth > 8:
            return node
        found = self.locals_of(function).assignment(root.id, line)
        if found is None or not hasattr(found[1], "lineno"):  # unknown, or an annotated parameter
            return node
        return self.origin(function, found[1], found[0], depth + 1)

    # -- views

    def view_rows(self, qualname: str, default: Rows | None = None) -> Rows | None:
        """The rows a class-based view's `get_queryset()` returns; `default`: what the
        framework's own `get_queryset()` returns when no class of the project overrides it
        (a ModelAdmin's model rows)."""
        self.default = default
        try:
            return self.flow(None, qualname, default=default).method_rows(qualname, "get_queryset")
        finally:
            self.default = None

    def view_origin(self, cls: ast.ClassDef) -> tuple[ast.expr | str | None, ast.AST]:
        """(the expression a fix edits, the node to report at) for a view class of this file:
        its `get_queryset` (single return), else its `queryset = ...`, else "model" when the
        class only names its `model = ...` (the fix adds a `queryset`); None and the class
        itself when the queryset comes from elsewhere or several returns build it."""
        method = self.method_node(cls, "get_queryset")
        if method is not None:
            returns = self.returns(method)
            if len(returns) != 1:
                return None, method
            node = self.origin(method, returns[0].value, returns[0].lineno)
            return node, node
        for item in cls.body:
            if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "queryset"
                                                    for t in item.targets):
                return item.value, item.value
        for item in cls.body:
            if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model" for t in item.targets):
                return "model", item
        return None, cls


def _rows_argument(node: ast.expr) -> ast.expr | None:
    """The queryset argument of a call that keeps its rows (see querysets._SAME_ROWS)."""
    if not isinstance(node, ast.Call) or not node.args or isinstance(node.args[0], ast.Starred):
        return None
    if isinstance(node.func, ast.Name) and node.func.id in ("list", "sorted", "tuple", "reversed"):
        return node.args[0]
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("get_page", "page"):
        paginator = node.func.value
        if isinstance(paginator, ast.Call) and (getattr(paginator.func, "id", None) or
                                                 getattr(paginator.func, "attr", None)) == "Paginator":
            return _rows_argument(paginator) or (paginator.args[0] if paginator.args else None)
    return None


_RENDERERS = {"django.shortcuts.render": 1, "django.template.response.TemplateResponse": 1,
              "django.template.loader.render_to_string": 0, "django.shortcuts.render_to_response": 0}


def render_call(flows, node) -> tuple[str, ast.expr] | None:
    """(template name, context expression) of `render(request, "x.html", context)` & co."""
    if not isinstance(node, ast.Call):
        return None
    value = flows.values(node.func)
    index = _RENDERERS.get(value.name) if isinstance(value, Ref) else None
    if index is None:
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    template = node.args[index] if len(node.args) > index else keywords.get("template_name")
    context = node.args[index + 1] if len(node.args) > index + 1 else keywords.get("context")
    name = flows.values(template) if template is not None else None
    if not isinstance(name, Const) or not isinstance(name.value, str) or context is None:
        return None
    return name.value, context


def context_items(flows, function, context: ast.expr):
    """(key, value expression) of a context dict literal, or of a local dict variable with
    the `ctx["key"] = value` assignments made to it."""
    if isinstance(context, ast.Name):
        found = flows.locals_of(function).assignment(context.id, context.lineno)
        if found is None or not isinstance(found[1], ast.Dict):
            return
        yield from dict_items(found[1])
        for node in walk_scope(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                        target.value.id == context.id and isinstance(target.slice, ast.Constant) and \
                        isinstance(target.slice.value, str) and node.lineno < context.lineno:
                    yield target.slice.value, node.value
    elif isinstance(context, ast.Dict):
        yield from dict_items(context)


def context_assignments(function):
    """(key, value expression) a `get_context_data` adds: `context["k"] = v`,
    `context.update({"k": v})` / `context.update(k=v)`, and a returned dict literal."""
    for node in walk_scope(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            key = node.targets[0].slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
            for argument in node.args:
                if isinstance(argument, ast.Dict):
                    yield from dict_items(argument)
            yield from ((k.arg, k.value) for k in node.keywords if k.arg)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            yield from dict_items(node.value)


def dict_items(node: ast.Dict):
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value, value



def rooted_at_super(node: ast.expr | str | None) -> bool:
    """`super().get_queryset().filter(...)`: the expression refines the parent's queryset."""
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def parent_view(project, qualname: str, *kinds: str) -> str | None:
    """The nearest project class up the MRO that is also a view of `kinds`."""
    for ancestor in project.mro(qualname)[1:]:
        if project.resolve_class(ancestor) is None:
            return None
        if project.is_subclass(ancestor, *kinds):
            return ancestor
    return None


def defines_any(cls, names: tuple[str, ...]) -> bool:
    """Whether a ClassFact assigns or defines one of `names` itself."""
    return any(cls.attr(n) is not None or cls.method(n) is not None for n in names)
