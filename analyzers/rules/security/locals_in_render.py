"""DJE413 locals-in-render

## What it does
Finds views that hand `locals()` to a template: `render(request, "page.html", locals())`,
`render_to_string(..., locals())`, `TemplateResponse(..., locals())`,
`template.render(locals())`, `Context(locals())`.

## Why is this bad?
Every local variable of the view becomes template context, including the ones added later
for another purpose: a password from the form, an API token, a queryset of other users'
data. A template (or a template included by it, or a debug toolbar) can then display
them, and nobody reviewing the template change sees where they came from. An explicit
context is also what makes the template's inputs readable and testable.

## Example
```python
def profile(request):
    user = request.user
    api_token = user.auth_token.key
    return render(request, "profile.html", locals())
```

## Use instead
```python
def profile(request):
    return render(request, "profile.html", {"user": request.user})
```

## References
- https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#render
- https://docs.djangoproject.com/en/stable/ref/templates/api/#rendering-a-context
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.rules.registry import rule

RENDERERS = {
    "django.shortcuts.render", "django.shortcuts.render_to_response", "django.template.loader.render_to_string",
    "django.template.response.TemplateResponse", "django.template.response.SimpleTemplateResponse",
    "django.template.Context", "django.template.RequestContext", "django.template.context.Context",
    "django.template.context.RequestContext",
}


@rule("DJE413", "locals-in-render", tier="pedantic", triggers=("locals()",))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    for scope in call_index(ctx.tree).functions():
        function = scope.function
        for call in scope.calls:
            if not any(_is_locals(a) for a in _context_arguments(call)):
                continue
            name = names.call(call)
            is_template_render = isinstance(call.func, ast.Attribute) and call.func.attr == "render" \
                and name not in RENDERERS
            if name not in RENDERERS and not is_template_render:
                continue
            shown = name.rpartition(".")[2] if name in RENDERERS else "render"
            yield ctx.report(
                call,
                f"`{function.name}` passes locals() to the template with `{shown}`: every local variable, "
                f"including ones added later for other purposes, becomes template context; pass an explicit dict",
            )


def _context_arguments(call: ast.Call):
    yield from call.args
    yield from (k.value for k in call.keywords if k.arg in ("context", "dictionary", "dict_"))


def _is_locals(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "locals" \
        and not node.args
