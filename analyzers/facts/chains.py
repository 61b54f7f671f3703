"""Attribute chains: what a piece of code reads from the objects it is given.

`row.customer.name` read from `row` is the chain ("customer", "name"). Loop variables and
plain assignments are followed as aliases (`for i in obj.items.all(): i.product` reads
("items", "all", "product"): an attribute read on a queryset iterates it implicitly;
`for b in books: b.author` reads (ITERATE, "author") from `books`). A name bound twice
differently is dropped, and a parameter rebound by an assignment reads nothing.

A call of anything but a queryset method ends a chain (`self.name.upper()` reads "name");
with `methods=True` the called method's name is kept as the chain's last segment
(`book.label()` reads ("label",)), so a model method's own reads can be followed.
"""

from __future__ import annotations

import ast

ITERATE = "[]"  # a chain segment: the rows of a queryset, iterated
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


def body_nodes(node: ast.AST) -> list[ast.AST]:
    """The nodes of `node`, not entering nested functions, lambdas or classes: their code
    runs later, if ever (`build_name(parts, fallback=lambda: obj.customer.name)`)."""
    found = [node]
    stack = list(ast.iter_child_nodes(node))
    while stack:
        item = stack.pop()
        if isinstance(item, _SCOPES):
            continue
        found.append(item)
        stack.extend(ast.iter_child_nodes(item))
    return found


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
                 nodes: list[ast.AST] | None = None) -> None:
        self.methods = methods
        self.nodes = body_nodes(node) if nodes is None else nodes
        self.aliases: dict[str, Origin | None] = {p: (p, ()) for p in params}
        rebound = set()
        for item in self.nodes:
            if isinstance(item, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                rebound.update(t.id for t in targets if isinstance(t, ast.Name) and t.id in self.aliases)
        self.params = tuple(p for p in params if p not in rebound)
        for param in rebound:
            self.aliases[param] = None
        for _ in range(2):  # aliases of aliases
            for item in self.nodes:
                if isinstance(item, (ast.For, ast.AsyncFor, ast.comprehension)):
                    target, source, loop = item.target, item.iter, True
                elif isinstance(item, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    if len(targets) != 1 or item.value is None:
                        continue
                    target, source, loop = targets[0], item.value, False
                else:
                    continue
                if isinstance(target, ast.Name) and target.id not in params:
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

    def reads(self) -> dict[str, dict[tuple[str, ...], ast.expr]]:
        """The maximal chains read from each parameter, with the first expression reading each."""
        callees = {id(n.func) for n in self.nodes if isinstance(n, ast.Call)}
        found: dict[str, dict[tuple[str, ...], ast.expr]] = {p: {} for p in self.params}
        for item in self.nodes:
            if isinstance(item, ast.Attribute) and not isinstance(item.ctx, ast.Load):
                continue  # `obj.author = x` writes; it reads nothing (its inner `obj.x.y` nodes are loads)
            if isinstance(item, (ast.Attribute, ast.Call)) and id(item) not in callees:  # `obj.f()`: the call reads
                origin = self.origin(item)
                if origin is None or not origin[1] or origin[0] not in found:
                    continue
                chains = found[origin[0]]
                if origin[1] not in chains or _before(item, chains[origin[1]]):
                    chains[origin[1]] = item
        return {p: {c: n for c, n in chains.items() if not any(o[: len(c)] == c and o != c for o in chains)}
                for p, chains in found.items()}


def attribute_chains(node: ast.AST, param: str, methods: bool = False) -> dict[tuple[str, ...], ast.expr]:
    """The maximal attribute chains read from the name `param` inside `node`, each with the
    first expression reading it (see the module docstring)."""
    return Chains(node, (param,), methods).reads().get(param, {})


def _before(a: ast.expr, b: ast.expr) -> bool:
    return (a.lineno, a.col_offset) < (b.lineno, b.col_offset)
