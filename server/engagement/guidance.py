"""Step 5: recommendations tied to the findings and to this project's own names, the test
strategy for the risky areas found, and observability suggestions.

Nothing here is generic advice: every recommendation cites a finding or something step 4
saw in the project (a view, a serializer, a setting, a task), with its place.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django_expert.server.engagement.inventory import Inventory, short
from django_expert.server.engagement.results import ContextDoc
from django_expert.server.engagement.scope import AREA_TITLES

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "hint": 3}
MAX_PATCHES_PER_CODE = 3
MAX_PATCHES = 20


def rule_summary(code: str) -> tuple[str, str]:
    """(name, one-line summary) of a rule; DJE000 is the file itself."""
    from django_expert.analyzers.rules.registry import all_rules

    rule = all_rules().get(code)
    if rule is None:
        return ("parse-error", "the file could not be decoded or parsed") if code == "DJE000" else (code, "")
    return rule.name, rule.summary


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _place(record: dict) -> dict:
    return {"path": record["filename"], "line": record["location"]["row"]}


def recommendations(order: tuple[str, ...], findings: list[dict], patches: dict[int, dict], inv: Inventory,
                    architecture: dict, controls: dict, docs: dict[str, ContextDoc]) -> list[dict]:
    """Recommendations grouped by focus area in the goal's order. `patches` maps a finding's
    index in `findings` to its patch; `docs` maps a rule code to its guidance document."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(findings):
        decision = record.get("decision")
        if decision and decision.get("status") in ("accepted", "rejected"):
            continue
        groups[(record["category"], record["code"])].append(index)
    recs: list[dict] = []
    for (area, code), indexes in groups.items():
        name, summary = rule_summary(code)
        records = [findings[i] for i in indexes]
        severity = min((r["severity"] for r in records), key=lambda s: SEVERITY_ORDER.get(s, 9))
        objects = [{**_place(r), "symbol": r.get("symbol"), "message": r["message"]} for r in records]
        recs.append({
            "area": area, "code": code, "source": "rule", "severity": severity, "count": len(records),
            "title": f"{code} {name}", "summary": _clip(summary),
            "objects": objects, "doc": docs[code].to_json() if code in docs else None, "explain": f"django-expert explain {code}",
            "patches": [patches[i] for i in indexes if i in patches],
        })
    recs += _derived(inv, architecture, controls, findings)
    rank = {area: i for i, area in enumerate(order)}
    recs.sort(key=lambda r: (rank.get(r["area"], 99), r["source"] != "rule", SEVERITY_ORDER.get(r["severity"], 9),
                             -r["count"], r["code"] or r["title"]))
    return recs


def _covered(findings: list[dict], area: str | None, path: str, symbol: str | None) -> bool:
    """Whether a finding (of `area`, or any) already reports on `symbol` in `path`."""
    return any((area is None or f["category"] == area) and f["filename"] == path and
               (symbol is None or f.get("symbol") == symbol or (f.get("symbol") or "").startswith(f"{symbol}.") or
                f"`{symbol}`" in f.get("original_message", f["message"])) for f in findings)


def _mentioned(findings: list[dict], path: str, name: str) -> bool:
    """Whether a finding in `path` names the setting `name` in its message."""
    return any(f["filename"] == path and re.search(rf"\b{re.escape(name)}\b", f.get("original_message", f["message"]))
               for f in findings)


