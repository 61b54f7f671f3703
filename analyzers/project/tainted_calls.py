"""Request data handed to project functions that put it in a sink: the cross-function half
of DJE407 (SQL), DJE408 (HTML marked safe), DJE409 (redirects) and DJE411 (shell).

A summary records which parameters of a function reach a sink in its body
(`facts/summaries.py`, with the sinks of `facts/sinks.py`); `sinks_through` adds those it
passes them to, four calls deep. `tainted_calls` then finds, in the checked file, the calls
that give such a parameter data the HTTP client chose (the taint analysis of
`facts/taint.py`), once per check for the four rules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.summaries import callee_name
from django_expert.analyzers.facts.values import ValueBuilder
from django_expert.analyzers.project.summaries import MAX_DEPTH, callee_summary, function_summary, parameter

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel


Sink = tuple[str, str, str]  # (parameter, "sql" | "shell" | "redirect" | "html", the function with the sink)


def sinks_through(project: ProjectModel, qualname: str) -> tuple[Sink, ...]:
    """The parameters of `qualname` whose value reaches SQL text or a shell command, in its
    body or in the functions it passes them to (`MAX_DEPTH` deep)."""
    return project.memo(_sinks_through, qualname)


def _sinks_through(project: ProjectModel, qualname: str, depth: int = 0,
                   seen: frozenset[str] = frozenset()) -> tuple[Sink, ...]:
    found = function_summary(project, qualname)
    if found is None or depth > MAX_DEPTH or qualname in seen:
        return ()
    qualname, summary = found
    sinks: dict[tuple[str, str], str] = {(param, kind): qualname for param, kind in summary.sinks}
    for passed in summary.passes:
        callee = callee_summary(project, qualname, passed.callee)
        target = parameter(callee[1], passed.slot, callee[2]) if callee else None
        if target is None:
            continue
        for param, kind, via in _sinks_through(project, callee[0], depth + 1, seen | {qualname}):
            if param == target:
                sinks.setdefault((passed.param, kind), via)
    return tuple(sorted((param, kind, via) for (param, kind), via in sinks.items()))


@dataclass(frozen=True)
class TaintedCall:
    """A call in a function of the checked file that passes data an HTTP client chose to a
    project function, which lets it reach a sink (`kind`) in `via`."""

    call: ast.Call
    function: str  # the function holding the call
    callee: str
    kind: str
    via: str


def tainted_calls(ctx) -> list[TaintedCall]:
    """Every such call of the checked file (found once per check, shared by DJE407 and DJE411)."""
    cached = ctx.__dict__.get("_tainted_calls")
    if cached is None:
        cached = ctx.__dict__["_tainted_calls"] = _tainted_calls(ctx.project, ctx.facts, ctx.tree, ctx.module)
    return cached


def _tainted_calls(project: ProjectModel, facts, tree: ast.Module, module: str) -> list[TaintedCall]:
    from django_expert.analyzers.facts.calls import call_index
    from django_expert.analyzers.facts.names import Names
    from django_expert.analyzers.facts.sinks import CROSS_SITE, DIRECT_SINKS, PARAMETERS, guarded, is_url_check
    from django_expert.analyzers.facts.taint import Taint

    names = Names(facts, tree)
    values = ValueBuilder(names.qualify)
    found: list[TaintedCall] = []
    # (class, callee) -> (its summary, the sinks it reaches): a file calls the same few
    # functions (`_()`, `str()`, `self.get_object()`) over and over, each asked once here.
    reached: dict[tuple[str, str], tuple] = {}
    for scope in call_index(tree).functions():
        function, owner = scope.function, scope.owner
        caller = f"{module}.{owner.name}.{function.name}" if owner else f"{module}.{function.name}"
        candidates = []
        for call in scope.calls:
            callee = callee_name(call.func, values) if call.args or call.keywords else None
            if callee in DIRECT_SINKS or not callee:
                continue  # `mark_safe(x)` itself (when Django's own source is analysed): the rule's direct case
            # callee_summary reads the caller only for `self.` (its class)
            key = (caller.rpartition(".")[0] if callee.startswith("self.") else "", callee)
            if key not in reached:
                target = callee_summary(project, caller, callee)
                reached[key] = (target, sinks_through(project, target[0]) if target else ())
            target, sinks = reached[key]
            if sinks:
                candidates.append((call, target, sinks))
        if not candidates:
            continue
        taint = Taint(function, names.qualify, owner, module=module)
        kinds = {kind for *_, sinks in candidates for _, kind, _ in sinks}
        # A URL counts from the places a link can set (not the Referer), unless this function checks it.
        links = Taint(function, names.qualify, owner, module=module, sources=PARAMETERS) \
            if "redirect" in kinds else None
        checked = links is not None and (any(is_url_check(names.call(call)) for call in scope.calls)
                                         or guarded(links, function))
        # HTML counts from what another site can make a browser send (not headers or cookies).
        pages = Taint(function, names.qualify, owner, module=module, sources=CROSS_SITE) if "html" in kinds else None
        for call, (qualname, summary, offset), sinks in candidates:
            arguments = [(i, a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
            arguments += [(k.arg, k.value) for k in call.keywords if k.arg]
            for slot, argument in arguments:
                param = parameter(summary, slot, offset)
                if param is None or not taint.untrusted(argument):
                    continue
                for name, kind, via in sinks:
                    if name != param or kind == "redirect" and (checked or not links.untrusted(argument)):
                        continue
                    if kind == "html" and not pages.untrusted(argument):
                        continue
                    found.append(TaintedCall(call, function.name, qualname, kind, via))
    return found


def findings_across(ctx, kind: str, message: str, related: str):
    """The findings of one rule's cross-function case: a call handing client data to a
    function that puts it in a `kind` sink. `message` is formatted with `callee`,
    `function` (the caller) and `where` (" in `f()` (path:line)"); `related` labels the
    sink's function in related information."""
    from django_expert.analyzers.findings import Related
    from django_expert.analyzers.project.summaries import shown, where

    for found in tainted_calls(ctx):
        if found.kind != kind:
            continue
        located = where(ctx.project, found.via)
        via = found.via.rpartition(".")[2]
        at = f" in `{via}()` ({shown(ctx.project, located[0])}:{located[1].start.line + 1})" if located else ""
        yield ctx.report(
            found.call,
            message.format(callee=found.callee.rpartition(".")[2], function=found.function, where=at),
            related=(Related(located[0], located[1], f"`{via}()` {related}"),) if located else (),
        )
