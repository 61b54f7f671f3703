"""DJE309 related-field-every-row

## What it does
Finds writable relation fields of DRF serializers that accept the id of any row of a model
owned by a user or a tenant: a declared `PrimaryKeyRelatedField`, `SlugRelatedField` or
`HyperlinkedRelatedField` whose `queryset` is every row (`Project.objects.all()`), and the
field a `ModelSerializer` generates for a foreign key or many-to-many in `Meta.fields`
(its queryset is every row of the related model) — when a view validates client data with
the serializer (DRF's create/update, a handler calling `get_serializer()`, or a handler of any
DRF view building the serializer from the request's body: `BoardSerializer(board,
data=request.data)`, `ProjectSerializer(data={**request.data, ...})`) and other code of the
project narrows the related model to the requesting user. Relations to the
user model are left to DJE303, and `<relation>_id` names, which DRF makes read-only.

A viewset every route of which maps its methods to actions counts only the actions routed
for POST/PUT/PATCH (a `mark_read` action, or a `partial_update` that builds its own data,
reads no field from the client); DRF's own `update`/`partial_update` count only on a route
naming the view's lookup URL kwarg (`lookup_url_kwarg`, `lookup_field`, "pk"; a router's
detail route always does) or when the view overrides `get_object()`: elsewhere DRF's
`get_object()` fails on the missing kwarg before the serializer runs.
It stays silent when the serializer narrows the field itself: an `__init__` or
`get_fields()` of the serializer (or a base), a `validate_<field>()` method, a `validate()`
that reads the field, or the field being read-only (`read_only=True`, `read_only_fields`,
`extra_kwargs`, `editable=False`).

## Why is this bad?
DRF checks only that the id exists. A user of organisation B posts
`{"project": <id of A's project>}` and creates a task inside organisation A, or moves
their own object there; the response often echoes what it can now see of A's object.

## Example
```python
class TaskSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
```

## Use instead
```python
class TaskSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.for_user(request.user)
```

The quick fix adds a `validate_<field>()` that refuses an object outside the requesting
user's scope, with the project's own helper (`Project.objects.for_user(user)`).

## References
- https://www.django-rest-framework.org/api-guide/relations/#the-queryset-argument
- https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import Call, Const, Mapping, string, strings
from django_expert.analyzers.project import drf, tenancy
from django_expert.analyzers.navigation.urls import url_index
from django_expert.analyzers.project.serializer_writers import direct_writers
from django_expert.analyzers.project.summaries import method_summary, pointer, short_name
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import insert_lines
from django_expert.analyzers.rules.registry import fixer, rule

RELATED_FIELDS = frozenset({"PrimaryKeyRelatedField", "SlugRelatedField", "HyperlinkedRelatedField",
                            "ManyRelatedField"})
NARROWING_METHODS = ("__init__", "get_fields")
_ADMIN = "rest_framework.permissions.IsAdminUser"


@rule("DJE309", "related-field-every-row", tier="recommended", fix=Applicability.UNSAFE, triggers=("Serializer",))
def check(ctx):
    project = ctx.project
    if project is None:
        return
    configured = tuple(ctx.config.tenant_models)
    classes = {node.name: node for node in ctx.tree.body if isinstance(node, ast.ClassDef)}
    user = project.model("settings.AUTH_USER_MODEL")
    user_label = user.label if user is not None else None
    for cls, qualname in ctx.classes_here("rest_framework.serializers.BaseSerializer"):
        if any(drf.defines_method(project, qualname, m) is not False for m in NARROWING_METHODS):
            continue
        server_set = _server_set(project, qualname)
        if server_set is None:
            continue
        node = classes.get(cls.name)
        for name, target, where_key in _relation_fields(project, cls, qualname):
            if name in server_set:
                continue  # the views set it on save(): the client's id is overwritten
            if drf.defines_method(project, qualname, f"validate_{name}") is not False:
                continue
            if node is not None and _validate_reads(node, {name, _source(cls, name)} - {None}):
                continue
            if target.label == user_label or tenancy.owner_path(project, target, configured) is None:
                continue  # users are no tenant's rows (who may be named where is DJE303's)
            siblings = [s for s in tenancy.scopings(project, target) if s.usage and s.view]
            if not siblings:
                continue
            sibling = min(siblings, key=lambda s: (s.helper is None, s.function))
            place, related = pointer(project, sibling.function, f"`{target.name}` narrowed to the requesting user here")
            fix = _validator(ctx, node, name, target, tenancy.scopings(project, target)) if node is not None else None
            yield ctx.report(
                where_key,
                f"`{cls.name}.{name}` accepts the id of any `{target.name}` of every tenant, while "
                f"`{short_name(sibling.function)}`{place} narrows `{target.name}` to the requesting user: a client can "
                f"attach this object to another tenant's `{target.name}`; narrow the field's queryset in "
                f"`__init__` (from `self.context[\"request\"].user`) or check it in `validate_{name}()`",
                related=related,
                fix_title=fix[0] if fix else "",
                fix_data=fix[1] if fix else (),
            )


def _validator(ctx, node: ast.ClassDef, name: str, target, scopings):
    """A `validate_<name>()` refusing objects the requesting user's scope does not hold,
    calling the project's helper method (`Project.objects.for_user(user)`); None when the
    file cannot name the model, the helper or ValidationError, or the field takes many."""
    helper = next((s.helper for s in scopings if s.helper and s.method), None)
    field = next((v for n, v in _assigned(node) if n == name), None)
    if helper is None or field is not None and "many=True" in (ast.get_source_segment(ctx.text, field) or ""):
        return None
    names = Names(ctx.facts, ctx.tree)
    if ctx.project.classes.canonical(names.qualify(target.name)) != target.qualname:
        return None
    if names.qualify("serializers.ValidationError").startswith("rest_framework."):
        error = "serializers.ValidationError"
    elif names.qualify("ValidationError").startswith("rest_framework."):
        error = "ValidationError"
    else:
        return None
    indent = " " * node.body[0].col_offset
    manager = target.default_manager or "objects"
    body = (f"\n{indent}def validate_{name}(self, value):\n"
            f"{indent}    user = self.context[\"request\"].user\n"
            f"{indent}    if value is not None and not {target.name}.{manager}.{helper}(user).filter(pk=value.pk).exists():\n"
            f"{indent}        raise {error}(\"Not found.\")\n"
            f"{indent}    return value\n")
    last = node.end_lineno
    return (f"Add validate_{name}() refusing other tenants' `{target.name}` (`.{helper}(user)`)",
            (last, ctx.lines.line(last - 1), body))


def _assigned(node: ast.ClassDef):
    for item in node.body:
        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            yield item.targets[0].id, item.value


@fixer("DJE309")
def fix(source: FixSource, finding):
    """Insert the validator after the class's last line, if the file still ends it there."""
    after, expected, body = finding.fix_data
    new_text = insert_lines(source.text, after, body, previous=expected)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None


