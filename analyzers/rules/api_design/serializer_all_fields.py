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
The fix writes the list DRF would use for `"__all__"` today (primary key, declared fields,
the model's concrete fields, inherited ones included, then forward relations), so the API
does not change; then remove what should not be exposed.

## References
- https://www.django-rest-framework.org/api-guide/serializers/#specifying-which-fields-to-include
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Ref
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import set_meta_value
from django_expert.analyzers.rules.registry import fixer, rule

MODEL_SERIALIZER = "rest_framework.serializers.ModelSerializer"


@rule("DJE301", "serializer-all-fields", fix=Applicability.SAFE, triggers=("__all__",))
def check(ctx):
    for cls, qualname in ctx.classes_here(MODEL_SERIALIZER):
        if cls.meta_attr("fields") != Const("__all__"):
            continue
        model_ref = cls.meta_attr("model")
        model = ctx.project.model(model_ref.name, ctx.module) if isinstance(model_ref, Ref) else None
        target = f"`{model.name}`" if model else "the model"
        names = drf_default_fields(ctx.project, qualname, model) if model else None
        yield ctx.report(
            f"{cls.name}.Meta.fields",
            f"`{cls.name}` exposes every field of {target} with fields = \"__all__\"; a field added "
            f"to the model later is exposed (and writable) without review",
            fix_title="List the fields explicitly" if names else "",
            fix_data=(cls.name, tuple(names or ())),
        )


def drf_default_fields(project, serializer: str, model) -> list[str] | None:
    """The names DRF's ModelSerializer uses for "__all__": pk, declared fields, concrete
    non-relation fields, then forward relations (FK/O2O, then many-to-many)."""
    pk = next((f for f in model.fields if f.primary_key), None)
    while pk is not None and pk.auto_created and pk.one_to_one:  # a multi-table child's parent link
        parent = project.model(pk.related_model) if pk.related_model else None
        pk = next((f for f in parent.fields if f.primary_key), None) if parent else None
    if pk is None:
        return None
    declared = declared_fields(project, serializer)
    if declared is None:
        return None
    serializable = [f for f in model.fields if not f.primary_key and not (f.auto_created and f.one_to_one)]
    plain = [f.name for f in serializable if not f.is_relation]
    forward = [f.name for f in serializable if f.is_relation and not f.many_to_many]
    many = [f.name for f in serializable if f.many_to_many]
    return list(dict.fromkeys([pk.name, *declared, *plain, *forward, *many]))


def declared_fields(project, serializer: str) -> list[str] | None:
    """Serializer fields declared as class attributes, base classes first (DRF's order)."""
    names: list[str] = []
    for qualname in reversed(project.mro(serializer)):
        ref = project.resolve_class(qualname)
        if ref is None:
            continue
        for name, value in ref.fact.attrs:
            func = getattr(value, "func", "")
            if func.startswith("rest_framework.") or _is_serializer(project, func):
                if name in names:
                    names.remove(name)
                names.append(name)
    return names


def _is_serializer(project, func: str) -> bool:
    return bool(func) and project.is_subclass(func, "rest_framework.serializers.BaseSerializer",
                                              "rest_framework.fields.Field")


@fixer("DJE301")
def fix(source: FixSource, finding):
    class_name, names = finding.fix_data
    if not names:
        return None
    listing = "[" + ", ".join(f'"{name}"' for name in names) + "]"
    new_text = set_meta_value(source, class_name, "fields", listing)
    return source.fix("List the fields explicitly", Applicability.SAFE, new_text) if new_text else None
