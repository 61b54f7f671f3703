"""DJE112 unknown-setting

## What it does
Finds `settings.NAME` reads (through `django.conf.settings`) of a setting that no settings
module of the project sets and Django has no default for. Reads that expect a missing
setting are left alone: `getattr(settings, "NAME", default)`, code under an `if` that
tests `hasattr(settings, ...)` or `getattr(settings, ...)` (both branches), code under
`except AttributeError`, and names the file itself sets (`override_settings(NAME=...)`,
`self.settings(NAME=...)`, `settings.NAME = ...`). The message names the closest
known setting, and the quick fix puts it in place. Nothing is reported when the settings
cannot all be read (dynamic settings, django-configurations, split-settings `include()`).

## Why is this bad?
`django.conf.settings` raises `AttributeError` for a name nobody set — a typo
(`settings.DEFAULT_FROM_EMAL`) or a setting that only exists in one developer's local
settings fails in production, on the code path that reads it.

## Example
```python
send_mail(subject, body, settings.DEFAULT_FROM_EMAL, [user.email])
timeout = settings.PAYMENT_TIMEOUT  # set in no settings module
```

## Use instead
```python
send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
timeout = getattr(settings, "PAYMENT_TIMEOUT", 30)  # or set it in the settings
```

## References
- https://docs.djangoproject.com/en/stable/topics/settings/#using-settings-in-python-code
- https://docs.djangoproject.com/en/stable/ref/settings/
"""

from __future__ import annotations

import ast
import difflib

from django_expert.analyzers.facts.values import dotted_name
from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation import calls
from django_expert.analyzers.navigation.settings import certainly_unknown, setting_names
from django_expert.analyzers.navigation.sites import Sites
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule

_GUARDS = ("AttributeError", "Exception", "BaseException", "ImproperlyConfigured")


@rule("DJE112", "unknown-setting", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE, triggers=("settings.",))
def check(ctx):
    if ctx.project is None or not ctx.module or ctx.is_settings or ctx.is_migration:
        return
    sites = Sites.of(ctx)
    reads = [s for s in sites.names() if s.kind == "setting" and s.name.isupper()
             and certainly_unknown(ctx.project, s.name)]
    if not reads:
        return
    expected, guarded, configures = _expected(ctx.tree, sites.qualify)
    if configures:
        return  # a standalone script: settings.configure() sets the names
    for site in reads:
        if site.name in expected or _inside(site.node, guarded):
            continue
        suggestion = difflib.get_close_matches(site.name, setting_names(ctx.project), n=1, cutoff=0.75)
        message = f"no settings module sets '{site.name}' and Django has no default for it" + (
            f"; did you mean '{suggestion[0]}'?" if suggestion else "")
        if suggestion:
            yield ctx.report(site.span, message, fix_title=f"Use '{suggestion[0]}'",
                             fix_data=(span_tuple(site.span), site.name, suggestion[0]))
        else:
            yield ctx.report(site.span, message)


def _expected(tree: ast.Module, qualify) -> tuple[set[str], list[tuple[int, int]], bool]:
    """Names this file reads with a fallback or sets itself, the line ranges of guarded
    code, and whether it calls `settings.configure()`."""
    names: set[str] = set()
    guarded: list[tuple[int, int]] = []
    configures = False

    def is_settings(node: ast.AST) -> bool:
        name = dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        return bool(name) and qualify(name) == calls.SETTINGS

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = dotted_name(node.func) or ""
            if isinstance(node.func, ast.Name) and node.func.id in calls.SETTING_READERS and len(node.args) >= 2 \
                    and is_settings(node.args[0]) and isinstance(node.args[1], ast.Constant):
                names.add(str(node.args[1].value))
            elif func and (qualify(func) in calls.OVERRIDE_SETTINGS or func.endswith((".settings", "modify_settings"))):
                names.update(k.arg for k in node.keywords if k.arg)
            elif func and func.endswith(".configure") and is_settings(node.func.value):  # type: ignore[attr-defined]
                configures = True
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and is_settings(target.value):
                    names.add(target.attr)
        elif isinstance(node, ast.Try):
            if any(_catches(handler) for handler in node.handlers):
                guarded.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
        elif isinstance(node, ast.If) and _hasattr_test(node.test, is_settings) or isinstance(node, ast.IfExp) and _hasattr_test(node.test, is_settings):
            guarded.append((node.lineno, node.end_lineno or node.lineno))
    return names, guarded, configures


def _catches(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_name(t) or "").rpartition(".")[2] in _GUARDS for t in types)


def _hasattr_test(test: ast.expr, is_settings) -> bool:
    """`if hasattr(settings, ...)` / `if getattr(settings, ..., None)`: code that detects
    which settings exist (both branches)."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in calls.SETTING_READERS
               and n.args and is_settings(n.args[0]) for n in ast.walk(test))


def _inside(node: ast.AST, ranges: list[tuple[int, int]]) -> bool:
    line = getattr(node, "lineno", 0)
    return any(start <= line <= end for start, end in ranges)


@fixer("DJE112")
def fix(source: FixSource, finding):
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
