"""INSTALLED_APPS resolution: modules, labels and AppConfig classes, like Django does."""

from __future__ import annotations

from pathlib import Path

import pytest
from settings_helpers import ROOT, WORKSPACES, make_project, project_from_layout

from django_expert.analyzers.project.apps import AppInfo, installed_apps
from django_expert.analyzers.project.discovery import discover

CONFIG = "from django.apps import AppConfig\n\n"


def apps_of(sources, settings="proj.settings"):
    project = make_project({"proj": "", **sources}, settings)
    return {app.entry: app for app in installed_apps(project, settings)}, project


def test_plain_module_entry():
    apps, _ = apps_of({"proj.settings": "INSTALLED_APPS = ['catalog']", "catalog": "", "catalog.models": ""})
    assert apps["catalog"] == AppInfo("catalog", "catalog", "catalog", None, True, ROOT / "catalog")


def test_single_config_in_apps_module_is_used_automatically():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['posts']",
        "posts": "",
        "posts.apps": CONFIG + "class PostsConfig(AppConfig):\n    name = 'posts'\n    label = 'blog_posts'\n"
        "    default_auto_field = 'django.db.models.BigAutoField'\n",
    }
    apps, _ = apps_of(sources)
    app = apps["posts"]
    assert (app.name, app.label, app.config_class) == ("posts", "blog_posts", "posts.apps.PostsConfig")
    assert app.default_auto_field == "django.db.models.BigAutoField" and app.resolved is True


def test_several_configs_use_the_default_one():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['shop', 'plain']",
        "shop": "",
        "shop.apps": CONFIG
        + "class A(AppConfig):\n    name = 'shop'\n    label = 'a'\n"
        + "class B(AppConfig):\n    name = 'shop'\n    label = 'b'\n    default = True\n",
        "plain": "",
        "plain.apps": CONFIG
        + "class A(AppConfig):\n    name = 'plain'\n    label = 'a'\n"
        + "class B(AppConfig):\n    name = 'plain'\n    label = 'b'\n",
    }
    apps, _ = apps_of(sources)
    assert apps["shop"].config_class == "shop.apps.B" and apps["shop"].label == "b"
    assert apps["plain"].config_class is None and apps["plain"].label == "plain"


def test_config_marked_not_default_is_skipped():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['x']",
        "x": "",
        "x.apps": CONFIG + "class XConfig(AppConfig):\n    name = 'x'\n    label = 'xx'\n    default = False\n",
    }
    apps, _ = apps_of(sources)
    assert apps["x"].config_class is None and apps["x"].label == "x"


def test_config_class_entry_and_inherited_attributes():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['accounts.apps.AccountsConfig', 'accounts.apps.Missing']",
        "accounts": "",
        "accounts.apps": CONFIG
        + "class Base(AppConfig):\n    default_auto_field = 'django.db.models.BigAutoField'\n"
        + "class AccountsConfig(Base):\n    name = 'accounts'\n",
    }
    apps, _ = apps_of(sources)
    app = apps["accounts.apps.AccountsConfig"]
    assert (app.name, app.label, app.config_class) == ("accounts", "accounts", "accounts.apps.AccountsConfig")
    assert app.default_auto_field == "django.db.models.BigAutoField" and app.path == ROOT / "accounts"
    missing = apps["accounts.apps.Missing"]
    assert missing.resolved is False and missing.config_class is None


def test_nested_app_name_and_label_default():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['apps.billing.apps.BillingConfig']",
        "apps": "",
        "apps.billing": "",
        "apps.billing.apps": CONFIG + "class BillingConfig(AppConfig):\n    name = 'apps.billing'\n",
    }
    apps, _ = apps_of(sources)
    app = apps["apps.billing.apps.BillingConfig"]
    assert (app.name, app.label, app.resolved) == ("apps.billing", "billing", True)


def test_contrib_and_library_apps_without_their_source():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.admin.apps.SimpleAdminConfig',"
        " 'django.contrib.contenttypes', 'rest_framework', 'rest_framework.authtoken']",
    }
    apps, _ = apps_of(sources)
    auth = apps["django.contrib.auth"]
    assert (auth.name, auth.label, auth.resolved) == ("django.contrib.auth", "auth", None)
    assert auth.config_class == "django.contrib.auth.apps.AuthConfig"
    admin = apps["django.contrib.admin.apps.SimpleAdminConfig"]
    assert (admin.name, admin.label, admin.resolved) == ("django.contrib.admin", "admin", None)
    assert apps["django.contrib.contenttypes"].label == "contenttypes"
    assert (apps["rest_framework"].label, apps["rest_framework"].resolved) == ("rest_framework", None)
    assert apps["rest_framework.authtoken"].label == "authtoken"


def test_contrib_resolved_when_indexed():
    sources = {
        "proj.settings": "INSTALLED_APPS = ['django.contrib.auth']",
        "django": "",
        "django.contrib": "",
        "django.contrib.auth": "",
        "django.contrib.auth.apps": CONFIG
        + "class AuthConfig(AppConfig):\n    default_auto_field = 'django.db.models.AutoField'\n"
        + "    name = 'django.contrib.auth'\n    verbose_name = 'Authentication and Authorization'\n",
    }
    apps, _ = apps_of(sources)
    auth = apps["django.contrib.auth"]
    assert (auth.label, auth.resolved, auth.config_class) == ("auth", True, "django.contrib.auth.apps.AuthConfig")


def test_missing_project_app_is_unresolved(tmp_path):
    (tmp_path / "ghost").mkdir()  # the folder exists but holds no module
    project = make_project(
        {"proj": "", "proj.settings": "INSTALLED_APPS = ['ghost', 'proj.nothing', 'some_library']"},
        "proj.settings",
        root=tmp_path,
    )
    apps = {app.entry: app for app in installed_apps(project, "proj.settings")}
    assert apps["proj.nothing"].resolved is False
    assert apps["some_library"].resolved is None


