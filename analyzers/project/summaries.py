"""Summaries across functions and files: the call graph the rules follow.

`facts/summaries.py` keeps, per function, what its body returns, reads from its
parameters and passes on. Here those summaries are resolved against the project:

- `function_summary(project, name)`: a function or method by qualified name, through
  re-exports (`from .selectors import books_for` in a package `__init__`);
- `method_summary(project, cls, name)`: a method through the class's MRO (mixins and
  base classes in other modules);
- `reads_through(project, qualname, param)`: every chain a call of `qualname` reads from
  `param`, its own and those of the functions it passes `param` (or a chain of it) to, up
  to `MAX_DEPTH` calls deep, each with the function that reads it (for messages). Unknown
  callees contribute nothing: rules built on this miss reads, they never invent them;
- `queries_through(project, qualname)`: the ORM queries one call runs, the same way; a
  query the callee runs only for some values of a parameter (`facts/switches.py`) is dropped
  when every call passes a constant that turns it off (`merge=True` for `if not merge:`);
- `template_functions` / `template_expander`: the project's template filters and tags by
  registered name, and what they read from the values a template gives them.

What request data reaches through calls (sinks) is in `project/tainted_calls.py`.

Every lookup records a ("summary", qualname) fact key, so a caller's file is re-checked
exactly when a summary it used changed; `reads_through` is memoised per model and
depended on through its answer (`ProjectModel.memo`), so a deep call chain costs once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.chains import OFF, Chains
from django_expert.analyzers.facts.summaries import DERIVED, passes_in, subscript_key
from django_expert.analyzers.facts.types import Summary
from django_expert.analyzers.facts.values import Call, Const, Mapping, Ref, Value, ValueBuilder
from django_expert.analyzers.project.model import record

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

MAX_DEPTH = 4
_MAX_REEXPORTS = 4

Read = tuple[tuple[str, ...], str]  # (chain, qualname of the function reading it)


def split_qualname(project: ProjectModel, qualname: str) -> tuple[str, str] | None:
    """(module, local name) of "pkg.mod.func" / "pkg.mod.Class.method": the longest prefix
    that is an indexed module; None when no prefix is."""
    module = owning_module(qualname, project.facts)
    return (module, qualname[len(module) + 1:]) if module is not None else None


def owning_module(qualname: str, modules) -> str | None:
    """The longest proper prefix of `qualname` that is one of `modules` (the module defining
    it), or None."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module in modules:
            return module
    return None


def summary_fact(project: ProjectModel, qualname: str) -> Summary | None:
    """The summary stored under `qualname`, recording nothing (the engine's fingerprint of a
    ("summary", ...) key)."""
    found = split_qualname(project, qualname)
    return project.facts[found[0]].summary(found[1]) if found else None


def function_summary(project: ProjectModel, name: str) -> tuple[str, Summary] | None:
    """(qualname, summary) of the function or method `name`, following re-exports."""
    for _ in range(_MAX_REEXPORTS):
        record([("summary", name)])
        found = summary_fact(project, name)
        if found is not None:
            return name, found
        module, _, local = name.rpartition(".")
        facts = project.facts.get(module)
        if facts is None:
            return None
        record([("module", module)])
        target = next((i.target for i in facts.imports if i.local == local), None)
        if target is None or target == name:
            return None
        name = target
    return None


def method_summary(project: ProjectModel, cls: str, method: str) -> tuple[str, Summary] | None:
    """(qualname, summary) of `cls().method`, from the first class of the MRO defining it."""
    for qualname in project.mro(cls):
        ref = project.resolve_class(qualname)
        if ref is None or ref.fact.method(method) is None:
            continue
        record([("summary", f"{ref.qualname}.{method}")])
        found = summary_fact(project, f"{ref.qualname}.{method}")
        return (f"{ref.qualname}.{method}", found) if found is not None else None
    return None


