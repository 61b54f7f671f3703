"""Extract FileFacts from a module's ast.

Module-level statements and class bodies are read as declarations; a function body is
read once, by `summaries.summarise`, into its position-free `Summary` (what it returns,
reads from its parameters and passes on). Typing inside a function that leaves its summary
equal changes no fact. Names are qualified through the module's imports as they are read.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from functools import partial

from django_expert.analyzers.facts.chains import QUERY_METHODS, Body, Chains
from django_expert.analyzers.facts.summaries import summarise, summarised
from django_expert.analyzers.facts.types import (
    ClassFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    Locations,
    MethodFact,
    Statement,
    Summary,
)
from django_expert.analyzers.facts.values import (
    Call,
    Const,
    Env,
    Unknown,
    Value,
    ValueBuilder,
    dotted_name,
    is_environ_class,
)
from django_expert.analyzers.source import LineIndex

SPLIT_SETTINGS_INCLUDE = "split_settings.tools.include"
_ALWAYS = Const(True)  # the guard of a statement no condition encloses
_COMPARISONS = {ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_GUARD_OPERATORS = frozenset({"not", "and", "or", *_COMPARISONS.values()})
_MUTATORS = {"append", "extend", "insert", "remove", "update", "setdefault", "pop"}
# Methods whose returned expression other files need (a view's queryset, serializer,
# permissions). Other bodies stay out of facts, so editing them is an early cutoff.
_SUMMARISED_METHODS = {"get_queryset", "get_serializer_class", "get_permissions", "get_internal_type"}
_PROPERTIES = {"property", "functools.cached_property", "django.utils.functional.cached_property",
               "cached_property"}
_MAX_READS = 24


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by `from <level dots><target> import ...` inside `module`."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)


def _qualify(module: str, imports: dict[str, str], local_names: set[str], dotted: str) -> str:
    """`dotted` qualified through the module's imports and top-level definitions."""
    head, _, rest = dotted.partition(".")
    if head in imports:
        target = imports[head]
    elif head in local_names and module:
        target = f"{module}.{head}"
    else:
        return dotted
    return f"{target}.{rest}" if rest else target


