"""DJE201 nullable-string-field

## What it does
Finds string-based model fields (`CharField`, `TextField`, `SlugField`, `EmailField`,
`URLField` and their subclasses) declared with `null=True` that are not unique.

## Why is this bad?
Such a column has two values for "no data": `NULL` and the empty string. Queries must then
test both (`Q(bio__isnull=True) | Q(bio="")`), forms save `""` while code may save `None`,
and bugs hide in the difference. Django's convention is to store the empty string. The
exception is a unique field that may be blank: several `NULL`s do not collide where
several `""` would, so `unique=True` fields are left alone.

## Example
```python
class Product(models.Model):
    description = models.TextField(null=True, blank=True)
```

## Use instead
```python
class Product(models.Model):
    description = models.TextField(blank=True)
```
The fix removes `null=True`; it changes the schema, so it is offered as an unsafe fix:
make a migration, and turn existing `NULL`s into `""` in it.

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#null
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import remove_keyword
from django_expert.analyzers.rules.registry import fixer, rule

STRING_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


@rule("DJE201", "nullable-string-field", tier="pedantic", fix=Applicability.UNSAFE, triggers=("null",))
def check(ctx):
    for model in ctx.models_here():
        for field in model.fields:
            if field.declared_in != model.qualname or field.internal_type not in STRING_TYPES:
                continue
            if field.options.get("null") != Const(True) or field.unique or field.primary_key:
                continue
            yield ctx.report(
                field.location_key,
                f"`{model.name}.{field.name}` is a {field.kind} with null=True: it has two empty "
                f"values, NULL and \"\"; store \"\" instead (blank=True)",
                fix_title="Remove null=True (needs a migration)",
                fix_data=(model.name, field.name),
            )


@fixer("DJE201")
def fix(source: FixSource, finding):
    class_name, field_name = finding.fix_data
    new_text = remove_keyword(source, class_name, field_name, "null")
    return source.fix("Remove null=True (needs a migration)", Applicability.UNSAFE, new_text) if new_text else None
