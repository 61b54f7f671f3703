"""Queryset flow (analyzers/project/querysets.py) on source strings: where rows come from,
what they load, and which read chains fetch a relation once per row. Also the method
read summaries facts keep for it (`MethodFact.reads`)."""

from __future__ import annotations

import ast
import textwrap

from django_expert.analyzers.facts.chains import attribute_chains
from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.values import Call, Const, Ref
from django_expert.analyzers.project.querysets import Flow, Loads, plan, unloaded
from django_expert.analyzers.source import LineIndex

from tests.analyzers.project.build import project_from_sources

SETTINGS = 'INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]\n'
MODELS = """
    from django.db import models


    class Maker(models.Model):
        name = models.CharField(max_length=10)


    class ProductQuerySet(models.QuerySet):
        def visible(self):
            return self.filter(hidden=False).select_related("maker")

        def complicated(self):
            qs = self.filter(hidden=False)
            return qs


    class SelectingManager(models.Manager):
        def get_queryset(self):
            return super().get_queryset().select_related("category")


    class Category(models.Model):
        name = models.CharField(max_length=10)
        parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="children")

        def __str__(self):
            return f"{self.parent.name} / {self.name}"


    class Product(models.Model):
        name = models.CharField(max_length=10)
        hidden = models.BooleanField(default=False)
        maker = models.ForeignKey(Maker, on_delete=models.CASCADE)
        category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")
        labels = models.ManyToManyField("Label")

        objects = ProductQuerySet.as_manager()
        selecting = SelectingManager()

        @property
        def maker_name(self):
            return self.maker.name


    class Label(models.Model):
        text = models.CharField(max_length=10)
"""


def project():
    return project_from_sources({"shop": "", "shop.settings": SETTINGS, "shop.models": MODELS}, "shop.settings")


def rows(expression: Call | Ref, names=None):
    return Flow(project(), "shop.views", names=names).rows(expression)


def test_manager_chains_collect_what_they_load():
    value = Call(".prefetch_related", (Const("labels"),), (),
                 Call("shop.models.Product.objects.select_related", (Const("maker"), Const("category__parent")), ()))
    found = rows(value)
    assert found.model.name == "Product" and found.many
    assert found.loads.loaded == {"maker", "category", "category__parent", "labels"}
    assert found.loads.certain


def test_custom_methods_and_managers_are_followed():
    assert rows(Call("shop.models.Product.objects.visible", (), ())).loads.loaded == {"maker"}
    assert rows(Call("shop.models.Product.selecting.all", (), ())).loads.loaded == {"category"}
    assert rows(Call("shop.models.Product.objects.complicated", (), ())) is None


def test_single_objects_values_and_unknowns():
    assert not rows(Call("shop.models.Product.objects.get", (), ())).many
    assert rows(Call("shop.models.Product.objects.values", (), ())).loads.values
    assert rows(Call("shop.models.Product.objects.only", (Const("name"),), ())).loads.deferred
    assert rows(Call("shop.models.Product.objects.select_related", (Ref("x"),), ())).loads.certain is False
    assert rows(Call("shop.models.Nothing.objects.all", (), ())) is None


def test_local_variables_and_related_managers():
    assigned = {"maker": (Call("shop.models.Maker.objects.get", (), ()), 3),
                "qs": (Call("shop.models.Product.objects.select_related", (Const("maker"),), ()), 4)}
    found = rows(Call("qs.filter", (), ()), names=lambda name, line: assigned.get(name))
    assert found.loads.loaded == {"maker"}
    related = rows(Call("maker.product_set.all", (), ()), names=lambda name, line: assigned.get(name))
    assert related.model.name == "Product" and related.many


def test_unloaded_relations_follow_properties_str_and_managers():
    model = project()
    found = Flow(model, "shop.views").rows(Call("shop.models.Product.objects.all", (), ()))
    needs = unloaded(model, found, [
        ("[]", "maker_name"),  # a property reading self.maker
        ("[]", "category", "__str__"),  # str() of the category reads its parent
        ("[]", "labels", "all"),
        ("[]", "maker_id"),  # free
        ("[]", "labels", "filter"),  # a new query whatever is prefetched: not reported
        ("count",),  # the queryset itself
    ])
    assert [n.path for n in needs] == ["maker", "category", "category__parent", "labels"]
    assert plan(needs) == (["maker", "category__parent"], ["labels"])


def test_loads_cover_prefixes_and_select_all_follows_non_null_keys_only():
    model = project()
    base = Flow(model, "shop.views").rows(Call("shop.models.Product.objects.select_related", (), ()))
    assert base.loads.select_all
    needs = unloaded(model, base, [("[]", "category", "parent", "name"), ("[]", "maker", "name")])
    assert [n.path for n in needs] == ["category__parent"]  # parent is nullable
    assert Loads().add(["a__b__c"]).loaded == {"a", "a__b", "a__b__c"}


def _method_reads(source: str) -> dict[str, tuple[str, ...]]:
    text = textwrap.dedent(source)
    facts, _ = extract(ast.parse(text), "m", False, LineIndex(text))
    return {m.name: m.reads for m in facts.classes[0].methods}


def test_method_reads_are_summarised_for_str_properties_and_get_methods():
    reads = _method_reads("""
        class Order:
            count = serializers.SerializerMethodField()
            label = serializers.SerializerMethodField(method_name="describe")

            def __str__(self):
                return f"{self.customer.name.upper()} {self.number}"

            @property
            def total(self):
                return sum(i.product.price * i.quantity for i in self.items.all())

            def get_count(self, obj):
                obj.cache = None
                return obj.lines.count() + obj.customer_id

            def describe(self, obj):
                return obj.customer.name

            def get_absolute_url(self, obj):  # no SerializerMethodField calls it: not walked
                return obj.category.slug

            def other(self):
                return self.customer.name
    """)
    assert reads == {
        "__str__": ("customer.name", "number"),
        "total": ("items.all.product.price", "items.all.quantity"),
        "get_count": ("customer_id", "lines.count"),
        "describe": ("customer.name",),
        "get_absolute_url": (),
        "other": (),
    }


def test_attribute_chains_skip_writes_and_deferred_code():
    tree = ast.parse(textwrap.dedent("""
        for row in rows:
            row.owner = user
            row.parent.name
            later = lambda: row.hidden.name
            alias = row.shop
            alias.city.name
    """))
    assert set(attribute_chains(tree.body[0], "row")) == {("parent", "name"), ("shop", "city", "name")}


# -- across functions and files (project/summaries.py) -------------------------------------------

from django_expert.analyzers.project.summaries import function_summary, reads_through  # noqa: E402


def _flows_project():
    return project_from_sources({
        "shop.models": """
            from django.db import models

            class Customer(models.Model):
                name = models.CharField(max_length=10)

            class Order(models.Model):
                customer = models.ForeignKey(Customer, on_delete=models.CASCADE)

                def label(self):
                    return describe_customer(self)
        """,
        "shop.helpers": """
            def describe(order):
                return order.customer.name

            def ping(order):
                return pong(order)

            def pong(order):
                return ping(order)
        """,
        "shop": """
            from .helpers import describe
        """,
    }, settings=None)


def test_reads_follow_re_exports_and_stop_on_cycles():
    project = _flows_project()
    assert function_summary(project, "shop.describe")[0] == "shop.helpers.describe"
    assert reads_through(project, "shop.helpers.describe", "order") == ((("customer", "name"), "shop.helpers.describe"),)
    assert reads_through(project, "shop.helpers.ping", "order") == ()  # ping -> pong -> ping: ends
    assert reads_through(project, "shop.nothing", "x") == ()
