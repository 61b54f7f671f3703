"""The one secret policy: names and shapes that are secrets, names that only describe one,
the last-line scrubber that never touches placeholders, paths or the project's name, and
the planted secrets of the shop never shown by hover or completion."""

from __future__ import annotations

import pytest
from tests.analyzers.rules.helpers import engine_for
from tests.planted_secrets import NAMES, planted_shop

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.navigation import features, settings
from django_expert.analyzers.secrets import (
    HIDDEN,
    REDACTED,
    Scrubber,
    is_placeholder_file,
    is_secret_name,
    shown_text,
    worth_scrubbing,
)

SECRET = [*NAMES, "SECRET_KEY", "SECRET_KEY_FALLBACKS", "DB_PASSWORD", "password", "apiKey", "client-secret", "KEY",
          "SIGNING_KEY", "BASIC_AUTH", "DB_PW", "HMACKEY", "WEBHOOK", "KEY2", "OAUTH2_CLIENT_SECRET"]
# Names that describe a secret, or only look like one: their values are class paths,
# numbers, flags and file names a reader needs.
NOT_SECRET = ["AUTH_USER_MODEL", "AUTHENTICATION_BACKENDS", "PASSWORD_HASHERS", "AUTH_PASSWORD_VALIDATORS",
              "CACHE_MIDDLEWARE_KEY_PREFIX", "KEY_PREFIX", "KEY_FUNCTION", "PASSWORD_RESET_TIMEOUT",
              "SECRET_KEY_FALLBACKS_ENABLED", "SIGNING_BACKEND", "TOKEN_MODEL", "REST_AUTH", "JWT_SIGNING_ALGORITHM",
              "DEFAULT_AUTHENTICATION_CLASSES", "SOCIAL_AUTH_LOGIN_REDIRECT_URL", "PRIVATE_KEY_PATH", "KEYWORDS",
              "BYPASS_CACHE", "CELERY_BROKER_URL", "DATABASES", "CACHES", "LOCATION", "SESSION_COOKIE_NAME"]


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_names_that_describe_a_secret_are_shown(name):
    assert not is_secret_name(name)


def test_shapes_mask_the_password_and_hide_keys():
    assert shown_text("postgres://shop:pw@db:5432/shop") == "postgres://shop:***@db:5432/shop"
    assert shown_text("redis://:pw@cache:6379/0") == "redis://:***@cache:6379/0"
    assert shown_text("postgres://u:p@ss@db/x") == "postgres://u:***@db/x"
    assert shown_text("redis://:a@h1:1,redis://:b@h2:2/0") == "redis://:***@h1:1,redis://:***@h2:2/0"
    assert shown_text("https://x.example/?page=2&api_key=abc") == "https://x.example/?page=2&api_key=***"
    assert shown_text("sk_live_abc") == shown_text("ghp_abc") == shown_text("Bearer abc.def.ghi") == HIDDEN
    assert shown_text("Zx81kQ0vLm3Tq9Wc2Rb7Yp5Nd4") == HIDDEN  # long and random-looking
    for plain in ("redis://localhost:6379/0", "django.contrib.auth.backends.ModelBackend", "%Y-%m-%d %H:%M",
                  "static/img/logo-2x.png", "shop.example.com"):
        assert shown_text(plain) == plain


def test_only_values_that_look_like_secrets_are_scrubbed():
    for word in ("plane", "shop", "postgres", "not-a-real-password", "changeme123!", "aaaa1111", "db.sqlite3",
                 "your-secret-key-here-0123", "DB_PASSWORD_2"):
        assert not worth_scrubbing(word), word
    assert worth_scrubbing("django-insecure-6v%k2n!r8q#w1z0x") and worth_scrubbing("Xk39!aQ7zP2")
    assert worth_scrubbing("AKIA1234ABCD5678EFGH")
    for name in (".env.example", ".env.sample", ".env.template", "settings.ini.dist", "example.env"):
        assert is_placeholder_file(name), name
    assert not is_placeholder_file(".env") and not is_placeholder_file(".env.production")