class _Extractor:
    def __init__(self, tree: ast.Module, module: str, is_package: bool, lines: LineIndex) -> None:
        self.module = module
        self.is_package = is_package
        self.lines = lines
        self.imports: dict[str, str] = {}
        self.import_facts: list[ImportFact] = []
        self.local_names: set[str] = set()
        self.env_names: set[str] = set()
        self._collect_bindings(tree.body)
        # A function of the names, not the bound `self.qualify`: a builder holding its extractor
        # made a reference cycle per file, garbage only the cyclic collector frees (half its
        # time in a cold check of 4,000 model files).
        self.value = ValueBuilder(partial(_qualify, module, self.imports, self.local_names),
                                  frozenset(self.env_names))
        self.locations = Locations()
        self.classes: list[ClassFact] = []
        self.functions: list[FunctionFact] = []
        self.statements: list[Statement] = []
        self.calls: list[Call] = []
        self.summaries: list[tuple[str, Summary]] = []
        self._last_body: tuple[ast.AST | None, Body | None] = (None, None)
        self.summarised = summarised(module)
        self.guard: Value | None = _ALWAYS

    # -- names -------------------------------------------------------------------------

    def _collect_bindings(self, body: list[ast.stmt]) -> None:
        """Imports and top-level definitions, including those under if/try blocks."""
        for node in body:
            match node:
                case ast.Import(names=names):
                    for alias in names:
                        if alias.asname:
                            self._bind(alias.asname, alias.name)
                        else:
                            head = alias.name.split(".")[0]
                            self._bind(head, head)
                case ast.ImportFrom(module=target, level=level, names=names):
                    base = resolve_relative(self.module, self.is_package, level, target)
                    for alias in names:
                        if alias.name == "*":
                            self.import_facts.append(ImportFact("*", base))
                        else:
                            self._bind(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)
                case ast.ClassDef(name=name) | ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name):
                    self.local_names.add(name)
                case ast.Assign(targets=[ast.Name(id=name)], value=ast.Call(func=func)):
                    callee = dotted_name(func) or ""
                    if is_environ_class(callee):
                        self.env_names.add(name)
                case ast.If(body=inner, orelse=orelse):
                    self._collect_bindings(inner)
                    self._collect_bindings(orelse)
                case ast.Try(body=inner, handlers=handlers, orelse=orelse, finalbody=final):
                    self._collect_bindings(inner)
                    for handler in handlers:
                        self._collect_bindings(handler.body)
                    self._collect_bindings(orelse)
                    self._collect_bindings(final)

    def _bind(self, local: str, target: str) -> None:
        self.imports[local] = target
        self.import_facts.append(ImportFact(local, target))

    def qualify(self, dotted: str) -> str:
        return _qualify(self.module, self.imports, self.local_names, dotted)

    # -- module level ------------------------------------------------------------------

    def run(self, body: list[ast.stmt], conditional: bool = False, guard: Value | None = _ALWAYS) -> None:
        """Module-level statements in order. `guard` is the condition of the enclosing
        if/else chain (`_ALWAYS` at top level, None under try/for/with: no condition says)."""
        outer, self.guard = self.guard, guard
        try:
            self._run(body, conditional, guard)
        finally:
            self.guard = outer

    def _run(self, body: list[ast.stmt], conditional: bool, guard: Value | None) -> None:
        for node in body:
            match node:
                case ast.ClassDef():
                    self.classes.append(self._class(node))
                case ast.FunctionDef() | ast.AsyncFunctionDef():
                    self.functions.append(self._function(node))
                    self.locations.spans[node.name] = self.lines.span(node)
                case ast.Assign(targets=targets, value=value):
                    for target in targets:
                        self._assign(target, value, node, conditional)
                case ast.AnnAssign(target=target, value=value) if value is not None:
                    self._assign(target, value, node, conditional)
                case ast.AugAssign(target=ast.Name(id=name), op=op, value=value):
                    operator = {ast.Add: "+", ast.Sub: "-", ast.BitOr: "|"}.get(type(op), "?")
                    self._statement(node, Statement("augassign", name, self.value(value), op=operator, conditional=conditional))
                case ast.ImportFrom(module=target, level=level, names=[ast.alias(name="*")]):
                    base = resolve_relative(self.module, self.is_package, level, target)
                    self._statement(node, Statement("star_import", base, conditional=conditional))
                case ast.Expr(value=ast.Call() as call):
                    self._module_call(node, call, conditional)
                case ast.Delete(targets=targets):
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self._statement(node, Statement("delete", target.id, conditional=conditional))
                case ast.If(test=test, body=inner, orelse=orelse):
                    condition = self._guard(test)
                    self.run(inner, True, _both(guard, condition))
                    self.run(orelse, True, _both(guard, Call("not", (condition,), ())))
                case ast.Try(body=inner, handlers=handlers, orelse=orelse, finalbody=final):
                    self.run(inner, True, None)
                    for handler in handlers:
                        self.run(handler.body, True, None)
                    self.run(orelse, True, None)
                    self.run(final, conditional, guard)
                case ast.With(body=inner) | ast.For(body=inner):
                    self.run(inner, True, None)

    def _statement(self, node: ast.AST, statement: Statement) -> None:
        if statement.conditional and self.guard is not None and self.guard != _ALWAYS:
            statement = replace(statement, guard=self.guard)
        self.locations.spans[f"stmt:{len(self.statements)}"] = self.lines.span(node)
        self.statements.append(statement)

    def _guard(self, node: ast.expr) -> Value:
        """An if's condition as a Value the settings evaluator can decide: `not`, `and`,
        `or` and one-operator comparisons become Calls named by the operator; a
        `os.environ.get("X")` without default reads None when X is unset (unlike
        `os.environ["X"]` or `env("X")`, which raise), so it gets an explicit None default."""
        match node:
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return Call("not", (self._guard(operand),), ())
            case ast.BoolOp(op=op, values=values):
                return Call("and" if isinstance(op, ast.And) else "or", tuple(self._guard(v) for v in values), ())
            case ast.Compare(left=left, ops=[op], comparators=[right]) if type(op) in _COMPARISONS:
                return Call(_COMPARISONS[type(op)], (self._guard(left), self._guard(right)), ())
        value = self.value(node)
        if isinstance(node, ast.Call) and isinstance(value, Env) and value.default is None \
                and self.qualify(dotted_name(node.func) or "") in ("os.getenv", "os.environ.get"):
            return Env(value.var, Const(None), value.cast)
        return value

    def _assign(self, target: ast.expr, value: ast.expr, node: ast.stmt, conditional: bool) -> None:
        match target:
            case ast.Name(id=name):
                # `DEBUG = os.environ.get("DEBUG", "") == "1"`: a test is kept as the guard Value
                # an if would have, so the settings evaluator can fold it for an unset environment.
                kept = self._guard(value) if isinstance(value, (ast.Compare, ast.BoolOp, ast.UnaryOp)) else None
                kept = kept if isinstance(kept, Call) and kept.func in _GUARD_OPERATORS else self.value(value)
                self._statement(node, Statement("assign", name, kept, conditional=conditional))
            case ast.Tuple(elts=elts) | ast.List(elts=elts):
                # `A, B = 1, 2` binds each name; `A, B = f()` binds them to unknown values.
                pairs = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elts) else None
                for index, element in enumerate(elts):
                    if isinstance(element, ast.Name):
                        item = self.value(pairs[index]) if pairs else Unknown("Unpack")
                        self._statement(node, Statement("assign", element.id, item, conditional=conditional))
            case ast.Subscript():
                path: list[str] = []
                inner: ast.expr = target
                while isinstance(inner, ast.Subscript):
                    key = inner.slice
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        return
                    path.append(key.value)
                    inner = inner.value
                if isinstance(inner, ast.Name):
                    self._statement(
                        node,
                        Statement("assign", inner.id, self.value(value), path=tuple(reversed(path)), conditional=conditional),
                    )

    def _module_call(self, node: ast.stmt, call: ast.Call, conditional: bool) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in _MUTATORS:
            if func.value.id not in self.imports:
                args = tuple(self.value(a) for a in call.args)
                self._statement(node, Statement("mutate", func.value.id, op=func.attr, args=args, conditional=conditional))
                return
        value = self.value(call)
        if isinstance(value, Call) and value.func == SPLIT_SETTINGS_INCLUDE:
            self._statement(node, Statement("include", "", value=value, args=value.args, conditional=conditional))
            return
        if isinstance(value, Call):
            self.locations.spans[f"call:{len(self.calls)}"] = self.lines.span(node)
            self.calls.append(value)

    # -- definitions -------------------------------------------------------------------

    def _decorators(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> tuple:
        return tuple(self.value(d) for d in node.decorator_list)

    def _body(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Body:
        """One walk of a body for the method's reads and its summary alike."""
        if self._last_body[0] is not node:
            self._last_body = (node, Body(node))
        return self._last_body[1]

    def _summarise(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not self.summarised:
            return
        found = summarise(node, self.value,
                          lambda level, target: resolve_relative(self.module, self.is_package, level, target),
                          self._body(node))
        if found is not None:
            self.summaries.append((name, found))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionFact:
        self._summarise(node.name, node)
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        return FunctionFact(node.name, self._decorators(node), isinstance(node, ast.AsyncFunctionDef), params)

    def _class(self, node: ast.ClassDef) -> ClassFact:
        name = node.name
        self.locations.spans[name] = self.lines.span(node)
        bases = tuple(self.qualify(b) for b in (dotted_name(base) for base in node.bases) if b)
        attrs: list[tuple[str, object]] = []
        methods: list[MethodFact] = []
        meta = None
        meta_bases: tuple[str, ...] = ()
        getters = _method_field_getters(node)
        for item in node.body:
            match item:
                case ast.Assign(targets=targets, value=value):
                    for target in targets:
                        if isinstance(target, ast.Name):
                            attrs.append((target.id, self.value(value)))
                            self.locations.spans[f"{name}.{target.id}"] = self.lines.span(item)
                case ast.AnnAssign(target=ast.Name(id=attr), value=value) if value is not None:
                    attrs.append((attr, self.value(value)))
                    self.locations.spans[f"{name}.{attr}"] = self.lines.span(item)
                case ast.FunctionDef() | ast.AsyncFunctionDef():
                    methods.append(self._method(item, getters))
                    self._summarise(f"{name}.{item.name}", item)
                    self.locations.spans[f"{name}.{item.name}"] = self.lines.span(item)
                case ast.ClassDef(name="Meta"):
                    meta, meta_bases = self._meta(item, name)
        conditional = any(isinstance(item, (ast.If, ast.Try)) for item in node.body)
        return ClassFact(
            name=name,
            bases=bases,
            attrs=tuple(attrs),
            methods=tuple(methods),
            meta=meta,
            meta_bases=meta_bases,
            decorators=self._decorators(node),
            keywords=tuple((k.arg or "**", self.value(k.value)) for k in node.keywords),
            conditional=conditional,
        )

    def _meta(self, node: ast.ClassDef, owner: str):
        self.locations.spans[f"{owner}.Meta"] = self.lines.span(node)
        items = []
        for item in node.body:
            if isinstance(item, ast.Assign):
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        items.append((target.id, self.value(item.value)))
                        self.locations.spans[f"{owner}.Meta.{target.id}"] = self.lines.span(item)
        bases = tuple(self.qualify(b) for b in (dotted_name(base) for base in node.bases) if b)
        return tuple(items), bases

    def _method(self, node: ast.FunctionDef | ast.AsyncFunctionDef, getters: frozenset[str] = frozenset()) -> MethodFact:
        decorators = tuple(
            self.qualify(name) for name in (dotted_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list) if name
        )
        returns = None
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if node.name == "build_relational_field":  # `kwargs = ...; return MyField, kwargs`: its only return
            found = self._body(node).returns
            if len(found) == 1 and found[0].value is not None:
                returns = self.value(found[0].value)
        elif len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
            if node.name in _SUMMARISED_METHODS or _is_query_chain(body[0].value):
                returns = self.value(body[0].value)
        positional = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
        reads: tuple[str, ...] = ()
        if node.name == "__str__" or any(d in _PROPERTIES for d in decorators):
            reads = _reads(node, positional[0], self._body(node)) if positional else ()
        elif node.name in getters and positional:
            reads = _reads(node, positional[1] if len(positional) > 1 else positional[0], self._body(node))
        calls = tuple(v for v in (self.value(d) for d in node.decorator_list if isinstance(d, ast.Call))
                      if isinstance(v, Call))
        params = (*positional, *(a.arg for a in node.args.kwonlyargs)) if node.name == "__init__" else ()
        return MethodFact(node.name, decorators, isinstance(node, ast.AsyncFunctionDef), returns, reads, calls, params)


def _method_field_getters(node: ast.ClassDef) -> frozenset[str]:
    """The methods a class's SerializerMethodFields call (`method_name=`, else `get_<field>`):
    the only `get_*` bodies worth summarising (walking every getter of every class cost a
    third of extraction on wagtail)."""
    getters = set()
    for item in node.body:
        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
            callee = dotted_name(item.value.func) or ""
            if callee.rpartition(".")[2] != "SerializerMethodField":
                continue
            explicit = next((k.value for k in item.value.keywords if k.arg == "method_name"), None)
            if explicit is None and item.value.args:
                explicit = item.value.args[0]
            for target in item.targets:
                if isinstance(target, ast.Name):
                    if isinstance(explicit, ast.Constant) and isinstance(explicit.value, str):
                        getters.add(explicit.value)
                    else:
                        getters.add(f"get_{target.id}")
    return frozenset(getters)


def _is_query_chain(node: ast.expr) -> bool:
    """`self.filter(...).order_by(...)`, `super().get_queryset().select_related(...)`."""
    seen_query = False
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        seen_query = seen_query or node.func.attr in QUERY_METHODS
        node = node.func.value
    rooted = (isinstance(node, ast.Name) and node.id == "self") or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super")
    return seen_query and rooted


def _reads(node: ast.FunctionDef | ast.AsyncFunctionDef, param: str, body: Body) -> tuple[str, ...]:
    """The attribute chains a method reads from `param`, as sorted dotted strings."""
    chains = Chains(node, (param,), body=body).reads().get(param, {})
    return tuple(sorted(".".join(c) for c in chains)[:_MAX_READS])


def extract(tree: ast.Module, module: str, is_package: bool, lines: LineIndex) -> tuple[FileFacts, Locations]:
    """FileFacts and their Locations for a parsed module."""
    extractor = _Extractor(tree, module, is_package, lines)
    extractor.run(tree.body)
    facts = FileFacts(
        module=module,
        is_package=is_package,
        imports=tuple(extractor.import_facts),
        classes=tuple(extractor.classes),
        functions=tuple(extractor.functions),
        statements=tuple(extractor.statements),
        calls=tuple(extractor.calls),
        summaries=tuple(extractor.summaries),
    )
    return facts, extractor.locations




def _both(guard: Value | None, condition: Value) -> Value | None:
    """The guard of a branch inside `guard`; None stays None (no condition can say)."""
    if guard is None:
        return None
    return condition if guard == _ALWAYS else Call("and", (guard, condition), ())