def callee_summary(project: ProjectModel, caller: str, callee: str) -> tuple[str, Summary, int] | None:
    """(qualname, summary, offset) of what `callee` names inside `caller` ("self.x": a method
    of the caller's class; offset 1: its first parameter is the object)."""
    if callee.startswith("self."):
        cls = caller.rpartition(".")[0]
        if project.resolve_class(cls) is None:
            return None
        found = method_summary(project, cls, callee[5:])
        return (*found, 1) if found else None
    found = function_summary(project, callee)
    if found is None:
        return None
    qualname, summary = found
    # A class's method called through the class (`Invoice.label(x)`) takes the object first.
    return qualname, summary, 0


def parameter(summary: Summary, slot: int | str, offset: int) -> str | None:
    """The parameter an argument in `slot` binds."""
    if isinstance(slot, str):
        return slot if slot in summary.params else None
    index = slot + offset
    return summary.params[index] if index < len(summary.params) else None


def reads_through(project: ProjectModel, qualname: str, param: str) -> tuple[Read, ...]:
    """Every chain a call of `qualname` reads from its parameter `param` (see the module
    docstring); () when the function is unknown."""
    return project.memo(_reads_through, qualname, param)


def _reads_through(project: ProjectModel, qualname: str, param: str, depth: int = 0,
                   seen: frozenset[tuple[str, str]] = frozenset()) -> tuple[Read, ...]:
    found = function_summary(project, qualname)
    if found is None or depth > MAX_DEPTH or (qualname, param) in seen:
        return ()
    summary = found[1]
    seen = seen | {(qualname, param)}
    reads: dict[tuple[str, ...], str] = {chain: qualname for chain in summary.reads_of(param)}
    for passed in summary.passes:
        if passed.param != param or passed.chain[:1] == (DERIVED,):
            continue
        callee = callee_summary(project, qualname, passed.callee)
        if callee is None:
            continue
        target = parameter(callee[1], passed.slot, callee[2])
        if target is None:
            continue
        for chain, via in _reads_through(project, callee[0], target, depth + 1, seen):
            reads.setdefault((*passed.chain, *chain), via)
    return tuple(sorted(reads.items()))


def assigned_attributes(node: ast.AST, name: str) -> set[str]:
    """The attributes code at `node` assigns on `name` (`row.rack = rack`): reading them
    afterwards, there or in a function it calls, runs no query."""
    return {chain[0] for param, chain in Chains(node, (name,)).assigned() if param == name}


def body_reads(project: ProjectModel, caller: str, node: ast.AST, name: str,
               value: ValueBuilder) -> list[tuple[tuple[str, ...], ast.expr, str]]:
    """(chain, expression, reading function) for every chain code at `node` reads from
    `name`: directly (`row.customer.name`, `row.label()`), or through the functions it
    passes `name` or a chain of it to (`describe(row)`); `caller` is the qualified name
    of the function holding `node` (for `self.method(row)`)."""
    chains = Chains(node, (name,), methods=True)
    direct = sorted(chains.reads().get(name, {}).items(), key=lambda item: (item[1].lineno, item[1].col_offset))
    found = [(chain, at, "") for chain, at in direct]  # the loop's own reads first: findings point at them
    for passed, call in passes_in(chains, value):
        if passed.chain[:1] == (DERIVED,):
            continue
        callee = callee_summary(project, caller, passed.callee)
        target = parameter(callee[1], passed.slot, callee[2]) if callee else None
        if target is None:
            continue
        found.extend(((*passed.chain, *chain), call, via) for chain, via in reads_through(project, callee[0], target))
    return found


def where(project: ProjectModel, qualname: str) -> tuple[str, object] | None:
    """(path, span) of a function or method, for related information in findings."""
    found = split_qualname(project, qualname)
    if found is None:
        return None
    path, span = project.path_of(found[0]), project.locations_of(found[0]).get(found[1])
    return (str(path), span) if path is not None and span is not None else None


