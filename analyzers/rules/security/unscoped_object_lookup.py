"""DJE416 unscoped-object-lookup

## What it does
Finds objects of a model owned by a user or a tenant (an organisation, workspace, team,
account ...; `tenant-models` in the configuration) fetched by an id the client chose —
`Task.objects.get(pk=request.data["task"])`, `get_object_or_404(Task, pk=pk)` with a URL
parameter, `self.kwargs["pk"]`, the input of a serializer's `validate()` — from every row
of the model, while other views of the project narrow the same model to the requesting
user (`Task.objects.for_user(request.user)`, a `get_queryset()` filtering by
`self.request.user`, a selector given the user). Also finds single-object views
(`DetailView`, `UpdateView`, `DeleteView`, DRF retrieve/update/destroy) whose `model` or
`queryset` is every row of such a model, with no `get_queryset()`/`get_object()` of their
own and no object permission. Rows picked by a list of client ids
(`Task.objects.filter(id__in=request.data["ids"])`) count too when the function then
iterates them, hands them to `bulk_update()`, updates or deletes them.

A guard that checks only the URL's arguments (a permission class whose `has_permission`
reads `view.kwargs["project_id"]` or a view property reading `self.kwargs`, a decorator
whose wrapper reads `kwargs["slug"]`, with no `has_object_permission`) lets in members of
the project or workspace the URL names: a lookup under it is narrowed only when it filters by
one of those arguments (`project_id=project_id`, `workspace__slug=slug`). A helper
(`perform_create()`, `get_queryset()`) runs under the decorators of the handlers calling it.

It stays silent when the lookup is narrowed by the user (directly, through a local
queryset, by any other filter value the client did not choose, or by a configured
`authorization-helpers` name), when the function checks permissions itself (a condition
on the user, `check_object_permissions()`, `has_perm()`) or verifies a signature
(`hmac.compare_digest()`, a signed token), when a project decorator, permission class or
`dispatch()` override may check access to the object (`has_object_permission`, a call of
`get_object()`, a read of the request's body, a `dispatch()` that may refuse the request,
anything it cannot read), in views open to anonymous clients by `permission_classes =
[AllowAny]` (the id is the capability: an invitation link), for lookups by tokens, e-mail
addresses or codes (sign-in and invitation flows find their object that way on purpose), for
the user model, and for models the project never scopes anywhere (no evidence that they
should be).

## Why is this bad?
The id is all it takes: a user of organisation B sends the id of organisation A's object
and reads or changes it (broken object level authorization, the first item of the OWASP
API Security Top 10). The sibling views show that the project means these objects to be
private to their tenant.

## Example
```python
@action(detail=False, methods=["post"])
def archive(self, request):
    project = Project.objects.get(pk=request.data["project"])
```

## Use instead
```python
@action(detail=False, methods=["post"])
def archive(self, request):
    project = Project.objects.for_user(request.user).get(pk=request.data["project"])
```
The quick fix narrows the lookup with the helper the sibling views use.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
- https://docs.djangoproject.com/en/stable/topics/auth/default/#limiting-access-to-logged-in-users
- https://www.django-rest-framework.org/api-guide/filtering/#filtering-against-the-current-user
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.chains import Body
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.scoping import UserValues, bindings, calls_of, scoping_call
from django_expert.analyzers.facts.taint import Taint
from django_expert.analyzers.facts.values import Call, Ref, dotted_name
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import insert_lines, replace_checked
from django_expert.analyzers.project import drf, tenancy, url_guards
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.project.summaries import method_summary, pointer, short_name
from django_expert.analyzers.rules.registry import fixer, rule

VIEW_BASES = ("django.views.View", "django.views.generic.base.View", drf.API_VIEW)
SERIALIZER_BASES = ("rest_framework.serializers.BaseSerializer", "django.forms.forms.BaseForm")
# Calls ending a chain that fetch or change the rows the chain selects.
LOOKUPS = frozenset({"get", "first", "last", "latest", "earliest", "update", "delete", "get_or_create"})
LOOKUP_FUNCTIONS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404"})
# Serializer methods and the parameter holding the client's input.
SERIALIZER_INPUT = {"validate": "attrs", "create": "validated_data", "update": "validated_data"}
_CHECKS = ("perm", "check_", "can_", "authorize", "ensure_access", "require_",
           # a signed request (a webhook, a signed link): the signature is the authorization
           "compare_digest", "constant_time_compare", "verify", "signature", "unsign")
# Decorators that check no object access (anything else may: it is not read).
_KNOWN_DECORATORS = ("rest_framework.decorators.", "django.views.decorators.", "django.contrib.auth.decorators.",
                     "django.db.transaction.", "django.utils.decorators.method_decorator", "staticmethod",
                     "classmethod", "property", "functools.", "django.views.decorators.http.")
_HANDLERS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "list", "create", "retrieve",
                       "update", "partial_update", "destroy"})
_DRF_CALLERS = {"perform_create": ("create",), "perform_update": ("update", "partial_update"),
                "perform_destroy": ("destroy",)}
SINGLE_OBJECT = ("django.views.generic.detail.SingleObjectMixin", "rest_framework.mixins.RetrieveModelMixin",
                 "rest_framework.mixins.UpdateModelMixin", "rest_framework.mixins.DestroyModelMixin",
                 "rest_framework.generics.RetrieveAPIView", "rest_framework.generics.RetrieveUpdateAPIView",
                 "rest_framework.generics.RetrieveDestroyAPIView", "rest_framework.generics.RetrieveUpdateDestroyAPIView",
                 "rest_framework.generics.UpdateAPIView", "rest_framework.generics.DestroyAPIView")


@rule("DJE416", "unscoped-object-lookup", tier="recommended", fix=Applicability.UNSAFE,
      triggers=("get(", "get_object_or_404", "first(", "model =", "queryset =", "delete(", "update(", "__in="))
def check(ctx):
    project = ctx.project
    if project is None or ctx.is_migration or ctx.is_settings:
        return
    names = Names(ctx.facts, ctx.tree)
    configured = tuple(ctx.config.tenant_models)
    for scope in call_index(ctx.tree).functions():
        kind = _owner_kind(ctx, scope.owner)
        if kind is None and not _is_function_view(scope.function):
            continue
        yield from _lookups(ctx, names, scope, kind, configured)
    yield from _views(ctx, configured)


# -- lookups in function bodies -----------------------------------------------------------------


def _owner_kind(ctx, owner: ast.ClassDef | None) -> str | None:
    if owner is None:
        return None
    qualname = f"{ctx.module}.{owner.name}"
    if ctx.project.is_subclass(qualname, *VIEW_BASES):
        return "view"
    if ctx.project.is_subclass(qualname, *SERIALIZER_BASES):
        return "serializer"
    return None


def _is_function_view(function) -> bool:
    args = function.args.args
    return bool(args) and args[0].arg == "request"


def _client_names(function, kind: str | None) -> frozenset[str]:
    """Parameters holding client input besides request data: URL parameters of an `@action`,
    a serializer's `validate(attrs)` / `validate_<field>(value)` input."""
    params = [a.arg for a in function.args.args]
    if kind == "serializer":
        if function.name in SERIALIZER_INPUT and SERIALIZER_INPUT[function.name] in params:
            return frozenset({SERIALIZER_INPUT[function.name]})
        if function.name.startswith("validate_") and len(params) >= 2:
            return frozenset({params[1]})
        return frozenset()
    if "request" in params:
        return frozenset(params[params.index("request") + 1:])
    return frozenset()


