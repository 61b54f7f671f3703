"""DJE109 unknown-url-name

## What it does
Finds `reverse()`, `reverse_lazy()`, `redirect()` and `resolve_url()` calls (DRF's
`reverse()` too) whose URL name no URL pattern of the project defines, with its namespace:
the URL conf is followed from ROOT_URLCONF through `include()` (and each module's
`app_name`), `i18n_patterns()` and DRF routers (`<basename>-list`, `<basename>-detail`).
The message names the closest existing name, and the quick fix puts it in place. Nothing
is reported when an `include()` the analyser cannot read could define the name, or when any
module of the project defines it (another URL conf may serve it).

## Why is this bad?
`reverse("catalog:product-lst")` raises `NoReverseMatch` when the code runs — in a view,
that is a 500 on a page nobody tested since the pattern was renamed; in a template it
breaks the whole page. A namespace forgotten in `include()` does the same to every name
of an app.

## Example
```python
return redirect("catalog:product-lst")
url = reverse("product-detail", kwargs={"slug": slug})  # the pattern lives in the "catalog" namespace
```

## Use instead
```python
return redirect("catalog:product-list")
url = reverse("catalog:product-detail", kwargs={"slug": slug})
```

## References
- https://docs.djangoproject.com/en/stable/ref/urlresolvers/#reverse
- https://docs.djangoproject.com/en/stable/topics/http/urls/#url-namespaces
- https://www.django-rest-framework.org/api-guide/routers/
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation.sites import Sites
from django_expert.analyzers.navigation.urls import closest_url, url_index
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule

_DYNAMIC = ("%", "{", "}")


@rule("DJE109", "unknown-url-name", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE,
      triggers=("reverse", "redirect", "resolve_url"))
def check(ctx):
    if ctx.project is None or not ctx.module or ctx.is_migration:
        return
    index = None
    for site in Sites.of(ctx).names():
        if site.kind != "url" or not site.name or any(c in site.name for c in _DYNAMIC):
            continue
        if site.plain_url_allowed and ("/" in site.name or "." in site.name):
            continue  # redirect("/path/") and redirect("https://...") are URLs, not names
        index = index or url_index(ctx.project)
        if not index.certainly_unknown(site.name):
            continue
        suggestion = closest_url(site.name, index.names())
        message = f"no URL pattern is named '{site.name}'" + _namespace_hint(site.name, index) + (
            f"; did you mean '{suggestion}'?" if suggestion else "")
        if suggestion:
            yield ctx.report(site.span, message, fix_title=f"Use '{suggestion}'",
                             fix_data=(span_tuple(site.span), site.name, suggestion))
        else:
            yield ctx.report(site.span, message)


def _namespace_hint(name: str, index) -> str:
    namespace = name.rpartition(":")[0]
    if namespace and namespace.split(":")[0] not in index.namespaces and namespace.split(":")[0] not in \
            index.app_namespaces:
        return f" (there is no URL namespace '{namespace}')"
    return ""


@fixer("DJE109")
def fix(source: FixSource, finding):
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
