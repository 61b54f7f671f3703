"""The URL conf of a project, from facts, as Django builds it: every pattern with its
namespaced name, its pattern text joined through the includes (as `str(pattern.pattern)`
of each level), arguments and view, for the API map, `reverse()`/`{% url %}` completion,
hover, definition and the URL rules.

From ROOT_URLCONF, `urlpatterns` is evaluated as Python would: assignments in order,
`+=`, `.append/.extend/.insert`, `a + b`, `[*a, *b]`, lists imported from other modules
(re-exports and `urls/` packages followed), `path()`/`re_path()`/`url()`, `include()` of
a module name, a module object, a list or a `(patterns, app_name)` pair (with `app_name`
and `namespace=`), `i18n_patterns()`, `format_suffix_patterns()`, admin sites, and DRF
routers (`SimpleRouter`/`DefaultRouter` and project subclasses): their routes and names
are generated as `rest_framework/routers.py` does, `@action` routes, the api-root and the
format-suffix copies included. Conditional statements count (a pattern under
`if settings.DEBUG:` exists in some configuration). What cannot be followed — a list
built by a call, a comprehension, an include of a module nobody indexed — is kept as a
`UrlGap` where it stands, and makes its namespace *open*: names in it are never reported
unknown; everything around it is still listed.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from django_expert.analyzers import files
from django_expert.analyzers.facts.values import (
    BinOp,
    Call,
    Const,
    Mapping,
    Ref,
    Seq,
    Starred,
    Unknown,
    Value,
    string,
    strings,
)
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.source import LineIndex, Span

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import Statement
    from django_expert.analyzers.project.model import ProjectModel

_PATH = frozenset({"django.urls.path", "django.urls.conf.path", "django.urls.re_path", "django.urls.conf.re_path",
                   "django.conf.urls.url", "django.conf.urls.re_path"})
_INCLUDE = frozenset({"django.urls.include", "django.urls.conf.include", "django.conf.urls.include"})
_I18N = frozenset({"django.conf.urls.i18n.i18n_patterns"})
_SUFFIX = frozenset({"rest_framework.urlpatterns.format_suffix_patterns"})
_STATIC = frozenset({"django.conf.urls.static.static", "django.contrib.staticfiles.urls.staticfiles_urlpatterns"})
_LISTS = frozenset({"list", "tuple"})
_ADMIN_SITE = frozenset({"django.contrib.admin.site", "django.contrib.admin.sites.site"})
_ADMIN_SITE_CLASS = frozenset({"django.contrib.admin.AdminSite", "django.contrib.admin.sites.AdminSite"})
_SIMPLE_ROUTER = "rest_framework.routers.SimpleRouter"
_DEFAULT_ROUTER = "rest_framework.routers.DefaultRouter"
_ROUTER_OVERRIDES = frozenset({"routes", "get_urls", "get_routes", "get_lookup_regex", "get_method_map",
                               "get_default_basename", "__init__", "register"})
_ACTION_DECORATORS = frozenset({"rest_framework.decorators.action", "action"})
# Where a pattern list is a library's, not the project's: its routes are listed when its
# source is indexed, and the include point is kept as a "library" UrlGap either way.
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
# SimpleRouter.routes: (url template, {HTTP method: action}, name, detail); None marks the
# place of the @action routes (list ones after the list route, detail ones after the detail).
_ROUTER_ROUTES: tuple[tuple[str, dict[str, str] | None, str, bool], ...] = (
    ("^{prefix}{trailing_slash}$", {"get": "list", "post": "create"}, "{basename}-list", False),
    ("^{prefix}/{url_path}{trailing_slash}$", None, "{basename}-{url_name}", False),
    ("^{prefix}/{lookup}{trailing_slash}$", {"get": "retrieve", "put": "update", "patch": "partial_update",
                                             "delete": "destroy"}, "{basename}-detail", True),
    ("^{prefix}/{lookup}/{url_path}{trailing_slash}$", None, "{basename}-{url_name}", True),
)
_LIST_ACTIONS = frozenset({"list", "create"})
_DETAIL_ACTIONS = frozenset({"retrieve", "update", "partial_update", "destroy"})
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")
_MAX_DEPTH = 64  # nested includes and `x = x + [...]` chains; cycles end earlier (modules seen, statements before)
LANGUAGE_PREFIX = "{language}/"  # what i18n_patterns() prefixes; the language is chosen per request
UNKNOWN_ROUTE = "…"  # a route computed at import time: its patterns are kept, their text is not known


@dataclass(frozen=True, slots=True)
class Route:
    """A URL pattern. `name` is namespaced ("" for a pattern without a name: those are only
    in `UrlIndex.patterns`); `pattern` is the text Django matches, the `str()` of each
    level's pattern joined (`api/^products/$`), `leaf` the pattern's own part and `route` a
    readable form (`api/products/<pk>/`). `params` are the keyword arguments it takes (None:
    not known, e.g. a regular expression with optional parts); `positional` the unnamed
    groups of a regular expression; `optional` arguments it may also take (`format` with
    DRF's suffixes); `defaults` the extra kwargs given to `path()`; `actions` the (HTTP
    method, viewset action) pairs of a router route or of `as_view({"get": "list"})`.
    `module` declares it, at `location_key` of its Locations ("stmt:3", or "call:1" for a
    router registration). `library` marks a pattern of a URL conf outside the project;
    `suffix` a format-suffix copy."""

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
    pattern: str = ""
    leaf: str = ""
    regex: bool = False
    actions: tuple[tuple[str, str], ...] = ()
    library: bool = False
    suffix: bool = False

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def bare(self) -> str:
        return self.name.rpartition(":")[2]


@dataclass(frozen=True, slots=True)
class UrlGap:
    """A place of the URL conf not listed pattern by pattern. `why`: "admin" (an AdminSite's
    URLs), "library" (a URL conf outside the project), "unknown" (a value that cannot be
    followed: `detail` says which, never quoting source). `open`: names may exist under
    `namespace` that the index does not list."""

    namespace: str
    pattern: str
    route: str
    why: str
    detail: str = ""
    module: str = ""
    location_key: str = ""
    open: bool = True


@dataclass
class UrlIndex:
    routes: dict[str, list[Route]] = field(default_factory=dict)  # named routes, suffix copies left out
    patterns: list[Route] = field(default_factory=list)  # every pattern, in Django's order
    gaps: list[UrlGap] = field(default_factory=list)
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


def _build(project: ProjectModel) -> UrlIndex:
    return _Builder(project).build()


def url_index(project: ProjectModel) -> UrlIndex:
    """The project's URL index (memoised per ProjectModel; records what it read)."""
    found = project.derived(_build)
    from django_expert.analyzers.project.model import record

    record([("classes",), *project.settings().keys, *found.keys])
    return found


