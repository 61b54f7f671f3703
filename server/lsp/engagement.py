"""The engagement in the editor: one command per step, "Complete engagement", and recording
decisions (DESIGN.md section 6). The workflow itself lives in `server/engagement/`; this
module only turns its callbacks into LSP: `$/progress`, `window/showMessageRequest` for
questions, `window/showDocument` for the report.

Every command takes optional arguments: a document URI (the folder to work on) and/or an
object with `goal`, `project`, `uri` — editors without a UI for questions pass the goal.

Questions (the goal; why a finding is accepted) go out as `window/showMessageRequest`
whatever the client declares: every client must answer it (LSP 3.0), and eglot does,
declaring nothing. A client that cannot answers with an error, and the documented
arguments stand in: `{"goal": ...}` for the engagement commands, `{"reason": ...,
"status": ...}` for `django-expert.recordDecision`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from django_expert.server.lsp import commands, convert
from django_expert.server.lsp.diagnostics import publish_folder
from django_expert.server.lsp.lifecycle import Progress
from django_expert.server.lsp.server import DjangoExpertServer, Folder

log = logging.getLogger(__name__)

STEPS = {
    "django-expert.scopeEngagement": "scope",
    "django-expert.loadMemory": "load_memory",
    "django-expert.loadContext": "load_context",
    "django-expert.analyzeProject": "analyze",
    "django-expert.provideGuidance": "guidance",
}
ASK_TIMEOUT = 120.0  # seconds a question waits for the user before the default applies
REQUEST_FAILED = -32803


def setup(server: DjangoExpertServer) -> None:
    for name, step in STEPS.items():
        commands.provide(server, name, _step_command(step))
    commands.provide(server, "django-expert.completeEngagement", complete_engagement)
    commands.provide(server, "django-expert.recordDecision", record_decision)
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(_code_lens)


async def _code_lens(ls: DjangoExpertServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    path = convert.uri_to_path(params.text_document.uri)
    if path is None:
        return []
    return await ls.analyse(code_lens, ls, path, default=[])


def _options(arguments: tuple[Any, ...]) -> dict:
    """Merge the command's arguments: URI strings and option objects."""
    options: dict = {}
    for argument in arguments:
        if isinstance(argument, str):
            options.setdefault("uri", argument)
        elif isinstance(argument, dict):
            options.update({k: v for k, v in argument.items() if v is not None})
        elif argument is not None and hasattr(argument, "__dict__"):
            options.update({k: v for k, v in vars(argument).items() if v is not None})
    return options


def _folder(ls: DjangoExpertServer, options: dict) -> Folder:
    uri = options.get("uri")
    path = convert.uri_to_path(uri) if uri else None
    if path is not None:
        folder = ls.folder_for(path)
        if folder.root is not None:
            return folder
    folders = [f for f in ls.all_folders() if f.root is not None]
    if not folders:
        raise JsonRpcException("django-expert: open a workspace folder first", code=REQUEST_FAILED)
    return folders[0]


async def _engagement(ls: DjangoExpertServer, options: dict, title: str):
    """An Engagement on the chosen folder, with the editor's progress and questions."""
    from django_expert.server.engagement import Engagement, EngagementError
    from django_expert.server.engagement.state import load

    folder = _folder(ls, options)
    await folder.checked.wait()  # it reads every finding: once the background check is over
    ongoing = load(folder.root)
    asked = False
    if ongoing is not None and not ongoing.complete and ongoing.goal:
        goal = options.get("goal") or ongoing.goal  # continue the engagement in progress
    elif options.get("goal"):
        goal = options["goal"]
    else:
        goal = await _ask_goal(ls)
        asked = goal is not None
    progress = await Progress.start(ls, title)
    loop = asyncio.get_running_loop()

    def report(message: str, percentage: int | None) -> None:
        loop.call_soon_threadsafe(progress.report, message, 0, percentage or 0, 100)

    def ask(question: str, choices: list[str]) -> str | None:  # runs on the analysis thread
        future = asyncio.run_coroutine_threadsafe(_ask(ls, question, choices), loop)
        try:
            return future.result(ASK_TIMEOUT + 5)
        except Exception:
            return None

    try:
        engagement = Engagement(folder.root, folder.engine, folder.engine.projects[0].config if folder.engine.projects
                                else None, goal=goal, project=options.get("project"), ask=ask, progress=report,
                                goal_asked=asked)
    except EngagementError as error:  # a state file edited into something that does not read back
        progress.end("stopped")
        ls.show_once(f"django-expert: {error}")
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None
    return folder, engagement, progress


