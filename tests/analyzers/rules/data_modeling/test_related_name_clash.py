import textwrap
from pathlib import Path

from django_expert.analyzers.fixes import apply_edits

from tests.analyzers.rules.helpers import check_fixed, check_noop, engine_for, findings

CODE = "DJE203"
SETTINGS_TWO_APPS = (
    'SECRET_KEY = "x"\n'
    'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "app", "other"]\n'
)


def test_two_foreign_keys_to_one_model_clash_and_one_fix_clears_both(tmp_path):
    files = {"app/models.py": """
        from django.conf import settings
        from django.db import models


        class Document(models.Model):
            created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
            updated_by = models.ForeignKey("auth.User", models.PROTECT)
    """}
    engine, root = engine_for(tmp_path, files)
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == CODE]
    assert [f.span.start.line for f in found] == [5, 6]
    assert "reverse accessor `User.document_set` clashes with the one of `Document.updated_by`" in found[0].message
    assert found[0].severity.value == "error"
    assert found[0].fixable.value == "unsafe"
    fix = engine.fix(found[0])
    path = root / "app/models.py"
    new = apply_edits(path.read_text(), [e for e in fix.edits if Path(e.path) == path])
    assert 'on_delete=models.PROTECT, related_name="document_created_by_set")' in new
    engine.update(path, new)
    assert [f for fs in engine.all_findings().values() for f in fs if f.code == CODE] == []


def test_reverse_accessor_clashing_with_a_field_is_fixed(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Customer(models.Model):
                order_set = models.IntegerField()


            class Order(models.Model):
                customer = models.ForeignKey(Customer, on_delete=models.CASCADE)  # the buyer
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Customer(models.Model):
                order_set = models.IntegerField()


            class Order(models.Model):
                customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="order_customer_set")  # the buyer
        """},
    )


def test_abstract_base_without_class_in_related_name_is_reported_once_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Owned(models.Model):
                owner = models.ForeignKey(
                    "auth.User",
                    on_delete=models.CASCADE,
                    related_name="items",
                )

                class Meta:
                    abstract = True


            class Book(Owned):
                pass


            class Film(Owned):
                pass
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Owned(models.Model):
                owner = models.ForeignKey(
                    "auth.User",
                    on_delete=models.CASCADE,
                    related_name="%(class)s_items",
                )

                class Meta:
                    abstract = True


            class Book(Owned):
                pass


            class Film(Owned):
                pass
        """},
    )
    assert finding.message.startswith("`Owned.owner` inherited by `Book`")
    assert "put %(class)s in its related_name" in finding.message


def test_same_model_name_in_two_apps_and_query_name_clashes(tmp_path):
    found = findings(
        tmp_path,
        {
            "config/settings.py": SETTINGS_TWO_APPS,
            "other/__init__.py": "",
            "app/models.py": """
                from django.db import models


                class Item(models.Model):
                    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
                    group = models.ForeignKey("auth.Group", models.CASCADE, related_query_name="name")
            """,
            "other/models.py": """
                from django.db import models


                class Item(models.Model):
                    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            """,
        },
        CODE,
    )
    messages = sorted(f.message for f in found)
    assert len(found) == 3
    assert "reverse query name `name` clashes with the field `Group.name`" in messages[0]
    assert "`User.item_set`" in messages[1] and "`User.item_set`" in messages[2]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Base(models.Model):
                owner = models.ForeignKey("auth.User", models.CASCADE, related_name="%(app_label)s_%(class)s_owned")

                class Meta:
                    abstract = True


            class A(Base):
                pass


            class B(Base):
                pass


            class Person(models.Model):
                friends = models.ManyToManyField("self")
                followers = models.ManyToManyField("self", symmetrical=False, related_name="following")
                created_by = models.ForeignKey("auth.User", models.CASCADE, related_name="+")
                updated_by = models.ForeignKey("auth.User", models.CASCADE, related_name="+")
                reviewer = models.ForeignKey("auth.User", models.CASCADE, related_name=DYNAMIC_NAME)
                checker = models.ForeignKey("auth.User", models.CASCADE)  # noqa: DJE203
                auditor = models.ForeignKey("auth.User", models.CASCADE)  # noqa


            class Unknown(models.Model):
                target = models.ForeignKey("missing.Model", models.CASCADE)
                other = models.ForeignKey("missing.Model", models.CASCADE)
        """},
        CODE,
    )


def test_models_outside_installed_apps_are_not_checked(tmp_path):
    check_noop(
        tmp_path,
        {"attic/__init__.py": "", "attic/models.py": textwrap.dedent("""
            from django.db import models


            class Note(models.Model):
                a = models.ForeignKey("auth.User", models.CASCADE)
                b = models.ForeignKey("auth.User", models.CASCADE)

                class Meta:
                    app_label = "attic"
        """)},
        CODE,
    )


def test_a_clash_with_a_contrib_model_needs_installed_apps_read(tmp_path):
    """pretix: its own `LogEntry.content_type` and the admin's would clash, but INSTALLED_APPS
    is computed (unread here) and pretix does not install django.contrib.admin."""
    log = textwrap.dedent("""
        from django.contrib.contenttypes.models import ContentType
        from django.db import models


        class LogEntry(models.Model):
            content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    """)
    unread = 'SECRET_KEY = "x"\nINSTALLED_APPS = [app for app in load_plugins()]\n'
    check_noop(tmp_path / "unread", {"config/settings.py": unread, "app/models.py": log}, CODE)
    installed = ('SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.admin", "django.contrib.contenttypes", '
                 '"django.contrib.auth", "app"]\n')
    found = findings(tmp_path / "read", {"config/settings.py": installed, "app/models.py": log}, CODE)
    assert len(found) == 1 and "ContentType.logentry_set" in found[0].message


def test_a_parent_link_declared_under_an_if_stays_silent(tmp_path):
    """wagtail: two apps' `EventPage(Page)`; one declares its `page_ptr` with related_name="+"
    in an if/else on the swappable Page, which the facts do not follow."""
    base = "from django.db import models\n\n\nclass Page(models.Model):\n    title = models.CharField(max_length=9)\n"
    guarded = textwrap.dedent("""
        from django.db import models

        from app.models import Page

        SWAPPED = False


        class EventPage(Page):
            if SWAPPED:
                basepage_ptr = models.OneToOneField(Page, parent_link=True, related_name="+", on_delete=models.CASCADE)
            else:
                page_ptr = models.OneToOneField(Page, parent_link=True, related_name="+", on_delete=models.CASCADE)
    """)
    files = {"config/settings.py": SETTINGS_TWO_APPS, "app/models.py": base + "\n\nclass EventPage(Page):\n    pass\n",
             "other/__init__.py": "", "other/models.py": guarded}
    check_noop(tmp_path, files, CODE)


def test_renaming_the_clashing_relation_in_another_file_clears_the_finding(tmp_path):
    engine, root = engine_for(tmp_path, {
        "app/models.py": """
            from django.db import models


            class Order(models.Model):
                owner = models.ForeignKey("auth.User", models.CASCADE, related_name="things")
        """,
        "app/more.py": """
            from django.db import models


            class Invoice(models.Model):
                owner = models.ForeignKey("auth.User", models.CASCADE, related_name="things")

                class Meta:
                    app_label = "app"
        """,
    })
    first = root / "app/models.py"
    assert len([f for f in engine.findings(first) if f.code == CODE]) == 1
    other = root / "app/more.py"
    engine.update(other, other.read_text().replace('"things"', '"invoices"'))
    assert [f for f in engine.findings(first) if f.code == CODE] == []
