"""What one project declares, as the engagement reads it from the engine's facts: views,
serializers, URL routes, background tasks, templates, entry points.

Everything comes from FileFacts and the ProjectModel (nothing is imported or run), through
the same project queries the rules ask: the URL index of `navigation/urls.py`, the task
notion of `project/tasks.py`, the test-module notion of `project/query_source.py`. A few
questions facts do not answer (does a function view render a template? where is a task
enqueued or scheduled?) are answered by parsing only the files whose text mentions the
call, read as Python reads them (`files.read_source`).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django_expert.analyzers.facts.values import Call, Const, Ref, Seq, Value, string, strings
from django_expert.analyzers import files as source_files
from django_expert.analyzers.navigation.urls import Route as UrlRoute
from django_expert.analyzers.project import drf
from django_expert.analyzers.project import tasks as task_index
from django_expert.analyzers.project.query_source import is_test_module as is_test_path
from django_expert.analyzers.project.summaries import method_summary
from django_expert.analyzers.navigation.urls import url_index
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.source import text_lines

DRF_VIEW = "rest_framework.views.APIView"
DRF_GENERIC = "rest_framework.generics.GenericAPIView"
DRF_VIEWSET = "rest_framework.viewsets.ViewSetMixin"
DJANGO_VIEW = "django.views.View"
SERIALIZER = "rest_framework.serializers.BaseSerializer"
TEMPLATE_VIEWS = ("django.views.generic.TemplateView", "django.views.generic.ListView",
                  "django.views.generic.DetailView", "django.views.generic.CreateView",
                  "django.views.generic.UpdateView", "django.views.generic.DeleteView",
                  "django.views.generic.FormView")
_AUTH_MIXINS = ("LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "AccessMixin")
_AUTH_DECORATORS = ("login_required", "permission_required", "user_passes_test", "staff_member_required",
                    "superuser_required")
_RENDER_CALLS = ("render", "render_to_response", "TemplateResponse", "render_to_string")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", "env",
              "site-packages", "build", "dist", ".django-expert", "claudedocs", "staticfiles"}
_MAX_PARSE_BYTES = 2_000_000
_HEALTH = re.compile(r"health|healthz|readyz|livez|liveness|readiness|\bping\b|heartbeat|watchman", re.IGNORECASE)
_PUBLIC = re.compile(r"log_?in|sign_?in|sign_?up|register|password|passwd|reset|forgot|obtain|auth_?token|"
                     r"token_?(?:auth|obtain|refresh|verify)|jwt|verify_?email|activate|oauth", re.IGNORECASE)
_PUBLIC_VIEWS = ("rest_framework.authtoken.views.ObtainAuthToken", "django.contrib.auth.views.LoginView",
                 "django.contrib.auth.views.PasswordResetView", "django.contrib.auth.views.PasswordResetConfirmView",
                 "rest_framework_simplejwt.views.TokenViewBase", "rest_framework_simplejwt.views.TokenObtainPairView",
                 "rest_framework_simplejwt.views.TokenRefreshView")
_SETTINGS_ASSIGNMENT = re.compile(r"""["']DJANGO_SETTINGS_MODULE["']\s*[,:]\s*["']([A-Za-z_][\w.]*)["']""")


def short(name: str | None) -> str:
    return name.rpartition(".")[2] if name else ""


def is_test_module(module: str) -> bool:
    """Test code, by the notion the rules use (`query_source.is_test_module`), for a dotted
    module name whose file is not at hand."""
    return is_test_path(module.replace(".", "/") + ".py")


@dataclass
class Place:
    """Where something is declared: module, path relative to the project root, 1-based line."""

    module: str
    path: str
    line: int

    def to_dict(self) -> dict:
        return {"module": self.module, "path": self.path, "line": self.line}


@dataclass
class QuerysetInfo:
    model: str | None  # model label
    methods: tuple[str, ...]  # ORM methods in the chain ("filter", "select_related", ...)
    source: str  # "queryset" | "get_queryset" | "model"

    @property
    def optimised(self) -> bool:
        return "select_related" in self.methods or "prefetch_related" in self.methods


@dataclass
class SerializerInfo:
    name: str
    qualname: str
    place: Place
    model: str | None  # label
    all_fields: bool
    exclude: bool
    fields: tuple[str, ...] | None
    nested: tuple[tuple[str, str], ...]  # (field name, serializer qualname)
    method_fields: tuple[str, ...]
    read_only_fields: tuple[str, ...] | None


