"""The MCP server's wiring: tools, resources and the prompt registered on the SDK's
`MCPServer`, each call run on the workspace's worker thread, its progress sent as MCP
progress notifications, and an error the agent can fix (an unknown project, rule or path,
a path outside the workspace) sent back as the tool's error, in one line.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from functools import partial
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import Field

from django_expert.server.mcp import prompts, resources
from django_expert.server.mcp.paging import PagingError
from django_expert.server.mcp.tools import Tools, explain_rule
from django_expert.server.mcp.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)
ROOTS_TIMEOUT = 10.0  # seconds the client has to list its roots before the current folder is used

INSTRUCTIONS = (
    "django-expert reviews Django and DRF projects without running them. For a review, follow the "
    "six-step engagement in order: scope, load_memory, load_context, analyze, guidance, "
    "complete_engagement (the django_review prompt walks them). For a question, ask the project model: "
    "model_info, endpoints, settings_value, query_plan; explain_rule and fix for a finding. Paths are "
    "relative to a workspace root; projects are named as `scope` or the django-expert://projects "
    "resource lists them."
)

ProjectArg = Annotated[str | None, Field(description="the project: its name (as django-expert://projects lists it) "
                                                     "or its folder; default: the workspace's main project")]
GoalArg = Annotated[str | None, Field(description="security, performance, api-design, data-modeling, "
                                                  "architecture, testing, deployment or refactor (the default)")]
CursorArg = Annotated[str | None, Field(description="the next_cursor of the previous page")]
LimitArg = Annotated[int | None, Field(description="items per page (default 50, at most 200)")]
PathArg = Annotated[str, Field(description="a file, relative to the workspace root (or absolute inside it)")]
CodeArg = Annotated[str, Field(description="the finding's rule code, like DJE304")]
LineArg = Annotated[int, Field(description="the finding's 1-based line (location.row in analyze)", ge=1)]
ColumnArg = Annotated[int | None, Field(description="the finding's 1-based column, when a line has several")]


class Server:
    """The tools' async faces: each runs its `Tools` method on the worker thread."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.tools = Tools(workspace)
        self._asked_roots = False

    async def run(self, ctx: Context | None, function, *args, progress: bool = False):
        await self._roots(ctx)
        loop = asyncio.get_running_loop()
        call = partial(function, *args)
        if progress and ctx is not None:
            call = partial(call, progress=_reporter(ctx, loop))
        try:
            return await loop.run_in_executor(self.workspace.worker, call)
        except (WorkspaceError, PagingError) as error:
            raise ToolError(str(error)) from None

    async def read(self, ctx: Context | None, function, *args):
        try:
            return await self.run(ctx, function, *args)
        except ToolError as error:
            raise ResourceError(str(error)) from None

    async def _roots(self, ctx: Context | None) -> None:
        """The client's roots, asked once, when none was given on the command line."""
        if self.workspace.fixed or self._asked_roots:
            return
        if ctx is None:  # a static resource read first: the current folder until a tool can ask
            if not self.workspace.roots:
                self.workspace.set_roots([])
            return
        self._asked_roots = True
        folders: list[Path] = []
        try:
            capabilities = ctx.client_capabilities if ctx is not None else None
            if capabilities is not None and capabilities.roots is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    listed = await asyncio.wait_for(ctx.session.list_roots(), ROOTS_TIMEOUT)
                from django_expert.server.lsp.convert import uri_to_path

                folders = [p for p in (uri_to_path(str(root.uri)) for root in listed.roots) if p is not None]
        except Exception:  # noqa: BLE001 - a client that cannot list roots gets the current folder
            log.info("the client's roots could not be listed", exc_info=True)
        self.workspace.set_roots(folders)


def _reporter(ctx: Context, loop: asyncio.AbstractEventLoop):
    """A progress callback for the worker thread: MCP progress notifications, 0-100."""
    last = [0.0]

    def report(message: str, percentage: int | None) -> None:
        value = float(percentage) if percentage is not None else last[0]
        last[0] = max(last[0], value)
        asyncio.run_coroutine_threadsafe(ctx.report_progress(last[0], 100.0, message), loop)

    return report