@dataclass(frozen=True, slots=True)
class _Space:
    """A namespace an include declares (relative to where it is included)."""

    namespace: str
    app_name: str | None


@dataclass(frozen=True, slots=True)
class _OpenPrefix:
    """Names starting with this (relative) prefix are accepted unchecked (a viewset whose
    actions cannot all be read)."""

    prefix: str


_Piece = Route | UrlGap | _Space | _OpenPrefix


class _Bound(NamedTuple):
    """A value bound to a module-level name: where it is written (`module`, statement index)."""

    value: Value
    module: str
    statement: int


class _Builder:
    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.index = UrlIndex()
        self._reached: set[str] = set()
        self._routers: dict[tuple[str, str], list[_Piece]] = {}
        self._registers: dict[str, list[tuple[str, int, Call]]] | None = None

    def registrations(self, func: str) -> list[tuple[str, int, Call]]:
        """(module, index, call) of the module-level calls of `func` (`api.routers.router.register`),
        indexed once: a project may have many routers."""
        if self._registers is None:
            self._registers = {}
            for module, facts in self.project.facts.items():
                for index, call in enumerate(facts.calls):
                    if call.func.endswith(".register"):
                        self._registers.setdefault(call.func, []).append((module, index, call))
        found = self._registers.get(func, [])
        for module, _, _ in found:
            self._facts(module)
        return found

    def build(self) -> UrlIndex:
        index = self.index
        setting = self.project.settings().get("ROOT_URLCONF")
        root = string(setting.value) if setting is not None else None
        if root is not None and root in self.project.facts:
            index.known = True
            pieces, _ = self._module_patterns(root, 0, frozenset())
            self._collect(pieces)
        elif self.project.layout.settings_module is None:
            # Library code has no ROOT_URLCONF: its URL confs are the ones it offers for
            # projects to include, those no other one of its modules reaches. Names stay
            # unchecked (`known` is False): a project chooses the namespace.
            for module in self._offered_urlconfs():
                if module not in self._reached:
                    pieces, _ = self._module_patterns(module, 0, frozenset())
                    self._collect(pieces)
        # Patterns of modules the root URL conf does not reach may serve another URL conf
        # (per-request `request.urlconf`, django-hosts, tests): their names are never "unknown".
        root_path = self.project.layout.root
        for module, facts in self.project.facts.items():
            path = self.project.path_of(module)
            if module in self._reached or path is None or not Path(path).is_relative_to(root_path):
                continue
            for statement in facts.statements:
                for value in (statement.value, *statement.args):
                    index.names_anywhere.update(_pattern_names(value))
        return index

    def _offered_urlconfs(self) -> list[str]:
        """Modules of the project's own code that set `urlpatterns`, outer packages first."""
        root = self.project.layout.root
        found = []
        for module, facts in self.project.facts.items():
            path = self.project.path_of(module)
            if path is not None and Path(path).is_relative_to(root) and \
                    any(s.name == "urlpatterns" and s.kind == "assign" for s in facts.statements):
                found.append(module)
        return sorted(found, key=lambda m: (m.count("."), m))

    def _collect(self, pieces: list[_Piece]) -> None:
        index = self.index
        for piece in pieces:
            match piece:
                case Route():
                    index.patterns.append(piece)
                    if piece.name and not piece.suffix:
                        index.add(piece)
                case UrlGap():
                    index.gaps.append(piece)
                    if piece.open:
                        index.open_namespaces.add(piece.namespace)
                case _Space(namespace=namespace, app_name=app_name):
                    if namespace:
                        index.namespaces.add(namespace)
                    if app_name:
                        index.app_namespaces.setdefault(app_name, set()).add(namespace)
                case _OpenPrefix(prefix=prefix):
                    index.open_prefixes.add(prefix)
        for route in index.patterns:  # `format_suffix_patterns(..., suffix_required=True)`: only copies
            if route.suffix and route.name and route.name not in index.routes:
                index.add(route)

    # -- names bound at module level

    def _facts(self, module: str):
        self.index.keys.add(("module", module))
        self._reached.add(module)
        return self.project.facts.get(module)

    def _bindings(self, module: str, name: str, before: int | None, depth: int) -> list[_Bound] | None:
        """The values `name` holds in `module` before statement `before` (None: once the
        module is imported): assignments reset it, `+=` and `.append/.extend/.insert` add to
        it, and a name imported from elsewhere starts as that module's value. None when
        `module` never binds `name`."""
        facts = self._facts(module)
        if facts is None or depth > _MAX_DEPTH:
            return None
        bound: list[_Bound] | None = None
        imported = next((i.target for i in facts.imports if i.local == name), None)
        if imported is not None:
            bound = [_Bound(Ref(imported), "", -1)]
        for index, statement in enumerate(facts.statements):
            if before is not None and index >= before:
                break
            if statement.kind == "star_import" and not statement.conditional:
                found = self._bindings(statement.name, name, None, depth + 1)
                bound = found if found is not None else bound
            elif statement.name == name:
                bound = _bind(bound, statement, module, index)
        return bound

    def _resolve(self, name: str, module: str, before: int | None, depth: int) -> str | list[_Bound] | None:
        """What a (qualified) name written in `module` refers to: a module name, the values
        it is bound to, or None when nobody indexed binds it."""
        if depth > _MAX_DEPTH:
            return None
        if name in self.project.facts:
            return name
        if "." not in name:
            return self._bindings(module, name, before, depth)
        owner, _, attr = name.rpartition(".")
        if owner in self.project.facts:
            return self._bindings(owner, attr, None, depth)
        return None

    # -- a value that holds URL patterns

    def _module_patterns(self, module: str, depth: int, seen: frozenset[str]) -> tuple[list[_Piece], str | None]:
        """A URL conf module's `urlpatterns` (a package's, or a re-exported list, too) and its `app_name`."""
        if module in seen or depth > _MAX_DEPTH:
            return [UrlGap("", "", "", "unknown", f"{module} includes itself", module)], None
        seen = seen | {module}
        bound = self._bindings(module, "urlpatterns", None, depth)
        if bound is None:
            return [UrlGap("", "", "", "unknown", f"{module} has no urlpatterns", module)], None
        pieces = [p for b in bound for p in self._patterns(b.value, b.module or module, b.statement, depth + 1, seen)]
        names = self._bindings(module, "app_name", None, depth)
        app_name = string(names[-1].value) if names else None
        return pieces, app_name

    def _patterns(self, value: Value | None, module: str, statement: int, depth: int,
                  seen: frozenset[str]) -> list[_Piece]:
        """The patterns a value evaluates to, `module` being where its names are written."""
        if value is None or depth > _MAX_DEPTH:
            return []
        walk = lambda v: self._patterns(v, module, statement, depth + 1, seen)  # noqa: E731
        where = {"module": module, "location_key": f"stmt:{statement}" if statement >= 0 else ""}
        match value:
            case Seq(items=items):
                return [p for item in items for p in walk(item)]
            case Starred(value=inner):
                return walk(inner)
            case BinOp(op="+", left=left, right=right):
                return walk(left) + walk(right)
            case Ref(name=name):
                return self._named(name, module, statement, depth, seen)
            case Call(func=func) if func in _PATH:
                return self._path(value, module, statement, depth, seen)
            case Call(func=func, args=args) if func in _LISTS and len(args) == 1:
                return walk(args[0])
            case Call(func=func) if func in _I18N:
                return self._i18n(value, walk)
            case Call(func=func) if func in _SUFFIX:
                return self._format_suffixes(value, walk)
            case Call(func=func) if func in _STATIC:
                return []  # serves files only with DEBUG on, and has no name
            case Call(func=func):
                return [UrlGap("", "", "", "unknown", f"the result of {func or 'a call'}()", **where)]
            case Const(value=None):
                return []
            case Unknown(kind=kind):
                return [UrlGap("", "", "", "unknown", f"a {kind or 'computed'} expression", **where)]
        return [UrlGap("", "", "", "unknown", f"a {type(value).__name__} value", **where)]

    def _named(self, name: str, module: str, statement: int, depth: int, seen: frozenset[str]) -> list[_Piece]:
        where = {"module": module, "location_key": f"stmt:{statement}" if statement >= 0 else ""}
        owner, _, attr = name.rpartition(".")
        if attr == "urls" and owner:
            made = self._urls_property(owner, module, statement, depth, seen)
            if made is not None:
                return made
        found = self._resolve(name, module, statement if statement >= 0 else None, depth)
        if isinstance(found, list):
            return [p for b in found
                    for p in self._patterns(b.value, b.module or module, b.statement if b.module else statement,
                                            depth + 1, seen)]
        detail = f"module {name}, not a list" if isinstance(found, str) else f"{name}, which nobody indexed binds"
        return [UrlGap("", "", "", "unknown", detail, **where)]

    def _urls_property(self, owner: str, module: str, statement: int, depth: int,
                       seen: frozenset[str]) -> list[_Piece] | None:
        """`<router>.urls` or `<admin site>.urls`; None when `owner` is neither."""
        where = {"module": module, "location_key": f"stmt:{statement}" if statement >= 0 else ""}
        if owner in _ADMIN_SITE or owner.endswith("admin.site"):
            return [UrlGap("admin", "", "", "admin", "admin.site", **where), _Space("admin", "admin")]
        found = self._resolve(owner, module, None, depth)
        if not isinstance(found, list) or not found:
            return None
        made = found[-1]
        if isinstance(made.value, Ref):  # imported: follow to where it is made
            if made.value.name == owner:
                return None
            return self._urls_property(made.value.name, made.module or module, statement, depth + 1, seen)
        if not isinstance(made.value, Call):
            return None
        var = owner.rpartition(".")[2]
        handed: list[_Piece] = []
        while made.module and made.statement >= 0 and any(isinstance(a, Ref) and a.name == var
                                                          for a in made.value.args):
            # `router = add_finding_urls(router)`: the router made earlier, which the call may extend
            handed.append(UrlGap("", "", "", "unknown", f"{var} passed to {made.value.func}(), which may register "
                                                        f"more", module=made.module, location_key=f"stmt:{made.statement}"))
            earlier = self._bindings(made.module, var, made.statement, depth + 1)
            if not earlier or not isinstance(earlier[-1].value, Call):
                return None
            made = earlier[-1]
        mro = self.project.mro(self.project.classes.canonical(made.value.func)) if made.value.func else ()
        if any(c in _ADMIN_SITE_CLASS for c in mro):
            name = string(made.value.kwarg("name")) or (string(made.value.args[0]) if made.value.args else "admin")
            if name is None:
                return [UrlGap("", "", "", "unknown", f"{owner}.urls: an admin site whose name is computed", **where)]
            return [UrlGap(name, "", "", "admin", owner, **where), _Space(name, "admin")]
        if _SIMPLE_ROUTER in mro or _DEFAULT_ROUTER in mro:
            key = (made.module, var if made.module else owner)
            if key not in self._routers:
                self._routers[key] = _Router(self, made, key[1], mro).urls() + handed
            return self._routers[key]
        return None

    # -- path(), include()

    def _path(self, call: Call, module: str, statement: int, depth: int, seen: frozenset[str]) -> list[_Piece]:
        where = {"module": module, "location_key": f"stmt:{statement}" if statement >= 0 else ""}
        regex = call.func.rpartition(".")[2] != "path"
        text = string(call.args[0]) if call.args else string(call.kwarg("route"))
        kind = "re_path" if regex else "path"
        if text is None:  # computed (`r"^{}api/".format(prefix)`): what it holds is still listed, under "…"
            text, regex = UNKNOWN_ROUTE, False
        target = call.args[1] if len(call.args) > 1 else call.kwarg("view")
        included: list[_Piece] | None = None
        if isinstance(target, Call) and target.func in _INCLUDE:
            included = self._include(target, module, statement, depth, seen)
        elif isinstance(target, Ref) and target.name.endswith(".urls"):
            included = self._urls_property(target.name[: -len(".urls")], module, statement, depth, seen)
        elif isinstance(target, Seq) and len(target.items) == 3:  # include()'s result spelt out
            patterns, app_name, namespace = target.items
            included = self._namespaced(self._include_target(patterns, module, statement, depth, seen),
                                        string(app_name), string(namespace))
        if included is not None:
            return _nest(included, text, regex)
        if isinstance(target, Ref) and target.name.endswith(".urls"):
            return _nest([UrlGap("", "", "", "unknown", f"{target.name}, neither a router nor an admin site",
                                 **where)], text, regex)
        name = string(call.kwarg("name")) if call.kwarg("name") is not None else (
            string(call.args[3]) if len(call.args) > 3 else None)
        extra = call.args[2] if len(call.args) > 2 else call.kwarg("kwargs")
        defaults = frozenset(k.value for k, _ in extra.items if isinstance(k, Const) and isinstance(k.value, str)) \
            if isinstance(extra, Mapping) else frozenset()
        own = _route_params(text, regex) if text != UNKNOWN_ROUTE else None
        return [Route(name or "", _display(text, regex), own[0] if own else None, own[1] if own else 0,
                      defaults=defaults, view=self._view_name(target), kind=kind,
                      pattern=text, leaf=text, regex=regex, actions=_action_map(target), **where)]

    def _include(self, call: Call, module: str, statement: int, depth: int, seen: frozenset[str]) -> list[_Piece]:
        first = call.args[0] if call.args else call.kwarg("arg")
        namespace_value = call.kwarg("namespace") if call.kwarg("namespace") is not None else (
            call.args[1] if len(call.args) > 1 else None)
        namespace = string(namespace_value)
        app_name = None
        if isinstance(first, Seq) and first.kind == "tuple" and len(first.items) == 2:
            first, app_name = first.items[0], string(first.items[1])
        pieces, module_app_name = self._include_target(first, module, statement, depth, seen)
        return self._namespaced((pieces, module_app_name), app_name, namespace)

    def _namespaced(self, included: tuple[list[_Piece], str | None], app_name: str | None,
                    namespace: str | None) -> list[_Piece]:
        """Django's include(): a module's `app_name` wins, the instance namespace defaults to it."""
        pieces, module_app_name = included
        app_name = module_app_name or app_name
        namespace = namespace or app_name
        if not namespace:
            return pieces
        return [_Space(namespace, app_name), *_nest(pieces, "", False, namespace)]

    def _include_target(self, target: Value | None, module: str, statement: int, depth: int,
                        seen: frozenset[str]) -> tuple[list[_Piece], str | None]:
        """The patterns an include()'s first argument names, and the module's app_name."""
        where = {"module": module, "location_key": f"stmt:{statement}" if statement >= 0 else ""}
        name = string(target)
        if name is None and isinstance(target, Ref):  # a module object, maybe a library's (`debug_toolbar.urls`)
            found = self._resolve(target.name, module, statement, depth)
            outside = found is None and self._library_name(target.name, module)
            name = found if isinstance(found, str) else target.name if outside else None
        if name is None:
            return self._patterns(target, module, statement, depth + 1, seen), None
        path = self.project.path_of(name) if name in self.project.facts else None
        if path is None:
            return self._library(name, where), (KNOWN_MODULES[name][0] if name in KNOWN_MODULES else None)
        pieces, app_name = self._module_patterns(name, depth + 1, seen)
        if not Path(path).is_relative_to(self.project.layout.root):
            pieces = [replace(p, library=True) if isinstance(p, Route) else p for p in pieces]
            pieces.append(UrlGap("", "", "", "library", name, open=False, **where))
        return pieces, app_name

    def _library_name(self, name: str, module: str) -> bool:
        """Whether a dotted name can only be a library's: no indexed module belongs to its
        top-level package and `module` binds no variable of that name (`router.urls`)."""
        top = name.partition(".")[0]
        facts = self.project.facts.get(module)
        if "." not in name or any(s.name == top for s in (facts.statements if facts else ())):
            return False
        return not any(other == top or other.startswith(top + ".") for other in self.project.facts)

    def _library(self, name: str, where: dict) -> list[_Piece]:
        if name not in KNOWN_MODULES:
            return [UrlGap("", "", "", "library", name, **where)]
        _, names = KNOWN_MODULES[name]
        return [UrlGap("", "", "", "library", name, open=False, **where),
                *(Route(bare, "…", None, pattern="…", library=True, **where) for bare in names)]

    def _i18n(self, call: Call, walk) -> list[_Piece]:
        pieces = [p for arg in call.args for p in walk(arg)]
        enabled = self.project.settings().get("USE_I18N")
        if enabled is not None and isinstance(enabled.value, Const) and enabled.value.value is False:
            return pieces  # i18n_patterns() returns the list unchanged
        return _nest(pieces, LANGUAGE_PREFIX, False, display=LANGUAGE_PREFIX)

    def _format_suffixes(self, call: Call, walk) -> list[_Piece]:
        required = call.kwarg("suffix_required") or (call.args[1] if len(call.args) > 1 else Const(False))
        allowed = call.kwarg("allowed") or (call.args[2] if len(call.args) > 2 else Const(None))
        pieces = walk(call.args[0] if call.args else call.kwarg("urlpatterns"))
        allowed_names = strings(allowed) if not (isinstance(allowed, Const) and allowed.value is None) else ()
        if not isinstance(required, Const) or allowed_names is None:
            return pieces + [UrlGap("", "", "", "unknown", "format_suffix_patterns() with computed options")]
        return _suffixed(pieces, bool(required.value), allowed_names, self._suffix_kwarg())

    def _suffix_kwarg(self) -> str:
        drf = self.project.settings().get("REST_FRAMEWORK")
        value = drf.value.get("FORMAT_SUFFIX_KWARG") if drf is not None and isinstance(drf.value, Mapping) else None
        return string(value) or "format"

    def _view_name(self, value: Value | None) -> str | None:
        if isinstance(value, Ref):
            return value.name
        if isinstance(value, Call) and value.func.endswith(".as_view"):
            return self.project.classes.canonical(value.func.rpartition(".")[0])
        return None


