"""Code actions that write a test for a finding (issue 17): "Add a query-count test for this
view" on an N+1 finding (DJE501/DJE502/DJE503), "Add a test: another user gets 404" on an
unscoped lookup (DJE416), "Add a test: anonymous is refused" on an anonymous client let in
(DJE304, DJE310), never for an endpoint public by design.

The test is the one the report shows, written by `server/engagement/test_writer.py` (this
module only turns it into an edit), in the file the report names: created (`CreateFile`,
then its text; the `pytest.ini` the test needs too, when the project has no pytest
configuration) for clients that declare they can create files, or appended to that file
when it exists and does not hold the test yet. No action when the writer cannot write the
test, or when the file already holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.findings import Edit, Finding
from django_expert.analyzers.source import Span
from django_expert.server.engagement import test_writer
from django_expert.server.engagement.inventory import Inventory
from django_expert.server.lsp import convert
from django_expert.server.lsp.server import DjangoExpertServer

TITLES = {
    test_writer.QUERY_COUNT: "Add a query-count test for this view",
    test_writer.OTHER_USER: "Add a test: another user gets 404",
    test_writer.ANONYMOUS: "Add a test: anonymous is refused",
}


def test_action(ls: DjangoExpertServer, engine: Engine, finding: Finding, diagnostic: types.Diagnostic,
                workspace_edit: Callable[[list[Edit]], types.WorkspaceEdit]) -> types.CodeAction | None:
    """The action writing the finding's test, or None (no test for it, or already written)."""
    kind = test_writer.kind_of(finding.code, finding.message)
    state = engine.state(Path(finding.path)) if kind else None
    if state is None or state.project is None or state.project.model is None or not state.module:
        return None
    project = state.project.model
    risk = test_writer.Risk(finding.code, state.module, finding.span.start.line, finding.message)
    written = test_writer.write_tests(project, [risk], test_writer.public_endpoints(Inventory(engine, state.project)))
    if not written:
        return None
    root = Path(project.layout.root)
    test = written[0]
    target = root / test.path
    if target.exists():
        edit = _append(ls, target, test, workspace_edit)
    else:
        ini = test_writer.pytest_ini(test_writer.conventions(project))
        edit = _create(ls, [(target, test.text)] + ([(root / "pytest.ini", ini)] if ini else []))
    if edit is None:
        return None
    return types.CodeAction(title=TITLES[kind], kind=types.CodeActionKind.QuickFix.value,
                            diagnostics=[diagnostic], edit=edit)


def _append(ls: DjangoExpertServer, target: Path, test: test_writer.WrittenTest,
            workspace_edit: Callable[[list[Edit]], types.WorkspaceEdit]) -> types.WorkspaceEdit | None:
    """The test's module appended to an existing file that does not define it yet."""
    text = ls.text_of(target)
    if f"def {test.name}(" in text or f"class {test.name}" in text or test.text in text:
        return None  # written already (the unittest style names its class after the test)
    lines = convert.split_lines(text)
    end = len(lines) - 1
    gap = "\n\n" if lines[end] == "" else "\n\n\n"
    return workspace_edit([Edit(str(target), Span.of(end, len(lines[end]), end, len(lines[end])), gap + test.text)])


def _create(ls: DjangoExpertServer, files: list[tuple[Path, str]]) -> types.WorkspaceEdit | None:
    """New files with their text, for a client that can create files (else None)."""
    if not _can_create(ls):
        return None
    changes: list = []
    for path, text in files:
        if path.exists():
            continue  # pytest.ini written since
        uri = ls.uri_of(path)
        start = types.Position(line=0, character=0)
        changes += [types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)),
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                        edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=text)])]
    return types.WorkspaceEdit(document_changes=changes)


def _can_create(ls: DjangoExpertServer) -> bool:
    if not ls.supports("workspace.workspace_edit.document_changes"):
        return False
    edit = ls.client_capabilities.workspace.workspace_edit
    return types.ResourceOperationKind.Create in (edit.resource_operations or ())