def _lookups(ctx, names: Names, scope, kind: str | None, configured: tuple[str, ...]):
    function, owner = scope.function, scope.owner
    guarded = _guarded_arguments(ctx, names, function, owner)
    if guarded is None or (kind == "view" and _public(ctx.project, f"{ctx.module}.{owner.name}")):
        return
    user = ctx.project.model("settings.AUTH_USER_MODEL")
    user_label = user.label if user is not None else None
    body = Body(function)
    values = UserValues(function, body)
    if _checks_permission(values, body, _project_decorator_nodes(names, function)):
        return
    taint = Taint(function, names.qualify, owner, module=ctx.module, untrusted=_client_names(function, kind))
    bound = bindings(body)
    helpers = set(ctx.config.authorization_helpers)
    receivers = {id(c.func.value) for c in scope.calls if isinstance(c.func, ast.Attribute)}
    qualname = f"{ctx.module}.{owner.name + '.' if owner else ''}{function.name}"
    consumed = _consumed_rows(function)
    for call in scope.calls:
        if id(call) in receivers:
            continue
        found = _lookup(ctx, names, call) or (_rows_by_ids(ctx, names, call) if id(call) in consumed else None)
        if found is None:
            continue
        model, chain, root = found
        skipped = call.args[0] if not isinstance(call.func, ast.Attribute) else None  # get_object_or_404's rows
        arguments = [v for c in chain for v in (*c.args, *(k.value for k in c.keywords)) if v is not skipped]
        keys = [k.arg for c in chain for k in c.keywords if k.arg and _client(taint, k.value)]
        if not any(_id_like(model, key) for key in keys) \
                or any(not _client(taint, v) and not taint.constant(v) for v in arguments):
            continue  # no client-chosen id, or narrowed by a value the client did not choose
        if any(_guarded_value(k.value, guarded) for c in chain for k in c.keywords):
            continue  # narrowed to the project or workspace a guard checked (`project_id=project_id`)
        if scoping_call(values, call, bound) is not None or any(_named(c) in helpers for c in chain):
            continue
        if model.label == user_label or tenancy.owner_path(ctx.project, model, configured) is None:
            continue  # users are looked up by design (sign-in, invitations); untenanted models are public
        siblings = [s for s in tenancy.scopings(ctx.project, model) if s.function != qualname]
        if not any(s.usage and s.view for s in siblings):
            continue
        yield _report(ctx, call, function.name, owner, model, siblings, root, kind,
                      tuple(a.arg for a in function.args.args), any(k.endswith("__in") for k in keys))


