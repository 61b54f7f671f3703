from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE212"

MODELS = """
    from django.db import models


    def next_number():
        return 1


    class Order(models.Model):
        STATUS_CHOICES = [("open", "Open")]
        status = models.CharField(max_length=10)

        def __str__(self):
            return self.status


    class Invoice(models.Model):
        number = models.IntegerField(default=next_number)

        def __str__(self):
            return str(self.number)


    class Stamped(models.Model):
        class Meta:
            abstract = True
"""


def test_models_used_in_runpython_functions_are_reported(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/migrations/__init__.py": "",
            "app/migrations/0002_close.py": """
                from django.db import migrations
                from app.models import Order
                from ..models import Invoice as Bill
                from django.contrib.auth.models import User


                def close(apps, schema_editor):
                    Order.objects.filter(status="open").update(status="closed")
                    helper()


                def helper():
                    Bill(number=1).save()
                    User._default_manager.count()


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(close, migrations.RunPython.noop)]
            """,
        },
        CODE,
    )
    assert [f.span.start.line for f in found] == [1, 2, 3]
    assert "`Order` from `app.models`" in found[0].message
    assert 'apps.get_model("app", "Invoice")' in found[1].message
    assert 'apps.get_model("auth", "User")' in found[2].message


def test_a_models_module_import_and_an_import_inside_the_function(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/migrations/__init__.py": "",
            "app/migrations/0003_more.py": """
                from django.db import migrations
                import app.models


                def forwards(apps, schema_editor):
                    from app import models as shop
                    shop.Order.objects.all().delete()
                    app.models.Invoice.objects.create(number=2)


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(code=forwards, reverse_code=migrations.RunPython.noop)]
            """,
        },
        CODE,
    )
    assert sorted((f.span.start.line, f.message.split("`")[1]) for f in found) == [(1, "Invoice"), (5, "Order")]


def test_what_makemigrations_writes_and_historical_models_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/migrations/__init__.py": "",
            "app/migrations/0004_ok.py": """
                from django.db import migrations, models
                import app.models
                from app.models import Order, Invoice, Stamped


                def forwards(apps, schema_editor):
                    Order = apps.get_model("app", "Order")
                    Order.objects.update(status="x")
                    choices = Invoice.STATUS_CHOICES if hasattr(Invoice, "STATUS_CHOICES") else []
                    Stamped.objects.none()


                def runtime_helper():
                    # not run by this migration: code elsewhere imports it
                    return Invoice.objects.count()


                class Migration(migrations.Migration):
                    operations = [
                        migrations.AddField("invoice", "number", models.IntegerField(default=app.models.next_number)),
                        migrations.AlterField("order", "status", models.CharField(choices=Order.STATUS_CHOICES)),
                        migrations.RunPython(forwards, migrations.RunPython.noop),
                    ]
            """,
            "app/migrations/0005_noqa.py": """
                from django.db import migrations
                from app.models import Order  # noqa: DJE212


                def forwards(apps, schema_editor):
                    Order.objects.count()


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
            """,
            # outside migrations, importing models is what code does
            "app/views.py": """
                from app.models import Order


                def index(request):
                    return Order.objects.all()
            """,
        },
        CODE,
    )


def test_a_migration_a_later_one_builds_on_is_history(tmp_path):
    """0002 is applied wherever 0003 is, and every fresh database runs it: only the newest
    migration, the one being written, is reported."""
    def close(name: str, dependency: str) -> str:
        return f"""
            from django.db import migrations
            from app.models import Order


            def {name}(apps, schema_editor):
                Order.objects.filter(status="open").update(status="closed")


            class Migration(migrations.Migration):
                dependencies = [("app", "{dependency}")]
                operations = [migrations.RunPython({name}, migrations.RunPython.noop)]
        """

    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                                          "    operations = []\n",
        "app/migrations/0002_close.py": close("close", "0001_initial"),
        "app/migrations/0003_close_again.py": close("close_again", "0002_close"),
    }, CODE)
    assert [f.path.rsplit("/", 1)[-1] for f in found] == ["0003_close_again.py"]
