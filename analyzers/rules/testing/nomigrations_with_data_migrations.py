"""DJE606 nomigrations-with-data-migrations

## What it does
Finds a data migration (`RunPython`) that creates rows — `apps.get_model(...)` then
`objects.create`, `get_or_create`, `update_or_create` or `bulk_create` — of a model the
test suite uses (a test module imports it) while pytest runs with `--nomigrations` in
`addopts` (pytest.ini, pyproject.toml, setup.cfg, tox.ini). It is reported on the
`RunPython` operation. Models a factory_boy factory of the project builds are left alone
(the tests make their own rows), and so are migrations a squashed one replaces and
`RunPython` functions that only change existing rows (a backfill has nothing to seed).

## Why is this bad?
With `--nomigrations` pytest-django builds the test database from the models, so the rows
the migration seeds (groups, permissions, lookup tables, a default site) are not there: the
tests run against a database production never has, pass or fail for the wrong reason, and
the migration itself is never run by any test, so a broken one first fails on deploy.

## Example
```ini
[pytest]
addopts = --nomigrations
```
```python
def add_genres(apps, schema_editor):
    Genre = apps.get_model("catalog", "Genre")
    Genre.objects.bulk_create([Genre(name="Fiction"), Genre(name="History")])
```

## Use instead
Run the migrations in tests (drop `--nomigrations`, keep the database between runs with
`--reuse-db`), or create the rows the tests need in a fixture and test the migration on its own.

## References
- https://pytest-django.readthedocs.io/en/latest/database.html#nomigrations-disable-django-migrations
- https://docs.djangoproject.com/en/stable/topics/testing/overview/#the-test-database
"""

from __future__ import annotations

import ast

from django_expert.analyzers.project.test_map import factories, nomigrations, test_modules
from django_expert.analyzers.rules.data_modeling._migration_code import operation_calls, superseded
from django_expert.analyzers.rules.registry import rule

_CREATES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create"})


@rule("DJE606", "nomigrations-with-data-migrations", tier="recommended", triggers=("RunPython",), scope="migration")
def check(ctx):
    project = ctx.project
    if project is None or superseded(ctx):
        return
    where = nomigrations(project)
    if where is None:
        return
    built = {f.model.lower() for f in factories(project) if f.model}
    defined = {n.name: n for n in ctx.tree.body if isinstance(n, ast.FunctionDef)}
    for node, kind in operation_calls(ctx.facts, ctx.tree):
        if kind != "RunPython":
            continue
        code = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
        function = defined.get(code.id) if isinstance(code, ast.Name) else None
        models = [m for m in _seeded(ctx, function) if m.label.lower() not in built] if function else []
        used = [(m, tests) for m in models if (tests := _tests_using(project, m.qualname))]
        if used:
            names = ", ".join(f"{m.name} ({tests[0]}{' and more' if len(tests) > 1 else ''})" for m, tests in used)
            yield ctx.report(
                node,
                f"`{function.name}` seeds rows the tests use — {names} — but {where} runs pytest with "
                f"`--nomigrations`: the test database has none of them and no test runs this migration",
            )


def _seeded(ctx, function: ast.FunctionDef):
    """The models whose rows the function creates, through `apps.get_model(...)` names."""
    names: dict[str, str] = {}  # local name -> "app.Model"
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr == "get_model" and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            args = [a.value for a in node.value.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(args) in (1, 2):
                names[node.targets[0].id] = ".".join(args)
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CREATES:
            manager = node.func.value
            owner = manager.value if isinstance(manager, ast.Attribute) else None
            label = names.get(owner.id) if isinstance(owner, ast.Name) else None
            model = _model(ctx.project, label) if label else None
            if model is not None and model not in found:
                found.append(model)
    return found


def _model(project, label: str):
    app_label, _, name = label.partition(".")
    return next((m for m in project.models() if m.app_label == app_label and m.name.lower() == name.lower()), None)


def _tests_using(project, qualname: str) -> list[str]:
    return [t.module for t in test_modules(project) if qualname in t.imports]
