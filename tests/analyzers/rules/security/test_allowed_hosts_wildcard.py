from tests.analyzers.rules.helpers import check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE403"
MIDDLEWARE = 'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]\n'


def settings(text: str) -> dict:
    return {**WSGI, "config/settings.py": "import os\n" + MIDDLEWARE + text}


def test_wildcard_forms_are_reported(tmp_path):
    for index, value in enumerate(('["*"]', '("example.com", "*")', '["*"] + EXTRA', '"*"')):
        found = findings(tmp_path / str(index), settings(f"EXTRA = []\nALLOWED_HOSTS = {value}\n"), CODE)
        assert len(found) == 1, value
        assert "accepts any host" in found[0].message and "security.W020" not in found[0].message


def test_empty_list_is_django_w020(tmp_path):
    [finding] = findings(tmp_path, settings("ALLOWED_HOSTS = []\n"), CODE)
    assert "(security.W020)" in finding.message


def test_unset_allowed_hosts_is_empty(tmp_path):
    [finding] = findings(tmp_path, settings("DEBUG = False\n"), CODE)
    assert "(security.W020)" in finding.message and finding.span.start.line == 0


def test_environment_fallback_to_wildcard(tmp_path):
    [finding] = findings(tmp_path, settings('ALLOWED_HOSTS = os.environ.get("HOSTS", "*").split(",")\n'), CODE)
    assert "falls back to any host" in finding.message and "HOSTS" in finding.message


def test_inherited_wildcard_reported_in_prod(tmp_path):
    [finding] = findings(tmp_path, split(MIDDLEWARE + "ALLOWED_HOSTS = ['*']\n", "from .base import *\n"), CODE)
    assert finding.path.endswith("prod.py") and finding.related


def test_lookalikes_stay_silent(tmp_path):
    for index, value in enumerate((
        '["shop.example.com", ".example.com"]',
        'os.environ["HOSTS"].split(",")',
        'os.environ.get("HOSTS", "").split(",")',
        'os.environ.get("HOSTS", "localhost").split(",")',
        '["*"]  # noqa: DJE403',
    )):
        check_noop(tmp_path / str(index), settings(f"ALLOWED_HOSTS = {value}\n"), CODE)
    # multi-tenant routing validates the Host header itself
    check_noop(tmp_path / "tenant", {**WSGI, "config/settings.py": """
        MIDDLEWARE = ["django_tenants.middleware.main.TenantMainMiddleware", "django.middleware.common.CommonMiddleware"]
        ALLOWED_HOSTS = ["*"]
    """}, CODE)
    # a MIDDLEWARE the analyser cannot read may hold such a middleware
    check_noop(tmp_path / "unknown", {**WSGI, "config/settings.py": "MIDDLEWARE = load()\nALLOWED_HOSTS = ['*']\n"}, CODE)
    check_noop(tmp_path / "dev", split("ALLOWED_HOSTS = []\n", "from .base import *\nALLOWED_HOSTS = ['a.example']\n"), CODE)


def test_middleware_added_under_a_condition(tmp_path):
    toolbar = 'if DEBUG:\n    MIDDLEWARE.append("debug_toolbar.middleware.DebugToolbarMiddleware")\n'
    assert len(findings(tmp_path / "toolbar", settings(toolbar + "ALLOWED_HOSTS = ['*']\n"), CODE)) == 1
    tenants = 'if TENANTS:\n    MIDDLEWARE.insert(0, "django_tenants.middleware.main.TenantMainMiddleware")\n'
    check_noop(tmp_path / "tenants", settings(tenants + "ALLOWED_HOSTS = ['*']\n"), CODE)


def test_settings_not_all_followed_are_not_judged_as_unset(tmp_path):
    # ALLOWED_HOSTS may be set in the file include() names by an expression: not "empty".
    check_noop(tmp_path, settings(
        "from split_settings.tools import include\nDEBUG = False\ninclude(f'components/{ENV}.py')\n"), CODE)


def test_a_wildcard_from_a_split_settings_component_is_reported_at_the_include(tmp_path):
    files = {**WSGI, "config/settings.py": (
        "from split_settings.tools import include, optional\n"
        "DEBUG = False\n"
        "include('components/*.py', optional('local.py'))\n"),
        "config/components/hosts.py": 'ALLOWED_HOSTS = ["*"]\n'}
    [finding] = findings(tmp_path, files, CODE)
    assert finding.path.endswith("settings.py") and finding.span.start.line == 2
    assert any(r.path.endswith("hosts.py") for r in finding.related)
