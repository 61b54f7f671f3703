"""The engagement report (OUTPUT_CONVENTIONS.md section 1): Markdown for people and agents,
and its JSON twin for tools, both rendered from the engagement's recorded data only (so a
report can be written by a later session than the one that analysed)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from django_expert.server.engagement.results import (
    ContextResult,
    GuidanceResult,
    MemoryResult,
    MemoryUpdates,
    OutputResult,
    Risk,
    ScopeResult,
)
from django_expert.server.engagement.scope import AREA_TITLES, AREAS
from django_expert.server.engagement.summary import bulk_codes

REPORT_SCHEMA = "django-expert.report/1"
SECTIONS = ("1. Scope and plan", "2. Memory loaded", "3. Context loaded", "4. Architecture", "5. Findings",
            "6. Guidance", "7. Test strategy", "8. Compliance checklist", "9. Memory updates")
SEVERITIES = ("error", "warning", "info")
_SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Information", "hint": "Hints"}
INTERNAL_KEYS = ("symbol", "original_severity", "original_message")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2, "hint": 3}


def cell(text) -> str:
    """Text fit for a Markdown table cell."""
    return " ".join(str(text if text is not None else "").split()).replace("|", "\\|") or "—"


def table_header(add, *columns: str) -> None:
    """A Markdown table's header row and the separator row that matches it."""
    add("| " + " | ".join(columns) + " |")
    add("|" + "---|" * len(columns))


def fenced(add, language: str, text: str) -> None:
    """A fenced code block (```language ... ```) holding `text`."""
    add(f"```{language}")
    add(text.rstrip("\n"))
    add("```")


def code(text) -> str:
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(path: str, line: int | None = None) -> str:
    """`[path:line](../path#Lline)`: relative to the report in claudedocs/."""
    if not path:
        return "—"
    target = "../" + quote(path, errors="surrogateescape")
    label = f"{path}:{line}" if line else path
    return f"[{label}]({target}#L{line})" if line else f"[{label}]({target})"


def _duration(seconds) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def render(data: dict, checklist: list[dict], tool_version: str) -> str:
    scope = data["scope"]
    guidance: GuidanceResult | None = data.get("guidance")
    output: OutputResult | None = data.get("output")
    out: list[str] = []
    add = out.append
    add(f"# Django engagement: {scope.project} — {scope.date}")
    add("")
    add(f"Goal: {scope.goal} · Django {scope.django} · DRF {scope.drf} · Type: {scope.type.type}")
    settings = ", ".join(dict.fromkeys([scope.settings_module or "none", *scope.production_settings]))
    deployment = scope.deployment
    deploy_text = deployment.target + (f" ({', '.join(deployment.files)})" if deployment.files else "")
    add(f"Settings: {settings} · Deployment: {deploy_text} · django-expert {tool_version}")
    add("")
    _executive_summary(add, scope, guidance.summary if guidance is not None else None)
    _scope(add, scope)
    _memory(add, data["memory"])
    _context(add, data["context"])
    _architecture(add, data["analyze"]["architecture"])
    _not_seen(add, data["analyze"]["architecture"]["settings"].get("not_seen", []))
    _findings(add, data["analyze"], guidance, scope)
    _guidance(add, guidance, scope)
    _tests(add, guidance.test_strategy)
    _test_map(add, guidance.testing)
    _written_tests(add, guidance.testing)
    _checklist(add, checklist)
    _memory_updates(add, output.memory_updates if output is not None else None)
    _appendix(add, data["analyze"]["findings"])
    return "\n".join(out).rstrip() + "\n"


# -- 1 ----------------------------------------------------------------------------------------------


