"""DJE401 debug-enabled

## What it does
Finds production settings modules (the ones wsgi.py/asgi.py load, or named prod, production
or live) in which `DEBUG` is true: set to `True`, inherited as `True` from a base module, or
read from the environment with a default that turns it on when the variable is unset
(`os.environ.get("DEBUG", "1") == "1"`, `env.bool("DEBUG", default=True)`). This is
Django's deploy check `security.W018`.

## Why is this bad?
With `DEBUG` on, every error page shows the source, the local variables, the settings
(with a best-effort masking of secrets) and the SQL of the request to whoever triggered
it. Django also keeps every SQL query in memory and serves no custom 404/500 pages. A
default that turns debugging on means one forgotten environment variable publishes all
of that.

## Example
```python
# shop/settings/prod.py
from .base import *

DEBUG = True
```

## Use instead
```python
import os

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
```
The fix rewrites the assignment (or adds one after the star import) so that `DEBUG` is off
unless the environment turns it on; it changes behaviour where the variable was relied on,
so it is offered as an unsafe fix.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#debug
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import set_setting_from_environment
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    place,
    production,
    truth,
)
from django_expert.analyzers.rules.deployment._unset_environment import fallback
from django_expert.analyzers.rules.registry import fixer, rule

DJANGO_CHECKS = {"security.W018": "DEBUG is True in deployment"}
FIX_TITLE = "Read DEBUG from the environment, off by default"


@rule("DJE401", "debug-enabled", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    setting = settings.with_default("DEBUG")
    unset = fallback(ctx, setting)
    variables: tuple[str, ...] = ()
    if truth(certain(setting)):
        message = f"DEBUG is True in the production settings `{ctx.module}` (security.W018)"
    elif unset is not None and truth(unset[0]):
        variables = unset[1]
        message = (f"DEBUG is on in the production settings `{ctx.module}` unless the environment sets "
                   f"{' or '.join(variables) or 'its variable'}: the default turns debugging on (security.W018)")
    else:
        return
    where, related = place(ctx, setting, "DEBUG")
    yield ctx.report(
        where,
        message + "; error pages then show source, settings and SQL to anyone",
        fix_title=FIX_TITLE,
        fix_data=(variables[0] if len(variables) == 1 else "DJANGO_DEBUG",),
        related=related,
    )


@fixer("DJE401")
def fix(source: FixSource, finding):
    (variable,) = finding.fix_data
    new_text = set_setting_from_environment(source, "DEBUG", f'os.environ.get("{variable}", "") == "1"')
    return source.fix(FIX_TITLE, Applicability.UNSAFE, new_text) if new_text else None
