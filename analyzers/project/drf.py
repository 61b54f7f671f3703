"""What a DRF view or serializer ends up with: attributes through the MRO, REST_FRAMEWORK
defaults of the settings that run in production, the HTTP methods a view accepts, and a
serializer's effective Meta and field names.

Every answer distinguishes "not set" from "cannot know": an ancestor the analyser does not
index (a third-party base) may set anything, so lookups through one come back unsure and
the rules asking stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.types import FunctionFact
from django_expert.analyzers.facts.values import Call, Const, Ref, Seq, Unknown, Value, strings

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

_DRF = "rest_framework"
API_VIEW = f"{_DRF}.views.APIView"
VIEWSET = f"{_DRF}.viewsets.ViewSetMixin"
MODEL_SERIALIZER = f"{_DRF}.serializers.ModelSerializer"
ALLOW_ANY = f"{_DRF}.permissions.AllowAny"
API_VIEW_DECORATOR = f"{_DRF}.decorators.api_view"
PERMISSION_DECORATOR = f"{_DRF}.decorators.permission_classes"
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_HANDLERS = frozenset({"get", "post", "put", "patch", "delete"})
_ACTIONS = {"list": "get", "retrieve": "get", "create": "post", "update": "put", "partial_update": "patch",
            "destroy": "delete"}
_GENERICS = {
    "ListAPIView": "get", "RetrieveAPIView": "get", "CreateAPIView": "post", "ListCreateAPIView": "get post",
    "UpdateAPIView": "put patch", "DestroyAPIView": "delete", "RetrieveUpdateAPIView": "get put patch",
    "RetrieveDestroyAPIView": "get delete", "RetrieveUpdateDestroyAPIView": "get put patch delete",
}
_MIXINS = {"ListModelMixin": "get", "RetrieveModelMixin": "get", "CreateModelMixin": "post",
           "UpdateModelMixin": "put patch", "DestroyModelMixin": "delete"}
# Bases known to set none of the attributes asked about here (DRF's defaults apply through
# them); `rest_framework.authtoken.views.ObtainAuthToken` and third-party views may set any.
_NEUTRAL = frozenset({"object", "typing.Generic", "abc.ABC"})
_NEUTRAL_DRF = tuple(f"{_DRF}.{module}." for module in (
    "views", "generics", "viewsets", "mixins", "serializers", "fields", "relations", "permissions", "pagination",
    "filters"))


@dataclass(frozen=True, slots=True)
class Lookup:
    """An attribute found through the MRO: `value` set in class `owner` (None: not set by
    any class; then DRF's default applies). `sure` is False when an unindexed base may set it."""

    value: Value | None
    owner: str | None
    sure: bool = True

    @property
    def found(self) -> bool:
        return self.owner is not None


UNSURE = Lookup(None, None, sure=False)


def _neutral(qualname: str) -> bool:
    return qualname in _NEUTRAL or qualname.startswith(("django.", *_NEUTRAL_DRF))


def lookup(project: ProjectModel, qualname: str, name: str) -> Lookup:
    """Class attribute `name` of a class, nearest first."""
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is None:
            if _neutral(ancestor):
                continue
            return UNSURE
        value = ref.fact.attr(name)
        if value is not None:
            return Lookup(value, ref.qualname)
    return Lookup(None, None)


def mro_known(project: ProjectModel, qualname: str) -> bool:
    """Whether every ancestor of the class is indexed or a Django/DRF class."""
    return all(project.resolve_class(a) is not None or _neutral(a) for a in project.mro(qualname))


def defines_method(project: ProjectModel, qualname: str, name: str) -> bool | None:
    """Whether a project class of the MRO defines method `name` (None: an unindexed base may)."""
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is None:
            if not _neutral(ancestor):
                return None
        elif ref.fact.method(name) is not None:
            return True
    return False


# -- class lists (permission_classes, DEFAULT_PERMISSION_CLASSES, ...) ---------------------------


def class_names(project: ProjectModel, value: Value | None) -> tuple[str, ...] | None:
    """Qualified class names of a list of classes (`[IsAuthenticated]`, `("app.perms.X",)`);
    None when any item is not a plain class reference (`A | B`, a call, an unknown name)."""
    if not isinstance(value, Seq):
        return None
    names = []
    for item in value.items:
        if isinstance(item, Ref):
            names.append(project.classes.canonical(item.name))
        elif isinstance(item, Const) and isinstance(item.value, str):
            names.append(project.classes.canonical(item.value))
        else:
            return None
    return tuple(names)


def is_open(classes: tuple[str, ...]) -> bool:
    """Permission classes that let anyone in: none at all, or only AllowAny."""
    return all(c == ALLOW_ANY for c in classes)


def _api_setting(value: Value | None, key: str) -> bool:
    return isinstance(value, Ref) and value.name.endswith(f"api_settings.{key}")


def view_permissions(project: ProjectModel, qualname: str) -> Lookup:
    """The view's own permission_classes (or a get_permissions override, value Unknown),
    through its MRO. Not found: DEFAULT_PERMISSION_CLASSES applies."""
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is None:
            if _neutral(ancestor):
                continue
            return UNSURE
        if ref.fact.method("get_permissions") is not None:
            return Lookup(Unknown("get_permissions"), ref.qualname)
        value = ref.fact.attr("permission_classes")
        if value is not None:
            if _api_setting(value, "DEFAULT_PERMISSION_CLASSES"):
                return Lookup(None, None)
            return Lookup(value, ref.qualname)
    return Lookup(None, None)


# -- settings ----------------------------------------------------------------------------------


def production_settings(project: ProjectModel) -> tuple[str, ...]:
    """The settings modules that run in production: those discovery judged production, else
    the project's settings module; none for a sandbox (its settings only serve tests)."""
    layout = project.layout
    if layout.kind == "sandbox":
        return ()
    if layout.production_settings:
        return layout.production_settings
    return (layout.settings_module,) if layout.settings_module else ()


def drf_setting(project: ProjectModel, module: str, key: str) -> Value | None:
    """REST_FRAMEWORK[key] in a settings module, DRF's default when not set; None when the
    module does not exist or the value is uncertain."""
    settings = project.settings(module)
    if not settings.exists:
        return None
    value = settings.rest_framework().get(key)
    return None if value is None or isinstance(value, Unknown) else value


def open_default_permissions(project: ProjectModel) -> str | None:
    """The first production settings module whose DEFAULT_PERMISSION_CLASSES lets anyone in
    (unset, empty, or AllowAny only), else None (also when uncertain)."""
    for module in production_settings(project):
        classes = class_names(project, drf_setting(project, module, "DEFAULT_PERMISSION_CLASSES"))
        if classes is not None and is_open(classes):
            return module
    return None


# -- function views -----------------------------------------------------------------------------


def _decorator(function: FunctionFact, name: str) -> Value | None:
    for decorator in function.decorators:
        if isinstance(decorator, Call) and decorator.func == name or isinstance(decorator, Ref) \
                and decorator.name == name:
            return decorator
    return None


def api_view_methods(function: FunctionFact) -> frozenset[str] | None:
    """The HTTP methods of an `@api_view` function (lower case); None when it is not one or
    the methods are not constants."""
    decorator = _decorator(function, API_VIEW_DECORATOR)
    if decorator is None:
        return None
    if isinstance(decorator, Ref):
        return frozenset({"get"})
    given = decorator.args[0] if decorator.args else decorator.kwarg("http_method_names")
    if given is None:
        return frozenset({"get"})
    names = strings(given)
    return frozenset(n.lower() for n in names) if names is not None else None


def function_permissions(project: ProjectModel, function: FunctionFact) -> Lookup:
    """The `@permission_classes([...])` of an api_view function (not found: the default)."""
    decorator = _decorator(function, PERMISSION_DECORATOR)
    if decorator is None:
        return Lookup(None, None)
    value = decorator.args[0] if isinstance(decorator, Call) and decorator.args else Unknown("decorator")
    return Lookup(value, function.name)


# -- HTTP methods of class-based views ----------------------------------------------------------


def accepted_methods(project: ProjectModel, qualname: str) -> frozenset[str] | None:
    """HTTP methods (lower case) a DRF class-based view answers; None when unsure. Extra
    `@action` routes of a viewset are not counted."""
    mro = project.mro(qualname)
    if not mro_known(project, qualname):
        return None
    viewset = VIEWSET in mro
    methods: set[str] = set()
    for ancestor in mro:
        ref = project.resolve_class(ancestor)
        if ref is not None:
            for method in ref.fact.methods:
                if method.name in _HANDLERS:
                    methods.add(method.name)
                elif viewset and method.name in _ACTIONS:
                    methods.add(_ACTIONS[method.name])
            continue
        short = ancestor.rpartition(".")[2]
        if ancestor.startswith(f"{_DRF}.generics.") and short in _GENERICS:
            methods.update(_GENERICS[short].split())
        elif viewset and ancestor.startswith(f"{_DRF}.mixins.") and short in _MIXINS:
            methods.update(_MIXINS[short].split())
    allowed = lookup(project, qualname, "http_method_names")
    if not allowed.sure:
        return None
    if allowed.found:
        names = strings(allowed.value)
        if names is None:
            return None
        methods &= {n.lower() for n in names}
    return frozenset(methods)


def is_list_endpoint(project: ProjectModel, qualname: str) -> bool:
    """A view whose GET lists a queryset through DRF's ListModelMixin."""
    mro = project.mro(qualname)
    if f"{_DRF}.mixins.ListModelMixin" not in mro:
        return False
    return VIEWSET in mro or any(f"{_DRF}.generics.{name}" in mro for name in ("ListAPIView", "ListCreateAPIView"))


# -- serializers ---------------------------------------------------------------------------------


def serializer_meta(project: ProjectModel, qualname: str) -> dict[str, Value] | None:
    """The effective `Meta` of a serializer (or form): the nearest class of the MRO that has
    one, merged over its `class Meta(Base.Meta)` bases. None when unsure."""
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is None:
            if _neutral(ancestor):
                continue
            return None
        if ref.fact.meta is not None:
            return _meta_of(project, ref.fact.meta, ref.fact.meta_bases, depth=0)
    return {}


def _meta_of(project: ProjectModel, own, bases: tuple[str, ...], depth: int) -> dict[str, Value] | None:
    merged: dict[str, Value] = {}
    for base in reversed(bases):
        owner, _, attr = base.rpartition(".")
        ref = project.resolve_class(owner) if attr == "Meta" and depth < 8 else None
        if ref is None or ref.fact.meta is None:
            if base == "object":
                continue
            return None
        inherited = _meta_of(project, ref.fact.meta, ref.fact.meta_bases, depth + 1)
        if inherited is None:
            return None
        merged.update(inherited)
    merged.update(dict(own))
    return merged


def meta_model(project: ProjectModel, qualname: str, meta: dict[str, Value]) -> ModelInfo | None:
    """The model `Meta.model` names, resolved from the module that wrote it."""
    value = meta.get("model")
    if not isinstance(value, Ref):
        return None
    return project.model(value.name, qualname.rpartition(".")[0])


def declared_fields(project: ProjectModel, serializer: str) -> dict[str, Value] | None:
    """Serializer fields declared as class attributes, base classes first (DRF's order), with
    the call that declares them. None when an unindexed base may declare more."""
    if not mro_known(project, serializer):
        return None
    names: dict[str, Value] = {}
    for qualname in reversed(project.mro(serializer)):
        ref = project.resolve_class(qualname)
        if ref is None:
            continue
        for name, value in ref.fact.attrs:
            func = getattr(value, "func", "")
            if func.startswith(f"{_DRF}.") or _is_serializer_field(project, func):
                names.pop(name, None)
                names[name] = value
    return names


def _is_serializer_field(project: ProjectModel, func: str) -> bool:
    return bool(func) and not func.startswith(".") and project.is_subclass(
        func, f"{_DRF}.serializers.BaseSerializer", f"{_DRF}.fields.Field")


def model_fields_known(project: ProjectModel, model: ModelInfo) -> bool:
    """Whether the analyser knows every field of the model: each ancestor is indexed (or
    Django's), and every call assigned in their bodies is a field or manager it recognised
    (a third-party `tags = TaggableManager()` is a field Django sees and the analyser does not)."""
    if not mro_known(project, model.qualname):
        return False
    for ancestor in project.mro(model.qualname):
        ref = project.resolve_class(ancestor)
        for name, value in ref.fact.attrs if ref is not None else ():
            if not isinstance(value, Call):
                continue
            field = model.field(name)
            if field is not None and not field.inferred or name in model.managers:
                continue
            if not _plain_object(project, value.func):
                return False
    return True


def _plain_object(project: ProjectModel, func: str) -> bool:
    """A call that cannot make a model field the analyser missed: Django's own callables (its
    fields are all known) and project classes whose ancestry is known."""
    if func.startswith("django."):
        return True
    return project.resolve_class(func) is not None and mro_known(project, func)


def default_field_names(project: ProjectModel, serializer: str, model: ModelInfo) -> list[str] | None:
    """The names a ModelSerializer uses for `"__all__"`: pk, declared fields, concrete
    non-relation fields, then forward relations (FK/O2O, then many-to-many). None when a
    field may be missing from what the analyser knows."""
    if not model_fields_known(project, model):
        return None
    pk = next((f for f in model.fields if f.primary_key), None)
    while pk is not None and pk.auto_created and pk.one_to_one:  # a multi-table child's parent link
        parent = project.model(pk.related_model) if pk.related_model else None
        pk = next((f for f in parent.fields if f.primary_key), None) if parent else None
    if pk is None:
        return None
    declared = declared_fields(project, serializer)
    if declared is None:
        return None
    serializable = [f for f in model.fields if not f.primary_key and not (f.auto_created and f.one_to_one)]
    plain = [f.name for f in serializable if not f.is_relation]
    forward = [f.name for f in serializable if f.is_relation and not f.many_to_many]
    many = [f.name for f in serializable if f.many_to_many]
    return list(dict.fromkeys([pk.name, *declared, *plain, *forward, *many]))


def serializer_field_names(project: ProjectModel, serializer: str, meta: dict[str, Value],
                           model: ModelInfo) -> list[str] | None:
    """The field names a ModelSerializer ends up with (`fields`, `"__all__"` or `exclude`)."""
    fields, exclude = meta.get("fields"), meta.get("exclude")
    if fields == Const("__all__") or fields is None and exclude is not None:
        names = default_field_names(project, serializer, model)
        if names is None:
            return None
        if exclude is not None:
            excluded = strings(exclude)
            if excluded is None:
                return None
            names = [n for n in names if n not in excluded]
        return names
    listed = strings(fields)
    return list(listed) if listed is not None else None


def serializer_views(project: ProjectModel, serializer: str) -> list[str]:
    """Project DRF views whose `serializer_class` (or single-return `get_serializer_class`)
    is this serializer."""
    target = project.classes.canonical(serializer)
    views = []
    for ref in project.all_classes():
        values = [ref.fact.attr("serializer_class")]
        method = ref.fact.method("get_serializer_class")
        if method is not None:
            values.append(method.returns)
        for value in values:
            if isinstance(value, Ref) and canonical_in(project, ref.module, value.name) == target:
                views.append(ref.qualname)
                break
    return views


def canonical_in(project: ProjectModel, module: str, name: str) -> str:
    """The canonical class a name written in `module` denotes (a bare name is the module's own)."""
    if "." not in name:
        name = f"{module}.{name}"
    return project.classes.canonical(name)


# -- querysets -----------------------------------------------------------------------------------

# QuerySet methods that neither narrow nor scope the rows a view serves.
_UNSCOPED_METHODS = frozenset({"all", "select_related", "prefetch_related", "order_by", "only", "defer",
                               "annotate", "distinct", "using"})


def queryset_model(project: ProjectModel, value: Value | None, module: str) -> tuple[ModelInfo | None, bool]:
    """The model a class-level `queryset = Model.objects....` reads, and whether the chain
    keeps every row (`.all()`, `.select_related()`, `.order_by()`... but no `.filter()`)."""
    unscoped = True
    while isinstance(value, Call) and value.func.startswith("."):
        unscoped &= value.func[1:] in _UNSCOPED_METHODS
        value = value.receiver
    if isinstance(value, Call):
        head, _, method = value.func.rpartition(".")
        unscoped &= method in _UNSCOPED_METHODS
    elif isinstance(value, Ref):
        head = value.name
    else:
        return None, False
    owner, _, manager = head.rpartition(".")
    model = project.model(owner, module) if owner else None
    if model is None or manager not in model.managers:
        return None, False
    return model, unscoped


# Filter backends that narrow by query parameters, never by the requesting user.
NOT_SCOPING = frozenset({"rest_framework.filters.SearchFilter", "rest_framework.filters.OrderingFilter",
                         "django_filters.rest_framework.DjangoFilterBackend",
                         "django_filters.rest_framework.backends.DjangoFilterBackend"})
_ROW_OVERRIDES = ("get_queryset", "get_object", "filter_queryset")


def serves_every_row(project: ProjectModel, qualname: str) -> bool:
    """A view that neither overrides how it selects rows (`get_queryset()`, `get_object()`,
    `filter_queryset()`) nor has a filter backend that may narrow them by the user (its own,
    or the production default); False when unsure."""
    if any(defines_method(project, qualname, name) is not False for name in _ROW_OVERRIDES):
        return False
    backends = lookup(project, qualname, "filter_backends")
    if not backends.sure:
        return False
    if backends.found:
        names = class_names(project, backends.value)
        return names is not None and set(names) <= NOT_SCOPING
    for module in production_settings(project):
        names = class_names(project, drf_setting(project, module, "DEFAULT_FILTER_BACKENDS"))
        if names is None or not set(names) <= NOT_SCOPING:
            return False
    return bool(production_settings(project))


# -- who may write through a serializer ------------------------------------------------------------

_WEAK_PERMISSIONS = frozenset({ALLOW_ANY, f"{_DRF}.permissions.IsAuthenticated",
                               f"{_DRF}.permissions.IsAuthenticatedOrReadOnly"})
_READ_ONLY_FIELDS = frozenset({"ReadOnlyField", "HiddenField", "SerializerMethodField", "HyperlinkedIdentityField"})


def effective_permissions(project: ProjectModel, qualname: str) -> tuple[str, ...] | None:
    """The permission classes a view runs with in production: its own, else the default of
    every production settings module when they agree; None when unsure."""
    own = view_permissions(project, qualname)
    if not own.sure:
        return None
    if own.found:
        return class_names(project, own.value)
    defaults = {class_names(project, drf_setting(project, module, "DEFAULT_PERMISSION_CLASSES"))
                for module in production_settings(project)}
    return defaults.pop() if len(defaults) == 1 else None


def weak_permissions(classes: tuple[str, ...] | None) -> bool:
    """Only AllowAny / IsAuthenticated / IsAuthenticatedOrReadOnly: any signed-up user gets in."""
    return classes is not None and all(c in _WEAK_PERMISSIONS for c in classes)


def writes(project: ProjectModel, view: str) -> bool | None:
    """Whether a view accepts unsafe methods (None: unsure)."""
    methods = accepted_methods(project, view)
    return None if methods is None else bool(methods & UNSAFE_METHODS)


def declared_writable(value: Value) -> bool | None:
    """Whether a declared serializer field accepts input (None: a class we do not know)."""
    if not isinstance(value, Call) or not value.func.startswith(f"{_DRF}."):
        return None
    if value.func.rpartition(".")[2] in _READ_ONLY_FIELDS or value.kwarg("read_only") == Const(True):
        return False
    read_only = value.kwarg("read_only")
    return None if read_only is not None and not isinstance(read_only, Const) else True


OWNER_NAMES = frozenset({"user", "owner", "author", "creator", "created_by", "customer", "uploaded_by", "posted_by",
                         "submitted_by", "added_by", "updated_by", "modified_by"})


def owner_fields(project: ProjectModel, model: ModelInfo) -> list[str]:
    """Foreign keys (or one-to-ones) of `model` to the user model named like an owner."""
    user = project.model("settings.AUTH_USER_MODEL")
    if user is None:
        return []
    return [f.name for f in model.fields if f.name in OWNER_NAMES and (f.many_to_one or f.one_to_one)
            and f.related_model == user.label]


# -- what a view runs with: permissions spelled out, authentication, throttles ---------------------

SESSION_AUTHENTICATION = f"{_DRF}.authentication.SessionAuthentication"
OBTAIN_AUTH_TOKEN = f"{_DRF}.authtoken.views.ObtainAuthToken"


def permission_text(value: Value) -> str:
    """A permission_classes entry as written: `IsAuthenticated & (IsOwner | IsAdminUser)`."""
    from django_expert.analyzers.facts.values import BinOp

    if isinstance(value, Ref):
        return value.name.rpartition(".")[2]
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value.rpartition(".")[2]
    if isinstance(value, BinOp) and value.op in "|&":
        def side(part: Value) -> str:
            text = permission_text(part)
            return f"({text})" if isinstance(part, BinOp) and part.op != value.op else text
        return f"{side(value.left)} {value.op} {side(value.right)}"
    return "?"


def does_nothing(function) -> bool:
    """An ast function whose body is only a docstring, `pass`, `...`, `return` or `return
    None` (an `enforce_csrf` override that skips the check). Asked of the tree, because a
    summary keeps nothing of a call it cannot name (`super().enforce_csrf(request)`)."""
    import ast

    for statement in function.body:
        match statement:
            case ast.Pass() | ast.Expr(value=ast.Constant()):
                continue
            case ast.Return(value=None) | ast.Return(value=ast.Constant(value=None)):
                continue
        return False
    return True


def authentication_users(project: ProjectModel, qualname: str) -> list[str]:
    """Views whose `authentication_classes` name the class, and production settings modules
    whose DEFAULT_AUTHENTICATION_CLASSES do."""
    target = project.classes.canonical(qualname)
    users = []
    for ref in project.all_classes():
        value = ref.fact.attr("authentication_classes")
        names = class_names(project, value) if value is not None else None
        if names and target in names:
            users.append(ref.qualname)
    for module in production_settings(project):
        names = class_names(project, drf_setting(project, module, "DEFAULT_AUTHENTICATION_CLASSES"))
        if names and target in names:
            users.append(module)
    return users


def _production_default(project: ProjectModel, key: str) -> tuple[str, ...] | None:
    """A REST_FRAMEWORK default all production settings agree on (None: unsure or none)."""
    found = {class_names(project, drf_setting(project, module, key)) for module in production_settings(project)}
    return found.pop() if len(found) == 1 else None


def effective_authentication(project: ProjectModel, qualname: str) -> tuple[tuple[str, ...] | None, bool]:
    """(authentication classes, whether they are the production default) of a view."""
    own = lookup(project, qualname, "authentication_classes")
    if not own.sure:
        return None, False
    if own.found:
        return class_names(project, own.value), False
    return _production_default(project, "DEFAULT_AUTHENTICATION_CLASSES"), True


def effective_throttles(project: ProjectModel, qualname: str) -> tuple[tuple[str, ...] | None, bool]:
    """(throttle classes, whether they are the production default) of a view. DRF's
    ObtainAuthToken sets `throttle_classes = ()`: its subclasses run none unless they set some."""
    own = lookup(project, qualname, "throttle_classes")
    if not own.sure:
        for ancestor in project.mro(qualname):
            ref = project.resolve_class(ancestor)
            if ref is not None and ref.fact.attr("throttle_classes") is not None:
                return None, False
            if ancestor == OBTAIN_AUTH_TOKEN:
                return (), False
        return None, False
    if own.found:
        return class_names(project, own.value), False
    return _production_default(project, "DEFAULT_THROTTLE_CLASSES"), True


_WRITE_HANDLERS = {"post": ("create",), "put": ("update",), "patch": ("partial_update", "update")}


def deserializes(project: ProjectModel, view: str) -> bool:
    """Whether a view that accepts writes validates client data with its serializer: DRF's
    own create/update handle them, or the project's handler asks `self.get_serializer(...)`.
    A view whose handlers are written by hand and build their own data (or none) does not."""
    from django_expert.analyzers.project.summaries import method_summary

    methods = accepted_methods(project, view) or frozenset()
    for http in methods & UNSAFE_METHODS - {"delete"}:
        handlers = (*_WRITE_HANDLERS.get(http, ()), http)
        own = [h for h in handlers if defines_method(project, view, h) is not False]
        if not own and any(h in _ACTIONS for h in handlers):
            return True  # DRF's mixin handles it: serializer(data=request.data)
        for handler in own:
            found = method_summary(project, view, handler)
            if found is not None and any(c.endswith(("get_serializer", "serializer_class")) for c in found[1].calls):
                return True
    return False
