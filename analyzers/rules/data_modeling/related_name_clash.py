"""DJE203 related-name-clash

## What it does
Finds relations whose reverse accessor or reverse query name on the target model is
already taken — by a field of the target, or by the reverse side of another relation to
it — as Django's system check does (fields.E302 to E305). Typical causes: two foreign keys
from one model to the same target without `related_name`, relations from models of two
apps with the same class name, and an abstract base whose `related_name` has no
`%(class)s`, so every subclass claims the same name. When INSTALLED_APPS cannot be read, a
clash with a model of `django.contrib` is not reported: that app may not be installed; nor
is the clash of an automatic parent link of a model whose class body sets fields under
`if`/`try` (the link may be declared there).

## Why is this bad?
Django refuses to start: `runserver`, `migrate` and the tests stop on the system check
errors until the names are made unique. The clash is reported where the relation is
declared, also when it lives in an abstract base far from the models that inherit it.

## Example
```python
class Document(models.Model):
    created_by = models.ForeignKey(User, on_delete=models.PROTECT)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT)  # both: user.document_set
```

## Use instead
```python
class Document(models.Model):
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="documents_created")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="documents_updated")
```
In an abstract base, put `%(class)s` (and `%(app_label)s` when subclasses in different
apps share a name) in `related_name`. The fix adds a `related_name` derived from the model
and field names (or adds `%(class)s` to the abstract base's); it is offered as unsafe:
code using the old accessor must follow.

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#django.db.models.ForeignKey.related_name
- https://docs.djangoproject.com/en/stable/topics/db/models/#be-careful-with-related-name-and-related-query-name
- https://docs.djangoproject.com/en/stable/ref/checks/#related-fields
"""

from __future__ import annotations

import json

from django_expert.analyzers.facts.values import string
from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import set_keyword
from django_expert.analyzers.rules.registry import fixer, rule

@rule("DJE203", "related-name-clash", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE,
      triggers=("Key", "OneToOne", "ManyToMany", "ForeignObject"))
def check(ctx):
    if ctx.project is None:
        return
    found: dict[str, list[tuple]] = {}
    for model, field in relations_declared_in(ctx.project, ctx.module):
        for clash in clashes(ctx.project, model, field):
            found.setdefault(field.location_key, []).append((model, field, clash))
    for key, items in found.items():
        model, field, clash = items[0]
        owner = field.declared_in.rpartition(".")[2]
        more = f" (and {len(items) - 1} more clash{'es' if len(items) > 2 else ''})" if len(items) > 1 else ""
        inherited = f" inherited by `{model.name}`" if owner != model.name else ""
        new_name = _new_related_name(ctx.project, items)
        yield ctx.report(
            key,
            f"`{owner}.{field.name}`{inherited}: {clash}{more}; Django's system check stops on it — "
            + ("put %(class)s in its related_name" if owner != model.name and field.related_name
               else "give it a distinct related_name"),
            fix_title=f"Set related_name={json.dumps(new_name)}" if new_name else "",
            fix_data=(owner, field.name, new_name or ""),
        )


def relations_declared_in(project, module: str) -> list:
    """(model, field) for the relation fields Django checks (local fields of registered
    models) whose declaration is in `module`; built once per project."""
    project.models()  # records ("classes",): any model may clash with any other
    return project.derived(_relations_by_module).get(module, [])


def _relations_by_module(project) -> dict[str, list]:
    """The relation fields of registered models by declaring module, kept on the model (a
    module-level WeakKeyDictionary keyed by it kept every model alive: its values refer to it)."""
    index: dict[str, list] = {}
    for model in project.models():
        if not model.registered:
            continue
        for field in model.local_fields:
            if field.is_relation and not field.private and field.related_qualname is not None:
                index.setdefault(field.module, []).append((model, field))
    return index


def clashes(project, model, field) -> list[str]:
    """What Django's `RelatedField._check_clashes` would report for `field`, as sentences."""
    target = project.model(field.related_qualname)
    if target is None or not target.registered or not _names_known(model, field):
        return []
    if field.auto_created and _conditional(project, model):
        return []  # its parent link may be declared under an `if` the facts do not follow
    hidden = field.hidden
    accessor, query = field.reverse_accessor, field.related_query_name
    where = f"`{target.name}"
    found = []
    for other in target.fields:
        if other.one_to_many or (other.many_to_one and other.kind == "GenericForeignKey"):
            continue  # not in Options.fields
        if not hidden and other.name == accessor:
            found.append(f"its reverse accessor {where}.{accessor}` clashes with the field {where}.{other.name}`")
        if other.name == query:
            found.append(f"its reverse query name `{query}` clashes with the field {where}.{other.name}`")
    apps_known = bool(project.apps())
    for rel in target.reverse_relations():
        if (rel.hidden and not rel.many_to_many) or (rel.related_model == model.label and rel.field == field.name):
            continue
        if not apps_known and _from_django(project, rel.related_model):
            continue  # INSTALLED_APPS unread: django.contrib.admin's LogEntry may not be installed (pretix)
        if rel.forward is None or not _names_known(project.model(rel.related_model), rel.forward):
            continue
        if rel.forward.auto_created and _conditional(project, project.model(rel.related_model)):
            continue
        other = f"`{rel.related_model.rpartition('.')[2]}.{rel.field}`"
        if not hidden and accessor and rel.accessor == accessor:
            found.append(f"its reverse accessor {where}.{accessor}` clashes with the one of {other}")
        if rel.accessor and rel.accessor == query:
            found.append(f"its reverse query name `{query}` clashes with the reverse accessor of {other}")
    return found


def _conditional(project, model) -> bool:
    """The model's class body sets attributes under `if`/`try` (wagtail's test pages declare
    `page_ptr` with related_name="+" in an if/else on the swappable Page): its fields are
    not all known."""
    ref = project.resolve_class(model.qualname) if model is not None else None
    return ref is not None and ref.fact.conditional


def _from_django(project, label: str) -> bool:
    """The model of `label` is one of Django's own (django.contrib.*)."""
    other = project.model(label)
    return other is not None and other.qualname.startswith("django.")


def _names_known(model, field) -> bool:
    """Whether the analyser knows the names Django derives: related_name,
    related_query_name and Meta.default_related_name are constants when given."""
    if model is None:
        return False
    for option in ("related_name", "related_query_name"):
        if option in field.options and string(field.options[option]) is None:
            return False
    default = model.meta.get("default_related_name")
    return default is None or string(default) is not None


def _new_related_name(project, items) -> str | None:
    """A related_name that removes the clash, when the fix is simple: a relation without
    related_name, or an abstract base's related_name without %(class)s."""
    model, field, _clash = items[0]
    if field.auto_created or "related_query_name" in field.options:
        return None
    written = string(field.options.get("related_name"))
    owner = field.declared_in.rpartition(".")[2]
    if owner != model.name:  # declared in an abstract base
        if not written or "%(class)s" in written:
            return None
        apps = {m.app_label for m, _f, _c in items}
        return f"{'%(app_label)s_' if len(apps) > 1 else ''}%(class)s_{written}"
    if written or model.meta.get("default_related_name") is not None:
        return None
    name = f"{model.model_name}_{field.name}" + ("" if field.one_to_one else "_set")
    target = project.model(field.related_qualname)
    taken = {f.name for f in target.fields} | {r.accessor for r in target.reverse_relations()}
    return None if name in taken else name


@fixer("DJE203")
def fix(source: FixSource, finding):
    class_name, field_name, new_name = finding.fix_data
    if not new_name:
        return None
    new_text = set_keyword(source, class_name, field_name, "related_name", json.dumps(new_name))
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
