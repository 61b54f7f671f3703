"""DJE508 sync-orm-in-async

## What it does
Finds synchronous ORM calls that hit the database inside `async def` functions (async
views, consumers, async management code): `Model.objects.get(...)`, `.first()`,
`.count()`, `.exists()`, `.create(...)`, `.update(...)`, `.delete()` and friends on a
queryset, `instance.save()` / `.delete()` / `.refresh_from_db()`, and a plain `for` over
a queryset. Calls wrapped in `sync_to_async(...)` (a function passed, not called) are fine.
A test whose folder (or a parent folder, up to the project root) has a `conftest.py` setting
`DJANGO_ALLOW_ASYNC_UNSAFE` is left alone: Django does not raise there, and such tests call
synchronous fixtures on purpose (baserow's `ws/async/conftest.py`).

## Why is this bad?
Django refuses to run synchronous database code in an async context: it raises
`SynchronousOnlyOperation`. Where it is allowed (`DJANGO_ALLOW_ASYNC_UNSAFE`), the query
blocks the event loop and every other request waiting on it.

## Example
```python
async def book_detail(request, pk):
    book = Book.objects.get(pk=pk)
    count = Review.objects.filter(book=book).count()
    for tag in book.tags.all():
        ...
```

## Use instead
```python
async def book_detail(request, pk):
    book = await Book.objects.aget(pk=pk)
    count = await Review.objects.filter(book=book).acount()
    async for tag in book.tags.all():
        ...
```
The fix switches to the `a`-prefixed method and awaits it.

## References
- https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm
- https://docs.djangoproject.com/en/stable/topics/async/#async-safety
"""

from __future__ import annotations

import ast
from pathlib import Path

from django_expert.analyzers.files import read_source
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import replace_expression
from django_expert.analyzers.project.query_source import is_test_module, source_flows, span_tuple, walk_scope
from django_expert.analyzers.rules.registry import fixer, rule

# Queryset methods with an async twin (Django 4.1+: the same name with an "a" in front).
_QUERYSET = {"get", "first", "last", "latest", "earliest", "count", "exists", "contains", "aggregate", "in_bulk",
             "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete",
             "explain"}
_INSTANCE = {"save", "delete", "refresh_from_db"}


@rule("DJE508", "sync-orm-in-async", tier="recommended", fix=Applicability.SAFE, triggers=("async def",))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative) and _async_unsafe_allowed(ctx):
        return
    flows = source_flows(ctx)
    for owner in flows.query_functions:
        if not isinstance(owner.function, ast.AsyncFunctionDef):
            continue
        flow = flows.flow(owner.function, owner.qualname)
        parents = {id(child): node for node in walk_scope(owner.function) for child in ast.iter_child_nodes(node)}
        for node in sorted((n for n in walk_scope(owner.function) if isinstance(n, (ast.For, ast.Call))),
                           key=lambda n: (n.lineno, n.col_offset)):
            if isinstance(node, ast.For):
                rows = flow.rows(flows.values(node.iter), node.lineno)
                if rows is not None and rows.many:
                    yield ctx.report(
                        node.iter,
                        f"a plain `for` over a `{rows.model.name}` queryset in `async def "
                        f"{owner.function.name}` runs a synchronous query: use `async for`",
                        fix_title="Use `async for`",
                        fix_data=("async-for", span_tuple(ctx.span(node))),
                    )
                continue
            found = _sync_call(flows, flow, node)
            if found is None or isinstance(parents.get(id(node)), ast.Await):
                continue
            method, model = found
            call = ast.get_source_segment(ctx.text, node) or ""
            receiver = ast.get_source_segment(ctx.text, node.func.value) or ""
            arguments = call[len(ast.get_source_segment(ctx.text, node.func) or ""):]
            awaited = f"await {receiver}.a{method}{arguments}"
            if isinstance(parents.get(id(node)), (ast.Attribute, ast.Subscript, ast.Call)):
                awaited = f"({awaited})"
            yield ctx.report(
                node,
                f"`.{method}()` on `{model}` runs a synchronous query in `async def {owner.function.name}` "
                f"(Django raises SynchronousOnlyOperation): `await ....a{method}()` is its async twin",
                fix_title=f"Use `await ....a{method}()`",
                fix_data=("await", span_tuple(ctx.span(node)), awaited),
            )


_ALLOW = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _async_unsafe_allowed(ctx) -> bool:
    """A `conftest.py` in the test's folder or a parent folder (up to the project root) sets
    `DJANGO_ALLOW_ASYNC_UNSAFE` (`os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")`,
    `monkeypatch.setenv(...)`): pytest loads it before the tests below it run."""
    path = Path(ctx.path)
    parts = Path(ctx.relative).parts
    root = path.parents[len(parts) - 1] if len(parts) <= len(path.parents) else path.parent
    folder = path.parent
    while True:
        conftest = folder / "conftest.py"
        try:
            if conftest.is_file() and _ALLOW in read_source(conftest, within=(root,)):
                return True
        except (OSError, ValueError):
            pass
        if folder == root or root not in folder.parents:
            return False
        folder = folder.parent


def _sync_call(flows, flow, node) -> tuple[str, str] | None:
    """(method, model name) of a synchronous ORM call."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    method = node.func.attr
    if method not in _QUERYSET and method not in _INSTANCE:
        return None
    rows = flow.rows(flows.values(node.func.value), node.lineno)
    if rows is None:
        return None
    if rows.many and method in _QUERYSET or not rows.many and method in _INSTANCE:
        return method, rows.model.name
    return None


@fixer("DJE508")
def fix(source, finding):
    kind, span, *rest = finding.fix_data
    if kind == "async-for":
        line, column = span[0], span[1]
        text = replace_expression(source, (line, column, line, column + 3), "async for")
    else:
        text = replace_expression(source, span, rest[0])
    return source.fix(finding.fix_title, Applicability.SAFE, text) if text else None
