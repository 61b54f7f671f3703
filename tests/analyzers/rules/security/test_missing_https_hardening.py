import re

from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split
from tests.analyzers.rules.security.test_insecure_cookies import DEVELOPMENT

CODE = "DJE405"
SECURITY = '"django.middleware.security.SecurityMiddleware"'
XFRAME = '"django.middleware.clickjacking.XFrameOptionsMiddleware"'
HARDENED = """\
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
"""


def settings(middleware: str, text: str) -> dict:
    return {**WSGI, "config/settings.py": f"MIDDLEWARE = [{middleware}]\n{text}"}


def ids(found) -> list[str]:
    return sorted(m for f in found for m in re.findall(r"security\.W\d+", f.message))


def test_defaults_miss_hsts_and_the_redirect(tmp_path):
    found = findings(tmp_path, settings(SECURITY, ""), CODE)
    assert ids(found) == ["security.W004", "security.W008"]
    assert all(f.span.start.line == 0 and "is not set" in f.message for f in found)
    # manage.py runs this module too: a redirect to HTTPS would break `runserver`, HSTS does not
    hsts, redirect = sorted(found, key=lambda f: "W008" in f.message)
    assert hsts.fix_title and not redirect.fix_title and redirect.message.endswith("on in production")


def test_hsts_without_subdomains_and_preload(tmp_path):
    found = findings(tmp_path, settings(SECURITY, "SECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 60 * 60\n"), CODE)
    assert ids(found) == ["security.W005", "security.W021"]


def test_values_turned_off(tmp_path):
    found = findings(tmp_path, settings(f"{SECURITY}, {XFRAME}", HARDENED + (
        "SECURE_CONTENT_TYPE_NOSNIFF = False\nSECURE_REFERRER_POLICY = None\nX_FRAME_OPTIONS = 'SAMEORIGIN'\n")), CODE)
    assert ids(found) == ["security.W006", "security.W019", "security.W022"]
    assert {f.span.start.line for f in found} == {5, 6, 7}
    # "SAMEORIGIN" keeps other sites out; what it allows is the site framing itself (paperless's PDF preview)
    [frame] = [f for f in found if "W019" in f.message]
    assert "the site's own pages may frame each other" in frame.message and "other sites" not in frame.message


def test_fix_adds_the_setting(tmp_path):
    without = HARDENED.replace("SECURE_SSL_REDIRECT = True\n", "")
    check_fixed(
        tmp_path,
        {**settings(SECURITY, without), **DEVELOPMENT},
        CODE,
        {"config/settings.py": f"MIDDLEWARE = [{SECURITY}]\n{without}\nSECURE_SSL_REDIRECT = True\n"},
    )


def test_fix_replaces_the_value(tmp_path):
    check_fixed(
        tmp_path,
        {**settings(SECURITY, HARDENED + "SECURE_CONTENT_TYPE_NOSNIFF = False\n"), **DEVELOPMENT},
        CODE,
        {"config/settings.py": f"MIDDLEWARE = [{SECURITY}]\n{HARDENED}" + "SECURE_CONTENT_TYPE_NOSNIFF = True\n"},
    )
    # a chosen "SAMEORIGIN" is reported without a fix: "DENY" would break the frames it was chosen for
    [frame] = findings(tmp_path / "frame", settings(f"{SECURITY}, {XFRAME}", HARDENED + 'X_FRAME_OPTIONS = "SAMEORIGIN"\n'),
                       CODE)
    assert "W019" in frame.message and not frame.fix_title


def test_inherited_from_base(tmp_path):
    [finding] = findings(tmp_path, split(f"MIDDLEWARE = [{SECURITY}]\nSECURE_SSL_REDIRECT = False\n",
                                         "from .base import *\nSECURE_HSTS_SECONDS = 3600\n"
                                         "SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True\n"), CODE)
    assert "(security.W008)" in finding.message and finding.related[0].path.endswith("base.py")


def test_lookalikes_stay_silent(tmp_path):
    # without the middleware the settings do nothing, and Django's checks say so with W001/W002
    check_noop(tmp_path / "no-middleware", settings('"django.middleware.common.CommonMiddleware"',
                                                    "X_FRAME_OPTIONS = 'SAMEORIGIN'\n"), CODE)
    check_noop(tmp_path / "hardened", settings(f"{SECURITY}, {XFRAME}", HARDENED), CODE)
    check_noop(tmp_path / "env", settings(SECURITY, (
        "import os\nSECURE_SSL_REDIRECT = os.environ.get('REDIRECT', '') == '1'\n"
        "SECURE_HSTS_SECONDS = int(os.environ.get('HSTS', '0'))\n")), CODE)
    check_noop(tmp_path / "unknown-middleware", settings("*BASE_MIDDLEWARE", ""), CODE)
    check_noop(tmp_path / "conditional", settings(SECURITY, HARDENED.replace("SECURE_SSL_REDIRECT = True", "if BEHIND_HTTP:\n    SECURE_SSL_REDIRECT = False")), CODE)
    check_noop(tmp_path / "noqa", settings(SECURITY, HARDENED.replace("SECURE_SSL_REDIRECT = True", "SECURE_SSL_REDIRECT = False  # noqa: DJE405")), CODE)
    check_noop(tmp_path / "dev", {"config/settings.py": f"MIDDLEWARE = [{SECURITY}]\n"}, CODE)
