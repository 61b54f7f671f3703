"""DJE303 serializer-writable-sensitive-field

## What it does
Finds DRF `ModelSerializer`s that let clients write what only the server should set:
- the privilege fields of the user model (`is_staff`, `is_superuser`, `is_active`,
  `groups`, `user_permissions`), also under another name (`admin = BooleanField(source="is_staff")`);
- the user who owns an object (a foreign key to the user model named `user`, `owner`,
  `author`, `created_by`, ...);
and user serializers that return `password` (the password hash) because it is not
`write_only`.

Privilege and owner fields are reported when a view naming the serializer
(`serializer_class`) accepts writes with a permission any signed-up user passes
(`AllowAny`, `IsAuthenticated`, `IsAuthenticatedOrReadOnly`) and validates client data with
it (DRF's create/update, or a handler calling `get_serializer()`); a serializer only admins
or object permissions reach, or only read or rendered, is left alone, and so is a view that
sets the owner itself in `perform_create`/`perform_update` (or on `save()` of a serializer
its handler builds from the request's body), and an audit field (`created_by`,
`updated_by`, ...) of a model whose `save()` the project overrides (where such fields are
filled from the current user), unless that `save()` sets the field only on a new row
(`if self._state.adding:`) while the project grants access by that field (a query narrowing
the model by `created_by=<user>`): an update keeps what the client sent. Owner fields are also
reported behind a permission class that checks only the tenant the URL names (any member
passes it, and may then write in another member's name), and when a handler builds the
serializer from the request's body (`IssueSerializer(issue, data=request.data)`). The
password is reported whatever the views: every response the serializer renders carries the
hash.

## Why is this bad?
Mass assignment: a client adds `"is_staff": true` to the body of a profile update and
becomes staff, or posts `"owner": 42` and creates objects in someone else's name. Returning
the password hash hands attackers something to crack offline.

## Example
```python
class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "password", "is_staff"]
```

## Use instead
```python
class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "password", "is_staff"]
        read_only_fields = ["is_staff"]
        extra_kwargs = {"password": {"write_only": True}}
```
The fix adds the field to `read_only_fields`, or `password` to `extra_kwargs` as
`write_only`; it changes the API, so it is offered as an unsafe fix.

## References
- https://www.django-rest-framework.org/api-guide/serializers/#specifying-read-only-fields
- https://www.django-rest-framework.org/api-guide/serializers/#additional-keyword-arguments
- https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import Const, Mapping, strings
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import add_meta_dict_entry, add_to_meta_list
from django_expert.analyzers.project import drf, tenancy, url_guards
from django_expert.analyzers.project.serializer_writers import direct_writers
from django_expert.analyzers.project.summaries import summary_fact
from django_expert.analyzers.project.update_routes import updates_routed
from django_expert.analyzers.rules.registry import fixer, rule

PRIVILEGES = {
    "is_staff": "a client can make itself staff",
    "is_superuser": "a client can make itself superuser",
    "is_active": "a client can reactivate a disabled account",
    "groups": "a client can join any group, and get its permissions",
    "user_permissions": "a client can give itself any permission",
}
BASE_USER = "django.contrib.auth.base_user.AbstractBaseUser"
# Audit columns a model's own save() usually fills from the current user (django-crum & co.).
AUDIT_FIELDS = frozenset({"created_by", "updated_by", "modified_by", "creator", "added_by"})
SAVE_HOOKS = ("perform_create", "perform_update")


@rule("DJE303", "serializer-writable-sensitive-field", tier="recommended", fix=Applicability.UNSAFE, triggers=("Meta",))
def check(ctx):
    project = ctx.project
    for cls, qualname in ctx.classes_here(drf.MODEL_SERIALIZER):
        meta = drf.serializer_meta(project, qualname)
        model = drf.meta_model(project, qualname, meta) if meta else None
        names = drf.serializer_field_names(project, qualname, meta, model) if model else None
        declared = drf.declared_fields(project, qualname) if names else None
        options = _options(meta) if declared is not None else None
        if options is None:
            continue
        read_only, extra = options
        owners = drf.owner_fields(project, model)
        is_user = BASE_USER in project.mro(model.qualname)
        where = f"{cls.name}.Meta.fields" if cls.meta_attr("fields") is not None else cls.name
        for name in names:
            source = _source(declared.get(name))
            field = model.field(source or name)
            if name in declared:
                writable = drf.declared_writable(declared[name])
                write_only = declared[name].kwarg("write_only") == Const(True)
            else:
                writable = field is not None and name not in read_only and not _extra(extra, name, "read_only") \
                    and field.options.get("editable") != Const(False)
                write_only = _extra(extra, name, "write_only")
            if is_user and name == "password" and not write_only and (field is not None and name not in declared or (
                    name in declared and drf.serializer_views(project, qualname))):  # a declared input renders only
                # when a view answers with this serializer (an input-only one validates a body: W7 on baserow)
                yield ctx.report(where, f"`{cls.name}` returns `password` of `{model.name}` (the password hash) in "
                                        f"its responses: make it write_only",
                                 fix_title=_title(cls, name in declared, "extra_kwargs"),
                                 fix_data=(cls.name, "write_only", name))
            if not writable:
                continue
            target = source or name
            saved = _saved_by_model(project, model, target) if target in AUDIT_FIELDS else None
            owner = target in owners and (saved is None or saved is False and _grants_access(project, model, target)) \
                and target not in _validate_sets(ctx.tree, cls.name)
            if (is_user and target in PRIVILEGES or owner) \
                    and _reachable_by_users(project, qualname, owner, target, updates=saved is False):
                risk = PRIVILEGES[target] if not owner else \
                    f"a client can create or move a `{model.name}` into another user's name"
                shown = f"`{name}` (`{target}`)" if source else f"`{name}`"
                own = f"{cls.name}.{name}"  # a field declared here is reported at its declaration
                yield ctx.report(own if name in declared and ctx.locations.get(own) else where, f"`{cls.name}` lets clients write {shown} of `{model.name}`: {risk}; make it "
                                        f"read-only", fix_title=_title(cls, name in declared, "read_only_fields"),
                                 fix_data=(cls.name, "read_only", name))


def _source(declared) -> str | None:
    """The model attribute a declared field writes when renamed: `BooleanField(source="is_staff")`."""
    value = declared.kwarg("source") if declared is not None and hasattr(declared, "kwarg") else None
    return value.value if isinstance(value, Const) and isinstance(value.value, str) and "." not in value.value \
        and value.value != "*" else None


def _options(meta):
    """(read_only_fields, extra_kwargs) of a Meta, None when they are not literals."""
    read_only = meta.get("read_only_fields")
    extra = meta.get("extra_kwargs")
    names = strings(read_only) if read_only is not None else ()
    if names is None or extra is not None and not isinstance(extra, Mapping):
        return None
    return set(names), extra


def _extra(extra, name: str, option: str) -> bool:
    entry = extra.get(name) if extra is not None else None
    return isinstance(entry, Mapping) and entry.get(option) == Const(True)


def _reachable_by_users(project, serializer: str, owner: bool, field: str, updates: bool = False) -> bool:
    """Some view validates client data with the serializer with a permission any user
    passes (and, for an owner field, without setting it itself), or, for an owner field,
    one any member of the tenant the URL names passes: members then write in each other's
    names. A handler building the serializer from the request's body counts too, unless it
    sets the field on `save()`. With `updates`, only views changing existing objects count
    (the model's `save()` sets the field on a new row)."""
    for view in drf.serializer_views(project, serializer):
        if not drf.writes(project, view) or not drf.deserializes(project, view) \
                or not _open_to(project, view, owner):
            continue
        if updates and not updates_routed(project, view):
            continue
        if owner and any(drf.defines_method(project, view, m) is not False for m in SAVE_HOOKS):
            continue
        return True
    return any(field not in fields and "*" not in fields and (update or not updates) and _open_to(project, view, owner)
               for view, fields, update in direct_writers(project, serializer))


def _open_to(project, view: str, owner: bool) -> bool:
    """Any signed-up user passes the view's permissions; for an owner field, also permission
    classes of the project that check only the URL's tenant (plane's ProjectEntityPermission)."""
    classes = drf.effective_permissions(project, view)
    if drf.weak_permissions(classes):
        return True
    if not owner or classes is None or any(c.startswith("rest_framework.") and not drf.weak_permissions((c,))
                                           for c in classes):
        return False
    return url_guards.checked_url_arguments(project, view, []) is not None


def _validate_sets(tree: ast.Module, class_name: str) -> set[str]:
    """Keys the serializer's own `validate()` assigns (`data["user"] = authenticated_user`):
    the server's value replaces the client's (netbox's TokenProvisionSerializer)."""
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    methods = node.body if node is not None else []
    method = next((m for m in methods if isinstance(m, ast.FunctionDef) and m.name == "validate"), None)
    return {t.slice.value for n in ast.walk(method) if isinstance(n, ast.Assign) for t in n.targets
            if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)} if method else set()


