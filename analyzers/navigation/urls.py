"""The URL conf of a project, from facts: every named route with its namespace, route text,
arguments and view, for `reverse()`/`{% url %}` completion, hover, definition and the
URL rules.

From ROOT_URLCONF, `urlpatterns` is followed through `path()`/`re_path()`/`url()`,
`include()` (a module and its `app_name`, a `(patterns, app_name)` pair, a list, a DRF
router's `urls`), `i18n_patterns()` and `format_suffix_patterns()`; every assignment,
`+=` and `.append/.extend` of `urlpatterns` counts, conditional ones included (a name
under `if settings.DEBUG:` exists in some configuration). DRF routers give
`<basename>-list` and `<basename>-detail` (and `<basename>-<action>` for `@action`s,
accepted without checking). What cannot be followed — an include of a module nobody
indexed, a call that builds patterns — makes its namespace *open*: names in it are never
reported unknown.
"""

from __future__ import annotations

import ast
import difflib
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import BinOp, Call, Const, Mapping, Ref, Seq, Value, string
from django_expert.analyzers.source import LineIndex, Span

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

_PATH = frozenset({"django.urls.path", "django.urls.conf.path", "django.urls.re_path", "django.urls.conf.re_path",
                   "django.conf.urls.url", "django.conf.urls.re_path"})
_INCLUDE = frozenset({"django.urls.include", "django.urls.conf.include", "django.conf.urls.include"})
_I18N = frozenset({"django.conf.urls.i18n.i18n_patterns"})
_SUFFIX = frozenset({"rest_framework.urlpatterns.format_suffix_patterns"})
_STATIC = frozenset({"django.conf.urls.static.static", "django.contrib.staticfiles.urls.staticfiles_urlpatterns"})
_ADMIN_URLS = ("django.contrib.admin.site.urls", "admin.site.urls")
# URL modules of libraries: their app_name (None: no namespace) and the names they define.
KNOWN_MODULES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "rest_framework.urls": ("rest_framework", ("login", "logout")),
    "django.contrib.auth.urls": (None, (
        "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
        "password_reset_confirm", "password_reset_complete")),
    "django.contrib.flatpages.urls": (None, ("django.contrib.flatpages.views.flatpage",)),
}
_MIXIN_ACTIONS = {
    "rest_framework.mixins.ListModelMixin": ("list",),
    "rest_framework.mixins.CreateModelMixin": ("create",),
    "rest_framework.mixins.RetrieveModelMixin": ("retrieve",),
    "rest_framework.mixins.UpdateModelMixin": ("update", "partial_update"),
    "rest_framework.mixins.DestroyModelMixin": ("destroy",),
}
_LIST_ACTIONS = frozenset({"list", "create"})
_DETAIL_ACTIONS = frozenset({"retrieve", "update", "partial_update", "destroy"})
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")
_MAX_DEPTH = 12


@dataclass(frozen=True, slots=True)
class Route:
    """A named URL pattern. `params` are the keyword arguments its route takes (None: not
    known, e.g. a regular expression with optional parts); `positional` the unnamed groups
    of a regular expression; `optional` arguments it may also take (`format` with DRF's
    suffixes); `defaults` the extra kwargs given to `path()`. `module` declares it, at
    `location_key` of its Locations ("stmt:3" or "call:1" for a router registration)."""

    name: str
    route: str
    params: tuple[str, ...] | None
    positional: int = 0
    optional: frozenset[str] = frozenset()
    defaults: frozenset[str] = frozenset()
    view: str | None = None
    module: str = ""
    location_key: str = ""
    kind: str = "path"  # "path" | "re_path" | "router"

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def bare(self) -> str:
        return self.name.rpartition(":")[2]


