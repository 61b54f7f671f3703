"""Lookup paths resolved against the shop's models, as Django's names_to_path/build_lookup would."""

from __future__ import annotations

import pytest
from tests.analyzers.rules.helpers import engine_for

from django_expert.analyzers.navigation import lookups
from django_expert.analyzers.navigation.lookups import (
    FIELD,
    FILTER,
    LOOKUP,
    ORDER,
    PREFETCH,
    RELATION,
    REVERSE,
    SELECT,
    TRANSFORM,
    Source,
)


def kinds(project, label, path, mode=FILTER):
    resolution = lookups.resolve(project, project.model(label), path, mode)
    return [(s.segment.name, s.kind) for s in resolution.steps], resolution.problem, resolution.open


def labels(project, label, prefix, mode=FILTER):
    return [o.label for o in lookups.options_at(project, project.model(label), prefix, mode)]


@pytest.mark.parametrize(("label", "path", "expected"), [
    # forward relation to the (swappable) user model, then a field, then a lookup
    ("orders.Order", "customer__username__icontains", [("customer", RELATION), ("username", FIELD),
                                                       ("icontains", LOOKUP)]),
    # fields inherited from an abstract base (TimeStampedModel), with transforms
    ("catalog.Product", "created__year__gte", [("created", FIELD), ("year", TRANSFORM), ("gte", LOOKUP)]),
    ("catalog.Product", "created__date__month", [("created", FIELD), ("date", TRANSFORM), ("month", TRANSFORM)]),
    # reverse relations: related_name, default query name, related_query_name
    ("orders.Order", "items__product__name", [("items", REVERSE), ("product", RELATION), ("name", FIELD)]),
    ("catalog.Category", "product__price__lt", [("product", REVERSE), ("price", FIELD), ("lt", LOOKUP)]),
    ("catalog.Brand", "item__slug", [("item", REVERSE), ("slug", FIELD)]),
    ("catalog.Coupon" if False else "orders.Coupon", "order__customer", [("order", REVERSE), ("customer", RELATION)]),
    # attname, pk and a related lookup after a relation
    ("orders.Order", "customer_id__in", [("customer_id", RELATION), ("in", LOOKUP)]),
    ("catalog.Product", "pk__in", [("pk", FIELD), ("in", LOOKUP)]),
    ("orders.Order", "shipping_address__isnull", [("shipping_address", REVERSE), ("isnull", LOOKUP)]),
    # multi-table inheritance: the parent link's reverse side
    ("catalog.Product", "digitalproduct__download_url", [("digitalproduct", REVERSE), ("download_url", FIELD)]),
])
def test_valid_paths(shop, label, path, expected):
    steps, problem, is_open = kinds(shop, label, path)
    assert problem is None and not is_open
    assert steps == expected


@pytest.mark.parametrize(("label", "path", "index", "suggestion"), [
    ("orders.Order", "custmer__email", 0, "customer"),
    ("orders.Order", "customer__usernme", 1, "username"),
    ("catalog.Category", "product_set__name", 0, "product"),  # the accessor is not the query name
    ("catalog.Product", "name__icontain", 1, "icontains"),
    ("orders.Order", "customer__icontains", 1, None),  # a relation takes the related lookups only
    ("orders.Order", "total__year", 1, None),  # no date transform on a FloatField
    ("catalog.Product", "created__year__year", 2, None),
    ("catalog.Product", "is_deleted__exact__exact", 2, None),
    ("catalog.Product", "brand__product", 1, "item"),  # related_query_name="item" replaces the model name
])
def test_problems(shop, label, path, index, suggestion):
    _, problem, _ = kinds(shop, label, path)
    assert problem is not None
    assert problem.index == index
    assert problem.suggestion == suggestion


def test_modes(shop):
    assert kinds(shop, "orders.Order", "created__year", ORDER)[1] is None
    assert kinds(shop, "catalog.Product", "name__icontains", ORDER)[1] is not None  # no lookup in order_by
    assert kinds(shop, "orders.Order", "shipping_address", SELECT)[1] is None
    assert "not a single-valued" in kinds(shop, "orders.Order", "items", SELECT)[1].message
    assert "not a relation" in kinds(shop, "orders.Order", "status", SELECT)[1].message
    assert kinds(shop, "catalog.Category", "product_set", PREFETCH)[1] is None  # prefetch uses accessors
    assert kinds(shop, "catalog.Category", "product", PREFETCH)[1] is not None


def test_annotations_and_open_names(shop):
    order = shop.model("orders.Order")
    annotated = lookups.resolve(shop, Source(order, frozenset({"n_items"})), "n_items__gt")
    assert annotated.problem is None and annotated.steps[0].kind == "annotation"
    unknown = lookups.resolve(shop, Source(order, open_names=True), "anything")
    assert unknown.problem is None and unknown.open


def test_completion_after_a_model_lists_fields_both_ways(shop):
    names = labels(shop, "orders.Order", "")
    assert names[:4] == ["id", "created", "updated", "customer"]
    assert {"customer_id", "items", "shipping_address", "ordercoupon", "coupons", "pk"} <= set(names)
    after_relation = labels(shop, "orders.Order", "customer__")
    assert {"username", "orders", "profile", "exact", "in", "isnull"} <= set(after_relation)
    assert "icontains" not in after_relation


def test_completion_after_a_field_lists_transforms_and_lookups(shop):
    assert labels(shop, "orders.Order", "created__y")[:4] == ["year", "iso_year", "month", "day"]
    text = labels(shop, "catalog.Product", "name__")
    assert "icontains" in text and "year" not in text
    number = labels(shop, "orders.Order", "total__")
    assert "gte" in number and "icontains" not in number  # accepted by Django, but not offered
    assert "icontains" not in labels(shop, "orders.Order", "created__", ORDER)


def test_what_cannot_be_known_is_open(tmp_path):
    engine, _ = engine_for(tmp_path, {"app/models.py": """
        from django.db import models
        from library.fields import FancyField
        from library.models import Base


        class Doc(models.Model):
            data = models.JSONField()
            fancy = FancyField()
            tags = TaggableManager()


        class Child(Base):
            name = models.CharField(max_length=10)


        class Shout(models.Lookup):
            lookup_name = "shout"
        """})
    project = engine.projects[0].model
    doc = project.model("app.Doc")
    assert lookups.resolve(project, doc, "data__any__key__icontains").open  # JSON keys
    assert lookups.resolve(project, doc, "tags__name").open  # a manager-like attribute nobody can read
    assert lookups.resolve(project, project.model("app.Child"), "nope").open  # a base nobody indexed
    assert lookups.resolve(project, doc, "id__shout").open  # a lookup the project registers
    assert lookups.resolve(project, doc, "id__nope").problem is not None
