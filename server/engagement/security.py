"""The project's security controls as its settings and code declare them (report section 6):
permissions, CSRF, secret storage, HTTPS hardening of the production settings, input
validation. Settings are named, never their values: a status says "set", "not set",
"read from the environment variable X" or "hard-coded", and only booleans and numbers of
the hardening settings are shown.
"""

from __future__ import annotations

from pathlib import Path

from django_expert.analyzers.facts.values import Call, Const, Env, Mapping, Ref, Seq, Value, strings
from django_expert.analyzers.project import drf as drf_views
from django_expert.analyzers.secrets import holds_credentials
from django_expert.server.engagement.inventory import Inventory, short

HARDENING = (
    ("DEBUG", False, "must be False in production"),
    ("ALLOWED_HOSTS", None, "must list the production host names"),
    ("SECURE_SSL_REDIRECT", True, "redirects HTTP to HTTPS (or the proxy does)"),
    ("SECURE_HSTS_SECONDS", None, "sends Strict-Transport-Security (start small, then a year)"),
    ("SESSION_COOKIE_SECURE", True, "session cookie over HTTPS only"),
    ("CSRF_COOKIE_SECURE", True, "CSRF cookie over HTTPS only"),
    ("SECURE_PROXY_SSL_HEADER", None, "needed behind a TLS-terminating proxy for request.is_secure()"),
    ("SECURE_CONTENT_TYPE_NOSNIFF", True, "X-Content-Type-Options: nosniff (Django's default is on)"),
)
_DEFAULT_OK = {"SECURE_CONTENT_TYPE_NOSNIFF"}  # Django's default is the safe value


def _credential_free_url(text: str) -> bool:
    """A URL without user information (`redis://localhost:6379/0`): configuration, not a secret."""
    scheme, sep, rest = text.partition("://")
    return bool(sep) and "@" not in rest.split("/", 1)[0]


def storage(value: Value | None) -> tuple[str, list[str]]:
    """How a secret setting is stored: (kind, environment variables)."""
    match value:
        case None:
            return "not set", []
        case Env(var=var, default=default):
            names = [var] if var else []
            if isinstance(default, Const) and isinstance(default.value, str) and default.value:
                if _credential_free_url(default.value):
                    return "environment, with a local default URL (no credentials)", names
                return "environment, with a hard-coded fallback", names
            return "environment", names
        case Const(value=str() as text):
            if _credential_free_url(text):
                return "URL without credentials", []
            return ("empty" if not text else "hard-coded"), []
        case Const():
            return "constant", []
        case Call(func=func) if func.endswith(("config", "db_url", "parse")) or "environ" in func:
            return "computed from the environment", []
    return "computed", []


def _status(setting, name: str) -> dict:
    if setting is None:
        return {"setting": name, "status": "not set"}
    value = setting.value
    entry = {"setting": name}
    if isinstance(value, Env):
        entry["status"] = f"read from the environment variable {value.var}" if value.var else \
            "read from the environment"
    elif isinstance(value, Const) and isinstance(value.value, (bool, int)) and name != "SECRET_KEY":
        entry["status"] = "set"
        entry["value"] = value.value
    else:
        entry["status"] = "set"
    if not setting.certain:
        entry["status"] += " (conditionally)"
    return entry


# Findings that mean a stranger or another tenant reaches data or acts as a user: the
# report's list of exposed endpoints, with the rule's evidence.
EXPOSURE = ("DJE303", "DJE304", "DJE305", "DJE307", "DJE309", "DJE310", "DJE406", "DJE412", "DJE416", "DJE417",
            "DJE418", "DJE419", "DJE420", "DJE421")


