"""What is at a position of unfinished Python source."""

from __future__ import annotations

import pytest

from django_expert.analyzers.navigation.cursor import context_at, function_text


def at(marked: str):
    offset = marked.index("|")
    return context_at(marked.replace("|", "", 1), offset)


def test_keyword_name_in_an_unclosed_call():
    context = at("x = Order.objects.filter(customer__|")
    assert (context.kind, context.value, context.prefix) == ("keyword", "customer__", "customer__")
    assert context.call.callee == "Order.objects.filter"


def test_keyword_on_a_continuation_line():
    context = at("x = Order.objects.filter(\n    status='a',\n    cust|\n")
    assert context.kind == "keyword" and context.value == "cust"
    assert context.call.callee == "Order.objects.filter"


def test_keyword_with_a_value_is_found_for_hover():
    context = at('Order.objects.filter(customer__usern|ame__icontains="x")')
    assert context.value == "customer__username__icontains" and context.prefix == "customer__usern"


def test_string_in_a_chained_call():
    context = at("Order.objects.filter(status='a').order_by('-cre|')")
    assert (context.kind, context.prefix) == ("string", "-cre")
    assert context.call.callee == "Order.objects.filter(status='a').order_by"


def test_unterminated_string():
    context = at("return render(request, 'catalog/pro|")
    assert context.kind == "string" and not context.closed
    assert (context.call.callee, context.call.argument) == ("render", 1)


def test_expression_inside_a_queryset_call():
    context = at('Order.objects.filter(total__gt=F("ite|"))')
    assert [c.callee for c in context.calls] == ["F", "Order.objects.filter"]
    assert context.calls[1].keyword == "total__gt"


def test_q_keyword():
    context = at("Order.objects.filter(Q(custo|) | Q(x=1))")
    assert context.kind == "keyword" and [c.callee for c in context.calls] == ["Q", "Order.objects.filter"]


def test_class_attribute_in_a_list():
    context = at("class A(admin.ModelAdmin):\n    list_display = ['name', 'cat|']\n")
    assert (context.assignment, context.classes, context.in_container) == ("list_display", ["A"], True)


def test_meta_ordering():
    context = at("class P(models.Model):\n    name = 1\n\n    class Meta:\n        ordering = ('-na|',)\n")
    assert context.assignment == "ordering" and context.classes == ["Meta", "P"]


def test_dict_keys():
    assert at('filterset_fields = {"na|": ["exact"]}').dict_key
    assert not at('filterset_fields = {"name": "ex|"}').dict_key


def test_settings_attribute():
    context = at("settings.DEB|")
    assert (context.kind, context.receiver, context.value) == ("attribute", "settings", "DEB")


@pytest.mark.parametrize("marked", ["# filter(cust|", 'x = f"{Order.objects.filter(cust|"', "x = 1 + cust|"])
def test_nothing(marked):
    assert at(marked) is None


def test_function_text_for_local_variables():
    source = "class V:\n    def get(self):\n        qs = Order.objects.all()\n        return qs.filter(cu|"
    offset = source.index("|")
    text = source.replace("|", "", 1)
    context = context_at(text, offset)
    assert context.classes == ["V"] and context.function == (1, 4)
    assert function_text(text, context) == "def get(self):\n    qs = Order.objects.all()\n    pass\n"
