from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE113"


def test_settings_followed_stay_silent(tmp_path):
    check_noop(tmp_path / "plain", {}, CODE)
    check_noop(tmp_path / "environ", {"config/settings.py": """
        import environ
        env = environ.Env(DEBUG=(bool, False))
        DEBUG = env("DEBUG")
        SECRET_KEY = env("SECRET_KEY")
        STATIC_ROOT = BASE_DIR / "static"
        INSTALLED_APPS = ["django.contrib.auth", "app"]
    """}, CODE)
    check_noop(tmp_path / "split", {
        "config/settings.py": """
            from split_settings.tools import include, optional
            include("components/*.py", optional("local.py"))
        """,
        "config/components/base.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\n',
    }, CODE)


def test_a_partly_known_installed_apps_is_said_once_on_the_settings_module(tmp_path):
    [finding] = findings(tmp_path, {"config/settings.py": """
        from plugins import discover
        SECRET_KEY = "x"
        INSTALLED_APPS = ["django.contrib.auth", "app"]
        INSTALLED_APPS += discover()
        MIDDLEWARE = []
        for name in discover():
            MIDDLEWARE.append(name)
    """}, CODE)
    assert str(finding.path).endswith("settings.py") and finding.span.start.line == 0
    assert finding.severity.value == "info"
    assert "known only in part (entries added by code not followed): INSTALLED_APPS, MIDDLEWARE" in finding.message


def test_includes_not_followed_and_unread_values_are_named(tmp_path):
    [finding] = findings(tmp_path, {"config/settings.py": """
        from split_settings.tools import include
        from vault import secret
        include("components/missing.py")
        include(f"components/{ENV}.py")
        SECRET_KEY = secret("django")
        INSTALLED_APPS = ["app"]
    """}, CODE)
    message = finding.message
    assert "'config.settings' includes 'components/missing.py', which was not found" in message
    assert "includes a settings file named by an expression" in message
    assert "could not be read: SECRET_KEY" in message


def test_an_empty_settings_module(tmp_path):
    [finding] = findings(tmp_path, {"config/settings.py": "from somewhere_else import *  # noqa: F403\n"}, CODE)
    assert "assigns no Django setting" in finding.message


def test_a_missing_settings_module_is_said_on_the_file_naming_it(tmp_path):
    result = findings(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.nowhere")\n',
    }, CODE)
    assert [(str(f.path).rpartition("/")[2], "`config.nowhere` was not found" in f.message) for f in result] == [("manage.py", True)]


def test_an_optional_module_the_repository_lacks_is_named(tmp_path):
    """healthchecks: `if (BASE_DIR / "hc/local_settings.py").exists(): from .local_settings import *`
    with no local_settings.py in the repository; the deploy rules read the settings without it."""
    files = {"config/settings.py": """
        from pathlib import Path
        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = "x"
        INSTALLED_APPS = ["django.contrib.auth", "app"]
        if (BASE_DIR / "config/local_settings.py").exists():
            from .local_settings import *
    """}
    [finding] = findings(tmp_path / "absent", files, CODE)
    assert finding.message.endswith("`config.local_settings` is star-imported when it exists and is not in the "
                                    "repository: the settings are read without it, as a fresh deployment runs them")
    check_noop(tmp_path / "present", {**files, "config/local_settings.py": "DEBUG = False\n"}, CODE)
