from django.db import migrations


def add_genres(apps, schema_editor):
    Genre = apps.get_model("catalog", "Genre")
    Genre.objects.bulk_create([Genre(name="Fiction"), Genre(name="History")])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_genre"),
    ]

    # DJE606 seeded: pytest.ini runs with --nomigrations, and tests_pytest/test_genres.py reads these rows.
    operations = [
        migrations.RunPython(add_genres, migrations.RunPython.noop),
    ]
