"""DJE103 app-not-installed

## What it does
Finds the two halves of an INSTALLED_APPS mistake:
- a package of the project with models, an `admin.py` or migrations that no settings
  module lists in INSTALLED_APPS (nor any app containing it);
- an INSTALLED_APPS entry naming a module of the project that does not exist (a typo,
  or an app that was moved or deleted).

Silent when unsure: INSTALLED_APPS built conditionally or unreadably (or settings the
analyser could not all follow, see DJE113), entries that may
come from a library, test packages, models with their own `app_label`.

## Why is this bad?
Django only knows the apps INSTALLED_APPS lists. Models of another package raise
"Model class doesn't declare an explicit app_label and isn't in an application in
INSTALLED_APPS" as soon as they are imported; its migrations never run, so the tables are
never created; its `admin.py` is never loaded, so the admin pages silently do not exist.
An entry for a missing module stops every `manage.py` command with ModuleNotFoundError.

## Example
```python
INSTALLED_APPS = [
    "django.contrib.admin",
    "shop.catalogue",  # the package is shop/catalog
]
```

## Use instead
```python
INSTALLED_APPS = [
    "django.contrib.admin",
    "shop.catalog",
    "shop.billing",  # has models and migrations: must be listed
]
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#installed-apps
- https://docs.djangoproject.com/en/stable/ref/applications/
"""

from __future__ import annotations

import ast
import difflib

from django_expert.analyzers.facts.values import BinOp, Const, Seq, Value
from django_expert.analyzers.project.apps import installed_apps
from django_expert.analyzers.rules.registry import rule

SETTING = "INSTALLED_APPS"


@rule("DJE103", "app-not-installed", tier="recommended", triggers=("INSTALLED_APPS", "models", "admin", "Migration"))
def check(ctx):
    if ctx.project is None or not ctx.module:
        return
    if ctx.is_settings:
        yield from missing_modules(ctx)
        return
    package, what = _app_part(ctx)
    if package is None or any(part.startswith("test") for part in ctx.module.split(".")):
        return
    installed = installed_packages(ctx.project)
    if installed is None or any(prefix in installed for prefix in _prefixes(package)):
        return
    where = _where(ctx, what, package)
    if where is not None:
        effect = {"models": "importing them raises RuntimeError, and no table is created",
                  "admin": "this admin.py is never loaded", "migrations": "they never run"}[what]
        yield ctx.report(where, f"`{package}` is not in INSTALLED_APPS of any settings module, so Django ignores "
                                f"its {what} ({effect}): add \"{package}\" to INSTALLED_APPS")


# -- INSTALLED_APPS entries that do not exist --------------------------------------------------


def missing_modules(ctx):
    setting = ctx.project.settings(ctx.module).get(SETTING)
    if setting is None:
        return
    apps = {app.entry: app for app in installed_apps(ctx.project, ctx.module)}
    for index, statement in enumerate(ctx.facts.statements):
        if statement.name != SETTING or statement.conditional or statement.kind not in ("assign", "augassign", "mutate"):
            continue
        for entry in _strings(statement.value) + [s for a in statement.args for s in _strings(a)]:
            app = apps.get(entry) if entry else None
            if entry is None:
                continue
            ctx.project.module_facts(app.name if app else entry)  # re-check when it appears
            if app is None or app.resolved is not False or _on_disk(ctx.project, entry):
                continue
            module, _, last = entry.rpartition(".")
            config = bool(module) and last[:1].isupper() and module in ctx.project.facts
            hint = None if config else _close_match(ctx.project, entry)
            yield ctx.report(
                _constant(ctx, index, entry),
                f"INSTALLED_APPS lists `{entry}`, but "
                + (f"`{module}` defines no AppConfig `{last}`: every manage.py command fails with ImportError"
                   if config else "the project has no such module: every manage.py command fails with "
                                  "ModuleNotFoundError")
                + (f" (did you mean `{hint}`?)" if hint else ""),
            )


