from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import split

CODE = "DJE101"
SECURITY = "django.middleware.security.SecurityMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
XFRAME = "django.middleware.clickjacking.XFrameOptionsMiddleware"


def test_each_missing_middleware_is_reported_with_its_check_id(tmp_path):
    found = findings(tmp_path, {"config/settings.py": f'SECRET_KEY = "x"\nMIDDLEWARE = ["{SESSION}", "{COMMON}"]\n'}, CODE)
    assert sorted(f.message.split("(")[1][:13] for f in found) == ["security.W001", "security.W002", "security.W003"]
    assert all(f.span.start.line == 1 and f.span.end.column == len("MIDDLEWARE") for f in found)


def test_csrf_is_inserted_before_authentication_keeping_the_layout(tmp_path):
    check_fixed(
        tmp_path,
        {"config/settings.py": f"""
            MIDDLEWARE = [
                "{SECURITY}",
                "{SESSION}",  # sessions first
                "{COMMON}",
                "{AUTH}",  # then users
                "{XFRAME}",
            ]
        """},
        CODE,
        {"config/settings.py": f"""
            MIDDLEWARE = [
                "{SECURITY}",
                "{SESSION}",  # sessions first
                "{COMMON}",
                "{CSRF}",
                "{AUTH}",  # then users
                "{XFRAME}",
            ]
        """},
    )


def test_security_goes_first_and_xframe_last_with_the_file_s_quotes(tmp_path):
    check_fixed(
        tmp_path / "security",
        {"config/settings.py": f"MIDDLEWARE = ('{SESSION}', '{CSRF}', '{XFRAME}')\n"},
        CODE,
        {"config/settings.py": f"MIDDLEWARE = ('{SECURITY}', '{SESSION}', '{CSRF}', '{XFRAME}')\n"},
    )
    check_fixed(
        tmp_path / "xframe",
        {"config/settings.py": f'MIDDLEWARE = ["{SECURITY}", "{CSRF}"]\n'},
        CODE,
        {"config/settings.py": f'MIDDLEWARE = ["{SECURITY}", "{CSRF}", "{XFRAME}"]\n'},
    )


def test_reported_once_in_the_base_shared_by_dev_and_prod(tmp_path):
    files = split(f'MIDDLEWARE = ["{SECURITY}", "{CSRF}"]\n', "from .base import *\n")
    found = findings(tmp_path, files, CODE)
    assert len(found) == 1 and found[0].path.endswith("base.py") and "XFrameOptions" in found[0].message


def test_entries_added_under_a_condition(tmp_path):
    toolbar = 'if DEBUG:\n    MIDDLEWARE.append("debug_toolbar.middleware.DebugToolbarMiddleware")\n'
    found = findings(tmp_path / "toolbar", {"config/settings.py": f'MIDDLEWARE = ["{SECURITY}", "{CSRF}"]\n' + toolbar}, CODE)
    assert [f.message.split(" (")[0] for f in found] == ["MIDDLEWARE has no XFrameOptionsMiddleware"]
    check_noop(tmp_path / "xframe-added", {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{CSRF}"]\nif FRAMES:\n    MIDDLEWARE.append("{XFRAME}")\n')}, CODE)
    check_noop(tmp_path / "unknown-addition", {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{CSRF}"]\nif EXTRA:\n    MIDDLEWARE += EXTRA\n')}, CODE)


def test_concatenated_lists_are_reported_without_a_fix(tmp_path):
    [finding] = findings(tmp_path, {"config/settings.py": (
        f'BASE = ["{SECURITY}", "{CSRF}"]\nMIDDLEWARE = BASE + ["{COMMON}"]\n')}, CODE)
    assert "XFrameOptions" in finding.message and not finding.fix_title


def test_lookalikes_stay_silent(tmp_path):
    complete = f'["{SECURITY}", "{CSRF}", "{XFRAME}"]'
    check_noop(tmp_path / "complete", {"config/settings.py": f"MIDDLEWARE = {complete}\n"}, CODE)
    check_noop(tmp_path / "unset", {"config/settings.py": "DEBUG = True\n"}, CODE)
    check_noop(tmp_path / "unknown", {"config/settings.py": "MIDDLEWARE = load_middleware()\n"}, CODE)
    check_noop(tmp_path / "starred", {"config/settings.py": f'MIDDLEWARE = [*BASE, "{COMMON}"]\n'}, CODE)
    check_noop(tmp_path / "conditional", {"config/settings.py": (
        f"MIDDLEWARE = {complete}\nif DEBUG:\n    MIDDLEWARE = []\n")}, CODE)
    check_noop(tmp_path / "noqa", {"config/settings.py": f'MIDDLEWARE = ["{COMMON}"]  # noqa: DJE101\n'}, CODE)
    # a project subclass counts, and an unresolved library class named like one may be one
    check_noop(tmp_path / "subclass", {
        "config/settings.py": f'MIDDLEWARE = ["app.middleware.StrictSecurity", "lib.middleware.CsrfViewMiddleware", "{XFRAME}"]\n',
        "app/middleware.py": "from django.middleware.security import SecurityMiddleware\n\n\nclass StrictSecurity(SecurityMiddleware):\n    pass\n",
    }, CODE)
    # dev and test settings are not deployed
    files = split(f"MIDDLEWARE = {complete}\n", "from .base import *\n")
    files["site_cfg/settings/dev.py"] = f'from .base import *\nMIDDLEWARE = ["{COMMON}"]\n'
    files["site_cfg/settings/test.py"] = f'from .base import *\nMIDDLEWARE = ["{COMMON}"]\n'
    check_noop(tmp_path / "dev", files, CODE)


def test_middleware_in_a_split_settings_component_is_judged_there(tmp_path):
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
        "site_cfg/__init__.py": "",
        "site_cfg/settings/__init__.py": "from split_settings.tools import include\ninclude('components/*.py')\n",
        "site_cfg/settings/components/base.py": f'SECRET_KEY = "x"\nMIDDLEWARE = ["{SECURITY}", "{CSRF}"]\n',
    }
    [finding] = findings(tmp_path, files, CODE)
    assert finding.path.endswith("components/base.py") and "XFrameOptions" in finding.message


def test_a_list_partly_known_is_judged_on_its_known_entries_only(tmp_path):
    loop = "for name in PLUGIN_MIDDLEWARE:\n    MIDDLEWARE.append(name)\n"
    # SecurityMiddleware and CSRF may be among the plugins: silent, not "missing"
    check_noop(tmp_path / "loop", {"config/settings.py": f'MIDDLEWARE = ["{COMMON}"]\n' + loop}, CODE)
    check_noop(tmp_path / "extended", {"config/settings.py": (
        f'from plugins import middleware\nMIDDLEWARE = ["{COMMON}"]\nMIDDLEWARE += middleware()\n')}, CODE)
