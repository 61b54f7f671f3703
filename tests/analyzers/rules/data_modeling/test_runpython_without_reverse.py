from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE210"


def test_runpython_without_reverse_is_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0002_fill.py": """
                from django.db import migrations


                def fill_slugs(apps, schema_editor):
                    pass


                class Migration(migrations.Migration):
                    dependencies = [("app", "0001_initial")]

                    operations = [
                        migrations.RunPython(fill_slugs),
                    ]
            """,
        },
        CODE,
        {"app/migrations/0002_fill.py": """
            from django.db import migrations


            def fill_slugs(apps, schema_editor):
                pass


            class Migration(migrations.Migration):
                dependencies = [("app", "0001_initial")]

                operations = [
                    migrations.RunPython(fill_slugs, migrations.RunPython.noop),
                ]
        """},
    )
    assert finding.span.start.line == 11
    assert "`RunPython(fill_slugs)`" in finding.message
    assert finding.fixable.value == "unsafe"


def test_keyword_code_and_imported_runpython_are_fixed_with_a_keyword(tmp_path):
    check_fixed(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0003_more.py": """
                from django.db.migrations import Migration, RunPython


                def forwards(apps, schema_editor):
                    pass


                class Migration(Migration):
                    operations = [
                        RunPython(
                            code=forwards,
                        ),
                    ]
            """,
        },
        CODE,
        {"app/migrations/0003_more.py": """
            from django.db.migrations import Migration, RunPython


            def forwards(apps, schema_editor):
                pass


            class Migration(Migration):
                operations = [
                    RunPython(
                        code=forwards, reverse_code=RunPython.noop,
                    ),
                ]
        """},
    )


def test_nested_operations_and_several_calls(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0004_split.py": """
                from django.db import migrations


                def a(apps, schema_editor):
                    pass


                class Migration(migrations.Migration):
                    operations = [
                        migrations.SeparateDatabaseAndState(
                            database_operations=[migrations.RunPython(a)],
                        ),
                        migrations.RunPython(a, elidable=True),
                    ]
            """,
        },
        CODE,
    )
    assert [f.span.start.line for f in found] == [10, 12]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0005_ok.py": """
                from django.db import migrations


                def a(apps, schema_editor):
                    pass


                class Migration(migrations.Migration):
                    operations = [
                        migrations.RunPython(a, a),
                        migrations.RunPython(a, reverse_code=migrations.RunPython.noop),
                        migrations.RunPython(a, reverse_code=None),  # irreversible on purpose
                        migrations.RunPython(a, **OPTIONS),
                        migrations.RunPython(a),  # noqa: DJE210
                        migrations.RunSQL("select 1"),
                    ]
            """,
            # not a migration module: RunPython here is someone's helper
            "app/tasks.py": """
                from django.db import migrations

                step = migrations.RunPython(print)
            """,
        },
        CODE,
    )


def test_migrations_replaced_by_a_squash_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": """
                from django.db import migrations


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(print)]
            """,
            "app/migrations/0001_squashed_0002.py": """
                from django.db import migrations


                class Migration(migrations.Migration):
                    replaces = [("app", "0001_initial"), ("app", "0002_more")]
                    operations = [migrations.RunPython(print, migrations.RunPython.noop)]
            """,
        },
        CODE,
    )


def test_migrations_later_ones_build_on_are_history(tmp_path):
    """Nobody rolls back past 0002 once 0003 builds on it: only the newest is reported."""
    def fill(name: str, dependency: str) -> str:
        return f"""
            from django.db import migrations


            def {name}(apps, schema_editor):
                pass


            class Migration(migrations.Migration):
                dependencies = [("app", "{dependency}")]

                operations = [
                    migrations.RunPython({name}),
                ]
        """

    found = findings(tmp_path, {
        "app/migrations/__init__.py": "",
        "app/migrations/0002_fill.py": fill("fill_slugs", "0001_initial"),
        "app/migrations/0003_more.py": fill("fill_more", "0002_fill"),
        "other/__init__.py": "",
        "other/migrations/__init__.py": "",
        "other/migrations/0001_initial.py": fill("seed", "0003_more"),
    }, CODE)
    assert [f.path.rsplit("/", 2)[-2:] for f in found] == [["migrations", "0001_initial.py"]]
    assert "`RunPython(seed)`" in found[0].message, "a dependency from another app makes app's 0003 history too"
