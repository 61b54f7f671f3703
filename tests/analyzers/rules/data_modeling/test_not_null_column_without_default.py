from tests.analyzers.rules.helpers import check_noop, engine_for, findings

CODE = "DJE211"

INITIAL = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = []

        operations = [
            migrations.CreateModel(
                name="Order",
                fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
            ),
            migrations.CreateModel(
                name="Archive",
                fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
                options={"managed": False},
            ),
        ]
"""


def migration(operations: str, dependency: str = "0001_initial", extra: str = "") -> str:
    return f"""
from django.db import migrations, models
import django.db.models.deletion
{extra}

class Migration(migrations.Migration):
    dependencies = [("app", "{dependency}")]

    operations = [
{operations}
    ]
"""


def test_not_null_columns_added_to_an_existing_table_are_reported(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            "app/migrations/0002_order_fields.py": migration("""
        migrations.AddField(
            model_name="order",
            name="currency",
            field=models.CharField(max_length=3),
        ),
        migrations.AddField("order", "paid", models.BooleanField()),
        migrations.AddField(
            model_name="order",
            name="customer",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.user"),
        ),
        migrations.AddField(model_name="Order", name="count", field=models.IntegerField(blank=True)),
"""),
        },
        CODE,
    )
    assert [f.span.start.line for f in found] == [9, 14, 15, 20]
    assert "`Order.currency`" in found[0].message and "app.0001_initial" in found[0].message


def test_the_table_found_through_a_chain_of_migrations_and_a_rename(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            "app/migrations/0002_rename.py": migration(
                '        migrations.RenameModel(old_name="Order", new_name="Purchase"),'),
            "app/migrations/0003_more.py": migration(
                '        migrations.AddField("purchase", "total", models.DecimalField(max_digits=9, decimal_places=2)),',
                dependency="0002_rename"),
        },
        CODE,
    )
    assert len(found) == 1 and "`Purchase.total`" in found[0].message


def test_fields_that_fill_existing_rows_and_new_tables_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            "app/migrations/0002_safe.py": migration("""
        migrations.AddField("order", "note", models.TextField(null=True)),
        migrations.AddField("order", "state", models.CharField(max_length=10, default="new")),
        migrations.AddField("order", "code", models.CharField(max_length=10, default="x"), preserve_default=False),
        migrations.AddField("order", "rank", models.IntegerField(db_default=0)),
        migrations.AddField("order", "label", models.CharField(max_length=10, blank=True)),
        migrations.AddField("order", "created", models.DateTimeField(auto_now_add=True)),
        migrations.AddField("order", "tags", models.ManyToManyField(to="auth.group")),
        migrations.AddField("order", "flag", models.BooleanField(null=SOME_FLAG)),
        migrations.AddField("order", "custom", app.fields.MoneyField()),
        migrations.AddField("order", "legacy", models.IntegerField()),  # noqa: DJE211
        migrations.AddField("archive", "size", models.IntegerField()),
        migrations.AddField("unknown", "size", models.IntegerField()),
        migrations.CreateModel(name="Invoice", fields=[("id", models.AutoField(primary_key=True))]),
        migrations.AddField("invoice", "number", models.IntegerField()),
""", extra="import app.fields"),
        },
        CODE,
    )


def test_initial_squashed_and_unknown_histories_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            # makemigrations splits an initial migration when models point at each other
            "app/migrations/0002_initial.py": migration(
                '        migrations.AddField("order", "paid", models.BooleanField()),'
            ).replace("    dependencies", "    initial = True\n    dependencies"),
            # the dependency is not in the project: what exists before is unknown
            "app/migrations/0003_lost.py": migration(
                '        migrations.AddField("order", "flag", models.BooleanField()),', dependency="0002_missing"),
            "app/migrations/0004_squashed.py": migration(
                '        migrations.AddField("order", "flag2", models.BooleanField()),', dependency="0002_initial"
            ).replace("    operations", '    replaces = [("app", "0003_x")]\n    operations'),
        },
        CODE,
    )


def test_the_second_half_of_a_split_initial_migration_stays_silent(tmp_path):
    # Old makemigrations wrote the tables in 0001 and their foreign keys in 0002, without
    # `initial = True`; the same foreign key added after the schema evolved is reported.
    split = migration("""
        migrations.AddField(
            model_name="order",
            name="customer",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.user"),
        ),
        migrations.AlterUniqueTogether(name="order", unique_together={("customer", "id")}),
""").replace("    dependencies", "    # Generated with the tables\n    dependencies")
    files = {
        "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": INITIAL.replace("        initial = True\n", ""),
        "app/migrations/0002_auto.py": split,
    }
    check_noop(tmp_path / "split", files, CODE)
    files["app/migrations/0003_flag.py"] = migration(
        '        migrations.AddField("order", "note", models.TextField(null=True)),', dependency="0002_auto")
    files["app/migrations/0004_owner.py"] = migration(
        '        migrations.AddField("order", "owner", models.ForeignKey(on_delete=models.CASCADE, to="auth.user")),',
        dependency="0003_flag")
    found = findings(tmp_path / "later", files, CODE)
    assert [f.path.rpartition("/")[2] for f in found] == ["0004_owner.py"]


def test_operations_after_an_unreadable_step_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            "app/migrations/0002_dynamic.py": migration("").replace(
                "operations = [\n\n    ]", "operations = build_operations()"),
            "app/migrations/0003_add.py": migration(
                '        migrations.AddField("order", "flag", models.BooleanField()),', dependency="0002_dynamic"),
        },
        CODE,
    )


def test_editing_the_migration_that_created_the_table_rechecks_the_later_one(tmp_path):
    engine, root = engine_for(tmp_path, {
        "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": INITIAL,
        "app/migrations/0002_paid.py": migration('        migrations.AddField("order", "paid", models.BooleanField()),'),
    })
    later = root / "app/migrations/0002_paid.py"
    assert [f.code for f in engine.findings(later) if f.code == CODE] == [CODE]
    first = root / "app/migrations/0001_initial.py"
    engine.update(first, first.read_text().replace('fields=[("id"', 'options={"managed": False}, fields=[("id"', 1))
    assert [f for f in engine.findings(later) if f.code == CODE] == []


def test_a_migration_a_later_one_builds_on_is_history(tmp_path):
    """0002 is applied wherever 0003 is: advice on how it runs on a table with rows comes
    too late; the same operation in the newest migration is reported."""
    adds_currency = migration('        migrations.AddField("order", "currency", models.CharField(max_length=3)),')
    found = findings(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": INITIAL,
            "app/migrations/0002_currency.py": adds_currency,
            "app/migrations/0003_paid.py": migration('        migrations.AddField("order", "paid", models.BooleanField()),',
                                                     dependency="0002_currency"),
        },
        CODE,
    )
    assert [(f.path.rsplit("/", 1)[-1], "`Order.paid`" in f.message) for f in found] == [("0003_paid.py", True)]
