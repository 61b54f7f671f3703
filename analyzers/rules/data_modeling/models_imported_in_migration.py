"""DJE212 models-imported-in-migration

## What it does
Finds migrations whose `RunPython` functions query or create objects through an imported
model class (`from shop.models import Order` then `Order.objects...` or `Order(...)`),
instead of the historical model from `apps.get_model()`. Imports of other things from a
models module (a default callable, a custom field, a mixin, choices constants, which
`makemigrations` itself writes) are left alone, and so are migrations that are history (a
squashed migration replaces them, or a later migration builds on them): they are applied
everywhere and every fresh database (CI's test database included) proves they still run, so
the change a reviewer asks for is in the migration being written, not in applied ones.

## Why is this bad?
A migration runs against the schema as it was at that point of history, but an imported
model is the model of today. As soon as a later change adds or renames a field, the
imported model queries columns that do not exist yet, and the migration fails for
everyone setting up a new database — or, worse, writes wrong data. Historical models from
`apps.get_model()` always match the migration's point in history.

## Example
```python
from shop.models import Order


def close_orders(apps, schema_editor):
    Order.objects.filter(status="open").update(status="closed")
```

## Use instead
```python
def close_orders(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(status="open").update(status="closed")
```

## References
- https://docs.djangoproject.com/en/stable/topics/migrations/#historical-models
- https://docs.djangoproject.com/en/stable/ref/migration-operations/#runpython
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.extract import resolve_relative
from django_expert.analyzers.facts.values import dotted_name
from django_expert.analyzers.rules.data_modeling._migration_code import (
    history,
    operation_calls,
)
from django_expert.analyzers.rules.registry import rule

# Django's own models, for projects whose environment is not indexed.
CONTRIB_MODELS = frozenset({
    "django.contrib.auth.models.User", "django.contrib.auth.models.Group", "django.contrib.auth.models.Permission",
    "django.contrib.contenttypes.models.ContentType", "django.contrib.sites.models.Site",
    "django.contrib.sessions.models.Session", "django.contrib.admin.models.LogEntry",
    "django.contrib.flatpages.models.FlatPage", "django.contrib.redirects.models.Redirect",
})


MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})


@rule("DJE212", "models-imported-in-migration", tier="recommended", triggers=("RunPython",), scope="migration")
def check(ctx):
    if history(ctx):
        return
    functions = _runpython_functions(ctx)
    if not functions:
        return
    imported = _imports(ctx)
    if not imported:
        return
    used: dict[int, tuple[ast.stmt, str, list[str]]] = {}
    for function in functions:
        shadowed = _bound_names(function)
        for node in _data_uses(function):
            name = dotted_name(node)
            head, _, rest = (name or "").partition(".")
            if head not in imported or head in shadowed:
                continue
            target, statement = imported[head]
            qualname = f"{target}.{rest}" if rest else target
            if _model_label(ctx, qualname):
                module, _, model = qualname.rpartition(".")
                entry = used.setdefault(id(statement), (statement, module, []))
                if model not in entry[2]:
                    entry[2].append(model)
    for statement, module, models in used.values():
        yield _report(ctx, statement, module, models)


def _runpython_functions(ctx) -> list[ast.FunctionDef]:
    """The module's functions a RunPython of this migration runs, with the module-level
    functions they call (transitively)."""
    defined = {n.name: n for n in ctx.tree.body if isinstance(n, ast.FunctionDef)}
    wanted: list[str] = []
    for node, kind in operation_calls(ctx.facts, ctx.tree):
        if kind == "RunPython":
            for value in [*node.args[:2], *(k.value for k in node.keywords if k.arg in ("code", "reverse_code"))]:
                if isinstance(value, ast.Name) and value.id in defined and value.id not in wanted:
                    wanted.append(value.id)
    for name in wanted:  # grows while it is walked
        for node in ast.walk(defined[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defined \
                    and node.func.id not in wanted:
                wanted.append(node.func.id)
    return [defined[name] for name in wanted]


def _imports(ctx) -> dict[str, tuple[str, ast.stmt]]:
    """Local name -> (qualified name, import statement), for imports anywhere in the file."""
    found: dict[str, tuple[str, ast.stmt]] = {}
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(ctx.module, False, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = (f"{base}.{alias.name}", node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                found[local] = (alias.name if alias.asname else local, node)
    return found


def _bound_names(function: ast.FunctionDef) -> set[str]:
    """Names a function binds itself (`Order = apps.get_model(...)`, parameters)."""
    names = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _data_uses(function: ast.FunctionDef):
    """The names used as `X.objects...`, `X._default_manager` or `X(...)`: the class's table
    is read or written (class constants such as `Order.STATUS_CHOICES` are not)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            yield node.value
        elif isinstance(node, ast.Call):
            yield node.func


def _model_label(ctx, qualname: str) -> str | None:
    """The label of the (non-abstract) model a qualified name denotes, else None."""
    if qualname.startswith("django."):
        return qualname if qualname in CONTRIB_MODELS else None
    if ctx.project is None or qualname.rpartition(".")[0] not in ctx.project.facts:
        return None
    ref = ctx.project.resolve_class(qualname)  # a function or a constant is no model: no wider lookup
    model = ctx.project.model(ref.qualname) if ref is not None else None
    return model.label if model is not None and not model.abstract else None


def _report(ctx, node: ast.stmt, module: str, models: list[str]):
    shown = ", ".join(f"`{m}`" for m in models)
    first = models[0]
    app = ctx.project.model(f"{module}.{first}") if ctx.project is not None else None
    label = app.app_label if app is not None else module.split(".")[-2] if "." in module else module
    return ctx.report(
        node,
        f"this migration imports the model{'s' if len(models) > 1 else ''} {shown} from `{module}`: it gets "
        f"today's model, not the one of this point in history; use apps.get_model(\"{label}\", \"{first}\") "
        f"inside the RunPython function",
    )