def _id_like(model, key: str) -> bool:
    """A lookup key naming one object: the pk, an id, uuid or slug, or a relation's id.
    Tokens, e-mail addresses and codes are how sign-in and invitation flows find their
    object on purpose."""
    first, _, rest = key.partition("__")
    if rest and rest not in ("pk", "id", "exact", "uuid", "slug", "in", "pk__in", "id__in"):
        return False
    if first in ("pk", "id", "uuid", "slug") or first.endswith(("_id", "_pk", "_uuid", "_slug")):
        return True
    field = model.field(first)
    return field is not None and (field.many_to_one or field.one_to_one)


def _guarded_arguments(ctx, names: Names, function, owner) -> frozenset[str] | None:
    """The URL arguments the handler's guards check (`project/url_guards.py`): its project
    decorators (`@allow_permission(...)`), the view's permission classes and its `dispatch()`;
    None when one of them may check the object itself, or cannot be read."""
    view = f"{ctx.module}.{owner.name}" if owner is not None else None
    if owner is None or function.decorator_list or function.name in _HANDLERS:
        return url_guards.checked_url_arguments(ctx.project, view, _project_decorators(names, function))
    # A helper (`get_queryset()`, `perform_create()`) runs under the decorators of the
    # handlers calling it: it is narrowed by what all of them check. DRF's own `create()`
    # calling `perform_create()` checks nothing.
    callers = _callers(owner, function.name)
    found = [url_guards.checked_url_arguments(ctx.project, view, _project_decorators(names, c) if c else [])
             for c in callers]
    if not found or any(f is None for f in found):
        return None if found else url_guards.checked_url_arguments(ctx.project, view, [])
    return frozenset.intersection(*found)