def test_installed_apps_built_from_parts_and_split_settings():
    sources = {
        "proj.base": "DJANGO_APPS = ['django.contrib.auth']\nLOCAL_APPS = ['shop']\n"
        "INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS\n",
        "proj.settings": "from .base import *\nINSTALLED_APPS += ['debug_toolbar']\n",
        "shop": "",
    }
    apps, _ = apps_of(sources)
    assert list(apps) == ["django.contrib.auth", "shop", "debug_toolbar"]


def test_unreadable_installed_apps_and_missing_settings():
    apps, _ = apps_of({"proj.settings": "INSTALLED_APPS = get_apps()"})
    assert apps == {}
    project = make_project({"a": ""}, "nope")
    assert installed_apps(project, "nope") == ()
    assert project.apps() == ()


def test_project_model_apps_and_app_for_module():
    sources = {"proj.settings": "INSTALLED_APPS = ['shop', 'shop.sub']", "shop": "", "shop.sub": "", "shop.sub.x": ""}
    project = make_project({"proj": "", **sources}, "proj.settings")
    assert [a.label for a in project.apps()] == ["shop", "sub"]
    assert project.app_for_module("shop.sub.x").name == "shop.sub"
    assert project.app_for_module("shop.views").name == "shop"


def test_contrib_default_auto_fields_match_django():
    pytest.importorskip("django")
    import importlib

    project = make_project({"proj": "", "proj.settings": "INSTALLED_APPS = []"}, "proj.settings")
    from django_expert.analyzers.project.apps import _CONTRIB_CONFIGS, _Resolver

    resolver = _Resolver(project)
    for config_path in _CONTRIB_CONFIGS:
        module_name, _, class_name = config_path.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - gis/postgres need system libraries
            continue
        config = getattr(module, class_name)
        info = resolver.app(config_path)
        from django.apps import AppConfig

        own = [klass.__dict__ for klass in config.__mro__ if issubclass(klass, AppConfig) and klass is not AppConfig]
        label = next((d["label"] for d in own if "label" in d), config.name.rpartition(".")[2])
        auto_field = next((d["default_auto_field"] for d in own if "default_auto_field" in d), None)
        assert (info.name, info.label) == (config.name, label), config_path
        assert info.default_auto_field == auto_field, config_path


# -- the real workspaces -----------------------------------------------------------------------


def _workspace(name: str):
    if not (WORKSPACES / name / "manage.py").is_file():
        pytest.skip(f"tests/workspaces/{name} not written yet")
    [layout] = discover(WORKSPACES / name)
    return project_from_layout(layout)


def test_shop_apps():
    project = _workspace("shop")
    apps = project.apps()
    assert [a.label for a in apps] == [
        "admin", "auth", "contenttypes", "sessions", "messages", "staticfiles",
        "rest_framework", "core", "catalog", "orders", "accounts",
    ]
    by_label = {a.label: a for a in apps}
    assert by_label["catalog"].config_class == "catalog.apps.CatalogConfig"
    assert by_label["catalog"].path == WORKSPACES / "shop" / "catalog"
    assert by_label["accounts"].config_class == "accounts.apps.AccountsConfig"
    assert all(by_label[label].resolved is True for label in ("core", "catalog", "orders", "accounts"))
    assert by_label["auth"].resolved is None and by_label["rest_framework"].resolved is None
    assert project.app_for_module("orders.models.order").label == "orders"


def test_blog_apps():
    project = _workspace("blog")
    by_label = {a.label: a for a in project.apps()}
    assert {"sites", "flatpages", "redirects", "accounts", "blog_posts"} <= set(by_label)
    posts = by_label["blog_posts"]
    assert posts.name == "posts" and posts.config_class == "posts.apps.PostsConfig"
    assert posts.default_auto_field == "django.db.models.BigAutoField"
    assert by_label["accounts"].config_class == "accounts.apps.AccountsConfig"
    assert Path(posts.path).name == "posts"


@pytest.mark.parametrize(
    ("folder", "settings_module"),
    [("shop", "shop.settings.dev"), ("blog", "config.settings"), ("multi/backend", "api_project.settings"),
     ("multi/legacy", "legacysite.settings")],
)
def test_apps_agree_with_django(tmp_path, folder, settings_module):
    """The oracle: Django itself (in a subprocess, on a copy) reports the same apps."""
    import importlib.util
    import shutil

    if not (WORKSPACES / folder / "manage.py").is_file():
        pytest.skip(f"tests/workspaces/{folder} not written yet")
    runner_path = WORKSPACES.parent / "oracle" / "runner.py"
    spec = importlib.util.spec_from_file_location("oracle_runner_for_apps", runner_path)
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    copy = tmp_path / "project"
    shutil.copytree(WORKSPACES / folder, copy, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    truth = runner.dump(copy, settings_module, app_labels=None)["apps"]

    [layout] = discover(copy)
    project = project_from_layout(layout)
    ours = {app.label: app for app in installed_apps(project, settings_module)}
    assert list(ours) == list(truth)
    for label, app in ours.items():
        assert app.name == truth[label]["name"], label
        expected_config = truth[label]["config_class"]
        if app.resolved is None and app.config_class is None:
            continue  # a library that is not indexed: its AppConfig is unknown, not wrong
        if expected_config == "django.apps.config.AppConfig":
            assert app.config_class is None, label
        else:
            assert app.config_class == expected_config, label
        if app.resolved:
            assert Path(app.path).resolve() == Path(truth[label]["path"]).resolve(), label
