"""Code actions: a finding's own fix, "# noqa" for its line, and fix-all.

- quick fix (`quickfix`): the fix the rule offers; preferred when it is safe;
- a test for the finding, the one the report writes (`test_actions.py`: "Add a query-count
  test for this view", "Add a test: another user gets 404", "Add a test: anonymous is refused");
- "Ignore DJE201 for this line (# noqa)": adds `# noqa: DJE201`, or merges the code into
  the line's existing `# noqa: ...`;
- `source.fixAll.django-expert`: every safe fix of the file, as one edit. Fixes are
  applied in rounds: each round takes the non-overlapping safe fixes, applies them, and
  lets the engine re-check the new text (in memory, then restored), up to MAX_ROUNDS.

The fixes (libcst) are computed when the client resolves the action if it can
(`codeAction/resolve` with `edit`), else right away.
"""

from __future__ import annotations

import io
import logging
import re
import tokenize
from pathlib import Path

from lsprotocol import types

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.findings import Applicability, Edit, Finding, Severity
from django_expert.analyzers.fixes import FixSource, apply_edits, compute_fix, minimal_edits
from django_expert.analyzers.source import Span
from django_expert.server.lsp import convert, diagnostics, engagement, test_actions
from django_expert.server.lsp.server import DjangoExpertServer

