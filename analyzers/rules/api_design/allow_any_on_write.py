"""DJE305 allow-any-on-write

## What it does
Finds DRF views whose permission is `AllowAny` or an empty list (set on the view, a base
view, or with `@permission_classes([AllowAny])`) and that change existing data: they answer `PUT`,
`PATCH` or `DELETE` (a `ModelViewSet`, the update/destroy mixins and generic views, an
`APIView` defining `put`/`patch`/`delete`, `@api_view(["DELETE"])`).

Views that only add data with `POST` (sign-up, login, password reset, webhooks) are
public by design often enough that they are left alone.

## Why is this bad?
`AllowAny` means anonymous clients pass the permission check, so anyone on the internet
can modify or delete the objects the view reaches. Even when the view is meant to be
public for reading, writes almost never are; the usual intent is
`IsAuthenticatedOrReadOnly` or an object-level permission.

## Example
```python
class ArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]
```

## Use instead
```python
class ArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
```

## References
- https://www.django-rest-framework.org/api-guide/permissions/#allowany
- https://www.django-rest-framework.org/api-guide/permissions/#isauthenticatedorreadonly
"""

from __future__ import annotations

from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import rule

CHANGING = ("put", "patch", "delete")


@rule("DJE305", "allow-any-on-write", tier="recommended", triggers=("class ", "api_view"))
def check(ctx):
    if ctx.project is None:
        return
    for cls, qualname in ctx.classes_here(drf.API_VIEW):
        permissions = drf.view_permissions(ctx.project, qualname)
        if not (permissions.sure and permissions.found and _only_allow_any(ctx, permissions.value)):
            continue
        methods = drf.accepted_methods(ctx.project, qualname)
        changing = [m.upper() for m in CHANGING if methods and m in methods]
        if not changing:
            continue
        here = permissions.owner == qualname
        origin = "" if here else f" (inherited from `{permissions.owner.rpartition('.')[2]}`)"
        related = () if here else tuple(r for r in [ctx.related(
            permissions.owner.rpartition(".")[0], f"{permissions.owner.rpartition('.')[2]}.permission_classes",
            "AllowAny is set here")] if r)
        yield ctx.report(
            f"{cls.name}.permission_classes" if here else cls.name,
            f"`{cls.name}` allows anyone{origin} and accepts {', '.join(changing)}: anonymous clients can "
            f"change or delete what it serves",
            related=related,
        )
    for function in ctx.facts.functions:
        methods = drf.api_view_methods(function)
        changing = [m.upper() for m in CHANGING if methods and m in methods]
        permissions = drf.function_permissions(ctx.project, function)
        if changing and permissions.found and _only_allow_any(ctx, permissions.value):
            yield ctx.report(
                function.name,
                f"`{function.name}` allows anyone and accepts {', '.join(changing)}: anonymous clients can "
                f"change or delete what it serves",
            )


def _only_allow_any(ctx, value) -> bool:
    classes = drf.class_names(ctx.project, value)
    return classes is not None and drf.is_open(classes)
