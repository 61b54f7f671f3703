"""Document and workspace symbols, described the Django way."""

from __future__ import annotations

from django_expert.analyzers.navigation.symbols import document_symbols, workspace_symbols


def outline(shop_engine, shop, name):
    path = (shop.layout.root / name).resolve()
    return document_symbols(shop, shop_engine.state(path).facts, path)


def test_models_with_fields(shop_engine, shop):
    symbols = {s.name: s for s in outline(shop_engine, shop, "catalog/models.py")}
    product = symbols["Product"]
    assert (product.kind, product.detail) == ("model", "model catalog.Product")
    fields = {c.name: c.detail for c in product.children if c.kind == "field"}
    assert fields["category"] == "ForeignKey → catalog.Category" and fields["price"] == "MoneyField"
    assert symbols["FeaturedProduct"].detail == "proxy model catalog.FeaturedProduct"


def test_views_admin_serializers_and_urls(shop_engine, shop):
    views = {s.name: (s.kind, s.detail) for s in outline(shop_engine, shop, "catalog/views.py")}
    assert views["ProductViewSet"] == ("viewset", "viewset (ModelViewSet)")
    assert views["product_list"] == ("view", "view")
    admin = {s.name: s.detail for s in outline(shop_engine, shop, "catalog/admin.py")}
    assert admin["ProductAdmin"] == "admin for catalog.Product"
    urls = {s.name: s.detail for s in outline(shop_engine, shop, "catalog/urls.py")}
    assert urls["catalog:product-detail"] == "/catalog/p/<slug>/ → product_detail"


def test_workspace_symbols(shop):
    found = [(s.name, s.kind) for s in workspace_symbols(shop, "prodvs")]
    assert ("ProductViewSet", "viewset") in found
    names = [s.name for s in workspace_symbols(shop, "order")]
    assert "Order" in names and "orders:order-cancel" in names