def _strings(value: Value | None) -> list[str | None]:
    """The strings of an INSTALLED_APPS value; None for a part that is not a literal."""
    match value:
        case Const(value=str() as text):
            return [text]
        case Seq(items=items):
            return [s for item in items for s in _strings(item)]
        case BinOp(op="+", left=left, right=right):
            return _strings(left) + _strings(right)
    return [None]


def _on_disk(project, entry: str) -> bool:
    """Whether the entry may exist after all: a module or package folder of that name that
    was not indexed (excluded, or an app of templates only); for an AppConfig path, its
    module on disk but not indexed."""
    module, _, last = entry.rpartition(".")
    if last[:1].isupper() and module:
        if module in project.facts:
            return False
        entry = module
    return any((root.joinpath(*entry.split("."))).is_dir() or root.joinpath(*entry.split(".")).with_suffix(".py")
               .is_file() for root in project.layout.source_roots)


def _close_match(project, name: str) -> str | None:
    packages = sorted({m for m, f in project.facts.items() if f.is_package and m.split(".")[0] == name.split(".")[0]})
    found = difflib.get_close_matches(name, packages, n=1, cutoff=0.8)
    return found[0] if found else None


def _constant(ctx, index: int, entry: str):
    """The string constant naming the entry inside statement `index`, else the statement."""
    span = ctx.locations.get(f"stmt:{index}")
    if span is not None:
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Constant) and node.value == entry \
                    and span.start.line <= node.lineno - 1 <= span.end.line:
                return node
    return f"stmt:{index}"


# -- packages with models, admin or migrations that are not installed --------------------------


def installed_packages(project) -> set[str] | None:
    """The app packages some settings module installs; None when any settings module's
    INSTALLED_APPS cannot be read for sure, or the project's settings were not all followed.
    Once per project model: every models, admin and migrations file asks."""
    return project.memo(_installed_packages)


def _installed_packages(project) -> frozenset[str] | None:
    found: set[str] = set()
    seen = False
    main = project.layout.settings_module
    if main is not None and project.settings(main).incomplete:
        return None  # settings not followed (an include(), a missing module) may install it
    for module in project.layout.settings_modules:
        setting = project.settings(module).get(SETTING)
        if setting is None:
            continue
        if not setting.certain or None in _strings(setting.value):
            return None
        seen = True
        found |= {app.name for app in installed_apps(project, module)}
    return frozenset(found) if seen else None


def _prefixes(module: str) -> list[str]:
    """`a.b.c` -> [`a.b.c`, `a.b`, `a`]: the packages that can contain it, longest first."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]


def _app_part(ctx) -> tuple[str | None, str]:
    """(package, "models" | "admin" | "migrations") when this file is one of those of a package."""
    parts = ctx.module.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] in ("models", "admin", "migrations"):
            return ".".join(parts[:index]), parts[index]
    return None, ""


def _where(ctx, what: str, package: str):
    """Where to report: the first concrete model without app_label, the first admin
    registration, or the first migration of the package when it has no models module."""
    if what == "models":
        for model in ctx.models_here():
            if not model.abstract and not model.proxy and "app_label" not in model.meta:
                return model.name
        return None
    if what == "admin":
        if any(i.target.startswith(f"{package}.admin") for f in ctx.project.facts.values() for i in f.imports):
            return None  # imported by hand from somewhere
        for index, call in enumerate(ctx.facts.calls):
            if call.func.endswith(".register") and "site" in call.func:
                return f"call:{index}"
        for cls in ctx.facts.classes:
            if any("admin.register" in getattr(d, "func", "") for d in cls.decorators):
                return cls.name
        return None
    facts = ctx.project.facts
    if not ctx.is_migration or ctx.facts.class_("Migration") is None or any(
            m.module.startswith(f"{package}.models") and not m.abstract and "app_label" not in m.meta
            for m in ctx.project.models()):
        return None  # reported on the models
    siblings = sorted(m for m in facts if m.startswith(f"{package}.migrations.") and m.count(".") == ctx.module.count("."))
    return "Migration" if siblings and siblings[0] == ctx.module else None