def pointer(project: ProjectModel, qualname: str, note: str) -> tuple[str, tuple]:
    """(" (app/api.py)", (Related,)) for a finding naming the function `qualname`: the file
    to put in its message and the related information pointing there ("", () when unknown)."""
    from django_expert.analyzers.findings import Related

    found = where(project, qualname)
    if found is None:
        return "", ()
    return f" ({shown(project, found[0])})", (Related(found[0], found[1], note),)


def short_name(qualname: str) -> str:
    """A function as messages name it: `Invoice.label` for a method, `describe` for a
    module function (a class is the capitalised part before the name)."""
    parts = qualname.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 and parts[-2][:1].isupper() else parts[-1]


def shown(project: ProjectModel, path: str) -> str:
    """A file of the project as messages name it: relative to the project root."""
    try:
        return Path(path).relative_to(project.layout.root).as_posix()
    except ValueError:
        return Path(path).name


Query = tuple[str, str]  # (the ORM call, "shop.models.Customer.objects.get"; the function running it)
_CACHING = ("cache", "memoize", "memoized", "lru_cache")


def queries_through(project: ProjectModel, qualname: str) -> tuple[Query, ...]:
    """The queries one call of `qualname` runs: its own ORM calls on a model's manager
    and those of the functions it calls, `MAX_DEPTH` deep; a function whose result is
    cached (`@lru_cache`, `@cached`, `@memoize`) runs none per call."""
    return project.memo(_queries_through, qualname)


def _queries_through(project: ProjectModel, qualname: str, depth: int = 0,
                     seen: frozenset[str] = frozenset()) -> tuple[Query, ...]:
    found = function_summary(project, qualname)
    if found is None or depth > MAX_DEPTH or qualname in seen or _cached(project, found[0]):
        return ()
    qualname, summary = found
    seen = seen | {qualname}
    queries: dict[str, str] = {}
    for marked in summary.queries:
        switch, query = switched_query(marked)
        manager, _, method = query.rpartition(".")
        model = project.model(manager.rpartition(".")[0])
        if model is not None and not manager_overrides(project, model.qualname, manager.rpartition(".")[2], method):
            queries.setdefault(marked, qualname)  # the caller decides the switch (it sees the call's arguments)
    for callee in summary.calls:
        target = callee_summary(project, qualname, callee)
        if target is None:
            continue
        gate = next((g[: len(g) - len(callee)] for g in summary.gates if switched_query(g)[1] == callee), "")
        given = _constants(summary, callee, target)
        for query, via in _queries_through(project, target[0], depth + 1, seen):
            switch, plain = switched_query(query)
            if switch is not None and not may_run(switch, given):
                continue  # every call passes what turns it off (`merge=True` for `if not merge:`)
            queries.setdefault(gate + plain, via)  # the callee's own switches end here, its gate starts
    ordered = sorted(queries.items(), key=lambda item: switched_query(item[0])[1])
    return tuple((q, v) for q, v in ordered
                 if not (switched_query(q)[0] and switched_query(q)[1] in queries))  # unswitched twin wins


_SWITCH_KINDS = ("scalar", "unset", "fallback")


def switched_query(query: str) -> tuple[tuple[str, str] | None, str]:
    """((parameter, kind), query) of a query (or a gated callee) a summary marks as run only
    for some values of `parameter` (`facts/switches.py`: `OFF + "user:"`, kind "";
    `OFF + "user:scalar:"`, `"merge:unset:"`, `"kind:fallback:"`), else (None, query)."""
    if not query.startswith(OFF):
        return None, query
    head, _, rest = query[len(OFF):].partition(":")
    kind, colon, after = rest.partition(":")
    if colon and kind in _SWITCH_KINDS:
        return (head, kind), after
    return (head, ""), rest


