"""DJE417 (CSRF-disabling session authentication), DJE418 (BasicAuthentication in
production) and DJE419 (password checks with no throttle); the exploits are proven on
tests/workspaces/tenancy (T8, T9, T11, T11b)."""

from tests.analyzers.rules.helpers import findings

PROD = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
    "config/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
}


def settings(rest_framework: str, apps: str = "") -> str:
    return (
        'SECRET_KEY = "x"\n'
        f'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"{apps}]\n'
        f"REST_FRAMEWORK = {rest_framework}\n"
    )


AUTH = """
    from rest_framework.authentication import SessionAuthentication


    class NoCsrf(SessionAuthentication):
        def enforce_csrf(self, request):
            return


    class Checked(SessionAuthentication):
        def enforce_csrf(self, request):
            super().enforce_csrf(request)


    class Unused(SessionAuthentication):
        def enforce_csrf(self, request):
            pass
"""


def test_csrf_disabled_where_used(tmp_path):
    found = findings(tmp_path, {**PROD, "config/settings.py": settings("{}"), "app/authentication.py": AUTH,
                                "app/views.py": """
        from rest_framework.views import APIView

        from app.authentication import Checked, NoCsrf


        class Complete(APIView):
            authentication_classes = [NoCsrf]


        class Reopen(APIView):
            authentication_classes = [Checked]
    """}, "DJE417")
    assert [(f.span.start.line + 1, f.message.split(",")[0]) for f in found] == [
        (5, "`NoCsrf.enforce_csrf` skips the CSRF check of session-authenticated requests")]
    assert "`Complete` uses it" in found[0].message and found[0].related[0].path.endswith("views.py")


def test_basic_authentication_in_production_defaults_only(tmp_path):
    basic = '{"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication", ' \
            '"rest_framework.authentication.BasicAuthentication"]}'
    [finding] = findings(tmp_path / "prod", {**PROD, "config/settings.py": settings(basic)}, "DJE418")
    assert finding.span.start.line == 2 and "include BasicAuthentication" in finding.message
    # DRF's own default includes BasicAuthentication too, but only a project that names it is told.
    assert findings(tmp_path / "token", {**PROD, "config/settings.py": settings(
        '{"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}')}, "DJE418") == []


LOGIN_VIEWS = """
    from django.contrib.auth import authenticate, login
    from rest_framework.authtoken.views import ObtainAuthToken
    from rest_framework.throttling import AnonRateThrottle
    from rest_framework.views import APIView

    from app.serializers import LoginSerializer


    class Login(APIView):
        authentication_classes = []

        def post(self, request):
            login(request, authenticate(request, username=request.data["u"], password=request.data["p"]))


    class SerializerLogin(APIView):
        def post(self, request):
            serializer = LoginSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)


    class Throttled(APIView):
        throttle_classes = [AnonRateThrottle]

        def post(self, request):
            login(request, authenticate(request, username=request.data["u"], password=request.data["p"]))


    class Token(ObtainAuthToken):
        pass


    class ThrottledToken(ObtainAuthToken):
        throttle_classes = [AnonRateThrottle]


    class Logout(APIView):
        def post(self, request):
            return None
"""

SERIALIZERS = """
    from django.contrib.auth import authenticate
    from rest_framework import serializers


    class LoginSerializer(serializers.Serializer):
        def validate(self, attrs):
            attrs["user"] = authenticate(username=attrs["u"], password=attrs["p"])
            return attrs
"""

URLS = """
    from django.urls import path
    from rest_framework.authtoken.views import obtain_auth_token

    urlpatterns = [path("token/", obtain_auth_token)]
"""


def test_unthrottled_password_checks(tmp_path):
    files = {**PROD, "config/settings.py": settings("{}"), "app/views.py": LOGIN_VIEWS,
             "app/serializers.py": SERIALIZERS, "config/urls.py": URLS}
    found = findings(tmp_path / "open", files, "DJE419")
    assert sorted(f.message.split(" ")[0] for f in found) == ["DRF's", "`Login`", "`SerializerLogin`", "`Token`"]
    throttled = settings('{"DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"]}')
    found = findings(tmp_path / "default", files | {"config/settings.py": throttled}, "DJE419")
    assert sorted(f.message.split(" ")[0] for f in found) == ["DRF's", "`Token`"]  # they set throttle_classes = ()
    axes = settings("{}", apps=', "axes"')
    assert findings(tmp_path / "axes", files | {"config/settings.py": axes}, "DJE419") == []


def test_basic_authentication_from_drf_defaults_is_not_the_projects_choice(tmp_path):
    found = findings(tmp_path, {**PROD, "config/settings.py": settings('{"PAGE_SIZE": 10}')}, "DJE418")
    assert found == []