def build(workspace: Workspace) -> MCPServer:
    from django_expert.server.engagement.engagement import tool_version

    mcp = MCPServer("django-expert", instructions=INSTRUCTIONS, version=tool_version(), log_level="WARNING")
    face = Server(workspace)
    tools = face.tools
    _steps(mcp, face, tools)
    _questions(mcp, face, tools)
    _resources(mcp, face, tools)

    @mcp.prompt(name="django_review", title="Django review for a goal",
                description="Walk the six-step expert engagement in order for a goal.")
    def django_review(goal: str = "refactor", project: str | None = None) -> str:
        return prompts.review(goal, project)

    return mcp


def _steps(mcp: MCPServer, face: Server, tools: Tools) -> None:
    @mcp.tool(description="Step 1: versions, project type, deployment target, apps, and the plan for a goal.")
    async def scope(ctx: Context, project: ProjectArg = None, goal: GoalArg = None) -> dict:
        return await face.run(ctx, tools.scope, project, goal, progress=True)

    @mcp.tool(description="Step 2: the project's memory (getSkillMemory('django', project), getByProject) "
                          "with the decisions in force.")
    async def load_memory(ctx: Context, project: ProjectArg = None) -> dict:
        return await face.run(ctx, tools.load_memory, project, progress=True)

    @mcp.tool(description="Step 3: the context library's domain index, conditional and cross-domain documents "
                          "within the file budget.")
    async def load_context(ctx: Context, project: ProjectArg = None) -> dict:
        return await face.run(ctx, tools.load_context, project, progress=True)

    @mcp.tool(description="Step 4: the project's findings with recorded decisions applied, filtered by area, "
                          "rule (code or prefix), path (file or folder) and severity; paginated.")
    async def analyze(ctx: Context, project: ProjectArg = None,
                      path: Annotated[str | None, Field(description="a file or folder of the workspace")] = None,
                      area: Annotated[str | None, Field(description="security, performance, api-design, "
                                                        "data-modeling, architecture, testing or deployment")] = None,
                      rule: Annotated[str | None, Field(description="a rule code (DJE304) or prefix (DJE3)")] = None,
                      severity: Annotated[str | None, Field(description="error, warning, info or hint")] = None,
                      cursor: CursorArg = None, limit: LimitArg = None) -> dict:
        return await face.run(ctx, tools.analyze, project, path, area, rule, severity, cursor, limit, progress=True)

    @mcp.tool(description="Step 5: recommendations with patches, security controls, test strategy and "
                          "observability; recommendations paginated.")
    async def guidance(ctx: Context, project: ProjectArg = None, goal: GoalArg = None, cursor: CursorArg = None,
                       limit: LimitArg = None) -> dict:
        return await face.run(ctx, tools.guidance, project, goal, cursor, limit, progress=True)

    @mcp.tool(description="Step 6: runs any step not yet done, writes the report (claudedocs/) and its JSON twin "
                          "and updates memory, as `django-expert engage` does; returns the paths and a summary.")
    async def complete_engagement(ctx: Context, project: ProjectArg = None, goal: GoalArg = None) -> dict:
        return await face.run(ctx, tools.complete_engagement, project, goal, progress=True)


