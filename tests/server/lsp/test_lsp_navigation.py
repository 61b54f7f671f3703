"""Django-aware editing end to end, on a copy of tests/workspaces/shop: completion, hover,
definition and symbols for lookup paths, URL names, templates and settings; the
diagnostics and quick fixes of DJE109-DJE112 and DJE209; jedi where Django has nothing
to say."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="function")
CLIENTS = ["visual-studio-code", "neovim", "emacs"]
K = types.CompletionItemKind

QUERIES = """\
from django.conf import settings
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from catalog.models import Category, Product
from orders.models import Order


def report(request):
    orders = Order.objects.filter(items__product__name="Lamp", customer__email__icontains="@")
    products = Product.objects.alive().filter(category__parent__name="Home").order_by("-created")
    categories = Category.objects.filter(product__price__gte=10, children__isnull=False)
    totals = Order.objects.filter(total__gt=F("coupons__percent_off"), status=settings.DEFAULT_STATUS)
    url = reverse("catalog:product-detail", kwargs={"slug": "lamp"})
    return render(request, "catalog/product_list.html", {"orders": orders, "products": products})
"""
BROKEN = """\
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from catalog.models import Category, Product


def report(request):
    Product.objects.filter(categry__name="x")
    Category.objects.filter(product_set__name="x")
    reverse("catalog:product-lst")
    reverse("catalog:product-detail", kwargs={"pk": 1})
    settings.DEFAULT_FROM_EMAL
    return render(request, "catalog/product_lst.html")
"""


async def open_file(session, shop: Path, name: str, text: str) -> str:
    path = shop / name
    path.write_text(text)
    return session.open(path, text)


def at(session, uri: str, needle: str, shift: int = 0, last: bool = False) -> types.Position:
    """The position of `needle` (+ shift) in the document (its last occurrence if asked),
    in the client's encoding."""
    text = session.texts[uri]
    offset = (text.rindex(needle) if last else text.index(needle)) + shift
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    prefix = text.splitlines()[line][:column]
    units = len(prefix.encode("utf-16-le")) // 2 if session.encoding == "utf-16" else (
        len(prefix.encode("utf-8")) if session.encoding == "utf-8" else len(prefix))
    return types.Position(line=line, character=units)


async def complete(session, uri: str, position: types.Position) -> list[types.CompletionItem]:
    result = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    return list(result.items) if result else []


async def hover(session, uri: str, position: types.Position) -> str:
    result = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    return result.contents.value if result else ""


async def definition(session, uri: str, position: types.Position) -> list[tuple[str, int]]:
    result = await session.client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    return [(Path(types_uri(loc.uri)).as_posix(), loc.range.start.line) for loc in (result or [])]


def types_uri(uri: str) -> str:
    return uri.removeprefix("file://")


def item(items, label):
    return next(i for i in items if i.label == label)


# -- lookup paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_lookup_completion_while_typing(session, shop):
    await session.start(shop)
    text = QUERIES + "\n\ndef more():\n    return Product.objects.alive().filter(category__"
    uri = await open_file(session, shop, "catalog/queries.py", text)
    end = at(session, uri, "category__", len("category__"), last=True)
    items = await complete(session, uri, end)
    # the custom QuerySet method (SoftDeleteQuerySet.as_manager()) keeps the model
    assert [i.label for i in items[:3]] == ["id", "name", "parent"]
    assert (item(items, "parent").kind, item(items, "parent").detail) == (K.Reference, "ForeignKey → catalog.Category")
    assert item(items, "children").detail == "reverse one-to-many from catalog.Category.parent"  # related_name
    assert item(items, "product").detail == "reverse one-to-many from catalog.Product.category"  # no related_name
    assert item(items, "in").kind == K.Operator
    name = item(items, "name")  # replaces `category__`, so every client's filter matches it
    assert (name.text_edit.range.start, name.text_edit.range.end) == (at(session, uri, "category__", last=True), end)
    assert name.text_edit.new_text == name.filter_text == name.insert_text == "category__name"


