"""DJE511 n-plus-one-in-cold-code

## What it does
DJE501's N+1 findings in code that runs rarely or over a bounded number of rows, where a
reviewer would seldom ask for the change: a data migration, a management command that is not
a long-running worker, a branch taken only on a dry run or in debug, a copy or clone function, and a loop of a model method, form or
serializer over the rows of the one object it handles (`self.feeds.all()`), a signal receiver over
the rows of its `instance`, and a django-filter method over the objects its filter value names. Opt-in
(`pedantic`): the default rule set keeps DJE501, for code that runs per request or per
scheduled run; a loop whose context cannot be told stays there. The message ends with the
reason the code counts as cold.

## Why is this bad?
It is the same N+1 as DJE501 (one query per row), but the cost is paid rarely (a command run
by hand, a copy) or is bounded by one object (the feeds of one rack), and the loop's own work
often dwarfs it. Worth fixing when that code turns out to run on a schedule or over many rows.

## Example
```python
class Command(BaseCommand):
    def handle(self, *args, **options):
        for book in Book.objects.all():
            self.stdout.write(book.author.name)
```

## Use instead
```python
class Command(BaseCommand):
    def handle(self, *args, **options):
        for book in Book.objects.select_related("author"):
            self.stdout.write(book.author.name)
```
The fix is DJE501's: the lookups are added where the queryset is built.

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related
- https://docs.djangoproject.com/en/stable/topics/db/optimization/
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import fix_lookups
from django_expert.analyzers.rules.performance.n_plus_one_loop import loop_findings
from django_expert.analyzers.rules.registry import fixer, rule


@rule("DJE511", "n-plus-one-in-cold-code", tier="pedantic", fix=Applicability.SAFE, triggers=("for ",))
def check(ctx):
    yield from loop_findings(ctx, cold=True)


@fixer("DJE511")
def fix(source, finding):
    return fix_lookups(source, finding)
