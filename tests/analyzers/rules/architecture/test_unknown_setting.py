import textwrap

from tests.analyzers.rules.architecture._url_project import project
from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE112"


def test_unknown_settings(tmp_path):
    found = findings(tmp_path, project("""
    from django.conf import settings


    def index(request):
        return settings.PAYMENT_TIMOUT, settings.DEFAULT_FROM_EMAL, settings.NOWHERE_AT_ALL
    """), CODE)
    assert [f.message for f in found] == [
        "no settings module sets 'PAYMENT_TIMOUT' and Django has no default for it; did you mean 'PAYMENT_TIMEOUT'?",
        ("no settings module sets 'DEFAULT_FROM_EMAL' and Django has no default for it; did you mean "
         "'DEFAULT_FROM_EMAIL'?"),
        "no settings module sets 'NOWHERE_AT_ALL' and Django has no default for it",
    ]


def test_fix(tmp_path):
    views = """
    from django.conf import settings


    def index(request):
        return settings.PAYMENT_TIMOUT
    """
    check_fixed(tmp_path, project(views), CODE,
                {"app/views.py": project(views)["app/views.py"].replace("TIMOUT", "TIMEOUT")})


def test_reads_that_expect_a_missing_setting_are_fine(tmp_path):
    check_noop(tmp_path, project("""
    from django.conf import settings
    from django.test import override_settings


    def index(request):
        a = getattr(settings, "THIRD_PARTY_FLAG", False)
        if hasattr(settings, "OPTIONAL_THING"):
            b = settings.OPTIONAL_THING
        try:
            c = settings.MAYBE_SET
        except AttributeError:
            c = None
        return settings.PAYMENT_TIMEOUT, settings.DEBUG, settings.BASE_DIR, a, b, c


    @override_settings(FEATURE_X=True)
    def test_feature():
        assert settings.FEATURE_X
    """), CODE)


def test_every_upper_case_name_of_a_settings_module_is_a_setting(tmp_path):
    """Django takes every upper-case attribute: a function (saleor's `def SENTRY_INIT(dsn,
    opts)`), a class or an imported name set in the settings module is a setting."""
    files = project("""
    from django.conf import settings


    def index(request):
        settings.SENTRY_INIT("dsn", {})
        return settings.ENCODER, settings.DEFAULT_TIMEOUT, settings.NOWHERE_AT_ALL
    """)
    files["config/settings.py"] += textwrap.indent(
        "from json import JSONEncoder as ENCODER\n\n\nclass DEFAULT_TIMEOUT:\n    seconds = 3\n\n\n"
        "def SENTRY_INIT(dsn, options):\n    pass\n", "    ")
    assert [f.message for f in findings(tmp_path, files, CODE)] == [
        "no settings module sets 'NOWHERE_AT_ALL' and Django has no default for it"]


def test_settings_only_the_tests_run_with_are_settings(tmp_path):
    """A name set only by the settings module pytest runs with (pytest 9's native
    `[tool.pytest]` table naming it with `--ds`), read by the tests' code: saleor's
    `PRIVATE_MEDIA_ROOT` in `saleor/tests/settings.py`."""
    files = project("")
    files["app/tests/__init__.py"] = ""
    files["app/tests/settings.py"] = 'from config.settings import *  # noqa\nPRIVATE_MEDIA_ROOT: str = "/tmp"\n'
    files["pyproject.toml"] = '[tool.pytest]\naddopts = ["-q", "--ds=app.tests.settings"]\n'
    files["app/tests/storages.py"] = ("from django.conf import settings\n\n"
                                      "ROOT = settings.PRIVATE_MEDIA_ROOT\nOTHER = settings.PRIVATE_MEDIA_ROT\n")
    assert [f.message for f in findings(tmp_path, files, CODE)] == [
        "no settings module sets 'PRIVATE_MEDIA_ROT' and Django has no default for it; did you mean "
        "'PRIVATE_MEDIA_ROOT'?"]