def _bind(bound: list[_Bound] | None, statement: Statement, module: str, index: int) -> list[_Bound] | None:
    """The values of a name after one more statement."""
    here = lambda value: _Bound(value, module, index)  # noqa: E731
    if statement.kind == "assign" and not statement.path and statement.value is not None:
        return [*(bound or []), here(statement.value)] if statement.conditional else [here(statement.value)]
    if statement.kind == "augassign" and statement.value is not None:
        return [*(bound or []), here(statement.value)]
    if statement.kind == "mutate" and statement.op in ("append", "extend", "insert") and statement.args:
        arg = statement.args[-1]
        return [*(bound or []), here(arg if statement.op == "extend" else Seq("list", (arg,)))]
    if statement.kind == "delete" and not statement.conditional:
        return []
    return bound


def _action_map(value: Value | None) -> tuple[tuple[str, str], ...]:
    """`ViewSet.as_view({"get": "list"})` -> (("get", "list"),)."""
    if not isinstance(value, Call) or not value.func.endswith(".as_view"):
        return ()
    actions = value.args[0] if value.args else value.kwarg("actions")
    if not isinstance(actions, Mapping):
        return ()
    return tuple((k.value, v.value) for k, v in actions.items
                 if isinstance(k, Const) and isinstance(v, Const) and isinstance(k.value, str)
                 and isinstance(v.value, str))


