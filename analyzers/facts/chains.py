"""Attribute chains: what a piece of code reads from the objects it is given.

`row.customer.name` read from `row` is the chain ("customer", "name"). Loop variables and
plain assignments are followed as aliases (`for i in obj.items.all(): i.product` reads
("items", "all", "product"): an attribute read on a queryset iterates it implicitly;
`for b in books: b.author` reads (ITERATE, "author") from `books`). A name bound twice
differently is dropped, and a parameter rebound by an assignment reads nothing.

A call of anything but a queryset method ends a chain (`self.name.upper()` reads "name");
with `methods=True` the called method's name is kept as the chain's last segment
(`book.label()` reads ("label",)), so a model method's own reads can be followed.

With `guards=True` (function summaries), a chain read only past an early return on the
object's own attribute (`if self.title: return self.title`), or inside `if not self.title:`,
starts with the segment `GUARD + "title"`: it is read only when `title` is empty (the project
decides whether a stored row can be). Inside `save()`, a branch that fills an empty field
(`if not self.slug: self.slug = ...`) is for the first save only: stored rows have it. A chain read only under `if flag:` (or `if flag and ...:`), `flag` a
parameter whose default is falsy (`include_bundled=False`), starts with `OFF + "flag"`: a call
passing nothing for it (a template's) never reads it. Reads of an object after its
`delete()` are left out (no loader can serve them: they must be fresh).
"""

from __future__ import annotations

import ast

ITERATE = "[]"  # a chain segment: the rows of a queryset, iterated
GUARD = "?"  # "?title" first in a chain: read only when the object's `title` is empty
OFF = "!"  # "!detailed" first in a chain: read only when the caller passes `detailed` (off by default)
# Queryset methods: calling one keeps a chain going (`obj.items.all()`, `.count()`).
QUERY_METHODS = frozenset({
    "all", "filter", "exclude", "order_by", "distinct", "select_related", "prefetch_related", "annotate",
    "alias", "only", "defer", "values", "values_list", "using", "reverse", "none", "get", "first", "last",
    "latest", "earliest", "count", "exists", "aggregate", "iterator", "in_bulk", "create", "get_or_create",
    "update_or_create", "update", "delete", "add", "remove", "clear", "set", "get_queryset",
})
# Methods of plain values (str, numbers, dates, dicts, lists): calling one reads no relation,
# so it ends a chain without a segment (`self.name.upper()` reads "name", as without methods).
VALUE_METHODS = frozenset({
    "upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold", "split", "rsplit",
    "splitlines", "join", "replace", "format", "startswith", "endswith", "encode", "decode", "zfill", "isoformat",
    "strftime", "date", "time", "timestamp", "astimezone", "keys", "values", "items", "get", "copy", "append",
    "extend", "pop", "setdefault", "update", "quantize", "to_integral_value", "is_integer", "hex", "ljust", "rjust",
    "center", "partition", "rpartition", "find", "index", "isdigit", "isalpha", "removeprefix", "removesuffix",
})
_MAX_CHAIN = 6
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

Origin = tuple[str, tuple[str, ...]]  # (the parameter, the chain read from it)


_LEAVES = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)  # no children, nothing to read
_SKIPPED = _SCOPES + _LEAVES
_BINDS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)
_LOOPS = (ast.For, ast.AsyncFor, ast.comprehension)


