"""DJE501 n-plus-one-loop

## What it does
Finds loops and comprehensions over a queryset that read, for each row, a relation the
queryset does not load: a foreign key or one-to-one (`book.author.name`), a reverse or
many-to-many manager (`author.books.all()`, `.count()`, iterating it), or a model property,
method or `__str__` known to read one. Reading `book.author_id` is free and not reported.
The queryset is followed from where it is built: `Book.objects...`, a custom manager or
QuerySet method, a local variable, `self.get_queryset()`, a related manager
(`author.books.all()`). Test modules are skipped.

## Why is this bad?
Each such read runs one query per row: 100 books, 101 queries (the "N+1" problem). It is
invisible with a handful of rows in development and dominates response times in
production. `select_related()` loads forward relations in the same query with a join;
`prefetch_related()` loads reverse and many-to-many relations in one extra query.

## Example
```python
def catalogue(request):
    books = Book.objects.filter(published=True)
    lines = [f"{book.title} by {book.author.name}" for book in books]
    tags = {book.pk: [t.name for t in book.tags.all()] for book in books}
```

## Use instead
```python
def catalogue(request):
    books = Book.objects.select_related("author").prefetch_related("tags").filter(published=True)
```
The fix adds the lookups where the queryset is built, merged into an existing
`select_related(...)` / `prefetch_related(...)` call.

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related
- https://docs.djangoproject.com/en/stable/topics/db/optimization/
"""

from __future__ import annotations

from django_expert.analyzers.facts.extract import attribute_chains
from django_expert.analyzers.findings import Applicability, Related
from django_expert.analyzers.fixes.queryset_edits import fix_lookups
from django_expert.analyzers.project.query_source import is_test_module, loops, source_flows, span_tuple
from django_expert.analyzers.project.querysets import (
    ITERATE,
    fix_plan,
    loader_text,
    plan,
    relation_names,
    trustworthy,
    unloaded,
)
from django_expert.analyzers.rules.registry import fixer, rule


@rule("DJE501", "n-plus-one-loop", fix=Applicability.SAFE, triggers=("for ",))
def check(ctx):
    if ctx.project is None or is_test_module(ctx.relative):
        return
    flows = source_flows(ctx)
    for owner in flows.query_functions:
        flow = flows.flow(owner.function, owner.qualname)
        for loop, target, iterable in loops(owner.function):
            rows = flow.rows(flows.values(iterable), iterable.lineno)
            if not trustworthy(rows) or not rows.many:
                continue
            reads = list(attribute_chains(loop, target).items())
            needs = unloaded(ctx.project, rows, [(ITERATE, *chain) for chain, _ in reads])
            if not needs:
                continue
            origin = flows.origin(owner.function, iterable, iterable.lineno)
            where = ctx.span(origin)
            fixing = fix_plan(rows, needs)
            select, prefetch = fixing if fixing else ([], [])
            loaders = loader_text(*(fixing or plan(needs)))
            yield ctx.report(
                reads[needs[0].index][1],
                f"N+1 queries: {relation_names(needs)} {'is' if len(needs) == 1 else 'are'} read for every "
                f"`{rows.model.name}` of the loop at line {iterable.lineno}, but the queryset built at line "
                f"{where.start.line + 1} does not {loaders}: one query per row",
                fix_title=f"Add {loader_text(select, prefetch)} where the queryset is built" if fixing else "",
                fix_data=(span_tuple(where), tuple(select), tuple(prefetch)),
                related=(Related(str(ctx.path), where, f"the `{rows.model.name}` queryset is built here"),),
            )


@fixer("DJE501")
def fix(source, finding):
    return fix_lookups(source, finding)
