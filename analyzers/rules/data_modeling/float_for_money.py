"""DJE205 float-for-money

## What it does
Finds `FloatField`s whose name says they hold money: a snake_case part of the name is
`price`, `amount`, `cost`, `balance`, `fee`, `salary`, `tax`, `refund`, `payment`,
`revenue`... (`unit_price`, `shipping_cost`), or the name is a total (`total`,
`grand_total`, `subtotal`). Names that also say they are something else — a rate, a
ratio, a percentage, a duration, a count, a weight — are left alone (`tax_rate`,
`total_seconds`, `cost_ratio`).

## Why is this bad?
Binary floating point cannot represent most decimal amounts: `0.1 + 0.2 != 0.3`, and a
price of 19.99 is stored as 19.989999999999998. Sums drift by a cent, rounding differs
between the database and Python, and invoices stop adding up. `DecimalField` stores
exact decimal numbers and Python's `Decimal` computes with them exactly.

## Example
```python
class Product(models.Model):
    price = models.FloatField()
```

## Use instead
```python
class Product(models.Model):
    price = models.DecimalField(max_digits=12, decimal_places=2)
```
The fix switches the field to `DecimalField(max_digits=12, decimal_places=2)`; it is
offered as unsafe: it needs a migration, and code doing float arithmetic on the value
must move to `Decimal`.

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#decimalfield
- https://docs.djangoproject.com/en/stable/ref/models/fields/#floatfield
- https://docs.python.org/3/library/decimal.html
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.model_edits import replace_field_class
from django_expert.analyzers.rules.registry import fixer, rule

MONEY = frozenset({
    "price", "prices", "amount", "amounts", "cost", "costs", "balance", "balances", "fee", "fees", "salary",
    "salaries", "wage", "wages", "tax", "taxes", "vat", "refund", "refunds", "payment", "payments", "payout",
    "revenue", "revenues", "income", "budget", "deposit", "discount", "charge", "charges", "invoice",
    "subtotal", "money", "cash",
})
TOTALS = frozenset({"total", "subtotal"})
# Words that may stand beside a total and still mean money.
TOTAL_COMPANIONS = frozenset({"grand", "sub", "net", "gross", "order", "invoice", "cart", "line", "total", "subtotal"})
# Words that say the number is not an amount of money.
NOT_MONEY = frozenset({
    "rate", "rates", "ratio", "percent", "percentage", "pct", "factor", "multiplier", "share", "weight",
    "score", "count", "number", "num", "qty", "quantity", "time", "seconds", "secs", "minutes", "hours", "days",
    "duration", "ms", "distance", "km", "kg", "size", "length", "width", "height", "volume", "energy", "power",
    "probability", "chance", "threshold", "limit", "points", "votes", "rank", "level", "index", "usage",
    "cpu", "memory", "bytes", "latency", "speed", "temperature",
})
DECIMAL = (("max_digits", "12"), ("decimal_places", "2"))
DJANGO_FLOAT = ("django.db.models.FloatField", "django.db.models.fields.FloatField")


def money_name(name: str) -> bool:
    """Whether a field name says it holds money (word match on its snake_case parts)."""
    parts = [p for p in name.lower().split("_") if p]
    if not parts or any(p in NOT_MONEY for p in parts):
        return False
    if any(p in MONEY for p in parts):
        return True
    return any(p in TOTALS for p in parts) and all(p in TOTAL_COMPANIONS for p in parts)


@rule("DJE205", "float-for-money", tier="recommended", fix=Applicability.UNSAFE, triggers=("FloatField",))
def check(ctx):
    for model in ctx.models_here():
        for field in model.fields:
            if field.declared_in != model.qualname or field.internal_type != "FloatField":
                continue
            if not money_name(field.name):
                continue
            fixable = field.field_class in DJANGO_FLOAT and _decimal_in_scope(ctx.facts)
            yield ctx.report(
                field.location_key,
                f"`{model.name}.{field.name}` holds money in a FloatField: binary floats cannot store most "
                f"decimal amounts exactly (19.99 becomes 19.989999...), so sums and rounding drift; use a "
                f"DecimalField",
                fix_title="Use DecimalField(max_digits=12, decimal_places=2) (needs a migration)" if fixable else "",
                fix_data=(model.name, field.name),
            )


def _decimal_in_scope(facts) -> bool:
    """`models.FloatField` becomes `models.DecimalField`; a bare `FloatField` needs a bare
    `DecimalField` imported already."""
    bound = {i.local: i.target for i in facts.imports}
    return "FloatField" not in bound or bound.get("DecimalField", "").endswith(".DecimalField")


@fixer("DJE205")
def fix(source: FixSource, finding):
    class_name, field_name = finding.fix_data
    new_text = replace_field_class(source, class_name, field_name, "FloatField", "DecimalField", DECIMAL)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