def _scope(add, scope: ScopeResult) -> None:
    add(f"## {SECTIONS[0]}")
    add("")
    versions = scope.versions

    def version_line(key: str, title: str) -> str:
        item = versions.get(key)
        if not item:
            return f"- {title}: not declared in the dependency files"
        source = f" (from {item['source']})" if item.get("source") else ""
        return f"- {title}: {item['display']}{source}"

    add(version_line("django", "Django"))
    add(version_line("djangorestframework", "Django REST framework") if scope.drf_used else
        "- Django REST framework: not used")
    others = [f"{v['package']} {v['display']}" for k, v in versions.items() if k not in ("django", "djangorestframework")]
    if others:
        add(f"- Other declared tools: {', '.join(others)}")
    add(f"- Project type: **{scope.type.type}** — {scope.type.why}")
    deployment = scope.deployment
    add(f"- Deployment target: **{deployment.target}**" +
        (f" — {'; '.join(deployment.evidence)}" if deployment.evidence else ""))
    project_apps = [a for a in scope.apps if a.kind == "project"]
    library_apps = [a for a in scope.apps if a.kind != "project"]
    add(f"- Apps in scope: {', '.join(code(a.label) for a in project_apps) or 'none'}"
        + (f"; libraries: {', '.join(a.name for a in library_apps)}" if library_apps else ""))
    add(f"- Settings: {code(scope.settings_module or 'none')} by default"
        + (f" (from {scope.settings_provenance})" if scope.settings_provenance else "")
        + "; production: " + (", ".join(code(m) for m in scope.production_settings) or "none identified"))
    add(f"- Goal: **{scope.goal}** ({scope.goal_source})")
    add(f"- Project root: {code(scope.project_root)} · memory and report slug: {code(scope.slug)}")
    if scope.assumptions:
        add("- Assumptions:")
        for assumption in scope.assumptions:
            add(f"  - {assumption}")
    if scope.problems:
        add("- Problems met while scoping:")
        for problem in scope.problems:
            add(f"  - {problem}")
    add("")
    add(f"Plan for the goal **{scope.goal}** — the focus areas in the order the analysis weighs them:")
    add("")
    table_header(add, "#", "Focus area", "What is weighed", "In this project")
    for step in scope.plan:
        add(f"| {step.rank} | {cell(step.title)} | {cell(step.weighs)} | {cell(step.here)} |")
    add("")


# -- 2 ----------------------------------------------------------------------------------------------


def _memory(add, memory: MemoryResult) -> None:
    add(f"## {SECTIONS[1]}")
    add("")
    add(f"Memory folder: {code(memory.directory)} (skill `django`, project `{memory.slug}`).")
    add("")
    if memory.files:
        add("Files read: " + ", ".join(code(name) for name in memory.files) + ".")
    else:
        add("No memory yet: this is the first engagement for this project (the files are written in step 6).")
    add("")
    decisions = memory.decisions
    if decisions:
        add("Decisions in force (they change how findings are reported, section 5):")
        add("")
        table_header(add, "Code", "Target", "Status", "Reason", "Date", "Written at")
        for d in decisions:
            add(f"| {d.code} | {cell(code(d.target) if d.target else 'every finding of the code')} | "
                f"{d.status} | {cell(d.reason)} | {cell(d.date)} | {cell(d.source)} |")
    else:
        add("Decisions in force: none recorded.")
    add("")
    for text, title in ((memory.conventions, "Conventions"), (memory.known_issues, "Known issues")):
        if text:
            add(f"{title} (from memory):")
            add("")
            for line in text.splitlines():
                add(f"> {line}" if line.strip() else ">")
            add("")
    if memory.other_skills:
        add("Memory of other skills for this project: " + ", ".join(
            f"{code(s.skill)} ({', '.join(s.files) or 'no files'})" for s in memory.other_skills) + ".")
        add("")
    if memory.problems:
        add("Problems reading memory:")
        for problem in memory.problems:
            add(f"- {problem}")
        add("")


# -- 3 ----------------------------------------------------------------------------------------------


def _context(add, context: ContextResult) -> None:
    add(f"## {SECTIONS[2]}")
    add("")
    add(f"File budget: {context.budget} documents; {len(context.loaded)} loaded, "
        f"{len(context.skipped)} skipped for the budget. Domain index (`python`): {context.index_size} documents.")
    add("")
    if context.loaded:
        table_header(add, "#", "Document", "Title", "Source")
        for number, doc in enumerate(context.loaded, 1):
            add(f"| {number} | {code(doc.id)} | {cell(doc.title)} | {cell(doc.source)} |")
        add("")
    add("Calls, in order:")
    add(f"- `get_domain_index('python')` → {context.index_size} document(s) listed (the index costs no budget)")
    for call in context.calls:
        arguments = call.arguments
        if call.method == "get_cross_domain_context" and arguments:
            shown = f"{arguments[0]!r}, {list(arguments[1:])!r}"
        else:
            shown = ", ".join(repr(a) for a in arguments)
        add(f"- `{call.method}({shown})` → "
            f"{', '.join(call.returned) or 'nothing new'}"
            + (f" (skipped for the budget: {', '.join(call.skipped)})" if call.skipped else ""))
    add("")
    if context.skipped:
        add("Skipped for the budget: " + ", ".join(code(s) for s in context.skipped) + ".")
        add("")
    if context.overrides:
        add("Library documents replaced by the project's own: " + ", ".join(context.overrides) + ".")
        add("")
    if context.problems:
        add("Documents that could not be read:")
        for problem in context.problems:
            add(f"- {problem}")
        add("")


# -- the executive summary ---------------------------------------------------------------------------