def _derived(inv: Inventory, architecture: dict, controls: dict, findings: list[dict]) -> list[dict]:
    """Recommendations from what step 4 saw, for risks no rule reported."""
    recs: list[dict] = []

    def add(area: str, title: str, summary: str, objects: list[dict], severity: str = "info",
            doc: dict | None = None) -> None:
        recs.append({"area": area, "code": None, "source": "analysis", "severity": severity, "count": len(objects),
                     "title": title, "summary": summary, "objects": objects, "doc": doc, "explain": None,
                     "patches": []})

    # Views open through the default only: a view that writes AllowAny itself is public by design,
    # visibly so in review, and is not what this advice is about.
    open_views = [v for v in controls["permissions"]["open_views"]
                  if v["place"] and v["source"] == "default" and not _covered(findings, None, v["place"]["path"], v["view"])]
    if open_views:
        why = ("REST_FRAMEWORK sets no DEFAULT_PERMISSION_CLASSES, so DRF's default AllowAny applies"
               if not controls["permissions"]["default_permission_written"] else
               "the production DEFAULT_PERMISSION_CLASSES resolve to AllowAny")
        add("security", "DRF views open to anonymous clients",
            f"{why}: anyone can call these endpoints, writes included for viewsets. Set "
            "DEFAULT_PERMISSION_CLASSES (for example IsAuthenticated) and give public endpoints an explicit "
            "permission_classes (IsAuthenticatedOrReadOnly, AllowAny) so the exception is visible in review.",
            [{"path": v["place"]["path"], "line": v["place"]["line"], "symbol": v["view"],
              "message": f"`{v['view']}` ({v['pattern']}) — effective permission: "
                         f"{', '.join(v.get('permissions') or ['AllowAny'])} (default)"}
             for v in open_views], "warning")
    for block in controls["hardening"]:
        path = inv.place(block["module"]).path
        missing = [s for s in block["settings"] if s.get("ok") is False and not _mentioned(findings, path, s["setting"])]
        if missing:
            add("security", f"HTTPS hardening incomplete in {block['module']}",
                "These production settings are missing or unsafe; `python manage.py check --deploy "
                f"--settings={block['module']}` reports the same.",
                [{"path": path, "line": 1, "symbol": s["setting"],
                  "message": f"{s['setting']} {s['status']}: {s['why']}"} for s in missing], "warning")
    literal = [s for s in controls["secrets"] if s["storage"] in ("hard-coded", "environment, with a hard-coded fallback")
               and not _covered(findings, None, s["path"], s["setting"]) and not _mentioned(findings, s["path"], s["setting"])]
    if literal:
        add("security", "Secrets with a value in the source",
            "A secret in the repository is a secret shared with everyone who can read it. Read it from the "
            "environment without a fallback (fail fast), or from a secret manager; rotate any value that was committed.",
            [{"path": s["path"], "line": s["line"], "symbol": s["setting"],
              "message": f"{s['setting']} in {s['module']}: {s['storage']}"
                         + (f" ({', '.join(s['variables'])})" if s["variables"] else "")} for s in literal], "warning")
    env = controls["env_files"]
    if env["files"] and env["gitignored"] is not True:
        add("security", "A .env file inside the project",
            "`.env` files hold real credentials on developer machines; keep them out of version control "
            "(add them to .gitignore) and commit a `.env.example` with the variable names only.",
            [{"path": f, "line": 1, "symbol": None, "message": f"{f} is not excluded by .gitignore"}
             for f in env["files"]], "warning")
    if controls["csrf"]["csrf_exempt"]:
        add("security", "Views exempt from CSRF",
            "Each csrf_exempt view must authenticate by something other than the session cookie (a token, a "
            "signature); otherwise a third-party site can post as the user.",
            [{"path": e["place"]["path"], "line": e["place"]["line"], "symbol": e["name"],
              "message": f"`{e['name']}` is csrf_exempt"} for e in controls["csrf"]["csrf_exempt"]])
    nplus = []
    for view in inv.views.values():
        if _covered(findings, "performance", view.place.path, view.name):
            continue
        serializer = inv.serializer(view.serializer)
        if serializer is None or not view.queryset or view.queryset.optimised or view.kind not in ("drf-viewset",
                                                                                                     "drf-generic"):
            continue
        relations = [name for name, _ in serializer.nested]
        if relations:
            nplus.append({"path": view.place.path, "line": view.place.line, "symbol": view.name,
                          "message": f"`{view.name}` serializes `{view.queryset.model}` with `{serializer.name}`, "
                                     f"which nests {', '.join(f'`{r}`' for r in relations)}; its "
                                     f"{view.queryset.source} has no select_related/prefetch_related"})
    if nplus:
        add("performance", "List endpoints that may run one query per row",
            "A nested serializer reads a relation for every object of the page. Add select_related() for "
            "foreign keys and prefetch_related() for many-to-many and reverse relations where the queryset is "
            "built, and pin the query count with a test (section 7).", nplus, "warning")
    inside = [(t, site) for t in inv.tasks.values() for site in t.enqueued if site["transaction"]]
    if inside:
        add("performance", "Tasks enqueued inside a transaction",
            "A worker may pick the task before the transaction commits and not find the row. Enqueue with "
            "transaction.on_commit(lambda: task.delay(...)).",
            [{"path": site["path"], "line": site["line"], "symbol": site["in"],
              "message": f"`{t.name}` enqueued in `{site['in']}` inside transaction.atomic()"} for t, site in inside],
            "warning")
    never = [t for t in inv.tasks.values() if not t.enqueued and not t.scheduled]
    if never:
        add("performance", "Background tasks never enqueued from the project's code",
            "No .delay()/.apply_async() call and no schedule the source shows (CELERY_BEAT_SCHEDULE, "
            "app.conf.beat_schedule, add_periodic_task, @periodic_task): either a schedule outside the code runs "
            "them (django-celery-beat rows, cron: document it in deployment_notes.md) or they are dead code.",
            [{"path": t.place.path, "line": t.place.line, "symbol": t.name,
              "message": f"`{t.name}` ({t.framework}): neither enqueued nor scheduled in the source"} for t in never])
    for entry in architecture["middleware"]["entries"]:
        for problem in entry["problems"]:
            add("architecture", "Middleware order", problem,
                [{"path": architecture["middleware"].get("path") or "", "line": 1, "symbol": "MIDDLEWARE",
                  "message": f"{entry['short']} at position {entry['position']}: {problem}"}], "warning")
    for problem in architecture["middleware"]["problems"]:
        add("security" if "Csrf" in problem or "Security" in problem else "architecture", "Middleware missing", problem,
            [{"path": architecture["middleware"].get("path") or "", "line": 1, "symbol": "MIDDLEWARE",
              "message": problem}], "warning")
    deployment = architecture.get("deployment") or {}
    if deployment and not deployment.get("files"):
        add("deployment", "No deployment configuration in the repository",
            "How production runs (server, workers, static files, migrations on release) lives outside the "
            "project; write it down (Dockerfile, Procfile or deployment_notes.md) so environments stay at parity.",
            [{"path": e, "line": 1, "symbol": None, "message": f"entry point {e}"}
             for e in deployment.get("entry_points", [])] or
            [{"path": "", "line": 1, "symbol": None, "message": "no Dockerfile, Procfile, compose or manifests"}])
    return recs