async def _ask_goal(ls: DjangoExpertServer) -> str | None:
    from django_expert.server.engagement.scope import GOALS

    return await _ask(ls, "django-expert: what is the goal of this engagement?", list(GOALS))


async def _ask(ls: DjangoExpertServer, question: str, choices: list[str]) -> str | None:
    """The user's choice (None: dismissed, or the client could not ask)."""
    answer = await _question(ls, question, choices)
    return answer if isinstance(answer, str) else None


class CannotAsk(Exception):
    """The client answered the question with an error, or not in time."""


async def _question(ls: DjangoExpertServer, question: str, choices: list[str]) -> str | None | CannotAsk:
    """Ask whatever the client declares (see the module docstring): the choice, None when
    the user dismissed the question, CannotAsk when the client could not ask it."""
    if not choices:
        return CannotAsk()
    params = types.ShowMessageRequestParams(
        type=types.MessageType.Info, message=question, actions=[types.MessageActionItem(title=c) for c in choices]
    )
    try:
        answer = await asyncio.wait_for(ls.window_show_message_request_async(params), ASK_TIMEOUT)
    except Exception as error:
        log.info("the client did not ask %r: %s", question, error or type(error).__name__)
        return CannotAsk()
    return answer.title if answer is not None and answer.title in choices else None


def _step_command(step: str):
    async def run(ls: DjangoExpertServer, *arguments: Any) -> dict:
        folder, engagement, progress = await _engagement(ls, _options(arguments), f"django-expert: {step}")
        try:
            await _call(ls, getattr(engagement, step))
            return await _call(ls, engagement.status)
        finally:
            progress.end(step)

    return run


async def _call(ls: DjangoExpertServer, function) -> Any:
    """Run on the analysis thread; an engagement error becomes a clear request error."""
    from django_expert.server.engagement import EngagementError

    try:
        return await asyncio.wrap_future(ls._worker.submit(function))
    except EngagementError as error:
        ls.show_once(f"django-expert: {error}")
        raise JsonRpcException(str(error), code=REQUEST_FAILED) from None


async def complete_engagement(ls: DjangoExpertServer, *arguments: Any) -> dict:
    """Run every step not yet done, write the report and memory, open the report."""
    folder, engagement, progress = await _engagement(ls, _options(arguments), "django-expert: engagement")
    try:
        report: Path = await _call(ls, engagement.complete)
    finally:
        progress.end("report written")
    uri = convert.path_to_uri(report)
    if ls.supports("window.show_document.support"):
        try:
            await asyncio.wait_for(
                ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True)), 10
            )
        except Exception:
            log.info("the client did not open %s", report)
    else:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info,
                                                       message=f"django-expert: report written to {report}"))
    return {"report": str(report), "uri": uri, "status": await _call(ls, engagement.status)}


# What the user may answer when a finding is accepted from the editor: (status, reason).
REASONS = {
    "Intended": ("accepted", "intended (recorded from the editor)"),
    "False positive": ("rejected", "false positive (recorded from the editor)"),
    "Fix later": ("todo", "to fix later (recorded from the editor)"),
}
DEFAULT_REASON = "Intended"  # when the client cannot ask


async def record_decision(ls: DjangoExpertServer, *arguments: Any) -> dict:
    """Record a decision for the finding at {uri, code, line, column} and re-publish: the
    `reason` and `status` given, else the user's answer to "why?" (nothing is recorded when
    the question is dismissed; "intended" when the client cannot ask)."""
    from django_expert.server.engagement.decisions import find_finding
    from django_expert.server.engagement.decisions import record_decision as record

    options = _options(arguments)
    path = convert.uri_to_path(options.get("uri", ""))
    if path is None or "code" not in options or "line" not in options:
        raise JsonRpcException("recordDecision needs uri, code and line", code=REQUEST_FAILED)
    folder = _folder(ls, options)
    if options.get("reason"):
        reason, status = options["reason"], options.get("status", "accepted")
    else:
        answer = await _question(ls, f"django-expert: why keep {options['code']} on line {int(options['line']) + 1}? "
                                     "(recorded in the project's memory)", list(REASONS))
        if answer is None:
            return {"recorded": None}
        status, reason = REASONS[DEFAULT_REASON if isinstance(answer, CannotAsk) else answer]

    def run():
        finding = find_finding(folder.engine, path, options["code"], int(options["line"]), options.get("column"))
        if finding is None:
            raise ValueError(f"no {options['code']} finding at line {int(options['line']) + 1}")
        return record(folder.engine, finding, reason, status)

    try:
        decision = await asyncio.wrap_future(ls._worker.submit(run))
    except Exception as error:
        raise JsonRpcException(f"django-expert: {error}", code=REQUEST_FAILED) from None
    await publish_folder(ls, folder)
    return {"recorded": decision.to_line()}


