"""DJE301 serializer-all-fields

## What it does
Finds DRF `ModelSerializer`s whose `Meta.fields` is `"__all__"`.

## Why is this bad?
The API then exposes every column the model has today and every column added tomorrow: a
new `internal_notes` or `cost_price` field ships to clients, and becomes writable, the day
it is added to the model, without anyone reviewing the API. Explicit fields make the API
contract visible in review and stable across model changes.

## Example
```python
class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = "__all__"
```

## Use instead
```python
class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "slug", "price", "category"]
```
The fix, *freeze the current exposure*, writes the list DRF would use for `"__all__"` today
(primary key, declared fields, the model's concrete fields, inherited ones included, then
forward relations). It is unsafe on purpose: it keeps every field exposed and writable as
it is now, including any that should not be, and only the reviewer can answer the question
it leaves — which of these fields may clients read, and which may they write?

## References
- https://www.django-rest-framework.org/api-guide/serializers/#specifying-which-fields-to-include
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Ref
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import set_meta_value
from django_expert.analyzers.project.drf import default_field_names
from django_expert.analyzers.rules.registry import fixer, rule

MODEL_SERIALIZER = "rest_framework.serializers.ModelSerializer"


@rule("DJE301", "serializer-all-fields", tier="pedantic", fix=Applicability.UNSAFE, triggers=("__all__",))
def check(ctx):
    for cls, qualname in ctx.classes_here(MODEL_SERIALIZER):
        if cls.meta_attr("fields") != Const("__all__"):
            continue
        model_ref = cls.meta_attr("model")
        model = ctx.project.model(model_ref.name, ctx.module) if isinstance(model_ref, Ref) else None
        target = f"`{model.name}`" if model else "the model"
        names = default_field_names(ctx.project, qualname, model) if model else None
        yield ctx.report(
            f"{cls.name}.Meta.fields",
            f"`{cls.name}` exposes every field of {target} with fields = \"__all__\"; a field added "
            f"to the model later is exposed (and writable) without review. Which of its fields may "
            f"clients read, and which may they write?",
            fix_title=_freeze_title(names) if names else "",
            fix_data=(cls.name, tuple(names or ())),
        )


def _freeze_title(names) -> str:
    return f"Freeze the current exposure: list the {len(names)} fields exposed today (review which to keep)"


@fixer("DJE301")
def fix(source: FixSource, finding):
    class_name, names = finding.fix_data
    if not names:
        return None
    listing = "[" + ", ".join(f'"{name}"' for name in names) + "]"
    new_text = set_meta_value(source, class_name, "fields", listing)
    return source.fix(_freeze_title(names), Applicability.UNSAFE, new_text) if new_text else None