def _executive_summary(add, scope: ScopeResult, risks: tuple[Risk, ...] | None) -> None:
    """The goal, then the top risks ranked for it: evidence, why it matters here, the fix.
    Each risk points at its findings in section 5; the findings themselves are listed there only."""
    add("## Summary")
    add("")
    add(f"Goal: **{scope.goal}** — the risks below are ranked by their impact for this goal, and sections 5 "
        "and 6 follow the goal's order of focus areas (" + ", ".join(AREA_TITLES[p.area] for p in scope.plan[:3])
        + " first).")
    add("")
    if risks is None:
        add("The summary is written by step 5 (guidance), which has not run.")
        add("")
        return
    if not risks:
        add("No open risk of warning or error severity was found.")
        add("")
        return
    add("Top risks:")
    add("")
    for number, risk in enumerate(risks, 1):
        _risk(add, number, risk)
    add("")


def _risk(add, number: int, risk: Risk) -> None:
    evidence = ", ".join(link(e.path, e.line) for e in risk.evidence)
    more = f" and {risk.count - len(risk.evidence)} more" if risk.count > len(risk.evidence) else ""
    area = AREA_TITLES.get(risk.area, risk.area)
    where = f" (section 5, {area})" if risk.code else " (section 6.1)"
    add(f"{number}. **{risk.title}** — {risk.severity}, {area}")
    add(f"   - Evidence: {evidence or '—'}{more}{where}")
    add(f"   - Why it matters here: {' '.join(risk.why.split())}")
    add(f"   - Fix: {' '.join(risk.fix.split())}")


# -- 4 ----------------------------------------------------------------------------------------------


def _architecture(add, arch: dict) -> None:
    add(f"## {SECTIONS[3]}")
    add("")
    _settings_layout(add, arch["settings"])
    _apps(add, arch["apps"], arch.get("test_modules"))
    _middleware(add, arch["middleware"])
    _models(add, arch["models"])
    _api_map(add, arch["api_map"])
    _background(add, arch["background"])


def _settings_layout(add, settings: dict) -> None:
    add("### 4.1 Settings layout")
    add("")
    if settings["modules"]:
        table_header(add, "Module", "Star-imports", "Used by", "Role", "Environment variables (names)")
        for m in settings["modules"]:
            role = ", ".join(r for r, on in (("default", m["default"]), ("production", m["production"])) if on) or "—"
            env = ", ".join(v["name"] + ("" if v["in_env_file"] else " (not in .env)")
                            for v in m["environment_variables"])
            add(f"| {link(m['path'])} {code(m['module'])} | {cell(', '.join(m['star_imports']))} | "
                f"{cell(', '.join(m['used_by']))} | {role} | {cell(env)} |")
        add("")
    else:
        add("No settings module found.")
        add("")
    if settings["env_files"]:
        add("Environment files read for `os.environ` lookups (values never shown): "
            + ", ".join(code(f) for f in settings["env_files"]) + ".")
        add("")
    problems = [p for m in settings["modules"] for p in m["problems"]]
    if problems:
        add("Settings that could not be evaluated:")
        for problem in dict.fromkeys(problems):
            add(f"- {problem}")
        add("")


def _apps(add, apps: list[dict], tests: list[str] | None) -> None:
    add("### 4.2 Apps")
    add("")
    table_header(add, "Label", "App module", "AppConfig", "Kind", "Models", "Depends on")
    for app in apps:
        config = app["config"].rpartition(".")[2] if app["config"] else "—"
        add(f"| {code(app['label'])} | {code(app['name'])} | {cell(config)} | "
            f"{app['kind']} | {app['models']} | {cell(', '.join(app['depends_on']))} |")
    add("")
    if tests is not None:
        shown = ", ".join(code(path) for path in tests[:12]) + (f" and {len(tests) - 12} more" if len(tests) > 12 else "")
        add(f"Test modules (the files the rules treat as tests): {len(tests)}" + (f" — {shown}." if tests else "."))
        add("")


def _middleware(add, middleware: dict) -> None:
    add("### 4.3 Middleware")
    add("")
    if middleware["entries"]:
        add(f"Effective order in {code(middleware['module'])}" + (" (set conditionally)" if middleware.get("conditional")
                                                                   else "") + ":")
        add("")
        for entry in middleware["entries"]:
            marker = " — ⚠ " + "; ".join(entry["problems"]) if entry["problems"] else ""
            add(f"{entry['position']}. {code(entry['name'])}{marker}")
        add("")
    if middleware["module"] is None:
        add("No settings module: the projects that install this code choose the middleware.")
        add("")
    for problem in middleware["problems"]:
        add(f"- ⚠ {problem}")
    if middleware["problems"]:
        add("")
    if middleware["entries"] and not any(e["problems"] for e in middleware["entries"]) and not middleware["problems"]:
        add("No ordering problem found.")
        add("")