@dataclass
class ViewInfo:
    name: str
    qualname: str
    place: Place
    kind: str  # drf-viewset | drf-generic | drf-apiview | drf-function | django-class | django-function
    is_async: bool = False
    async_methods: tuple[str, ...] = ()
    serializer: str | None = None  # qualname
    queryset: QuerysetInfo | None = None
    model: str | None = None  # label
    permissions: tuple[str, ...] = ()
    permissions_source: str = ""  # view | default | decorator | mixin | custom | none | unknown
    pagination: str = ""
    throttling: str = ""
    authentication: str = ""  # "SessionAuthentication, TokenAuthentication (default)", "n/a" for Django views
    scoping: str = ""  # how its rows are narrowed to the requesting user ("for_user(user)", "every row", "—")
    renders_template: bool = False
    lookup: str | None = None

    @property
    def is_drf(self) -> bool:
        return self.kind.startswith("drf")

    @property
    def open_to_anyone(self) -> bool:
        """Effective permission is AllowAny (written or DRF's default) for a DRF view."""
        return self.is_drf and self.permissions_source in ("view", "default", "decorator") and \
            (not self.permissions or set(self.permissions) == {"AllowAny"})


@dataclass
class Route:
    pattern: str
    kind: str  # view | router | admin | include | unknown
    view: str | None  # qualname of the view (function or class)
    name: str | None
    place: Place | None
    note: str = ""
    namespace: str = ""
    actions: tuple[tuple[str, str], ...] = ()  # (HTTP method, viewset action): routers, as_view({...})

    @property
    def url_name(self) -> str | None:
        """The name `reverse()` takes (namespaced), for a routed view with a name."""
        if not self.name:
            return None
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


@dataclass
class TaskInfo:
    name: str
    qualname: str
    place: Place
    framework: str  # celery | rq | dramatiq | huey
    options: tuple[str, ...]
    enqueued: list[dict] = field(default_factory=list)  # {"path", "line", "in", "transaction"}
    scheduled: list[dict] = field(default_factory=list)  # {"path", "line", "how"}: beat, periodic_task


