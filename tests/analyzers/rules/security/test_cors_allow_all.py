from tests.analyzers.rules.helpers import check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE412"
CORS = 'INSTALLED_APPS = ["corsheaders"]\nMIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\n'


def settings(text: str, installed: str = CORS) -> dict:
    return {**WSGI, "config/settings.py": installed + text}


def test_allow_all_origins_both_names(tmp_path):
    for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"):
        [finding] = findings(tmp_path / name, settings(f"{name} = True\n"), CODE)
        assert finding.message.startswith(f"{name} is True") and "cookies" not in finding.message
        assert finding.span.start.line == 2


def test_with_credentials_says_so(tmp_path):
    [finding] = findings(tmp_path, settings("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"), CODE)
    assert "with the visitor's cookies" in finding.message


def test_installed_through_the_middleware_only_and_inherited(tmp_path):
    files = split('MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\nCORS_ALLOW_ALL_ORIGINS = True\n',
                  "from .base import *\n")
    [finding] = findings(tmp_path, files, CODE)
    assert finding.path.endswith("prod.py") and finding.related[0].path.endswith("base.py")


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "origins", settings('CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n'), CODE)
    check_noop(tmp_path / "false", settings("CORS_ALLOW_ALL_ORIGINS = False\n"), CODE)
    check_noop(tmp_path / "env", settings("import os\nCORS_ALLOW_ALL_ORIGINS = os.environ.get('CORS_ALL') == '1'\n"), CODE)
    check_noop(tmp_path / "not-installed", settings("CORS_ALLOW_ALL_ORIGINS = True\n", installed='INSTALLED_APPS = ["app"]\n'), CODE)
    check_noop(tmp_path / "conditional", settings("if DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n"), CODE)
    check_noop(tmp_path / "noqa", settings("CORS_ALLOW_ALL_ORIGINS = True  # noqa: DJE412\n"), CODE)
    check_noop(tmp_path / "dev", split(CORS, "from .base import *\n") | {
        "site_cfg/settings/dev.py": "from .base import *\nCORS_ALLOW_ALL_ORIGINS = True\n"}, CODE)