class Body:
    """The nodes of a body, found in one walk and sorted by what the analyses ask for: not
    entering nested functions, lambdas or classes (their code runs later, if ever:
    `build_name(parts, fallback=lambda: obj.customer.name)`)."""

    __slots__ = ("nodes", "binds", "loops", "loads", "calls", "returns", "others")

    def __init__(self, root: ast.AST) -> None:
        nodes = [root]
        lists = ([], [], [], [], [], [])  # binds, loops, loads, calls, returns, others
        binds, loops, loads, calls, returns, others = lists
        kinds = _KINDS
        stack = [root]
        while stack:
            item = stack.pop()
            for field in item._fields:
                value = getattr(item, field, None)
                for child in value if type(value) is list else (value,):
                    kind = kinds.get(type(child))
                    if kind is None:  # first met: a plain node, or a value (Ellipsis, a constant's type)
                        kind = kinds[type(child)] = _NODE if isinstance(child, ast.AST) else _SKIP
                    if kind is _SKIP:
                        continue
                    nodes.append(child)
                    stack.append(child)
                    if kind is _NODE:
                        continue
                    if kind == "call":
                        loads.append(child)
                        calls.append(child)
                    else:
                        lists[kind].append(child)
        if isinstance(root, _LOOPS):
            loops.append(root)
        self.nodes, self.binds, self.loops, self.loads = nodes, binds, loops, loads
        self.calls, self.returns, self.others = calls, returns, others


def _subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *_subclasses(cls)]
    return found


_NODE, _SKIP = object(), object()
# What each concrete node type is to `Body` (one dict lookup per node, not a chain of isinstance).
_KINDS: dict[type, object] = {
    type(None): _SKIP, str: _SKIP, int: _SKIP, float: _SKIP, bool: _SKIP, bytes: _SKIP, complex: _SKIP,
    **{cls: _SKIP for base in (*_LEAVES, *_SCOPES) for cls in (base, *_subclasses(base))},
    **{cls: 0 for cls in _BINDS}, **{cls: 1 for cls in _LOOPS}, ast.Attribute: 2, ast.Call: "call", ast.Return: 4,
    **{cls: 5 for cls in (ast.withitem, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.ExceptHandler)},
}


def _segments(node: ast.expr) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """(root name, ((attribute, called), ...)) of `root.a.b().c`, else None."""
    parts: list[tuple[str, bool]] = []
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            parts.append((node.func.attr, True))
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            parts.append((node.attr, False))
            node = node.value
        else:
            break
    return (node.id, tuple(reversed(parts))) if isinstance(node, ast.Name) and parts else None


