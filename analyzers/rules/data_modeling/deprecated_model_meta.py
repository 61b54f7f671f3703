"""DJE206 deprecated-model-meta

## What it does
Finds models whose `Meta` declares `index_together` or `unique_together`.

## Why is this bad?
`index_together` was deprecated in Django 4.2 and removed in 5.1: from 5.1 on, a `Meta`
that still declares it makes the model class fail to load, which blocks the upgrade.
`unique_together` is not deprecated: it works, and the documentation only discourages it
in favour of `UniqueConstraint`, which does the same with a name you choose and can also
take a condition, expressions, `nulls_distinct` and a custom error message. On old tables
that is taste, and the rule is pedantic. The real problem it points at is a unique set
with a nullable column: databases treat NULLs as distinct, so two rows that differ only by
having NULL there are both accepted, and the set enforces nothing for those rows (whether
written as `unique_together` or as a plain `UniqueConstraint`).

## Example
```python
class Membership(models.Model):
    class Meta:
        unique_together = [("team", "user")]
        index_together = [("team", "joined_at")]
```

## Use instead
```python
class Membership(models.Model):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="teams_membership_team_user_uniq"),
        ]
        indexes = [
            models.Index(fields=["team", "joined_at"]),
        ]
```
For a nullable column in the set, make it NOT NULL, or add `nulls_distinct=False` to the
`UniqueConstraint` (Django 5.0+, PostgreSQL 15+), or add a conditional constraint for the
rows where it is NULL. The fix rewrites the option into `indexes` or `constraints` (appending to an existing
literal list). It is offered as unsafe: the next `makemigrations` renames the index
(`RenameIndex`, no table rewrite) or replaces the unique constraint by a named one, which
drops and re-creates it.

## References
- https://docs.djangoproject.com/en/stable/ref/models/options/#index-together
- https://docs.djangoproject.com/en/stable/ref/models/options/#unique-together
- https://docs.djangoproject.com/en/stable/ref/models/constraints/#uniqueconstraint
- https://docs.djangoproject.com/en/stable/ref/models/indexes/
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Seq, Value
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import move_meta_option
from django_expert.analyzers.rules.registry import fixer, rule

TARGETS = {"index_together": "indexes", "unique_together": "constraints"}


@rule("DJE206", "deprecated-model-meta", tier="pedantic", fix=Applicability.UNSAFE, triggers=("_together",))
def check(ctx):
    for model in ctx.models_here():
        fact = ctx.facts.class_(model.name)
        if fact is None or fact.meta is None:
            continue
        for option, target in TARGETS.items():
            value = fact.meta_attr(option)
            if value is None:
                continue
            groups = together_groups(value)
            if groups == ():
                continue  # `unique_together = ()` declares nothing
            items = _items(ctx.facts, model, option, groups) if groups else None
            yield ctx.report(
                f"{model.name}.Meta.{option}",
                _message(model, option, groups),
                fix_title=f"Rewrite {option} as Meta.{target}" if items else "",
                fix_data=(model.name, option, target, tuple(items or ())),
            )


def _message(model, option: str, groups) -> str:
    where = f"`{model.name}.Meta.{option}`"
    if option == "index_together":
        return (f"{where} is deprecated since Django 4.2 and was removed in Django 5.1, where the model no longer "
                f"loads; move it to Meta.indexes")
    nullable = _nullable_in(model, groups or ())
    if nullable:
        group, field = nullable
        return (f"{where} {tuple(group)!r} enforces nothing for rows where `{field}` is NULL: the database "
                f"treats NULLs as distinct, so those rows are never duplicates. Make `{field}` NOT NULL, or use "
                f"a UniqueConstraint with nulls_distinct=False (Django 5.0+, PostgreSQL 15+)")
    return (f"{where} is discouraged (not deprecated) in favour of Meta.constraints: a UniqueConstraint "
            f"has a name you choose and supports conditions")


def _nullable_in(model, groups) -> tuple[tuple[str, ...], str] | None:
    """The first unique group with a nullable column, and that column's field name."""
    fields = {f.name: f for f in model.fields}
    for group in groups:
        for name in group:
            field = fields.get(name)
            if field is not None and field.null:
                return group, name
    return None


def together_groups(value: Value) -> tuple[tuple[str, ...], ...] | None:
    """The field groups of a `*_together` value, normalised as Django does (a flat tuple of
    names is one group); None when it is not literal."""
    if not isinstance(value, Seq):
        return None
    if all(isinstance(i, Const) and isinstance(i.value, str) for i in value.items):
        return (tuple(i.value for i in value.items),) if value.items else ()  # type: ignore[misc]
    groups = []
    for item in value.items:
        if not isinstance(item, Seq) or not all(isinstance(i, Const) and isinstance(i.value, str) for i in item.items):
            return None
        groups.append(tuple(i.value for i in item.items))  # type: ignore[misc]
    return tuple(groups)


def _items(facts, model, option: str, groups) -> list[str] | None:
    """The Index / UniqueConstraint expressions replacing the groups, spelled with the way
    this file names django.db.models; None when it does not import it."""
    bound = {i.local: i.target for i in facts.imports}
    cls = "Index" if option == "index_together" else "UniqueConstraint"
    prefix = next((f"{local}." for local, target in bound.items() if target == "django.db.models"), None)
    if prefix is None:
        prefix = "" if bound.get(cls) == f"django.db.models.{cls}" else None
    if prefix is None:
        return None
    items = []
    for group in groups:
        fields = "[" + ", ".join(f'"{name}"' for name in group) + "]"
        if cls == "Index":
            items.append(f"{prefix}Index(fields={fields})")
        else:
            owner = "%(app_label)s_%(class)s" if model.abstract else f"{model.app_label}_{model.model_name}"
            name = f"{owner}_{'_'.join(group)}_uniq"
            items.append(f'{prefix}UniqueConstraint(fields={fields}, name="{name}")')
    return items


@fixer("DJE206")
def fix(source: FixSource, finding):
    class_name, option, target, items = finding.fix_data
    new_text = move_meta_option(source, class_name, option, target, list(items))
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