# -- code actions and the code lens: the engagement where the user works ---------------------------

SOURCE_KIND = "source.django-expert"


def engagement_actions(ls: DjangoExpertServer, folder: Folder, only: list[str] | None) -> list[types.CodeAction]:
    """`source.django-expert.<step>` actions in step order, the next step preferred. Without an
    explicit request for source actions only the next step is offered, to keep menus short."""
    from django_expert.server.engagement.state import COMMANDS, STEP_TITLES, STEPS, load

    if folder.root is None:
        return []
    state = load(folder.root)
    next_step = state.next_step if state is not None else STEPS[0]
    if only and not any(SOURCE_KIND.startswith(kind) or kind.startswith(SOURCE_KIND) for kind in only):
        return []  # the client asked for other kinds (quickfix, source.fixAll)
    everything = bool(only)
    actions = []
    for number, step in enumerate(STEPS, 1):
        if not everything and step != next_step:
            continue
        done = state is not None and state.steps[step].done
        title = f"Django engagement {number}/6: {STEP_TITLES[step]}" + (" (done)" if done else "")
        actions.append(types.CodeAction(
            title=title,
            kind=f"{SOURCE_KIND}.{COMMANDS[step].rpartition('.')[2]}",
            is_preferred=step == next_step,
            command=types.Command(title=title, command=COMMANDS[step], arguments=[convert.path_to_uri(folder.root)]),
        ))
    return actions


def accept_action(uri: str, finding, diagnostic: types.Diagnostic) -> types.CodeAction:
    """Record that a finding is intended; it then shows as a hint with the reason."""
    arguments = {"uri": uri, "code": finding.code, "line": finding.span.start.line,
                 "column": finding.span.start.column}  # no reason: the command asks for it
    return types.CodeAction(
        title=f"Accept {finding.code} here (record a decision in project memory)",
        kind=types.CodeActionKind.QuickFix.value,
        diagnostics=[diagnostic],
        command=types.Command(title="Record decision", command="django-expert.recordDecision", arguments=[arguments]),
    )


def code_lens(ls: DjangoExpertServer, path: Path) -> list[types.CodeLens]:
    """On the project's settings module (and manage.py): where the engagement stands."""
    from django_expert.server.engagement.state import COMMANDS, STEP_TITLES, STEPS, load

    folder = ls.folder_for(path)
    if folder.root is None or not _is_anchor(folder, path):
        return []
    state = load(folder.root)
    done = sum(1 for step in STEPS if state is not None and state.steps[step].done)
    next_step = state.next_step if state is not None else STEPS[0]
    if next_step is None:
        title = f"Django engagement complete: {state.report}" if state and state.report else "Django engagement complete"
        command = types.Command(title=title, command=COMMANDS["scope"], arguments=[convert.path_to_uri(folder.root)])
    else:
        title = f"Django engagement {done}/6 · next: {STEP_TITLES[next_step]}"
        command = types.Command(title=title, command=COMMANDS[next_step], arguments=[convert.path_to_uri(folder.root)])
    lens = [types.CodeLens(range=types.Range(types.Position(0, 0), types.Position(0, 0)), command=command)]
    if next_step is not None:
        complete = types.Command(title="Complete engagement", command=COMMANDS["output"],
                                 arguments=[convert.path_to_uri(folder.root)])
        lens.append(types.CodeLens(range=types.Range(types.Position(0, 0), types.Position(0, 0)), command=complete))
    return lens


def _is_anchor(folder: Folder, path: Path) -> bool:
    for project in folder.engine.projects:
        layout = project.layout
        if layout.manage_py is not None and path == layout.manage_py:
            return True
        state = folder.engine.state(path)
        if state is not None and state.project is project and state.module == layout.settings_module:
            return True
    return False