def may_run(switch: tuple[str, str], given: dict[str, bool]) -> bool:
    """Whether code under `switch` runs for a call passing the constants `given` (parameter:
    truth); a parameter not given may be anything."""
    param, kind = switch
    if param not in given:
        return True
    if kind == "":
        return given[param]  # `if flag:`
    if kind in ("unset", "fallback"):
        return not given[param]  # `if not merge:`, `customer_type or fetch()`
    return True


def _constants(summary: Summary, callee: str, target: tuple[str, Summary, int]) -> dict[str, bool]:
    """The parameters of `callee` every call of it in `summary` passes a constant for, with its truth."""
    given: dict[str, bool] = {}
    for entry in summary.constants:
        name, _, rest = entry.rpartition("|")
        slot, _, value = rest.partition("=")
        if name == callee:
            param = parameter(target[1], int(slot) if slot.isdigit() else slot, target[2])
            if param is not None:
                given[param] = value == "1"
    return given


def manager_overrides(project: ProjectModel, model: str, manager: str, method: str) -> bool:
    """Whether the project's manager class behind `Model.<manager>` defines `method` itself
    (a `get()` serving a cached singleton, say): what it does is not a plain query."""
    from django_expert.analyzers.facts.values import Call
    from django_expert.analyzers.project.querysets import PLAIN_MANAGERS, manager_class

    for owner in project.mro(model):
        ref = project.resolve_class(owner)
        value = ref.fact.attr(manager) if ref is not None else None
        if value is None:
            continue
        cls = manager_class(value)
        if cls is None:  # not a call (False), or a manager built by a method call nobody can read (True)
            return isinstance(value, Call) and value.func.startswith(".")
        if cls in PLAIN_MANAGERS:
            return False
        for q in project.mro(cls):
            found = project.resolve_class(q)
            if found is None:
                return q not in PLAIN_MANAGERS  # a manager nobody can read may do anything
            if found.fact.method(method) is not None:
                return True
        return False
    return False


def _cached(project: ProjectModel, qualname: str) -> bool:
    module, _, name = qualname.rpartition(".")
    facts = project.facts.get(module)
    if facts is not None:
        function = next((f for f in facts.functions if f.name == name), None)
        decorators = [repr(d) for d in function.decorators] if function else []
    else:
        cls_module, _, cls = module.rpartition(".")
        facts = project.facts.get(cls_module)
        fact = facts.class_(cls) if facts is not None else None
        method = fact.method(name) if fact is not None else None
        decorators = list(method.decorators) if method else []
    return any(word in d.lower() for d in decorators for word in _CACHING)


# -- template filters and tags --------------------------------------------------------------------

_REGISTERS = {"filter": "filter", "simple_tag": "tag", "inclusion_tag": "tag"}


def template_functions(project: ProjectModel) -> dict[tuple[str, str], tuple[str, int, str]]:
    """(kind "filter" | "tag", registered name) -> (function qualname, parameters before the
    template's arguments: 1 with `takes_context=True`, an inclusion tag's template or ""),
    for the functions the project's `templatetags` modules register with `@register.filter`
    / `simple_tag` / `inclusion_tag`.
    A name two libraries register is left out (which one a template loads is not followed)."""
    return dict(project.memo(_template_functions))


def _template_functions(project: ProjectModel) -> tuple:
    from django_expert.analyzers.facts.values import Call, Const, Ref

    found: dict[tuple[str, str], tuple[str, int] | None] = {}
    for module, facts in project.facts.items():
        if ".templatetags." not in f".{module}.":
            continue
        for function in facts.functions:
            for decorator in function.decorators:
                callee = decorator.name if isinstance(decorator, Ref) else \
                    decorator.func if isinstance(decorator, Call) else ""
                kind = _REGISTERS.get(callee.rpartition(".")[2])
                if kind is None:
                    continue
                name, offset, template = function.name, 0, ""
                if isinstance(decorator, Call):
                    # only `filter("name")` names positionally (inclusion_tag's first argument is its template)
                    explicit = decorator.kwarg("name") or (decorator.args[0] if decorator.args and kind == "filter"
                                                           else None)
                    if isinstance(explicit, Const) and isinstance(explicit.value, str):
                        name = explicit.value
                    context = decorator.kwarg("takes_context")
                    offset = 1 if isinstance(context, Const) and context.value is True else 0
                    if callee.endswith(".inclusion_tag"):
                        filename = decorator.kwarg("filename") or (decorator.args[0] if decorator.args else None)
                        template = filename.value if isinstance(filename, Const) and \
                            isinstance(filename.value, str) else ""
                key = (kind, name)
                found[key] = None if key in found else (f"{module}.{function.name}", offset, template)
    return tuple(sorted((key, value) for key, value in found.items() if value is not None))