def _nest(pieces: list[_Piece], text: str, regex: bool, namespace: str = "", display: str | None = None) -> list[_Piece]:
    """Pieces included under a pattern `text` and an instance namespace."""
    shown = display if display is not None else _display(text, regex)
    own = None if text == UNKNOWN_ROUTE else _route_params(text, regex) if text else ((), 0)
    nested: list[_Piece] = []
    for piece in pieces:
        match piece:
            case Route():
                params = (own[0] + piece.params) if own is not None and piece.params is not None else None
                nested.append(replace(piece, name=_join(namespace, piece.name) if piece.name else "",
                                      pattern=text + piece.pattern, route=shown + piece.route, params=params,
                                      positional=piece.positional + (own[1] if own else 0)))
            case UrlGap():
                nested.append(replace(piece, namespace=_join(namespace, piece.namespace), pattern=text + piece.pattern,
                                      route=shown + piece.route))
            case _Space():
                nested.append(_Space(_join(namespace, piece.namespace), piece.app_name))
            case _OpenPrefix():
                nested.append(_OpenPrefix(_join(namespace, piece.prefix)))
    return nested


def _suffixed(pieces: list[_Piece], required: bool, allowed: tuple[str, ...], kwarg: str) -> list[_Piece]:
    """DRF's format_suffix_patterns(): after each pattern, a copy whose own part ends in a
    `.json`-style suffix (the original dropped when the suffix is required)."""
    if allowed:
        choice = allowed[0] if len(allowed) == 1 else "(%s)" % "|".join(allowed)
        suffix_regex = r"\.(?P<%s>%s)/?$" % (kwarg, choice)
    else:
        suffix_regex = r"\.(?P<%s>[a-z0-9]+)/?$" % kwarg
    converter = "_".join(("drf_format_suffix", *allowed))
    out: list[_Piece] = []
    for piece in pieces:
        if not isinstance(piece, Route) or piece.library:
            out.append(piece)
            continue
        if not required:
            out.append(replace(piece, optional=piece.optional | {kwarg}))
        head = piece.pattern[: len(piece.pattern) - len(piece.leaf)]
        shown = piece.route[: len(piece.route) - len(_display(piece.leaf, piece.regex))]
        stem = piece.leaf.rstrip("$").rstrip("/")
        leaf = stem + (suffix_regex if piece.regex else f"<{converter}:{kwarg}>")
        params = (*piece.params, kwarg) if piece.params is not None else None
        out.append(replace(piece, pattern=head + leaf, leaf=leaf, route=shown + _display(leaf, piece.regex),
                           params=params, suffix=True))
    return out


