"""Function summaries: what one walk of a body keeps (facts/summaries.py)."""

import ast
import textwrap

from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.types import Pass
from django_expert.analyzers.facts.values import Call, Ref
from django_expert.analyzers.source import LineIndex


def summaries(source: str, module: str = "shop.services") -> dict:
    text = textwrap.dedent(source)
    facts, _ = extract(ast.parse(text), module, False, LineIndex(text))
    return dict(facts.summaries)


def test_reads_keep_method_calls_and_follow_loops_but_not_value_methods():
    found = summaries("""
        def total(order):
            for item in order.items.all():
                item.product.price
            return order.customer.label() + order.number.upper()
    """)["total"]
    assert set(found.reads_of("order")) == {("items", "all", "product", "price"), ("customer", "label"), ("number",)}


def test_passes_name_the_callee_through_imports_and_the_chain_handed_over():
    found = summaries("""
        from .helpers import describe
        from . import fmt

        def lines(order):
            for item in order.items.all():
                describe(item)
            fmt.money(order.total, currency="EUR")
            return order.lines.filter(x=1)
    """)["lines"]
    assert Pass("shop.helpers.describe", 0, "order", ("items", "all")) in found.passes
    assert Pass("shop.fmt.money", 0, "order", ("total",)) in found.passes
    assert not any(p.callee.endswith(".filter") for p in found.passes), "ORM calls are not summarised functions"


def test_returns_keep_the_queryset_shape_and_once_assigned_locals():
    found = summaries("""
        from .models import Order

        def open_orders(user):
            qs = Order.objects.filter(owner=user).select_related("customer")
            return qs
    """)["open_orders"]
    assert found.returns == (Ref("qs"),)
    (name, value), = found.names
    assert name == "qs" and isinstance(value, Call) and value.func == ".select_related"
    assert value.receiver == Call("shop.models.Order.objects.filter", (), ())  # filter's arguments: not rows


def test_an_edit_that_does_not_change_what_others_see_keeps_the_summary_equal():
    before = summaries("""
        from django.http import JsonResponse

        def ping(request, obj):
            label = obj.name
            return JsonResponse({"ok": True, "label": label})
    """)
    after = summaries("""
        from django.http import JsonResponse

        def ping(request, obj):
            label = obj.name.strip()
            return JsonResponse({"ok": False, "n": 1, "label": label})
    """)
    assert before == after


def test_a_rebound_parameter_reads_nothing_and_nested_functions_are_left_out():
    found = summaries("""
        def f(row, other):
            row = row.parent
            def later():
                return other.author.name
            return other.title
    """)
    assert found["f"].reads == (("other", ("title",)),)


def test_imports_inside_the_body_qualify_calls():
    found = summaries("""
        class Book:
            def line(self):
                from .helpers import describe
                return describe(self)
    """, module="shop.models")["Book.line"]
    assert found.passes == (Pass("shop.helpers.describe", 0, "self", ()),)


def test_what_only_a_new_object_does_is_left_out():
    """netbox's Device.save(): `is_new = not bool(self.pk)`, then components instantiated
    from the device type's templates only `if is_new:` — never for rows from a queryset."""
    found = summaries("""
        class Device:
            def save(self):
                is_new = not bool(self.pk)
                if is_new and not self.airflow:
                    self.airflow = self.device_type.airflow
                if is_new and not self.platform:  # read before it is assigned, by a new object only
                    self.platform = self.device_type.default_platform
                if is_new:
                    self.build(self.device_type.templates.all())
                if self.rack:
                    return self.rack.name
    """, module="dcim.models")["Device.save"]
    assert set(found.reads_of("self")) == {("pk",), ("rack", "name")}
    assert not found.passes


def test_reads_past_an_early_return_carry_its_guard_and_reads_after_delete_are_left_out():
    found = summaries("""
        class Product:
            def __str__(self):
                if self.title:
                    return self.title
                return self.parent.title

            def label(self):
                if self.pk:
                    return self.name
                return self.category.name

            def remove(self):
                self.product.name
                super().delete()
                return self.product.images.all()
    """)
    assert found["Product.__str__"].reads_of("self") == (("?title", "parent", "title"), ("title",))
    assert found["Product.label"].reads_of("self") == (("name",), ("pk",))
    assert found["Product.remove"].reads_of("self") == (("product", "name"),)


def test_reads_under_a_parameter_off_by_default_carry_it():
    found = summaries("""
        class Item:
            def check_quotas(self, ignored=None, include_bundled=False, *, verbose=None, full=True):
                if include_bundled:
                    for b in self.bundles.all():
                        b.bundled_item.quotas
                if verbose and self.event_id:
                    self.event.name
                if full:
                    self.category.name
                return self.quotas

            def rebound(self, include_bundled=False):
                include_bundled = include_bundled or self.always
                if include_bundled:
                    self.parent.name
    """)
    assert found["Item.check_quotas"].reads_of("self") == (
        ("!include_bundled", "bundles", "all", "bundled_item", "quotas"), ("!verbose", "event", "name"),
        ("category", "name"), ("event_id",), ("quotas",))
    assert found["Item.rebound"].reads_of("self") == (("always",), ("parent", "name"))


def test_lookups_name_the_fields_a_manager_query_filters_by_and_whether_it_repeats():
    found = summaries("""
        from django.shortcuts import get_object_or_404
        from shop.models import Ticket

        def find(code, event):
            ticket = Ticket.objects.filter(event=event).get(code=code)
            get_object_or_404(Ticket, ref=code)
            for row in Ticket.objects.filter(label__startswith="x"):
                Ticket.objects.get(number__in=[1], owner__name="a")
            return [Ticket.objects.filter(note=c).first() for c in code], ticket.items.get(code=code)
    """)["find"]
    assert found.lookups == ("shop.models.Ticket.objects|code,event||one", "shop.models.Ticket.objects|note|loop|one",
                             "shop.models.Ticket.objects|number,~owner|loop|one", "shop.models.Ticket.objects|ref||one",
                             "shop.models.Ticket.objects|~label||")
