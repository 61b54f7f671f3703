"""Step 4's picture of the project (report section 4): settings layout, apps, middleware,
the models as an ER diagram, the API map and the async/background work.

Every value here is JSON-ready and names things (modules, settings, classes, environment
variables); setting values are never copied, except class paths and module names, which
are code, not secrets.
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import BinOp, Call, Const, Env, Mapping, Seq, Value, string, strings
from django_expert.analyzers.project.settings import not_followed
from django_expert.server.engagement import erdiagram
from django_expert.server.engagement.inventory import Inventory, short

# (earlier, later): `earlier` must come before `later` in MIDDLEWARE when both are present.
MIDDLEWARE_ORDER = (
    ("django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
     "SecurityMiddleware belongs near the top, before SessionMiddleware"),
    ("django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware",
     "SecurityMiddleware belongs near the top, before CommonMiddleware"),
    ("whitenoise.middleware.WhiteNoiseMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
     "WhiteNoiseMiddleware belongs right after SecurityMiddleware, before every other middleware"),
    ("django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware",
     "WhiteNoiseMiddleware belongs right after SecurityMiddleware"),
    ("django.contrib.sessions.middleware.SessionMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware",
     "AuthenticationMiddleware needs the session: SessionMiddleware must come first"),
    ("django.contrib.sessions.middleware.SessionMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
     "MessageMiddleware (session storage) needs SessionMiddleware first"),
    ("django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.locale.LocaleMiddleware",
     "LocaleMiddleware reads the session: SessionMiddleware must come first"),
    ("django.middleware.locale.LocaleMiddleware", "django.middleware.common.CommonMiddleware",
     "LocaleMiddleware must come before CommonMiddleware"),
    ("corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware",
     "CorsMiddleware must come before CommonMiddleware"),
    ("django.middleware.csrf.CsrfViewMiddleware", "django.contrib.auth.middleware.RemoteUserMiddleware",
     "CsrfViewMiddleware must come before RemoteUserMiddleware"),
    ("django.middleware.cache.UpdateCacheMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
     "UpdateCacheMiddleware must come first, before SessionMiddleware"),
    ("django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.cache.FetchFromCacheMiddleware",
     "FetchFromCacheMiddleware must come last, after SessionMiddleware"),
)
EXPECTED_MIDDLEWARE = (
    ("django.middleware.security.SecurityMiddleware", "SecurityMiddleware is missing: no HTTPS redirects, HSTS or "
     "nosniff headers"),
    ("django.middleware.csrf.CsrfViewMiddleware", "CsrfViewMiddleware is missing: form posts have no CSRF protection"),
    ("django.middleware.clickjacking.XFrameOptionsMiddleware", "XFrameOptionsMiddleware is missing: pages can be framed"),
)


def env_vars(value: Value | None, out: set[str] | None = None) -> set[str]:
    """Names of the environment variables a setting value reads."""
    out = set() if out is None else out
    match value:
        case Env(var=var, default=default):
            if var:
                out.add(var)
            env_vars(default, out)
        case Seq(items=items):
            for item in items:
                env_vars(item, out)
        case Mapping(items=items):
            for key, item in items:
                env_vars(key, out)
                env_vars(item, out)
        case Call(args=args, kwargs=kwargs, receiver=receiver):
            for item in args:
                env_vars(item, out)
            for _, item in kwargs:
                env_vars(item, out)
            env_vars(receiver, out)
        case BinOp(left=left, right=right):
            env_vars(left, out)
            env_vars(right, out)
    return out


def settings_layout(inv: Inventory, production: list[str]) -> dict:
    layout = inv.layout
    model = inv.model
    modules = []
    entry_points = inv.settings_entry_points
    for module in layout.settings_modules:
        facts = model.facts.get(module)
        imports = [s.name for s in facts.statements if s.kind == "star_import"] if facts is not None else []
        used_by = sorted({path for path, settings in entry_points if settings == module})
        if module == layout.settings_module and layout.provenance.get("settings_module") and \
                layout.provenance["settings_module"] not in used_by:
            used_by.insert(0, layout.provenance["settings_module"])
        evaluated = model.settings(module)
        variables: set[str] = set()
        for name in evaluated.names():
            setting = evaluated.get(name)
            if setting is not None and setting.from_env:
                env_vars(setting.value, variables)
        modules.append({
            "module": module,
            "path": inv.place(module).path,
            "star_imports": imports,
            "used_by": used_by,
            "default": module == layout.settings_module,
            "production": module in production,
            "environment_variables": [{"name": var, "in_env_file": evaluated.env_defined(var)}
                                      for var in sorted(variables)],
            "problems": list(evaluated.problems),
        })
    return {
        "settings_module": layout.settings_module,
        "production_settings": production,
        "provenance": dict(layout.provenance),
        "modules": modules,
        "env_files": [_relative(path, inv.root) for path in layout.env_files],
        "not_seen": not_seen(inv, production),
    }


def not_seen(inv: Inventory, production: list[str]) -> list[dict]:
    """What the analyser could not follow, for the report's "What django-expert could not
    see": discovery's problems, then, for the settings module and each production one, the
    lines of `not_followed` (the same DJE113 says) and the `.env` files it could not read.
    Names only, never values."""
    layout, model = inv.layout, inv.model
    seen: list[dict] = [{"module": None, "what": problem} for problem in layout.problems]
    if layout.kind == "library":
        return seen  # no settings of its own: nothing is missing
    for module in dict.fromkeys([layout.settings_module, *production]):
        evaluated = model.settings(module)
        for what in (*not_followed(evaluated), *evaluated.env_problems):
            seen.append({"module": module, "what": what})
    return seen


def apps(inv: Inventory) -> list[dict]:
    model = inv.model
    registered = [m for m in model.models() if m.registered]
    result = []
    project_apps = [app for app in inv.apps() if app.resolved]
    labels_by_package = {app.name: app.label for app in project_apps}
    for app in inv.apps():
        own = [m for m in registered if m.app_label == app.label]
        is_project = bool(app.resolved) and any(m == app.name or m.startswith(app.name + ".") for m in inv.files)
        dependencies: set[str] = set()
        if is_project:
            for info in own:
                for f in info.fields:
                    if f.related_model and f.defined_in == info.label:
                        other = f.related_model.rpartition(".")[0]
                        if other != app.label:
                            dependencies.add(other)
            for module, state in inv.files.items():
                if module == app.name or module.startswith(app.name + "."):
                    for imported in state.facts.imports:
                        for package, label in labels_by_package.items():
                            if label != app.label and (imported.target == package or
                                                       imported.target.startswith(package + ".")):
                                dependencies.add(label)
        result.append({
            "label": app.label,
            "name": app.name,
            "entry": app.entry,
            "config": app.config_class,
            "kind": "project" if is_project else "library",
            "resolved": app.resolved,
            "models": len(own),
            "model_names": [m.name for m in own],
            "depends_on": sorted(dependencies),
        })
    return result


def middleware(inv: Inventory, module: str | None = None) -> dict:
    settings = inv.model.settings(module)
    setting = settings.get("MIDDLEWARE")
    names = strings(setting.value) if setting is not None else None
    if settings.module is None:  # a library: the projects that install it choose their middleware
        return {"module": None, "known": False, "entries": [], "problems": []}
    if setting is None:
        return {"module": settings.module, "known": False, "entries": [], "problems": ["MIDDLEWARE is not set"]}
    if names is None:
        return {"module": settings.module, "known": False, "entries": [],
                "problems": ["MIDDLEWARE is computed in a way django-expert cannot follow"]}
    position = {name: index for index, name in enumerate(names)}
    problems_at: dict[int, list[str]] = {}
    for earlier, later, why in MIDDLEWARE_ORDER:
        if earlier in position and later in position and position[earlier] > position[later]:
            problems_at.setdefault(position[earlier], []).append(why)
    missing = [why for name, why in EXPECTED_MIDDLEWARE if name not in position]
    entries = [{"position": i + 1, "name": name, "short": short(name), "problems": problems_at.get(i, [])}
               for i, name in enumerate(names)]
    return {"module": settings.module, "known": True, "conditional": not setting.certain,
            "entries": entries, "problems": missing}


def models(inv: Inventory, mentioned: set[tuple[str, str]]) -> dict:
    files = set(inv.files)
    graph = erdiagram.build_graph(inv.model.models(), lambda info: info.module in files, mentioned)
    diagrams = erdiagram.render(graph)
    return {"graph": graph.to_dict(), "diagrams": [{"app": app, "mermaid": text} for app, text in diagrams],
            "count": sum(1 for e in graph.entities.values() if e.project)}


def api_map(inv: Inventory) -> list[dict]:
    rows = []
    for route in inv.routes:
        view = inv.views.get(route.view) if route.view else None
        serializer = inv.serializer(view.serializer) if view is not None and view.serializer else None
        rows.append({
            "pattern": route.pattern,
            "kind": route.kind,
            "name": route.name,
            "url_name": route.url_name,
            "actions": [{"method": method, "action": action} for method, action in route.actions],
            "declared": route.place.to_dict() if route.place else None,
            "note": route.note,
            "view": view.name if view else (short(route.view) if route.view else None),
            "view_qualname": route.view,
            "view_kind": view.kind if view else None,
            "view_place": view.place.to_dict() if view else None,
            "serializer": serializer.name if serializer else (short(view.serializer) if view and view.serializer else None),
            "serializer_place": serializer.place.to_dict() if serializer else None,
            "model": view.model if view else None,
            "permissions": list(view.permissions) if view else [],
            "permissions_source": view.permissions_source if view else None,
            "pagination": view.pagination if view else None,
            "throttling": view.throttling if view else None,
            "authentication": view.authentication if view else None,
            "scoping": view.scoping if view else None,
            "open_to_anyone": bool(view and view.open_to_anyone),
        })
    return rows


def background(inv: Inventory) -> dict:
    async_views = [{"view": v.name, "qualname": v.qualname, "place": v.place.to_dict(),
                    "methods": list(v.async_methods) or ["(function)"]}
                   for v in inv.views.values() if v.is_async]
    tasks = [{"name": t.name, "qualname": t.qualname, "place": t.place.to_dict(), "framework": t.framework,
              "options": list(t.options), "enqueued": t.enqueued, "scheduled": t.scheduled} for t in inv.tasks.values()]
    consumers = []
    for module, state in inv.files.items():
        for cls in state.facts.classes:
            mro = inv.model.classes.mro(f"{module}.{cls.name}")
            if any(name.startswith("channels.") for name in mro[1:]):
                consumers.append({"name": cls.name, "place": inv.place(module, cls.name).to_dict()})
    asgi = string(inv.model.settings().value("ASGI_APPLICATION"))
    return {"async_views": async_views, "tasks": tasks, "consumers": consumers, "asgi_application": asgi}


def _relative(path, root) -> str:
    from pathlib import Path

    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).name


def constant_bool(value: Value | None) -> bool | None:
    return value.value if isinstance(value, Const) and isinstance(value.value, bool) else None
