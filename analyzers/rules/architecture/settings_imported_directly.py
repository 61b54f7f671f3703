"""DJE105 settings-imported-directly

## What it does
Finds code that imports one of the project's settings modules instead of
`django.conf.settings`: `from shop.settings import DEBUG`, `from shop import settings`,
`import settings`. Settings modules themselves, and modules inside a settings package,
are left alone: they import each other on purpose. So is a project's only settings module
when every entry point (manage.py, wsgi/asgi, deploy files) sets it: importing it is
importing the module Django runs with.

## Why is this bad?
The settings module is only one input of the running configuration. `django.conf.settings`
is what Django actually uses: the module `DJANGO_SETTINGS_MODULE` names (production may
load `shop.settings.prod`, not `shop.settings`), Django's defaults for what the module
does not set, and the changes tests make with `override_settings`. Importing the module
reads another configuration, silently, and also executes the settings file a second time.

## Example
```python
from shop.settings import PAYMENT_TIMEOUT


def charge(order):
    return gateway.charge(order, timeout=PAYMENT_TIMEOUT)
```

## Use instead
```python
from django.conf import settings


def charge(order):
    return gateway.charge(order, timeout=settings.PAYMENT_TIMEOUT)
```
The fix rewrites the import to `from django.conf import settings` (and `NAME` into
`settings.NAME` where needed); it is offered as unsafe because the values may differ from
what the module held — which is the point.

## References
- https://docs.djangoproject.com/en/stable/topics/settings/#using-settings-in-python-code
- https://docs.djangoproject.com/en/stable/topics/settings/#designating-the-settings
"""

from __future__ import annotations

import ast
import re

from django_expert.analyzers.facts.extract import resolve_relative
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import rewrite_settings_import
from django_expert.analyzers.rules.registry import fixer, rule

TITLE = "Import django.conf.settings instead"


@rule("DJE105", "settings-imported-directly", tier="recommended", fix=Applicability.UNSAFE, triggers=("settings",))
def check(ctx):
    if ctx.project is None or ctx.is_settings or not ctx.module:
        return
    if _inside_settings_package(ctx.module):
        return
    settings_modules = project_settings(ctx.project)
    if not settings_modules or not _may_import_settings(ctx, settings_modules):
        return
    for node in _import_statements(ctx.tree.body):
        found = settings_import(node, ctx.module, ctx.facts.is_package, settings_modules)
        if found is None:
            continue
        module, names, binding = found
        if _the_only_configuration(ctx.project.layout, settings_modules, module):
            continue
        if names is not None and not any(name.isupper() for name in names):
            continue  # helpers from a settings module, not settings
        if names is None and not _reads_settings(ctx.text, binding):
            continue
        written = ", ".join(names) if names else ""
        shown = f"from {module} import {written}" if names else f"the module `{module}`"
        yield ctx.report(
            node,
            f"{'`' + shown + '`' if names else 'importing ' + shown} reads the settings file, not the running "
            f"settings (DJANGO_SETTINGS_MODULE, Django's defaults, override_settings in tests): use "
            f"`from django.conf import settings`",
            fix_title=TITLE,
            fix_data=(node.lineno, node.col_offset, module, names is not None),
        )


def _the_only_configuration(layout, settings_modules: set[str], module: str) -> bool:
    """The imported module is the one every entry point sets (manage.py's, wsgi/asgi's and
    deploy files' all name it) and the project has no other settings module: it is the very
    module Django loads, so importing it reads the running values (netbox.settings)."""
    return (settings_modules == {module} and layout.settings_module == module
            and set(layout.production_settings) <= {module})


def settings_import(node: ast.AST, module: str, is_package: bool, settings_modules: set[str]):
    """(settings module, imported names or None for the module itself, the name it is bound
    to) when `node` imports a settings module, else None."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in settings_modules:
                return alias.name, None, alias.asname or alias.name
    elif isinstance(node, ast.ImportFrom):
        base = resolve_relative(module, is_package, node.level, node.module)
        if base in settings_modules:
            return base, [alias.name for alias in node.names], ""
        for alias in node.names:
            if f"{base}.{alias.name}" in settings_modules:
                return f"{base}.{alias.name}", None, alias.asname or alias.name
    return None


def _reads_settings(text: str, binding: str) -> bool:
    """Whether the module bound to `binding` is used for an UPPERCASE name (a setting)."""
    return re.search(rf"(?<![\w.]){re.escape(binding)}\.[A-Z][A-Z0-9_]*\b", text) is not None


def _import_statements(body: list[ast.stmt]):
    """Import statements at any depth, visiting statements only (imports are never inside
    expressions), which is a fraction of a full tree walk."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _import_statements(inner)
        for handler in getattr(node, "handlers", ()):
            yield from _import_statements(handler.body)
        for case in getattr(node, "cases", ()):
            yield from _import_statements(case.body)


# Settings a project settings module sets (an app's own `settings.py` of defaults does not).
CORE_SETTINGS = frozenset({"INSTALLED_APPS", "DATABASES", "SECRET_KEY", "MIDDLEWARE", "ROOT_URLCONF", "DEBUG",
                           "ALLOWED_HOSTS", "TEMPLATES", "STATIC_URL", "WSGI_APPLICATION"})


def project_settings(project) -> set[str]:
    """The settings modules of the project proper: discovery's candidates, without modules
    that read `django.conf.settings` themselves or set none of Django's core settings (an
    app's `settings.py` of defaults)."""
    layout = project.layout
    found = set()
    for module in layout.settings_modules:
        facts = project.module_facts(module)
        if facts is None or any(i.target == "django.conf.settings" for i in facts.imports):
            continue
        if module == layout.settings_module or module in layout.production_settings or any(
                s.kind == "star_import" or s.name in CORE_SETTINGS for s in facts.statements):
            found.add(module)
    return found


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import\b(.*)|import\b(.*))$", re.MULTILINE)


def _may_import_settings(ctx, settings_modules: set[str]) -> bool:
    """Cheap guard before parsing: a line importing one of the settings modules (the first
    line of a parenthesised import is enough for `from m.settings import (...)`)."""
    for match in _IMPORT_LINE.finditer(ctx.text):
        dots, source, names, plain = match.groups()
        if plain is not None:
            if any(name in settings_modules for name in re.findall(r"[\w.]+", plain)):
                return True
            continue
        base = resolve_relative(ctx.module, ctx.facts.is_package, len(dots), source or None)
        if base in settings_modules or any(f"{base}.{name}" in settings_modules for name in re.findall(r"\w+", names)):
            return True
    return False


def _inside_settings_package(module: str) -> bool:
    """`shop.settings.components.db`: settings machinery, which imports settings modules."""
    return any("settings" in part for part in module.split(".")[:-1])


@fixer("DJE105")
def fix(source: FixSource, finding):
    line, column, module, names = finding.fix_data
    new_text = rewrite_settings_import(source, line, column, module, names)
    return source.fix(TITLE, Applicability.UNSAFE, new_text) if new_text else None
