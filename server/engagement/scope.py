"""Step 1, scope: versions, project type, deployment target, apps, the goal and the plan.

The goal is one of GOALS. Without one (and nobody to ask) the engagement defaults to
`refactor`: a whole-project review that weighs the focus areas in their canonical order
(architecture, data modeling, API design, security, performance, testing, deployment), so
the default biases the report toward no single concern; `--goal security` (or
performance, ...) reorders the plan, the findings' guidance and the test strategy.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from django_expert.server.engagement import versions
from django_expert.server.engagement.inventory import Inventory

GOALS = ("new-feature", "refactor", "performance", "security", "debugging")
DEFAULT_GOAL = "refactor"
_GOAL_ALIASES = {"feature": "new-feature", "new feature": "new-feature", "new_feature": "new-feature",
                 "perf": "performance", "debug": "debugging", "sec": "security", "review": "refactor"}
AREAS = ("architecture", "data-modeling", "api-design", "security", "performance", "testing", "deployment")
AREA_TITLES = {"architecture": "Project architecture", "data-modeling": "Data modeling", "api-design": "API design",
               "security": "Security", "performance": "Performance", "testing": "Testing",
               "deployment": "Deployment"}
PLAN_ORDER = {
    "security": ("security", "api-design", "deployment", "architecture", "data-modeling", "performance", "testing"),
    "performance": ("performance", "data-modeling", "api-design", "deployment", "architecture", "security",
                    "testing"),
    "refactor": AREAS,
    "new-feature": ("architecture", "data-modeling", "api-design", "testing", "security", "performance",
                    "deployment"),
    "debugging": ("data-modeling", "api-design", "performance", "architecture", "testing", "security",
                  "deployment"),
}
_WHAT = {
    "architecture": "settings layout and entry points, INSTALLED_APPS and app boundaries, middleware order",
    "data-modeling": "models, relations, constraints, nullability and migrations",
    "api-design": "DRF views, serializers (exposed fields), routers, pagination and filtering",
    "security": "permissions of every view (effective DRF defaults), CSRF, secret storage, production "
                "HTTPS settings, input validation",
    "performance": "querysets behind list endpoints (select_related/prefetch_related), per-row queries in "
                   "serializers and templates, background tasks",
    "testing": "what the risky areas above need as tests (permissions, query counts, migrations)",
    "deployment": "WSGI/ASGI entry points, production settings, static files, environment parity, observability",
}

Ask = Callable[[str, list[str]], "str | None"]

_DEPLOY_NAMES = ("Dockerfile", "Procfile", "fly.toml", "app.yaml", "app.yml", "render.yaml", "railway.json",
                 "railway.toml", "vercel.json", "serverless.yml", "zappa_settings.json", "nixpacks.toml",
                 "Caddyfile", "uwsgi.ini", "supervisord.conf", "heroku.yml")
_DEPLOY_PATTERNS = (re.compile(r"^Dockerfile.*$|^.*\.Dockerfile$"), re.compile(r"^(docker-)?compose.*\.ya?ml$"),
                    re.compile(r"^gunicorn.*\.(py|conf)$"), re.compile(r"^.*\.service$"))
_K8S_DIRS = ("k8s", "kubernetes", "kube", "deploy", "deployment", "manifests", "helm", "charts", "infra", "ops")
_SERVERS = (("uvicorn", "ASGI"), ("daphne", "ASGI"), ("hypercorn", "ASGI"), ("granian", None),
            ("gunicorn", "WSGI"), ("uwsgi", "WSGI"), ("waitress", "WSGI"), ("mod_wsgi", "WSGI"))
_MAX_SCAN = 400_000


def normalise_goal(goal: str | None) -> str | None:
    if goal is None:
        return None
    text = " ".join(goal.strip().lower().split())
    text = _GOAL_ALIASES.get(text, text).replace(" ", "-")
    if text not in GOALS:
        raise ValueError(f"unknown goal {goal!r}: choose one of {', '.join(GOALS)}")
    return text


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_SCAN:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def deployment(inv: Inventory) -> dict:
    """Deployment files (names only: they may hold credentials) and the server they start."""
    root = inv.root
    files: list[str] = []
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    for name in names:
        if (root / name).is_file() and (name in _DEPLOY_NAMES or any(p.match(name) for p in _DEPLOY_PATTERNS)):
            files.append(name)
    for folder in _K8S_DIRS:
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*.y*ml"))[:200]:
            text = _read(path)
            if re.search(r"^kind:\s*(Deployment|StatefulSet|Service|Ingress|CronJob|Job)\b", text, re.MULTILINE) \
                    or path.name in ("Chart.yaml", "values.yaml"):
                files.append(path.relative_to(root).as_posix())
    servers: dict[str, list[str]] = {}
    asgi_worker = False
    for name in files:
        text = _read(root / name).lower()
        for server, _ in _SERVERS:
            if re.search(rf"\b{server}\b", text):
                servers.setdefault(server, []).append(name)
        if "uvicornworker" in text or "uvicorn.workers" in text:
            asgi_worker = True
    wsgi_setting = _setting_string(inv, "WSGI_APPLICATION")
    asgi_setting = _setting_string(inv, "ASGI_APPLICATION")
    # Paths relative to the root, not bare file names: the report links to them.
    seen = sorted(s.path.relative_to(root).as_posix() for s in inv.files.values())
    entry_files = [f for p in ("wsgi.py", "asgi.py") for f in seen if f.endswith("/" + p) or f == p]
    evidence: list[str] = []
    if asgi_worker:
        target = "ASGI"
        evidence.append("gunicorn runs uvicorn workers (" + ", ".join(servers.get("gunicorn", [])) + ")")
    elif any(s in servers for s in ("uvicorn", "daphne", "hypercorn")):
        target = "ASGI"
        for server in ("uvicorn", "daphne", "hypercorn"):
            if server in servers:
                evidence.append(f"{server} in {', '.join(servers[server])}")
    elif any(s in servers for s in ("gunicorn", "uwsgi", "waitress", "mod_wsgi")):
        target = "WSGI"
        for server in ("gunicorn", "uwsgi", "waitress", "mod_wsgi"):
            if server in servers:
                evidence.append(f"{server} in {', '.join(servers[server])}")
    elif asgi_setting and not wsgi_setting:
        target = "ASGI"
        evidence.append("ASGI_APPLICATION is set")
    elif wsgi_setting:
        target = "WSGI"
        evidence.append(f"WSGI_APPLICATION = {wsgi_setting}")
    else:
        target = "unknown"
    if asgi_setting and target == "WSGI":
        evidence.append("ASGI_APPLICATION is also set (Channels or an ASGI server may serve part of the traffic)")
    if any(f.endswith("asgi.py") for f in entry_files) and target == "WSGI":
        evidence.append("an asgi.py exists too")
    if not files:
        evidence.append("no deployment files (Dockerfile, Procfile, compose, fly.toml, app.yaml, Kubernetes "
                        "manifests, gunicorn/uvicorn configuration) found")
    return {"target": target, "files": files, "servers": {k: v for k, v in sorted(servers.items())},
            "entry_points": entry_files, "evidence": evidence,
            "wsgi_application": wsgi_setting, "asgi_application": asgi_setting}


def _setting_string(inv: Inventory, name: str) -> str | None:
    from django_expert.analyzers.facts.values import string

    try:
        return string(inv.model.settings().value(name))
    except Exception:  # noqa: BLE001
        return None


def project_type(inv: Inventory) -> dict:
    views = inv.views.values()
    drf = [v for v in views if v.is_drf]
    templated = [v for v in views if not v.is_drf and v.renders_template]
    other_django = [v for v in views if not v.is_drf and not v.renders_template]
    templates = inv.templates
    if drf and (templated or (templates and other_django)):
        kind = "hybrid"
    elif drf:
        kind = "API-only"
    else:
        kind = "monolith"
    return {"type": kind, "drf_views": len(drf), "template_views": len(templated), "other_views": len(other_django),
            "templates": len(templates),
            "why": f"{len(drf)} DRF view(s), {len(templated)} template-rendering view(s), "
                   f"{len(templates)} template file(s)"}


def uses_drf(inv: Inventory, detected: dict) -> bool:
    apps = [app.name for app in inv.apps()]
    declared = (detected.get("djangorestframework") or {}).get("source") is not None
    return "rest_framework" in apps or declared or any(v.is_drf for v in inv.views.values())


def plan(goal: str, inv: Inventory, kind: dict, drf: bool, deployment: dict | None = None) -> list[dict]:
    steps = []
    project_apps = [a for a in inv.apps() if a.resolved and any(
        m == a.name or m.startswith(a.name + ".") for m in inv.files)]
    open_views = [v for v in inv.views.values() if v.open_to_anyone]

    tests = [m for m in inv.files if inv.is_test(m) and m.rpartition(".")[2] != "conftest"
             and m not in inv.layout.settings_modules]
    deployment_target = (deployment or {}).get("target", "unknown") + (
        ", files: " + ", ".join(deployment["files"]) if deployment and deployment.get("files") else
        ", no deployment files in the repository")
    facts = {
        "api-design": f"{kind['drf_views']} DRF view(s), {len(inv.serializers)} serializer(s), "
                      f"{len([r for r in inv.routes if r.kind in ('view', 'router')])} routed endpoint(s)"
        if drf else "no DRF: Django views and forms",
        "data-modeling": f"{len([m for m in inv.model.models() if m.module in inv.files and m.registered])} "
                         "installed model(s) of the project",
        "performance": f"{len(inv.tasks)} background task(s)",
        "architecture": f"{len(inv.layout.settings_modules)} settings module(s), "
                        f"{len(project_apps)} project app(s)",
        "security": f"{len(open_views)} DRF view(s) open to anonymous clients, "
                    f"{len(inv.layout.production_settings)} production settings module(s) to check"
        if drf else f"{len(inv.layout.production_settings)} production settings module(s) to check",
        "testing": f"{len(tests)} test module(s) found",
        "deployment": f"{deployment_target}",
    }
    for rank, area in enumerate(PLAN_ORDER[goal], 1):
        steps.append({"rank": rank, "area": area, "title": AREA_TITLES[area], "weighs": _WHAT[area],
                      "here": facts.get(area, "")})
    return steps


def choose_production(layout, ask: Ask | None, assumptions: list[str]) -> list[str]:
    production = list(layout.production_settings)
    if len(production) > 1:
        choice = ask("Several settings modules look like production. Which one does production use?",
                     production) if ask else None
        if choice in production:
            assumptions.append(f"production settings: {choice} (chosen)")
            return [choice]
        assumptions.append("several settings modules look like production (" + ", ".join(production) +
                           "); all of them are checked as production")
    elif not production:
        assumptions.append("no settings module looks like production (none named by wsgi.py/asgi.py or called "
                           "prod/production/live); production checks use " + str(layout.settings_module))
        if layout.settings_module:
            production = [layout.settings_module]
    return production


def detect_versions(inv: Inventory) -> dict:
    detected = versions.detect(inv.root, inv.layout.library_roots)
    return {key: value.to_dict() for key, value in detected.items()}
