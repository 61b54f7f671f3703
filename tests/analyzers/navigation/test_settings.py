"""Setting names, values as they may be shown, and unknown names."""

from __future__ import annotations

from tests.analyzers.rules.helpers import engine_for

from django_expert.analyzers.navigation import settings


def test_names_and_definitions(shop):
    names = settings.setting_names(shop)
    assert {"DEBUG", "CELERY_BROKER_URL", "DEFAULT_FROM_EMAIL", "BASE_DIR"} <= set(names)
    modules = [d.module for d in settings.definitions(shop, "DEBUG")]
    assert modules[0] == "shop.settings.dev" and "shop.settings.prod" in modules
    assert settings.certainly_unknown(shop, "DEFAULT_FROM_EMAL")
    assert not settings.certainly_unknown(shop, "DEFAULT_FROM_EMAIL")


def test_secrets_and_environment_values_are_never_shown(shop):
    shown = {d.module: settings.shown("SECRET_KEY", d.value) for d in settings.definitions(shop, "SECRET_KEY")}
    assert set(shown.values()) == {settings.HIDDEN}
    (debug,) = [d for d in settings.definitions(shop, "DEBUG") if d.module == "shop.settings.dev"]
    assert settings.shown("DEBUG", debug.value) == "True"
    broker = settings.definitions(shop, "CELERY_BROKER_URL")[0]
    assert settings.shown("CELERY_BROKER_URL", broker.value) == settings.FROM_ENV


def test_nested_secrets_are_hidden(tmp_path):
    engine, _ = engine_for(tmp_path, {"config/settings.py": """
        SECRET_KEY = "x"
        INSTALLED_APPS = ["app"]
        DATABASES = {"default": {"ENGINE": "x", "PASSWORD": "hunter2", "HOST": "db"}}
        CACHES = {"default": {"LOCATION": "redis://user:pw@host:6379/0"}}
        """})
    project = engine.projects[0].model
    databases = settings.shown("DATABASES", settings.definitions(project, "DATABASES")[0].value)
    assert "hunter2" not in databases and "'PASSWORD': (hidden)" in databases and "'db'" in databases
    caches = settings.shown("CACHES", settings.definitions(project, "CACHES")[0].value)
    assert "pw" not in caches


def test_dynamic_settings_are_never_certain(tmp_path):
    engine, _ = engine_for(tmp_path, {"config/settings.py": """
        from split_settings.tools import include
        SECRET_KEY = "x"
        INSTALLED_APPS = ["app"]
        include("components/*.py")
        """})
    assert not settings.certainly_unknown(engine.projects[0].model, "ANYTHING")


def test_split_settings_followed_to_the_end_are_certain(tmp_path):
    engine, _ = engine_for(tmp_path, {
        "config/settings.py": """
            from split_settings.tools import include, optional
            include("components/*.py", optional("local.py"))
            """,
        "config/components/base.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\nPAYMENT_TIMEOUT = 30\n',
    })
    project = engine.projects[0].model
    assert settings.certainly_unknown(project, "PAYMENT_TIMOUT")
    assert not settings.certainly_unknown(project, "PAYMENT_TIMEOUT")