def _callers(owner: ast.ClassDef, name: str) -> list:
    """The methods of `owner` running helper `name` (None: one DRF defines)."""
    methods = {m.name: m for m in owner.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if name in _DRF_CALLERS:
        return [methods.get(caller) for caller in _DRF_CALLERS[name]]
    if name.startswith("get_"):  # get_queryset(), get_object(): every handler of the class
        return [m for m in methods.values() if m.name in _HANDLERS or m.decorator_list]
    return [m for m in methods.values() if any(
        isinstance(n, ast.Attribute) and n.attr == name and isinstance(n.value, ast.Name) and n.value.id == "self"
        for n in ast.walk(m))]


def _public(project, view: str) -> bool:
    """A DRF view its authors opened to anonymous clients (`permission_classes = [AllowAny]`):
    there is no user to narrow to, the id is the capability (an invitation link, a public file)."""
    if not project.is_subclass(view, drf.API_VIEW):
        return False
    own = drf.view_permissions(project, view)
    return own.found and drf.class_names(project, own.value) == (drf.ALLOW_ANY,)


def _project_decorators(names: Names, function) -> list[str]:
    found = []
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = names.qualify(dotted_name(target) or "?")
        if not name.startswith(_KNOWN_DECORATORS):
            found.append(name)
    return found


def _guarded_value(node: ast.expr, guarded: frozenset[str]) -> bool:
    """`project_id`, `self.project_id`, `self.kwargs["slug"]`, `kwargs.get("slug")`: a URL
    argument a guard checked."""
    match node:
        case ast.Name(id=name) | ast.Attribute(value=ast.Name(id="self"), attr=name):
            return name in guarded
        case ast.Subscript(value=kwargs, slice=ast.Constant(value=name)) \
                | ast.Call(func=ast.Attribute(value=kwargs, attr="get"), args=[ast.Constant(value=name), *_]):
            return name in guarded and _kwargs(kwargs)
    return False


def _kwargs(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "kwargs") or (isinstance(node, ast.Name)
                                                                          and node.id == "kwargs")


def _project_decorator_nodes(names: Names, function) -> set[int]:
    found = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not names.qualify(dotted_name(target) or "?").startswith(_KNOWN_DECORATORS):
            found |= {id(n) for n in ast.walk(decorator)}
    return found


def _checks_permission(values: UserValues, body: Body, decorators: set[int]) -> bool:
    """The function checks access itself: a condition on the user, or a permission call (not
    a project decorator's: `_guarded_arguments` reads those)."""
    for node in body.nodes:
        if id(node) in decorators:
            continue
        if isinstance(node, (ast.If, ast.IfExp, ast.Assert, ast.While)) and values.derived(node.test, through_calls=True):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if any(part in name for part in _CHECKS) and name not in ("get_object_or_404",):
                return True
    return False


def _client(taint: Taint, node: ast.expr) -> bool:
    if taint.untrusted(node):
        return True
    match node:  # self.kwargs["pk"], self.kwargs.get("pk"): the URL's parameters
        case ast.Subscript(value=ast.Attribute(value=ast.Name(id="self"), attr="kwargs")):
            return True
        case ast.Call(func=ast.Attribute(value=ast.Attribute(value=ast.Name(id="self"), attr="kwargs"), attr="get")):
            return True
    return False


def _named(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else (dotted_name(call.func) or "")


def _lookup(ctx, names: Names, call: ast.Call):
    """(model, the chain's calls, the expression naming the rows) of a lookup on a model's
    manager (`Task.objects....get(...)`) or `get_object_or_404(Task, ...)`."""
    project = ctx.project
    if isinstance(call.func, ast.Attribute) and call.func.attr in LOOKUPS:
        chain, root = calls_of(call)
        dotted = dotted_name(root)
        model = tenancy.manager_model(project, names.qualify(dotted)) if dotted and "." in dotted else None
        if model is None:
            return None
        return model, chain, root
    name = dotted_name(call.func)
    if name is None or names.qualify(name) not in LOOKUP_FUNCTIONS or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Call):
        chain, root = calls_of(first)
        dotted = dotted_name(root)
        model = tenancy.manager_model(project, names.qualify(dotted)) if dotted else None
        return (model, [call, *chain], root) if model is not None else None
    dotted = dotted_name(first)
    model = project.model(names.qualify(dotted), ctx.module) if dotted else None
    return (model, [call], first) if model is not None else None


def _consumed_rows(function) -> set[int]:
    """Querysets whose rows the function uses: iterated (`for s in Issue.objects.filter(...)`),
    handed to `bulk_update()`, or bound to a name then iterated, bulk-updated, updated or
    deleted. Their filter fetches the rows as a `get()` would."""
    used: set[str] = set()
    direct: set[int] = set()

    def use(node):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Call):
            direct.add(id(node))

    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            use(node.iter)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "bulk_update" and node.args:
                use(node.args[0])
            elif node.func.attr in ("update", "delete") and isinstance(node.func.value, ast.Name):
                use(node.func.value)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and any(isinstance(t, ast.Name) and t.id in used for t in node.targets):
            direct.add(id(node.value))
    return direct