# -- test strategy ----------------------------------------------------------------------------


def test_strategy(order: tuple[str, ...], inv: Inventory, findings: list[dict], controls: dict,
                  detected: dict) -> list[dict]:
    entries: list[dict] = []
    routes: dict = {}
    for route in inv.routes:  # a view's first route: a router's list route comes before its detail and actions
        if route.view:
            routes.setdefault(route.view, route)
    api = [(v, routes.get(v.qualname)) for v in inv.views.values() if v.is_drf and v.qualname in routes]
    open_views = [(v, r) for v, r in api if v.open_to_anyone and not inv.public_by_design(v, r)]
    protected = [(v, r) for v, r in api if not v.open_to_anyone and not inv.public_by_design(v, r)
                 and v.permissions_source in ("view", "default", "decorator")]
    if open_views or protected:
        lines = ["import pytest", "from django.urls import reverse", "from rest_framework.test import APIClient", ""]
        targets = []
        for view, route in (open_views + protected)[:4]:
            url = _url_expression(inv, route, view)
            if url is None:
                continue
            targets.append(view.name)
            method = "post" if view.kind in ("drf-viewset", "drf-generic", "drf-apiview") else "get"
            purpose = "rejects_anonymous_writes" if method == "post" else "requires_authentication"
            lines += ["", "@pytest.mark.django_db", f"def test_{_snake(view.name)}_{purpose}():",
                      "    client = APIClient()"]
            lines += [f"    response = client.{method}({url}, {{}}, format=\"json\")",
                      "    assert response.status_code in (401, 403)"]
        if targets:
            entries.append({
                "area": "security", "title": "Permission tests for every API endpoint",
                "why": ("open endpoints: " + ", ".join(v.name for v, _ in open_views)) if open_views else
                       "pin the permissions of the protected endpoints",
                "targets": targets, "example": "\n".join(lines) + "\n",
                "note": "A test per endpoint and method: anonymous, authenticated, owner/non-owner. Today the open "
                        "ones would answer 2xx; the test documents the intended rule and fails until it is enforced.",
            })
    risky = []
    for view, route in api:
        serializer = inv.serializer(view.serializer)
        if serializer and (serializer.nested or serializer.method_fields) and view.kind in ("drf-viewset",
                                                                                           "drf-generic"):
            risky.append((view, route, serializer))
    if risky:
        lines = ["import pytest", "from django.urls import reverse", ""]
        for view, route, _serializer in risky[:3]:
            url = _url_expression(inv, route, view, detail=False)
            if url is None:
                continue
            model = (view.model or "").rpartition(".")[2] or "object"
            lines += ["", "@pytest.mark.django_db",
                      f"def test_{_snake(view.name)}_list_query_count(client, django_assert_max_num_queries):",
                      f"    # create a page of {model} rows with their related objects (factories), then:",
                      "    with django_assert_max_num_queries(5):  # constant, whatever the number of rows",
                      f"        response = client.get({url})",
                      "    assert response.status_code == 200"]
        entries.append({
            "area": "performance", "title": "Query-count tests for list endpoints with nested serializers",
            "why": "; ".join(f"{v.name} → {s.name} nests {', '.join(n for n, _ in s.nested) or 'method fields'}"
                             for v, _, s in risky),
            "targets": [v.name for v, _, _ in risky], "example": "\n".join(lines) + "\n",
            "note": "pytest-django's django_assert_num_queries / django_assert_max_num_queries fixtures (or "
                    "TestCase.assertNumQueries) fail as soon as a change adds a query per row.",
        })
    exposed = [s for s in inv.serializers.values() if s.all_fields]
    if exposed:
        lines = []
        for serializer in exposed[:3]:
            module = serializer.qualname.rpartition(".")[0]
            lines += [f"from {module} import {serializer.name}", "", "",
                      f"def test_{_snake(serializer.name)}_exposes_only_reviewed_fields():",
                      f"    assert set({serializer.name}().fields) == {{\"id\", ...}}  # the reviewed list", ""]
        entries.append({
            "area": "api-design", "title": "Serializer field-exposure tests",
            "why": ", ".join(f"{s.name} uses fields = \"__all__\"" for s in exposed),
            "targets": [s.name for s in exposed], "example": "\n".join(lines).rstrip() + "\n",
            "note": "A field added to the model then fails this test instead of reaching API clients silently.",
        })
    codes = {f["code"] for f in findings}
    if any(f["category"] == "data-modeling" for f in findings):
        entries.append({
            "area": "data-modeling", "title": "Migrations are in sync with the models",
            "why": "data-modeling findings (" + ", ".join(sorted(c for c in codes if c.startswith("DJE2"))) + ") "
                   "will change models; a missing migration must fail CI",
            "targets": [], "example": "import pytest\nfrom django.core.management import call_command\n\n\n"
                                      "@pytest.mark.django_db\ndef test_no_missing_migrations():\n"
                                      "    call_command(\"makemigrations\", \"--check\", \"--dry-run\")\n",
            "note": "Fails when a model change has no migration.",
        })
    if inv.tasks:
        task = next(iter(inv.tasks.values()))
        module = task.qualname.rpartition(".")[0]
        params = _params(inv, task)
        arguments = ", ".join("1" for _ in params)
        comment = f"  # {', '.join(f'{p}=1' for p in params)}" if params else ""
        entries.append({
            "area": "performance", "title": "Background task tests",
            "why": ", ".join(f"{t.name} ({t.framework})" for t in inv.tasks.values()),
            "targets": [t.name for t in inv.tasks.values()],
            "example": f"import pytest\n\nfrom {module} import {task.name}\n\n\n@pytest.mark.django_db\n"
                       f"def test_{task.name}_runs(mailoutbox):\n"
                       f"    # create the rows it reads first (factories), then run it synchronously:\n"
                       f"    {task.name}.apply(args=[{arguments}]).get(){comment}\n",
            "note": "Run tasks eagerly in tests (task.apply() or CELERY_TASK_ALWAYS_EAGER in the test settings) and "
                    "assert their effects; test the enqueueing code path separately with a mocked .delay().",
        })
    if controls["hardening"]:
        modules = [b["module"] for b in controls["hardening"]]
        entries.append({
            "area": "deployment", "title": "Deployment checks in CI",
            "why": "production settings: " + ", ".join(modules),
            "targets": modules,
            "example": "".join(f"python manage.py check --deploy --fail-level WARNING --settings={m}\n" for m in modules),
            "note": "Run with the production environment variables set to dummy values in CI.",
        })
    if "DJE202" in codes:
        entries.append({"area": "data-modeling", "title": "__str__ of every model",
                        "why": "models without __str__ were found (DJE202)", "targets": [],
                        "example": "import pytest\nfrom django.apps import apps\nfrom django.db import models\n\n\n"
                                   "@pytest.mark.parametrize(\"model\", apps.get_app_config(\"<app_label>\").get_models())\n"
                                   "def test_models_define_str(model):\n"
                                   "    assert model.__str__ is not models.Model.__str__\n",
                        "note": "Replace <app_label> and import `models` from django.db."})
    tooling = []
    if "pytest-django" not in detected:
        tooling.append("pytest-django (fixtures: client, django_assert_num_queries, mailoutbox)")
    if "factory-boy" not in detected:
        tooling.append("factory_boy (one factory per model: " +
                       ", ".join(sorted({(v.model or '').rpartition('.')[2] + 'Factory' for v, _ in api if v.model}))
                       + ")")
    rank = {area: i for i, area in enumerate(order)}
    entries.sort(key=lambda e: rank.get(e["area"], 99))
    if tooling:
        entries.append({"area": "testing", "title": "Test tooling", "why": "not declared in the dependency files",
                        "targets": [], "example": "", "note": "Add " + "; ".join(tooling) + "."})
    return entries


