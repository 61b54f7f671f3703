"""Completion, hover and definition on text as the user has it (unfinished included)."""

from __future__ import annotations

import pytest

from django_expert.analyzers.navigation import features

VIEWS = "catalog/views.py"


@pytest.fixture(scope="module")
def at(shop_engine, shop):
    """`at(marked_text, file)`: the target at `|` in the text of a file of the shop."""
    root = shop.layout.root

    def target_at(marked: str, name: str = VIEWS, template: bool = False):
        facts = shop_engine.state((root / name).resolve()).facts if not template else None
        offset = marked.index("|")
        return features.find_target(shop, facts, marked.replace("|", "", 1), offset, template)

    return target_at


HEAD = "from django.conf import settings\nfrom django.shortcuts import render\nfrom django.urls import reverse\n" \
       "from .models import Category, Product\n"


def labels(shop, target):
    return [c.label for c in features.complete(shop, target)]


def test_keyword_completion_while_the_call_is_open(shop, at):
    target = at(HEAD + "Product.objects.filter(category__|")
    items = features.complete(shop, target)
    assert [i.label for i in items][:3] == ["id", "name", "parent"]
    assert {"children", "product", "in", "isnull"} <= {i.label for i in items}
    # each item replaces the path typed so far, so editors filter it by the word before the cursor
    assert all((i.start, i.end) == (target.start, target.cursor) for i in items)
    assert {i.label: i.new_text for i in items}["name"] == "category__name"


def test_a_segment_being_typed_is_replaced_to_its_end(shop, at):
    target = at(HEAD + 'Product.objects.filter(category__pa|rent__name="x")')
    parent = next(i for i in features.complete(shop, target) if i.label == "parent")
    assert (parent.start, parent.end, parent.new_text) == (target.start, target.start + len("category__parent"),
                                                           "category__parent")


def test_custom_manager_method_and_inheritance(shop, at):
    target = at(HEAD + "Product.objects.alive().filter(crea|")  # SoftDeleteQuerySet.as_manager()
    assert target.source.model.label == "catalog.Product"
    assert "created" in labels(shop, target)  # from the abstract TimeStampedModel


def test_local_variable_and_related_manager(shop, at):
    text = HEAD + "def view(request):\n    category = Category.objects.get(pk=1)\n    return category.product_set.filter(na|"
    assert at(text).source.model.label == "catalog.Product"


def test_view_queryset(shop, at):
    views = (shop.layout.root / VIEWS).read_text()
    text = views + "\n    def get_queryset(self):\n        return super().get_queryset().order_by('-|')\n"
    target = at(text)  # inside CategoryListView (model = Category), as its last good facts know it
    assert target.source.model.label == "catalog.Category" and "children" in labels(shop, target)
    assert target.mode == "order" and target.text == ""


def test_hover_and_definition_of_segments(shop, at):
    target = at(HEAD + 'Product.objects.filter(category__pa|rent__name__icontains="x")')
    hover = features.hover(shop, target)
    assert hover.markdown.startswith("**Category.parent** · `ForeignKey → catalog.Category`")
    (place,) = features.definition(shop, target)
    assert place.path.name == "models.py" and place.span.start.line == 9
    lookup = at(HEAD + 'Product.objects.filter(category__parent__name__icont|ains="x")')
    assert "contains the text, ignoring case" in features.hover(shop, lookup).markdown


def test_reverse_relation_goes_to_the_foreign_key(shop, at):
    target = at(HEAD + "Category.objects.filter(prod|uct__name='x')")
    assert "reverse one-to-many from catalog.Product.category" in features.hover(shop, target).markdown
    (place,) = features.definition(shop, target)
    assert place.span.start.line == 35  # Product.category


def test_urls(shop, at):
    target = at(HEAD + "reverse('catalog:prod|')")
    names = labels(shop, target)
    assert "catalog:product-detail" in names and "orders:order-cancel" in names
    hover = features.hover(shop, at(HEAD + "reverse('catalog:product-de|tail')"))
    assert "/catalog/p/<slug>/" in hover.markdown and "catalog.views.product_detail" in hover.markdown
    places = features.definition(shop, at(HEAD + "reverse('catalog:product-de|tail')"))
    assert [p.path.name for p in places] == ["urls.py"]  # the path() naming it: one place, the editor jumps


def test_templates(shop, at):
    target = at(HEAD + "render(request, 'catalog/|')")
    items = {i.label: i for i in features.complete(shop, target)}
    assert items["catalog/product_list.html"].detail == "catalog/templates/catalog/product_list.html"
    assert items["base.html"].sort < items["admin/base.html"].sort  # the project's own first
    (place,) = features.definition(shop, at(HEAD + "render(request, 'catalog/product_l|ist.html')"))
    assert place.path.name == "product_list.html"
    template = at('{% extends "ba|se.html" %}', template=True)
    assert features.definition(shop, template)[0].path.name == "base.html"
    url = at("{% url 'catalog:|' %}", template=True)
    assert "catalog:category-list" in labels(shop, url)


def test_settings(shop, at):
    assert "DEBUG" in labels(shop, at(HEAD + "settings.DEB|"))
    hover = features.hover(shop, at(HEAD + "settings.SECRET_K|EY"))
    assert "(hidden)" in hover.markdown and "insecure" not in hover.markdown
    places = features.definition(shop, at(HEAD + "settings.DEB|UG"))
    assert {p.path.name for p in places} >= {"base.py", "dev.py"}
    assert "DEBUG" in labels(shop, at(HEAD + "getattr(settings, 'DEB|'"))