def _relation_fields(project, cls, qualname: str):
    """(field name, related model, where to report) of the writable relation fields: declared
    in this class with an every-row queryset, or generated for this class's Meta."""
    module = qualname.rpartition(".")[0]
    for name, value in cls.attrs:
        if not isinstance(value, Call) or value.func.rpartition(".")[2] not in RELATED_FIELDS:
            continue
        if not value.func.startswith("rest_framework.") or drf.declared_writable(value) is not True:
            continue
        model, every_row = drf.queryset_model(project, value.kwarg("queryset"), module)
        if model is not None and every_row:
            yield name, model, f"{cls.name}.{name}"
    if cls.meta is None or not project.is_subclass(qualname, drf.MODEL_SERIALIZER):
        return
    meta = drf.serializer_meta(project, qualname)
    model = drf.meta_model(project, qualname, meta) if meta else None
    names = drf.serializer_field_names(project, qualname, meta, model) or _known_relations(meta, model) \
        if model else None
    declared = drf.declared_fields(project, qualname) if names else None
    if declared is None:
        return
    read_only = strings(meta.get("read_only_fields")) if meta.get("read_only_fields") is not None else ()
    extra = meta.get("extra_kwargs")
    if read_only is None or extra is not None and not isinstance(extra, Mapping):
        return
    where_key = f"{cls.name}.Meta.fields" if cls.meta_attr("fields") is not None else cls.name
    for name in names:
        field = model.field(name)
        if name in declared or field is None or field.name != name \
                or not (field.many_to_one or field.one_to_one or field.many_to_many):
            continue  # (`project_id` in Meta.fields is a read-only field, not a relation)
        if field.primary_key or name in read_only or field.options.get("editable") == Const(False):
            continue
        if field.many_to_many and field.options.get("through") is not None:
            continue  # DRF makes a many-to-many with its own through model read-only
        entry = extra.get(name) if extra is not None else None
        if isinstance(entry, Mapping) and entry.get("read_only") == Const(True):
            continue
        target = project.model(field.related_model) if field.related_model else None
        if target is not None:
            yield name, target, where_key


def _known_relations(meta, model) -> list[str] | None:
    """With `"__all__"` (or `exclude`), the relations of the model the analyser knows are
    among the generated fields even when another field of it is not known (plane's
    `Project`, whose `ProjectSerializer` writes `estimate`, `default_state`, ...)."""
    fields, exclude = meta.get("fields"), meta.get("exclude")
    if not (fields == Const("__all__") or fields is None and exclude is not None):
        return None
    excluded = strings(exclude) if exclude is not None else ()
    if excluded is None:
        return None
    return [f.name for f in model.fields if f.is_relation and not f.primary_key and not f.auto_created
            and f.name not in excluded]


