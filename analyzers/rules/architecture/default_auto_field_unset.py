"""DJE104 default-auto-field-unset

## What it does
Finds projects whose settings module sets no `DEFAULT_AUTO_FIELD` while apps of the project
that do not set `default_auto_field` on their `AppConfig` have concrete models with an
implicit primary key: Django's `models.W042`, found without running `manage.py check`. It
is reported on `INSTALLED_APPS`. Models whose bases the analyser cannot see, and apps
whose `AppConfig` comes from a library, are left alone.

## Why is this bad?
The type of every implicit `id` column then depends on a default: `AutoField` (a 32-bit
integer, about 2.1 billion rows) today. Django warns on every `check`, `runserver` and
`migrate` until it is set, and the day someone "fixes" the warning by setting
`BigAutoField` in one place, `makemigrations` alters the primary key, and every foreign key
to it, of each table at once.

## Example
```python
INSTALLED_APPS = [..., "catalog", "orders"]
# no DEFAULT_AUTO_FIELD, and catalog/apps.py does not set default_auto_field
```

## Use instead
```python
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"  # what the existing migrations use
```
or `default_auto_field` on each `AppConfig`. The fix sets `AutoField`, which keeps the
schema as it is (a safe fix); new projects choose `BigAutoField`, and existing ones can
move to it with a reviewed migration.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#default-auto-field
- https://docs.djangoproject.com/en/stable/topics/db/models/#automatic-primary-key-fields
- https://docs.djangoproject.com/en/stable/ref/checks/#models
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import set_setting
from django_expert.analyzers.knowledge.bases import EXTERNAL_BASES
from django_expert.analyzers.rules.deployment._settings import name_span, opaque
from django_expert.analyzers.rules.registry import fixer, rule

APP_CONFIG = "django.apps.AppConfig"
FIX_VALUE = '"django.db.models.AutoField"'


@rule("DJE104", "default-auto-field-unset", tier="pedantic", fix=Applicability.SAFE, triggers=("INSTALLED_APPS",), scope="settings")
def check(ctx):
    project = ctx.project
    module = project.layout.settings_module
    if module is None or opaque(project, module):
        return
    settings = project.settings(module)
    installed = settings.get("INSTALLED_APPS")
    if settings.get("DEFAULT_AUTO_FIELD") is not None or installed is None or installed.module != ctx.module:
        return
    relying: dict[str, list[str]] = {}
    for app in project.apps():
        if app.resolved is not True or app.default_auto_field or not _config_known(project, app):
            continue
        models = [m.name for m in project.models() if m.app_label == app.label and _implicit_pk(project, m)]
        if models:
            relying[app.label] = models
    if not relying:
        return
    count = sum(len(models) for models in relying.values())
    apps = ", ".join(f"`{label}`" for label in relying)
    examples = ", ".join(f"`{m}`" for models in relying.values() for m in models[:2]) + (", ..." if count > 2 else "")
    affected = f"{count} models ({examples}) get" if count > 1 else f"1 model ({examples}) gets"
    yield ctx.report(
        name_span(ctx, installed.statement_index, "INSTALLED_APPS"),
        f"DEFAULT_AUTO_FIELD is not set in `{module}` and {'apps' if len(relying) > 1 else 'app'} {apps} set no "
        f"default_auto_field: {affected} an implicit AutoField primary key (models.W042)",
        fix_title="Set DEFAULT_AUTO_FIELD to AutoField (the type the models use now)",
    )


def _known(project, qualname: str) -> bool:
    """Every ancestor of the class is indexed or a Django class the analyser knows."""
    return all(project.resolve_class(name) is not None or name in EXTERNAL_BASES or name == "object"
               for name in project.mro(qualname))


def _config_known(project, app) -> bool:
    """Whether Django's choice of AppConfig, and so its default_auto_field, is certain."""
    if app.config_class is not None:
        return _known(project, app.config_class)
    apps_module = project.module_facts(f"{app.name}.apps")
    return apps_module is None or not apps_module.classes


def _implicit_pk(project, model) -> bool:
    if model.abstract or model.proxy or not model.installed or model.swapped or not _known(project, model.qualname):
        return False
    pk = next((f for f in model.fields if f.primary_key), None)
    return pk is not None and pk.auto_created and not pk.parent_link and not pk.is_relation


@fixer("DJE104")
def fix(source: FixSource, finding):
    new_text = set_setting(source.module, "DEFAULT_AUTO_FIELD", FIX_VALUE).code
    return source.fix(finding.fix_title, Applicability.SAFE, new_text)
