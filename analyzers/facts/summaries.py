"""Function summaries: one walk of a function body, kept as position-free facts.

A summary says what other files need to know of a body without reading it:

- `returns`: every `return`'s expression as a Value (names qualified through imports),
  with `names`, the local variables those expressions use that are assigned exactly once
  (`qs = Book.objects.filter(...); return qs`), so the queryset a helper, a selector or a
  custom QuerySet method returns can be followed from another file, and a returned dict of
  plain names (`{"books": books}`: an inclusion tag's context) by its keys;
- `reads`: the attribute chains read from each parameter (`self` included), method calls
  kept as the last segment (`invoice.project.name`, `row.label()`), loops followed
  (`for i in order.items.all(): i.product`); a chain read only past an early return on the
  object's own attribute starts with `GUARD + attribute`, one only under `if flag:` on a
  parameter off by default with `OFF + flag` (`chains.py`);
- `queries`: the ORM calls on a model's manager ("shop.models.Customer.objects.get"), but
  not a fresh copy of an object the function is handed (`get(pk=document.pk)`); one
  run only under `if flag:` on a parameter off by default starts with `OFF + "flag:"`, one
  run only under `if isinstance(param, int):` (a scalar type) with `OFF + "param:scalar:"`:
  a call passing nothing for `flag`, or a model row for `param`, never runs it (pretix's
  `mark_order_expired(order, user=None)`: `if isinstance(user, int): User.objects.get(...)`);
  the other markers (`if not merge:`, `param or fetch()`) are in `facts/switches.py`;
- `gates`: the functions called only under such a switch, marker first, and `constants`:
  the `True`/`False`/`None` every call of a function passes ("app.perms.grant|merge=1"), so
  a caller can tell that a call never takes its callee's querying branch;
- `passes`: each parameter, or a chain read from it, handed to another function
  (`label(row.customer)`, `self.total(order)`), so reads follow calls across functions
  and files (resolved by `project/summaries.py`, depth-bounded and cycle-safe).
- `scopes`: the query chains narrowed by the requesting user (`facts/scoping.py`), from
  which the authorization rules learn how the project scopes each model.
- `lookups`: the fields each `Model.objects....get/filter(field=...)` chain (or
  `get_object_or_404(Model, field=...)`) filters
  by, "app.models.Ticket.objects|code,~event" (`~`: not an exact match, or through a
  relation: it narrows, but no index on the field itself serves it; "~**": filters not
  spelled as keywords, `Q()` or `**kwargs`, which may narrow by any field), then "loop" when
  the call sits in a loop, then "one" when the chain identifies one row (`.get()`,
  `.first()`, `.exists()`, ...) (DJE507: columns rows are looked up by per request or per row).

Nothing here is certain about the values at runtime; it is what the code says when it
runs. A body the walk cannot read completely (nested functions run later, if ever) only
contributes less, so rules built on summaries miss cases rather than invent them.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable

from django_expert.analyzers.facts.chains import QUERY_METHODS, VALUE_METHODS, Body, Chains
from django_expert.analyzers.facts import request_input, scoping, switches, url_guard
from django_expert.analyzers.facts.creation_only import creation_only
from django_expert.analyzers.facts.types import Pass, Summary
from django_expert.analyzers.facts.values import Call, Const, Mapping, Ref, Value, ValueBuilder, dotted_name
from django_expert.analyzers.facts.walk import breadth_first

Function = ast.FunctionDef | ast.AsyncFunctionDef
_MAX_READS = 48
_MAX_PASSES = 32
_MAX_RETURNS = 8
_BINDINGS = (ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign, ast.withitem, ast.NamedExpr,
             ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.ExceptHandler)


# Code whose functions nobody else calls: a test suite, migrations (Django runs them). Their
# bodies are not summarised (a large share of a project's functions, none of its callers).
_TEST_PARTS = frozenset({"tests", "test", "unittests", "testing", "test_utils", "testutils", "test_project",
                         "testproject", "testapp", "test_app", "migrations", "south_migrations"})


def summarised(module: str) -> bool:
    """Whether functions of `module` get summaries (not tests, not migrations)."""
    parts = module.split(".")
    last = parts[-1] if parts else ""
    return not (_TEST_PARTS & set(parts) or last.startswith(("test_", "tests")) or last.endswith("_tests")
                or last == "conftest")


def summarise(function: Function, value: ValueBuilder,
              absolute: Callable[[int, str | None], str] | None = None, body: Body | None = None) -> Summary | None:
    """The summary of `function`, or None when it says nothing (no return, read or pass).
    `absolute(level, module)` names the module of a relative import inside the body."""
    args = function.args
    params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
    body = Body(function) if body is None else body
    value = _with_local_imports(body, value, absolute)
    chains = Chains(function, params, methods=True, body=body, guards=True)
    reads = tuple((param, chain) for param, found in chains.reads().items() for chain in sorted(found))
    passes = tuple(dict.fromkeys(found for found, _ in passes_in(chains, value)))
    returns, names = _returns(body, params, value)
    queries, calls, gates, constants = _queries_and_calls(body, value)
    sinks = _sinks(function, body, params, value)
    scopes = scoping.scopes(function, body, value)
    lookups = _lookups(body, value)
    nodes = breadth_first([function])  # every node once, for the readers below that scan them all
    kwargs, refuses = url_guard.url_kwargs(function, nodes), url_guard.refuses(function, nodes)
    fed = request_input.fed_request_data(function, lambda func: callee_name(func, value), nodes)
    created = creation_only(function) if function.name == "save" else ()
    if not (reads or passes or returns or queries or calls or sinks or scopes or lookups or kwargs or fed or created):
        return None
    return Summary(params, returns, names, reads[:_MAX_READS], passes[:_MAX_PASSES], queries[:_MAX_PASSES],
                   calls[:_MAX_PASSES], sinks, scopes, lookups[:_MAX_PASSES], kwargs, refuses,
                   gates=gates[:_MAX_PASSES], constants=constants[:_MAX_PASSES], fed_request_data=fed,
                   creation_only=created)


def _sinks(function: Function, body: Body, params: tuple[str, ...],
           value: ValueBuilder) -> tuple[tuple[str, str], ...]:
    """(parameter, kind) for each parameter whose value reaches SQL text, a shell command, a
    redirect, HTML marked safe or a code-running loader in this body (the taint analysis of
    DJE407-DJE411, following one parameter at a time)."""
    from django_expert.analyzers.facts import sinks  # imports the taint analysis, which needs extract

    named = [(n, _qualified(n.func, value)) for n in body.calls]
    calls = [(n, name) for n, name in named if any(sinks.sql_arguments(n, name)) or
             sinks.command_argument(n, name) is not None or sinks.redirect_target(n, name) is not None
             or name in sinks.MARK_SAFE or name in sinks.CODE_LOADS or name in sinks.YAML_LOADS]
    if not calls:
        return ()
    checked = any(sinks.is_url_check(name) for _, name in named)  # the function validates a URL itself
    found: list[tuple[str, str]] = []
    for param in params:
        if param in ("self", "cls", "request"):
            continue
        taint = sinks.Taint(function, value.qualify, untrusted=frozenset({param}))
        for kind in dict.fromkeys(k for call, name in calls for k in sinks.reached(call, name, taint)):
            if kind == "redirect" and (checked or sinks.guarded(taint, function)):
                continue
            found.append((param, kind))
    return tuple(found)


def _qualified(func: ast.expr, value: ValueBuilder) -> str | None:
    name = dotted_name(func)
    return value.qualify(name) if name else None


# Queryset methods that run a query when called (iterating a queryset does too).
RUNS_QUERY = frozenset({"get", "first", "last", "latest", "earliest", "count", "exists", "aggregate", "in_bulk",
                        "create", "get_or_create", "update_or_create", "update", "delete", "bulk_create",
                        "bulk_update"})


def query_call(node: ast.Call, value: ValueBuilder) -> str | None:
    """The qualified manager call of `Model.objects.<...>.get(...)` & co. when it runs a
    query ("shop.models.Customer.objects.get"); None otherwise."""
    if not isinstance(node.func, ast.Attribute) or node.func.attr not in RUNS_QUERY:
        return None
    root = node.func.value
    while isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute) and root.func.attr in QUERY_METHODS:
        root = root.func.value
    name = dotted_name(root)
    if name is None or name.rpartition(".")[2] not in _MANAGERS:
        return None
    return f"{value.qualify(name)}.{node.func.attr}"


def _queries_and_calls(body: Body, value: ValueBuilder) -> tuple[tuple[str, ...], ...]:
    """(queries, calls, gates, constants): see the module docstring and `facts/switches.py`."""
    queries: dict[str, None] = {}
    calls: dict[str, None] = {}
    named: list[tuple[str, ast.Call]] = []
    switched = switches.switched(body)
    root = body.nodes[0]
    params = {a.arg for a in (*root.args.posonlyargs, *root.args.args, *root.args.kwonlyargs)} \
        if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    for node in body.calls:
        query = query_call(node, value)
        if query is not None:
            if not _rereads_parameter(node, params):
                queries[switched.get(id(node), "") + query] = None
            continue
        callee = callee_name(node.func, value)
        if callee is not None and "." in callee:
            calls[callee] = None
            named.append((callee, node))
    return tuple(sorted(queries)), tuple(sorted(calls)), switches.gates(named, switched), switches.constants(named)


def _rereads_parameter(node: ast.Call, params: set[str]) -> bool:
    """`Document.objects.get(pk=document.pk)`: a fresh copy of an object the function is handed,
    fetched on purpose (its state may have moved on: paperless's workflow assignment), never
    one a caller could fetch for all its items at once. A lookup by an id it is handed
    (`pk=document_id`) is a query like any other."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        for keyword in node.keywords:
            found = keyword.value
            if keyword.arg in ("pk", "id") and isinstance(found, ast.Attribute) and found.attr in ("pk", "id") \
                    and isinstance(found.value, ast.Name) and found.value.id in params:
                return True
        node = node.func.value
    return False


_FILTERS = frozenset({"get", "filter", "get_or_create", "update_or_create"})  # not exclude(): it narrows nothing
_GET_OBJECT = {"django.shortcuts.get_object_or_404": "get", "django.shortcuts.get_list_or_404": "filter"}
# A chain ending in one of these identifies a row by the fields it filters on.
_ONE_ROW = frozenset({"get", "first", "last", "earliest", "latest", "exists", "get_or_create", "update_or_create"})
_EXACT = frozenset({"exact", "in"})


def _lookups(body: Body, value: ValueBuilder) -> tuple[str, ...]:
    """"manager|fields|loop|one" for each chain of filter calls on a model's manager (see
    the module docstring); the outermost call of a chain stands for it."""
    inner = {id(n.func.value) for n in body.calls if isinstance(n.func, ast.Attribute)}
    looped: set[int] | None = None  # what runs once per item: walked when a lookup is first found (few functions)
    found: dict[str, None] = {}
    for node in body.calls:
        if id(node) in inner:
            continue
        fields: dict[str, None] = {}
        root = node
        shortcut = _GET_OBJECT.get(_qualified(node.func, value)) if node.args else None
        if shortcut:  # get_object_or_404(Model, code=...) as Model.objects.get(code=...)
            root = ast.Call(ast.Attribute(ast.Attribute(node.args[0], "objects"), shortcut), [], node.keywords)
        outermost = root.func.attr if isinstance(root.func, ast.Attribute) else ""
        while isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute) and root.func.attr in QUERY_METHODS:
            if root.func.attr in _FILTERS:
                if root.args or any(keyword.arg is None for keyword in root.keywords):
                    fields["~**"] = None  # `Q()`/`Exists()` or `**{name: pk}`: filters on fields not spelled here
                for keyword in root.keywords:
                    if keyword.arg and keyword.arg != "defaults":
                        parts = keyword.arg.split("__")
                        exact = len(parts) == 1 or len(parts) == 2 and parts[1] in _EXACT
                        fields[parts[0] if exact else "~" + parts[0]] = None
            root = root.func.value
        name = dotted_name(root)
        if not fields or name is None or name.rpartition(".")[2] not in _MANAGERS:
            continue
        if looped is None:
            looped = {id(n) for part in _repeated(body) for n in ast.walk(part)}
        repeated = "loop" if id(node) in looped else ""
        one = "one" if outermost in _ONE_ROW else ""
        found[f"{value.qualify(name)}|{','.join(fields)}|{repeated}|{one}"] = None
    return tuple(sorted(found))


