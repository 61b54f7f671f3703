import pytest
from django_expert.analyzers.rules.data_modeling.float_for_money import money_name

from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE205"


def test_a_float_price_is_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Product(models.Model):
                unit_price = models.FloatField("unit price", help_text="gross")

                def __str__(self):
                    return str(self.unit_price)
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Product(models.Model):
                unit_price = models.DecimalField("unit price", help_text="gross", max_digits=12, decimal_places=2)

                def __str__(self):
                    return str(self.unit_price)
        """},
    )
    assert finding.span.start.line == 4
    assert "`Product.unit_price`" in finding.message
    assert finding.fixable.value == "unsafe"


def test_bare_float_field_is_fixed_when_decimal_field_is_imported(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db.models import DecimalField, FloatField, Model


            class Invoice(Model):
                total = FloatField(max_digits=5)
        """},
        CODE,
        {"app/models.py": """
            from django.db.models import DecimalField, FloatField, Model


            class Invoice(Model):
                total = DecimalField(max_digits=5, decimal_places=2)
        """},
    )


def test_several_money_names_and_a_subclass(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/fields.py": """
                from django.db import models


                class AmountField(models.FloatField):
                    pass
            """,
            "app/models.py": """
                from django.db.models import FloatField, Model
                from .fields import AmountField


                class Account(Model):
                    balance = FloatField()
                    shipping_cost = FloatField(null=True)
                    grand_total = FloatField()
                    refund = AmountField()

                    class Meta:
                        abstract = True
            """,
        },
        CODE,
    )
    assert [(f.message.split("`")[1], f.fixable.value) for f in found] == [
        ("Account.balance", "none"), ("Account.shipping_cost", "none"), ("Account.grand_total", "none"),
        ("Account.refund", "none")]


@pytest.mark.parametrize("name", ["price", "unit_price", "amount", "total", "grand_total", "subtotal", "fee",
                                  "tax", "salary", "shipping_cost", "account_balance"])
def test_money_names(name):
    assert money_name(name)


@pytest.mark.parametrize("name", ["tax_rate", "total_seconds", "cost_ratio", "fee_percent", "total_votes", "score",
                                  "priceless", "latitude", "discount_factor", "total_time", "amount_kg"])
def test_names_that_are_not_money(name):
    assert not money_name(name)


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Metric(models.Model):
                price = models.DecimalField(max_digits=10, decimal_places=2)
                tax_rate = models.FloatField()
                total_seconds = models.FloatField()
                rating = models.FloatField()
                cost = models.FloatField()  # noqa: DJE205
                price_float = None

                def __str__(self):
                    return str(self.pk)


            class NotAModel:
                price = models.FloatField()
        """},
        CODE,
    )
