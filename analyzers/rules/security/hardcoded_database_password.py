"""DJE414 hardcoded-database-password

## What it does
Finds production settings modules whose `DATABASES` holds a password written in the source:
a literal `PASSWORD`, the fallback used when the environment variable is unset
(`os.environ.get("DB_PASSWORD", "secret")`), or a database URL with a password
(`dj_database_url.parse("postgres://shop:secret@db/shop")`, `env.db(default=...)`). SQLite
databases, empty passwords and passwords read from the environment are not reported.

## Why is this bad?
Everyone who can read the repository (developers, CI, backups, forks, a leak) can read the
production database's password, and it stays in the history after it is removed. Rotating
it then needs a code change and a deployment.

## Example
```python
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "s3cret",
    }
}
```

## Use instead
```python
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": os.environ["DATABASE_PASSWORD"],
    }
}
```
Change the password too: the old one is in the history. The fix reads a literal
`PASSWORD` from the environment (unsafe: the variable must then be set).

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#password
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#databases
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django_expert.analyzers.facts.values import Call, Const, Env, Mapping, Value
from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.settings_edits import replace_dict_value
from django_expert.analyzers.rules.deployment._settings import (
    place,
    production,
)
from django_expert.analyzers.rules.deployment._unset_environment import (
    unset_environment,
)
from django_expert.analyzers.rules.registry import fixer, rule

URL_READERS = ("dj_database_url.parse", "dj_database_url.config", "environ.Env.db_url_config")


@rule("DJE414", "hardcoded-database-password", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE, scope="settings")
def check(ctx):
    settings = production(ctx)
    if settings is None:
        return
    setting = settings.get("DATABASES")
    if setting is None or setting.conditional or not isinstance(setting.value, Mapping):
        return
    for key, database in setting.value.items:
        alias = key.value if isinstance(key, Const) and isinstance(key.value, str) else None
        if alias is None or alias == "**" or not setting.key_certain(alias):
            continue
        how = _hard_coded(database)
        if how is None:
            continue
        where, related = place(ctx, setting, "DATABASES")
        fixable = how == "is hard-coded" and setting.module == ctx.module
        yield ctx.report(
            where,
            f"the password of DATABASES['{alias}'] {how} in the production settings `{ctx.module}`: anyone "
            f"with the source can read it",
            fix_title="Read the password from the environment" if fixable else "",
            fix_data=(alias,),
            related=related,
        )


def _hard_coded(database: Value) -> str | None:
    """How the database's password is written in the source, or None."""
    if isinstance(database, Mapping):
        if "sqlite" in str(_const(database.get("ENGINE")) or ""):
            return None
        password = database.get("PASSWORD")
        if _non_empty(password):
            return "is hard-coded"
        if isinstance(password, Env) and _non_empty(unset_environment(password)):
            return "falls back to a hard-coded value"
        return None
    url = _database_url(database)
    if url and _url_password(url):
        return "is hard-coded in the database URL" if not isinstance(database, Env) else (
            "is hard-coded in the database URL used when the variable is unset")
    return None


def _database_url(value: Value) -> str | None:
    """The URL a dj-database-url / django-environ reader builds the database from."""
    if isinstance(value, Env) and value.cast in ("db", "db_url"):
        return _const(unset_environment(value.default))
    if isinstance(value, Call) and value.func in URL_READERS:
        url = value.args[0] if value.func != "dj_database_url.config" and value.args else value.kwarg("default")
        return _const(url)
    return None


def _url_password(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return not parts.scheme.startswith("sqlite") and bool(parts.password)
    except ValueError:
        return False


def _const(value):
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else None


def _non_empty(value) -> bool:
    return bool((_const(value) or "").strip())


@fixer("DJE414")
def fix(source: FixSource, finding):
    (alias,) = finding.fix_data
    variable = "DATABASE_PASSWORD" if alias == "default" else f"DATABASE_{alias.upper()}_PASSWORD"
    new_text = replace_dict_value(source, "DATABASES", (alias, "PASSWORD"), f'os.environ["{variable}"]')
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
