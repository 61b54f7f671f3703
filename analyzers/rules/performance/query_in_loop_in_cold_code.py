"""DJE512 query-in-loop-in-cold-code

## What it does
DJE506's queries run once per item of a loop, in code that runs rarely or over a bounded
number of rows, where a reviewer would seldom ask for the change: a management command that
is not a long-running worker (a one-off backfill, a maintenance or debug command), a branch
taken only on a dry run or in debug, a
copy or clone function, and a loop of a model method, form or serializer over the rows of the
one object it handles, a signal receiver over the rows of its `instance`, and a django-filter
method over the objects its filter value names. Opt-in (`pedantic`): the default rule set keeps DJE506, for code that
runs per request or per scheduled run (periodic cleanups deleting row by row, views saving
rows one by one); a loop whose context cannot be told stays there. The message ends with the
reason the code counts as cold. Migrations are skipped, as by DJE506.

## Why is this bad?
It is the same round trip per row as DJE506, but paid rarely or over a few rows, and often
next to heavier work per row (signals, a file or network call) that dominates it.

## Example
```python
class Command(BaseCommand):
    def handle(self, *args, **options):
        for order in Order.objects.filter(status="paid"):
            Invoice.objects.create(order=order)
```

## Use instead
```python
class Command(BaseCommand):
    def handle(self, *args, **options):
        orders = Order.objects.filter(status="paid")
        Invoice.objects.bulk_create(Invoice(order=order) for order in orders)
```
The advice is DJE506's: `filter(<field>__in=...)` or `in_bulk()` for lookups,
`bulk_create()`, `bulk_update()` or `queryset.update()` / `queryset.delete()` for writes, an
annotation for per-row aggregates.

## References
- https://docs.djangoproject.com/en/stable/topics/db/optimization/#do-database-work-in-the-database-rather-than-in-python
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-update
"""

from __future__ import annotations

from django_expert.analyzers.rules.performance.query_in_loop import loop_findings
from django_expert.analyzers.rules.registry import rule


@rule("DJE512", "query-in-loop-in-cold-code", tier="pedantic", triggers=("for ",))
def check(ctx):
    yield from loop_findings(ctx, cold=True)
