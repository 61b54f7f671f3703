from tests.analyzers.rules.helpers import check_fixed, check_noop, engine_for, findings

CODE = "DJE105"

# A second settings module (production's): the imported one is then not the only
# configuration the project can run with.
PROD = {"config/settings_prod.py": "from config.settings import *\nDEBUG = False\n"}


def test_names_imported_from_the_settings_module_are_rewritten(tmp_path):
    finding = check_fixed(
        tmp_path,
        {**PROD, "app/payments.py": """
            from config.settings import PAYMENT_TIMEOUT, SITE_NAME as NAME  # the gateway needs both


            def charge(order, gateway):
                return gateway.charge(order, timeout=PAYMENT_TIMEOUT, label=f"{NAME}: {order}")
        """},
        CODE,
        {**PROD, "app/payments.py": """
            from django.conf import settings  # the gateway needs both


            def charge(order, gateway):
                return gateway.charge(order, timeout=settings.PAYMENT_TIMEOUT, label=f"{settings.SITE_NAME}: {order}")
        """},
    )
    assert finding.span.start.line == 0
    assert "`from config.settings import PAYMENT_TIMEOUT, SITE_NAME`" in finding.message
    assert finding.fixable.value == "unsafe"


def test_the_settings_module_imported_as_a_module_is_rewritten(tmp_path):
    check_fixed(
        tmp_path,
        {**PROD, "app/views.py": """
            from config import settings


            def home(request):
                return settings.DEBUG
        """},
        CODE,
        {"app/views.py": """
            from django.conf import settings


            def home(request):
                return settings.DEBUG
        """},
    )


def test_relative_and_aliased_module_imports(tmp_path):
    check_fixed(
        tmp_path,
        {**PROD, "config/urls.py": """
            from . import settings as conf

            urlpatterns = [] if conf.DEBUG else []
        """},
        CODE,
        {**PROD, "config/urls.py": """
            from django.conf import settings as conf

            urlpatterns = [] if conf.DEBUG else []
        """},
    )


def test_a_dotted_module_import_and_an_import_inside_a_function(tmp_path):
    found = findings(
        tmp_path,
        {
            **PROD,
            "app/tasks.py": """
                import config.settings


                def run():
                    from config.settings import TIMEOUT
                    TIMEOUT = TIMEOUT * 2
                    return config.settings.BROKER_URL, TIMEOUT
            """,
        },
        CODE,
    )
    assert [f.span.start.line for f in found] == [0, 4]
    assert found[0].message.startswith("importing the module `config.settings`")


def test_fixes_decline_when_the_rewrite_would_change_meaning(tmp_path):
    engine, _root = engine_for(tmp_path, {**PROD, "app/tasks.py": """
        import config.settings


        def run(settings=None):
            from config.settings import TIMEOUT
            TIMEOUT = TIMEOUT * 2
            return config.settings.BROKER_URL, TIMEOUT
    """})
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == CODE]
    assert len(found) == 2
    assert [engine.fix(f) for f in found] == [None, None]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "config/settings.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\nDEBUG = True\n',
            "config/prod.py": "from config.settings import *\nDEBUG = False\n",
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
            "app/settings.py": """
                # the app's own defaults, read through django.conf.settings
                from django.conf import settings

                PAGE_SIZE = getattr(settings, "APP_PAGE_SIZE", 20)
            """,
            "app/views.py": """
                from django.conf import settings
                from app import settings as app_settings
                from app.settings import PAGE_SIZE
                from config.settings import get_env_list  # a helper, not a setting
                from config.settings import DEBUG  # noqa: DJE105


                def home(request):
                    return settings.DEBUG, app_settings.PAGE_SIZE, PAGE_SIZE
            """,
        },
        CODE,
    )


def test_the_only_settings_module_every_entry_point_sets_is_silent(tmp_path):
    # netbox: manage.py and wsgi.py both set netbox.settings, no other settings module exists,
    # so the imported module is the very module Django loads.
    check_noop(
        tmp_path,
        {
            "config/wsgi.py": """
                import os
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            """,
            "config/settings_utils.py": "def import_plugin(name):\n    return name\n",
            "app/migrations/__init__.py": "",
            "app/migrations/0040_convert_disk_size.py": """
                from django.db import migrations
                from config.settings import DISK_BASE_UNIT


                def convert(apps, schema_editor):
                    return DISK_BASE_UNIT


                class Migration(migrations.Migration):
                    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
            """,
        },
        CODE,
    )


def test_the_settings_module_an_entry_point_does_not_set_is_reported(tmp_path):
    # The same import, but wsgi.py deploys another module: the imported one is not what runs.
    found = findings(
        tmp_path,
        {
            **PROD,
            "config/wsgi.py": """
                import os
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_prod")
            """,
            "app/units.py": "from config.settings import DISK_BASE_UNIT\n",
        },
        CODE,
    )
    assert [f.path.rsplit("/", 1)[-1] for f in found] == ["units.py"]
