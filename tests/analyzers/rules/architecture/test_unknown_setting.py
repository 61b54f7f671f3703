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
