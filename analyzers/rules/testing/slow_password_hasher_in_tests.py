"""DJE601 slow-password-hasher-in-tests

## What it does
Finds a settings module the tests run with (the `DJANGO_SETTINGS_MODULE` of the pytest
configuration in pytest.ini, pyproject.toml, tox.ini or setup.cfg, or a settings module
named test, tests, testing or ci) that keeps a slow password hasher: `PASSWORD_HASHERS`
left at Django's default, or starting with PBKDF2, Argon2, bcrypt or scrypt. It stays
silent when a conftest or test module sets `PASSWORD_HASHERS` itself (a `settings` fixture,
`override_settings`). When the tests run with the production settings module itself, the
advice is a fixture or a test settings module, and no fix is offered: MD5 there would hash
production's passwords.

## Why is this bad?
The default hasher runs hundreds of thousands of PBKDF2 iterations on purpose: every
`create_user()`, `set_password()`, `client.login()` and factory with a password costs about
100 ms. In a suite creating a user per test, that is most of the run time. Tests do not
need their passwords to resist brute force.

## Example
```python
# config/settings/test.py
from .base import *

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
```

## Use instead
```python
# config/settings/test.py
from .base import *

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
```

## References
- https://docs.djangoproject.com/en/stable/topics/testing/overview/#speeding-up-the-tests
- https://docs.djangoproject.com/en/stable/ref/settings/#password-hashers
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes.settings_edits import set_setting
from django_expert.analyzers.project.test_map import test_modules, test_settings_modules
from django_expert.analyzers.rules.deployment._settings import first_line, name_span, opaque
from django_expert.analyzers.rules.registry import fixer, rule
from django_expert.analyzers.rules.testing._suite import SLOW_HASHERS, first_hasher

FAST = '["django.contrib.auth.hashers.MD5PasswordHasher"]'


@rule("DJE601", "slow-password-hasher-in-tests", tier="recommended", fix=Applicability.UNSAFE,
      triggers=("import *", "INSTALLED_APPS", "DATABASES", "SECRET_KEY"))
def check(ctx):
    if ctx.project is None or ctx.project.layout.kind == "library":
        return
    if ctx.module not in test_settings_modules(ctx.project) or opaque(ctx.project, ctx.module):
        return
    setting, first = first_hasher(ctx.project, ctx.module)
    if first not in SLOW_HASHERS:
        return
    if any("PASSWORD_HASHERS" in t.overridden_settings for t in test_modules(ctx.project)):
        return
    hasher = first.rpartition(".")[2]
    where = name_span(ctx, setting.statement_index, "PASSWORD_HASHERS") if setting.module == ctx.module else first_line(ctx)
    default = "Django's default " if setting.module.startswith("django.") else ""
    if ctx.is_production_settings:  # paperless-ngx: pytest runs the one settings module production runs
        yield ctx.report(
            where,
            f"the tests run with {default}{hasher}: every create_user(), login and password set costs ~100 ms; "
            f"these are also the production settings, so set a fast hasher for the tests only (a conftest.py "
            f"fixture setting `settings.PASSWORD_HASHERS`, or a test settings module), not here",
        )
        return
    yield ctx.report(
        where,
        f"the tests run with {default}{hasher}: every create_user(), login and password set costs ~100 ms; "
        f"set PASSWORD_HASHERS to MD5PasswordHasher in these test settings",
        fix_title="Set PASSWORD_HASHERS = [MD5PasswordHasher] for the tests",
    )


@fixer("DJE601")
def fix(source, finding):
    new = set_setting(source.module, "PASSWORD_HASHERS", FAST).code
    return source.fix(finding.fix_title, Applicability.UNSAFE, new)
