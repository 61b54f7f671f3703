"""A model's field, relation or manager named in code; silent for every other name."""

from __future__ import annotations

import pytest

from django_expert.analyzers.navigation.model_hover import model_member_at

VIEWS = "catalog/views.py"
HEAD = "from .models import Category, Product\n\n\n"


@pytest.fixture(scope="module")
def member(shop_engine, shop):
    """`member(marked_text)`: (model label, name) at `|` in a text of catalog/views.py."""
    facts = shop_engine.state((shop.layout.root / VIEWS).resolve()).facts

    def at(marked: str):
        offset = marked.index("|")
        found = model_member_at(shop, facts, marked.replace("|", "", 1), offset)
        return (found[0].label, found[1]) if found else None

    return at


def test_silent_where_no_model_member_is_named(member):
    assert member(HEAD + "class Form:\n    na|me = 1\n") is None  # not a model
    assert member(HEAD + "x = Product.obj|ectz\n") is None  # no such member
    assert member(HEAD + "def f():\n    rows = Product.objects.all()\n    return rows.na|me\n") is None  # a queryset
    assert member(HEAD + "def f(other):\n    return other.na|me\n") is None  # unknown


def test_members_on_the_class_an_instance_and_self(member):
    assert member(HEAD + "Product.obj|ects.count()\n") == ("catalog.Product", "objects")
    assert member(HEAD + "Category.chil|dren\n") == ("catalog.Category", "children")  # a reverse accessor
    text = HEAD + "def f():\n    product = Product.objects.get(pk=1)\n    return product.categ|ory\n"
    assert member(text) == ("catalog.Product", "category")
