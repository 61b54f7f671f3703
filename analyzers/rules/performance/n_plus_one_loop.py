"""DJE501 n-plus-one-loop

## What it does
Finds loops and comprehensions over a queryset that read, for each row, a relation the
queryset does not load: a foreign key or one-to-one (`book.author.name`), a reverse or
many-to-many manager (`author.books.all()`, `.count()`, iterating it), in the loop itself
or in what it calls per row — a model property, method or `__str__`, or a helper function
the row is passed to (`describe(book)`), up to four calls deep and across files; the
message names the function that reads it. Reading `book.author_id` is free and not
reported, nor is a relation the loop assigns itself, a read only a new unsaved object
makes (`if not self.pk:`) or one filling a missing denormalised key on the first save
(`if not self.order_id: self.order = self.position.order`) or an empty field in `save()`
(`if not self.slug: self.slug = slugify(self.owner.username)`: every stored row has it), a
re-read after the row's `delete()`, the parent of rows from `parent.children.all()`, or a
foreign key of rows fetched with Django 6.1's `fetch_mode(models.FETCH_PEERS)` (fetched for
all the rows at once); with `fetch_mode(models.RAISE)` the message says the read would raise.
A read past an early return on the row's own field (`if self.title: return self.title`), or
inside `if not self.title:`, is reported "only when `title` is empty", and not at all when
every stored row has the field (its primary key, a non-null foreign key).
A loop over `param.<relation>.all()` of an object the function is handed is left alone
when the same module prefetches `<relation>__<read>` for each read (the caller's queryset).
The queryset is followed from where it is built: `Book.objects...`, a custom manager or
QuerySet method, a local variable, `self.get_queryset()` (in any base class or mixin), a
related manager (`author.books.all()`), a helper or selector function returning it,
`list()`/`sorted()`, a Paginator page, or a dict regrouping the rows (`{b.pk: b for b in qs}`,
`groups[b.shelf_id].append(b)` then a loop over the groups). Test modules are skipped.
Loops in cold code — a migration, a management command that is not a long-running worker, a dry-run or debug branch, a copy or clone function, a
model method, form or serializer looping over the one object's own rows, a signal receiver over
the rows of its `instance`, a django-filter method over the objects its filter value names — are
reported by DJE511 (pedantic) instead; where the context cannot be told, the loop stays here.

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
`select_related(...)` / `prefetch_related(...)` call. When the loop reads on into the
objects of a generic foreign key (`row.content_object.owner`: of any model, so no lookup
path is exact), the fix offered instead is Django 6.1's
`.fetch_mode(models.FETCH_PEERS)`, which fetches each foreign key, one-to-one and generic
key for all the rows at once, down the tree; its title says it needs Django 6.1, and it is
an unsafe fix (`check --fix` leaves it), since the project's Django version is not known.
A lookup loading rows of a model the loop itself writes — `row.save()`, a related object's
`save()`, `update()`/`delete()`/`create()` through a manager, `add()`/`remove()` on a
many-to-many, in the loop or in what it calls per row (`row_writes.py`; rows it only
creates count for a prefetched collection, not for a joined foreign key) — is left out of the
fix, and the message says so: the loader fetches those rows once, before the loop, so what a
later row reads after an earlier row's write is stale (taiga's sprint, judged on its stories
after each one is saved, would no longer close), and a stale instance saved back undoes the
earlier write. The N+1 is real all the same, so it is still reported, with a fix for the rest.

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related
- https://docs.djangoproject.com/en/stable/topics/db/optimization/
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Applicability, Related
from django_expert.analyzers.fixes.queryset_edits import fix_lookups
from django_expert.analyzers.facts.summaries import callee_name
from django_expert.analyzers.project.query_source import (
    is_test_module,
    loops,
    regrouped,
    source_flows,
    span_tuple,
    walk_scope,
)
from django_expert.analyzers.project.row_writes import (
    INSTANCE_WRITES,
    MANAGER_WRITES,
    Writes,
    chain_writes,
    query_writes,
    reached_models,
)
from django_expert.analyzers.project.summaries import (
    assigned_attributes,
    body_reads,
    callee_summary,
    short_name,
    shown,
    where,
)
from django_expert.analyzers.project.querysets import (
    ITERATE,
    fix_plan,
    loader_text,
    maximal,
    peers_fix,
    plan,
    relation_names,
    trustworthy,
    unloaded,
)
from django_expert.analyzers.rules.performance._cold_code import cold_reason
from django_expert.analyzers.rules.registry import fixer, rule


@rule("DJE501", "n-plus-one-loop", tier="recommended", fix=Applicability.SAFE, triggers=("for ",))
def check(ctx):
    yield from loop_findings(ctx, cold=False)


def loop_findings(ctx, cold: bool):
    """The N+1 findings of the file's loops: those in cold code (see `_cold_code.py`, for
    DJE511) when `cold`, the others (hot or unknown) when not."""
    if ctx.project is None or is_test_module(ctx.relative):
        return
    flows = source_flows(ctx)
    for owner in flows.query_functions:
        flow = flows.flow(owner.function, owner.qualname)
        caller = f"{owner.qualname or ctx.module}.{owner.function.name}"
        for loop, target, iterable in loops(owner.function):
            source = iterable
            rows = flow.rows(flows.values(iterable), iterable.lineno)
            if not trustworthy(rows):  # `for b in groups[k]`: rows regrouped in a dict, built elsewhere
                source = regrouped(flows, owner.function, loop, iterable) or iterable
                rows = flow.rows(flows.values(source), source.lineno)
            if not trustworthy(rows) or not rows.many:
                continue
            reads = body_reads(ctx.project, caller, loop, target, flows.values)
            needs = unloaded(ctx.project, rows, [(ITERATE, *chain) for chain, _, _ in reads])
            assigned = assigned_attributes(loop, target)
            needs = [need for need in needs if need.hops[0].attr not in assigned]
            if not needs:
                continue
            origin = flows.origin(owner.function, source, source.lineno)
            if _prefetched_by_caller(ctx, owner.function, origin, needs):
                continue
            reason = cold_reason(ctx, owner, loop, source, origin)
            if (reason is not None) != cold:
                continue
            built = ctx.span(origin)
            written = _written(ctx, flows, flow, caller, loop, rows, reads)
            reached = {id(n): reached_models(ctx.project, rows.model, n.hops) for n in needs} if written else {}
            stale = [n for n in needs if written.stale(reached[id(n)])] if written else []
            fresh = [n for n in needs if n not in stale]
            fixing = fix_plan(rows, fresh) if fresh else None
            select, prefetch = fixing if fixing else ([], [])
            loaders = loader_text(*(fix_plan(rows, needs) or plan(needs)))
            peers = peers_fix(rows, needs) and not stale
            _, node, via = reads[needs[0].index]
            via = needs[0].via or via
            located = where(ctx.project, via) if via else None
            inside = f" in `{short_name(via)}()`" + (f" ({shown(ctx.project, located[0])}:{located[1].start.line + 1})"
                                                 if located else "") if via else ""
            related = [Related(str(ctx.path), built, f"the `{rows.model.name}` queryset is built here")]
            if located:
                related.append(Related(located[0], located[1], f"`{short_name(via)}()` reads it"))
            raises = rows.loads.fetch_mode == "RAISE" and any(n.single for n in needs)
            outcome = ("with `fetch_mode(RAISE)`: the read raises FieldFetchBlocked" if raises else
                       "one query per row") + (f", in {reason}" if reason else "") + \
                _stale_note(stale, written, fixing, reached)
            yield ctx.report(
                node,
                f"N+1 queries: {relation_names(needs)} {'is' if len(needs) == 1 else 'are'} read{inside} for every "
                f"`{rows.model.name}` of the loop at line {iterable.lineno}, but the queryset built at line "
                f"{built.start.line + 1} does not {loaders}: {outcome}",
                fix_title=PEERS_TITLE if peers else
                f"Add {loader_text(select, prefetch)} where the queryset is built" if fixing else "",
                fix_data=(span_tuple(built), (), (), "FETCH_PEERS") if peers else
                (span_tuple(built), tuple(select), tuple(prefetch)),
                related=tuple(related),
            )


def _written(ctx, flows, flow, caller: str, loop, rows, reads) -> Writes:
    """The models the loop body writes per row (`row_writes.py`): through the row
    (`row.save()`, `row.milestone.save()` in a function it is passed to), through a manager
    or another row it holds, or in the functions it calls."""
    written = Writes()
    chain_writes(ctx.project, rows.model, [chain for chain, _, _ in reads], written)
    for node in walk_scope(loop):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            found = flow.rows(flows.values(node.func.value), node.lineno)
            if found is not None:
                written.add(found.model.label, node.func.attr)
        callee = callee_name(node.func, flows.values)
        target = callee_summary(ctx.project, caller, callee) if callee else None
        if target is not None:
            query_writes(ctx.project, target[0], written)
    return written


def _stale_note(stale, written: Writes, fixing, reached) -> str:
    """What the fix leaves out, and why: the rows the loop writes, loaded before it, would
    be stale for the rows after the write."""
    if not stale:
        return ""
    labels = sorted({label for n in stale for label, single in reached[id(n)] if written.stale([(label, single)])})
    models = ", ".join(f"`{label.rpartition('.')[2]}`" for label in labels)
    paths = ", ".join(f"`{path}`" for path in maximal([n.path for n in stale]))
    left = f"the fix leaves out {paths}" if fixing else f"no fix loads {paths}"
    return f"; but the loop writes {models} rows, which loaded before it would be stale: {left}"


def _prefetched_by_caller(ctx, function, origin, needs) -> bool:
    """The loop is over `param.<relation>.all()` of an object the function is handed, and this
    module prefetches `<relation>__<read>` for every read (pretix's dekodi exporter: `render()`
    builds `invoices.prefetch_related("lines", "lines__subevent")` and hands each invoice to
    `_encode_invoice()`, whose loop over `invoice.lines.all()` hits the cache)."""
    if not (isinstance(origin, ast.Call) and isinstance(origin.func, ast.Attribute) and origin.func.attr == "all"
            and isinstance(origin.func.value, ast.Attribute) and isinstance(origin.func.value.value, ast.Name)):
        return False
    holder, relation = origin.func.value.value.id, origin.func.value.attr
    params = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    if holder not in params or holder in ("self", "cls"):
        return False
    loaded = {n.value for call in ast.walk(ctx.tree) if isinstance(call, ast.Call)
              and isinstance(call.func, ast.Attribute) and call.func.attr == "prefetch_related"
              for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return relation in loaded and all(
        any(name == f"{relation}__{need.hops[0].attr}" or name.startswith(f"{relation}__{need.hops[0].attr}__")
            for name in loaded) for need in needs)


WRITES = INSTANCE_WRITES | MANAGER_WRITES

# Django 6.1 only: the title says so, and the fix is unsafe (never applied by `check --fix`).
PEERS_TITLE = ("Fetch each relation for all the rows at once: add `.fetch_mode(models.FETCH_PEERS)` where the "
               "queryset is built (Django 6.1 or later only)")


@fixer("DJE501")
def fix(source, finding):
    return fix_lookups(source, finding)
