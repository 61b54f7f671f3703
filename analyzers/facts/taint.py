"""Which expressions of one function carry data an HTTP client chose, and which are constants.

Deliberately small and intraprocedural, so that what it says can be trusted:

- untrusted: `request.GET/POST/data/query_params/body/headers/COOKIES/META/FILES` (also
  through `self.request` and a serializer's `self.context["request"]`), the URL parameters
  of a view handler (`def detail(request, slug)`, `def get(self, request, pk)`; not a
  template tag's arguments: `@register.simple_tag def sort(request, field)`), anything
  indexed, sliced or read as an attribute from those, string operations on them
  (`+`, `%`, f-strings, `.format`, `.join`, `.strip()`, `.get()`, ...), and a local variable
  assigned one of these anywhere in the function (flow-insensitive);
- every other call is opaque (`int(x)`, `escape(x)`, `get_object_or_404(...)` are not
  untrusted), so a rule asking "is this untrusted?" only hears yes when it is sure;
- constant: literals, f-strings and operations made only of literals, and local or module
  names only ever assigned such values.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

VALIDATED = frozenset({"cleaned_data", "validated_data"})
REQUEST_DATA = frozenset({"GET", "POST", "data", "query_params", "body", "headers", "COOKIES", "META", "FILES"})
# META keys the server fills in, not the client.
_SERVER_META = frozenset({"REMOTE_ADDR", "SERVER_NAME", "SERVER_PORT", "REMOTE_HOST", "SERVER_PROTOCOL"})
# Methods of str/bytes/QueryDict/uploaded files whose result carries the receiver's data.
_PASSING_METHODS = frozenset({
    "get", "getlist", "lists", "dict", "items", "values", "keys", "copy", "pop", "read", "readline", "chunks",
    "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold", "split", "rsplit",
    "splitlines", "partition", "rpartition", "replace", "removeprefix", "removesuffix", "decode", "encode",
    "format", "join", "zfill", "ljust", "rjust", "center", "expandtabs", "translate",
})
# Functions whose result carries their argument's data.
_PASSING_FUNCTIONS = frozenset({
    "str", "bytes", "bytearray", "repr", "list", "tuple", "reversed", "sorted",
    "urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.parse.unquote_to_bytes",
    "base64.b64decode", "base64.urlsafe_b64decode", "base64.decodebytes", "binascii.unhexlify",
    "bytes.fromhex", "codecs.decode", "zlib.decompress", "gzip.decompress",
})
# View handler methods: the parameters after `request` are URL parameters.
_HANDLERS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch",
                       "list", "create", "retrieve", "update", "partial_update", "destroy"})
_API_MODULES = frozenset({"api", "apis", "endpoints", "handlers"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# `@register.simple_tag` & co.: a template tag or filter taking `request` gets its other
# arguments from the template, not from the URL (defectdojo's `dojo_sort(request, display, ...)`).
_TEMPLATE_REGISTRATIONS = frozenset({"simple_tag", "inclusion_tag", "filter", "tag"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _template_function(function: Function) -> bool:
    for decorator in function.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in _TEMPLATE_REGISTRATIONS:
            return True
    return False


def own_nodes(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, not entering nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(reversed(function.body))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed([c for c in ast.iter_child_nodes(node) if not isinstance(c, _NESTED)]))


def _targets(target: ast.expr) -> Iterator[str]:
    match target:
        case ast.Name(id=name):
            yield name
        case ast.Tuple(elts=elts) | ast.List(elts=elts):
            for element in elts:
                yield from _targets(element)
        case ast.Starred(value=value):
            yield from _targets(value)


class Taint:
    """What one function's expressions carry. `qualify` maps a dotted name to its qualified form."""

    def __init__(self, function: Function, qualify, owner: ast.ClassDef | None = None,
                 module_constants: frozenset[str] = frozenset(), module: str = "",
                 sources: frozenset[str] = REQUEST_DATA, untrusted: frozenset[str] = frozenset()) -> None:
        self.function = function
        self.sources = sources  # the request attributes counted as client data
        self.module = module
        self.qualify = qualify
        self.module_constants = module_constants
        args = function.args
        params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
        self.untrusted_names: set[str] = set()
        if "request" in params and self._is_handler(owner, params):
            after = params[params.index("request") + 1:]
            self.untrusted_names.update(after)
            if args.vararg:
                self.untrusted_names.add(args.vararg.arg)
            if args.kwarg:
                self.untrusted_names.add(args.kwarg.arg)
        self.untrusted_names.update(untrusted)  # names to follow (a summary follows one parameter)
        self.params = frozenset(params) | {a.arg for a in (args.vararg, args.kwarg) if a}
        self.assignments: dict[str, list[ast.expr | None]] = {}
        self._collect()
        self._propagate()

    def _is_handler(self, owner: ast.ClassDef | None, params: list[str]) -> bool:
        """A view function (first parameter `request`, in a views module or decorated) or a
        handler method of a class-based view; a helper taking `request` is not one."""
        function = self.function
        if owner is None:
            return params[0] == "request" and not function.name.startswith("_") and not _template_function(
                function) and (bool(function.decorator_list) or any("view" in part or part in _API_MODULES
                                                                    for part in self.module.split(".")))
        return function.name in _HANDLERS and params[:2] == ["self", "request"]

    # -- assignments ------------------------------------------------------------------------

    def _collect(self) -> None:
        def bind(target: ast.expr, value: ast.expr | None) -> None:
            if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                    and len(target.elts) == len(value.elts):
                for t, v in zip(target.elts, value.elts):
                    bind(t, v)
                return
            for name in _targets(target):
                self.assignments.setdefault(name, []).append(value)

        for node in own_nodes(self.function):
            match node:
                case ast.Assign(targets=targets, value=value):
                    for target in targets:
                        bind(target, value)
                case ast.AnnAssign(target=target, value=value) if value is not None:
                    bind(target, value)
                case ast.AugAssign(target=target, value=value):
                    bind(target, ast.BinOp(left=target, op=node.op, right=value))
                case ast.NamedExpr(target=target, value=value):
                    bind(target, value)
                case ast.For(target=target, iter=iterable) | ast.AsyncFor(target=target, iter=iterable):
                    bind(target, iterable)
                case ast.comprehension(target=target, iter=iterable):
                    bind(target, iterable)
                case ast.withitem(context_expr=value, optional_vars=target) if target is not None:
                    bind(target, value)
                case ast.ExceptHandler(name=name) if name:
                    self.assignments.setdefault(name, []).append(None)
                case ast.Import() | ast.ImportFrom():
                    for alias in node.names:
                        self.assignments.setdefault((alias.asname or alias.name).split(".")[0], []).append(None)

    def _propagate(self) -> None:
        changed = True
        while changed:
            changed = False
            for name, values in self.assignments.items():
                if name not in self.untrusted_names and any(v is not None and self.untrusted(v) for v in values):
                    self.untrusted_names.add(name)
                    changed = True

    # -- questions --------------------------------------------------------------------------

    def is_request(self, node: ast.expr) -> bool:
        """`request`, `self.request`, `self.context["request"]`, `self.context.get("request")`."""
        match node:
            case ast.Name(id="request"):
                return True
            case ast.Attribute(value=ast.Name(id="self"), attr="request"):
                return True
            case ast.Subscript(value=ast.Attribute(value=ast.Name(id="self"), attr="context"),
                               slice=ast.Constant(value="request")):
                return True
            case ast.Call(func=ast.Attribute(value=ast.Attribute(value=ast.Name(id="self"), attr="context"),
                                             attr="get"), args=[ast.Constant(value="request"), *_]):
                return True
        return False

    def untrusted(self, node: ast.expr | None) -> bool:
        """Whether the value of `node` carries data the HTTP client chose."""
        match node:
            case None | ast.Constant():
                return False
            case ast.Name(id=name):
                return name in self.untrusted_names
            case ast.Attribute(value=value, attr=attr):
                if self.is_request(value):
                    return attr in self.sources
                if attr in VALIDATED and self.sources is REQUEST_DATA:
                    return True  # a form's cleaned_data, a serializer's validated_data: the client's, checked for type only
                return self.untrusted(value)
            case ast.Subscript(value=value, slice=key):
                if self._server_meta(value, key):
                    return False
                return self.untrusted(value)
            case ast.Call():
                return self._call(node)
            case ast.BinOp(left=left, right=right):
                return self.untrusted(left) or self.untrusted(right)
            case ast.JoinedStr(values=values):
                return any(self.untrusted(v) for v in values)
            case ast.FormattedValue(value=value):
                return self.untrusted(value)
            case ast.BoolOp(values=values):
                return any(self.untrusted(v) for v in values)
            case ast.IfExp(body=body, orelse=orelse):
                return self.untrusted(body) or self.untrusted(orelse)
            case ast.Tuple(elts=elts) | ast.List(elts=elts) | ast.Set(elts=elts):
                return any(self.untrusted(e) for e in elts)
            case ast.Starred(value=value) | ast.Await(value=value) | ast.NamedExpr(value=value):
                return self.untrusted(value)
            case ast.ListComp(elt=elt, generators=gens) | ast.GeneratorExp(elt=elt, generators=gens) \
                    | ast.SetComp(elt=elt, generators=gens):
                return self.untrusted(elt) or any(self.untrusted(g.iter) for g in gens)
        return False

    def _server_meta(self, value: ast.expr, key: ast.expr) -> bool:
        return (isinstance(value, ast.Attribute) and value.attr == "META" and self.is_request(value.value)
                and isinstance(key, ast.Constant) and key.value in _SERVER_META)

    def _call(self, node: ast.Call) -> bool:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _PASSING_METHODS:
            receiver = func.value
            if func.attr == "get" and receiver_is_meta(self, receiver) and node.args \
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value in _SERVER_META:
                return False
            if self.untrusted(receiver):
                return True
            if func.attr in {"format", "join", "replace"}:  # "...{}".format(data), ", ".join(data)
                return any(self.untrusted(a) for a in node.args) or any(self.untrusted(k.value) for k in node.keywords)
            return False
        name = self._name(func)
        if name in _PASSING_FUNCTIONS:
            return any(self.untrusted(a) for a in node.args)
        return False

    def _name(self, func: ast.expr) -> str | None:
        parts = []
        while isinstance(func, ast.Attribute):
            parts.append(func.attr)
            func = func.value
        if not isinstance(func, ast.Name):
            return None
        parts.append(func.id)
        return self.qualify(".".join(reversed(parts)))

    def constant(self, node: ast.expr | None, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether `node` is built only from literals (and names only ever bound to them)."""
        match node:
            case ast.Constant():
                return True
            case ast.JoinedStr(values=values):
                return all(self.constant(v, _seen) for v in values)
            case ast.FormattedValue(value=value):
                return self.constant(value, _seen)
            case ast.BinOp(left=left, right=right):
                return self.constant(left, _seen) and self.constant(right, _seen)
            case ast.Tuple(elts=elts) | ast.List(elts=elts):
                return all(self.constant(e, _seen) for e in elts)
            case ast.Name(id=name):
                if name in _seen or name in self.params:
                    return False
                values = self.assignments.get(name)
                if values is None:
                    return name in self.module_constants
                return all(v is not None and self.constant(v, _seen | {name}) for v in values)
        return False


def receiver_is_meta(taint: Taint, node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "META" and taint.is_request(node.value)


def module_constants(tree: ast.Module) -> frozenset[str]:
    """Module-level names assigned exactly once, to a literal (or literal-only expression)."""
    counts: dict[str, int] = {}
    literal: set[str] = set()
    for statement in tree.body:
        for node in ast.walk(statement) if not isinstance(statement, _NESTED) else ():
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in _targets(target):
                        counts[name] = counts.get(name, 0) + 1
                        if isinstance(node, ast.Assign) and _literal(node.value):
                            literal.add(name)
    return frozenset(name for name in literal if counts[name] == 1)


def _literal(node: ast.expr) -> bool:
    match node:
        case ast.Constant():
            return True
        case ast.JoinedStr(values=values):
            return all(isinstance(v, ast.Constant) for v in values)
        case ast.BinOp(left=left, right=right):
            return _literal(left) and _literal(right)
        case ast.Tuple(elts=elts) | ast.List(elts=elts):
            return all(_literal(e) for e in elts)
    return False


# -- strings built from pieces --------------------------------------------------------------------


def built_parts(node: ast.expr) -> list[ast.expr] | None:
    """The non-literal pieces a string is built from (`f"..{a}.."`, `"..%s.." % (a, b)`,
    `"..{}..".format(a)`, `"..." + a`), else None when `node` does not build a string."""
    match node:
        case ast.JoinedStr(values=values):
            return [v.value for v in values if isinstance(v, ast.FormattedValue)]
        case ast.BinOp(op=ast.Mod(), left=left, right=right) if _stringish(left):
            pieces = right.elts if isinstance(right, ast.Tuple) else \
                [v for v in right.values if v is not None] if isinstance(right, ast.Dict) else [right]
            return (built_parts(left) or []) + list(pieces)
        case ast.BinOp(op=ast.Add(), left=left, right=right):  # `sql += clause` arrives as `sql + clause`
            return [p for side in (left, right) for p in (built_parts(side) if _stringish(side) else [side])]
        case ast.Call(func=ast.Attribute(value=receiver, attr="format"), args=args, keywords=keywords) \
                if _stringish(receiver):
            return (built_parts(receiver) or []) + list(args) + [k.value for k in keywords]
        case ast.Constant(value=str()):
            return []
    return None


def _stringish(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str) \
        or isinstance(node, ast.BinOp) and built_parts(node) is not None


def literal_text(node: ast.expr) -> str:
    """The literal text pieces of a built string, joined (for "does this look like SQL?")."""
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def definitions(taint: Taint, node: ast.expr) -> list[ast.expr]:
    """The expression itself, or for a local name every value the function assigns to it."""
    if isinstance(node, ast.Name) and node.id in taint.assignments:
        return [v for v in taint.assignments[node.id] if v is not None]
    return [node]
