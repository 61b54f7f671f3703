from django.db import migrations


def restock_empty(apps, schema_editor):
    Book = apps.get_model("catalog", "Book")
    Book.objects.filter(stock=0).update(stock=1)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_default_genres"),
    ]

    # DJE606 look-alike: a backfill changes existing rows and seeds nothing the tests read.
    operations = [
        migrations.RunPython(restock_empty, migrations.RunPython.noop),
    ]