def controls(inv: Inventory, production: list[str], arch_api: list[dict], findings: list[dict] = ()) -> dict:
    model = inv.model
    settings = model.settings()
    drf = inv.drf_settings
    permissions = {
        "default_permission_classes": _names(drf.get("DEFAULT_PERMISSION_CLASSES")),
        "default_permission_written": _written(settings, "DEFAULT_PERMISSION_CLASSES"),
        "default_authentication_classes": _names(drf.get("DEFAULT_AUTHENTICATION_CLASSES")),
        "open_views": [{"view": row["view"], "pattern": row["pattern"], "place": row["view_place"],
                        "source": row["permissions_source"], "permissions": row["permissions"]}
                       for row in arch_api if row["open_to_anyone"]],
        "unprotected_django_views": [{"view": v.name, "place": v.place.to_dict()} for v in inv.views.values()
                                     if not v.is_drf and v.permissions_source == "none"],
    }
    # None when MIDDLEWARE cannot be known: no settings (a library) or computed beyond reading.
    middleware = None if not settings.exists else (
        strings(settings.value("MIDDLEWARE")) if settings.get("MIDDLEWARE") is not None else ())
    exempt = []
    for module, state in inv.files.items():
        for function in state.facts.functions:
            if any(_decorator_name(d).endswith("csrf_exempt") for d in function.decorators):
                exempt.append({"name": function.name, "place": inv.place(module, function.name).to_dict()})
        for cls in state.facts.classes:
            if any(_decorator_name(d).endswith("csrf_exempt") or
                   (isinstance(d, Call) and d.args and _decorator_name(d.args[0]).endswith("csrf_exempt"))
                   for d in cls.decorators) or any(m.decorators and any(x.endswith("csrf_exempt") for x in m.decorators)
                                                    for m in cls.methods):
                exempt.append({"name": cls.name, "place": inv.place(module, cls.name).to_dict()})
    skipping = sorted(name for name in inv.csrf_skipping if "." in name)
    csrf = {
        "middleware": None if middleware is None else "django.middleware.csrf.CsrfViewMiddleware" in middleware,
        "csrf_exempt": exempt,
        "session_authentication": any(n == "SessionAuthentication" for n in permissions["default_authentication_classes"] or []),
        # SessionAuthentication subclasses whose enforce_csrf does nothing, and who uses them
        "not_enforced": [{"class": short(name), "used_by": [short(u) for u in drf_views.authentication_users(model, name)]}
                         for name in skipping],
        "trusted_origins": _status(settings.get("CSRF_TRUSTED_ORIGINS"), "CSRF_TRUSTED_ORIGINS")["status"],
    }
    secrets = _secret_settings(inv)
    env_files = [Path(p) for p in inv.layout.env_files]
    gitignore = _gitignored(inv.root, [p.name for p in env_files])
    hardening = []
    for module in production:
        evaluated = model.settings(module)
        items = []
        for name, safe, why in HARDENING:
            entry = _status(evaluated.get(name), name)
            entry["why"] = why
            value = entry.get("value")
            if entry["status"] == "not set":
                entry["ok"] = name in _DEFAULT_OK
            elif safe is not None and isinstance(value, bool):
                entry["ok"] = value == safe
            elif name == "SECURE_HSTS_SECONDS" and isinstance(value, int):
                entry["ok"] = value > 0
            else:
                entry["ok"] = None  # set, from the environment or computed: cannot tell statically
            items.append(entry)
        hardening.append({"module": module, "settings": items})
    validation = {
        "all_fields_serializers": [{"serializer": s.name, "model": s.model, "place": s.place.to_dict()}
                                   for s in inv.serializers.values() if s.all_fields],
        "exclude_serializers": [{"serializer": s.name, "model": s.model, "place": s.place.to_dict()}
                                for s in inv.serializers.values() if s.exclude],
        "password_validators": len(_seq(settings.value("AUTH_PASSWORD_VALIDATORS"))),
    }
    exposure = [{"code": r["code"], "message": r.get("original_message", r["message"]), "path": r["filename"],
                 "line": r["location"]["row"], "symbol": r.get("symbol")} for r in findings if r["code"] in EXPOSURE]
    return {"permissions": permissions, "csrf": csrf, "exposure": exposure, "secrets": secrets,
            "env_files": {"files": [_rel(p, inv.root) for p in env_files], "gitignored": gitignore},
            "hardening": hardening, "validation": validation}


def _secret_settings(inv: Inventory) -> list[dict]:
    """Every secret-looking setting (and DATABASES passwords), where it is set and how it is stored."""
    found: dict[tuple[str, int, str], dict] = {}
    model = inv.model
    for module in inv.layout.settings_modules:
        evaluated = model.settings(module)
        for name in evaluated.names():
            setting = evaluated.get(name)
            if setting is None or setting.module not in inv.layout.settings_modules:
                continue
            key = (setting.module, setting.statement_index, name)
            if key in found:
                continue
            line = _line(inv, setting.module, setting.statement_index)
            if holds_credentials(name):
                kind, variables = storage(setting.value)
                found[key] = {"setting": name, "module": setting.module, "path": inv.place(setting.module).path,
                              "line": line, "storage": kind, "variables": variables}
            elif name == "DATABASES" and isinstance(setting.value, Mapping):
                for alias, database in setting.value.items:
                    if not isinstance(database, Mapping):
                        continue
                    password = database.get("PASSWORD")
                    if password is None:
                        continue
                    alias_name = alias.value if isinstance(alias, Const) else "?"
                    kind, variables = storage(password)
                    found[(setting.module, setting.statement_index, f"DATABASES.{alias_name}")] = {
                        "setting": f"DATABASES[{alias_name!r}]['PASSWORD']", "module": setting.module,
                        "path": inv.place(setting.module).path, "line": line, "storage": kind, "variables": variables}
    return sorted(found.values(), key=lambda item: (item["path"], item["line"], item["setting"]))


def _line(inv: Inventory, module: str, index: int) -> int:
    span = inv.model.locations_of(module).get(f"stmt:{index}")
    return span.start.line + 1 if span is not None else 1


def _names(value: Value | None) -> list[str] | None:
    if isinstance(value, Seq):
        out = []
        for item in value.items:
            if isinstance(item, Const) and isinstance(item.value, str):
                out.append(short(item.value))
            elif isinstance(item, Ref):
                out.append(short(item.name))
            else:
                out.append("?")
        return out
    return None


def _written(settings, key: str) -> bool:
    value = settings.value("REST_FRAMEWORK")
    return isinstance(value, Mapping) and value.get(key) is not None


def _seq(value: Value | None) -> tuple:
    return value.items if isinstance(value, Seq) else ()


def _decorator_name(value) -> str:
    if isinstance(value, Call):
        return value.func
    if isinstance(value, Ref):
        return value.name
    return ""


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _gitignored(root: Path, names: list[str]) -> bool | None:
    """Whether the project's .gitignore excludes its .env files (None: no .gitignore)."""
    path = Path(root) / ".gitignore"
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return None
    import fnmatch

    patterns = [line.lstrip("/") for line in lines if line and not line.startswith(("#", "!"))]
    return all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in names) if names else None
