"""DJE408 mark-safe-untrusted

## What it does
Finds HTML marked safe without escaping what went into it:
- `mark_safe()` / `SafeString()` of a string built (f-string, `%`, `.format()`, `+`) from
  request data (`request.GET`, `request.POST`, URL parameters, ...), or of request data
  itself;
- `format_html()` called with a string that is already interpolated (`format_html(f"...")`,
  `format_html("..." % x)`) and no arguments: the values are never escaped;
- across functions and files: a view passing request data to a project function that
  marks HTML built from that parameter safe (itself or further down, up to four calls
  deep); the finding is on the call and names the function.

## Why is this bad?
`mark_safe` tells Django's templates not to escape a string. When part of it comes from
the client, a value like `<script>...</script>` runs in the page of every visitor who sees
it: cross-site scripting, which steals sessions and acts as the user. `format_html`
escapes only the arguments passed to it, so interpolating before calling it throws the
protection away (Django 5.0 deprecates calling it without arguments for that reason).

## Example
```python
def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse(mark_safe(f"<h1>Hello {name}</h1>"))
```

## Use instead
```python
def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse(format_html("<h1>Hello {}</h1>", name))
```
The fix rewrites the call as `format_html` with the values as arguments; values that were
HTML on purpose are escaped afterwards, so it is offered as an unsafe fix.

## References
- https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html
- https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe
- https://owasp.org/www-community/attacks/xss/
"""

from __future__ import annotations

import ast
import re

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.sinks import CROSS_SITE, MARK_SAFE, html_built_from
from django_expert.analyzers.facts.taint import Taint, built_parts, module_constants
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import ensure_import
from django_expert.analyzers.fixes.span_edits import quote_of, replace_checked, string_literal
from django_expert.analyzers.project.tainted_calls import findings_across
from django_expert.analyzers.rules.registry import fixer, rule

FORMAT_HTML = "django.utils.html.format_html"
FIX_TITLE = "Build it with format_html"


@rule("DJE408", "mark-safe-untrusted", tier="recommended", fix=Applicability.UNSAFE,
      triggers=("mark_safe", "SafeString", "SafeText", "format_html", "request"))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    if ctx.project is not None:
        yield from _across_functions(ctx)
    constants = module_constants(ctx.tree)
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        sinks = [node for node in scope.calls if node.args
                 and not isinstance(node.args[0], ast.Starred) and names.call(node) in {*MARK_SAFE, FORMAT_HTML}]
        if not sinks:
            continue
        taint = Taint(function, names.qualify, owner, constants, ctx.module, sources=CROSS_SITE)
        for call in sinks:
            html, callee = call.args[0], names.call(call).rpartition(".")[2]
            untrusted = html_built_from(taint, html)
            if callee == "format_html" and not untrusted:
                if len(call.args) > 1 or call.keywords or built_parts(html) is None or taint.constant(html):
                    continue
                message = (f"`format_html` gets an already-interpolated string in `{function.name}`: the values "
                           f"are not escaped; pass them as arguments")
            elif untrusted:
                message = (f"`{callee}` marks HTML built from request data as safe in `{function.name}`: a client "
                           f"can inject script (XSS); use format_html so the values are escaped")
            else:
                continue
            fix = _format_html(ctx, call, html) if len(call.args) == 1 and not call.keywords else None
            yield ctx.report(call, message, fix_title=FIX_TITLE if fix else "", fix_data=fix or ())


def _format_html(ctx, call: ast.Call, html: ast.expr):
    """fix_data turning `mark_safe(f"<b>{x}</b>")` into `format_html("<b>{}</b>", x)`."""
    if isinstance(html, ast.JoinedStr):
        pieces, args = [], []
        for value in html.values:
            if isinstance(value, ast.Constant):
                pieces.append(value.value.replace("{", "{{").replace("}", "}}"))
            elif value.conversion != -1 or value.format_spec is not None:
                return None
            else:
                pieces.append("{}")
                args.append(_source(ctx, value.value))
        template = "".join(pieces)
    elif isinstance(html, ast.Call) and isinstance(html.func, ast.Attribute) and html.func.attr == "format" \
            and _is_str(html.func.value) and not any(isinstance(a, ast.Starred) for a in html.args):
        template = html.func.value.value
        args = [_source(ctx, a) for a in html.args] + [
            f"{k.arg}={_source(ctx, k.value)}" for k in html.keywords if k.arg]
        if len(args) != len(html.args) + len(html.keywords):
            return None
    elif isinstance(html, ast.BinOp) and isinstance(html.op, ast.Mod) and _is_str(html.left):
        placeholders = [p for p in re.findall(r"%.", html.left.value) if p != "%%"]
        values = html.right.elts if isinstance(html.right, ast.Tuple) else [html.right]
        if any(p != "%s" for p in placeholders) or len(placeholders) != len(values):
            return None
        escaped = html.left.value.replace("{", "{{").replace("}", "}}")
        template = "%".join(chunk.replace("%s", "{}") for chunk in escaped.split("%%"))
        args = [_source(ctx, v) for v in values]
    else:
        return None
    segment = ast.get_source_segment(ctx.text, call)
    quote = quote_of(ast.get_source_segment(ctx.text, html) or "")
    if segment is None or quote is None:
        return None
    span = ctx.lines.span(call)
    rewritten = ", ".join([string_literal(template, quote), *args])
    return (span.start.line, span.start.column, span.end.line, span.end.column, segment, rewritten)


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _source(ctx, node: ast.expr) -> str:
    return ast.get_source_segment(ctx.text, node) or ast.unparse(node)


@fixer("DJE408")
def fix(source: FixSource, finding):
    if not finding.fix_data:
        return None
    *span, expected, arguments = finding.fix_data
    _, name = ensure_import(source.text, "django.utils.html", "format_html")
    text = replace_checked(source, tuple(span), expected, f"{name}({arguments})")
    if text is None:
        return None
    text, _ = ensure_import(text, "django.utils.html", "format_html")
    return source.fix(FIX_TITLE, Applicability.UNSAFE, text)


def _across_functions(ctx):
    """Request data handed to a project function that puts it in this rule's sink."""
    return findings_across(
        ctx, "html",
        "request data passed to `{callee}()` in `{function}` is marked safe as HTML{where}: a client can "
        "inject script (XSS); build the HTML with format_html there",
        "marks it safe here",
    )
