"""DJE113 settings-not-followed

## What it does
Says, once, what django-expert could not follow in the project's settings module, so
that a quiet result is not mistaken for a clean one: the settings module named by
`manage.py` (or wsgi/asgi, pytest) not found, a module that assigns no Django setting, a
django-split-settings `include()` of a file that is missing, not analysed or named by an
expression, a star import that cannot be found, and Django settings whose value is
known only in part (`INSTALLED_APPS += load_plugins()`, a `for` loop appending to
`MIDDLEWARE`) or not at all (a value built by a call the analyser does not follow). It
is reported on the first line of the settings module (on the file naming the module when
the module is missing), with names only: never a value.

An information, not a defect: the rules that need a value the analyser could not follow
stay silent rather than judge Django's default in its place. Environment reads are not
listed: their value when the variables are unset is known. It also names a module
star-imported only when it exists (`if (BASE_DIR / "local_settings.py").exists():`, `try:
... except ImportError:`) that the repository does not hold: the rules read the settings
without it, as a fresh deployment of the repository runs them, and the reader knows an
operator's local file may change them.

## Why is this bad?
Without it, a project whose settings are assembled by code the analyser does not follow
gets fewer findings and no word why: INSTALLED_APPS, MIDDLEWARE, REST_FRAMEWORK or
ALLOWED_HOSTS would read as unset, and the deploy, DRF and middleware rules would stay
silent, or worse, judge Django's defaults.

## Example
```python
# config/settings.py
from split_settings.tools import include

include(f"components/{ENVIRONMENT}.py")  # a file named by an expression
INSTALLED_APPS += discover_plugins()  # entries known only when the code runs
```

## Use instead
Name the included files with constants (`include("components/base.py",
optional("local.py"))`), and list the apps the project always installs literally; the
entries added at run time remain unknown, and this finding says so. Silence it with
`# noqa: DJE113` on the module's first line once you know what is not seen.

## References
- https://github.com/wemake-services/django-split-settings
- https://docs.djangoproject.com/en/stable/topics/settings/
"""

from __future__ import annotations

from django_expert.analyzers.findings import Severity
from django_expert.analyzers.project.settings import not_followed, read_without
from django_expert.analyzers.rules.deployment._settings import first_line
from django_expert.analyzers.rules.registry import rule


@rule("DJE113", "settings-not-followed", tier="recommended", severity=Severity.INFO)
def check(ctx):
    project = ctx.project
    if project is None or project.layout.settings_module is None:
        return
    module = project.layout.settings_module
    if ctx.module == module:
        gaps = not_followed(project.settings(module))
    elif ctx.relative == project.layout.provenance.get("settings_module") and module not in project.facts:
        gaps = not_followed(project.settings(module))  # the file that names a missing module
    else:
        return
    if gaps:
        yield ctx.report(first_line(ctx), _message(module, gaps, read_without(project.settings(module))))


def _message(module: str, gaps: tuple[str, ...], read_without: tuple[str, ...]) -> str:
    unseen = [gap for gap in gaps if gap not in read_without]
    return (f"django-expert could not follow all of the settings `{module}`: " + "; ".join(unseen + list(read_without))
            + (". Rules that need these values stay silent" if unseen else ""))