@dataclass
class UrlIndex:
    routes: dict[str, list[Route]] = field(default_factory=dict)
    namespaces: set[str] = field(default_factory=set)
    open_namespaces: set[str] = field(default_factory=set)  # "" for the root namespace
    open_prefixes: set[str] = field(default_factory=set)  # full-name prefixes accepted unchecked
    app_namespaces: dict[str, set[str]] = field(default_factory=dict)  # app_name -> instance namespaces
    names_anywhere: set[str] = field(default_factory=set)  # `name=` of any pattern of any module
    known: bool = False  # ROOT_URLCONF was found
    keys: set[tuple[str, ...]] = field(default_factory=set)  # the fact keys the index was built from

    def add(self, route: Route) -> None:
        self.routes.setdefault(route.name, []).append(route)

    def find(self, name: str) -> list[Route]:
        """The routes `reverse(name)` may reach (an application namespace reaches its instances)."""
        found = self.routes.get(name)
        if found:
            return found
        namespace, _, bare = name.rpartition(":")
        head, _, rest = namespace.partition(":")
        for instance in sorted(self.app_namespaces.get(head, ())):
            alias = ":".join(p for p in (instance, rest, bare) if p)
            if alias in self.routes:
                return self.routes[alias]
        return []

    def certainly_unknown(self, name: str) -> bool:
        """No configuration can reverse `name`: its namespace is known and complete, and
        (outside namespaces) no module of the project defines the name."""
        if not self.known or self.find(name):
            return False
        if any(name.startswith(prefix) for prefix in self.open_prefixes):
            return False
        namespace, _, bare = name.rpartition(":")
        if not namespace:
            return "" not in self.open_namespaces and bare not in self.names_anywhere
        parts = namespace.split(":")
        resolved = [parts[0]] if parts[0] in self.namespaces else sorted(self.app_namespaces.get(parts[0], ()))
        if not resolved:
            return "" not in self.open_namespaces  # only an include nobody can read adds namespaces
        for instance in resolved:
            full = ":".join([instance, *parts[1:]])
            for depth in range(1, full.count(":") + 2):
                if ":".join(full.split(":")[:depth]) in self.open_namespaces:
                    return False
            if ":".join([instance, *parts[1:]]) not in self.namespaces and "" in self.open_namespaces:
                return False
        return True

    def names(self) -> list[str]:
        return sorted(self.routes)


# -- building the index ---------------------------------------------------------------------------


_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def url_index(project: ProjectModel) -> UrlIndex:
    """The project's URL index (memoised per ProjectModel; records what it read)."""
    found = _INDEX.get(project)
    if found is None:
        found = _INDEX[project] = _Builder(project).build()
    from django_expert.analyzers.project.model import record

    record([("classes",), *project.settings().keys, *found.keys])
    return found