def _repeated(body: Body):
    """The parts of a body that run once per item: loop bodies, comprehension elements
    (not what a loop iterates: that runs once)."""
    for node in body.nodes:
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            yield from node.body
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            yield node.elt
        elif isinstance(node, ast.DictComp):
            yield from (node.key, node.value)


def _with_local_imports(body: Body, value: ValueBuilder,
                        absolute: Callable[[int, str | None], str] | None) -> ValueBuilder:
    """`value`, also qualifying the names a function imports in its own body (done to
    avoid a circular import: `from .helpers import describe` inside a model method)."""
    local: dict[str, str] = {}
    for node in body.others:
        if isinstance(node, ast.ImportFrom) and absolute is not None:
            base = absolute(node.level, node.module)
            local.update({a.asname or a.name: f"{base}.{a.name}" for a in node.names if a.name != "*" and base})
        elif isinstance(node, ast.Import):
            local.update({a.asname: a.name for a in node.names if a.asname})
    if not local:
        return value
    outer = value.qualify

    def qualify(dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in local:
            return f"{local[head]}.{rest}" if rest else local[head]
        return outer(dotted)

    return ValueBuilder(qualify, value.env_names)


def passes_in(chains: Chains, value: ValueBuilder):
    """(Pass, call node) for every argument that is a tracked name or a chain of one."""
    unsaved = chains.unsaved
    for node in chains.body.calls:
        if not node.args and not node.keywords or unsaved and id(node) in unsaved:
            continue  # no argument, or a call only a new, unsaved object makes
        callee = callee_name(node.func, value)
        if callee is None:
            continue
        slots = [(i, a) for i, a in enumerate(node.args)]
        if any(isinstance(a, ast.Starred) for a in node.args):
            slots = slots[:next(i for i, a in enumerate(node.args) if isinstance(a, ast.Starred))]
        slots += [(k.arg, k.value) for k in node.keywords if k.arg]
        for slot, argument in slots:
            origin = chains.origin(argument)
            if origin is not None:
                yield Pass(callee, slot, origin[0], origin[1]), node
                continue
            derived = _derived_from(argument, chains)
            if derived is not None:  # `helper(term.strip())`, `helper(f"%{term}%")`: its data, not its attributes
                yield Pass(callee, slot, derived, (DERIVED,)), node


DERIVED = "*"  # a Pass chain: a value computed from the parameter (its data flows, its attributes do not)


def _derived_from(argument: ast.expr, chains: Chains) -> str | None:
    """The one parameter a string-like expression is computed from (`term.strip()`,
    `f"{term}%"`, `"x" + term`, `str(term)`), else None."""
    if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) \
            and argument.func.attr in VALUE_METHODS:
        inner = chains.origin(argument.func.value) if not isinstance(argument.func.value, ast.Name) else \
            chains.aliases.get(argument.func.value.id)
        return inner[0] if inner else _derived_from(argument.func.value, chains)
    if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Name) and argument.func.id == "str" \
            and len(argument.args) == 1:
        return _origin_or_derived(argument.args[0], chains)
    if isinstance(argument, ast.JoinedStr):
        found = {_origin_or_derived(v.value, chains) for v in argument.values if isinstance(v, ast.FormattedValue)}
        found.discard(None)
        return found.pop() if len(found) == 1 else None
    if isinstance(argument, ast.BinOp) and isinstance(argument.op, (ast.Add, ast.Mod)):
        found = {_origin_or_derived(argument.left, chains), _origin_or_derived(argument.right, chains)}
        found.discard(None)
        return found.pop() if len(found) == 1 else None
    return None