def _rows_by_ids(ctx, names: Names, call: ast.Call):
    """(model, chain, root) of `Issue.objects.filter(id__in=...)` and its kin: rows picked by
    a list of ids."""
    if not isinstance(call.func, ast.Attribute):
        return None
    chain, root = calls_of(call)
    if not any(k.arg and k.arg.endswith("__in") for c in chain if _named(c) == "filter" for k in c.keywords):
        return None
    dotted = dotted_name(root)
    model = tenancy.manager_model(ctx.project, names.qualify(dotted)) if dotted and "." in dotted else None
    return (model, chain, root) if model is not None else None


def _report(ctx, call, function_name, owner, model, siblings, root, kind, params, many=False):
    project = ctx.project
    sibling = _for_model(siblings, model)
    place, related = pointer(project, sibling.function, f"`{model.name}` narrowed to the requesting user here")
    owner_name = f"{owner.name}.{function_name}" if owner else function_name
    what = f"`{model.name}` rows by ids" if many else f"{_a(model.name)} by an id"
    message = (f"`{owner_name}` fetches {what} the client chose from every {model.name} of every "
               f"tenant, while `{short_name(sibling.function)}`{place} narrows `{model.name}` to the requesting user "
               f"({_how(sibling)}): another tenant's id reaches their object")
    fix = _fix_data(ctx, model, sibling, root, kind, params)
    if fix is None:
        return ctx.report(call, message, related=related)
    title, data = fix
    return ctx.report(call, message, related=related, fix_title=title, fix_data=data)


def _for_model(siblings: list[tenancy.Scoping], model) -> tenancy.Scoping:
    """The sibling a message names for `model`: preferably code named after the model."""
    usages = [s for s in siblings if s.usage and s.view]
    return min(usages, key=lambda s: (s.helper is None, not s.method, model.name not in s.function, s.function))


def _a(name: str) -> str:
    return f"an `{name}`" if name[:1] in "AEIOU" else f"a `{name}`"


def _how(sibling: tenancy.Scoping) -> str:
    if sibling.how.startswith("call:"):
        return f"`{sibling.how[5:].rpartition('.')[2]}(user)`"
    method, _, keys = sibling.how.partition(":")
    return f"`.{method}({keys}=user)`" if keys else f"`.{method}(user)`"