def test_the_scrubber_keeps_paths_and_the_project_name(tmp_path):
    project = "qx7planer"
    engine, _ = engine_for(tmp_path, {
        "manage.py": f'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{project}.settings")\n',
        f"{project}/__init__.py": "",
        f"{project}/settings.py": f"""
            import os
            SECRET_KEY = os.environ.get("APP_SECRET", "hard-coded-fallback-value-1234")
            INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "billing2x"]
            ROOT_URLCONF = "{project}.urls"
            DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql",
                                       "PASSWORD": os.environ.get("DB_PASSWORD", "{project}")}}}}
            CACHES = {{"default": {{"LOCATION": "redis://:Pg7!cache-Pass@cache:6379/0"}}}}
            """,
        f"{project}/urls.py": "urlpatterns = []\n",
        "billing2x/__init__.py": "",
        "billing2x/models.py": "",
        ".env": "APP_SECRET=Env!Secret-9z8y7x\nDB_PASSWORD=billing2x-Pw-1\nDEBUG=1\n",
        ".env.example": f"APP_SECRET=Qz9!docs-Value\nDB_PASSWORD={project}\n",
    })
    scrubber = Scrubber.for_project(engine.projects[0].model, names=[project])
    text = (f"[{project}/settings.py:3]({project}/settings.py#L3) Env!Secret-9z8y7x hard-coded-fallback-value-1234 "
            f"Pg7!cache-Pass Qz9!docs-Value billing2x-Pw-1")
    assert scrubber.text(text) == (f"[{project}/settings.py:3]({project}/settings.py#L3) {REDACTED} {REDACTED} "
                                   f"{REDACTED} Qz9!docs-Value billing2x-Pw-1")
    assert scrubber.data({project: [text]}) == {project: [scrubber.text(text)]}
    assert not scrubber.leaks(scrubber.text(text))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root, values = planted_shop(tmp_path_factory.mktemp("planted") / "shop")
    engine = Engine([root], use_cache=False)
    engine.index()
    return engine, engine.projects[0].model, values


HEAD = "from django.conf import settings\n"


def _at(engine, project, text: str):
    facts = engine.state((project.layout.root / "catalog" / "views.py").resolve()).facts
    return features.find_target(project, facts, text.replace("|", ""), text.index("|"))


def test_planted_secrets_are_never_in_hover_or_completion(planted):
    engine, project, values = planted
    shown = []
    for name in settings.setting_names(project):
        hover = features.hover(project, _at(engine, project, f"{HEAD}settings.{name[:-1]}|{name[-1]}"))
        assert hover is not None or name not in NAMES, name
        shown.append(hover.markdown if hover is not None else "")
        shown.extend(settings.shown(name, d.value) for d in settings.definitions(project, name))
    completion = features.complete(project, _at(engine, project, f"{HEAD}settings.|"))
    shown.extend(f"{c.label} {c.detail} {c.documentation}" for c in completion)
    text = "\n".join(shown)
    assert set(NAMES) <= {c.label for c in completion}
    assert [v for v in values if v in text] == []


def test_values_that_are_not_secrets_are_still_shown(planted):
    engine, project, _ = planted

    def hover(name):
        return features.hover(project, _at(engine, project, f"{HEAD}settings.{name}|")).markdown

    assert "postgres://shop:***@db:5432/shop" in hover("DATABASE_URL")
    assert "'HOST': 'db'" in hover("DATABASES") and "'PASSWORD': (hidden)" in hover("DATABASES")
    assert "redis://:***@cache:6379/1" in hover("CACHES")
    assert "MD5PasswordHasher" in hover("PASSWORD_HASHERS")
    assert "'*'" in hover("ALLOWED_HOSTS")
    assert HIDDEN in hover("PAYMENT_PROVIDER") and HIDDEN in hover("GITHUB_PAT")
