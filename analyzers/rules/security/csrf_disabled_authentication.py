"""DJE417 csrf-disabled-authentication

## What it does
Finds DRF authentication classes built on `SessionAuthentication` that override
`enforce_csrf()` to do nothing (`return`, `pass`), when a view (`authentication_classes`)
or the production `DEFAULT_AUTHENTICATION_CLASSES` uses them.

## Why is this bad?
`SessionAuthentication` authenticates with the session cookie, which the browser sends
with every request to the site — also those a page on another site makes it send. The
CSRF check is what tells the two apart. Without it, any website a signed-in user visits
can make their browser `POST`, `PUT` or `DELETE` through the API in their name. The usual
reason ("the single-page app sends no token") has a fix that keeps the check: send the
`csrftoken` cookie's value in the `X-CSRFToken` header.

## Example
```python
class CsrfExemptSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request):
        return
```

## Use instead
Use `SessionAuthentication` itself and send the CSRF token from the front end, or
authenticate the API with tokens that browsers do not attach on their own.

## References
- https://www.django-rest-framework.org/api-guide/authentication/#sessionauthentication
- https://www.django-rest-framework.org/topics/ajax-csrf-cors/
- https://docs.djangoproject.com/en/stable/howto/csrf/#using-csrf-protection-with-ajax
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Related
from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import where
from django_expert.analyzers.rules.registry import rule

SESSION = "rest_framework.authentication.SessionAuthentication"


@rule("DJE417", "csrf-disabled-authentication", tier="recommended", triggers=("enforce_csrf",))
def check(ctx):
    project = ctx.project
    if project is None:
        return
    methods = {(node.name, item.name): item for node in ctx.tree.body if isinstance(node, ast.ClassDef)
               for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for cls, qualname in ctx.classes_here(drf.SESSION_AUTHENTICATION):
        method = methods.get((cls.name, "enforce_csrf"))
        if method is None or not drf.does_nothing(method):
            continue
        users = drf.authentication_users(project, qualname)
        if not users:
            continue
        related = tuple(Related(*found, f"uses `{cls.name}`") for found in (where(project, u) for u in users) if found)
        shown = list(dict.fromkeys(u.rpartition(".")[2] for u in users))  # two BaseAPIViews read as one name
        named = ", ".join(f"`{u}`" for u in shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        yield ctx.report(
            method,
            f"`{cls.name}.enforce_csrf` skips the CSRF check of session-authenticated requests, and {named} "
            f"{'use' if len(shown) > 1 else 'uses'} it: any website a signed-in user visits can make their browser "
            f"write through the API in their name",
            related=related,
        )