def _models(add, models: dict) -> None:
    add("### 4.4 Models")
    add("")
    if models["diagrams"]:
        add(f"{models['count']} installed model(s) of the project; relations to Django's or libraries' models "
            "are drawn to those models without their fields.")
        add("")
        for diagram in models["diagrams"]:
            _diagram(add, diagram)
    else:
        add("No installed models found.")
        add("")
    graph = models["graph"]
    for note in graph.get("collapsed", []):
        add(f"Not drawn: {', '.join(code(f) for f in note['fields'])} → {code(note['to'])} on {note['count']} "
            f"model(s) ({note['why']}).")
        add("")
    if graph["proxies"]:
        add("Proxy models (same table): " + ", ".join(f"{code(p['proxy'])} of {code(p['of'])}" for p in graph["proxies"])
            + ".")
        add("")
    if graph["abstract"]:
        add("Abstract bases (left out): " + ", ".join(code(a) for a in graph["abstract"]) + ".")
        add("")


def _diagram(add, diagram: dict) -> None:
    if diagram["app"]:
        add(f"App `{diagram['app']}`:" if "," not in diagram["app"] else f"Apps `{diagram['app']}`:")
        add("")
    fenced(add, "mermaid", diagram["mermaid"])
    add("")


def _api_map(add, rows: list[dict]) -> None:
    add("### 4.5 API map")
    add("")
    if not rows:
        add("No URL patterns found (ROOT_URLCONF missing or not followed).")
        add("")
        return
    table_header(add, "URL pattern", "View", "Serializer", "Model", "Authentication", "Permissions",
                 "Rows narrowed to the user", "Pagination", "Throttling")
    for r in rows:
        add(_api_row(r))
    add("")
    add("Effective values in production: a view's own attribute, else the REST_FRAMEWORK default of the "
        "production settings (marked \"default\"); permissions as written, `|` and `&` included; rows narrowed "
        "to the user: the scoping calls of `get_queryset()` (\"every row\": a `queryset` attribute nothing "
        "narrows); ⚠ marks endpoints whose permission is AllowAny.")
    add("")


def _api_row(r: dict) -> str:
    if r["view"] and r["view_place"]:
        view = f"[{cell(r['view'])}](../{quote(r['view_place']['path'], errors='surrogateescape')}#L{r['view_place']['line']})"
    else:
        view = cell(r["note"] or r["kind"])
    serializer = f"[{cell(r['serializer'])}](../{quote(r['serializer_place']['path'], errors='surrogateescape')}#L{r['serializer_place']['line']})" \
        if r["serializer"] and r["serializer_place"] else cell(r["serializer"])
    permissions = ", ".join(r["permissions"]) if r["permissions"] else ("—" if not r["view_kind"] else "none")
    if r["permissions_source"] == "default":
        permissions += " (default)"
    if r["open_to_anyone"]:
        permissions += " ⚠"
    return (f"| {cell(code(r['pattern']))} | {view} | {serializer} | {cell(r['model'])} | "
            f"{cell(r.get('authentication'))} | {cell(permissions)} | {cell(r.get('scoping'))} | "
            f"{cell(r['pagination'])} | {cell(r['throttling'])} |")


def _background(add, background: dict) -> None:
    add("### 4.6 Async and background tasks")
    add("")
    if not (background["tasks"] or background["async_views"] or background["consumers"]):
        add("No async views or background tasks found.")
        add("")
        return
    for view in background["async_views"]:
        add(f"- async view {code(view['view'])} ({', '.join(view['methods'])}) — {link(view['place']['path'], view['place']['line'])}")
    for task in background["tasks"]:
        add(_task_line(task))
    for consumer in background["consumers"]:
        add(f"- Channels consumer {code(consumer['name'])} — {link(consumer['place']['path'], consumer['place']['line'])}")
    if background["asgi_application"]:
        add(f"- ASGI_APPLICATION is set ({code(background['asgi_application'])})")
    add("")


def _task_line(task: dict) -> str:
    sites = [f"{link(s['path'], s['line'])} in {code(s['in'])}" + (" ⚠ inside transaction.atomic()"
                                                                    if s["transaction"] else "")
             for s in task["enqueued"]]
    sites += [f"{link(s['path'], s['line'])} by {s['how']}" for s in task.get("scheduled", [])]
    where = "; ".join(sites) or "never enqueued or scheduled from the project's code"
    options = f" ({', '.join(task['options'])})" if task["options"] else ""
    return (f"- {task['framework']} task {code(task['name'])}{options} — {link(task['place']['path'], task['place']['line'])}; "
            f"enqueued: {where}")


