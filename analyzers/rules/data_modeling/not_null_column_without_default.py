"""DJE211 not-null-column-without-default

## What it does
Finds `AddField` operations that add a NOT NULL column without a default to a table an
earlier migration created: the field has no `null=True`, no `default`, no `db_default`,
and nothing else gives Django a value to fill existing rows with (`auto_now`, or
`blank=True` on a text field). Many-to-many fields, tables created in the same migration,
proxy and unmanaged models, initial and squashed migrations, and foreign keys added by the
second half of a split initial migration (all run on new tables) are left alone, and so
are migrations a later migration builds on: they are history, applied wherever the later
one is, and run again only on new, empty databases.

## Why is this bad?
Adding a NOT NULL column to a table that already has rows needs a value for those rows.
Without one, the database refuses the `ALTER TABLE` and the deployment stops halfway:
the migration works on every developer's empty database and fails in production.
`makemigrations` asks for a one-off default for exactly this reason; the problem appears
when a migration is written or edited by hand.

## Example
```python
operations = [
    migrations.AddField(
        model_name="order",
        name="currency",
        field=models.CharField(max_length=3),
    ),
]
```

## Use instead
```python
operations = [
    migrations.AddField(
        model_name="order",
        name="currency",
        field=models.CharField(max_length=3, default="EUR"),
        preserve_default=False,
    ),
]
```
Or add the column with `null=True`, fill it in a `RunPython` step, then make it NOT NULL
with `AlterField` (three steps, safe on large tables).

## References
- https://docs.djangoproject.com/en/stable/ref/migration-operations/#addfield
- https://docs.djangoproject.com/en/stable/howto/writing-migrations/#migrations-that-add-unique-fields
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Call, Const
from django_expert.analyzers.knowledge import fields as knowledge
from django_expert.analyzers.project.migrations import migration_graph
from django_expert.analyzers.rules.data_modeling._migration_code import operation_nodes
from django_expert.analyzers.rules.registry import rule

# Fields whose `blank=True` does not give existing rows a value (no empty string for them).
NO_EMPTY_STRING = frozenset({
    "BooleanField", "DateField", "DateTimeField", "TimeField", "DurationField", "DecimalField", "FloatField",
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "IPAddressField", "GenericIPAddressField", "UUIDField", "JSONField",
    "ForeignKey", "OneToOneField", "ArrayField", "HStoreField",
})
# What one `makemigrations` run on new models writes, split across migrations.
_BATCH = frozenset({"CreateModel", "AlterUniqueTogether", "AlterIndexTogether", "AddIndex",
                    "AddConstraint"})
# Operations after which the analyser no longer knows the model's table in this migration.
_RESHAPING = frozenset({"CreateModel", "DeleteModel", "RenameModel", "SeparateDatabaseAndState", "RunSQL", ""})


@rule("DJE211", "not-null-column-without-default", tier="recommended", triggers=("AddField",), scope="migration")
def check(ctx):
    if ctx.project is None:
        return
    graph = migration_graph(ctx.project)
    info = graph.by_module.get(ctx.module)
    if info is None or info.operations is None or info.node in graph.superseded or info.node in graph.built_upon:
        return  # history: applied wherever a later migration is, on tables that had their rows then
    if info.initial or info.replaces:
        return  # initial and squashed migrations run on new tables (`makemigrations` splits them)
    candidates = {i for i, op in enumerate(info.operations)
                  if op.kind == "AddField" and isinstance(op.get("field"), Call) and needs_a_value(op.get("field"))}
    if not candidates:
        return  # the common case: every added field is nullable or has a default
    history = graph.models_before(info.node)
    if not history.certain:
        return
    if _initial_batch(graph, info):
        return  # foreign keys the first makemigrations run moved out of its CreateModels
    touched: set[str] = set()  # models this migration reshaped before the AddField
    for index, op in enumerate(info.operations):
        model_name = (op.text("model_name") or op.text("name") or op.text("old_name") or "").lower()
        if op.kind != "AddField":
            if op.kind in _RESHAPING:
                touched.add(model_name or "*")
            continue
        state = history.models.get(model_name)
        if index not in candidates or state is None or "*" in touched or model_name in touched \
                or state.has_table is not True:
            continue
        nodes = operation_nodes(ctx.tree)
        where = nodes[index] if nodes is not None and len(nodes) == len(info.operations) else "Migration.operations"
        yield ctx.report(
            where,
            f"`AddField` adds `{state.name}.{op.text('name')}` as a NOT NULL column without a default, but the "
            f"table exists since migration `{state.created_in[0]}.{state.created_in[1]}`: it fails on a table "
            f"that has rows (give it a default, or add it with null=True and fill it first)",
        )


def _initial_batch(graph, info) -> bool:
    """Whether this migration still belongs to the app's first `makemigrations` run: it and
    every earlier migration of the app only create tables and add what creating them left
    out. Old Django versions (and cycles between apps) split an initial migration into
    `0001` with the tables and `0002` with their foreign keys, without `initial = True`;
    those foreign keys are added to empty tables."""
    ancestors, _complete = graph.ancestors(info.node)
    for node in [*ancestors, info.node]:
        other = graph.nodes[node]
        if other.app_label == info.app_label and not all(_batch_operation(op) for op in other.operations or ()):
            return False
    return True


def _batch_operation(op) -> bool:
    if op.kind == "AddField":  # a split moves relations only
        kind = knowledge.field_kind(op.get("field").func) if isinstance(op.get("field"), Call) else None
        return kind is not None and kind.relation in (knowledge.MANY_TO_ONE, knowledge.ONE_TO_ONE,
                                                      knowledge.MANY_TO_MANY)
    return op.kind in _BATCH


def needs_a_value(field: Call) -> bool:
    """Whether adding this field to a table with rows fails: a known Django field, NOT NULL,
    and nothing Django could fill existing rows with."""
    if field.receiver is not None or any(key == "**" for key, _value in field.kwargs):
        return False
    kind = knowledge.field_kind(field.func)
    if kind is None or kind.auto or not kind.has_column or kind.relation == knowledge.MANY_TO_MANY:
        return False
    if kind.name in ("GeneratedField", "CompositePrimaryKey", "NullBooleanField"):
        return False
    options = dict(zip(kind.positional, field.args))
    options.update(field.kwargs)
    if "default" in options or "db_default" in options:
        return False
    for flag in ("null", "primary_key", "auto_now", "auto_now_add"):
        if flag in options and options[flag] != Const(False):  # True, or not a constant: unsure
            return False
    # blank=True on a text field: Django fills existing rows with "".
    return not ("blank" in options and options["blank"] != Const(False) and kind.name not in NO_EMPTY_STRING)
