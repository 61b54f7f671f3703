"""What each MCP tool answers, asked of the same core as the CLI and the language server.

The six steps are `Engagement`'s (server/engagement/engagement.py): one engagement per
project, kept between calls and in `.django-expert/engagement.json`, so a later step runs
the earlier ones not yet done and the report's compliance checklist stays in order.
Findings are step 4's `AnalyzedFinding`s (recorded decisions applied as `check` and the
editor apply them), fixes are the engine's as a unified diff (never applied), the API map
is the report's (`architecture.api_map`), settings values go through
`navigation/settings.shown` and every answer through the project's `Scrubber`
(analyzers/secrets.py): no secret value in any answer.

Every function here runs on the workspace's worker thread and returns JSON-ready data;
`WorkspaceError` is an error the agent can fix, sent back as the tool's error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django_expert.analyzers.secrets import Scrubber
from django_expert.server.engagement.decisions import SKILL
from django_expert.server.mcp import paging
from django_expert.server.mcp.workspace import Project, Workspace, WorkspaceError

Progress = Callable[[str, "int | None"], None]
SEVERITIES = ("error", "warning", "info", "hint")
# Methods whose queries make a class-based view's plan (Django's and DRF's handlers).
_VIEW_METHODS = ("get_queryset", "get_object", "get_context_data", "get", "post", "put", "patch", "delete",
                 "list", "retrieve", "create", "update", "partial_update", "destroy", "perform_create",
                 "perform_update", "perform_destroy", "form_valid")


@dataclass
class Tools:
    workspace: Workspace

    def __post_init__(self) -> None:
        self._engagements: dict[Path, object] = {}
        self._scrubbers: dict[int, tuple[object, Scrubber]] = {}
        self._inventories: dict[Path, object] = {}

    # -- shared -----------------------------------------------------------------------------------

    def project(self, name: str | None = None, path: Path | None = None, progress: Progress | None = None) -> Project:
        def indexing(done: int, total: int) -> None:
            if progress is not None:
                progress(f"Indexing {done}/{total} files", None)

        return self.workspace.project(name, path, indexing)

    def scrubbed(self, project: Project, data):
        """`data` with the project's known secret values removed (the last line: values are
        kept out by construction; this catches one that slipped through)."""
        model = project.model
        cached = self._scrubbers.get(id(project.state))
        if cached is None or cached[0] is not model:
            cached = (model, Scrubber.for_project(model, (project.state.layout.name,)))
            self._scrubbers[id(project.state)] = cached
        return cached[1].data(data)

    def engagement(self, project: Project, goal: str | None = None, progress: Progress | None = None):
        """This project's engagement: the one in progress (in memory or on disk), else a new one."""
        from django_expert.server.engagement.engagement import Engagement, EngagementError
        from django_expert.server.engagement.scope import normalise_goal

        try:
            wanted = normalise_goal(goal)
        except ValueError as error:
            raise WorkspaceError(str(error)) from None
        current = self._engagements.get(project.root)
        if current is None or current.state.complete or (wanted is not None and wanted != current.state.goal):
            try:
                current = Engagement(project.root, project.engine, goal=wanted, progress=progress)
            except EngagementError as error:
                raise WorkspaceError(str(error)) from None
            self._engagements[project.root] = current
        current.progress = progress
        return current

    def step(self, project_name: str | None, goal: str | None, method: str, progress: Progress | None):
        from django_expert.memory import LockTimeout, MemoryWriteRefused, UnsafePath
        from django_expert.server.engagement.engagement import EngagementError

        project = self.project(project_name, progress=progress)
        self.workspace.refresh(project.engine)
        engagement = self.engagement(project, goal, progress)
        try:
            result = getattr(engagement, method)()
        except (EngagementError, LockTimeout, MemoryWriteRefused, UnsafePath) as error:
            raise WorkspaceError(str(error)) from None
        return project, engagement, result

    def with_status(self, project: Project, engagement, key: str, result) -> dict:
        status = engagement.status()
        return self.scrubbed(project, {"project": project.name, "goal": status["goal"],
                                       "next_step": status["next_step"], key: result})

    # -- the six steps ----------------------------------------------------------------------------

    def scope(self, project: str | None, goal: str | None, progress: Progress | None = None) -> dict:
        found, engagement, result = self.step(project, goal, "scope", progress)
        return self.with_status(found, engagement, "scope", result.to_json())

    def load_memory(self, project: str | None, progress: Progress | None = None) -> dict:
        found, engagement, result = self.step(project, None, "load_memory", progress)
        return self.with_status(found, engagement, "memory", result.to_json())

    def load_context(self, project: str | None, progress: Progress | None = None) -> dict:
        found, engagement, result = self.step(project, None, "load_context", progress)
        return self.with_status(found, engagement, "context", result.to_json())

    def analyze(self, project: str | None, path: str | None, area: str | None, rule: str | None,
                severity: str | None, cursor: str | None, limit: int | None, progress: Progress | None = None) -> dict:
        """Step 4's findings, filtered and paged; decisions recorded since are applied."""
        where = self.workspace.path(path) if path else None
        if where is not None and project is None:
            project = self.project(None, where, progress).name
        codes = _rule_selector(rule)
        if area is not None and area not in _areas():
            raise WorkspaceError(f"unknown area {area!r}; the areas are: {', '.join(_areas())}")
        if severity is not None and severity not in SEVERITIES:
            raise WorkspaceError(f"unknown severity {severity!r}; one of {', '.join(SEVERITIES)}")
        found, engagement, _ = self.step(project, None, "analyze", progress)
        if where is not None and where.is_file():
            self.workspace.refresh(found.engine, [where])
            findings = found.engine.findings(where)
        else:
            findings = engagement.project_findings()
            if where is not None:
                findings = [f for f in findings if Path(f.path).is_relative_to(where)]
        findings = [f for f in findings if (codes is None or f.code.startswith(codes))
                    and (area is None or f.category.value == area)]
        analyzed = [a for a in engagement.analyzed(findings, fixes=0) if severity is None or a.severity == severity]
        directory = engagement.store.directory(SKILL, engagement.state.slug).relative_to(found.root).as_posix()
        records = [{**a.to_json(found.relative, directory), "fixable": a.original.fixable.value} for a in analyzed]
        shown = paging.page(records, cursor, limit)
        return self.scrubbed(found, {"project": found.name, **shown.to_json("findings")})

    def guidance(self, project: str | None, goal: str | None, cursor: str | None, limit: int | None,
                 progress: Progress | None = None) -> dict:
        found, engagement, result = self.step(project, goal, "guidance", progress)
        recommendations = paging.page(result.recommendations, cursor, limit or 20)
        answer = {**result.to_json(), **recommendations.to_json("recommendations")}
        return self.with_status(found, engagement, "guidance", answer)

    def complete_engagement(self, project: str | None, goal: str | None, progress: Progress | None = None) -> dict:
        found, engagement, report = self.step(project, goal, "complete", progress)
        self._engagements.pop(found.root, None)  # the next call starts a new engagement
        output, guidance = engagement.state.data["output"], engagement.state.data["guidance"]  # typed results
        analysis = engagement.state.data["analyze"]
        return self.scrubbed(found, {
            "project": found.name, "report": found.relative(report), "json": found.relative(report.with_suffix(".json")),
            "memory": output.memory_updates.to_json(), "top_risks": [risk.to_json() for risk in guidance.summary],
            "counts": analysis["counts"],
            "checklist": engagement.state.checklist(),
        })

    # -- findings -----------------------------------------------------------------------------------

    def _finding(self, path: str, code: str, line: int, column: int | None):
        from django_expert.server.engagement.decisions import find_finding

        where = self.workspace.path(path)
        found = self.project(None, where)
        self.workspace.refresh(found.engine, [where])
        finding = find_finding(found.engine, where, code, line - 1, None if column is None else column - 1)
        if finding is None:
            raise WorkspaceError(f"no {code.upper()} finding at {found.relative(where)}:{line} "
                                 f"(analyze lists the findings with their lines)")
        return found, finding

    def fix(self, path: str, code: str, line: int, column: int | None) -> dict:
        from django_expert.server.engagement.patch import unified_diff

        found, finding = self._finding(path, code, line, column)
        fix = found.engine.fix(finding)
        diff = unified_diff(fix, found.root) if fix is not None and fix.edits else None
        if diff is None:
            raise WorkspaceError(f"{finding.code} at {found.relative(finding.path)}:{line} has no automatic fix")
        return self.scrubbed(found, {"code": finding.code, "title": fix.title,
                                     "applicability": fix.applicability.value, "diff": diff, "applied": False})

    def record_decision(self, path: str, code: str, line: int, column: int | None, reason: str, status: str) -> dict:
        from django_expert.memory import LockTimeout, MemoryWriteRefused
        from django_expert.server.engagement.decisions import record_decision

        found, finding = self._finding(path, code, line, column)
        try:
            decision = record_decision(found.engine, finding, reason, status)
        except (ValueError, LockTimeout, MemoryWriteRefused) as error:
            raise WorkspaceError(str(error)) from None
        return self.scrubbed(found, {"recorded": decision.to_line(), "code": decision.code,
                                     "status": decision.status, "target": decision.target})

    # -- the project model --------------------------------------------------------------------------

    def model_info(self, project: str | None, name: str) -> dict:
        from django_expert.server.mcp.answers import model_answer

        found = self.project(project)
        model = found.model
        info = model.model(name)
        if info is None:
            matches = [m for m in model.models() if m.name == name or m.name.lower() == name.lower()]
            if len(matches) > 1:
                raise WorkspaceError(f"{name!r} names several models: {', '.join(m.label for m in matches)}")
            info = matches[0] if matches else None
        if info is None:
            raise WorkspaceError(f"no model {name!r} in project {found.name} (give app_label.Model or a class name)")
        return self.scrubbed(found, model_answer(found, info))

    def endpoints(self, project: str | None, anonymous: bool, cursor: str | None, limit: int | None) -> dict:
        from django_expert.server.engagement import architecture

        found = self.project(project)
        inventory = self._inventory(found)
        rows = architecture.api_map(inventory)
        if anonymous:
            rows = [row for route, row in zip(inventory.routes, rows, strict=True)
                    if route.view and (view := inventory.views.get(route.view)) is not None and view.open_to_anyone]
        return self.scrubbed(found, {"project": found.name, **paging.page(rows, cursor, limit).to_json("endpoints")})

    def settings_value(self, project: str | None, name: str) -> dict:
        from django_expert.analyzers.navigation import settings

        found = self.project(project)
        model = found.model
        definitions = settings.definitions(model, name)
        if not definitions:
            raise WorkspaceError(f"{name!r} is set by no settings module of {found.name} and has no Django default")
        values = []
        for definition in definitions:
            located = settings.location(model, definition)
            place = None
            if located is not None and Path(located[0]).is_relative_to(found.root):
                place = {"path": found.relative(located[0]), "line": located[1].start.line + 1}
            values.append({"settings_module": definition.module, "value": settings.shown(name, definition.value),
                           "from_environment": definition.value.from_env, "defined_at": place})
        return self.scrubbed(found, {"project": found.name, "setting": name, "values": values})

    def query_plan(self, project: str | None, target: str) -> dict:
        from django_expert.server.mcp.answers import query_plan

        found = self.project(project)
        answer = query_plan(found, target, _VIEW_METHODS)
        if answer is None:
            raise WorkspaceError(f"no view, function or method {target!r} in project {found.name} "
                                 f"(give its dotted name, like shop.views.OrderList)")
        return self.scrubbed(found, answer)

    def _inventory(self, project: Project):
        from django_expert.server.engagement.inventory import Inventory

        inventory = self._inventories.get(project.root)
        if inventory is None or inventory.model is not project.model:
            inventory = Inventory(project.engine, project.state)
            self._inventories[project.root] = inventory
        return inventory


# -- rules --------------------------------------------------------------------------------------------


def explain_rule(code: str) -> dict:
    from django_expert.analyzers.rules.registry import all_rules
    from django_expert.server import formats

    rule = all_rules().get(code.strip().upper())
    if rule is None:
        raise WorkspaceError(f"unknown rule code {code!r} (codes look like DJE304; analyze lists those found)")
    return {"code": rule.code, "name": rule.name, "area": rule.category.value, "tier": rule.tier,
            "severity": rule.severity.value, "fix": rule.fix.value, "url": rule.url,
            "documentation": formats.render_explain(rule)}


def _rule_selector(rule: str | None) -> tuple[str, ...] | None:
    """A rule code or prefix (`DJE3`, `DJE304`) as a tuple for `str.startswith`; unknown ones refused."""
    if rule is None:
        return None
    from django_expert.analyzers.rules.registry import all_rules

    wanted = rule.strip().upper()
    if not any(code.startswith(wanted) for code in all_rules()) and wanted != "DJE000":
        raise WorkspaceError(f"unknown rule {rule!r} (a code like DJE304 or a prefix like DJE3)")
    return (wanted,)


def _areas() -> tuple[str, ...]:
    from django_expert.server.engagement.scope import AREAS

    return AREAS
