"""The settings evaluator: split settings, mutations, conditionals, environment, DRF defaults.

Secret-looking values used here are fake; assertion messages never include them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from settings_helpers import WORKSPACES, make_project, project_from_layout

from django_expert.analyzers.facts.values import BinOp, Const, Env, Mapping, Ref, Seq, Unknown, literal
from django_expert.analyzers.knowledge.settings_defaults import (
    DJANGO_DEFAULTS,
    DRF_CHECKED,
    DRF_DEFAULTS,
    SECURITY_SETTINGS,
)
from django_expert.analyzers.project.discovery import discover
from django_expert.analyzers.project.settings import evaluate_settings

BASE = """
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = False
ALLOWED_HOSTS = []
INSTALLED_APPS = ["django.contrib.auth", "catalog"]
BASE_MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
MIDDLEWARE = BASE_MIDDLEWARE + ["django.middleware.common.CommonMiddleware"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
_PRIVATE = 1
"""


def settings_of(sources, module, **kwargs):
    project = make_project(sources, module, **kwargs)
    return project, evaluate_settings(project, module)


def py(value):
    return literal(value)


# -- split settings -------------------------------------------------------------------------


def test_split_settings_follow_star_imports_in_order():
    sources = {
        "shop": "",
        "shop.settings": "",
        "shop.settings.base": BASE,
        "shop.settings.dev": "from .base import *\nDEBUG = True\nALLOWED_HOSTS = ['*']\n",
    }
    project, settings = settings_of(sources, "shop.settings.dev")
    assert settings.exists and settings.module == "shop.settings.dev"
    assert settings.value("DEBUG") == Const(True)
    debug = settings.get("DEBUG")
    assert (debug.module, debug.statement_index) == ("shop.settings.dev", 1)
    assert project.locations_of(debug.module).get(f"stmt:{debug.statement_index}").start.line == 1
    installed = settings.get("INSTALLED_APPS")
    assert installed.module == "shop.settings.base" and py(installed.value) == ["django.contrib.auth", "catalog"]
    assert py(settings.value("MIDDLEWARE")) == [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    assert "_PRIVATE" not in settings.names() and settings.get("_PRIVATE") is None
    assert {"DEBUG", "INSTALLED_APPS", "MIDDLEWARE", "DATABASES"} <= set(settings.names())
    assert ("module", "shop.settings.base") in settings.keys and ("module", "shop.settings.dev") in settings.keys
    assert settings.problems == ()


def test_base_evaluated_alone_is_unchanged_by_dev():
    sources = {"s.base": BASE, "s.dev": "from s.base import *\nINSTALLED_APPS.append('debug_toolbar')\n"}
    project = make_project(sources)
    assert py(evaluate_settings(project, "s.dev").value("INSTALLED_APPS"))[-1] == "debug_toolbar"
    assert py(evaluate_settings(project, "s.base").value("INSTALLED_APPS")) == ["django.contrib.auth", "catalog"]


def test_star_import_respects_all():
    sources = {"s.base": "__all__ = ['A']\nA = 1\nB = 2\n", "s.dev": "from .base import *\n"}
    _, settings = settings_of(sources, "s.dev")
    assert settings.value("A") == Const(1) and settings.get("B") is None


def test_explicit_import_of_a_setting_then_augmented():
    sources = {
        "s.base": BASE,
        "s.prod": "from s.base import INSTALLED_APPS\nINSTALLED_APPS += ['gunicorn']\nAPPS = INSTALLED_APPS\n",
    }
    _, settings = settings_of(sources, "s.prod")
    assert py(settings.value("INSTALLED_APPS")) == ["django.contrib.auth", "catalog", "gunicorn"]
    assert py(settings.value("APPS")) == ["django.contrib.auth", "catalog", "gunicorn"]


def test_qualified_reference_to_another_settings_module():
    sources = {"s.base": BASE, "s.dev": "from s import base\nMIDDLEWARE = base.MIDDLEWARE + ['x']\n", "s": ""}
    _, settings = settings_of(sources, "s.dev")
    assert py(settings.value("MIDDLEWARE"))[-1] == "x" and len(py(settings.value("MIDDLEWARE"))) == 3


# -- assignments and mutations --------------------------------------------------------------


def test_augassign_and_mutations():
    source = """
A = [1]
A += [2]
A.append(3)
A.extend([4, 5])
A.insert(0, 0)
A.remove(5)
T = ("a",)
T += ("b",)
L = ["a"]
L += ("b",)  # healthchecks: INSTALLED_APPS += ("scout_apm.django",): a list takes any iterable in place
D = {"x": 1}
D.update({"y": 2})
D |= {"z": 3}
D.setdefault("x", 99)
D.pop("y")
S = {"a"}
S |= {"b"}
N = 60 * 60 * 24 * 365
N2 = N + 1
TEXT = "a" + "b"
"""
    _, settings = settings_of({"s": source}, "s")
    assert py(settings.value("A")) == [0, 1, 2, 3, 4]
    assert py(settings.value("T")) == ("a", "b")
    assert py(settings.value("L")) == ["a", "b"]
    assert py(settings.value("D")) == {"x": 1, "z": 3}
    assert py(settings.value("S")) == {"a", "b"}
    assert settings.value("N") == Const(31536000) and settings.value("N2") == Const(31536001)
    assert settings.value("TEXT") == Const("ab")
    assert settings.get("A").statement_index == 5  # the last change: A.remove(5)


def test_subscript_assignment_with_path():
    sources = {
        "s.base": BASE,
        "s.test": 'from .base import *\nDATABASES["default"]["NAME"] = ":memory:"\nDATABASES["other"] = {}\n',
    }
    _, settings = settings_of(sources, "s.test")
    assert py(settings.value("DATABASES")) == {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        "other": {},
    }


def test_delete_and_unknown_targets():
    source = "A = 1\nB = 2\ndel A\nC = f()\nC.append(1)\nUNDEFINED.append(1)\nD = [x for x in y]\n"
    _, settings = settings_of({"s": source}, "s")
    assert settings.get("A") is None
    assert isinstance(settings.value("C"), Unknown)
    assert settings.get("UNDEFINED") is None
    assert isinstance(settings.value("D"), Unknown)


def test_spread_in_dict_literal_is_flattened():
    source = 'BASE = {"A": 1, "B": 2}\nREST_FRAMEWORK = {**BASE, "B": 3}\n'
    _, settings = settings_of({"s": source}, "s")
    assert py(settings.value("REST_FRAMEWORK")) == {"A": 1, "B": 3}


def test_runaway_growth_is_bounded():
    source = "X = [1, 2, 3, 4]\n" + "X = X + X\n" * 40
    start = time.perf_counter()
    _, settings = settings_of({"s": source}, "s")
    assert time.perf_counter() - start < 2
    assert isinstance(settings.value("X"), (Unknown, BinOp))


# -- conditionals -----------------------------------------------------------------------------


def test_conditional_new_name_and_maybe_overridden_name():
    source = """
import sys
DEBUG = False
if "test" in sys.argv:
    DEBUG = True
    NEW = 1
try:
    from .local import *
except ImportError:
    pass
if DEBUG:
    INSTALLED = []
"""
    _, settings = settings_of({"s.settings": source, "s": ""}, "s.settings")
    debug = settings.get("DEBUG")
    assert debug.value == Const(False) and debug.maybe_overridden and not debug.conditional
    assert not debug.certain
    new = settings.get("NEW")
    assert new.value == Const(1) and new.conditional and not new.maybe_overridden
    assert settings.problems == ()  # a missing optional local settings module is not a problem


def test_conditional_assignment_of_the_same_value_stays_certain():
    _, settings = settings_of({"s": "DEBUG = False\nif X:\n    DEBUG = False\n"}, "s")
    assert settings.get("DEBUG").certain


def test_conditional_star_import_of_local_settings():
    sources = {
        "s.base": BASE,
        "s.local": "DEBUG = True\nLOCAL_ONLY = 1\n",
        "s.dev": "from .base import *\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n",
    }
    _, settings = settings_of(sources, "s.dev")
    assert settings.get("DEBUG").maybe_overridden and settings.value("DEBUG") == Const(False)
    assert settings.get("LOCAL_ONLY").conditional
    assert settings.get("INSTALLED_APPS").certain


def test_conditional_key_change_marks_only_that_key():
    source = """
REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.BrowsableAPIRenderer"]
"""
    _, settings = settings_of({"s": source}, "s")
    setting = settings.get("REST_FRAMEWORK")
    assert setting.maybe_overridden and setting.uncertain_keys == {"DEFAULT_RENDERER_CLASSES"}
    assert setting.key_certain("DEFAULT_PERMISSION_CLASSES")
    drf = settings.rest_framework()
    assert py(drf["DEFAULT_PERMISSION_CLASSES"]) == ["rest_framework.permissions.IsAuthenticated"]
    assert isinstance(drf["DEFAULT_RENDERER_CLASSES"], Unknown)


def test_conditional_append_keeps_value_and_marks_it():
    _, settings = settings_of({"s": "APPS = ['a']\nif DEBUG:\n    APPS.append('debug_toolbar')\n"}, "s")
    apps = settings.get("APPS")
    assert py(apps.value) == ["a"] and apps.maybe_overridden


# -- environment ------------------------------------------------------------------------------

ENV_SETTINGS = """
import os
import environ
from decouple import config

env = environ.Env()
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-fallback")
PROD_KEY = os.environ["PROD_KEY"]
DB_NAME = os.getenv("DATABASE_NAME", "db.sqlite3")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
TEMPLATE_DEBUG = config("TEMPLATE_DEBUG", default="False", cast=bool)
PORT = env.int("PORT", default=8000)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")
NOT_IN_ENV = os.environ["NOWHERE"]
PLAIN = "x"
"""

DOTENV = (
    "DJANGO_SECRET_KEY=fake-secret-from-dotenv\n"
    "PROD_KEY='also-fake'\n"
    "DJANGO_DEBUG=true\n"
    "TEMPLATE_DEBUG=True\n"
    "PORT=9000\n"
    "DJANGO_ALLOWED_HOSTS=a.example.com,b.example.com\n"
)


def test_environment_reads_stay_env_values():
    _, settings = settings_of({"s": ENV_SETTINGS}, "s")
    secret = settings.get("SECRET_KEY")
    assert isinstance(secret.value, Env) and secret.value.var == "DJANGO_SECRET_KEY" and secret.from_env
    assert settings.value("PROD_KEY") == Env("PROD_KEY", None)
    assert settings.value("DEBUG") == Env("DJANGO_DEBUG", Const(False), "bool")
    assert settings.value("TEMPLATE_DEBUG") == Env("TEMPLATE_DEBUG", Const("False"), "bool")
    assert not settings.get("PLAIN").from_env
    assert settings.get("ALLOWED_HOSTS").from_env


def test_resolved_without_dotenv_uses_defaults():
    _, settings = settings_of({"s": ENV_SETTINGS}, "s")
    assert settings.resolved("SECRET_KEY").value == Const("django-insecure-fallback")
    assert settings.resolved("SECRET_KEY").from_env
    assert settings.resolved("DB_NAME").value == Const("db.sqlite3")
    assert settings.resolved("DEBUG").value == Const(False)
    assert settings.resolved("TEMPLATE_DEBUG").value == Const(False)  # decouple casts the default
    assert settings.resolved("PORT").value == Const(8000)
    assert py(settings.resolved("ALLOWED_HOSTS").value) == ["localhost"]
    assert isinstance(settings.resolved("PROD_KEY").value, Env)  # no default, no .env: unknown
    assert settings.resolved("PLAIN").value == Const("x") and not settings.resolved("PLAIN").from_env
    assert settings.resolved("MISSING") is None


def test_resolved_with_dotenv_from_text_files():
    env_path = Path("/virtual/project/.env")
    _, settings = settings_of(
        {"s": ENV_SETTINGS}, "s", env_files=(env_path,), text_files={str(env_path): DOTENV}
    )
    secret = settings.resolved("SECRET_KEY")
    assert secret.from_env and secret.value == Const("fake-secret-from-dotenv"), "SECRET_KEY not read from .env"
    assert settings.resolved("PROD_KEY").value == Const("also-fake"), "PROD_KEY not read from .env"
    assert settings.resolved("DEBUG").value == Const(True)
    assert settings.resolved("TEMPLATE_DEBUG").value == Const(True)
    assert settings.resolved("PORT").value == Const(9000)
    assert py(settings.resolved("ALLOWED_HOSTS").value) == ["a.example.com", "b.example.com"]
    assert isinstance(settings.resolved("NOT_IN_ENV").value, Env)
    assert settings.env_defined("DJANGO_SECRET_KEY") and not settings.env_defined("NOWHERE")
    # the unresolved value is still an Env: a value read from the environment is not hard-coded
    assert isinstance(settings.value("SECRET_KEY"), Env)
    assert ("file", str(env_path)) in settings.keys


def test_resolved_reads_dotenv_from_disk(tmp_path):
    env_path = tmp_path / ".env"
    env_path.write_text(DOTENV, encoding="utf-8")
    _, settings = settings_of({"s": ENV_SETTINGS}, "s", env_files=(env_path,), root=tmp_path)
    assert settings.resolved("PORT").value == Const(9000)
    assert settings.env_problems == ()


def test_unreadable_dotenv_is_a_problem_without_values(tmp_path):
    env_path = tmp_path / ".env"
    env_path.write_bytes(b"A=\xff\xfe\n")
    _, settings = settings_of({"s": ENV_SETTINGS}, "s", env_files=(env_path,), root=tmp_path)
    assert settings.resolved("PORT").value == Const(8000)
    assert len(settings.env_problems) == 1 and ".env" in settings.env_problems[0]


def test_secret_values_never_in_problems_or_repr():
    env_path = Path("/virtual/project/.env")
    sources = {"s": ENV_SETTINGS + "from .missing_star import *\n"}
    _, settings = settings_of(sources, "s", env_files=(env_path,), text_files={str(env_path): DOTENV})
    shown = repr(settings) + repr(settings.get("SECRET_KEY")) + repr(settings.resolved("SECRET_KEY"))
    shown += " ".join(settings.problems)
    assert "fake-secret" not in shown and "insecure-fallback" not in shown


# -- robustness -------------------------------------------------------------------------------


def test_cycle_of_star_imports_stops_with_a_problem():
    sources = {
        "s": "",
        "s.a": "from .b import *\nA = 1\n",
        "s.b": "from .a import *\nB = 2\n",
    }
    _, settings = settings_of(sources, "s.a")
    assert settings.value("A") == Const(1) and settings.value("B") == Const(2)
    assert any("circular star import" in p and "s.a -> s.b -> s.a" in p for p in settings.problems)


def test_self_star_import():
    _, settings = settings_of({"s": "from s import *\nA = 1\n"}, "s")
    assert settings.value("A") == Const(1) and any("circular" in p for p in settings.problems)


def test_missing_settings_module():
    project = make_project({"a": "X = 1"})
    settings = evaluate_settings(project, "nope.settings")
    assert not settings.exists and settings.names() == () and settings.get("X") is None
    assert settings.problems == ("settings module 'nope.settings' not found",)
    assert ("module", "nope.settings") in settings.keys
    # Nothing is known of a module that is not there: not even that a setting keeps its default.
    assert settings.incomplete
    assert isinstance(settings.rest_framework()["DEFAULT_PERMISSION_CLASSES"], Unknown)
    assert isinstance(settings.with_default("DEBUG").value, Unknown) and not settings.with_default("DEBUG").certain
    none = evaluate_settings(project, None)
    assert not none.exists and none.problems


def test_missing_star_import_in_the_project_is_a_problem():
    _, settings = settings_of({"s.dev": "from .base import *\nDEBUG = True\n", "s": ""}, "s.dev")
    assert settings.value("DEBUG") == Const(True)
    assert settings.problems == ("'s.dev' star-imports 's.base', which was not found",)


def test_deep_chain_of_star_imports():
    sources = {"s": ""}
    for index in range(60):
        sources[f"s.m{index}"] = f"from .m{index + 1} import *\nV{index} = {index}\n"
    _, settings = settings_of(sources, "s.m0")
    assert settings.value("V0") == Const(0)
    assert any("nested deeper" in p for p in settings.problems)


def test_model_memoises_and_records_keys():
    project = make_project({"s.base": BASE, "s.dev": "from .base import *\n", "s": ""}, "s.dev")
    from django_expert.analyzers.project.model import Recording

    with Recording() as keys:
        first = project.settings()
    assert project.settings() is first
    assert ("module", "s.base") in keys


# -- defaults ---------------------------------------------------------------------------------


def test_with_default_and_rest_framework_defaults():
    _, settings = settings_of({"s": "DEBUG = True\n"}, "s")
    assert settings.with_default("DEBUG").value == Const(True)
    default = settings.with_default("SESSION_COOKIE_SECURE")
    assert default.value == Const(False) and default.module == "django.conf.global_settings"
    assert default.statement_index == -1
    assert settings.with_default("X_FRAME_OPTIONS").value == Const("DENY")
    assert settings.with_default("NOT_A_SETTING") is None
    drf = settings.rest_framework()
    assert py(drf["DEFAULT_PERMISSION_CLASSES"]) == ["rest_framework.permissions.AllowAny"]
    assert py(drf["DEFAULT_AUTHENTICATION_CLASSES"]) == [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ]
    assert drf["DEFAULT_PAGINATION_CLASS"] == Const(None) and drf["PAGE_SIZE"] == Const(None)
    assert py(drf["DEFAULT_THROTTLE_CLASSES"]) == []


def test_rest_framework_merged_over_defaults():
    source = 'REST_FRAMEWORK = {"PAGE_SIZE": 25, "DEFAULT_PERMISSION_CLASSES": (IS_AUTH,)}\n'
    _, settings = settings_of({"s": "IS_AUTH = 'rest_framework.permissions.IsAuthenticated'\n" + source}, "s")
    drf = settings.rest_framework()
    assert drf["PAGE_SIZE"] == Const(25)
    assert py(drf["DEFAULT_PERMISSION_CLASSES"]) == ("rest_framework.permissions.IsAuthenticated",)
    assert py(drf["DEFAULT_AUTHENTICATION_CLASSES"])[0].endswith("SessionAuthentication")


@pytest.mark.parametrize(
    "source",
    [
        "REST_FRAMEWORK = build()\n",
        "if X:\n    REST_FRAMEWORK = {}\n",
        "REST_FRAMEWORK = {**other, 'PAGE_SIZE': 1}\n",
        "REST_FRAMEWORK = {}\nif X:\n    REST_FRAMEWORK.update({'A': 1})\n",
    ],
)
def test_rest_framework_unknown_when_uncertain(source):
    _, settings = settings_of({"s": source}, "s")
    assert isinstance(settings.rest_framework()["DEFAULT_PERMISSION_CLASSES"], Unknown)


def test_settings_from_global_settings_star_import():
    _, settings = settings_of({"s": "from django.conf.global_settings import *\nDEBUG = True\n"}, "s")
    assert settings.value("X_FRAME_OPTIONS") == Const("DENY") and settings.value("DEBUG") == Const(True)


def _python(value):
    if isinstance(value, tuple):
        return [_python(v) for v in value]
    if isinstance(value, list):
        return [_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _python(v) for k, v in value.items()}
    return value


def test_defaults_cover_django_global_settings():
    global_settings = pytest.importorskip("django.conf.global_settings")
    names = {name for name in dir(global_settings) if name.isupper()}
    assert names - set(DJANGO_DEFAULTS) == set(), "settings missing from the defaults table"
    assert set(DJANGO_DEFAULTS) - names == set(), "names in the table that Django does not have"
    for name in SECURITY_SETTINGS:
        assert _python(DJANGO_DEFAULTS[name]) == _python(getattr(global_settings, name)), name
    for name in ("LANGUAGES",):
        codes = [code for code, _ in getattr(global_settings, name)]
        assert [code for code, _ in DJANGO_DEFAULTS[name]] == codes


def test_drf_defaults_match_installed_drf():
    drf = pytest.importorskip("rest_framework.settings")
    for key in DRF_CHECKED:
        assert _python(DRF_DEFAULTS[key]) == _python(drf.DEFAULTS[key]), key


# -- the real workspaces -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop():
    if not (WORKSPACES / "shop" / "manage.py").is_file():
        pytest.skip("tests/workspaces/shop not written yet")
    [layout] = discover(WORKSPACES / "shop")
    return project_from_layout(layout)


def test_shop_dev_settings(shop):
    settings = shop.settings()
    assert settings.module == "shop.settings.dev" and settings.problems == ()
    assert settings.value("DEBUG") == Const(True)
    assert settings.get("DEBUG").module == "shop.settings.dev"
    assert py(settings.value("ALLOWED_HOSTS")) == ["*"]
    assert settings.get("INSTALLED_APPS").module == "shop.settings.base"
    assert "accounts.apps.AccountsConfig" in py(settings.value("INSTALLED_APPS"))
    drf = settings.rest_framework()
    assert py(drf["DEFAULT_PERMISSION_CLASSES"]) == ["rest_framework.permissions.AllowAny"]
    assert drf["PAGE_SIZE"] == Const(25)


def test_shop_prod_settings_read_the_environment(shop):
    settings = shop.settings("shop.settings.prod")
    assert settings.value("DEBUG") == Const(False)
    assert settings.value("SECRET_KEY") == Env("DJANGO_SECRET_KEY", None)
    secret = settings.resolved("SECRET_KEY")
    assert secret.from_env and isinstance(secret.value, Const), "SECRET_KEY not resolved from shop/.env"
    hosts = settings.resolved("ALLOWED_HOSTS")
    assert hosts.from_env and isinstance(hosts.value, Seq)
    assert settings.value("SESSION_COOKIE_SECURE") == Const(True)
    assert settings.get("CSRF_COOKIE_SECURE") is None
    assert settings.with_default("CSRF_COOKIE_SECURE").value == Const(False)
    assert settings.with_default("SECURE_HSTS_SECONDS").value == Const(0)


def test_shop_base_secret_key_has_a_hard_coded_fallback(shop):
    secret = shop.settings("shop.settings.base").get("SECRET_KEY")
    assert isinstance(secret.value, Env) and isinstance(secret.value.default, Const)
    location = shop.locations_of(secret.module).get(f"stmt:{secret.statement_index}")
    assert location.start.line == 6  # 0-based: base.py line 7


def test_shop_test_settings(shop):
    settings = shop.settings("shop.settings.test")
    assert py(settings.value("PASSWORD_HASHERS")) == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert isinstance(settings.value("DATABASES"), Mapping)


def test_blog_settings():
    if not (WORKSPACES / "blog" / "manage.py").is_file():
        pytest.skip("tests/workspaces/blog not written yet")
    [layout] = discover(WORKSPACES / "blog")
    settings = project_from_layout(layout).settings()
    assert settings.module == "config.settings"
    assert settings.value("AUTH_USER_MODEL") == Const("accounts.User")
    assert settings.value("SITE_ID") == Const(1)
    assert isinstance(settings.value("DEBUG"), (Unknown, BinOp, Ref)) or settings.get("DEBUG").from_env


def test_environ_instance_imported_from_base_settings():
    sources = {
        "config": "",
        "config.settings": "",
        "config.settings.base": "import environ\nenv = environ.Env()\nDEBUG = env.bool('DJANGO_DEBUG', False)\n",
        "config.settings.production": "from .base import *  # noqa\nfrom .base import env\n"
        "SECRET_KEY = env('DJANGO_SECRET_KEY')\nDEBUG = env.bool('DJANGO_DEBUG', default=False)\n"
        "HOSTS = env.list('DJANGO_ALLOWED_HOSTS', default=['example.com'])\nOTHER = env.unknown_method('X')\n",
    }
    _, settings = settings_of(sources, "config.settings.production")
    assert settings.value("SECRET_KEY") == Env("DJANGO_SECRET_KEY", None, None)
    assert settings.value("DEBUG") == Env("DJANGO_DEBUG", Const(False), "bool")
    assert settings.resolved("HOSTS").value == Seq("list", (Const("example.com"),))
    assert not isinstance(settings.value("OTHER"), Env)
    assert settings.problems == ()


# django.conf.settings adds the script prefix to these when they are read.
_PREFIXED = frozenset({"MEDIA_URL", "STATIC_URL"})

_RUNTIME = """
import json, os, sys
sys.path.insert(0, os.getcwd())
from django.conf import settings
names = [n for n in dir(settings) if n.isupper()]

def plain(value):
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return "<unrepresentable>"

print(json.dumps({n: plain(getattr(settings, n)) for n in names}))
"""


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("folder", "settings_module", "env"),
    [
        ("shop", "shop.settings.dev", {}),
        ("shop", "shop.settings.prod", {"DJANGO_SECRET_KEY": "runtime-only-fake"}),
        ("shop", "shop.settings.test", {}),
        ("blog", "config.settings", {}),
        ("multi/backend", "api_project.settings", {}),
        ("multi/legacy", "legacysite.settings", {}),
    ],
)
def test_settings_agree_with_django(tmp_path, folder, settings_module, env):
    """The oracle: every certain, constant setting (and every default) equals Django's value.
    Assertions compare booleans so that no value (some are fake secrets) is printed."""
    import json
    import os
    import shutil
    import subprocess
    import sys

    if not (WORKSPACES / folder / "manage.py").is_file():
        pytest.skip(f"tests/workspaces/{folder} not written yet")
    copy = tmp_path / "project"
    shutil.copytree(WORKSPACES / folder, copy, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", ".env"))
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    run_env.update(env, DJANGO_SETTINGS_MODULE=settings_module, PYTHONDONTWRITEBYTECODE="1")
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_NAME", "CELERY_BROKER_URL"):
        run_env.pop(name, None)
    output = subprocess.run(
        [sys.executable, "-c", _RUNTIME], cwd=copy, env=run_env, capture_output=True, text=True, timeout=120
    )
    assert output.returncode == 0, output.stderr[-2000:]
    runtime = json.loads(output.stdout)

    [layout] = discover(copy)
    settings = project_from_layout(layout).settings(settings_module)
    assert settings.problems == ()
    compared = 0
    for name in settings.names():
        setting = settings.get(name)
        if not setting.certain or setting.from_env or name in _PREFIXED:
            continue
        try:
            ours = _plain(literal(setting.value))
        except ValueError:
            continue  # Path arithmetic, calls: not constant
        same = ours == runtime.get(name)
        assert same, f"{name} differs from Django's value"
        compared += 1
    for name in runtime:
        if settings.get(name) is None and name in DJANGO_DEFAULTS and name not in _PREFIXED:
            same = _plain(DJANGO_DEFAULTS[name]) == runtime[name]
            assert same, f"default of {name} differs from Django's"
    assert compared >= 8
    # values read from the environment, resolved without a .env file, are the defaults Django used
    if not layout.env_files:
        for name in settings.names():
            setting = settings.resolved(name)
            if setting.from_env and setting.certain:
                try:
                    ours = _plain(literal(setting.value))
                except ValueError:
                    continue
                same = ours == runtime.get(name)
                assert same, f"{name} resolved from its default differs from Django's value"


# -- django-split-settings include() ----------------------------------------------------------

SPLIT = """
from split_settings.tools import include, optional
include("components/base.py", "components/[!b]*.py", optional("local_settings.py"), scope=globals())
"""


def test_split_settings_include_runs_components_in_one_namespace_in_order():
    sources = {
        "p": "",
        "p.settings": SPLIT,
        "p.settings.components": "",
        "p.settings.components.base": "DEBUG = False\nINSTALLED_APPS = ['django.contrib.auth']\n",
        "p.settings.components.zz_extra": "INSTALLED_APPS += ['catalog']\nFROM_EXTRA = DEBUG\n",
        "p.settings.components.apps": "INSTALLED_APPS += ['orders']\n",
    }
    _, settings = settings_of(sources, "p.settings")
    assert settings.problems == () and settings.unfollowed == ()
    assert py(settings.value("INSTALLED_APPS")) == ["django.contrib.auth", "orders", "catalog"]  # glob sorted
    assert settings.get("FROM_EXTRA").value == Const(False) and settings.get("FROM_EXTRA").certain
    assert settings.get("INSTALLED_APPS").module == "p.settings.components.zz_extra"


def test_split_settings_optional_file_present_and_required_file_missing():
    sources = {
        "p": "",
        "p.settings": SPLIT + "include('missing.py')\n",
        "p.settings.components": "",
        "p.settings.components.base": "DEBUG = False\n",
        "p.settings.local_settings": "DEBUG = True\n",
    }
    _, settings = settings_of(sources, "p.settings")
    assert settings.value("DEBUG") == Const(True)
    assert settings.problems == ("'p.settings' includes 'missing.py', which was not found",)


def test_split_settings_nested_include_is_relative_to_the_included_file_and_once_only():
    sources = {
        "p": "",
        "p.settings": "from split_settings.tools import include\ninclude('parts/entry.py', 'parts/leaf.py')\n",
        "p.settings.parts": "",
        "p.settings.parts.entry": "from split_settings.tools import include\nX = []\ninclude('leaf.py')\n",
        "p.settings.parts.leaf": "X += [1]\n",
    }
    _, settings = settings_of(sources, "p.settings")
    assert py(settings.value("X")) == [1]


def test_split_settings_include_of_an_expression_is_unfollowed():
    _, settings = settings_of({"p": "", "p.settings": "from split_settings.tools import include\ninclude(NAME)\n"},
                              "p.settings")
    assert settings.unfollowed == ("'p.settings' includes a settings file named by an expression",)


# -- django-environ ---------------------------------------------------------------------------

ENVIRON = """
import environ
env = environ.Env(DEBUG=(bool, False), ALLOWED_HOSTS=(list, ["a.example"]), PORT=int)
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
PORT = env("PORT", default=80)
TIMEOUT = env.int("TIMEOUT", default=5)
DATABASES = {"default": env.db(default="sqlite:////tmp/db.sqlite3")}
OTHER = env.db_url("OTHER_URL", default="postgres://u@h/n")
"""


def test_environ_schema_defaults_and_typed_reads_for_an_unset_environment():
    _, settings = settings_of({"s": ENVIRON}, "s")
    assert settings.value("DEBUG") == Env("DEBUG", Const(False), "bool")
    assert settings.fresh("DEBUG") == Const(False)
    assert py(settings.fresh("ALLOWED_HOSTS")) == ["a.example"]
    assert settings.value("PORT") == Env("PORT", Const(80), "int")
    assert settings.fresh("TIMEOUT") == Const(5)
    default = settings.fresh("DATABASES").get("default")
    assert py(default) == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"}
    assert py(settings.fresh("OTHER")) == {"ENGINE": "django.db.backends.postgresql"}


def test_read_env_makes_the_env_file_count_for_a_fresh_deployment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("FEATURE=1\n")
    source = "import environ\nenv = environ.Env()\nenviron.Env.read_env()\nif env.bool('FEATURE', default=False):\n    X = 1\n"
    _, settings = settings_of({"s": source}, "s", env_files=(env_file,))
    assert settings.reads_dotenv and settings.value("X") == Const(1) and settings.get("X").certain
    _, unread = settings_of({"s": source.replace("environ.Env.read_env()\n", "")}, "s", env_files=(env_file,))
    assert unread.get("X") is None


# -- the branch a fresh deployment takes --------------------------------------------------------


def test_branches_are_decided_with_the_environment_unset():
    source = """
import os
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
if os.environ.get("PRODUCTION"):
    SECURE_SSL_REDIRECT = True
else:
    SECURE_SSL_REDIRECT = False
if os.getenv("MODE", "dev") == "dev" and not os.getenv("CI"):
    MODE_DEV = True
if os.environ["REQUIRED"]:
    REQUIRED_SET = True
"""
    _, settings = settings_of({"s": source}, "s")
    assert settings.get("DEBUG").from_env and settings.fresh("DEBUG") == Const(False)
    ssl = settings.get("SECURE_SSL_REDIRECT")
    assert ssl.value == Const(False) and ssl.certain
    assert settings.get("MODE_DEV").certain
    assert settings.get("REQUIRED_SET").conditional  # a required variable: cannot say


def test_branch_on_a_setting_read_from_the_environment():
    source = """
import environ
env = environ.Env(DEBUG=(bool, False))
DEBUG = env("DEBUG")
INSTALLED_APPS = ["django.contrib.admin"]
if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]
"""
    _, settings = settings_of({"s": source}, "s")
    assert py(settings.value("INSTALLED_APPS")) == ["django.contrib.admin"]
    assert settings.get("INSTALLED_APPS").certain


# -- lists partly known -------------------------------------------------------------------------


def test_lists_extended_from_what_cannot_be_followed_keep_their_known_entries():
    source = """