class Inventory:
    """Derived, read-only knowledge about one project of an engine."""

    def __init__(self, engine, project_state) -> None:
        self.engine = engine
        self.state = project_state
        self.layout = project_state.layout
        self.model = project_state.model
        self.root = Path(self.layout.root)

    def apps(self):
        """The project's apps: INSTALLED_APPS of its settings; for code without settings (a
        library, a reusable app) the apps its packages show."""
        if self.layout.settings_module is None:  # the apps of its own code, not of the libraries it uses
            return tuple(app for app in self.model.inferred_apps()
                         if app.path is not None and Path(app.path).is_relative_to(self.root))
        return self.model.apps()

    # -- files ------------------------------------------------------------------------------

    @cached_property
    def files(self) -> dict[str, object]:
        """module -> FileState of the project's own Python files (no libraries)."""
        return {module: state for module, state in sorted(self.state.files.items())
                if not state.library and state.facts is not None and state.path.suffix == ".py"}

    def place(self, module: str, key: str | None = None) -> Place:
        state = self.files.get(module)
        path = state.path if state is not None else self.model.path_of(module)
        relative = _relative(path, self.root) if path is not None else module.replace(".", "/") + ".py"
        line = 1
        if key is not None:
            span = self.model.locations_of(module).get(key)
            if span is not None:
                line = span.start.line + 1
        return Place(module, relative, line)

    def is_test(self, module: str) -> bool:
        """Test code, as the rules see it (`query_source.is_test_module` on the file's path)."""
        return is_test_path(self.place(module).path)

    @cached_property
    def test_modules(self) -> tuple[str, ...]:
        """The project's test modules: the files the rules treat as tests."""
        return tuple(module for module in self.files if self.is_test(module))

    def _text(self, module: str) -> str | None:
        """The file's text as the engine read it, else as Python decodes it; None when it
        cannot be read or decoded (the engine reported it as DJE000)."""
        state = self.files.get(module)
        if state is None:
            return None
        if state.text is not None:
            return state.text
        try:
            return source_files.read_source(state.path, _MAX_PARSE_BYTES)
        except (OSError, ValueError):
            return None

    def _tree(self, module: str) -> ast.Module | None:
        text = self._text(module)
        if text is None:
            return None
        try:
            return parse_module(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    # -- classes ----------------------------------------------------------------------------

    def _mro(self, qualname: str) -> tuple[str, ...]:
        return self.model.classes.mro(qualname)

    def _class_attr(self, qualname: str, name: str) -> tuple[Value | None, str | None]:
        """A class attribute through the indexed MRO: (value, qualname of the defining class)."""
        for ancestor in self._mro(qualname):
            ref = self.model.classes.resolve(ancestor)
            if ref is not None:
                value = ref.fact.attr(name)
                if value is not None:
                    return value, ref.qualname
        return None, None

    def _class_method(self, qualname: str, name: str):
        for ancestor in self._mro(qualname):
            ref = self.model.classes.resolve(ancestor)
            if ref is not None and ref.fact.method(name) is not None:
                return ref.fact.method(name), ref.qualname
        return None, None

    def _model_label(self, name: str | None, module: str) -> str | None:
        if not name:
            return None
        info = self.model.model(name, module)
        return info.label if info is not None else None

    # -- serializers ------------------------------------------------------------------------

    @cached_property
    def serializers(self) -> dict[str, SerializerInfo]:
        found: dict[str, SerializerInfo] = {}
        for module, state in self.files.items():
            if self.is_test(module):
                continue
            for cls in state.facts.classes:
                qualname = f"{module}.{cls.name}"
                if SERIALIZER not in self._mro(qualname) or qualname == SERIALIZER:
                    continue
                model_ref = cls.meta_attr("model")
                fields_value = cls.meta_attr("fields")
                nested, method_fields = [], []
                for attr, value in cls.attrs:
                    if isinstance(value, Call):
                        if value.func.endswith("SerializerMethodField"):
                            method_fields.append(attr)
                        elif SERIALIZER in self._mro(value.func) and value.func != SERIALIZER:
                            nested.append((attr, self.model.classes.canonical(value.func)))
                found[qualname] = SerializerInfo(
                    name=cls.name,
                    qualname=qualname,
                    place=self.place(module, cls.name),
                    model=self._model_label(model_ref.name if isinstance(model_ref, Ref) else None, module),
                    all_fields=string(fields_value) == "__all__",
                    exclude=cls.meta_attr("exclude") is not None,
                    fields=strings(fields_value),
                    nested=tuple(nested),
                    method_fields=tuple(method_fields),
                    read_only_fields=strings(cls.meta_attr("read_only_fields")),
                )
        return found

    def serializer(self, qualname: str | None) -> SerializerInfo | None:
        if not qualname:
            return None
        return self.serializers.get(qualname) or self.serializers.get(self.model.classes.canonical(qualname))

    # -- views ------------------------------------------------------------------------------

    @cached_property
    def drf_settings(self) -> dict[str, Value]:
        """REST_FRAMEWORK of the settings that run in production (what the report describes),
        else of the project's settings module."""
        production = drf.production_settings(self.model)
        try:
            return self.model.settings(production[0] if production else None).rest_framework()
        except Exception:  # noqa: BLE001 - a settings module that cannot be read yields no defaults
            return {}

    def _default_names(self, key: str) -> tuple[tuple[str, ...], bool]:
        value = self.drf_settings.get(key)
        names = strings(value) if isinstance(value, Seq) else None
        if names is None and isinstance(value, Seq):
            names = tuple(short(v.name) if isinstance(v, Ref) else "?" for v in value.items)
        if names is None:
            return (), False
        return tuple(short(n) for n in names), True

    def _queryset(self, qualname: str, module: str) -> QuerysetInfo | None:
        value, owner = self._class_attr(qualname, "queryset")
        source = "queryset"
        if value is None:
            method, owner = self._class_method(qualname, "get_queryset")
            value = method.returns if method is not None else None
            source = "get_queryset"
        if value is None:
            ref, owner = self._class_attr(qualname, "model")
            if isinstance(ref, Ref):
                return QuerysetInfo(self._model_label(ref.name, (owner or qualname).rpartition(".")[0]), (), "model")
            return None
        base, methods = _chain(value)
        owner_module = (owner or qualname).rpartition(".")[0]
        return QuerysetInfo(self._model_from_chain(base, owner_module), tuple(methods), source)

    def _model_from_chain(self, base: str | None, module: str) -> str | None:
        if not base:
            return None
        parts = base.split(".")
        for end in range(len(parts), 0, -1):
            label = self._model_label(".".join(parts[:end]), module)
            if label:
                return label
        return None

    def _permissions(self, qualname: str, kind: str) -> tuple[tuple[str, ...], str]:
        if kind.startswith("drf"):
            method, _ = self._class_method(qualname, "get_permissions")
            value, owner = self._class_attr(qualname, "permission_classes")
            if value is not None:
                if isinstance(value, Seq):
                    return tuple(drf.permission_text(v) for v in value.items), \
                        "custom" if method is not None else "view"
                return ("?",), "unknown"
            if method is not None:
                return ("get_permissions()",), "custom"
            if drf.OBTAIN_AUTH_TOKEN in self._mro(qualname):
                return (), "view"  # ObtainAuthToken sets `permission_classes = ()`: the defaults do not apply
            names, known = self._default_names("DEFAULT_PERMISSION_CLASSES")
            return (names, "default") if known else (("?",), "unknown")
        mixins = tuple(short(a) for a in self._mro(qualname) if short(a) in _AUTH_MIXINS)
        if mixins:
            return mixins, "mixin"
        ref = self.model.classes.resolve(qualname)
        if ref is not None:
            for decorator in ref.fact.decorators:
                if isinstance(decorator, Call) and decorator.func.endswith("method_decorator") and decorator.args:
                    inner = decorator.args[0]
                    name = inner.name if isinstance(inner, Ref) else inner.func if isinstance(inner, Call) else ""
                    if short(name) in _AUTH_DECORATORS:
                        return (short(name),), "decorator"
        return (), "none"

    def _drf_extra(self, qualname: str, kind: str) -> tuple[str, str]:
        if not kind.startswith("drf"):
            value, _ = self._class_attr(qualname, "paginate_by")
            pagination = f"paginate_by={value.value}" if isinstance(value, Const) and value.value else "none"
            return pagination, "n/a"
        if kind in ("drf-viewset", "drf-generic"):
            value, _ = self._class_attr(qualname, "pagination_class")
            if value is None:
                default = self.drf_settings.get("DEFAULT_PAGINATION_CLASS")
                pagination = short(string(default)) + " (default)" if string(default) else \
                    "none (default)" if isinstance(default, Const) else "?"
            else:
                pagination = short(value.name) if isinstance(value, Ref) else "none" if value == Const(None) else "?"
        else:
            pagination = "n/a"
        names, default = drf.effective_throttles(self.model, qualname)
        return pagination, _listed(names, default)

    def _authentication(self, qualname: str, kind: str) -> str:
        """The authentication classes a DRF view runs with ("none" for an empty list), each
        marked when it skips the CSRF check."""
        if not kind.startswith("drf"):
            return "n/a"
        names, default = drf.effective_authentication(self.model, qualname)
        if names is None:
            return "?"
        marked = tuple(f"{short(n)} (no CSRF check)" if n in self.csrf_skipping else n for n in names)
        return _listed(marked, default)

    @cached_property
    def csrf_skipping(self) -> frozenset[str]:
        """SessionAuthentication subclasses of the project whose `enforce_csrf` does nothing
        (qualified and short names): the report must not say CSRF is enforced for them."""
        found = set()
        for module, state in self.files.items():
            for cls in state.facts.classes:
                qualname = f"{module}.{cls.name}"
                if cls.method("enforce_csrf") is None or drf.SESSION_AUTHENTICATION not in self._mro(qualname):
                    continue
                tree = self._tree(module)
                node = next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.name), None) \
                    if tree is not None else None
                method = next((m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                               and m.name == "enforce_csrf"), None) if node is not None else None
                if method is not None and drf.does_nothing(method):
                    found |= {qualname, cls.name}
        return frozenset(found)


    def _scoping(self, qualname: str, kind: str, model: str | None) -> str:
        """How a class-based view narrows its rows to the requesting user: the scoping calls
        of its `get_queryset` (through the MRO), "every row" for a queryset attribute with
        no narrowing, "—" when it has no rows or cannot be read."""
        if model is None or kind == "django-function" or kind == "drf-function":
            return "—"
        found = method_summary(self.model, qualname, "get_queryset")
        if found is not None:
            scopes = [_scope_text(entry) for entry in found[1].scopes]
            return ", ".join(scopes) if scopes else "not narrowed by the user"
        if drf.defines_method(self.model, qualname, "get_queryset") is not False:
            return "?"
        if drf.defines_method(self.model, qualname, "get_object") is not False:
            return "get_object()"  # the object is chosen by code (`return self.request.user`)
        if self._class_attr(qualname, "queryset")[0] is None and self._class_attr(qualname, "model")[0] is None:
            return "—"
        return "every row"

    @cached_property
    def views(self) -> dict[str, ViewInfo]:
        """Class-based views (Django's View in their MRO) and function views (referenced by a URL
        pattern, decorated with @api_view, or a `request` function in a views module)."""
        found: dict[str, ViewInfo] = {}
        routed = {route.view for route in self.routes if route.view}
        for module, state in self.files.items():
            if self.is_test(module):
                continue
            facts = state.facts
            for cls in facts.classes:
                qualname = f"{module}.{cls.name}"
                mro = self._mro(qualname)
                if DJANGO_VIEW not in mro and drf.OBTAIN_AUTH_TOKEN not in mro or qualname == DJANGO_VIEW:
                    continue  # (DRF's ObtainAuthToken is a view the index does not follow to APIView)
                found[qualname] = self._class_view(module, cls, qualname, mro)
            renders = self._rendering_functions(module)
            for function in facts.functions:
                qualname = f"{module}.{function.name}"
                decorators = [d.func if isinstance(d, Call) else d.name for d in function.decorators
                              if isinstance(d, (Call, Ref))]
                is_api = any(short(d) == "api_view" for d in decorators)
                in_views = module.split(".")[-1] == "views" or ".views." in f"{module}."
                if not (is_api or qualname in routed or (in_views and function.params[:1] == ("request",))):
                    continue
                found[qualname] = self._function_view(module, function, qualname, decorators, is_api,
                                                      function.name in renders)
        return found

    def _class_view(self, module: str, cls, qualname: str, mro: tuple[str, ...]) -> ViewInfo:
        if DRF_VIEWSET in mro:
            kind = "drf-viewset"
        elif drf.OBTAIN_AUTH_TOKEN in mro:
            kind = "drf-apiview"
        elif DRF_GENERIC in mro:
            kind = "drf-generic"
        elif DRF_VIEW in mro:
            kind = "drf-apiview"
        else:
            kind = "django-class"
        serializer = None
        if kind != "django-class":
            value, _ = self._class_attr(qualname, "serializer_class")
            if value is None:
                method, _ = self._class_method(qualname, "get_serializer_class")
                value = method.returns if method is not None else None
            if isinstance(value, Ref):
                serializer = self.model.classes.canonical(value.name)
        queryset = self._queryset(qualname, module)
        info = self.serializer(serializer)
        model = (info.model if info else None) or (queryset.model if queryset else None)
        permissions, source = self._permissions(qualname, kind)
        pagination, throttling = self._drf_extra(qualname, kind)
        authentication = self._authentication(qualname, kind)
        scoping = self._scoping(qualname, kind, model)
        async_methods = tuple(m.name for m in cls.methods if m.is_async)
        lookup_value, _ = self._class_attr(qualname, "lookup_field")
        return ViewInfo(
            name=cls.name, qualname=qualname, place=self.place(module, cls.name), kind=kind,
            is_async=bool(async_methods), async_methods=async_methods, serializer=serializer, queryset=queryset,
            model=model, permissions=permissions, permissions_source=source, pagination=pagination,
            throttling=throttling, authentication=authentication, scoping=scoping,
            renders_template=any(base in mro for base in TEMPLATE_VIEWS),
            lookup=string(lookup_value) if lookup_value is not None else None,
        )

    def _function_view(self, module, function, qualname, decorators, is_api, renders) -> ViewInfo:
        if is_api:
            permissions, source = (), "default"
            for decorator in function.decorators:
                if isinstance(decorator, Call) and short(decorator.func) == "permission_classes" and decorator.args:
                    items = decorator.args[0].items if isinstance(decorator.args[0], Seq) else ()
                    permissions, source = tuple(short(v.name) if isinstance(v, Ref) else "?" for v in items), "decorator"
            if source == "default":
                names, known = self._default_names("DEFAULT_PERMISSION_CLASSES")
                permissions, source = (names, "default") if known else (("?",), "unknown")
            throttle = [d for d in function.decorators if isinstance(d, Call) and short(d.func) == "throttle_classes"]
            if throttle:
                items = throttle[0].args[0].items if throttle[0].args and isinstance(throttle[0].args[0], Seq) else ()
                throttling = ", ".join(short(v.name) if isinstance(v, Ref) else "?" for v in items) or "none"
            else:
                names, known = self._default_names("DEFAULT_THROTTLE_CLASSES")
                throttling = (", ".join(names) + " (default)" if names else "none (default)") if known else "?"
            kind, pagination = "drf-function", "n/a"
        else:
            auth = tuple(short(d) for d in decorators if short(d) in _AUTH_DECORATORS)
            permissions, source = (auth, "decorator") if auth else ((), "none")
            kind, pagination, throttling = "django-function", "n/a", "n/a"
        return ViewInfo(
            name=function.name, qualname=qualname, place=self.place(module, function.name), kind=kind,
            is_async=function.is_async, permissions=permissions, permissions_source=source,
            pagination=pagination, throttling=throttling, renders_template=renders,
        )

    def _rendering_functions(self, module: str) -> set[str]:
        """Module-level functions whose body calls render()/TemplateResponse (parsed only when
        the file mentions one)."""
        text = self._text(module)
        if text is None or not any(name + "(" in text for name in _RENDER_CALLS):
            return set()
        tree = self._tree(module)
        names: set[str] = set()
        for node in tree.body if tree is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call):
                        callee = inner.func.attr if isinstance(inner.func, ast.Attribute) else \
                            inner.func.id if isinstance(inner.func, ast.Name) else ""
                        if callee in _RENDER_CALLS:
                            names.add(node.name)
                            break
        return names

    # -- URLs -------------------------------------------------------------------------------

    @cached_property
    def root_urlconf(self) -> str | None:
        try:
            value = self.model.settings().value("ROOT_URLCONF")
        except Exception:  # noqa: BLE001
            return None
        return string(value)

    @cached_property
    def routes(self) -> list[Route]:
        """One row per URL pattern of the analyser's URL index (DRF's format-suffix copies and
        the inside of library URL confs left out), then one per part it could not list: an
        admin site, a library's URL conf, something it could not follow."""
        library = self.layout.settings_module is None  # its own URL confs, offered to projects
        if not library and not (self.root_urlconf and self.root_urlconf in self.model.facts):
            return []
        index = url_index(self.model)
        rows = [self._route_row(route) for route in index.patterns if not (route.suffix or route.library)]
        for gap in index.gaps:
            kind, note = {"admin": ("admin", "Django admin"), "library": ("include", f"include({gap.detail})")}.get(
                gap.why, ("unknown", gap.detail))
            rows.append(Route(gap.route or "", kind, None, None, self._route_place(gap.module, gap.location_key),
                              note, gap.namespace))
        return rows

    @cached_property
    def health_routes(self) -> list[Route]:
        """Routes of the URL map that are health checks: by pattern, URL name, view, or an
        included health-check app (django-health-check, django-watchman, ...)."""
        return [route for route in self.routes if _HEALTH.search(" ".join(
            (route.pattern, route.name or "", short(route.view), route.note)))]

    def public_by_design(self, view: ViewInfo, route: Route | None) -> bool:
        """Endpoints meant for strangers (log in, sign up, reset a password, obtain a token,
        a health check): a test that they reject anonymous clients would assert a bug."""
        if any(base in self._mro(view.qualname) for base in _PUBLIC_VIEWS):
            return True
        words = " ".join((view.name, route.pattern if route else "", (route.name or "") if route else ""))
        return bool(_PUBLIC.search(words) or _HEALTH.search(words))

    def _route_row(self, route: UrlRoute) -> Route:
        view = self._canonical_function(route.view) if route.kind != "router" and route.view else route.view
        kind = "router" if route.kind == "router" else "view" if view else "unknown"
        actions = ", ".join(f"{method.upper()} {action}" for method, action in route.actions)
        return Route(route.route, kind, view, route.bare or None,
                     self._route_place(route.module, route.location_key, route.leaf), actions,
                     route.namespace, route.actions)

    def _route_place(self, module: str, key: str, leaf: str = "") -> Place | None:
        if not module:
            return None
        place = self.place(module, key) if key else self.place(module)
        return self._line_of(module, key, leaf, place) if key.startswith("stmt:") and leaf else place

    def _line_of(self, module: str, key: str, route: str, place: Place) -> Place:
        """The line of a pattern inside a multi-line `urlpatterns = [...]`: the first line of
        the statement quoting `route` (a repeated route keeps the statement's line)."""
        span = self.model.locations_of(module).get(key)
        text = self._text(module)
        if span is None or text is None or span.start.line == span.end.line:
            return place
        lines = text_lines(text)[span.start.line: span.end.line + 1]
        quoted = [q + route + q for q in ('"', "'")] + [repr(route)]
        hits = [i for i, line in enumerate(lines) if any(q in line for q in quoted)]
        if len(hits) != 1:
            return place
        return Place(place.module, place.path, span.start.line + hits[0] + 1)

    def _canonical_function(self, name: str) -> str:
        ref = self.model.classes.resolve(name)
        if ref is not None:
            return ref.qualname
        module, _, function = name.rpartition(".")
        facts = self.model.facts.get(module)
        for _ in range(4):
            if facts is None:
                break
            imported = next((i for i in facts.imports if i.local == function), None)
            if imported is None:
                break
            module, _, function = imported.target.rpartition(".")
            facts = self.model.facts.get(module)
        return f"{module}.{function}" if module else name

    # -- tasks ------------------------------------------------------------------------------

    @cached_property
    def tasks(self) -> dict[str, TaskInfo]:
        """The project's task functions (`project/tasks.py`'s notion, as DJE510 has it), with
        where each is enqueued and where a schedule runs it."""
        found: dict[str, TaskInfo] = {}
        for module, state in self.files.items():
            if self.is_test(module):
                continue
            for function in state.facts.functions:
                for decorator in function.decorators:
                    framework = task_index.task_framework(self.model, decorator)
                    if framework is None:
                        continue
                    options = tuple(k for k, _ in decorator.kwargs) if isinstance(decorator, Call) else ()
                    qualname = f"{module}.{function.name}"
                    found[qualname] = TaskInfo(function.name, qualname, self.place(module, function.name), framework,
                                               options)
                    break
        if found:
            self._enqueue_sites(found)
            self._schedule_sites(found)
        return found

    @cached_property
    def schedules(self) -> list[task_index.Scheduled]:
        """Every schedule entry naming a task: CELERY_BEAT_SCHEDULE of the settings that run,
        then beat dicts, `add_periodic_task` and `@periodic_task` in the project's files."""
        found: list[task_index.Scheduled] = []
        for module in dict.fromkeys([self.layout.settings_module, *drf.production_settings(self.model)]):
            if module:
                found += task_index.beat_settings_schedule(self.model, module)
        for module in self.files:
            text = self._text(module)
            if text is None or not any(word in text for word in task_index.SCHEDULE_WORDS):
                continue
            tree = self._tree(module)
            if tree is not None:
                found += task_index.schedules_in_tree(tree, module)
        return list(dict.fromkeys(found))

    def _schedule_sites(self, tasks: dict[str, TaskInfo]) -> None:
        by_name: dict[str, list[TaskInfo]] = {}
        for task in tasks.values():
            by_name.setdefault(task.name, []).append(task)
        for entry in self.schedules:
            exact = [tasks[entry.task]] if entry.task in tasks else []
            custom = [t for t in by_name.get(entry.short, ()) if t.qualname.endswith(f".{entry.short}")]
            for task in exact or custom:  # a beat entry names a task by its registered (dotted) name
                site = {"path": self.place(entry.module).path, "line": entry.line, "how": entry.how}
                if site not in task.scheduled:
                    task.scheduled.append(site)

    def _enqueue_sites(self, tasks: dict[str, TaskInfo]) -> None:
        by_name: dict[str, list[TaskInfo]] = {}
        for task in tasks.values():
            by_name.setdefault(task.name, []).append(task)
        for module in self.files:
            text = self._text(module)
            if text is None or not any(token in text for token in (".delay(", ".apply_async(", ".enqueue(", ".send(")):
                continue
            tree = self._tree(module)
            if tree is None:
                continue
            for call, function, in_transaction in _calls_with_context(tree):
                func = call.func
                if not isinstance(func, ast.Attribute) or func.attr not in ("delay", "apply_async", "send", "s"):
                    continue
                target = func.value
                name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
                for task in by_name.get(name, ()):
                    task.enqueued.append({"path": self.place(module).path, "line": call.lineno, "in": function or "<module>",
                                          "transaction": in_transaction})

    # -- templates and entry points ---------------------------------------------------------

    @cached_property
    def templates(self) -> list[str]:
        found = []
        for directory, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
            if "templates" in Path(directory).relative_to(self.root).parts:
                for name in sorted(filenames):
                    if name.endswith((".html", ".txt", ".xml", ".jinja", ".jinja2", ".j2")):
                        found.append(Path(directory, name).relative_to(self.root).as_posix())
            if len(found) > 5000:
                break
        return found

    @cached_property
    def settings_entry_points(self) -> list[tuple[str, str]]:
        """(file, settings module) for every file that sets DJANGO_SETTINGS_MODULE to a constant
        (manage.py, wsgi.py, asgi.py, a Celery app, ...)."""
        found = []
        for module in self.files:
            text = self._text(module)
            if text is None or "DJANGO_SETTINGS_MODULE" not in text:
                continue
            for match in _SETTINGS_ASSIGNMENT.finditer(text):
                found.append((self.place(module).path, match.group(1)))
        return found


