"""DJE418 basic-auth-in-production

## What it does
Finds production settings modules whose `REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]`
name DRF's `BasicAuthentication`, set there or inherited (DRF's own default, which has it
too, is left alone: the project did not choose it).

## Why is this bad?
With HTTP Basic authentication every request carries the user's password, and every API
endpoint becomes a place to guess passwords: it has none of the login form's protections
(no throttle of its own, no lockout, no second factor, no CSRF check needed to try). Browsers
also cache the credentials until they are closed. DRF documents it as fit for testing.

## Example
```python
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}
```

## Use instead
(The quick fix removes the entry when it has a line of its own.)
Session authentication for the browser, tokens (DRF's `TokenAuthentication`, OAuth, JWT)
for other clients; keep `BasicAuthentication` in development or test settings.

## References
- https://www.django-rest-framework.org/api-guide/authentication/#basicauthentication
- https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.values import Mapping, dotted_name
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import delete_line
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.deployment._settings import place, production
from django_expert.analyzers.rules.registry import fixer, rule

BASIC = "rest_framework.authentication.BasicAuthentication"


@rule("DJE418", "basic-auth-in-production", tier="recommended", fix=Applicability.UNSAFE, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    names = drf.class_names(ctx.project, drf.drf_setting(ctx.project, ctx.module, "DEFAULT_AUTHENTICATION_CLASSES"))
    setting = settings.get("REST_FRAMEWORK")
    if not names or BASIC not in names or setting is None or not isinstance(setting.value, Mapping) \
            or setting.value.get("DEFAULT_AUTHENTICATION_CLASSES") is None:
        return  # DRF's own default (Session + Basic) is left alone: the project never chose it
    where, related = place(ctx, settings.get("REST_FRAMEWORK"), "REST_FRAMEWORK")
    entry = _entry(ctx) if not related else None
    line = ctx.lines.line(entry.lineno - 1) if entry is not None else ""
    own_line = entry is not None and line.strip().rstrip(",") == ast.get_source_segment(ctx.text, entry)
    yield ctx.report(
        entry or where,
        f"DEFAULT_AUTHENTICATION_CLASSES of the production settings `{ctx.module}` include BasicAuthentication: "
        f"every API request carries a password, and every endpoint is a place to guess one",
        related=related,
        fix_title="Remove BasicAuthentication from the production defaults" if own_line else "",
        fix_data=(entry.lineno - 1, line) if own_line else (),
    )


def _entry(ctx) -> ast.AST | None:
    """The list entry naming BasicAuthentication in this file, to point at it."""
    names = Names(ctx.facts, ctx.tree)
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and node.value == BASIC:
            return node
        dotted = dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if dotted and ctx.project.classes.canonical(names.qualify(dotted)) == BASIC:
            return node
    return None


@fixer("DJE418")
def fix(source: FixSource, finding):
    """Delete the list entry's line, if the file still holds it there."""
    index, expected = finding.fix_data
    new_text = delete_line(source.text, index, expected)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