from plugins import discover
INSTALLED_APPS = ["django.contrib.auth"]
INSTALLED_APPS += discover()
MIDDLEWARE = ["a.A"]
for name in PLUGINS:
    MIDDLEWARE.append(name)
for name in PLUGINS:
    MIDDLEWARE.append(name)
EXTENDED = ["x"]
EXTENDED.extend(discover())
PREPENDED = discover() + ["y"]
"""
    _, settings = settings_of({"s": source}, "s")
    apps = settings.value("INSTALLED_APPS")
    assert apps.items[0] == Const("django.contrib.auth") and isinstance(apps.items[1], Unknown)
    middleware = settings.get("MIDDLEWARE")
    assert len(middleware.value.items) == 2 and not middleware.maybe_overridden  # one marker only
    assert isinstance(settings.value("EXTENDED").items[-1], Unknown)
    assert isinstance(settings.value("PREPENDED").items[0], Unknown)
    assert set(settings.partly_unknown()) == {"INSTALLED_APPS", "MIDDLEWARE", "EXTENDED", "PREPENDED"}


def test_conditional_additions_are_recorded_across_modules():
    sources = {
        "s.base": "import sys\nMIDDLEWARE = ['a.A']\nif 'test' in sys.argv:\n    MIDDLEWARE.append('b.B')\n",
        "s.dev": "from .base import *\nimport sys\nif 'x' in sys.argv:\n    MIDDLEWARE += ['c.C']\n",
    }
    _, settings = settings_of(sources, "s.dev")
    assert settings.conditional_additions("MIDDLEWARE") == frozenset({"b.B", "c.C"})
    assert settings.conditional_additions("OTHER") == frozenset()
    _, changed = settings_of({"s": "import sys\nM = ['a']\nif 'x' in sys.argv:\n    M.remove('a')\n"}, "s")
    assert changed.conditional_additions("M") is None


def test_an_include_not_followed_makes_unassigned_settings_unknown():
    sources = {"p": "", "p.settings": "from split_settings.tools import include\nDEBUG = False\ninclude(PARTS)\n"}
    _, settings = settings_of(sources, "p.settings")
    assert settings.incomplete and settings.value("DEBUG") == Const(False)
    assert isinstance(settings.with_default("ALLOWED_HOSTS").value, Unknown)
    assert isinstance(settings.rest_framework()["DEFAULT_PERMISSION_CLASSES"], Unknown)
    _, complete = settings_of({"s": "DEBUG = False\n"}, "s")
    assert not complete.incomplete and complete.with_default("ALLOWED_HOSTS").value == Seq("list", ())


def test_starred_lists_are_spliced_and_unknown_ones_marked():
    source = """