def _fix_data(ctx, model, sibling, root, kind, params):
    """Narrow the rows with the sibling's helper method: `Task.objects` ->
    `Task.objects.for_user(request.user)`; `get_object_or_404(Task, ...)` the same."""
    user = tenancy.user_expression(kind, params)
    text = ast.get_source_segment(ctx.text, root)
    if sibling.helper is None or user is None or not text:
        return None
    if not sibling.method:  # a selector function given the user: `administered_organizations(user)`
        module, _, name = sibling.helper.rpartition(".")
        names = Names(ctx.facts, ctx.tree)
        imports = [n for n in ctx.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        bound = names.qualify(name) == sibling.helper
        if not bound and not module:
            return None
        new = f"{name}({user})"
        after = -1 if bound else (imports[-1].end_lineno if imports else 0)
        return (f"Narrow to the requesting user with `{name}({user})`",
                (span_tuple(ctx.span(root)), text, new, f"from {module} import {name}\n", after))
    manager = model.default_manager or "objects"
    rows = text if isinstance(root, ast.Attribute) else f"{text}.{manager}"
    new = f"{rows}.{sibling.helper}({user})"
    return f"Narrow to the requesting user with `.{sibling.helper}({user})`", (span_tuple(ctx.span(root)), text, new)


# -- single-object views over every row ---------------------------------------------------------


def _views(ctx, configured):
    project = ctx.project
    for cls, qualname in ctx.classes_here(*SINGLE_OBJECT):
        if any(drf.defines_method(project, qualname, name) is not False
               for name in ("get_object", "dispatch", "filter_queryset")):
            continue
        inherited = drf.defines_method(project, qualname, "get_queryset") is not False
        if inherited and not _base_serves_every_row(project, qualname):
            continue
        model, key, value = _rows(project, qualname)
        if model is None or tenancy.owner_path(project, model, configured) is None:
            continue
        if _object_permission(project, qualname):
            continue
        siblings = [s for s in tenancy.scopings(project, model) if not s.function.startswith(f"{qualname}.")]
        if not any(s.usage and s.view for s in siblings):
            continue
        sibling = _for_model(siblings, model)
        place, related = pointer(project, sibling.function, f"`{model.name}` narrowed to the requesting user here")
        fix = _get_queryset(ctx, cls.name, model, siblings)
        yield ctx.report(
            f"{cls.name}.{key}" if ctx.locations.get(f"{cls.name}.{key}") else cls.name,
            f"`{cls.name}` serves any `{model.name}` whose id is in the URL, of every tenant, while "
            f"`{short_name(sibling.function)}`{place} narrows `{model.name}` to the requesting user ({_how(sibling)}): "
            f"define `get_queryset()` narrowed the same way",
            related=related,
            fix_title=fix[0] if fix else "",
            fix_data=("insert", *fix[1]) if fix else (),
        )


def _get_queryset(ctx, class_name: str, model, siblings):
    """A `get_queryset()` added at the end of the view, narrowing with the helper method the
    project uses for the model (`Document.objects.for_user(self.request.user)`)."""
    helper = next((s.helper for s in siblings if s.helper and s.method), None)
    node = next((n for n in ctx.tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    names = Names(ctx.facts, ctx.tree)
    if helper is None or node is None or ctx.project.classes.canonical(names.qualify(model.name)) != model.qualname:
        return None
    indent = " " * node.body[0].col_offset
    manager = model.default_manager or "objects"
    body = (f"\n{indent}def get_queryset(self):\n"
            f"{indent}    return {model.name}.{manager}.{helper}(self.request.user)\n")
    last = node.end_lineno
    return f"Add get_queryset() narrowing with `.{helper}(self.request.user)`", (last, ctx.lines.line(last - 1), body)


_EVERY_ROW_ROOTS = frozenset({"self.model.objects", "self.model._default_manager", "self.queryset"})


def _base_serves_every_row(project, qualname: str) -> bool:
    """The `get_queryset()` a view inherits from a base class of the project returns every
    row of the view's model (`return self.model.objects.all()`): each subclass that sets
    only `model` serves any row by its id."""
    found = method_summary(project, qualname, "get_queryset")
    if found is None or found[0].rpartition(".")[0] == qualname or found[1].scopes or not found[1].returns:
        return False
    for value in found[1].returns:
        while isinstance(value, Call) and value.func.startswith(".") and value.func[1:] in _UNSCOPED:
            value = value.receiver
        if isinstance(value, Call) and value.func.rpartition(".")[2] in _UNSCOPED:
            value = Ref(value.func.rpartition(".")[0])
        if not (isinstance(value, Ref) and value.name in _EVERY_ROW_ROOTS):
            return False
    return True


_UNSCOPED = frozenset({"all", "select_related", "prefetch_related", "order_by", "only", "defer", "distinct",
                       "annotate", "using"})


def _rows(project, qualname):
    queryset = drf.lookup(project, qualname, "queryset")
    if not queryset.sure:
        return None, None, None
    if queryset.found:
        model, unscoped = drf.queryset_model(project, queryset.value, queryset.owner.rpartition(".")[0])
        return (model, "queryset", queryset.value) if unscoped else (None, None, None)
    named = drf.lookup(project, qualname, "model")
    if named.found and named.sure and named.value is not None and hasattr(named.value, "name"):
        return project.model(named.value.name, named.owner.rpartition(".")[0]), "model", named.value
    return None, None, None


def _object_permission(project, qualname: str) -> bool:
    """A permission class of the project (or an unknown one) that may check the object."""
    if not project.is_subclass(qualname, drf.API_VIEW):
        return False
    classes = drf.effective_permissions(project, qualname)
    if classes is None:
        return True
    return any(not c.startswith("rest_framework.") and drf.defines_method(project, c, "has_object_permission")
               is not False for c in classes)


@fixer("DJE416")
def fix(source: FixSource, finding):
    if not finding.fix_data:
        return None
    if finding.fix_data[0] == "insert":  # a method after the class's last line, if the file still ends it there
        _, after, expected, body = finding.fix_data
        new_text = insert_lines(source.text, after, body, previous=expected)
    else:
        span, expected, new, *imported = finding.fix_data
        new_text = replace_checked(source, span, expected, new)
        if new_text is not None and imported and imported[1] >= 0:  # the helper's import, after the file's last
            new_text = insert_lines(new_text, imported[1], imported[0])
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