async def test_completion_is_triggered_by_the_call_and_filtered_by_the_word_typed(session, shop):
    """`(` and `_` trigger it; a client that filters by the symbol before the cursor (eglot's
    `bounds-of-thing-at-point 'symbol` against `insertText`) keeps Category's fields after
    `category__`; the list is incomplete, so the client asks again for the next segment."""
    result = await session.start(shop)
    assert {"_", "(", ",", '"', "'"} <= set(result.capabilities.completion_provider.trigger_characters)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES + "\nx = Product.objects.filter(")
    opened = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at(session, uri, "filter(", 7, last=True),
        context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
                                        trigger_character="(")))
    assert opened.is_incomplete and {"category", "name", "price"} <= {i.label for i in opened.items}
    session.change(uri, session.texts[uri] + "category__")
    typed = await complete(session, uri, at(session, uri, "category__", len("category__"), last=True))
    word = "category__"  # the symbol before the cursor
    kept = [i.label for i in typed if (i.insert_text or i.label).startswith(word)]
    assert kept[:3] == ["id", "name", "parent"] and "category_id" not in kept
    print(f"after `{word}`: {len(kept)} of {len(typed)} items kept by the client's filter: {kept[:6]}")


async def test_transforms_and_lookups_after_an_inherited_field(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES + "\nx = Product.objects.filter(created__")
    items = await complete(session, uri, at(session, uri, "(created__", len("(created__")))
    assert [i.label for i in items][:3] == ["year", "iso_year", "month"]  # created: from TimeStampedModel
    assert (item(items, "year").kind, item(items, "year").detail) == (K.Function, "→ IntegerField: the year")
    assert item(items, "gte").detail == "greater than or equal to"


async def test_hover_and_definition_of_segments(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES)
    items = at(session, uri, "items__product", 2)
    assert (await hover(session, uri, items)).startswith(
        "**Order.items** · reverse one-to-many from orders.OrderItem.order")
    assert await definition(session, uri, items) == [((shop / "orders/models/item.py").as_posix(), 6)]
    product = at(session, uri, "product__price", 2)
    assert "reverse one-to-many from catalog.Product.category" in await hover(session, uri, product)
    assert await definition(session, uri, product) == [((shop / "catalog/models.py").as_posix(), 35)]
    lookup = await hover(session, uri, at(session, uri, "icontains", 3))
    assert lookup == "**lookup** `icontains` on `customer__email` (EmailField) — contains the text, ignoring case"
    inherited = await hover(session, uri, at(session, uri, '"-created"', 3))
    assert "Declared in `core.models.TimeStampedModel`" in inherited
    assert await definition(session, uri, at(session, uri, '"-created"', 3)) == [
        ((shop / "core/models.py").as_posix(), 6)]


