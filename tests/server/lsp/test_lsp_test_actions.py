"""The tests the report writes, offered as code actions (server/lsp/test_actions.py), end to
end through a real LSP client on copies of tests/workspaces/nplusone and tenancy: the action
is there on the finding, and its edit creates the file the report names with the test the
report shows (test_writer's text, computed here in-process on the same copy), or appends it
to that file when it exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from django_expert.analyzers.engine import Engine
from django_expert.server.engagement import test_writer
from django_expert.server.engagement.inventory import Inventory

pytestmark = pytest.mark.asyncio(loop_scope="function")
QUERY_COUNT, OTHER_USER, ANONYMOUS = (
    "Add a query-count test for this view", "Add a test: another user gets 404", "Add a test: anonymous is refused")


def report_tests(root: Path) -> dict[tuple[str, str], test_writer.WrittenTest]:
    """{(view's name, kind): test} as the report writes them for every finding of the copy;
    under None, the pytest.ini the report shows when the project has no pytest configuration."""
    engine = Engine([root], {"select": ["ALL"]}, use_cache=False)
    engine.index()
    state = engine.projects[0]
    modules = {str(path): module for module, path in state.model.paths.items()}
    risks = [test_writer.Risk(f.code, modules[f.path], f.span.start.line, f.message)
             for fs in engine.all_findings().values() for f in fs if f.path in modules]
    tests = test_writer.write_tests(state.model, risks, test_writer.public_endpoints(Inventory(engine, state)))
    found = {(t.view.rpartition(".")[2], t.kind): t for t in tests}
    found[None] = test_writer.pytest_ini(test_writer.conventions(state.model))
    return found


def files(root: Path, expected: dict, key: tuple[str, str]) -> dict[str, str]:
    """{uri: text} the action should create: the test's module, and the pytest.ini if needed."""
    test = expected[key]
    ini = {(root / "pytest.ini").as_uri(): expected[None]} if expected[None] else {}
    return {(root / test.path).as_uri(): test.text, **ini}


async def actions_on(session, uri: str, code: str, line: int) -> tuple[types.Diagnostic, list[types.CodeAction]]:
    diagnostics = await session.diagnostics(uri)
    (diagnostic,) = [d for d in diagnostics if d.code == code and d.range.start.line == line]
    return diagnostic, await session.code_actions(uri, diagnostic.range, [diagnostic])


def created(edit: types.WorkspaceEdit) -> dict[str, str]:
    """{uri: text} of the files a WorkspaceEdit creates (CreateFile, then an insertion)."""
    new = [c.uri for c in edit.document_changes if isinstance(c, types.CreateFile)]
    texts = {}
    for change in edit.document_changes:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri in new:
            (insert,) = change.edits
            assert insert.range.start == insert.range.end == types.Position(line=0, character=0)
            texts[change.text_document.uri] = insert.new_text
    assert set(texts) == set(new)
    return texts


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines()) if needle in line)


async def test_query_count_test_created_then_appended_then_not_offered_again(session, workspace):
    root = workspace("nplusone")
    report = report_tests(root)
    expected = report[("BookNestedList", test_writer.QUERY_COUNT)]
    await session.start(root)
    api = root / "library" / "api.py"
    uri = session.open(api)
    line = line_of(api, "class BookNestedList") + 1  # the queryset line DJE502 is reported on

    diagnostic, actions = await actions_on(session, uri, "DJE502", line)

    (action,) = [a for a in actions if a.title == QUERY_COUNT]
    assert action.kind == types.CodeActionKind.QuickFix and list(action.diagnostics) == [diagnostic]
    target = root / expected.path
    assert not target.exists()
    assert created(action.edit) == files(root, report, ("BookNestedList", test_writer.QUERY_COUNT))
    assert report[None] == "[pytest]\nDJANGO_SETTINGS_MODULE = nplusone.settings\n"  # nplusone has no pytest config
    assert "django_assert_num_queries(len(two_rows))" in expected.text  # the report's pytest style
    assert not any(a.title in (OTHER_USER, ANONYMOUS) for a in actions)

    # the file exists with something else in it: the test is appended, the rest kept
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('"""Mine."""\n\nX = 1\n')
    session.open(target)  # (open: the edit carries its version)
    _, actions = await actions_on(session, uri, "DJE502", line)
    (action,) = [a for a in actions if a.title == QUERY_COUNT]
    assert session.apply(target.as_uri(), action.edit) == '"""Mine."""\n\nX = 1\n\n\n' + expected.text

    # the file holds the test: nothing more to add
    target.write_text(expected.text)
    session.change(target.as_uri(), expected.text)
    _, actions = await actions_on(session, uri, "DJE502", line)
    assert not any(a.title == QUERY_COUNT for a in actions)