import os
from plugins import more
DJANGO_APPS = ["django.contrib.auth"]
LOCAL_APPS = ("catalog",)
INSTALLED_APPS = [*DJANGO_APPS, *LOCAL_APPS, "orders"]
MIDDLEWARE = ["a.A", *more(), *more()]
ALLOWED_HOSTS = ["x", *os.environ.get("HOSTS", "y,z").split(",")]
"""
    _, settings = settings_of({"s": source}, "s")
    assert py(settings.value("INSTALLED_APPS")) == ["django.contrib.auth", "catalog", "orders"]
    middleware = settings.value("MIDDLEWARE")
    assert middleware.items[0] == Const("a.A") and len(middleware.items) == 2 and isinstance(middleware.items[1], Unknown)
    assert py(settings.fresh("ALLOWED_HOSTS")) == ["x", "y", "z"]


def test_split_settings_include_of_a_file_whose_name_is_not_a_module(tmp_path):
    """DefectDojo: `include("settings.dist.py", optional("local_settings.py"))`, whose
    settings read django-environ's FileAwareEnv with schema defaults."""
    from django_expert.analyzers.engine import load_projects

    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo.settings.settings")\n',
        "dojo/__init__.py": "",
        "dojo/settings/__init__.py": "",
        "dojo/settings/settings.py": (
            "from split_settings.tools import include, optional\n\n"
            'include("settings.dist.py", optional("local_settings.py"))\n'),
        "dojo/settings/settings.dist.py": (
            "import environ\n\n"
            "env = environ.FileAwareEnv(DD_DEBUG=(bool, False), DD_ALLOWED_HOSTS=(list, ['localhost']))\n"
            'DEBUG = env("DD_DEBUG")\n'
            'ALLOWED_HOSTS = env("DD_ALLOWED_HOSTS")\n'
            'ROOT_URLCONF = "dojo.urls"\n'),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    [project] = load_projects(tmp_path)
    settings = project.settings()
    assert settings.resolved("DEBUG").value == Const(False)
    assert settings.resolved("ROOT_URLCONF").value == Const("dojo.urls")
    assert settings.resolved("ALLOWED_HOSTS").value == Seq("list", (Const("localhost"),))
    assert not settings.incomplete  # the include was followed


def test_a_settings_module_handing_its_namespace_to_a_function_is_not_followed(tmp_path):
    """DefectDojo: `_populate_notifications_settings(env, globals())` sets settings the
    analyser cannot see; they are unknown, not unset (DJE112 stays silent on them)."""
    from django_expert.analyzers.engine import load_projects

    (tmp_path / "site").mkdir()
    (tmp_path / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n')
    (tmp_path / "site" / "__init__.py").write_text("")
    (tmp_path / "site" / "settings.py").write_text(
        "from site.notify import populate\n\nDEBUG = False\npopulate(None, globals())\n")
    [project] = load_projects(tmp_path)
    settings = project.settings()
    assert settings.incomplete
    assert any("hands its namespace to `populate()`" in line for line in settings.unfollowed)
    assert settings.resolved("DEBUG").value == Const(False)