log = logging.getLogger(__name__)

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{convert.SOURCE}"
QUICK_FIX = types.CodeActionKind.QuickFix.value
MAX_ROUNDS = 20
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def setup(server: DjangoExpertServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[QUICK_FIX, FIX_ALL, engagement.SOURCE_KIND],
                                      resolve_provider=True)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)(code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(resolve_code_action)


async def code_action(ls: DjangoExpertServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    path, stale = await ls.sync_document(params.text_document.uri)
    if path is None:
        return []
    await diagnostics.publish(ls, stale, edited=path)
    return await ls.analyse(_actions, ls, path, params, default=[])


async def resolve_code_action(ls: DjangoExpertServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    if action.edit is not None or "uri" not in data:
        return action
    path, stale = await ls.sync_document(data["uri"])
    if path is not None:
        await diagnostics.publish(ls, stale, edited=path)
        action.edit = await ls.analyse(_resolve_edit, ls, path, data, default=None)
    return action


# -- on the analysis thread -----------------------------------------------------------------------


def _actions(ls: DjangoExpertServer, path: Path, params: types.CodeActionParams) -> list[types.CodeAction]:
    engine = ls.folder_for(path).engine
    findings = ls.presented(path, engine.findings(path))
    if findings and findings[0].code == "DJE000" and findings[0].severity is Severity.ERROR:
        return []  # the text does not parse: the findings are from the last good text
    text = ls.text_of(path)
    lines = convert.split_lines(text)
    lazy = _can_resolve(ls)
    uri = params.text_document.uri
    actions = []
    if _wanted(params.context.only, QUICK_FIX):
        for finding, diagnostic in _targets(ls, findings, params, lines):
            if finding.fix is not None or finding.fixable is not Applicability.NONE:
                action = _quick_fix(ls, engine, finding, diagnostic, uri, lazy)
                if action is not None:
                    actions.append(action)
            written = test_actions.test_action(ls, engine, finding, diagnostic, lambda e: _workspace_edit(ls, e))
            if written is not None:
                actions.append(written)
            noqa = _noqa_edit(text, lines, finding) if path.suffix == ".py" else None  # a Python comment
            if noqa is not None:
                actions.append(types.CodeAction(
                    title=f"Ignore {finding.code} for this line (# noqa)",
                    kind=QUICK_FIX,
                    diagnostics=[diagnostic],
                    edit=_workspace_edit(ls, [noqa]),
                ))
            if finding.code != "DJE000" and finding.accepted is None:
                actions.append(engagement.accept_action(uri, finding, diagnostic))
    if _wanted(params.context.only, FIX_ALL) and any(_safe(finding) for finding in findings):
        action = types.CodeAction(title="Fix all safe django-expert findings", kind=FIX_ALL,
                                  data={"uri": uri, "fix": "all"})
        if not lazy:
            action.edit = _resolve_edit(ls, path, action.data)
        if lazy or action.edit is not None:
            actions.append(action)
    actions.extend(engagement.engagement_actions(ls, ls.folder_for(path), params.context.only))
    return actions


def _quick_fix(ls: DjangoExpertServer, engine: Engine, finding: Finding, diagnostic: types.Diagnostic, uri: str,
               lazy: bool) -> types.CodeAction | None:
    action = types.CodeAction(
        title=finding.fix.title if finding.fix else finding.fix_title or f"Fix {finding.code}",
        kind=QUICK_FIX,
        diagnostics=[diagnostic],
        is_preferred=_safe(finding),
        data={"uri": uri, "fix": "one", "finding": convert.diagnostic_data(finding)},
    )
    if lazy:
        return action
    fix = engine.fix(finding)
    if fix is None:
        return None
    action.title, action.is_preferred = fix.title, fix.applicability is Applicability.SAFE
    action.edit = _workspace_edit(ls, fix.edits)
    return action


def _resolve_edit(ls: DjangoExpertServer, path: Path, data: dict) -> types.WorkspaceEdit | None:
    engine = ls.folder_for(path).engine
    if data.get("fix") == "all":
        edits = fix_all(ls, engine, path)
        return _workspace_edit(ls, edits) if edits else None
    wanted = data.get("finding")
    for finding in engine.findings(path):
        if convert.diagnostic_data(finding) == wanted:
            fix = engine.fix(finding)
            return _workspace_edit(ls, fix.edits) if fix else None
    return None


def fix_all(ls: DjangoExpertServer, engine: Engine, path: Path) -> list[Edit]:
    """The edits applying every safe fix of a file, fixes re-checked round after round."""
    state = engine.state(path)
    if state is None:
        return []
    was_open = state.text is not None
    original = current = ls.text_of(path)
    try:
        for _ in range(MAX_ROUNDS):
            edits = _safe_edits(engine, path, current)
            new = apply_edits(current, edits) if edits else current
            if new == current:
                break
            current = new
            engine.update(path, current)
    finally:
        if current != original:
            engine.update(path, original if was_open else None)
    return minimal_edits(str(path), original, current)


def _safe_edits(engine: Engine, path: Path, text: str) -> list[Edit]:
    """The edits of this round: the safe fixes of the file that do not overlap an earlier one."""
    source = FixSource(str(path), text, engine.project_for(path))  # one libcst parse per round
    taken: list[Edit] = []
    for finding in engine.findings(path):
        if not _safe(finding):
            continue
        fix = finding.fix or compute_fix(finding, source)
        if fix is None or fix.applicability is not Applicability.SAFE:
            continue
        if any(Path(edit.path) != path for edit in fix.edits):
            continue
        if any(_overlap(edit, other) for edit in fix.edits for other in taken):
            continue  # next round, on the new text
        taken.extend(fix.edits)
    return taken


def _noqa_edit(text: str, lines: list[str], finding: Finding) -> Edit | None:
    """`# noqa: CODE` at the end of the finding's first line, merged into one already there."""
    if finding.code == "DJE000" or not 0 <= finding.span.start.line < len(lines):
        return None
    number = finding.span.start.line
    line = lines[number]
    comment = _comment_of(text, line, number)
    if comment is None:
        return None  # the line ends inside a string or continues on the next one
    match = ([None, *_NOQA.finditer(line, comment)])[-1]  # the last one, if several
    if match is not None and match.group("codes"):
        return Edit(finding.path, Span.of(number, match.end("codes"), number, match.end("codes")), f", {finding.code}")
    if match is not None:
        return None  # a bare `# noqa` silences the line already
    end = len(line.rstrip())
    return Edit(finding.path, Span.of(number, end, number, len(line)), f"  # noqa: {finding.code}")


def _comment_of(text: str, line: str, number: int) -> int | None:
    """Where the line's comment starts (its length if none); None if a comment cannot be added."""
    if "'" not in line and '"' not in line and not line.rstrip().endswith("\\"):
        return line.find("#") if "#" in line else len(line)
    comment = len(line)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start, end = token.start[0] - 1, token.end[0] - 1
            if token.type == tokenize.STRING and start <= number < end:
                return None
            if start == number and token.type == tokenize.COMMENT:
                comment = token.start[1]
            if start > number:
                break
    except (tokenize.TokenError, SyntaxError):
        return None
    if line[:comment].rstrip().endswith("\\"):
        return None
    return comment


# -- helpers ----------------------------------------------------------------------------------------


def _safe(finding: Finding) -> bool:
    if finding.accepted is not None:
        return False  # a recorded decision keeps it as it is
    if finding.fix is not None:
        return finding.fix.applicability is Applicability.SAFE
    return finding.fixable is Applicability.SAFE


def _overlap(a: Edit, b: Edit) -> bool:
    a_start, a_end = (a.span.start.line, a.span.start.column), (a.span.end.line, a.span.end.column)
    b_start, b_end = (b.span.start.line, b.span.start.column), (b.span.end.line, b.span.end.column)
    return a_start == b_start or (a_start < b_end and b_start < a_end)


def _wanted(only, kind: str) -> bool:
    """Whether a requested `only` list (None: everything) covers a kind (prefixes count)."""
    return only is None or any(kind == str(want) or kind.startswith(f"{want}.") for want in only)


def _targets(ls: DjangoExpertServer, findings: list[Finding], params: types.CodeActionParams, lines: list[str]):
    """(finding, diagnostic) pairs the request is about: the client's diagnostics of ours
    that touch the requested range, else the findings in that range. (Eglot sends every
    diagnostic of the buffer, whatever the range: its menu listed other lines' fixes.)"""
    ours = [d for d in params.context.diagnostics
            if convert.is_ours(d) and convert.ranges_touch(d.range, params.range)]
    if ours:
        for diagnostic in ours:
            for finding in findings:
                if convert.matches(finding, diagnostic, lines, ls.encoding):
                    yield finding, diagnostic
                    break
        return
    wanted = convert.span_of(params.range, lines, ls.encoding)
    for finding in findings:
        if finding.code != "DJE000" and convert.spans_touch(finding.span, wanted):
            yield finding, ls.diagnostics_of(Path(finding.path), [finding])[0]


def _can_resolve(ls: DjangoExpertServer) -> bool:
    support = ls.supports("text_document.code_action.resolve_support") and (
        ls.client_capabilities.text_document.code_action.resolve_support
    )
    return bool(support) and "edit" in support.properties


def _workspace_edit(ls: DjangoExpertServer, edits) -> types.WorkspaceEdit:
    return convert.lsp_workspace_edit(
        edits,
        lines_of=ls.lines_reader(),
        uri_of=ls.uri_of,
        version_of=ls.version_of,
        encoding=ls.encoding,
        document_changes=ls.supports("workspace.workspace_edit.document_changes"),
    )
