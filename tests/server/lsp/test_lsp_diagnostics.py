"""Diagnostics end to end: pushed to clients that cannot pull, pulled by those that can."""

from __future__ import annotations

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="function")
CLIENTS = ["visual-studio-code", "neovim", "emacs"]  # recorded capabilities of real clients
PUSH_AND_PULL = ["visual-studio-code", "neovim"]  # VS Code 1.65 cannot pull; Neovim 0.11 can


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_shop_findings_reach_the_client(session, shop):
    await session.start(shop)
    models = (shop / "catalog" / "models.py").as_uri()

    diagnostics = await session.diagnostics(models)

    (nullable,) = [d for d in diagnostics if d.code == "DJE201"]
    assert nullable.source == "django-expert"
    assert nullable.severity == types.DiagnosticSeverity.Warning
    assert nullable.code_description.href.endswith("/DJE201.html")
    assert nullable.range.start.line == 33  # catalog/models.py:34, `description = ...TextField(null=True)`
    assert "description" in nullable.message
    if session.pulls:
        assert session.client.published == {}  # pull clients get no pushes: no duplicates
    else:
        assert session.client.diagnostics[models]  # pushed after indexing, before any didOpen


@pytest.mark.parametrize("client", PUSH_AND_PULL, indirect=True)
async def test_pull_reports_carry_result_ids(session, shop):
    session.can_refresh()
    await session.start(shop)
    document = types.TextDocumentIdentifier(uri=(shop / "catalog" / "models.py").as_uri())

    full = await session.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=document))
    assert full.kind == "full" and full.result_id and full.items
    again = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=document, previous_result_id=full.result_id))
    assert again.kind == "unchanged" and again.result_id == full.result_id

    workspace = await session.client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    reported = {report.uri: report for report in workspace.items}
    for name in ("catalog/models.py", "catalog/serializers.py", "orders/serializers.py"):
        assert (shop / name).as_uri() in reported
    assert reported[document.uri].result_id == full.result_id
    previous = [types.PreviousResultId(uri=document.uri, value=full.result_id)]
    workspace = await session.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert {r.uri: r.kind for r in workspace.items}[document.uri] == "unchanged"


async def test_edits_are_published_for_the_newest_version_only(session, shop):
    await session.start(shop)
    uri = session.open(shop / "catalog" / "models.py")
    await session.diagnostics(uri)
    text = session.texts[uri]
    for _ in range(5):  # typing fast: each edit supersedes the previous one
        session.change(uri, text.replace("null=True", "null=False"))
    version = session.change(uri, text.replace("TextField(null=True)", "TextField()"))

    diagnostics = await session.diagnostics(uri, version)

    assert "DJE201" not in [d.code for d in diagnostics]
    published = [p.version for p in session.client.published[uri] if p.version not in (None, 1)]
    # An edit analysed at once (nothing in flight) is published if the server has not read
    # the next one by then; a superseded result never follows a newer one.
    assert published[-1] == version and published == sorted(published), published


async def test_configuration_change_reindexes_and_bad_settings_keep_the_previous_ones(session, shop):
    await session.start(shop)
    models = (shop / "catalog" / "models.py").as_uri()
    assert "DJE201" in [d.code for d in await session.diagnostics(models, None)]

    published = len(session.client.published[models])
    session.client.set_configuration({"ignore": ["DJE2"]}, section="django-expert")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await session.wait(lambda: session.ended() == 2, "re-indexing, with progress")
    assert len(session.client.published[models]) > published  # published while checking
    assert [d.code for d in session.client.diagnostics[models]] == []

    session.client.set_configuration({"ignore": "DJE2", "selekt": []}, section="django-expert")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await session.wait(lambda: session.client.messages, "the error message")
    assert "selekt" in session.client.messages[0].message or "ignore" in session.client.messages[0].message
    assert session.ended() == 2  # nothing re-indexed: the previous settings stay


async def test_file_watchers_are_registered_when_the_client_allows(session, shop):
    await session.start(shop)
    (registration,) = await session.wait(lambda: session.client.registrations, "registration")
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    patterns = {watcher["globPattern"] for watcher in registration.register_options["watchers"]}
    assert patterns == {"**/*.py", "**/.env", "**/pyproject.toml", "**/.django-expert.toml", "**/*.html"}


async def test_a_file_changed_on_disk_is_reread(session, shop):
    await session.start(shop)
    path = shop / "catalog" / "models.py"
    await session.diagnostics(path.as_uri(), None)
    published = len(session.client.published[path.as_uri()])
    path.write_text(path.read_text().replace("TextField(null=True)", "TextField()"))
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)]))

    await session.wait(lambda: len(session.client.published[path.as_uri()]) > published, "a new publish")
    assert "DJE201" not in [d.code for d in session.client.diagnostics[path.as_uri()]]


async def test_each_workspace_folder_has_its_engine(session, shop, workspace):
    blog = workspace("blog")
    await session.start(shop, blog)
    posts = (blog / "posts" / "models.py").as_uri()
    assert "DJE202" in [d.code for d in await session.diagnostics(posts, None)]
    assert "DJE201" in [d.code for d in await session.diagnostics((shop / "catalog" / "models.py").as_uri(), None)]

    session.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(
            added=[], removed=[types.WorkspaceFolder(uri=blog.as_uri(), name="blog")])))

    await session.wait(lambda: list(session.client.diagnostics[posts]) == [], "the blog's diagnostics to clear")