def _origin_or_derived(node: ast.expr, chains: Chains) -> str | None:
    if isinstance(node, ast.Constant):
        return None
    origin = chains.aliases.get(node.id) if isinstance(node, ast.Name) else chains.origin(node)
    return origin[0] if origin else _derived_from(node, chains)


def callee_name(func: ast.expr, value: ValueBuilder) -> str | None:
    """The qualified name of a called function, or "self.<method>"; None for anything else
    (a method of a parameter or of a value: its class is not known here)."""
    name = dotted_name(func)
    if name is None:
        return None
    head = name.partition(".")[0]
    if head in ("self", "cls"):
        return "self." + name.partition(".")[2] if name.count(".") == 1 else None
    if name.rpartition(".")[2] in QUERY_METHODS:
        return None  # `Book.objects.filter(owner=user)`: the ORM, not a summarised function
    qualified = value.qualify(name)
    return qualified if qualified != name else None  # a builtin or a name nothing defines: no summary


def _returns(body: Body, params: tuple[str, ...], value: ValueBuilder):
    """(return Values, the once-assigned local names they use, with their Values)."""
    returned = [_named_subscripts(n.value, params) for n in sorted(body.returns, key=lambda r: (r.lineno, r.col_offset))
                if n.value is not None][:_MAX_RETURNS]
    if not returned:
        return (), ()
    assigned: dict[str, list[ast.expr]] = {}
    bound: set[str] = set(params)
    for node in (*body.binds, *body.loops, *body.others):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.Assign):
            bound.update(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, _BINDINGS):
            bound.update(_bound(node))
    single = {name: _named_subscripts(values[0], params) for name, values in assigned.items()
              if len(values) == 1 and name not in bound}
    names: dict[str, object] = {}
    todo = [n for expression in returned for n in _roots(expression)]
    while todo:
        name = todo.pop()
        if name in single and name not in names and len(names) < 8:
            names[name] = value(single[name])
            todo.extend(_roots(single[name]))
    kept = tuple(v for v in (_rows_shape(value(r)) for r in returned) if v is not None)
    names = {name: shape for name, shape in ((n, _rows_shape(v)) for n, v in names.items()) if shape is not None}
    return kept, tuple(sorted(names.items()))