def _not_seen(add, entries: list[dict]) -> None:
    """4.7: what the analyser could not follow, so that a quiet section is not read as clean."""
    add("### 4.7 What django-expert could not see")
    add("")
    if not entries:
        add("Everything the rules read in the settings was followed.")
    else:
        add("Rules that need these values stay silent rather than guess (names only, never values):")
        add("")
        for entry in entries:
            where = f"{code(entry['module'])}: " if entry["module"] else "discovery: "
            add(f"- {where}{entry['what']}")
    add("")
    add("Never seen, by design (the source is read, never run): values of environment variables and secrets, the "
        "database's rows and applied migrations, what a reverse proxy or the server adds (TLS, headers, rate limits), "
        "and code loaded dynamically (`import_module`, plugins, settings computed at run time).")
    add("")


# -- 5 ----------------------------------------------------------------------------------------------


def finding_line(record: dict) -> str:
    row = record["location"]["row"]
    message = " ".join(record.get("original_message", record["message"]).split())
    return f"- **{record['code']}** {record['name']} — {link(record['filename'], row)} {message}"


def _findings(add, analysis: dict, guidance: GuidanceResult | None, scope: ScopeResult) -> None:
    """Every open finding once, by focus area in the goal's order, then by rule (its
    guidance and patches beside it); rules reported in bulk get one line here and a table in
    the appendix; decided findings last."""
    add(f"## {SECTIONS[4]}")
    add("")
    findings = analysis["findings"]
    open_records = [f for f in findings if not _decided(f)]
    decided = [f for f in findings if _decided(f)]
    _finding_counts(add, analysis, len(open_records), len(decided))
    if not open_records:
        add("No open findings.")
        add("")
    bulk = bulk_codes(findings)
    rules = {r["code"]: r for r in (guidance.recommendations if guidance else []) if r["source"] == "rule"}
    for area in scope.order:
        in_area = [f for f in open_records if f["category"] == area]
        if in_area:
            _area_findings(add, area, in_area, rules, bulk)
    _decided_findings(add, decided)


