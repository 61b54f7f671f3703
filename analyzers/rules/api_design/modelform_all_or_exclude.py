"""DJE308 modelform-all-or-exclude

## What it does
Finds Django `ModelForm`s whose `Meta` uses `fields = "__all__"` or `exclude` instead of
listing the fields the form edits.

## Why is this bad?
The form then accepts every editable field of the model, today's and tomorrow's. When a
field such as `is_approved`, `owner` or `price` is added to the model, a user submitting
the form can set it — a mass-assignment vulnerability Django's documentation warns about,
and the reason `fields` became mandatory for ModelForms. An explicit list also documents
what the form is for.

## Example
```python
class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        exclude = ["user"]
```

## Use instead
```python
class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "bio", "avatar"]
```
The fix writes the list of fields the form edits today (the model's editable fields, in
the order Django uses, minus the excluded ones), so the form does not change.

## References
- https://docs.djangoproject.com/en/stable/topics/forms/modelforms/#selecting-the-fields-to-use
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, strings
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import replace_meta_option
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import fixer, rule

MODEL_FORM = "django.forms.ModelForm"
FIX_TITLE = "List the fields explicitly"
# Field kinds that never get a form field.
NOT_EDITABLE = {"AutoField", "BigAutoField", "SmallAutoField", "BinaryField", "GeneratedField",
                "CompositePrimaryKey", "GenericForeignKey", "GenericRelation", "ForeignObject"}


@rule("DJE308", "modelform-all-or-exclude", tier="pedantic", fix=Applicability.SAFE, triggers=("__all__", "exclude"))
def check(ctx):
    for cls, qualname in ctx.classes_here(MODEL_FORM):
        fields, exclude = cls.meta_attr("fields"), cls.meta_attr("exclude")
        if fields is None and exclude is None:
            continue
        meta = drf.serializer_meta(ctx.project, qualname)
        if fields == Const("__all__"):
            option, how = "fields", 'fields = "__all__"'
        elif exclude is not None and meta is not None and meta.get("fields") in (None, Const(None), Const("__all__")):
            option, how = "exclude", "exclude"  # with a `fields` list (inherited too), exclude only narrows it
        else:
            continue
        model = drf.meta_model(ctx.project, qualname, meta or {})
        names = form_fields(ctx.project, model, exclude) if model else None
        yield ctx.report(
            f"{cls.name}.Meta.{option}",
            f"`{cls.name}` edits every field of {f'`{model.name}`' if model else 'its model'} with {how}: a "
            f"field added to the model later becomes editable through the form without review",
            fix_title=FIX_TITLE if names else "",
            fix_data=(cls.name, option, tuple(names or ())),
        )


def form_fields(project, model, exclude) -> list[str] | None:
    """The model fields a ModelForm edits, in Django's order (None when unsure)."""
    excluded = set(strings(exclude) or ()) if exclude is not None else set()
    if exclude is not None and strings(exclude) is None or not drf.model_fields_known(project, model):
        return None
    chosen = []
    for field in model.fields:
        if field.inferred:
            return None
        if field.auto_created or field.parent_link or field.kind in NOT_EDITABLE:
            continue
        editable = field.options.get("editable")
        if editable is not None and not isinstance(editable, Const):
            return None
        if editable == Const(False) or _auto_date(field):
            continue
        if not field.concrete and not field.many_to_many:
            return None
        chosen.append(field)
    if any(f.many_to_many for f in chosen):
        # Django orders by creation; m2m fields interleave with the others as declared.
        if len({f.declared_in for f in chosen}) != 1:
            return None
        spans = [project.locations_of(f.module).get(f.location_key) for f in chosen]
        if any(span is None for span in spans):
            return None
        chosen = [f for _, f in sorted(zip((s.start.line for s in spans), chosen), key=lambda pair: pair[0])]
    return [f.name for f in chosen if f.name not in excluded]


def _auto_date(field) -> bool:
    return any(field.options.get(flag) == Const(True) for flag in ("auto_now", "auto_now_add"))


@fixer("DJE308")
def fix(source: FixSource, finding):
    class_name, option, names = finding.fix_data
    if not names:
        return None
    listing = "[" + ", ".join(f'"{name}"' for name in names) + "]"
    new_text = replace_meta_option(source, class_name, option, "fields", listing)
    return source.fix(FIX_TITLE, Applicability.SAFE, new_text) if new_text else None