class Chains:
    """The chains read from several parameters of one body, in one walk of it."""

    def __init__(self, node: ast.AST, params: tuple[str, ...] | list[str], methods: bool = False,
                 body: Body | None = None, guards: bool = False) -> None:
        self.methods = methods
        self.guards = guards
        self._unsaved: set[int] | None = None
        self.body = body = Body(node) if body is None else body
        self.nodes = body.nodes
        self.aliases: dict[str, Origin | None] = {p: (p, ()) for p in params}
        rebound = set()
        for item in body.binds:
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            rebound.update(t.id for t in targets if isinstance(t, ast.Name) and t.id in self.aliases)
        self.params = tuple(p for p in params if p not in rebound)
        for param in rebound:
            self.aliases[param] = None
        sources = [(item.target, item.iter, True) for item in body.loops]
        for item in body.binds:
            if isinstance(item, ast.AugAssign):
                continue
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            if len(targets) == 1 and item.value is not None:
                sources.append((targets[0], item.value, False))
        sources = [(t, v, loop) for t, v, loop in sources if isinstance(t, ast.Name) and t.id not in params]
        for _ in range(2 if sources else 0):  # aliases of aliases
            for target, source, loop in sources:
                origin = self.origin(source, loop)
                known = self.aliases.get(target.id, origin)
                self.aliases[target.id] = origin if origin is not None and known == origin else None

    def origin(self, node: ast.expr, iterated: bool = False) -> Origin | None:
        """(parameter, chain) an expression reads; `iterated`: its rows are looped over."""
        if isinstance(node, ast.Name):
            base = self.aliases.get(node.id)
            if base is None or not iterated:
                return base
            return base[0], (*base[1], ITERATE)[:_MAX_CHAIN]
        found = _segments(node)
        if found is None or self.aliases.get(found[0]) is None:
            return None
        param, chain = self.aliases[found[0]]  # type: ignore[misc]
        chain = list(chain)
        for attr, called in found[1]:
            if called and attr not in QUERY_METHODS:
                if self.methods and attr not in VALUE_METHODS:
                    chain.append(attr)
                break
            chain.append(attr)
        return (param, tuple(chain[:_MAX_CHAIN])) if chain else None

    @property
    def unsaved(self) -> set[int]:
        """Ids of the nodes only a new, unsaved object runs (see `_unsaved_branches`)."""
        if self._unsaved is None:
            self._unsaved = _unsaved_branches(self.body)
        return self._unsaved

    def assigned(self) -> dict[tuple[str, tuple[str, ...]], ast.expr]:
        """(parameter, (attribute,)) for each attribute the body assigns on a parameter, with
        its first assignment."""
        found: dict[tuple[str, tuple[str, ...]], ast.expr] = {}
        for item in self.body.loads:
            if isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store):
                origin = self.origin(item)
                key = (origin[0], origin[1][:1]) if origin is not None and origin[1] else None
                if key is not None and (key not in found or _before(item, found[key])):
                    found[key] = item
        return found

    def reads(self) -> dict[str, dict[tuple[str, ...], ast.expr]]:
        """The maximal chains read from each parameter, with the first expression reading each.
        Left out: a relation the body assigns itself, read after the assignment (`row.rack = rack`
        before `row.rack.name`: no query), reads in a branch only a new, unsaved object takes (`if not self.pk:`,
        `if self._state.adding:`, after `if self.pk: return`): rows from a queryset never take
        it, and reads after the object's `delete()`. With `guards`, see the module docstring."""
        callees = {id(n.func) for n in self.body.calls}
        found: dict[str, dict[tuple[str, ...], ast.expr]] = {p: {} for p in self.params}
        assigned = self.assigned()
        unsaved = self.unsaved
        deleted = self._deleted()
        guarded = _when_empty(self.body, self.params) if self.guards else {}
        switched = _off_by_default(self.body) if self.guards else {}
        for item in self.body.loads:
            if isinstance(item, ast.Attribute) and not isinstance(item.ctx, ast.Load):
                continue  # `obj.author = x` writes; it reads nothing (its inner `obj.x.y` nodes are loads)
            if unsaved and id(item) in unsaved:
                continue
            if isinstance(item, (ast.Attribute, ast.Call)) and id(item) not in callees:  # `obj.f()`: the call reads
                origin = self.origin(item)
                if origin is None or not origin[1] or origin[0] not in found:
                    continue
                if (origin[0], origin[1][:1]) in assigned and not _before(item, assigned[origin[0], origin[1][:1]]):
                    continue  # served by the assignment (a read before it still queries)
                if origin[0] in deleted and _before(deleted[origin[0]], item):
                    continue
                chain = origin[1]
                guard = guarded.get(id(item))
                if guard is not None and guard[0] == origin[0]:
                    chain = (GUARD + guard[1], *chain)[:_MAX_CHAIN]
                if id(item) in switched:
                    chain = (OFF + switched[id(item)], *chain)[:_MAX_CHAIN]
                chains = found[origin[0]]
                if chain not in chains or _before(item, chains[chain]):
                    chains[chain] = item
        return {p: {c: n for c, n in chains.items() if not any(o[: len(c)] == c and o != c for o in chains)}
                for p, chains in found.items()}


    def _deleted(self) -> dict[str, ast.expr]:
        """The first `delete()` of each parameter (`obj.delete()`, `super().delete()` for `self`)."""
        found: dict[str, ast.expr] = {}
        for call in self.body.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr != "delete":
                continue
            receiver = func.value
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
                param = "self" if "self" in self.params else None
            else:
                param = receiver.id if isinstance(receiver, ast.Name) and receiver.id in self.params else None
            if param is not None and (param not in found or _before(call, found[param])):
                found[param] = call
        return found


