"""After indexing, the open documents are published first, and the other files are checked a
slice at a time: a request sent while the folder is being checked is answered before the
check ends (`lifecycle.index`, `diagnostics.check_in_slices`)."""

from __future__ import annotations

import gc
import time
import weakref

import pytest
from lsprotocol import types

from tests.server.lsp.test_lsp_line_breaks import in_process_server  # noqa: F401 - a fixture

# A module the rules have something to read in (queries, a view, a loop), copied many times
# so that checking the folder takes many slices.
BULK = '''\
from django.http import JsonResponse
from django.views import View

from catalog.models import Product
from orders.models import Order


class Listing{n}(View):
    def get(self, request):
        orders = Order.objects.filter(customer=request.user)
        names = [order.customer.email for order in orders]
        return JsonResponse({{"names": names, "count": Product.objects.count()}})


def totals{n}(request):
    result = {{}}
    for product in Product.objects.all():
        result[product.name] = product.category.name
    return JsonResponse(result)
'''


def _progress(session) -> list:
    return [report for reports in session.client.progress_reports.values() for report in reports]


@pytest.mark.asyncio(loop_scope="function")
async def test_the_open_document_first_and_requests_answered_while_checking(session, shop):
    bulk = shop / "catalog" / "bulk"
    bulk.mkdir()
    (bulk / "__init__.py").write_text("")
    for n in range(400):
        (bulk / f"listing_{n:03}.py").write_text(BULK.format(n=n))
    opened = shop / "orders" / "views.py"  # sorts after catalog/: checked last in the folder's order
    await session.client.initialize_session(types.InitializeParams(
        capabilities=session.capabilities, root_uri=shop.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=shop.as_uri(), name=shop.name)]))
    uri = session.open(opened)  # before indexing ends
    # A lookup the project model answers (a class name would go to jedi, whose first start on a
    # loaded machine can outlast its time bound: this test is about the index, not jedi).
    line, text = next((i, text) for i, text in enumerate(session.texts[uri].splitlines())
                      if "return Order.objects.filter(customer=" in text)
    hover = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=text.index("customer=") + 2)))
    answered_at = len(_progress(session))
    await session.wait(lambda: session.ended() == 1, "indexing to end", timeout=120)

    assert hover is not None and "customer" in str(hover.contents), hover
    after = _progress(session)[answered_at:]
    checking = [r for r in after if isinstance(r, types.WorkDoneProgressReport) and "checking" in (r.message or "")]
    assert checking, "the hover was answered only once every file was checked"
    # the open document before the folder's files
    assert session.client.publish_order[0] == uri, session.client.publish_order[:3]
    assert len(set(session.client.publish_order)) > 100  # the bulk modules' findings were published too


def _reindexed(server, client, ignore: str) -> None:
    """Change a setting (the folder is indexed again) and wait until it is checked."""
    (folder,) = server.folders.values()
    indexing = folder.indexing
    client.notify("workspace/didChangeConfiguration", {"settings": {"django-expert": {"ignore": [ignore]}}})
    client.call("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.py"},
                                       "position": {"line": 0, "character": 0}})  # handled in order
    deadline = time.monotonic() + 30
    while not (folder.indexing > indexing and folder.checked.is_set()):
        assert time.monotonic() < deadline, "the folder was not indexed again"
        time.sleep(0.01)


def test_an_index_is_kept_out_of_the_collector_and_the_next_index_frees_it(in_process_server):  # noqa: F811
    """After reading a folder the server freezes what the index holds (a full collection of
    netbox's heap scanned it for 330 ms, the stalls behind an edit's slowest diagnostics); a
    new index unfreezes it first, or the previous files and projects (which refer to each
    other) would stay alive forever."""
    server, client, root = in_process_server
    (root / "shop").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text("from django.db import models\n\n\n"
                                             "class Item(models.Model):\n    name = models.TextField(null=True)\n")
    try:
        _reindexed(server, client, "DJE201")
        (folder,) = server.folders.values()
        state = weakref.ref(folder.engine.state(root / "shop" / "models.py"))
        assert state() is not None and gc.get_freeze_count() > 0

        _reindexed(server, client, "DJE202")
        gc.collect()

        assert folder.engine.state(root / "shop" / "models.py") is not None
        assert state() is None, "the previous index's file state is still alive"
    finally:
        gc.unfreeze()