async def test_template_n_plus_one_gets_a_query_count_test(session, workspace):
    root = workspace("nplusone")
    report = report_tests(root)
    await session.start(root)
    views = root / "library" / "views.py"
    uri = session.open(views)
    diagnostics = await session.diagnostics(uri)
    line = line_of(views, "class BookTagListView")
    (diagnostic,) = [d for d in diagnostics if d.code == "DJE503" and d.range.start.line >= line][:1]

    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])

    (action,) = [a for a in actions if a.title == QUERY_COUNT]
    assert created(action.edit) == files(root, report, ("BookTagListView", test_writer.QUERY_COUNT))


async def test_authorization_tests_on_tenancy(session, workspace):
    root = workspace("tenancy")
    expected = report_tests(root)
    await session.start(root)
    api = root / "projects" / "api.py"
    uri = session.open(api)
    diagnostics = await session.diagnostics(uri)

    (summary,) = [d for d in diagnostics if d.code == "DJE416" and "TaskSummaryView" in d.message]
    actions = await session.code_actions(uri, summary.range, [summary])
    (other_user,) = [a for a in actions if a.title == OTHER_USER]
    assert created(other_user.edit) == files(root, expected, ("TaskSummaryView", test_writer.OTHER_USER))
    assert "status_code == 404" in expected[("TaskSummaryView", test_writer.OTHER_USER)].text

    (feed,) = [d for d in diagnostics if d.code == "DJE310" and "CommentFeedView" in d.message]
    actions = await session.code_actions(uri, feed.range, [feed])
    (anonymous,) = [a for a in actions if a.title == ANONYMOUS]
    assert created(anonymous.edit) == files(root, expected, ("CommentFeedView", test_writer.ANONYMOUS))

    # DJE310 that does not let anonymous clients in (any authenticated user reads every row)
    (directory,) = [d for d in diagnostics if d.code == "DJE310" and "ProjectDirectoryView" in d.message]
    actions = await session.code_actions(uri, directory.range, [directory])
    assert not any(a.title in (OTHER_USER, ANONYMOUS, QUERY_COUNT) for a in actions)


async def test_no_anonymous_test_for_an_endpoint_public_by_design(session, workspace):
    root = workspace("tenancy")
    urls = root / "projects" / "api_urls.py"
    urls.write_text(urls.read_text().replace('"comments/feed/"', '"comments/register/"'))  # a sign-up endpoint
    assert ("CommentFeedView", test_writer.ANONYMOUS) not in report_tests(root)
    await session.start(root)
    uri = session.open(root / "projects" / "api.py")
    diagnostics = await session.diagnostics(uri)
    (feed,) = [d for d in diagnostics if d.code == "DJE310" and "CommentFeedView" in d.message]

    actions = await session.code_actions(uri, feed.range, [feed])

    assert not any(a.title == ANONYMOUS for a in actions)
    assert any(a.title.startswith("Ignore DJE310") for a in actions)  # the finding's other actions stay


@pytest.mark.parametrize("client", ["emacs"], indirect=True)
async def test_no_new_file_for_a_client_that_cannot_create_files(session, workspace):
    root = workspace("nplusone")
    await session.start(root)
    api = root / "library" / "api.py"
    uri = session.open(api)

    _, actions = await actions_on(session, uri, "DJE502", line_of(api, "class BookNestedList") + 1)

    assert not any(a.title == QUERY_COUNT for a in actions)