def _questions(mcp: MCPServer, face: Server, tools: Tools) -> None:
    @mcp.tool(name="explain_rule",
              description="A rule's documentation: what it finds, why it matters, what to write instead.")
    async def explain(ctx: Context, code: CodeArg) -> dict:
        return await face.run(ctx, explain_rule, code)

    @mcp.tool(description="The fix of one finding as a unified diff, for review. The server never applies it.")
    async def fix(ctx: Context, path: PathArg, code: CodeArg, line: LineArg, column: ColumnArg = None) -> dict:
        return await face.run(ctx, tools.fix, path, code, line, column)

    @mcp.tool(description="Record a decision about one finding in the project's memory (architecture_notes.md): "
                          "accepted or rejected findings become hints everywhere; todo keeps them.")
    async def record_decision(ctx: Context, path: PathArg, code: CodeArg, line: LineArg,
                              reason: Annotated[str, Field(description="why, in one line")],
                              status: Annotated[str, Field(description="accepted, rejected or todo")] = "accepted",
                              column: ColumnArg = None) -> dict:
        return await face.run(ctx, tools.record_decision, path, code, line, column, reason, status)

    @mcp.tool(description="A model's fields, relations, reverse accessors, managers and where it is defined.")
    async def model_info(ctx: Context, name: Annotated[str, Field(description="app_label.Model, a dotted class "
                                                                             "name or a model class name")],
                         project: ProjectArg = None) -> dict:
        return await face.run(ctx, tools.model_info, project, name)

    @mcp.tool(description="The API map: every route with its view, effective authentication, permissions, "
                          "scoping, pagination and throttling; paginated.")
    async def endpoints(ctx: Context, project: ProjectArg = None,
                        anonymous: Annotated[bool, Field(description="only the DRF endpoints an anonymous "
                                                                     "client can reach")] = False,
                        cursor: CursorArg = None, limit: LimitArg = None) -> dict:
        return await face.run(ctx, tools.endpoints, project, anonymous, cursor, limit)

    @mcp.tool(description="A setting's effective value in each settings module; a secret's value is never shown.")
    async def settings_value(ctx: Context, name: Annotated[str, Field(description="the setting, like DEBUG")],
                             project: ProjectArg = None) -> dict:
        return await face.run(ctx, tools.settings_value, project, name)

    @mcp.tool(description="For a view or function: the queries it runs, the rows its queryset yields and what "
                          "they load, what its serializer reads per row, and the performance findings in it.")
    async def query_plan(ctx: Context, target: Annotated[str, Field(description="a dotted name, like "
                                                                               "shop.views.OrderList")],
                         project: ProjectArg = None) -> dict:
        return await face.run(ctx, tools.query_plan, project, target)


def _resources(mcp: MCPServer, face: Server, tools: Tools) -> None:
    from django_expert.memory.context import library_documents

    @mcp.resource(f"{resources.SCHEME}://projects", name="projects", mime_type="application/json",
                  description="The workspace's Django projects and the URIs of their memory files and report.")
    async def projects() -> dict:
        return await face.read(None, resources.projects_index, tools)

    @mcp.resource(f"{resources.SCHEME}://projects/{{slug}}/memory/{{name}}", name="memory",
                  mime_type="text/markdown", description="A memory file of a project (project_overview.md, "
                  "architecture_notes.md, data_model_patterns.md, deployment_notes.md).")
    async def memory(slug: str, name: str, ctx: Context) -> str:
        return await face.read(ctx, resources.memory_file, tools, slug, name)

    @mcp.resource(f"{resources.SCHEME}://projects/{{slug}}/report", name="report", mime_type="text/markdown",
                  description="The latest engagement report of a project.")
    async def report(slug: str, ctx: Context) -> str:
        return await face.read(ctx, resources.latest_report, tools, slug)

    for document in library_documents():
        _library_resource(mcp, document.id, document.meta.title)


def _library_resource(mcp: MCPServer, doc_id: str, title: str) -> None:
    def read() -> str:
        return resources.library_document(doc_id)

    mcp.resource(f"{resources.SCHEME}://library/{doc_id}", name=f"library/{doc_id}", title=title,
                 mime_type="text/markdown", description=f"Context library: {title}")(read)


def serve(roots: list[Path]) -> None:
    """Run the MCP server on stdio until the client closes it."""
    from django_expert.server.collector import tune_for_server

    tune_for_server()  # a long-lived process: collect as CPython does (see server/collector.py)
    build(Workspace(roots)).run("stdio")
