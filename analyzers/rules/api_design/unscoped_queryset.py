"""DJE307 unscoped-queryset

## What it does
Finds DRF views that update or delete objects of a model owned by a user (a foreign key to
the user model named `user`, `owner`, `author`, `created_by`, `customer`, ...) while:
- their `queryset` is every row (`Model.objects.all()`), with no `get_queryset()`,
  `get_object()` or `filter_queryset()` override and no filter backend of the project;
- their permission is only `IsAuthenticated` or `IsAuthenticatedOrReadOnly`, so no
  object-level permission (`has_object_permission`) looks at the owner.

## Why is this bad?
Any signed-in user can then `PUT`, `PATCH` or `DELETE` `/posts/<id>/` of every other user:
the id is all it takes (broken object level authorization, the first item of the OWASP
API Security Top 10). Authentication says who the client is; nothing here checks that the
object is theirs.

## Example
```python
class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()
    serializer_class = PostSerializer
    permission_classes = [IsAuthenticated]
```

## Use instead
```python
class PostViewSet(viewsets.ModelViewSet):
    serializer_class = PostSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Post.objects.filter(author=self.request.user)
```
or add an object permission (`IsOwner` with `has_object_permission`).

## References
- https://www.django-rest-framework.org/api-guide/filtering/#filtering-against-the-current-user
- https://www.django-rest-framework.org/api-guide/permissions/#object-level-permissions
- https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
"""

from __future__ import annotations

from django_expert.analyzers.project import drf
from django_expert.analyzers.rules.registry import rule

AUTHENTICATED = frozenset({"rest_framework.permissions.IsAuthenticated",
                           "rest_framework.permissions.IsAuthenticatedOrReadOnly"})


@rule("DJE307", "unscoped-queryset", tier="recommended", triggers=("queryset",))
def check(ctx):
    project = ctx.project
    if project is None:
        return
    for cls, qualname in ctx.classes_here(drf.API_VIEW):
        methods = drf.accepted_methods(project, qualname) or ()
        changing = [m.upper() for m in ("put", "patch", "delete") if m in methods]
        if not changing:
            continue
        queryset = drf.lookup(project, qualname, "queryset")
        if not queryset.found:
            continue
        model, unscoped = drf.queryset_model(project, queryset.value, queryset.owner.rpartition(".")[0])
        owners = drf.owner_fields(project, model) if model is not None and unscoped else []
        if not owners or not drf.serves_every_row(project, qualname):
            continue
        classes = drf.effective_permissions(project, qualname)
        if not classes or not set(classes) <= AUTHENTICATED:
            continue
        yield ctx.report(
            f"{cls.name}.queryset" if queryset.owner == qualname else cls.name,
            f"`{cls.name}` lets any authenticated user {'/'.join(changing)} every `{model.name}`, whoever its "
            f"`{owners[0]}` is: the queryset is not filtered by the requesting user and no object permission "
            f"checks ownership",
        )
