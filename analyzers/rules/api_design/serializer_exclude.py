"""DJE302 serializer-exclude

## What it does
Finds DRF `ModelSerializer`s whose `Meta` lists the fields to leave out (`exclude`)
instead of the fields to expose (`fields`).

## Why is this bad?
`exclude` is an allow-everything-else list: every field added to the model later is
exposed, and writable, without anyone reviewing the API. A new `internal_notes`,
`cost_price` or `is_verified` column leaks to clients the day it is added. An explicit
`fields` list makes the API contract visible in review and stable across model changes.

## Example
```python
class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        exclude = ["password_hash"]
```

## Use instead
```python
class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "created"]
```
The fix writes the list DRF builds from `exclude` today (primary key, declared fields,
the model's fields, then relations, minus the excluded ones), so the API does not change.

## References
- https://www.django-rest-framework.org/api-guide/serializers/#specifying-which-fields-to-include
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import replace_meta_option
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import fixer, rule

FIX_TITLE = "Replace exclude by the explicit list of fields"


@rule("DJE302", "serializer-exclude", tier="pedantic", fix=Applicability.SAFE, triggers=("exclude",))
def check(ctx):
    for cls, qualname in ctx.classes_here(drf.MODEL_SERIALIZER):
        if cls.meta_attr("exclude") is None:
            continue
        meta = drf.serializer_meta(ctx.project, qualname)
        if meta is None or meta.get("fields") not in (None, Const(None), Const("__all__")):
            continue  # DRF refuses fields and exclude together; the check catches it
        model = drf.meta_model(ctx.project, qualname, meta)
        names = None
        if model is not None and cls.meta_attr("fields") is None:
            names = drf.serializer_field_names(ctx.project, qualname, meta, model)
        target = f"`{model.name}`" if model else "the model"
        yield ctx.report(
            f"{cls.name}.Meta.exclude",
            f"`{cls.name}` exposes every field of {target} except those in exclude; a field added to "
            f"the model later is exposed (and writable) without review",
            fix_title=FIX_TITLE if names else "",
            fix_data=(cls.name, tuple(names or ())),
        )


@fixer("DJE302")
def fix(source: FixSource, finding):
    class_name, names = finding.fix_data
    if not names:
        return None
    listing = "[" + ", ".join(f'"{name}"' for name in names) + "]"
    new_text = replace_meta_option(source, class_name, "exclude", "fields", listing)
    return source.fix(FIX_TITLE, Applicability.SAFE, new_text) if new_text else None