# -- DRF routers ------------------------------------------------------------------------------------


class _Action(NamedTuple):
    """An `@action` of a viewset, as DRF's `get_extra_actions()` sees it."""

    method: str
    detail: bool
    url_path: str
    url_name: str
    mapping: tuple[tuple[str, str], ...]


_COMPUTED = object()  # a class attribute whose value is not a constant


class _Router:
    """A DRF router's `urls`, generated as `rest_framework/routers.py` (3.15+) does: per
    registration the list route, the list `@action`s, the detail route and the detail
    `@action`s (a standard route only when the viewset has one of its actions); then, for
    a DefaultRouter, `path("", APIRootView, name="api-root")` and format-suffix copies."""

    def __init__(self, builder: _Builder, made: _Bound, var: str, mro: tuple[str, ...]) -> None:
        self.builder = builder
        self.project = builder.project
        self.made = made
        self.var = var
        self.mro = mro
        self.where = {"module": made.module, "location_key": f"stmt:{made.statement}"}

    def urls(self) -> list[_Piece]:
        options = self._options()
        overridden = self._overridden()
        if options is None or overridden:
            why = f"{self.var}: a router class overriding {overridden}" if overridden else \
                f"{self.var}: a router with computed options"
            return [UrlGap("", "", "", "unknown", why, **self.where)]
        trailing, regex = options
        pieces: list[_Piece] = []
        for module, index, call in self._registrations():
            pieces += self._registered(call, {"module": module, "location_key": f"call:{index}"}, trailing, regex)
        for module, index, call in self._handed_over():
            pieces.append(UrlGap("", "", "", "unknown", f"{self.var} passed to {call.func}(), which may register "
                                                        f"more", module=module, location_key=f"call:{index}"))
        if _DEFAULT_ROUTER in self.mro:
            if self._flag("include_root_view"):
                name = string(self._class_attr("root_view_name")) or "api-root"
                pieces.append(Route(name, "", (), view="rest_framework.routers.APIRootView", kind="router",
                                    **self.where))
            if self._flag("include_format_suffixes"):
                pieces = _suffixed(pieces, False, (), self.builder._suffix_kwarg())
        return pieces

    def _options(self) -> tuple[str, bool] | None:
        """(trailing slash, regular expressions) from `SimpleRouter(trailing_slash, use_regex_path)`."""
        call = self.made.value
        assert isinstance(call, Call)
        values = []
        for position, keyword in enumerate(("trailing_slash", "use_regex_path")):
            value = call.kwarg(keyword) or (call.args[position] if len(call.args) > position else Const(True))
            if not isinstance(value, Const):
                return None
            values.append(bool(value.value))
        return ("/" if values[0] else ""), values[1]

    def _overridden(self) -> str:
        for ancestor in self.mro:
            ref = self.project.resolve_class(ancestor)
            if ref is not None:
                names = {m.name for m in ref.fact.methods} | {name for name, _ in ref.fact.attrs}
                if names & _ROUTER_OVERRIDES:
                    return ", ".join(sorted(names & _ROUTER_OVERRIDES))
        return ""

    def _class_attr(self, attr: str) -> Value | None:
        for ancestor in self.mro:
            ref = self.project.resolve_class(ancestor)
            if ref is not None and ref.fact.attr(attr) is not None:
                return ref.fact.attr(attr)
        return None

    def _flag(self, attr: str) -> bool:
        value = self._class_attr(attr)
        return value is None or (isinstance(value, Const) and bool(value.value))

    def _registrations(self):
        """(module, call index, call) of every `<router>.register(...)`: in the module that
        makes the router first, then in the modules that import it."""
        owner = self.made.module
        yield from ((m, i, c) for m, i, c in self.builder.registrations(f"{self.var}.register") if m == owner)
        yield from ((m, i, c) for m, i, c in self.builder.registrations(f"{owner}.{self.var}.register") if m != owner)

    def _handed_over(self):
        """(module, index, call) of the module-level calls in the router's module that take
        the router as an argument (`add_finding_urls(router)`): they may register viewsets."""
        owner = self.made.module
        facts = self.builder._facts(owner)
        for index, call in enumerate(facts.calls if facts else ()):
            if call.func != f"{self.var}.register" and any(
                    isinstance(arg, Ref) and arg.name == self.var for arg in (*call.args, *(v for _, v in call.kwargs))):
                yield owner, index, call

    def _registered(self, call: Call, where: dict, trailing: str, regex: bool) -> list[_Piece]:
        prefix = string(call.args[0]) if call.args else string(call.kwarg("prefix"))
        viewset = call.args[1] if len(call.args) > 1 else call.kwarg("viewset")
        given = call.args[2] if len(call.args) > 2 else call.kwarg("basename")
        qualname = self.project.classes.canonical(viewset.name) if isinstance(viewset, Ref) else None
        basename = string(given) if given is not None else self._basename(qualname)
        lookup = self._lookup(qualname, regex) if qualname else None
        if prefix is None or qualname is None or basename is None or lookup is None:
            return [UrlGap("", "", "", "unknown", f"{self.var}.register() with a prefix, viewset, basename or "
                                                  f"lookup that cannot be read", **where)]
        standard, known = self._actions(qualname)
        extra, extra_known = self._extra_actions(qualname)
        pieces: list[_Piece] = []
        if not (known and extra_known):
            pieces.append(_OpenPrefix(f"{basename}-"))
        for template, mapping, name, detail in _ROUTER_ROUTES:
            if mapping is None:
                routes = [(template.replace("{url_path}", a.url_path), name.replace("{url_name}", a.url_name), a.mapping)
                          for a in extra if a.detail == detail]
            else:
                bound = tuple((m, a) for m, a in mapping.items() if a in standard or not known)
                routes = [(template, name, bound)] if bound else []
            for url, route_name, actions in routes:
                text = _router_url(url, prefix, lookup, trailing, regex)
                own = _route_params(text, regex)
                pieces.append(Route(route_name.replace("{basename}", basename), _display(text, regex),
                                    own[0] if own else None, own[1] if own else 0, view=qualname, kind="router",
                                    pattern=text, leaf=text, regex=regex, actions=actions, **where))
        return pieces

    def _lookup(self, qualname: str, regex: bool) -> str | None:
        """SimpleRouter.get_lookup_regex(); None when an attribute it reads is computed."""
        values = {attr: self._viewset_string(qualname, attr)
                  for attr in ("lookup_field", "lookup_url_kwarg", "lookup_value_regex", "lookup_value_converter")}
        if any(v is _COMPUTED for v in values.values()):
            return None
        kwarg = values["lookup_url_kwarg"] or values["lookup_field"] or "pk"
        value = values["lookup_value_converter"] if not regex else None
        value = value or values["lookup_value_regex"] or ("[^/.]+" if regex else "str")
        return f"(?P<{kwarg}>{value})" if regex else f"<{value}:{kwarg}>"

    def _viewset_string(self, qualname: str, attr: str):
        for ancestor in self.project.mro(qualname):
            ref = self.project.resolve_class(ancestor)
            value = ref.fact.attr(attr) if ref is not None else None
            if value is not None:
                return None if isinstance(value, Const) and value.value is None else string(value) or _COMPUTED
        return None

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
        from django_expert.analyzers.knowledge.bases import EXTERNAL_BASES

        actions: set[str] = set()
        known = True
        for ancestor in self.project.mro(qualname):
            actions.update(_MIXIN_ACTIONS.get(ancestor, ()))
            ref = self.project.resolve_class(ancestor)
            if ref is not None:
                actions.update(m.name for m in ref.fact.methods if m.name in _LIST_ACTIONS | _DETAIL_ACTIONS)
            elif ancestor not in EXTERNAL_BASES and ancestor not in _MIXIN_ACTIONS and ancestor != "object" \
                    and not ancestor.startswith("rest_framework."):
                known = False
        return actions, known

    def _extra_actions(self, qualname: str) -> tuple[list[_Action], bool]:
        """The viewset's `@action` methods, sorted by name as `inspect.getmembers` returns
        them, and whether each could be read."""
        seen: set[str] = set()
        found: list[_Action] = []
        known = True
        for ancestor in self.project.mro(qualname):
            ref = self.project.resolve_class(ancestor)
            for method in ref.fact.methods if ref is not None else ():
                if method.name in seen:
                    continue
                seen.add(method.name)
                decorator = next((c for c in method.decorator_calls if _is_action(c.func)), None)
                if decorator is None:
                    known = known and not any(_is_action(d) for d in method.decorators)
                    continue
                action = _action(method.name, decorator)
                known = known and action is not None
                found += [action] if action is not None else []
        return sorted(found, key=lambda a: a.method), known