def template_expander(project: ProjectModel, depth: int = 0):
    """What `templates.reads_of` calls to learn what a filter or tag reads: from an argument,
    its function's reads, and for an inclusion tag that puts the argument in the context it
    returns (`return {"books": books}`, or the same rows narrowed: `books.filter(...)`), what
    its own template reads from that name; with kind "context", what an inclusion tag with
    `takes_context=True` reads from the caller's variables (`{"books": context["books"]}`),
    as chains starting with the variable's name."""
    from django_expert.analyzers.project.templates import MAX_INCLUDE_DEPTH, reads_of

    functions = template_functions(project)

    def inner_reads(template_name: str, names: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
        template = project.template(template_name) if template_name and depth < MAX_INCLUDE_DEPTH else None
        if template is None or not names:
            return []
        found = reads_of(template, names, project.template, template_expander(project, depth + 1))
        return [(*r.chain, "__str__") if r.rendered else r.chain for r in found]

    def expand(kind: str, name: str, position: int) -> tuple[tuple[str, ...], ...]:
        target = functions.get(("tag" if kind == "context" else kind, name))
        if target is None:
            return ()
        found = function_summary(project, target[0])
        if found is None:
            return ()
        qualname, summary = found
        if kind == "context":
            if target[1] != 1 or not summary.params:
                return ()
            context = summary.params[0]
            given = _context_keys(summary, lambda v: subscript_key(v.name, context) if isinstance(v, Ref) else None)
            return tuple(dict.fromkeys(inner_reads(target[2], {key: (var,) for key, var in given.items()})))
        index = position + target[1]
        if index >= len(summary.params):
            return ()
        param = summary.params[index]
        chains = [chain for chain, _ in reads_through(project, qualname, param)]
        given = _context_keys(summary, lambda v: "" if _same_rows_of(v, param) else None)
        chains += inner_reads(target[2], {key: () for key in given})
        return tuple(dict.fromkeys(chains))

    return expand


# Calls that narrow or order rows and keep what the rows load (a clone keeps select_related
# and prefetch_related): a tag's `books.filter(year=year)` reads what `books` loads.
_SAME_ROWS = frozenset({"all", "filter", "exclude", "order_by", "distinct", "reverse"})


def _context_keys(summary: Summary, source: Callable[[Value], str | None]) -> dict[str, str]:
    """The keys of the context dicts a function returns whose value `source` recognises
    (through a local name assigned once), with what `source` says of it."""
    names = dict(summary.names)
    found: dict[str, str] = {}
    for returned in summary.returns:
        if isinstance(returned, Mapping):
            for key, value in returned.items:
                if isinstance(value, Ref) and value.name in names:
                    value = names[value.name]
                said = source(value)
                if isinstance(key, Const) and isinstance(key.value, str) and said is not None:
                    found[key.value] = said
    return found


def _same_rows_of(value: Value, param: str) -> bool:
    """`param` itself, or `param` narrowed by calls that keep what its rows load."""
    if value == Ref(param):
        return True
    while isinstance(value, Call) and value.func.rpartition(".")[2] in _SAME_ROWS:
        if value.receiver is None:
            return value.func.rpartition(".")[0] == param
        value = value.receiver
    return value == Ref(param)
