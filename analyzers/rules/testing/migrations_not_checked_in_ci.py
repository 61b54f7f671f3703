"""DJE604 migrations-not-checked-in-ci

## What it does
Finds a project whose repository has CI configuration (GitHub Actions workflows,
`.gitlab-ci.yml`, tox.ini, noxfile.py, a Makefile, `.pre-commit-config.yaml`, CircleCI,
Azure, Bitbucket, Travis, Jenkins) but none of it runs `manage.py makemigrations --check`,
itself or in a script it names (two scripts deep; when the CI runs containers, the scripts
the repository's compose files and Dockerfiles name, such as an entrypoint), and no test runs it (`call_command("makemigrations",
check=True)`). It is reported once, on the first line of the project's settings module.
Projects without any CI file are left alone.

## Why is this bad?
A model change committed without its migration passes every test (the test database is
built from the migrations, or from the models with `--nomigrations`) and breaks in
production: the column is missing, or the next developer's `makemigrations` writes a
migration for someone else's change. `makemigrations --check` exits non-zero when models
and migrations differ, in a second.

## Example
```yaml
# .github/workflows/ci.yml
- run: python -m pytest
```

## Use instead
```yaml
# .github/workflows/ci.yml
- run: python manage.py makemigrations --check --dry-run
- run: python -m pytest
```

## References
- https://docs.djangoproject.com/en/stable/ref/django-admin/#cmdoption-makemigrations-check
"""

from __future__ import annotations

from django_expert.analyzers.project.test_map import ci_files, test_modules
from django_expert.analyzers.rules.deployment._settings import first_line
from django_expert.analyzers.rules.registry import rule
from django_expert.analyzers.rules.testing._suite import anchor_module


@rule("DJE604", "migrations-not-checked-in-ci", tier="recommended")
def check(ctx):
    project = ctx.project
    if project is None or project.layout.kind != "project" or ctx.module != anchor_module(project):
        return
    found = ci_files(project)
    if not found or any(f.checks_migrations for f in found):
        return
    if any(t.checks_migrations for t in test_modules(project)):
        return
    names = ", ".join(f.path for f in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    yield ctx.report(
        first_line(ctx),
        f"CI ({names}) never runs `makemigrations --check`: a model change committed without its migration "
        f"passes the tests and fails in production",
    )