def _is_action(func: str) -> bool:
    return func in _ACTION_DECORATORS or func.endswith("decorators.action") or \
        func.rpartition(".")[2] in ("detail_route", "list_route")


def _action(method: str, decorator: Call) -> _Action | None:
    """`@action(methods=None, detail=None, url_path=None, url_name=None, **kwargs)`."""
    if decorator.func.rpartition(".")[2] != "action":
        return None  # detail_route/list_route: gone since DRF 3.10
    given = dict(zip(("methods", "detail", "url_path", "url_name"), decorator.args))
    given.update((k, v) for k, v in decorator.kwargs if k in ("methods", "detail", "url_path", "url_name"))
    detail = given.get("detail")
    url_path = string(given["url_path"]) if "url_path" in given else method
    url_name = string(given["url_name"]) if "url_name" in given else method.replace("_", "-")
    methods = strings(given["methods"]) if "methods" in given else ("get",)
    if not isinstance(detail, Const) or not isinstance(detail.value, bool) or url_path is None or url_name is None:
        return None
    mapping = tuple((m.lower(), method) for m in methods) if methods is not None else ()
    return _Action(method, detail.value, url_path, url_name, mapping)


def _router_url(template: str, prefix: str, lookup: str, trailing: str, regex: bool) -> str:
    if not regex:
        template = template.removeprefix("^").removesuffix("$")
    text = template.replace("{prefix}", prefix).replace("{lookup}", lookup).replace("{trailing_slash}", trailing)
    if not prefix:  # a router included under a prefix of its own: no leading slash
        if not regex and text.startswith("/"):
            text = text[1:]
        elif regex and text.startswith("^/"):
            text = "^" + text[2:]
    return text


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
        elif isinstance(item, Starred):
            stack.append(item.value)
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
        source = text if text is not None else files.read_text(path)
        tree = parse_module(source, str(path))
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