def _finding_counts(add, analysis: dict, open_count: int, decided_count: int) -> None:
    findings = analysis["findings"]
    counts = Counter((f["severity"], f["category"]) for f in findings)
    add(f"{len(findings)} finding(s) in {analysis['files']} file(s): {open_count} open, "
        f"{decided_count} covered by a recorded decision. Each is listed once, below or (rules with many findings "
        "of one kind) in the appendix.")
    add("")
    table_header(add, "Severity", *(AREA_TITLES[a] for a in AREAS), "Total")
    for severity in (*SEVERITIES, "hint"):
        row = [counts.get((severity, area), 0) for area in AREAS]
        add(f"| {severity} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    add("")


def _area_findings(add, area: str, records: list[dict], rules: dict[str, dict], bulk: set[str]) -> None:
    add(f"### {AREA_TITLES[area]}")
    add("")
    by_code: dict[str, list[dict]] = {}
    for record in records:
        by_code.setdefault(record["code"], []).append(record)
    ordered = sorted(by_code.items(), key=lambda item: (item[0] in bulk, min(_SEVERITY_RANK.get(r["severity"], 9)
                                                                            for r in item[1]), -len(item[1]), item[0]))
    for rule_code, in_rule in ordered:
        if rule_code in bulk:
            add(f"- **{rule_code}** {in_rule[0]['name']} — {len(in_rule)} finding(s): one table in the appendix.")
            add("")
            continue
        _rule_findings(add, rule_code, in_rule, rules.get(rule_code))


def _rule_findings(add, rule_code: str, records: list[dict], rec: dict | None) -> None:
    severity = min((r["severity"] for r in records), key=lambda s: _SEVERITY_RANK.get(s, 9))
    add(f"#### {rule_code} {records[0]['name']} ({len(records)}, {severity})")
    add("")
    if rec and rec.get("summary"):
        add(rec["summary"])
        add("")
    for record in sorted(records, key=lambda f: (f["filename"], f["location"]["row"], f["location"]["column"])):
        add(finding_line(record))
    add("")
    if rec:
        _references(add, rec)
        for patch in rec["patches"]:
            _patch(add, patch)


def _references(add, rec: dict) -> None:
    refs = []
    if rec.get("doc"):
        refs.append(f"guidance: {code(rec['doc']['id'])} ({rec['doc']['title']}, {rec['doc']['source']}"
                    + (", loaded" if rec["doc"].get("loaded") else "") + ")")
    if rec.get("explain"):
        refs.append(code(rec["explain"]))
    if refs:
        add("See " + " · ".join(refs) + ".")
        add("")


def _patch(add, patch: dict) -> None:
    add(f"Proposed fix for {link(patch['path'], patch['line'])} — {patch['title']} ({patch['applicability']}):")
    add("")
    fenced(add, "diff", patch["diff"])
    add("")


def _decided_findings(add, decided: list[dict]) -> None:
    add("### Covered by a recorded decision")
    add("")
    if not decided:
        add("None.")
        add("")
        return
    for record in sorted(decided, key=lambda f: (f["filename"], f["location"]["row"], f["code"])):
        d = record["decision"]
        add(finding_line(record) + f" — hint, **{d['status']}**: {d['reason'] or 'no reason given'} "
            f"(decision at {code(d['target'] or 'every ' + record['code'])}, written in {d['source'] or 'memory'})")
    add("")


def _decided(record: dict) -> bool:
    decision = record.get("decision")
    return bool(decision) and decision.get("status") in ("accepted", "rejected")


# -- 6 ----------------------------------------------------------------------------------------------


def _guidance(add, guidance: GuidanceResult, scope: ScopeResult) -> None:
    add(f"## {SECTIONS[5]}")
    add("")
    _recommendations(add, [r for r in guidance.recommendations if r["source"] != "rule"], scope)
    _security_controls(add, guidance.security)
    _observability(add, guidance.observability)


def _recommendations(add, recs: list[dict], scope: ScopeResult) -> None:
    """6.1: what step 4 saw that no rule reports (a rule's findings, guidance and patches are in section 5)."""
    add("### 6.1 Recommendations")
    add("")
    add("Each rule's guidance and proposed fixes are beside its findings in section 5; these come from what the "
        "analysis saw in the project.")
    add("")
    if not recs:
        add("No further recommendation.")
        add("")
    for area in scope.order:
        in_area = [r for r in recs if r["area"] == area]
        if not in_area:
            continue
        add(f"#### {AREA_TITLES[area]}")
        add("")
        for rec in in_area:
            _recommendation(add, rec)


def _recommendation(add, rec: dict) -> None:
    add(f"**{rec['title']}**" + (f" — {rec['summary']}" if rec["summary"] else ""))
    add("")
    for item in rec["objects"][:25]:
        shown = item.get("symbol") and f"`{item['symbol']}`" not in str(item["message"]) and \
            item["symbol"] not in str(item["message"]).split(":")[0]
        symbol = f"{code(item['symbol'])}: " if shown else ""
        where = link(item["path"], item["line"]) if item.get("path") else ""
        add(f"- {where} {symbol}{' '.join(str(item['message']).split())}".replace("-  ", "- "))
    if len(rec["objects"]) > 25:
        add(f"- … and {len(rec['objects']) - 25} more")
    add("")
    _references(add, rec)


def _security_controls(add, security: dict) -> None:
    add("### 6.2 Security controls")
    add("")
    _permissions(add, security["permissions"])
    _csrf(add, security["csrf"])
    _exposure(add, security.get("exposure") or [])
    _secrets(add, security)
    _hardening(add, security["hardening"])
    _validation(add, security["validation"])


def _permissions(add, permissions: dict) -> None:
    default = permissions["default_permission_classes"]
    add("**Permissions.** REST_FRAMEWORK DEFAULT_PERMISSION_CLASSES: "
        + ((", ".join(default) or "empty") if default is not None else "unknown")
        + ("" if permissions["default_permission_written"] else " (not set: DRF's default)")
        + "; DEFAULT_AUTHENTICATION_CLASSES: "
        + (", ".join(permissions["default_authentication_classes"] or []) or "DRF's default") + ".")
    if permissions["open_views"]:
        add("Open to anonymous clients: " + ", ".join(
            f"{code(v['view'])} ({link(v['place']['path'], v['place']['line'])})" for v in permissions["open_views"]
            if v["place"]) + ".")
    if permissions["unprotected_django_views"]:
        add("Django views without login_required or an access mixin (intended for public pages?): " + ", ".join(
            code(v["view"]) for v in permissions["unprotected_django_views"]) + ".")
    add("")


def _csrf(add, csrf: dict) -> None:
    presence = {True: "is in MIDDLEWARE", False: "is **missing** from MIDDLEWARE",
                None: "may or may not be in MIDDLEWARE (not known from the source)"}
    not_enforced = csrf.get("not_enforced") or []
    skipped = "; ".join(f"{code(n['class'])} (its `enforce_csrf` does nothing)"
                        + (", used by " + ", ".join(code(u) for u in n["used_by"]) if n["used_by"] else ", unused")
                        for n in not_enforced)
    session = ""
    if csrf["session_authentication"] or not_enforced:
        session = ("; DRF SessionAuthentication enforces CSRF on unsafe methods for logged-in users"
                   + (", **except** through " + skipped if not_enforced else ""))
    add("**CSRF.** CsrfViewMiddleware " + presence[csrf["middleware"]]
        + session
        + "; CSRF_TRUSTED_ORIGINS " + csrf["trusted_origins"]
        + (("; csrf_exempt: " + ", ".join(code(e["name"]) for e in csrf["csrf_exempt"])) if csrf["csrf_exempt"] else
           "; no csrf_exempt view") + ".")
    add("")


def _exposure(add, exposure: list[dict]) -> None:
    """The findings a stranger or another tenant reaches, as an index into section 5 (their
    messages are there, once)."""
    if not exposure:
        return
    add("**Reachable by a stranger or another tenant** (each finding's evidence and message are in section 5):")
    add("")
    for item in exposure:
        add(f"- **{item['code']}** {link(item['path'], item['line'])}" + (f" {code(item['symbol'])}"
                                                                            if item.get("symbol") else ""))
    add("")


def _secrets(add, security: dict) -> None:
    add("**Secret storage** (names and storage only, never values):")
    add("")
    if security["secrets"]:
        table_header(add, "Setting", "Where", "Storage", "Environment variables")
        for s in security["secrets"]:
            add(f"| {code(s['setting'])} | {link(s['path'], s['line'])} | {s['storage']} | "
                f"{cell(', '.join(s['variables']))} |")
    else:
        add("No secret-looking setting found.")
    env = security["env_files"]
    if env["files"]:
        status = {True: "excluded by .gitignore", False: "**not** excluded by .gitignore",
                  None: "no .gitignore found"}[env["gitignored"]]
        add("")
        add("Environment files in the project: " + ", ".join(code(f) for f in env["files"]) + f" ({status}).")
    add("")


def _hardening(add, hardening: list[dict]) -> None:
    for block in hardening:
        add(f"**Production hardening** ({code(block['module'])}):")
        add("")
        table_header(add, "Setting", "Status", "OK", "Why")
        for s in block["settings"]:
            ok = {True: "yes", False: "**no**", None: "check"}[s["ok"]]
            status = s["status"] + (f" ({s['value']})" if "value" in s else "")
            add(f"| {s['setting']} | {cell(status)} | {ok} | {cell(s['why'])} |")
        add("")


def _validation(add, validation: dict) -> None:
    add("**Validation.** " + (("Serializers exposing every model field (`__all__`): " + ", ".join(
        code(s["serializer"]) for s in validation["all_fields_serializers"]) + ". ") if validation["all_fields_serializers"]
        else "No serializer uses `fields = \"__all__\"`. ")
        + (("Serializers using `exclude`: " + ", ".join(code(s["serializer"]) for s in validation["exclude_serializers"])
            + ". ") if validation["exclude_serializers"] else "")
        + f"AUTH_PASSWORD_VALIDATORS: {validation['password_validators']} validator(s).")
    add("")


def _observability(add, items: list[dict]) -> None:
    add("### 6.3 Observability")
    add("")
    if items:
        for item in items:
            where = f" ({link(item['where'])})" if item.get("where") else ""
            add(f"- **{item['title']}**{where}: {item['detail']}")
    else:
        add("Logging, error tracking, task visibility and health checks are in place.")
    add("")


# -- the appendix -----------------------------------------------------------------------------------


def _appendix(add, findings: list[dict]) -> None:
    """One table per rule reported in bulk: the rule once, then where (file:line, symbol) and
    the message of each finding."""
    bulk = bulk_codes(findings)
    records = [f for f in findings if f["code"] in bulk and not _decided(f)]
    if not records:
        return
    add("## Appendix A. Findings reported in bulk")
    add("")
    add("Rules with many findings of one kind (style and legacy rules on mature code, as a rule): one table each, "
        "so the sections above stay about what to act on first.")
    add("")
    by_code: dict[str, list[dict]] = {}
    for record in records:
        by_code.setdefault(record["code"], []).append(record)
    for rule_code, in_rule in sorted(by_code.items(), key=lambda item: (-len(item[1]), item[0])):
        add(f"### {rule_code} {in_rule[0]['name']} ({len(in_rule)})")
        add("")
        table_header(add, "Where", "Symbol", "Message")
        for record in sorted(in_rule, key=lambda f: (f["filename"], f["location"]["row"])):
            message = record.get("original_message", record["message"])
            add(f"| {link(record['filename'], record['location']['row'])} | {cell(record.get('symbol'))} | "
                f"{cell(message)} |")
        add("")


# -- 7, 8, 9 ---------------------------------------------------------------------------------------


def _tests(add, entries: list[dict]) -> None:
    add(f"## {SECTIONS[6]}")
    add("")
    if not entries:
        add("No risky area found that needs a new test.")
        add("")
        return
    for entry in entries:
        add(f"### {entry['title']} ({AREA_TITLES.get(entry['area'], entry['area'])})")
        add("")
        add(f"Why: {entry['why']}.")
        if entry.get("note"):
            add("")
            add(entry["note"])
        if entry.get("example"):
            add("")
            language = "sh" if entry["example"].startswith("python manage.py") else "python"
            fenced(add, language, entry["example"])
        add("")


def _test_map(add, testing: dict | None) -> None:
    """Per app, the endpoints and models a test reaches and those none does (the test map)."""
    if not testing:
        return
    add("### Test map")
    add("")
    add(f"{testing['test_modules']} test modules ({testing['style']} style). An endpoint is tested when a test "
        "reverses its URL name, requests a path it matches or imports its view; a model when a test imports it "
        "or a factory builds it.")
    add("")
    table_header(add, "App", "Endpoints tested", "Endpoints without a test", "Models tested", "Models without a test")

    def names(items: list[str]) -> str:
        shown = ", ".join(code(n) for n in items[:8])
        return cell(shown + (f" and {len(items) - 8} more" if len(items) > 8 else "")) if items else "—"

    for row in testing["apps"]:
        add(f"| {code(row['app'])} | {names(row['endpoints_tested'])} | {names(row['endpoints_untested'])} | "
            f"{names(row['models_tested'])} | {names(row['models_untested'])} |")
    add("")


def _written_tests(add, testing: dict | None) -> None:
    """The tests written for the top risks, each ready to drop into the suite."""
    if not testing or not testing["tests"]:
        return
    add("### Tests for the top risks")
    add("")
    add("Each test below fails while its finding stands and passes once it is fixed; save it at the path given.")
    if testing.get("pytest_ini"):
        add("The project has no pytest configuration; these tests need pytest-django and:")
        add("")
        fenced(add, "ini", testing["pytest_ini"])
    add("")
    for test in testing["tests"]:
        what = {"query-count": "query count stays constant", "other-user": "another user gets 404",
                "anonymous": "rejects anonymous clients"}[test["kind"]]
        add(f"#### {code(test['path'])} — {what} ({test['code']}, {code(test['view'])})")
        add("")
        fenced(add, "python", test["text"])
        add("")


def _checklist(add, checklist: list[dict]) -> None:
    add(f"## {SECTIONS[7]}")
    add("")
    table_header(add, "Step", "Done", "Started", "Finished", "Duration", "Inputs / outputs")
    for step in checklist:
        summary = "; ".join(f"{k}: {v}" for k, v in {**step["inputs"], **step["outputs"]}.items())
        done = "yes" if step["done"] else f"no ({step['error'] or 'not run'})"
        add(f"| {step['step']}. {step['title']} | {done} | {cell(step['started'])} | {cell(step['finished'])} | "
            f"{_duration(step['seconds'])} | {cell(summary)} |")
    add("")


def _memory_updates(add, updates: MemoryUpdates | None) -> None:
    add(f"## {SECTIONS[8]}")
    add("")
    if not updates:
        add("Memory was not updated.")
        add("")
        return
    add(f"Memory folder: {code(updates.directory)}.")
    add("")
    add(f"- Written: {', '.join(code(n) for n in updates.written) or 'none'}")
    add(f"- Unchanged: {', '.join(code(n) for n in updates.unchanged) or 'none'}")
    if updates.refused:
        add("- Refused: " + "; ".join(f"{code(n)} ({why})" for n, why in updates.refused.items()))
    for sections, title in ((updates.replaced, "Sections replaced"), (updates.added, "Sections added")):
        if sections:
            add(f"- {title}: " + "; ".join(f"{code(n)}: {', '.join(ids)}" for n, ids in sections.items()))
    if updates.rescued_decisions:
        add("- Decisions moved under the Decisions heading: " + "; ".join(updates.rescued_decisions))
    add(f"- Decisions recorded this engagement: {updates.recorded} (decisions are appended by "
        "`django-expert.recordDecision`, never rewritten)")
    for problem in updates.problems:
        add(f"- Problem: {problem}")
    add("")


# -- the JSON twin ------------------------------------------------------------------------------------


def twin(data: dict, state, checklist: list[dict], tool_version: str) -> dict:
    scope, guidance, output = data["scope"], data["guidance"], data.get("output")
    findings = [{k: v for k, v in f.items() if k not in INTERNAL_KEYS} for f in data["analyze"]["findings"]]
    return {
        "schema": REPORT_SCHEMA,
        "project": scope.project,
        "slug": scope.slug,
        "date": scope.date,
        "started": state.started,
        "finished": state.finished,
        "tool_version": tool_version,
        "scope": scope.to_json(),
        "memory": data["memory"].to_json(),
        "context": data["context"].to_json(),
        "architecture": data["analyze"]["architecture"],
        "findings": findings,
        "summary": [risk.to_json() for risk in guidance.summary],
        "guidance": guidance.recommendations,
        "security": guidance.security,
        "observability": guidance.observability,
        "test_strategy": guidance.test_strategy,
        "testing": guidance.testing,
        "checklist": [{"step": c["step"], "name": c["name"], "done": c["done"], "started": c["started"],
                       "finished": c["finished"], "seconds": c["seconds"]} for c in checklist],
        "memory_updates": output.memory_updates.to_json() if output is not None else {},
    }