# Calls whose arguments tell which rows a queryset has or loads (everything else is kept
# as its callee only: what a view passes to JsonResponse() is nobody else's business, and
# editing it must leave the summary equal).
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
_ROW_ARGUMENTS = frozenset({"select_related", "prefetch_related", "annotate", "alias", "only", "defer", "values",
                            "values_list", "iterator", "get_page", "page", "Paginator", "get_object_or_404",
                            "get_list_or_404", "list", "sorted", "tuple", "reversed", "Prefetch", "as_manager"})


def _rows_shape(found: Value) -> Value | None:
    """The part of a returned Value a queryset flow can use; None for what cannot be rows
    (a constant, `self.name`, `str(x)`, `text.upper()`)."""
    if isinstance(found, Mapping):  # `return {"books": books}`: an inclusion tag's context, by name
        items = tuple((k, shape) for k, v in found.items if isinstance(k, Const)
                      for shape in (_context_shape(v),) if shape is not None)
        return Mapping(items) if items else None
    if isinstance(found, Ref):
        segments = found.name.split(".")
        if segments[-1][:1].isupper():  # a class (`return BookListSerializer`): which serializer a view uses
            return found
        return found if len(segments) == 1 or _MANAGERS & set(segments) or QUERY_METHODS & set(segments) else None
    if not isinstance(found, Call):
        return None
    last = found.func.rpartition(".")[2]
    if last in VALUE_METHODS or ("." not in found.func and found.func and last not in _ROW_ARGUMENTS):
        return None
    receiver = _rows_shape(found.receiver) if found.receiver is not None else None
    if found.receiver is not None and receiver is None:
        return None
    if last in _ROW_ARGUMENTS:
        return Call(found.func, tuple(_rows_shape(a) or a for a in found.args), found.kwargs, receiver)
    return Call(found.func, (), (), receiver)


