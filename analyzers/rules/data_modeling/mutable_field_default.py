"""DJE204 mutable-field-default

## What it does
Finds model fields whose `default` is a mutable object written in place: a dict, list or
set literal (`default={}`, `default=[]`, `default={"a": 1}`) or a call that builds one
when the class is defined (`default=dict()`, `default=set()`).

## Why is this bad?
Django does not copy a non-callable default: every new object gets the very same dict or
list. Change `order.metadata["seen"] = True` on one unsaved object and the default of
every other object created afterwards in that process changes too. Django's own check
warns about it for `JSONField` (fields.E010); the bug is the same for `ArrayField`,
`HStoreField` and any field given a mutable default.

## Example
```python
class Order(models.Model):
    metadata = models.JSONField(default={})
    tags = ArrayField(models.CharField(max_length=20), default=[])
```

## Use instead
```python
class Order(models.Model):
    metadata = models.JSONField(default=dict)
    tags = ArrayField(models.CharField(max_length=20), default=list)
```
A project field class whose `__init__` takes `default` itself is left alone: it may convert
the value (to a string, a tuple) before Django sees it.

The fix passes the type itself (`dict`, `list`, `set`) for an empty default; a non-empty
one needs a small function returning a fresh copy. The fix is unsafe, as ruff's B006 is:
ending the sharing is the point, and code may rely on it; and Django treats a callable
default differently — a ModelForm of the model renders a hidden `initial-<field>` input
and `has_changed()` compares against it, and the migration autodetector writes an
`AlterField` (tests/oracle/test_safe_fix_oracle.py shows both in real Django).

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#default
- https://docs.djangoproject.com/en/stable/ref/models/fields/#jsonfield
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Call, Mapping, Seq
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import set_keyword
from django_expert.analyzers.rules.registry import fixer, rule

BUILDERS = {"dict", "list", "set", "builtins.dict", "builtins.list", "builtins.set"}


@rule("DJE204", "mutable-field-default", tier="recommended", fix=Applicability.UNSAFE, triggers=("default",))
def check(ctx):
    for model in ctx.models_here():
        for field in model.fields:
            if field.declared_in != model.qualname or field.auto_created:
                continue
            kind = mutable_kind(field.options.get("default"))
            if kind is None or not shares_default(ctx.project, field):
                continue
            empty = is_empty(field.options.get("default"))
            yield ctx.report(
                field.location_key,
                f"`{model.name}.{field.name}` has a mutable default ({kind}): every {model.name} shares that one "
                f"{kind} object, so changing it on one changes the default of all; pass a callable"
                + (f" ({kind})" if empty else " returning a fresh copy"),
                fix_title=f"Use default={kind}" if empty else "",
                fix_data=(model.name, field.name, kind),
            )


def shares_default(project, field) -> bool:
    """Whether the field hands out its default object itself, as Django's fields do: a field
    class nobody indexed (a library's) or one overriding `get_default` may copy it, and one
    whose own `__init__` takes `default` may turn it into something else (baserow's
    `MultipleFlagField` makes `[False, False]` the string "00")."""
    if field.inferred or _takes_default(project, field.field_class):
        return False
    for ancestor in project.mro(field.field_class):
        if ancestor.startswith("django."):
            return True
        ref = project.resolve_class(ancestor)
        if ref is None or ref.fact.method("get_default") is not None:
            return False
    return False


def _takes_default(project, field_class: str) -> bool:
    """The first `__init__` of the field's MRO is the project's and names `default`."""
    for qualname in project.mro(field_class):
        ref = project.resolve_class(qualname)
        init = ref.fact.method("__init__") if ref is not None else None
        if init is not None:
            return not ref.qualname.startswith("django.") and "default" in init.params
    return False


def mutable_kind(value) -> str | None:
    """"dict", "list" or "set" for a mutable default written in place, else None."""
    match value:
        case Mapping():
            return "dict"
        case Seq(kind="list" | "set" as kind):
            return kind
        case Call(func=func, receiver=None) if func in BUILDERS:
            return func.rpartition(".")[2]
    return None


def is_empty(value) -> bool:
    match value:
        case Mapping(items=items) | Seq(items=items):
            return not items
        case Call(args=args, kwargs=kwargs):
            return not args and not kwargs
    return False


@fixer("DJE204")
def fix(source: FixSource, finding):
    class_name, field_name, kind = finding.fix_data
    new_text = set_keyword(source, class_name, field_name, "default", kind)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
