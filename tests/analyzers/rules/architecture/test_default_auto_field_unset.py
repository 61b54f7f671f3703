from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE104"
SETTINGS = 'SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "app"]\n'
MODELS = """
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=20)


    class Post(models.Model):
        title = models.CharField(max_length=20)
"""


def test_implicit_primary_keys_without_a_default_are_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"config/settings.py": SETTINGS, "app/models.py": MODELS},
        CODE,
        {"config/settings.py": SETTINGS + '\nDEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n'},
    )
    assert finding.span.start.line == 1 and "`app`" in finding.message and "2 models" in finding.message
    assert "(models.W042)" in finding.message and finding.fixable.value == "safe"


def test_app_config_without_default_auto_field(tmp_path):
    [finding] = findings(tmp_path, {
        "config/settings.py": 'INSTALLED_APPS = ["app.apps.AppConfig_"]\n',
        "app/apps.py": "from django.apps import AppConfig\n\n\nclass AppConfig_(AppConfig):\n    name = 'app'\n",
        "app/models.py": MODELS,
    }, CODE)
    assert "`Tag`" in finding.message


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "setting", {"config/settings.py": SETTINGS + 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n',
                                      "app/models.py": MODELS}, CODE)
    check_noop(tmp_path / "env", {"config/settings.py": SETTINGS + 'import os\nDEFAULT_AUTO_FIELD = os.environ["AUTO"]\n',
                                  "app/models.py": MODELS}, CODE)
    check_noop(tmp_path / "app-config", {
        "config/settings.py": SETTINGS,
        "app/apps.py": ("from django.apps import AppConfig\n\n\nclass AppConfig_(AppConfig):\n    name = 'app'\n"
                        "    default_auto_field = 'django.db.models.BigAutoField'\n"),
        "app/models.py": MODELS,
    }, CODE)
    check_noop(tmp_path / "explicit-pk", {"config/settings.py": SETTINGS, "app/models.py": """
        import uuid
        from django.db import models


        class Token(models.Model):
            key = models.UUIDField(primary_key=True, default=uuid.uuid4)


        class Base(models.Model):
            class Meta:
                abstract = True
    """}, CODE)
    # a library base class may declare the primary key
    check_noop(tmp_path / "unknown-base", {"config/settings.py": SETTINGS, "app/models.py": """
        from django.db import models
        from somelib.models import UUIDModel


        class Thing(UUIDModel, models.Model):
            name = models.CharField(max_length=20)
    """}, CODE)
    # the app's AppConfig comes from a library: its default_auto_field is unknown
    check_noop(tmp_path / "library-config", {
        "config/settings.py": 'INSTALLED_APPS = ["app.apps.Config"]\n',
        "app/apps.py": "from somelib.apps import BaseConfig\n\n\nclass Config(BaseConfig):\n    name = 'app'\n",
        "app/models.py": MODELS,
    }, CODE)
    check_noop(tmp_path / "noqa", {"config/settings.py": SETTINGS.replace('"app"]', '"app"]  # noqa: DJE104'),
                                   "app/models.py": MODELS}, CODE)
