"""DJE310 permission-lets-anyone-in

## What it does
Finds DRF permission settings that read as a restriction and let anyone through:
- `A | B` in `permission_classes` where one side's `has_permission` is true for every
  client: `AllowAny`, or a permission class of the project that only implements
  `has_object_permission` (DRF's `BasePermission.has_permission` returns True). With `|`
  the whole check passes for anonymous clients wherever no object is checked: listing and
  creating. Reported on views that list or create;
- `DjangoModelPermissions` (or `DjangoModelPermissionsOrAnonReadOnly`) as what protects a
  view that lists or retrieves every row of a model owned by a user or a tenant:
  `DjangoModelPermissions` checks the add/change/delete permissions of unsafe methods only,
  never reads, so any authenticated user (any client, with the AnonReadOnly variant) reads
  every tenant's rows.

## Why is this bad?
`permission_classes = [IsOwner | IsAdminUser]` looks like "owners or admins", and lets an
anonymous client `GET /documents/` — every document of every owner. `DjangoModelPermissions`
looks like "only users with the model's permissions", and lets every user read all rows.

## Example
```python
class DocumentViewSet(viewsets.ModelViewSet):
    queryset = Document.objects.all()
    permission_classes = [IsOwner | IsAdminUser]
```

## Use instead
```python
class DocumentViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAuthenticated & (IsOwner | IsAdminUser)]

    def get_queryset(self):
        return Document.objects.for_user(self.request.user)
```
For reads under `DjangoModelPermissions`, narrow the queryset, or subclass it with a
`perms_map["GET"]` that requires the view permission. The quick fix for `A | B` requires
authentication first (`IsAuthenticated & (A | B)`); the queryset still needs narrowing.

## References
- https://www.django-rest-framework.org/api-guide/permissions/#setting-the-permission-policy
- https://www.django-rest-framework.org/api-guide/permissions/#djangomodelpermissions
- https://www.django-rest-framework.org/api-guide/permissions/#custom-permissions
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.values import BinOp, Ref, Seq, Value
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import insert_lines, replace_checked
from django_expert.analyzers.project import drf, tenancy
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.rules.registry import fixer, rule

_DRF = "rest_framework.permissions."
ALLOW_ANY = f"{_DRF}AllowAny"
MODEL_PERMISSIONS = frozenset({f"{_DRF}DjangoModelPermissions", f"{_DRF}DjangoModelPermissionsOrAnonReadOnly"})
# Permissions that, beside DjangoModelPermissions, restrict nothing per row either.
_NOTHING_PER_ROW = frozenset({f"{_DRF}IsAuthenticated", f"{_DRF}IsAuthenticatedOrReadOnly", *MODEL_PERMISSIONS})


@rule("DJE310", "permission-lets-anyone-in", tier="recommended", fix=Applicability.UNSAFE, triggers=("permission_classes", "DjangoModelPermissions"))
def check(ctx):
    project = ctx.project
    if project is None:
        return
    for cls, qualname in ctx.classes_here(drf.API_VIEW):
        own = drf.view_permissions(project, qualname)
        if not own.sure:
            continue
        if own.found and own.owner == qualname and isinstance(own.value, Seq):
            yield from _open_alternatives(ctx, cls, qualname, own.value)
        yield from _model_permissions_for_reads(ctx, cls, qualname)


def _operands(value: Value) -> list[Value]:
    if isinstance(value, BinOp) and value.op == "|":
        return [*_operands(value.left), *_operands(value.right)]
    return [value]


def _always_true(project, name: str) -> bool:
    """`has_permission` is True for every client: AllowAny, or a project permission class
    (every base known) that does not define it."""
    if name == ALLOW_ANY:
        return True
    if name.startswith("rest_framework.") or project.resolve_class(name) is None or not drf.mro_known(project, name):
        return False
    return drf.defines_method(project, name, "has_permission") is False


def _open_alternatives(ctx, cls, qualname: str, value: Seq):
    project = ctx.project
    methods = drf.accepted_methods(project, qualname)
    if methods is None:
        return
    lists = drf.is_list_endpoint(project, qualname)
    creates = "post" in methods
    if not (lists or creates):
        return
    for item in value.items:
        operands = _operands(item)
        if len(operands) < 2 or not all(isinstance(o, Ref) for o in operands):
            continue
        names = [project.classes.canonical(o.name) for o in operands]
        open_ = next((n for n in names if _always_true(project, n)), None)
        if open_ is None:
            continue
        short = [n.rpartition(".")[2] for n in names]
        why = "is AllowAny" if open_ == ALLOW_ANY else "defines only `has_object_permission`, so its `has_permission` " \
                                                        "is DRF's default: True"
        what = " and ".join(w for w, on in (("list every row", lists), ("create objects", creates)) if on)
        message = (f"`{' | '.join(short)}` on `{cls.name}` lets anonymous clients {what}: "
                   f"`{open_.rpartition('.')[2]}` {why}, and `|` passes when either side does; listing and creating "
                   f"never check an object")
        fix = _require_authentication(ctx, cls.name, value.items.index(item)) if open_ != ALLOW_ANY else None
        if fix is None:
            yield ctx.report(f"{cls.name}.permission_classes", message)
        else:
            yield ctx.report(f"{cls.name}.permission_classes", message, fix_title=fix[0], fix_data=fix[1])


def _require_authentication(ctx, class_name: str, index: int):
    """`[A | B]` -> `[IsAuthenticated & (A | B)]` (importing IsAuthenticated when the file
    does not): anonymous clients no longer pass, signed-in ones pass as before."""
    node = next((n for n in ctx.tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    assign = next((a for a in (node.body if node else ()) if isinstance(a, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id == "permission_classes" for t in a.targets)), None)
    items = getattr(assign.value, "elts", None) if assign is not None else None
    if not items or index >= len(items):
        return None
    item = items[index]
    text = ast.get_source_segment(ctx.text, item)
    if not text:
        return None
    names = Names(ctx.facts, ctx.tree)
    name, import_after = "IsAuthenticated", -1
    if names.qualify("IsAuthenticated") != f"{_DRF}IsAuthenticated":
        if names.qualify("permissions.IsAuthenticated") == f"{_DRF}IsAuthenticated":
            name = "permissions.IsAuthenticated"
        else:
            imports = [n for n in ctx.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
            import_after = imports[-1].end_lineno if imports else 0
    new = f"{name} & ({text})"
    return (f"Require authentication: `{name} & ({text})`",
            (span_tuple(ctx.span(item)), text, new, import_after))


@fixer("DJE310")
def fix(source: FixSource, finding):
    span, expected, new, import_after = finding.fix_data
    text = replace_checked(source, span, expected, new)
    if text is None:
        return None
    if import_after >= 0:
        text = insert_lines(text, import_after, "from rest_framework.permissions import IsAuthenticated\n")
    return source.fix(finding.fix_title, Applicability.UNSAFE, text) if text else None


def _model_permissions_for_reads(ctx, cls, qualname: str):
    project = ctx.project
    classes = drf.effective_permissions(project, qualname)
    if not classes or not set(classes) & MODEL_PERMISSIONS or not set(classes) <= _NOTHING_PER_ROW:
        return
    methods = drf.accepted_methods(project, qualname)
    if not methods or "get" not in methods or not drf.serves_every_row(project, qualname):
        return
    queryset = drf.lookup(project, qualname, "queryset")
    if not queryset.found or queryset.owner != qualname:
        return  # reported where the queryset is set
    model, every_row = drf.queryset_model(project, queryset.value, queryset.owner.rpartition(".")[0])
    if model is None or not every_row or tenancy.owner_path(project, model, tuple(ctx.config.tenant_models)) is None:
        return
    used = next(c for c in classes if c in MODEL_PERMISSIONS).rpartition(".")[2]
    who = "any client" if used.endswith("AnonReadOnly") else "any authenticated user"
    own = drf.view_permissions(project, qualname)
    yield ctx.report(
        f"{cls.name}.permission_classes" if own.owner == qualname else f"{cls.name}.queryset",
        f"`{cls.name}` relies on `{used}`, which never restricts GET: {who} reads every `{model.name}` of every "
        f"owner here; narrow the queryset to the requesting user",
    )
