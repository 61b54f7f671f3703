"""DJE507 missing-index-for-lookup

## What it does
Finds model fields that views look rows up by on every request — DRF's `lookup_field`,
Django's `slug_field` of a `DetailView`/`UpdateView`/`DeleteView` — when nothing indexes
them: not the primary key, not `unique`, no `db_index=True`, not a foreign key, and not in
a `Meta.indexes` entry, a unique constraint or `unique_together` (a view usually scopes its
queryset by the other fields of such a composite index). A view whose queryset is one
object's related rows (`order.payments.all()`) is left alone: the foreign key's index
narrows the lookup to a handful of rows.
(`SlugField` is indexed by default.) Beyond `lookup_field`, it finds fields rows are
looked up by exactly (`Ticket.objects.get(code=...)`, `.filter(code=...).first()` or
`.exists()`, `get_object_or_404`), or filtered on inside a loop, in code that runs per
request or per row: views and the project functions they call, four calls deep; signal
receivers (`@receiver(post_save, ...)`) and what they call; loops of a management
command's `handle()`. A query that also filters by an indexed field (a foreign
key, the primary key, a unique or indexed column) is left alone: that index narrows it,
and so are booleans and fields with `choices` (an index on few distinct values rarely
serves). The finding is on the field, with each view or function as related information.

## Why is this bad?
Each detail request then filters the whole table by an unindexed column: a sequential
scan whose cost grows with the table, on the most common request an API serves.

## Example
```python
class Ticket(models.Model):
    code = models.CharField(max_length=12)


class TicketViewSet(viewsets.ModelViewSet):
    queryset = Ticket.objects.all()
    lookup_field = "code"
```

## Use instead
```python
class Ticket(models.Model):
    code = models.CharField(max_length=12, db_index=True)  # or unique=True if it is
```
The fix adds `db_index=True`; run `makemigrations` afterwards (the index is created by a
migration).

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#db-index
- https://docs.djangoproject.com/en/stable/ref/models/indexes/
- https://www.django-rest-framework.org/api-guide/generic-views/#attributes
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Call, Seq, string, strings
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.queryset_edits import add_keyword
from django_expert.analyzers.project.hot_paths import hot_lookups
from django_expert.analyzers.project.querysets import Flow
from django_expert.analyzers.project.summaries import short_name, where
from django_expert.analyzers.rules.registry import fixer, rule

_LOOKUP_VIEWS = {"lookup_field": ("rest_framework.generics.GenericAPIView",),
                 "slug_field": ("django.views.generic.detail.SingleObjectMixin",)}


@rule("DJE507", "missing-index-for-lookup", tier="recommended", fix=Applicability.SAFE, triggers=("models",))
def check(ctx):
    if ctx.project is None:
        return
    mine = {m.qualname: m for m in ctx.models_here() if not m.abstract and not m.proxy}
    if not mine:
        return
    reported: set[tuple[str, str]] = set()
    for model, field_name, views in _lookups(ctx, mine):
        field = model.field(field_name)
        if field is None or field.declared_in != model.qualname or _indexed(model, field):
            continue
        names = ", ".join(f"`{v.rpartition('.')[2]}`" for v in views[:3]) + (" and more" if len(views) > 3 else "")
        yield ctx.report(
            f"{model.name}.{field.name}",
            f"{names} look{'s' if len(views) == 1 else ''} `{model.name}` rows up by `{field.name}` on every "
            f"request, but nothing indexes it: each lookup scans the table (add `db_index=True` and a migration)",
            fix_title="Add db_index=True (then run makemigrations)",
            fix_data=(model.name, field.name),
            related=tuple(r for r in (ctx.related(v.rpartition(".")[0], v.rpartition(".")[2], "looks it up here")
                                      for v in views) if r is not None),
        )
        reported.add((model.qualname, field.name))
    yield from _hot_path_findings(ctx, mine, reported)


_WHEN = {"request": "on every request", "signal": "on every signal it receives",
         "command loop": "once per row of a command's loop"}
_FEW_VALUES = frozenset({"BooleanField", "NullBooleanField"})


def _hot_path_findings(ctx, mine, reported):
    """Fields filtered on by code that runs per request, signal or row (see the docstring)."""
    grouped: dict[tuple[str, str], list] = {}
    for lookup in hot_lookups(ctx.project):
        if lookup.model in mine and (lookup.model, lookup.field) not in reported:
            grouped.setdefault((lookup.model, lookup.field), []).append(lookup)
    for (qualname, name), lookups in grouped.items():
        model = mine[qualname]
        field = model.field(name)
        if field is None or field.declared_in != model.qualname or _indexed(model, field) or \
                field.kind in _FEW_VALUES or "choices" in field.options:
            continue
        lookups = [lookup for lookup in lookups if not any(_narrows(model, other) for other in lookup.others)]
        if not lookups:
            continue
        lookups.sort(key=lambda lookup: list(_WHEN).index(lookup.when))  # the hottest path first
        names = ", ".join(f"`{short_name(lookup.function)}()`" for lookup in lookups[:3]) + \
            (" and more" if len(lookups) > 3 else "")
        yield ctx.report(
            f"{model.name}.{field.name}",
            f"{names} look{'s' if len(lookups) == 1 else ''} `{model.name}` rows up by `{field.name}` "
            f"{_WHEN[lookups[0].when]}, but nothing indexes it: each lookup scans the table (add `db_index=True` "
            f"and a migration)",
            fix_title="Add db_index=True (then run makemigrations)",
            fix_data=(model.name, field.name),
            related=tuple(_related(ctx, lookup) for lookup in lookups if where(ctx.project, lookup.function)),
        )


def _narrows(model, name: str) -> bool:
    """Another field of the same query whose index already narrows the rows it scans."""
    if name in ("pk", "id"):
        return True
    field = model.field(name)
    return field is None or _indexed(model, field)  # unknown (an annotation, a reverse relation): assume so


def _related(ctx, lookup):
    from django_expert.analyzers.findings import Related

    path, span = where(ctx.project, lookup.function)
    return Related(path, span, f"`{short_name(lookup.function)}()` looks it up here ({_WHEN[lookup.when]})")


def _lookups(ctx, mine):
    """(model, field name, views) for the lookups views of the project make on these models,
    in the index's order; the index grouped by model once per model (a file of one model
    must not scan every lookup of a project of thousands)."""
    ctx.project.memo(_lookup_index)  # the fact key this file depends on
    grouped = ctx.project.derived(_by_model)
    for _, qualname, name, views in sorted((p, q, n, v) for q in mine for p, n, v in grouped.get(q, ())):
        yield mine[qualname], name, views


def _by_model(project) -> dict[str, list[tuple[int, str, list[str]]]]:
    grouped: dict[str, list[tuple[int, str, list[str]]]] = {}
    for position, ((qualname, name), views) in enumerate(project.memo(_lookup_index).items()):
        grouped.setdefault(qualname, []).append((position, name, views))
    return grouped


def _lookup_index(project) -> dict[tuple[str, str], list[str]]:
    """Every view lookup of the project: (model qualname, field name) -> view qualnames."""
    found: dict[tuple[str, str], list[str]] = {}
    for ref in project.all_classes():
        for attribute, bases in _LOOKUP_VIEWS.items():
            name = string(ref.fact.attr(attribute))
            if not name or name == "pk" or not project.is_subclass(ref.qualname, *bases):
                continue
            rows = Flow(project, ref.module, ref.qualname).method_rows(ref.qualname, "get_queryset")
            if rows is not None and not rows.loads.scoped:  # one object's related rows: its key's index serves
                found.setdefault((rows.model.qualname, name), []).append(ref.qualname)
    return found


def _indexed(model, field) -> bool:
    if field.primary_key or field.unique or field.db_index or field.is_relation:
        return True
    # A field anywhere in a composite index or unique constraint counts: views usually scope
    # their queryset by the leading fields (`organizer`, then `code`), and the index serves.
    covered = set()
    for group in model.unique_together or ():
        covered.update(group)
    for key in ("indexes", "constraints"):
        value = model.meta.get(key)
        if value is not None and not isinstance(value, Seq):
            return True  # built elsewhere: cannot tell
        for item in value.items if isinstance(value, Seq) else ():
            fields = strings(item.kwarg("fields")) if isinstance(item, Call) else None
            if isinstance(item, Call) and fields is None and key == "indexes":
                return True  # an expression index or unreadable fields: assume it may cover it
            covered.update(f.lstrip("-") for f in fields or ())
    return field.name in covered or field.attname in covered


@fixer("DJE507")
def fix(source, finding):
    model, field = finding.fix_data
    text = add_keyword(source, model, field, "db_index", "True")
    return source.fix("Add db_index=True (then run makemigrations)", Applicability.SAFE, text) if text else None
