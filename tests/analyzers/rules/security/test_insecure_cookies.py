from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE404"
SESSION_APP = '"django.contrib.sessions"'
SESSION_MW = '"django.contrib.sessions.middleware.SessionMiddleware"'
CSRF_MW = '"django.middleware.csrf.CsrfViewMiddleware"'


def settings(apps: str, middleware: str, extra: str = "") -> dict:
    return {**WSGI, "config/settings.py": f"INSTALLED_APPS = [{apps}]\nMIDDLEWARE = [{middleware}]\n{extra}"}


# manage.py runs a development module of its own: the production one can be fixed in place.
DEVELOPMENT = {"manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.dev")\n',
               "config/dev.py": "from config.settings import *\n\nDEBUG = True\n"}


def ids(found) -> list[str]:
    return sorted(f.message.split("(security.")[1][:4] for f in found)


def test_session_cookie_ids_follow_what_uses_the_session(tmp_path):
    assert ids(findings(tmp_path / "both", settings(SESSION_APP, SESSION_MW), CODE)) == ["W012"]
    assert ids(findings(tmp_path / "app", settings(SESSION_APP, ""), CODE)) == ["W010"]
    assert ids(findings(tmp_path / "mw", settings("", SESSION_MW), CODE)) == ["W011"]


def test_csrf_cookie(tmp_path):
    found = findings(tmp_path, settings("", CSRF_MW, "CSRF_COOKIE_SECURE = False\n"), CODE)
    assert ids(found) == ["W016"] and found[0].span.start.line == 2


def test_fix_sets_true_in_place_or_adds_it(tmp_path):
    check_fixed(
        tmp_path / "replace",
        {**settings("", CSRF_MW, "CSRF_COOKIE_SECURE = False  # TODO\n"), **DEVELOPMENT},
        CODE,
        {"config/settings.py": f"INSTALLED_APPS = []\nMIDDLEWARE = [{CSRF_MW}]\nCSRF_COOKIE_SECURE = True  # TODO\n"},
    )
    check_fixed(
        tmp_path / "add",
        split(f"INSTALLED_APPS = [{SESSION_APP}]\n", "from .base import *\n\nDEBUG = False\n"),
        CODE,
        {"site_cfg/settings/prod.py": "from .base import *\nSESSION_COOKIE_SECURE = True\n\nDEBUG = False\n"},
    )


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "secure", settings(SESSION_APP, f"{SESSION_MW}, {CSRF_MW}",
                                             "SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n"), CODE)
    check_noop(tmp_path / "no-sessions", settings('"django.contrib.auth"', '"django.middleware.common.CommonMiddleware"'), CODE)
    check_noop(tmp_path / "csrf-in-session", settings("", CSRF_MW, "CSRF_USE_SESSIONS = True\n"), CODE)
    check_noop(tmp_path / "env", settings(SESSION_APP, f"{SESSION_MW}, {CSRF_MW}", (
        "import os\nSESSION_COOKIE_SECURE = os.environ.get('SECURE', '1') == '1'\n"
        "CSRF_COOKIE_SECURE = env_flag('SECURE')\n")), CODE)
    check_noop(tmp_path / "conditional", settings(SESSION_APP, "", "if not DEBUG:\n    SESSION_COOKIE_SECURE = True\n"), CODE)
    check_noop(tmp_path / "noqa", settings("", CSRF_MW, "CSRF_COOKIE_SECURE = False  # noqa: DJE404\n"), CODE)
    check_noop(tmp_path / "unknown-middleware", settings(SESSION_APP, "*BASE", "SESSION_COOKIE_SECURE = False\n"), CODE)
    check_noop(tmp_path / "not-production", {"config/settings.py": f"MIDDLEWARE = [{CSRF_MW}]\n"}, CODE)


def test_one_module_for_every_environment_is_told_to_read_it_from_the_environment(tmp_path):
    """paperless-ngx, healthchecks: manage.py and wsgi.py run the same settings module, so
    `= True` would break logins under `runserver`: the advice is the environment, no fix."""
    files = {**settings(SESSION_APP, SESSION_MW),
             "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n'}
    [found] = findings(tmp_path, files, CODE)
    assert found.message.endswith("read it from the environment, on in production") and not found.fix_title
