"""DJE210 runpython-without-reverse

## What it does
Finds `RunPython` operations in migrations that pass no `reverse_code`. An explicit
`reverse_code=None` is read as a deliberate choice and left alone, and so is history:
migrations a squashed migration replaces, and those a later migration builds on (applied
wherever the later one is, so nobody rolls back past them; only the newest migrations are
worth the advice).

## Why is this bad?
Without `reverse_code`, Django marks the whole migration irreversible: `migrate app 0007`
to roll back a bad deploy stops with `IrreversibleError`, and every later migration of
the app is stuck behind it. Most data migrations can be undone, or are harmless to leave
in place on the way back (`migrations.RunPython.noop`).

## Example
```python
operations = [
    migrations.RunPython(fill_slugs),
]
```

## Use instead
```python
operations = [
    migrations.RunPython(fill_slugs, migrations.RunPython.noop),
]
```
Write a real reverse function when the forward step changes data that the previous
schema needs back. The fix adds `RunPython.noop` as the reverse step; it is offered as
unsafe because only you know whether doing nothing on the way back is right.

## References
- https://docs.djangoproject.com/en/stable/ref/migration-operations/#runpython
- https://docs.djangoproject.com/en/stable/topics/migrations/#reversing-migrations
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import dotted_name
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import add_reverse_code
from django_expert.analyzers.rules.data_modeling._migration_code import (
    history,
    operation_calls,
)
from django_expert.analyzers.rules.registry import fixer, rule

TITLE = "Add RunPython.noop as the reverse step"


@rule("DJE210", "runpython-without-reverse", tier="pedantic", fix=Applicability.UNSAFE, triggers=("RunPython",), scope="migration")
def check(ctx):
    if history(ctx):
        return  # rolling back past a migration others build on is not done: advice too late
    for node, kind in operation_calls(ctx.facts, ctx.tree):
        if kind != "RunPython" or not _without_reverse(node):
            continue
        forward = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
        name = dotted_name(forward) if forward is not None else None
        yield ctx.report(
            node,
            f"`RunPython({name or '...'})` has no reverse_code: the migration cannot be rolled back "
            f"(pass a reverse function, or RunPython.noop when undoing nothing is right)",
            fix_title=TITLE,
            fix_data=(node.lineno, node.col_offset),
        )


def _without_reverse(node: ast.Call) -> bool:
    if len(node.args) >= 2 or any(isinstance(a, ast.Starred) for a in node.args):
        return False
    return not any(k.arg in (None, "reverse_code") for k in node.keywords)


@fixer("DJE210")
def fix(source: FixSource, finding):
    line, column = finding.fix_data
    new_text = add_reverse_code(source, line, column)
    return source.fix(TITLE, Applicability.UNSAFE, new_text) if new_text else None
