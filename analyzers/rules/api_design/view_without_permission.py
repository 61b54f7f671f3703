"""DJE304 view-without-permission

## What it does
Finds DRF views (`APIView`, generic views, viewsets, `@api_view` functions) that set no
`permission_classes` — not in the class, not in a base class, not with `get_permissions()`
or `@permission_classes` — while `REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]` of the
settings used in production is unset, empty or `AllowAny`.

## Why is this bad?
DRF's default permission is `AllowAny`. A view that does not say who may call it is then
open to anonymous clients, including for writes, and nothing in the view's code shows it.
A forgotten permission is one of the most common API vulnerabilities (broken access
control); making the project default restrictive, or every view explicit, closes it.

## Example
```python
class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.all()
    serializer_class = OrderSerializer
```

## Use instead
```python
class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]
```
or set a restrictive default once:
`REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}`
and mark the public views with an explicit `permission_classes = [AllowAny]`.
The fix adds `permission_classes = [IsAuthenticated]`; it changes who may call the view,
so it is offered as an unsafe fix.

## References
- https://www.django-rest-framework.org/api-guide/permissions/#setting-the-permission-policy
- https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Mapping
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import class_attribute_added, decorator_added_after, import_ensured
from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import fixer, rule

PERMISSIONS = "rest_framework.permissions"
FIX_TITLE = "Add permission_classes = [IsAuthenticated]"


@rule("DJE304", "view-without-permission", tier="recommended", fix=Applicability.UNSAFE, triggers=("class ", "api_view"))
def check(ctx):
    if ctx.project is None:
        return
    views = [(cls.name, "class") for cls, qualname in ctx.classes_here(drf.API_VIEW)
             if _falls_back_to_default(drf.view_permissions(ctx.project, qualname))]
    views += [(f.name, "function") for f in ctx.facts.functions
              if drf.api_view_methods(f) is not None and not drf.function_permissions(ctx.project, f).found]
    if not views:
        return
    module = drf.open_default_permissions(ctx.project)
    if module is None:
        return
    why, related = default_explained(ctx, module)
    for name, kind in views:
        yield ctx.report(
            name,
            f"`{name}` has no permission_classes and {why}, so anyone can call it",
            fix_title=FIX_TITLE,
            fix_data=(name, kind),
            related=related,
        )


def _falls_back_to_default(lookup: drf.Lookup) -> bool:
    return lookup.sure and not lookup.found


def default_explained(ctx, module: str):
    """How DEFAULT_PERMISSION_CLASSES ends up open in `module`, and where it is set."""
    setting = ctx.project.settings(module).get("REST_FRAMEWORK")
    key = "REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES']"
    written = setting.value if setting is not None and isinstance(setting.value, Mapping) else None
    if written is None or written.get("DEFAULT_PERMISSION_CLASSES") is None:
        return f"{key} is unset in `{module}` (DRF's default is AllowAny)", ()
    found = ctx.related(setting.module, f"stmt:{setting.statement_index}", f"{key} is set here")
    return f"{key} allows anyone in `{module}`", (found,) if found else ()


@fixer("DJE304")
def fix(source: FixSource, finding):
    # One libcst tree, the file's, edited in turn; its code is written once.
    name, kind = finding.fix_data
    _, written = import_ensured(source.module, PERMISSIONS, "IsAuthenticated")
    if kind == "class":
        tree = class_attribute_added(source.module, name, f"permission_classes = [{written}]\n")
    else:
        _, decorator = import_ensured(source.module, "rest_framework.decorators", "permission_classes")
        tree = decorator_added_after(source.module, name, "api_view", f"{decorator}([{written}])")
        if tree is not None:
            tree, _ = import_ensured(tree, "rest_framework.decorators", "permission_classes")
    if tree is None:
        return None
    tree, _ = import_ensured(tree, PERMISSIONS, "IsAuthenticated")
    return source.fix(FIX_TITLE, Applicability.UNSAFE, tree.code)