class _Builder:
    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.index = UrlIndex()
        self._envs: dict[str, dict[str, list[tuple[Value, int]]]] = {}

    def build(self) -> UrlIndex:
        index = self.index
        setting = self.project.settings().get("ROOT_URLCONF")
        root = string(setting.value) if setting is not None else None
        if root is not None and root in self.project.facts:
            index.known = True
            self._module(root, "", "", (), frozenset(), 0, set())
        # Patterns of modules the root URL conf does not reach may serve another URL conf
        # (per-request `request.urlconf`, django-hosts, tests): their names are never "unknown".
        root_path = self.project.layout.root
        for module, facts in self.project.facts.items():
            path = self.project.path_of(module)
            if module in self._envs or path is None or not Path(path).is_relative_to(root_path):
                continue
            for statement in facts.statements:
                for value in (statement.value, *statement.args):
                    index.names_anywhere.update(_pattern_names(value))
        return index

    # -- a module's names

    def _env(self, module: str) -> dict[str, list[tuple[Value, int]]]:
        """Every value each module-level name is given (assignments, `+=`, `.append/.extend`)."""
        env = self._envs.get(module)
        if env is None:
            env = {}
            self.index.keys.add(("module", module))
            facts = self.project.facts.get(module)
            for index, statement in enumerate(facts.statements if facts else ()):
                if statement.kind == "assign" and not statement.path and statement.value is not None:
                    if not statement.conditional:
                        env[statement.name] = [(statement.value, index)]
                    else:
                        env.setdefault(statement.name, []).append((statement.value, index))
                elif statement.kind == "augassign" and statement.value is not None:
                    env.setdefault(statement.name, []).append((statement.value, index))
                elif statement.kind == "mutate" and statement.op in ("append", "extend", "insert"):
                    for arg in statement.args[-1:]:
                        wrapped = arg if statement.op == "extend" else Seq("list", (arg,))
                        env.setdefault(statement.name, []).append((wrapped, index))
            self._envs[module] = env
        return env

    def _module(self, module: str, namespace: str, route: str, params: tuple[str, ...] | None,
                optional: frozenset[str], depth: int, seen: set[str]) -> None:
        if module in seen or depth > _MAX_DEPTH:
            return
        seen = seen | {module}
        env = self._env(module)
        if "urlpatterns" not in env:
            self.index.open_namespaces.add(namespace)
            return
        for value, statement in env["urlpatterns"]:
            self._walk(value, module, statement, namespace, route, params, optional, depth, seen)

    def _walk(self, value: Value | None, module: str, statement: int, namespace: str, route: str,
              params: tuple[str, ...] | None, optional: frozenset[str], depth: int, seen: set[str]) -> None:
        if value is None or depth > _MAX_DEPTH:
            return
        walk = lambda v, ns=namespace, r=route, p=params, o=optional: self._walk(
            v, module, statement, ns, r, p, o, depth + 1, seen)
        match value:
            case Seq(items=items):
                for item in items:
                    walk(item)
            case BinOp(op="+", left=left, right=right):
                walk(left)
                walk(right)
            case Ref(name=name):
                pieces = self._variable(module, name)
                owner, _, attr = name.rpartition(".")
                for piece, _ in pieces:
                    walk(piece)
                if pieces:
                    pass
                elif attr == "urlpatterns" and owner in self.project.facts:
                    self._module(owner, namespace, route, params, optional, depth + 1, seen)
                else:
                    self.index.open_namespaces.add(namespace)
            case Call(func=func) if func in _PATH:
                self._pattern(value, module, statement, namespace, route, params, optional, depth, seen)
            case Call(func=func) if func in _I18N:
                for arg in value.args:
                    walk(arg)
            case Call(func=func) if func in _SUFFIX:
                walk(value.args[0] if value.args else None, o=optional | {"format"})
            case Call(func=func) if func in _STATIC:
                pass
            case Ref() | Call():
                self.index.open_namespaces.add(namespace)
            case _:
                if not isinstance(value, Const):
                    self.index.open_namespaces.add(namespace)

    def _variable(self, module: str, name: str) -> list[tuple[Value, int]]:
        if "." not in name:
            return self._env(module).get(name, [])
        owner, _, attr = name.rpartition(".")
        if owner in self.project.facts and attr != "urlpatterns":
            return self._env(owner).get(attr, [])
        return []

    def _pattern(self, call: Call, module: str, statement: int, namespace: str, route: str,
                 params: tuple[str, ...] | None, optional: frozenset[str], depth: int, seen: set[str]) -> None:
        regex = call.func.rpartition(".")[2] != "path"
        text = string(call.args[0]) if call.args else string(call.kwarg("route"))
        own = _route_params(text, regex) if text is not None else None
        full_route = route + (_display(text, regex) if text is not None else "…")
        full_params = (params + own[0]) if params is not None and own is not None else None
        positional = own[1] if own is not None else 0
        target = call.args[1] if len(call.args) > 1 else call.kwarg("view")
        if isinstance(target, Call) and target.func in _INCLUDE:
            self._include(target, module, statement, namespace, full_route, full_params, optional, depth, seen)
            return
        if isinstance(target, Ref) and target.name.endswith(_ADMIN_URLS):
            self._add_namespace(_join(namespace, "admin"), "admin", open_=True)
            return
        if isinstance(target, Ref) and target.name.endswith(".urls"):
            self._router_urls(target.name, module, namespace, full_route, full_params, optional)
            return
        if isinstance(target, Seq) and len(target.items) == 3:  # an include() result spelt out
            self.index.open_namespaces.add(namespace)
            return
        name = string(call.kwarg("name")) if call.kwarg("name") is not None else (
            string(call.args[3]) if len(call.args) > 3 else None)
        if name is None:
            return
        extra = call.args[2] if len(call.args) > 2 else call.kwarg("kwargs")
        defaults = frozenset(k.value for k, _ in extra.items if isinstance(k, Const) and isinstance(k.value, str)) \
            if isinstance(extra, Mapping) else frozenset()
        self.index.add(Route(_join(namespace, name), full_route, full_params, positional, optional, defaults,
                             _view_name(target), module, f"stmt:{statement}", "re_path" if regex else "path"))

    def _include(self, call: Call, module: str, statement: int, namespace: str, route: str,
                 params: tuple[str, ...] | None, optional: frozenset[str], depth: int, seen: set[str]) -> None:
        first = call.args[0] if call.args else call.kwarg("arg")
        instance = string(call.kwarg("namespace")) if call.kwarg("namespace") is not None else (
            string(call.args[1]) if len(call.args) > 1 else None)
        app_name = None
        patterns: Value | None = first
        if isinstance(first, Seq) and len(first.items) == 2 and string(first.items[1]) is not None:
            patterns, app_name = first.items[0], string(first.items[1])
        target = string(patterns)
        if target is not None:
            if target in KNOWN_MODULES and target not in self.project.facts:
                known_app, names = KNOWN_MODULES[target]
                inner = _join(namespace, instance or known_app or "")
                self._add_namespace(inner, known_app)
                for name in names:
                    self.index.add(Route(_join(inner, name), route + "…", None, module=module,
                                         location_key=f"stmt:{statement}"))
                return
            if target not in self.project.facts:
                inner = _join(namespace, instance) if instance else namespace
                self.index.open_namespaces.add(inner)
                if not instance:
                    self.index.open_namespaces.add("")  # an app_name nobody can read may add any namespace
                return
            app_name = app_name or _app_name(self._env(target))
            inner = _join(namespace, instance or app_name or "")
            self._add_namespace(inner, app_name)
            self._module(target, inner, route, params, optional, depth + 1, seen)
            return
        inner = _join(namespace, instance or app_name or "")
        self._add_namespace(inner, app_name)
        if isinstance(patterns, Ref) and patterns.name.endswith(".urls") and not self._variable(module, patterns.name):
            self._router_urls(patterns.name, module, inner, route, params, optional)
            return
        self._walk(patterns, module, statement, inner, route, params, optional, depth + 1, seen)

    def _add_namespace(self, namespace: str, app_name: str | None, open_: bool = False) -> None:
        if namespace:
            self.index.namespaces.add(namespace)
        if app_name:
            self.index.app_namespaces.setdefault(app_name, set()).add(namespace)
        if open_:
            self.index.open_namespaces.add(namespace)

    # -- DRF routers

    def _router_urls(self, name: str, module: str, namespace: str, route: str, params: tuple[str, ...] | None,
                     optional: frozenset[str]) -> None:
        router, _, _ = name.rpartition(".")
        owner = module
        if "." in router:  # `from api.routers import router`
            owner, _, router = router.rpartition(".")
        made = self._env(owner).get(router) if owner in self.project.facts else None
        made_call = made[-1][0] if made else None
        if not isinstance(made_call, Call) or not made_call.func.endswith("Router"):
            self.index.open_namespaces.add(namespace)
            return
        default_router = made_call.func.rpartition(".")[2] == "DefaultRouter"
        suffixes = optional | ({"format"} if default_router else frozenset())
        slash = made_call.kwarg("trailing_slash")
        trailing = "" if isinstance(slash, Const) and slash.value is False else "/"
        if default_router:
            self.index.add(Route(_join(namespace, "api-root"), route, params, optional=suffixes, module=owner,
                                 location_key="", kind="router"))
        facts = self.project.facts.get(owner)
        for index, registration in enumerate(facts.calls if facts else ()):
            if registration.func != f"{router}.register":
                continue
            self._registration(registration, owner, index, namespace, route, params, suffixes, trailing)

    def _registration(self, call: Call, module: str, index: int, namespace: str, route: str,
                      params: tuple[str, ...] | None, optional: frozenset[str], trailing: str) -> None:
        prefix = string(call.args[0]) if call.args else string(call.kwarg("prefix"))
        viewset = call.args[1] if len(call.args) > 1 else call.kwarg("viewset")
        basename_value = call.args[2] if len(call.args) > 2 else call.kwarg("basename") or call.kwarg("base_name")
        qualname = self.project.classes.canonical(viewset.name) if isinstance(viewset, Ref) else None
        basename = string(basename_value) if basename_value is not None else self._basename(qualname)
        if basename is None or prefix is None or qualname is None:
            self.index.open_namespaces.add(namespace)
            return
        actions, known = self._actions(qualname)
        if not known or self._has_extra_actions(qualname):
            self.index.open_prefixes.add(_join(namespace, f"{basename}-"))
        lookup = self._class_string(qualname, "lookup_url_kwarg") or self._class_string(qualname, "lookup_field") \
            or "pk"
        where = {"module": module, "location_key": f"call:{index}", "kind": "router", "view": qualname}
        if not known or actions & _LIST_ACTIONS:
            self.index.add(Route(_join(namespace, f"{basename}-list"), f"{route}{prefix}{trailing}", params,
                                 optional=optional, **where))
        if not known or actions & _DETAIL_ACTIONS:
            detail = (*params, lookup) if params is not None else None
            self.index.add(Route(_join(namespace, f"{basename}-detail"), f"{route}{prefix}/<{lookup}>{trailing}",
                                 detail, optional=optional, **where))

    def _basename(self, qualname: str | None) -> str | None:
        """DRF's default basename: the lower-cased name of the queryset's model."""
        if qualname is None:
            return None
        for ancestor in self.project.mro(qualname):
            ref = self.project.resolve_class(ancestor)
            value = ref.fact.attr("queryset") if ref is not None else None
            if value is None:
                continue
            from django_expert.analyzers.project.querysets import Flow

            rows = Flow(self.project, ref.module, qualname).rows(value)
            return rows.model.name.lower() if rows is not None else None
        return None

    def _actions(self, qualname: str) -> tuple[set[str], bool]:
        """The viewset's standard actions, and whether its whole MRO could be read."""
        actions: set[str] = set()
        known = True
        from django_expert.analyzers.knowledge.bases import EXTERNAL_BASES

        for ancestor in self.project.mro(qualname):
            actions.update(_MIXIN_ACTIONS.get(ancestor, ()))
            ref = self.project.resolve_class(ancestor)
            if ref is not None:
                actions.update(m.name for m in ref.fact.methods if m.name in _LIST_ACTIONS | _DETAIL_ACTIONS)
            elif ancestor not in EXTERNAL_BASES and ancestor not in _MIXIN_ACTIONS and ancestor != "object" \
                    and not ancestor.startswith("rest_framework."):
                known = False
        return actions, known

    def _has_extra_actions(self, qualname: str) -> bool:
        for ancestor in self.project.mro(qualname):
            ref = self.project.resolve_class(ancestor)
            if ref is not None and any(d.rpartition(".")[2] in ("action", "detail_route", "list_route")
                                       for m in ref.fact.methods for d in m.decorators):
                return True
        return False

    def _class_string(self, qualname: str, attr: str) -> str | None:
        for ancestor in self.project.mro(qualname):
            ref = self.project.resolve_class(ancestor)
            if ref is not None and ref.fact.attr(attr) is not None:
                return string(ref.fact.attr(attr))
        return None