def _early_returns(root: ast.AST):
    """(test, the statements after it) for each `if test: ... return` at the top of a
    function body that has no `else` (what follows runs only when `test` is false)."""
    if not isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    for position, statement in enumerate(root.body):
        if isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.body[-1], ast.Return):
            yield statement.test, root.body[position + 1:]


def _when_empty(body: Body, params: tuple[str, ...]) -> dict[int, tuple[str, str]]:
    """Ids of the nodes that run only when a parameter's own attribute is empty, with
    (parameter, attribute): past an early return taken when it is set (`if self.title:
    return self.title`), or inside `if not self.title:` / `if self.title is None:`."""
    found = _past_early_returns(body.nodes[0], params)
    for node in body.nodes:
        if isinstance(node, ast.If):
            empty = _empty_test(node.test, params)
            if empty is not None:
                for statement in node.body:
                    for inner in ast.walk(statement):
                        found.setdefault(id(inner), empty)
    return found


def _empty_test(test: ast.expr, params) -> tuple[str, str] | None:
    """(parameter, attribute) of `not p.attr`, `p.attr is None` or `p.attr == ""`, alone or
    in an `and`: the branch runs only when the attribute is empty."""
    for value in test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]:
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
            value = value.operand
        elif isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], (ast.Is, ast.Eq)) \
                and isinstance(value.comparators[0], ast.Constant) and value.comparators[0].value in (None, ""):
            value = value.left
        else:
            continue
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id in params:
            return value.value.id, value.attr
    return None


def _past_early_returns(root: ast.AST, params: tuple[str, ...]) -> dict[int, tuple[str, str]]:
    """Ids of the nodes that run only when an early return on a parameter's own attribute
    was not taken (`if self.title: return self.title`), with (parameter, attribute)."""
    found: dict[int, tuple[str, str]] = {}
    for test, rest in _early_returns(root):
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) and \
                isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            test = test.left  # `if self.title is not None: return ...`
        if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id in params:
            for statement in rest:
                for node in ast.walk(statement):
                    found.setdefault(id(node), (test.value.id, test.attr))
    return found


def _off_by_default(body: Body) -> dict[int, str]:
    """Ids of the nodes under `if flag:` / `if flag and ...:`, with `flag`, where `flag` is a
    parameter the body never rebinds whose default is falsy (`False`, `None`, `0`, `""`):
    a call passing nothing for it never runs them (pretix's `check_quotas(include_bundled=False)`)."""
    root = body.nodes[0]
    if not isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    args = root.args
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
             *zip(args.kwonlyargs, args.kw_defaults)]
    flags = {arg.arg for arg, default in pairs if isinstance(default, ast.Constant) and not default.value}
    for item in body.binds:
        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
        flags -= {t.id for t in targets if isinstance(t, ast.Name)}
    found: dict[int, str] = {}
    for node in body.nodes:
        if not flags or not isinstance(node, ast.If):
            continue
        tests = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And) \
            else [node.test]
        flag = next((t.id for t in tests if isinstance(t, ast.Name) and t.id in flags), None)
        if flag is not None:
            for statement in node.body:
                for inner in ast.walk(statement):
                    found.setdefault(id(inner), flag)
    return found


def _unsaved_branches(body: Body) -> set[int]:
    """Ids of the nodes under a branch taken only by an object not saved yet: the body of
    `if not self.pk:` / `if self.pk is None:` / `if self._state.adding:` / `if is_new:`
    (a name assigned one of those), the `else` of `if self.pk:`, what follows `if self.pk: return`,
    the operands after such a test in an `and` (`is_new and not self.platform`: evaluated for a
    new object only), and a branch filling a missing denormalised key (`if not self.order_id:
    self.order = ...`)."""
    flags = {t.id for item in body.binds if isinstance(item, ast.Assign) and _new_object_test(item.value) is True
             for t in item.targets if isinstance(t, ast.Name)}
    found: set[int] = set()
    for node in body.nodes:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):  # `is_new and not self.platform`
            first = next((i for i, value in enumerate(node.values) if _new_object_test(value, flags) is True), None)
            if first is not None:
                found.update(id(n) for value in node.values[first + 1:] for n in ast.walk(value))
        if isinstance(node, ast.If):
            new = _new_object_test(node.test, flags)
            if new is None and (_fills_missing_key(node) or _fills_on_first_save(node, body.nodes[0])):
                new = True
            branch = node.body if new is True else node.orelse if new is False else ()
            for statement in branch:
                found.update(id(n) for n in ast.walk(statement))
    for test, rest in _early_returns(body.nodes[0]):  # `if self.pk: return ...`: the rest is for new objects
        if _new_object_test(test, flags) is False:
            found.update(id(n) for statement in rest for n in ast.walk(statement))
    return found