async def test_unknown_lookup_diagnostic_and_quick_fix(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/broken.py", BROKEN)
    diagnostics = {d.message: d for d in await session.diagnostics(uri) if d.code == "DJE209"}
    assert set(diagnostics) == {
        "catalog.Product has no field or relation named 'categry'; did you mean 'category'?",
        ("catalog.Category has no field or relation named 'product_set': `product_set` is the attribute on "
         "instances; queries use 'product'; did you mean 'product'?"),
    }
    typo = diagnostics["catalog.Product has no field or relation named 'categry'; did you mean 'category'?"]
    assert typo.severity == types.DiagnosticSeverity.Error
    assert typo.range.start == at(session, uri, "categry")
    (fix,) = [a for a in await session.code_actions(uri, typo.range, [typo]) if a.title.startswith("Replace")]
    assert fix.title == "Replace 'categry' with 'category'"
    new_text = session.apply(uri, (await session.resolved(fix)).edit)
    assert 'Product.objects.filter(category__name="x")' in new_text


# -- URLs, templates, settings ---------------------------------------------------------------------


async def test_url_names_in_python_and_templates(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES)
    name = at(session, uri, "catalog:product-detail", 10)
    items = await complete(session, uri, name)
    assert {"catalog:product-detail", "catalog:category-list", "orders:order-cancel", "product-detail"} <= {
        i.label for i in items}
    detail = item(items, "catalog:product-detail")
    assert (detail.kind, detail.detail) == (K.Value, "catalog/p/<slug>/")
    assert "/catalog/p/<slug>/" in await hover(session, uri, name)
    assert "View: `catalog.views.product_detail`" in await hover(session, uri, name)
    assert await definition(session, uri, name) == [((shop / "catalog/urls.py").as_posix(), 11)]  # one: a jump
    template = session.open(shop / "templates/base.html")
    position = at(session, template, "catalog:category-list", 9)
    assert "catalog:category-list" in {i.label for i in await complete(session, template, position)}
    assert await definition(session, template, position) == [((shop / "catalog/urls.py").as_posix(), 8)]


async def test_template_names_from_app_folders(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES)
    position = at(session, uri, "catalog/product_list.html", 8)
    items = await complete(session, uri, position)
    own = item(items, "catalog/product_list.html")
    assert (own.kind, own.detail) == (K.File, "catalog/templates/catalog/product_list.html")
    assert item(items, "base.html").detail == "templates/base.html"
    assert item(items, "base.html").sort_text < item(items, "admin/base.html").sort_text  # the project's first
    assert await definition(session, uri, position) == [
        ((shop / "catalog/templates/catalog/product_list.html").as_posix(), 0)]
    extends = session.open(shop / "catalog/templates/catalog/product_list.html")
    assert await definition(session, extends, at(session, extends, "base.html", 2)) == [
        ((shop / "templates/base.html").as_posix(), 0)]


async def test_settings(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/queries.py", QUERIES + "\nsettings.SECRET_KEY\nsettings.DEBUG\nsettings.DEB")
    items = await complete(session, uri, at(session, uri, "settings.DEB", len("settings.DEB"), last=True))
    assert (item(items, "DEBUG").kind, item(items, "DEBUG").detail) == (K.Constant, "project setting")
    assert item(items, "DEFAULT_FROM_EMAIL").detail == "Django default"
    secret = await hover(session, uri, at(session, uri, "SECRET_KEY", 2))
    assert "(hidden)" in secret and "insecure" not in secret
    debug = await hover(session, uri, at(session, uri, "settings.DEB", 10))
    assert "- `shop.settings.dev`: `True`" in debug and "- `shop.settings.prod`: `False`" in debug
    places = await definition(session, uri, at(session, uri, "settings.SECRET_KEY", 10))
    assert places == [((shop / "shop/settings/base.py").as_posix(), 6),
                      ((shop / "shop/settings/prod.py").as_posix(), 6)]


async def test_url_template_and_setting_diagnostics_with_fixes(session, shop):
    await session.start(shop)
    uri = await open_file(session, shop, "catalog/broken.py", BROKEN)
    found = {d.code: d for d in await session.diagnostics(uri) if d.code in ("DJE109", "DJE110", "DJE111", "DJE112")}
    assert found["DJE109"].message == "no URL pattern is named 'catalog:product-lst'; did you mean " \
                                      "'catalog:product-list'?"
    assert found["DJE110"].message == "'catalog:product-detail' (/catalog/p/<slug>/) takes slug; it is given pk"
    assert found["DJE111"].message == "no template folder of the project holds 'catalog/product_lst.html'; " \
                                      "did you mean 'catalog/product_list.html'?"
    assert found["DJE112"].message == "no settings module sets 'DEFAULT_FROM_EMAL' and Django has no default for " \
                                      "it; did you mean 'DEFAULT_FROM_EMAIL'?"
    expected = {
        "DJE109": ('reverse("catalog:product-lst")', 'reverse("catalog:product-list")'),
        "DJE110": ('kwargs={"pk": 1}', 'kwargs={"slug": 1}'),
        "DJE111": ('"catalog/product_lst.html"', '"catalog/product_list.html"'),
        "DJE112": ("settings.DEFAULT_FROM_EMAL", "settings.DEFAULT_FROM_EMAIL"),
    }
    for code, (before, after) in expected.items():
        diagnostic = found[code]
        actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
        fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix
                 and not a.title.startswith(("Ignore", "Accept"))]
        assert len(fixes) == 1, (code, [a.title for a in actions])
        fix = fixes[0]
        assert not fix.is_preferred  # a guess: offered, never applied by fix-all
        new_text = session.apply(uri, (await session.resolved(fix)).edit)
        assert before in session.texts[uri] and after in new_text and before not in new_text.replace(after, "")


# -- symbols and jedi ------------------------------------------------------------------------------


async def test_document_and_workspace_symbols(session, shop):
    await session.start(shop)
    uri = session.open(shop / "catalog/models.py")
    symbols = await session.client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    product = next(s for s in symbols if s.name == "Product")
    assert (product.kind, product.detail) == (types.SymbolKind.Class, "model catalog.Product")
    fields = {c.name: c.detail for c in product.children if c.kind == types.SymbolKind.Field}
    assert fields["category"] == "ForeignKey → catalog.Category" and "tags" in fields
    urls = await session.client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=session.open(shop / "catalog/urls.py"))))
    assert {s.name: s.detail for s in urls}["catalog:product-detail"] == "/catalog/p/<slug>/ → product_detail"
    found = await session.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="ProductVi"))
    assert [(s.name, Path(types_uri(s.location.uri)).relative_to(shop).as_posix()) for s in found][:1] == [
        ("ProductViewSet", "catalog/views.py")]