# -- helpers ----------------------------------------------------------------------------------------


def closest_url(name: str, names: list[str]) -> str | None:
    """The closest URL name, preferring one with the same bare name in another namespace."""
    bare = name.rpartition(":")[2]
    same = [n for n in names if n.rpartition(":")[2] == bare]
    if len(same) == 1:
        return same[0]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None



def _join(namespace: str, name: str) -> str:
    return f"{namespace}:{name}" if namespace and name else namespace or name


def _app_name(env: dict[str, list[tuple[Value, int]]]) -> str | None:
    values = env.get("app_name")
    return string(values[-1][0]) if values else None


def _view_name(value: Value | None) -> str | None:
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Call) and value.func.endswith(".as_view"):
        return value.func.rpartition(".")[0]
    return None


def _pattern_names(value: Value | None) -> set[str]:
    """`name=` of every path()/re_path()/url() call inside a value."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Seq):
            stack.extend(item.items)
        elif isinstance(item, BinOp):
            stack += [item.left, item.right]
        elif isinstance(item, Call):
            if item.func in _PATH:
                name = string(item.kwarg("name"))
                if name:
                    found.add(name)
            stack.extend(item.args)
    return found


def _route_params(text: str, regex: bool) -> tuple[tuple[str, ...], int] | None:
    """(keyword parameter names, unnamed group count) of a route, None when a regular
    expression has optional or alternative parts."""
    if not regex:
        return tuple(m.group("name") for m in _CONVERTER.finditer(text)), 0
    if "|" in text or re.search(r"\)[?*]|\)\{0", text):
        return None
    named = tuple(_NAMED_GROUP.findall(text))
    if named:
        return named, 0
    unnamed = len(re.findall(r"(?<!\\)\((?!\?)", text))
    return (), unnamed


def _display(text: str, regex: bool) -> str:
    if not regex:
        return text
    shown = text.removeprefix("^").removesuffix("$")
    return re.sub(r"\(\?P<(\w+)>[^()]*\)", r"<\1>", shown)


# -- where a route is written ------------------------------------------------------------------------


def route_span(project: ProjectModel, route: Route, text: str | None = None) -> tuple[Path, Span] | None:
    """The span of the `path(...)` call (or router registration) that declares a route."""
    path = project.path_of(route.module)
    if path is None:
        return None
    fallback = project.locations_of(route.module).get(route.location_key) if route.location_key else None
    try:
        source = text if text is not None else Path(path).read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return (Path(path), fallback) if fallback else None
    lines = LineIndex(source)
    bare = route.bare
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if route.kind == "router":
            registration = isinstance(node.func, ast.Attribute) and node.func.attr == "register"
            if registration and fallback is not None and lines.span(node).start.line == fallback.start.line:
                return Path(path), lines.span(node)
            continue
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and keyword.value.value == bare:
                return Path(path), lines.span(node)
    return (Path(path), fallback) if fallback else None
