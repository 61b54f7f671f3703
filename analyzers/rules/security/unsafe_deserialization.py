"""DJE410 unsafe-deserialization

## What it does
Finds deserializers that can run code:
- `yaml.load()` / `yaml.load_all()` without a safe loader (no `Loader`, or `Loader`,
  `UnsafeLoader`, `FullLoader` and their C variants);
- `pickle.loads()` / `pickle.load()` (also `dill`, `marshal`, `jsonpickle.decode`,
  `yaml.unsafe_load`) of data from the request: the body, a form or query value, an
  uploaded file, a cookie, a header — directly or through local variables;
- request data passed to a project function that hands it to one of those loaders (or to
  `yaml.load` without a safe loader), up to four calls deep and across files: the finding
  is at the call in the view, naming the function that loads it.

## Why is this bad?
Unpickling and full YAML loading construct arbitrary Python objects, and constructing
objects can call any function: a crafted payload runs shell commands on the server the
moment it is loaded. Data an HTTP client sent must only ever be read with formats that
build plain values (JSON, `yaml.safe_load`).

## Example
```python
def import_settings(request):
    config = yaml.load(request.FILES["config"].read(), Loader=yaml.Loader)
    state = pickle.loads(base64.b64decode(request.COOKIES["state"]))
```

## Use instead
```python
def import_settings(request):
    config = yaml.safe_load(request.FILES["config"].read())
    state = signing.loads(request.COOKIES["state"])  # JSON, signed
```
The fix replaces `yaml.load(...)` by `yaml.safe_load(...)`; documents that relied on
Python-specific tags stop loading, so it is offered as an unsafe fix.

## References
- https://docs.python.org/3/library/pickle.html
- https://pyyaml.org/wiki/PyYAMLDocumentation
- https://docs.djangoproject.com/en/stable/topics/signing/
"""

from __future__ import annotations

import ast
import re

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names, argument, keyword
from django_expert.analyzers.facts.sinks import CODE_LOADS, UNSAFE_LOADERS, YAML_LOADS, deserialised_from
from django_expert.analyzers.facts.taint import Taint
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.project.tainted_calls import findings_across
from django_expert.analyzers.rules.registry import fixer, rule

FIX_TITLE = "Use yaml.safe_load"
LOADING = re.compile(r"\b(?:loads?|load_all|unsafe_load|decode|Unpickler)\s*\(")


@rule("DJE410", "unsafe-deserialization", tier="recommended", fix=Applicability.UNSAFE,
      triggers=("yaml", "pickle", "marshal", "dill", "jsonpickle", "request"))
def check(ctx):
    if ctx.project is not None:
        yield from _across_functions(ctx)
    if not LOADING.search(ctx.text):
        return
    names = Names(ctx.facts, ctx.tree)
    index = call_index(ctx.tree)
    yield from _yaml(ctx, names, index.scopes[0].calls, "the module")
    for scope in index.functions():
        function, owner, calls = scope.function, scope.owner, scope.calls
        yield from _yaml(ctx, names, calls, f"`{function.name}`")
        loads = [call for call in calls if names.call(call) in CODE_LOADS and call.args]
        taint = Taint(function, names.qualify, owner, module=ctx.module) if loads else None
        for call in loads:
            data = call.args[0]
            if deserialised_from(taint, data):
                yield ctx.report(
                    call,
                    f"`{names.call(call)}` loads data from the request in `{function.name}`: a crafted payload "
                    f"runs code on the server; accept JSON (or signed data) instead",
                )


def _across_functions(ctx):
    """Request data handed to a project function that loads it with a code-running loader."""
    return findings_across(
        ctx, "code",
        "request data passed to `{callee}()` in `{function}` is deserialised with a loader that can run code"
        "{where}: a crafted payload runs code on the server; accept JSON (or signed data) there",
        "loads it here",
    )


def _yaml(ctx, names: Names, nodes, where: str):
    for call in nodes:
        name = names.call(call) if isinstance(call, ast.Call) else None
        if name not in YAML_LOADS:
            continue
        loader = keyword(call, "Loader") or argument(call, 1)
        if loader is not None and names.of(loader) not in UNSAFE_LOADERS:
            continue  # SafeLoader, BaseLoader, or a loader class of the project
        how = "without a safe loader" if loader is None else f"with {names.of(loader).rpartition('.')[2]}"
        fix = _safe_load(ctx, call, YAML_LOADS[name])
        yield ctx.report(
            call,
            f"`{name}` {how} in {where} can build any Python object, and so run code, from the document; "
            f"use yaml.safe_load",
            fix_title=FIX_TITLE if fix else "",
            fix_data=fix,
        )


def _safe_load(ctx, call: ast.Call, safe: str) -> tuple:
    """fix_data: the call's text and the same call as `yaml.<safe>(data)`."""
    data = argument(call, 0, "stream")
    func = ast.get_source_segment(ctx.text, call.func)
    segment = ast.get_source_segment(ctx.text, call)
    if data is None or func is None or segment is None or "." not in func:
        return ()  # `from yaml import load`: the safe function is not imported
    span = ctx.lines.span(call)
    new_func = func.rpartition(".")[0] + "." + safe
    return (span.start.line, span.start.column, span.end.line, span.end.column, segment,
            f"{new_func}({ast.get_source_segment(ctx.text, data)})")


@fixer("DJE410")
def fix(source: FixSource, finding):
    if not finding.fix_data:
        return None
    *span, expected, new = finding.fix_data
    text = replace_checked(source, tuple(span), expected, new)
    return source.fix(FIX_TITLE, Applicability.UNSAFE, text) if text else None