def _fills_missing_key(node: ast.If) -> bool:
    """`if self.orderposition_id and not self.order_id: self.order = self.orderposition.order`:
    a denormalised foreign key filled in when it is missing, on the first save only (pretix's
    OutgoingMail.save()); a stored row that has it set never takes the branch."""
    values = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And) \
        else [node.test]
    missing = set()
    for value in values:
        if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], ast.Is) \
                and isinstance(value.comparators[0], ast.Constant) and value.comparators[0].value is None:
            value = ast.UnaryOp(ast.Not(), value.left)
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not) and isinstance(value.operand, ast.Attribute) \
                and value.operand.attr.endswith("_id") and isinstance(value.operand.value, ast.Name):
            missing.add((value.operand.value.id, value.operand.attr[:-3]))
    return bool(missing) and any(
        isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
            and (t.value.id, t.attr.removesuffix("_id")) in missing for t in statement.targets)
        for statement in node.body)


def _fills_on_first_save(node: ast.If, root: ast.AST) -> bool:
    """`if not self.slug: self.slug = slugify(self.owner.username)` in `save()`: the field is
    filled when empty, so every row `save()` stored has it and never takes the branch again
    (taiga's Project.save(), reached per project from refresh_totals())."""
    if not isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)) or root.name != "save" or not root.args.args:
        return False
    me = root.args.args[0].arg
    empty = _empty_test(node.test, (me,))
    return empty is not None and any(
        isinstance(inner, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Attribute) and t.attr == empty[1] and isinstance(t.value, ast.Name) and t.value.id == me
            for t in (inner.targets if isinstance(inner, ast.Assign) else [inner.target]))
        for statement in node.body for inner in ast.walk(statement))


def _new_object_test(test: ast.expr, flags: set[str] = frozenset()) -> bool | None:
    """True: the test holds for an unsaved object only; False: for a saved one only; None: neither."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _new_object_test(test.operand, flags)
        return None if inner is None else not inner
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "bool" \
            and len(test.args) == 1:
        return _new_object_test(test.args[0], flags)  # `not bool(self.pk)`
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and any(
            _new_object_test(value, flags) is True for value in test.values):
        return True  # `if is_new and not self.airflow:` runs for a new object only
    if isinstance(test, ast.Name):
        return True if test.id in flags else None
    if isinstance(test, ast.Attribute):
        if test.attr == "adding" and isinstance(test.value, ast.Attribute) and test.value.attr == "_state":
            return True
        if test.attr in ("pk", "id") and isinstance(test.value, ast.Name):
            return False  # `if self.pk:` holds for a saved object
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        saved = _new_object_test(test.left, flags)
        if saved is False:
            return True if isinstance(test.ops[0], ast.Is) else False if isinstance(test.ops[0], ast.IsNot) else None
    return None


def attribute_chains(node: ast.AST, param: str, methods: bool = False) -> dict[tuple[str, ...], ast.expr]:
    """The maximal attribute chains read from the name `param` inside `node`, each with the
    first expression reading it (see the module docstring)."""
    return Chains(node, (param,), methods).reads().get(param, {})


def _before(a: ast.expr, b: ast.expr) -> bool:
    return (a.lineno, a.col_offset) < (b.lineno, b.col_offset)