def _grants_access(project, model, field: str) -> bool:
    """The project narrows the model to the requesting user by this field somewhere
    (`Issue.objects.filter(created_by=request.user, pk=pk)`): who created a row decides who
    may change it, so rewriting the creator on an update is a privilege, not a label."""
    return any(field in scoping.how.partition(":")[2].split(",") for scoping in tenancy.scopings(project, model))


def _saved_by_model(project, model, field: str) -> bool | None:
    """True when the model (or an abstract base of the project) overrides save(), where
    audit fields are usually set from the current user whatever the client sends; False
    when a save() of the model sets the field only on a new row (`if self._state.adding:`,
    `facts/creation_only.py`): an update keeps the client's value; None without save()."""
    if drf.defines_method(project, model.qualname, "save") is False:
        return None
    for ancestor in project.mro(model.qualname):
        ref = project.resolve_class(ancestor)
        if ref is None or ref.fact.method("save") is None:
            continue
        found = summary_fact(project, f"{ref.qualname}.save")
        if found is not None and field in found.creation_only:
            return False
    return True


def _title(cls, declared: bool, option: str) -> str:
    """The fix edits this class's own Meta: not for a declared field, nor when the option may
    come from a `class Meta(Base.Meta)` base."""
    if declared or cls.meta is None or (cls.meta_bases and cls.meta_attr(option) is None):
        return ""
    return "Make it write_only" if option == "extra_kwargs" else "Add it to read_only_fields"


@fixer("DJE303")
def fix(source: FixSource, finding):
    class_name, action, name = finding.fix_data
    if action == "read_only":
        new_text = add_to_meta_list(source, class_name, "read_only_fields", name)
    else:
        new_text = add_meta_dict_entry(source, class_name, "extra_kwargs", name, '{"write_only": True}')
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