def _context_shape(found: Value) -> Value | None:
    """A context value an inclusion tag's template can read rows from: a local or parameter
    (`books`, `context[books]`), or a chain of calls on one (`books.filter(year=year)`)."""
    if isinstance(found, Ref):
        return found if "." not in found.name else None
    shape = _rows_shape(found) if isinstance(found, Call) else None
    root = _call_root(shape) if shape is not None else ""
    return shape if root and "." not in root else None


def _call_root(call: Call) -> str:
    """The name a chain of calls starts from (`books.filter(...).order_by(...)` -> "books");
    "" when it starts from something else (a call, a constant)."""
    while call.receiver is not None:
        if isinstance(call.receiver, Ref):
            return call.receiver.name
        if not isinstance(call.receiver, Call):
            return ""
        call = call.receiver
    return call.func.rpartition(".")[0]


def subscript_name(param: str, key: str) -> str:
    """The name a summary gives `param["key"]` (a tag's `context["books"]`): not a Python
    name, so it can stand for nothing else."""
    return f"{param}[{key}]"


def subscript_key(name: str, param: str) -> str | None:
    """"books" for `subscript_name(param, "books")`; None for any other name."""
    return name[len(param) + 1:-1] if name.startswith(f"{param}[") and name.endswith("]") else None


def _named_subscripts(expression: ast.expr, params: tuple[str, ...]) -> ast.expr:
    """`expression` with each `param["key"]` as the name `subscript_name` gives it (a copy;
    the tree is shared with the rules)."""
    def named(node: ast.AST) -> bool:
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in params \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)

    if not any(named(node) for node in ast.walk(expression)):
        return expression

    class Rename(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            if named(node):
                return ast.copy_location(ast.Name(subscript_name(node.value.id, node.slice.value), ast.Load()), node)
            return self.generic_visit(node)

    return Rename().visit(copy.deepcopy(expression))


def _roots(expression: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(expression) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _bound(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        target = node.target
    elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
        target = node.target
    elif isinstance(node, ast.withitem):
        target = node.optional_vars
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        return set(node.names)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    elif isinstance(node, ast.ExceptHandler):
        return {node.name} if node.name else set()
    else:
        return set()
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} if target is not None else set()
