"""Step 6's memory update: the generated sections of the four memory files.

Only generated sections (between django-expert markers) are written: everything a person
wrote around them is kept by `MarkdownMemoryStore.update`, and decisions are never
touched here (they are appended by `record_decision`). Names only, never setting values.
"""

from __future__ import annotations

from django_expert.memory import GeneratedSections

from django_expert.server.engagement.scope import AREA_TITLES


def _bullets(items: list[str], empty: str) -> str:
    return "\n".join(f"- {item}" for item in items) if items else f"- {empty}"


def sections(data: dict) -> dict[str, GeneratedSections]:
    scope, analysis, guidance = data["scope"], data["analyze"], data["guidance"]
    arch = analysis["architecture"]
    date = scope.date
    counts = analysis["counts"]["by_severity"]
    overview = {
        "scope": "\n".join([
            f"- Django: {scope.django}",
            f"- Django REST framework: {scope.drf}",
            f"- Project type: {scope.type.type} ({scope.type.why})",
            f"- Deployment target: {scope.deployment.target}"
            + (f" ({'; '.join(scope.deployment.evidence)})" if scope.deployment.evidence else ""),
            f"- Settings: {scope.settings_module} (default); production: "
            + (", ".join(scope.production_settings) or "none identified"),
        ]),
        "apps": _bullets([f"{a['label']} — `{a['name']}`, {a['models']} model(s)"
                          + (f", depends on {', '.join(a['depends_on'])}" if a["depends_on"] else "")
                          for a in arch["apps"] if a["kind"] == "project"], "no project apps found"),
        "last-engagement": "\n".join([
            f"- {date}: goal {scope.goal}; findings: "
            + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info", "hint")),
            "- Plan (focus areas in order): " + ", ".join(AREA_TITLES[p.area] for p in scope.plan),
        ]),
    }
    middleware = arch["middleware"]
    api_rows = [f"`{r['pattern']}` → {r['view'] or r['note'] or '?'}"
                + (f" → {r['serializer']}" if r["serializer"] else "") + (f" → {r['model']}" if r["model"] else "")
                + (f" ({', '.join(r['permissions'])}{', default' if r['permissions_source'] == 'default' else ''})"
                   if r["permissions"] else "")
                for r in arch["api_map"]]
    background = arch["background"]
    architecture = {
        "settings-layout": _bullets(
            [f"`{m['module']}`" + (" (default)" if m["default"] else "") + (" (production)" if m["production"] else "")
             + (f" — imports {', '.join(m['star_imports'])}" if m["star_imports"] else "")
             + (f"; used by {', '.join(m['used_by'])}" if m["used_by"] else "")
             + (f"; environment: {', '.join(v['name'] for v in m['environment_variables'])}"
                if m["environment_variables"] else "")
             for m in arch["settings"]["modules"]], "no settings module found"),
        "middleware": "\n".join([f"{e['position']}. `{e['short']}`" + (" — " + "; ".join(e["problems"])
                                                                         if e["problems"] else "")
                                 for e in middleware["entries"]] + [f"- missing: {p}" for p in middleware["problems"]])
                      or "- MIDDLEWARE not found",
        "api-map": _bullets(api_rows, "no URL patterns found"),
        "background": _bullets([f"task `{t['name']}` ({t['framework']}) in {t['place']['path']}"
                                + (f", enqueued from {len(t['enqueued'])} place(s)" if t["enqueued"] else
                                   ", never enqueued from the project's code") for t in background["tasks"]]
                               + [f"async view `{v['view']}` in {v['place']['path']}" for v in background["async_views"]],
                               "no async views or background tasks"),
        "open-risks": _bullets([f"{r['title']}" + (f" ({r['count']})" if r["count"] > 1 else "")
                                for r in guidance.recommendations][:15], "no open recommendations"),
    }
    graph = arch["models"]["graph"]
    data_model = {
        "models": _bullets([f"`{e['label']}`" + (" (referenced only)" if not e["project"] else "")
                            for e in graph["entities"]], "no models")
        + ("\n" + _bullets([f"proxy `{p['proxy']}` of `{p['of']}`" for p in graph["proxies"]], "")
           if graph["proxies"] else "")
        + ("\n" + _bullets([f"abstract base `{a}`" for a in graph["abstract"]], "") if graph["abstract"] else ""),
        "relations": _bullets([f"`{r['declared_in']}.{r['field']}` — {r['kind']} to "
                               f"`{r['to'] if r['kind'] == 'm2m' else r['from']}`" for r in graph["relations"]],
                              "no relations"),
        "er-diagram": "\n".join(f"```mermaid\n{d['mermaid']}```" for d in arch["models"]["diagrams"]) or
                      "No models to draw.",
        "data-findings": _bullets([f"{f['code']} {f['name']} at {f['filename']}:{f['location']['row']}"
                                   + (f" (`{f['symbol']}`)" if f.get("symbol") else "")
                                   for f in analysis["findings"] if f["category"] == "data-modeling"
                                   and not _decided(f)], "no open data-modeling findings"),
    }
    deployment = scope.deployment
    hardening = guidance.security["hardening"]
    deploy = {
        "deployment": "\n".join([
            f"- Target: {deployment.target}",
            f"- Files: {', '.join(deployment.files) or 'none in the repository'}",
            f"- Entry points: {', '.join(deployment.entry_points) or 'none found'}",
            f"- Production settings: {', '.join(scope.production_settings) or 'none identified'}",
        ]),
        "production-settings": "\n".join(
            f"- `{block['module']}`: " + ", ".join(f"{s['setting']} {s['status']}" for s in block["settings"])
            for block in hardening) or "- no production settings module identified",
        "environment": _bullets(sorted({v["name"] for m in arch["settings"]["modules"]
                                        for v in m["environment_variables"]}),
                                "no environment variables read by the settings"),
        "deployment-findings": _bullets([f"{f['code']} {f['name']} at {f['filename']}:{f['location']['row']}"
                                         for f in analysis["findings"] if f["category"] == "deployment"
                                         and not _decided(f)], "no open deployment findings"),
    }
    return {
        "project_overview.md": GeneratedSections(overview),
        "architecture_notes.md": GeneratedSections(architecture),
        "data_model_patterns.md": GeneratedSections(data_model),
        "deployment_notes.md": GeneratedSections(deploy),
    }


def _decided(record: dict) -> bool:
    decision = record.get("decision")
    return bool(decision) and decision.get("status") in ("accepted", "rejected")
