"""DJE110 url-arguments-mismatch

## What it does
Checks the arguments given with a URL name — `reverse(name, args=[...])`,
`reverse(name, kwargs={...})`, `redirect(name, *args, **kwargs)`, `resolve_url(...)` —
against the route the name denotes: the number of positional arguments, or the keyword
names (`<int:pk>` takes `pk`; an `include()` prefix adds its own). Only literal argument
lists and dicts are checked; a route whose parameters cannot be known (a regular
expression with optional groups) is not. When exactly one keyword is misnamed, the quick
fix renames it.

## Why is this bad?
`reverse()` only matches a pattern whose parameters are exactly the ones given; anything
else raises `NoReverseMatch` at run time, like an unknown name. Renaming `<int:pk>` to
`<slug:slug>` in `urls.py` leaves every `reverse(..., kwargs={"pk": ...})` broken, and
nothing says so until the page is opened.

## Example
```python
path("p/<slug:slug>/", views.product_detail, name="product-detail")

reverse("catalog:product-detail", kwargs={"pk": product.pk})
reverse("catalog:product-list", args=[product.pk])
```

## Use instead
```python
reverse("catalog:product-detail", kwargs={"slug": product.slug})
reverse("catalog:product-list")
```

## References
- https://docs.djangoproject.com/en/stable/ref/urlresolvers/#reverse
- https://docs.djangoproject.com/en/stable/topics/http/urls/#path-converters
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Applicability, Severity
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation.sites import Sites
from django_expert.analyzers.navigation.urls import Route, url_index
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule
from django_expert.analyzers.source import Span

_REVERSE_POSITIONS = {"args": 2, "kwargs": 3}


@rule("DJE110", "url-arguments-mismatch", tier="recommended", severity=Severity.ERROR, fix=Applicability.UNSAFE,
      triggers=("reverse", "redirect", "resolve_url"))
def check(ctx):
    if ctx.project is None or not ctx.module or ctx.is_migration:
        return
    sites = Sites.of(ctx)
    index = None
    for site in sites.names():
        if site.kind != "url" or not isinstance(site.node, ast.Call):
            continue
        index = index or url_index(ctx.project)
        routes = index.find(site.name)
        if not routes or any(r.params is None for r in routes):
            continue
        given = _arguments(site.node, site.plain_url_allowed)
        if given is None:
            continue
        args, kwargs, keys = given
        if args is not None and kwargs:
            yield ctx.report(site.span, f"'{site.name}' is reversed with both positional and keyword arguments, "
                                        f"which reverse() refuses")
            continue
        if any(_accepts(route, args, kwargs) for route in routes):
            continue
        route = routes[0]
        wanted = ", ".join(route.params) if route.params else "no arguments"
        if args is not None:
            got = f"{args} positional argument{'s' if args != 1 else ''}"
        else:
            got = ", ".join(sorted(kwargs)) if kwargs else "no arguments"
        message = f"'{site.name}' (/{route.route}) takes {wanted}; it is given {got}"
        rename = _rename(route, kwargs, keys, sites)
        if rename is not None:
            span, old, new = rename
            yield ctx.report(site.span, message, fix_title=f"Rename '{old}' to '{new}'",
                             fix_data=(span_tuple(span), old, new))
        else:
            yield ctx.report(site.span, message)


def _accepts(route: Route, args: int | None, kwargs: set[str]) -> bool:
    params = set(route.params or ())
    counts = {len(route.params or ()) or route.positional}
    counts |= {count + len(route.optional) for count in counts}
    if args is not None:
        return args in counts
    missing_or_extra = (kwargs ^ params) - route.defaults
    return not missing_or_extra or missing_or_extra <= route.optional and missing_or_extra <= kwargs


def _arguments(call: ast.Call, shortcut: bool):
    """(positional count or None, keyword names, {name: key node}) given with the name; None
    when they cannot be read (a variable, `*args`, `**kwargs`, another urlconf)."""
    if shortcut:  # redirect(to, *args, **kwargs) / resolve_url(to, *args, **kwargs)
        rest = call.args[1:]
        if any(isinstance(a, ast.Starred) for a in rest) or any(k.arg is None for k in call.keywords):
            return None
        keywords = [k for k in call.keywords if k.arg not in ("permanent", "to")]
        if rest and keywords:
            return len(rest), {k.arg for k in keywords}, {}
        if rest:
            return len(rest), set(), {}
        return None, {k.arg for k in keywords}, {k.arg: k for k in keywords}
    values = {}
    for name, position in _REVERSE_POSITIONS.items():
        given = next((k.value for k in call.keywords if k.arg == name), None)
        if given is None and len(call.args) > position:
            given = call.args[position]
        values[name] = given
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    urlconf = next((k.value for k in call.keywords if k.arg == "urlconf"), call.args[1] if len(call.args) > 1 else None)
    if urlconf is not None and not (isinstance(urlconf, ast.Constant) and urlconf.value is None):
        return None
    args, kwargs = values["args"], values["kwargs"]
    count = None
    if args is not None and not (isinstance(args, ast.Constant) and args.value is None):
        if not isinstance(args, (ast.List, ast.Tuple)) or any(isinstance(e, ast.Starred) for e in args.elts):
            return None
        count = len(args.elts)
    names: set[str] = set()
    keys: dict[str, ast.AST] = {}
    if kwargs is not None and not (isinstance(kwargs, ast.Constant) and kwargs.value is None):
        if isinstance(kwargs, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                for k in kwargs.keys):
            for key in kwargs.keys:
                names.add(key.value)  # type: ignore[union-attr]
                keys[key.value] = key  # type: ignore[union-attr,index]
        elif isinstance(kwargs, ast.Call) and isinstance(kwargs.func, ast.Name) and kwargs.func.id == "dict" \
                and not kwargs.args and all(k.arg for k in kwargs.keywords):
            names = {k.arg for k in kwargs.keywords}  # type: ignore[misc]
            keys = {k.arg: k for k in kwargs.keywords}  # type: ignore[misc]
        else:
            return None
    fmt = next((k.value for k in call.keywords if k.arg == "format"), None)
    if fmt is not None and not (isinstance(fmt, ast.Constant) and fmt.value is None):
        names.add("format")
    return count, names, keys


def _rename(route: Route, kwargs: set[str], keys: dict, sites: Sites) -> tuple[Span, str, str] | None:
    """One misnamed keyword: (span of its name, old, new)."""
    params = set(route.params or ())
    extra, missing = kwargs - params - route.defaults - route.optional, params - kwargs
    if len(extra) != 1 or len(missing) != 1:
        return None
    old, new = extra.pop(), missing.pop()
    node = keys.get(old)
    if isinstance(node, ast.Constant):
        found = sites.string_span(node)
        return (found[1], old, new) if found else None
    if isinstance(node, ast.keyword):
        lines = sites.ctx.lines
        line, column = node.lineno - 1, lines.column(node.lineno, node.col_offset)
        if lines.line(line)[column:column + len(old)] == old:
            return Span.of(line, column, line, column + len(old)), old, new
    return None


@fixer("DJE110")
def fix(source: FixSource, finding):
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