# -- helpers ----------------------------------------------------------------------------------------


def _relative(path, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _chain(value: Value) -> tuple[str | None, list[str]]:
    """(dotted base, ORM methods) of `Model.objects.filter(...).select_related(...)`."""
    methods: list[str] = []
    current: Value | None = value
    while isinstance(current, Call):
        if current.func.startswith("."):
            methods.append(current.func[1:])
            current = current.receiver
            continue
        head, _, method = current.func.rpartition(".")
        methods.append(method)
        return head, list(reversed(methods))
    if isinstance(current, Ref):
        return current.name, list(reversed(methods))
    return None, list(reversed(methods))


def _calls_with_context(tree: ast.Module):
    """Every call with the name of its enclosing top-level function/method and whether it runs
    inside `transaction.atomic()` (a `with` block or a decorator) without `on_commit`."""

    def atomic(node: ast.AST) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        return isinstance(target, (ast.Attribute, ast.Name)) and \
            (target.attr if isinstance(target, ast.Attribute) else target.id) == "atomic"

    def visit(node: ast.AST, function: str | None, in_atomic: bool, in_on_commit: bool):
        for child in ast.iter_child_nodes(node):
            name, atomic_here, on_commit = function, in_atomic, in_on_commit
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{function}.{child.name}" if function else child.name
                atomic_here = in_atomic or any(atomic(d) for d in child.decorator_list)
            elif isinstance(child, ast.ClassDef):
                name = f"{function}.{child.name}" if function else child.name
            elif isinstance(child, (ast.With, ast.AsyncWith)):
                atomic_here = in_atomic or any(atomic(item.context_expr) for item in child.items)
            elif isinstance(child, ast.Call):
                func = child.func
                if isinstance(func, (ast.Attribute, ast.Name)) and \
                        (func.attr if isinstance(func, ast.Attribute) else func.id) == "on_commit":
                    on_commit = True
                yield child, name, atomic_here and not in_on_commit
            yield from visit(child, name, atomic_here, on_commit)

    yield from visit(tree, None, False, False)


def _listed(names: tuple[str, ...] | None, default: bool) -> str:
    """Class names as the report lists them: "A, B (default)", "none", "?" when unknown."""
    if names is None:
        return "?"
    text = ", ".join(short(n) if "(" not in n else n for n in names) or "none"
    return f"{text} (default)" if default else text


def _scope_text(entry: str) -> str:
    """A summary's scope entry as the report shows it: "for_user(user)", "filter(owner=user)"."""
    root, _, how = entry.partition("|")
    if root == "call":
        return f"{short(how)}(user)"
    method, _, keys = how.partition(":")
    return f"{method}({', '.join(keys.split(','))}) by the user" if keys else f"{method}(user)"