@pytest.mark.parametrize("client", ["neovim"], indirect=True)
async def test_a_client_that_pulls_but_cannot_refresh_gets_pushes_and_no_duplicates(session, shop):
    """Neovim 0.11 pulls for open buffers but cannot be told to pull again, so a decision or
    a change in another file would stay invisible: it gets pushes, and empty pull reports."""
    assert session.capabilities.text_document.diagnostic is not None and not session.pulls
    await session.start(shop)
    uri = (shop / "catalog" / "models.py").as_uri()
    assert any(d.code == "DJE201" for d in await session.diagnostics(uri))  # pushed
    report = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert report.kind == "full" and list(report.items) == []


async def test_template_findings_are_published(session, shop):
    template = shop / "catalog" / "templates" / "catalog" / "product_list.html"
    template.write_text(template.read_text() + '{% url "catalog:no-such-view" %}\n')
    await session.start(shop)
    uri = template.as_uri()
    published = await session.wait(lambda: session.client.diagnostics.get(uri), "template diagnostics")
    (unknown,) = [d for d in published if d.code == "DJE109"]
    assert "did you mean" in unknown.message
    assert unknown.range.start.line == len(template.read_text().splitlines()) - 1


async def test_an_open_template_buffer_is_checked_and_its_quick_fix_applies(session, shop):
    """Unsaved template text is analysed as typed; the "did you mean" fix applies; no
    Python '# noqa' is offered in HTML."""
    await session.start(shop)
    template = shop / "catalog" / "templates" / "catalog" / "product_list.html"
    text = template.read_text() + '<a href="{% url "catalog:product-lst" %}">all</a>\n'
    uri = session.open(template, text)  # not saved
    (unknown,) = [d for d in await session.diagnostics(uri) if d.code == "DJE109"]
    actions = await session.code_actions(uri, unknown.range, [unknown])
    assert not [a for a in actions if "noqa" in a.title]
    (fix,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and not a.title.startswith("Accept")]
    fix = await session.resolved(fix)
    fixed = session.apply(uri, fix.edit)
    assert fixed.endswith('{% url "catalog:product-list" %}">all</a>\n')
    version = session.change(uri, fixed)
    assert "DJE109" not in [d.code for d in await session.diagnostics(uri, version)]


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_a_class_level_finding_underlines_the_class_name_only(session, shop):
    """DJE202 on a 100-line model: one word underlined, and DJE201 inside the model still shown
    on its own line (issue 16: 145 lines of squiggles hid every finding inside the class)."""
    await session.start(shop)
    fields = "".join(f"    note_{n} = models.IntegerField(default=0)\n" for n in range(97))
    text = ("from django.db import models\n\n\n@decorated\nclass Shelf(models.Model):\n"
            "    label = models.CharField(max_length=20, null=True)\n" + fields)
    path = shop / "catalog" / "shelves.py"
    path.write_text(text)
    uri = session.open(path, text)
    diagnostics = await session.diagnostics(uri)
    (no_str,) = [d for d in diagnostics if d.code == "DJE202"]
    assert no_str.range == types.Range(start=types.Position(line=4, character=6),
                                       end=types.Position(line=4, character=11))  # `Shelf`
    (nullable,) = [d for d in diagnostics if d.code == "DJE201"]
    assert nullable.range.start.line == nullable.range.end.line == 5
    print("DJE202 range", no_str.range, "DJE201 line", nullable.range.start.line)


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_a_syntax_error_in_an_unsaved_buffer_is_placed_in_the_buffer(session, shop):
    """The disk's line 4 is one character long; the buffer's holds the error at column 8."""
    path = shop / "catalog" / "draft.py"
    path.write_text("import os\n\n\né\n", encoding="utf-8")
    await session.start(shop)
    uri = session.open(path, "import os\n\ndef f():\n    x = = 1\n")
    (error,) = [d for d in await session.diagnostics(uri) if d.code == "DJE000"]
    assert error.message == "syntax error: invalid syntax"
    assert (error.range.start.line, error.range.start.character) == (3, 8)


@pytest.mark.parametrize("client", ["visual-studio-code"], indirect=True)  # pushes (cannot pull)
async def test_a_field_rename_publishes_the_edited_file_before_its_dependants(session, shop):
    """The user is looking at the edited model; the files that read the renamed field follow."""
    reports = shop / "catalog" / "a_reports.py"  # sorts before models.py
    reports.write_text("from catalog.models import Product\n\n\ndef dear():\n"
                       "    return Product.objects.filter(price__gt=100)\n", encoding="utf-8")
    await session.start(shop)
    uri = session.open(shop / "catalog" / "models.py")
    await session.diagnostics(uri)
    before = len(session.client.publish_order)
    version = session.change(uri, session.texts[uri].replace("    price = MoneyField()", "    cost = MoneyField()"))
    await session.diagnostics(uri, version)
    dependant = reports.as_uri()  # its `price__gt` lookup is unknown after the rename (DJE209)
    await session.wait(lambda: dependant in session.client.publish_order[before:], "the dependant re-published")
    order = session.client.publish_order[before:]
    assert order[0] == uri and order.index(dependant) > 0, order
    assert "DJE209" in [d.code for d in await session.diagnostics(dependant, None)]