def _validate_reads(node: ast.ClassDef, names: set[str]) -> bool:
    """The serializer's own `validate()` mentions the field, or the attribute it writes
    (`attrs["project"]`, `.get("state")` for `state_id = ...(source="state")`)."""
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "validate":
            return any(isinstance(n, ast.Constant) and n.value in names for n in ast.walk(item))
    return False


def _source(cls, name: str) -> str | None:
    value = cls.attr(name)
    source = value.kwarg("source") if isinstance(value, Call) else None
    return source.value if isinstance(source, Const) else None


def _server_set(project, serializer: str) -> frozenset[str] | None:
    """The fields every view validating client data with the serializer (not for admins
    only) sets itself; None when no such view. Through its `serializer_class`: none. A handler
    building the serializer from the request's body: those it passes to `save()`
    (`serializer.save(project_id=project_id)`), every field when it passes `**kwargs`."""
    views = [view for view in drf.serializer_views(project, serializer)
             if drf.writes(project, view) and _deserializes(project, view)]
    writers = [(v, frozenset()) for v in views] + [(v, f) for v, f, _ in direct_writers(project, serializer)]
    found = [fields for view, fields in writers if not _admins_only(project, view) and "*" not in fields]
    return frozenset.intersection(*found) if found else None


def _admins_only(project, view: str) -> bool:
    classes = drf.effective_permissions(project, view)
    return classes is not None and _ADMIN in classes and "|" not in str(classes)


_DRF_WRITES = frozenset({"create", "update", "partial_update"})
_WRITE_METHODS = frozenset({"post", "put", "patch"})


def _deserializes(project, view: str) -> bool:
    """`drf.deserializes()`, but when every route to a viewset maps its methods to actions
    (`as_view({"post": "mark_read", "patch": "partial_update"})`), only the actions routed
    for writes count: DRF's own create/update, or a handler asking `get_serializer()`. Plane's
    notification viewset is routed with POST to `mark_read` (no data read) and PATCH to a
    `partial_update` that builds its own `{"snoozed_till": ...}`: no field comes from the client."""
    handlers = _routed_writes(project, view)
    if handlers is None:
        return drf.deserializes(project, view)
    for handler in handlers:
        own = drf.defines_method(project, view, handler)
        if own is None or own is False and handler in _DRF_WRITES:
            return True
        found = method_summary(project, view, handler) if own else None
        if found is not None and (any(c.endswith(("get_serializer", "serializer_class")) for c in found[1].calls)
                                  or _hands_over_request_data(found[1])):
            return True
    return False


def _hands_over_request_data(summary) -> bool:
    """The handler passes `request.data` whole (`Serializer(obj, data=request.data)`), not
    values it picks from it (`{"snoozed_till": request.data.get("snoozed_till")}`)."""
    return any(p.param == "request" and p.chain == ("data",) for p in summary.passes)


def _routed_writes(project, view: str) -> frozenset[str] | None:
    """The actions the URL conf routes writes to, when every route to the view has an action
    map; None when unsure (no URL conf read, no route, a router, a route without a map)."""
    index = url_index(project)
    if not index.known:
        return None
    routes = [route for route in index.patterns if route.view == view]
    if not routes or any(not route.actions for route in routes):
        return None
    return frozenset(action for route in routes for method, action in route.actions
                     if method in _WRITE_METHODS and _reaches_object(project, view, route, action))


_DETAIL_WRITES = frozenset({"update", "partial_update"})


def _reaches_object(project, view: str, route, action: str) -> bool:
    """DRF's own update/partial_update get past `get_object()` on this route: the route names
    the view's lookup URL kwarg (`lookup_url_kwarg`, else `lookup_field`, else "pk"; a router's
    detail route always does), or the view overrides the action or `get_object()`. Otherwise
    DRF asserts on the missing kwarg before the serializer runs (plane's CycleIssueViewSet,
    PUT/PATCH on `.../<uuid:issue_id>/` with no lookup_field). True when unsure."""
    if action not in _DETAIL_WRITES or route.params is None:
        return True
    if any(drf.defines_method(project, view, m) is not False for m in (action, "get_object")):
        return True
    kwarg = _lookup_kwarg(project, view)
    return kwarg is None or kwarg in route.params or kwarg in route.defaults or kwarg in route.optional


def _lookup_kwarg(project, view: str) -> str | None:
    """GenericAPIView.get_object()'s `self.lookup_url_kwarg or self.lookup_field`; None when
    a value is computed or an unindexed base may set it."""
    for attr in ("lookup_url_kwarg", "lookup_field"):
        found = drf.lookup(project, view, attr)
        if not found.sure:
            return None
        if found.value is None or isinstance(found.value, Const) and found.value.value in (None, ""):
            continue
        return string(found.value)
    return "pk"
