"""DJE605 pytest-settings-missing

## What it does
Finds a pytest configuration (pytest.ini, pyproject.toml `[tool.pytest.ini_options]` or
pytest 9's `[tool.pytest]`, tox.ini `[pytest]`, setup.cfg `[tool:pytest]`) whose `DJANGO_SETTINGS_MODULE` (or `--ds`
in `addopts`) names a module that does not exist under the project's source roots, the
configuration's folder, its `pythonpath`, or manage.py's folder. It is reported on the
first line of the project's settings module (or of its root conftest.py).

## Why is this bad?
pytest-django imports the module before the first test: every run stops with
`ImportError` or, when the name shadows another module, runs against the wrong settings.
It usually follows a rename of the settings package that the pytest configuration missed,
and whoever runs the suite locally (or CI, when it sets the variable itself) does not see it.

## Example
```ini
# pytest.ini, the settings live in config/settings/test.py
[pytest]
DJANGO_SETTINGS_MODULE = config.settings_test
```

## Use instead
```ini
[pytest]
DJANGO_SETTINGS_MODULE = config.settings.test
```

## References
- https://pytest-django.readthedocs.io/en/latest/configuring_django.html
"""

from __future__ import annotations

from django_expert.analyzers.findings import Severity
from django_expert.analyzers.project.test_map import pytest_settings, settings_module_exists
from django_expert.analyzers.rules.deployment._settings import first_line
from django_expert.analyzers.rules.registry import rule
from django_expert.analyzers.rules.testing._suite import anchor_module


@rule("DJE605", "pytest-settings-missing", tier="recommended", severity=Severity.ERROR)
def check(ctx):
    project = ctx.project
    if project is None or project.layout.kind == "library" or ctx.module != anchor_module(project):
        return
    found = pytest_settings(project)
    if found is None or settings_module_exists(project, found):
        return
    yield ctx.report(
        first_line(ctx),
        f"{found.where} sets DJANGO_SETTINGS_MODULE to `{found.module}`, which does not exist: "
        f"pytest-django stops before the first test",
    )