def _params(inv: Inventory, task) -> list[str]:
    """The task's parameters a caller passes (not `self` of a bound task, not defaulted ones we cannot know)."""
    facts = inv.model.facts.get(task.qualname.rpartition(".")[0])
    function = next((f for f in facts.functions if f.name == task.name), None) if facts else None
    params = list(function.params) if function else []
    if "bind" in task.options and params[:1] == ["self"]:
        params = params[1:]
    return params[:1] if params else []


def _url_expression(inv: Inventory, route, view, detail: bool = False) -> str | None:
    if route is None:
        return None
    if route.url_name:
        if "<" in route.pattern or "(?P" in route.pattern:
            kwargs = _url_kwargs(route.pattern)
            return f'reverse("{route.url_name}", kwargs={{{kwargs}}})'
        return f'reverse("{route.url_name}")'
    return None


def _url_kwargs(pattern: str) -> str:
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern) + re.findall(r"\(\?P<(\w+)>", pattern)
    return ", ".join(f'"{name}": 1' for name in names)


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# -- observability ----------------------------------------------------------------------------


def observability(inv: Inventory, production: list[str], detected: dict) -> list[dict]:
    model = inv.model
    out: list[dict] = []
    logging_set = {module: model.settings(module).get("LOGGING") is not None for module in production}
    for module, present in logging_set.items():
        if not present:
            out.append({"title": f"Configure LOGGING in {module}",
                        "detail": "No LOGGING setting: errors of django.request reach only the default handlers "
                                  "(mail_admins when DEBUG is off). Log to stdout in a structured format and send "
                                  "django.request and django.security at WARNING or above to your log pipeline.",
                        "where": inv.place(module).path})
    imports = {i.target.split(".")[0] for s in inv.files.values() for i in s.facts.imports}
    if not ({"sentry_sdk", "opentelemetry", "newrelic", "ddtrace", "elasticapm", "rollbar"} & imports) and \
            "sentry-sdk" not in detected:
        where = inv.place(production[0]).path if production else ""
        out.append({"title": "Error tracking",
                    "detail": "No error tracker (Sentry, OpenTelemetry, ...) is initialised; unhandled exceptions "
                              "in production are only as visible as the logs. Initialise one in "
                              f"{production[0] if production else 'the production settings'} with the DSN read from "
                              "the environment.", "where": where})
    if inv.tasks:
        names = ", ".join(t.name for t in inv.tasks.values())
        out.append({"title": "Task visibility",
                    "detail": f"Log start, retry and failure of {names} (Celery's task_failure / task_retry "
                              "signals, or Flower) and alert on a growing queue; set time limits so a stuck task "
                              "does not hold a worker.", "where": next(iter(inv.tasks.values())).place.path})
    if not inv.health_routes and inv.routes:
        out.append({"title": "Health endpoint",
                    "detail": "No health-check URL: add a cheap view (database ping) for the load balancer and "
                              "the orchestrator's readiness probe.",
                    "where": inv.place(inv.root_urlconf).path if inv.root_urlconf else ""})
    settings = model.settings()
    if settings.get("CONN_MAX_AGE") is None and not _databases_conn_max_age(settings):
        out.append({"title": "Database connections",
                    "detail": "DATABASES has no CONN_MAX_AGE: every request opens a new connection. Measure, then "
                              "set CONN_MAX_AGE (with CONN_HEALTH_CHECKS) or use a pooler.",
                    "where": inv.place(settings.get("DATABASES").module).path if settings.get("DATABASES") else ""})
    return out


def _databases_conn_max_age(settings) -> bool:
    from django_expert.analyzers.facts.values import Mapping

    value = settings.value("DATABASES")
    if not isinstance(value, Mapping):
        return True  # computed (dj-database-url & co. set it): do not guess
    return any(isinstance(db, Mapping) and db.get("CONN_MAX_AGE") is not None for _, db in value.items)


def area_title(area: str) -> str:
    return AREA_TITLES.get(area, area)


__all__ = ["recommendations", "test_strategy", "observability", "rule_summary", "short"]
