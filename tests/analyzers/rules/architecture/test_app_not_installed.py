from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE103"

MODELS = """
    from django.db import models


    class Invoice(models.Model):
        number = models.IntegerField()

        def __str__(self):
            return str(self.number)
"""
ADMIN = """
    from django.contrib import admin
    from .models import Invoice

    admin.site.register(Invoice)
"""
MIGRATION = """
    from django.db import migrations


    class Migration(migrations.Migration):
        operations = []
"""


def settings(*apps: str, extra: str = "") -> str:
    listed = ", ".join(f'"{a}"' for a in ["django.contrib.admin", "django.contrib.auth", "app", *apps])
    return f'SECRET_KEY = "x"\nINSTALLED_APPS = [{listed}]\n{extra}'


def test_models_admin_and_migrations_of_a_package_not_installed(tmp_path):
    found = findings(
        tmp_path,
        {
            "billing/__init__.py": "",
            "billing/models.py": MODELS,
            "billing/admin.py": ADMIN,
            "billing/migrations/__init__.py": "",
            "billing/migrations/0001_initial.py": MIGRATION,
            "audit/__init__.py": "",
            "audit/migrations/__init__.py": "",
            "audit/migrations/0001_initial.py": MIGRATION,
            "audit/migrations/0002_more.py": MIGRATION,
        },
        CODE,
    )
    by_file = sorted((f.path.split("project/")[1], f.span.start.line) for f in found)
    assert by_file == [("audit/migrations/0001_initial.py", 3), ("billing/admin.py", 3), ("billing/models.py", 3)]
    models = next(f for f in found if f.path.endswith("billing/models.py"))
    assert "`billing` is not in INSTALLED_APPS" in models.message and 'add "billing"' in models.message


def test_an_entry_naming_a_missing_project_module(tmp_path):
    found = findings(
        tmp_path,
        {
            "config/settings.py": settings("shop.catalogue", "shop.apps.MissingConfig"),
            "shop/__init__.py": "",
            "shop/apps.py": "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
            "shop/catalog/__init__.py": "",
        },
        CODE,
    )
    assert [f.message.split("`")[1] for f in found] == ["shop.catalogue", "shop.apps.MissingConfig"]
    assert "did you mean `shop.catalog`?" in found[0].message
    assert "`shop.apps` defines no AppConfig `MissingConfig`" in found[1].message
    assert found[0].span.start.line == 1 and found[0].span.start.column > 20


def test_installed_packages_and_what_cannot_be_known_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "config/settings.py": settings(
                "shop", "crm.apps.CrmConfig", "debug_toolbar", "theme", "local_apps",
                extra='if DEBUG:\n    INSTALLED_APPS += ["shop.devtools"]\nINSTALLED_APPS += ["shop.gone"]  # noqa: DJE103\n'),
            "app/models.py": MODELS,
            "shop/__init__.py": "",
            "shop/orders/__init__.py": "",
            "shop/orders/models.py": MODELS,  # inside the installed `shop`
            "crm/__init__.py": "",
            "crm/apps.py": "from django.apps import AppConfig\n\n\nclass CrmConfig(AppConfig):\n    name = 'crm'\n",
            "crm/models.py": MODELS,
            "crm/admin.py": ADMIN,
            "theme/templates/base.html": "<html></html>",  # an app of templates only
            "labels/__init__.py": "",
            "labels/models.py": """
                from django.db import models


                class Label(models.Model):
                    class Meta:
                        app_label = "app"
            """,
            "abstracts/__init__.py": "",
            "abstracts/models.py": """
                from django.db import models


                class Stamped(models.Model):
                    class Meta:
                        abstract = True
            """,
            "tests/__init__.py": "",
            "tests/testapp/__init__.py": "",
            "tests/testapp/models.py": MODELS,
        },
        CODE,
    )


def test_conditional_installed_apps_make_it_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "config/settings.py": settings(extra='if ENABLE_BILLING:\n    INSTALLED_APPS.append("billing")\n'),
            "billing/__init__.py": "",
            "billing/models.py": MODELS,
        },
        CODE,
    )


def test_an_app_installed_by_another_settings_module_is_installed(tmp_path):
    check_noop(
        tmp_path,
        {
            "config/__init__.py": "",
            "config/settings/__init__.py": "",
            "config/settings/base.py": settings(),
            "config/settings/dev.py": 'from .base import *\n\nINSTALLED_APPS = INSTALLED_APPS + ["devtools"]\n',
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")\n',
            "devtools/__init__.py": "",
            "devtools/models.py": MODELS,
            "devtools/admin.py": ADMIN,
        },
        CODE,
    )


def test_an_admin_imported_by_hand_is_loaded(tmp_path):
    check_noop(
        tmp_path,
        {
            "extras/__init__.py": "",
            "extras/admin.py": """
                from django.contrib import admin
                from app.models import Invoice

                admin.site.register(Invoice)
            """,
            "app/models.py": MODELS,
            "app/admin.py": "from extras.admin import *\n",
        },
        CODE,
    )


def test_settings_not_all_followed_make_it_silent(tmp_path):
    check_noop(tmp_path, {
        "config/settings.py": "from split_settings.tools import include\n" + settings() + "include(COMPONENTS)\n",
        "billing/__init__.py": "",
        "billing/models.py": MODELS,
    }, CODE)
