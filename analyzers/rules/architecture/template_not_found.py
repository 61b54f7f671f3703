"""DJE111 template-not-found

## What it does
Finds template names that no template folder of the project holds: `render()`,
`render_to_string()`, `get_template()`, `select_template()` (when none of its names
exists), `TemplateResponse()` and a view's `template_name`. The folders are those Django's
loaders search: TEMPLATES `DIRS` from the settings, then each installed app's
`templates/` when `APP_DIRS` is on. The message names the closest existing template, and
the quick fix puts it in place. Nothing is reported when a loader or an installed app the
analyser cannot see could provide the name, nor in a `startproject`/`startapp` template
folder (`project_template/`, `app_template/`, a folder with `manage.py-tpl`): the project it
generates has template folders of its own.

## Why is this bad?
A misspelt or moved template raises `TemplateDoesNotExist` only when the view runs: a 500
in production on the page whose template was renamed, or on the error path that renders
a template nobody tested.

## Example
```python
def product_list(request):
    return render(request, "catalog/products_list.html", {...})
```

## Use instead
```python
def product_list(request):
    return render(request, "catalog/product_list.html", {...})
```

## References
- https://docs.djangoproject.com/en/stable/topics/templates/#configuration
- https://docs.djangoproject.com/en/stable/ref/templates/api/#loader-types
"""

from __future__ import annotations

from collections import defaultdict

from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation.sites import Sites
from django_expert.analyzers.navigation.templates import closest_template, template_index
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule

_DYNAMIC = ("%", "{", "}")


@rule("DJE111", "template-not-found", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE,
      triggers=("render", "template", "TemplateResponse"))
def check(ctx):
    if ctx.project is None or not ctx.module or ctx.is_migration or _in_scaffold(ctx):
        return
    by_node = defaultdict(list)
    for site in Sites.of(ctx).names():
        if site.kind == "template" and site.name and not any(c in site.name for c in _DYNAMIC):
            by_node[id(site.node)].append(site)
    if not by_node:
        return
    index = template_index(ctx.project)
    for sites in by_node.values():
        if not all(index.certainly_missing(site.name) for site in sites):
            continue  # select_template() uses the first that exists
        for site in sites:
            suggestion = closest_template(site.name, index.names())
            message = f"no template folder of the project holds '{site.name}'" + (
                f"; did you mean '{suggestion}'?" if suggestion else "")
            if suggestion:
                yield ctx.report(site.span, message, fix_title=f"Use '{suggestion}'",
                                 fix_data=(span_tuple(site.span), site.name, suggestion))
            else:
                yield ctx.report(site.span, message)


# `startproject --template` / `startapp --template` folders: the project they generate has
# its own template folders and settings (wagtail's `project_template/search/views.py`
# renders `search/search.html` from `project_template/search/templates/`, an app folder of
# the generated project, not of the package that ships it).
_SCAFFOLDS = frozenset({"project_template", "app_template"})


def _in_scaffold(ctx) -> bool:
    """The module sits in a project or app template folder: a folder named
    `project_template`/`app_template`, or one holding a `manage.py-tpl`."""
    if _SCAFFOLDS & set(ctx.relative.split("/")[:-1]):
        return True
    root = ctx.project.layout.root
    folder = ctx.path.parent
    while folder != root and folder.is_relative_to(root):
        if (folder / "manage.py-tpl").is_file():
            return True
        folder = folder.parent
    return False


@fixer("DJE111")
def fix(source: FixSource, finding):
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