async def test_jedi_answers_general_python(session, shop):
    await session.start(shop)
    uri = session.open(shop / "catalog/views.py")
    text = await hover(session, uri, at(session, uri, "get_object_or_404, render", 3))
    assert text.startswith("```python\nget_object_or_404(")
    assert await definition(session, uri, at(session, uri, "Category, Product", 2)) == [
        ((shop / "catalog/models.py").as_posix(), 7)]


# -- the project model under the cursor --------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_hover_on_model_fields_and_managers_shows_their_django_facts(session, shop):
    """Not jedi's `statement …`: the field's type, options, column and relation (issue 16)."""
    await session.start(shop)
    uri = session.open(shop / "orders/models/item.py")
    price = await hover(session, uri, at(session, uri, "unit_price = ", 3))
    assert price.startswith("**OrderItem.unit_price** · `DecimalField`")
    assert "max_digits=12, decimal_places=2" in price and "Column: `unit_price`" in price
    catalog = session.open(shop / "catalog/models.py")
    category = await hover(session, catalog, at(session, catalog, "    category = models", 6))
    assert category.startswith("**Product.category** · `ForeignKey → catalog.Category`")
    assert "Column: `category_id`" in category and "`product_set`" in category  # the reverse accessor
    text = QUERIES + "\n\ndef detail(request):\n    product = Product.objects.get(pk=1)\n    return product.category\n"
    queries = await open_file(session, shop, "catalog/queries.py", text)
    manager = await hover(session, queries, at(session, queries, "Product.objects.get", 10))
    assert manager.startswith("**Product.objects** · manager of `catalog.Product` (the default manager)")
    instance = await hover(session, queries, at(session, queries, "product.category", 10))
    assert instance.startswith("**Product.category** · `ForeignKey → catalog.Category`")
    print(price.replace("\n\n", " | "))


async def test_jedi_is_warmed_up_after_indexing(session, shop):
    import time

    await session.start(shop)
    ready = await session.wait(lambda: [m.message for m in session.client.log_messages
                                        if m.message.startswith("django-expert: jedi ready")], "jedi to warm up", 30)
    uri = session.open(shop / "catalog/views.py")
    started = time.monotonic()
    text = await hover(session, uri, at(session, uri, "get_object_or_404, render", 3))
    first = time.monotonic() - started
    assert text.startswith("```python\nget_object_or_404(")
    assert first < 1.0, first  # the child already runs and has read Django
    print(f"{ready[0]}; first general hover after it: {first:.2f} s")
