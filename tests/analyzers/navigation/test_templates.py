"""Template folders from TEMPLATES, and which names certainly name no template."""

from __future__ import annotations

from tests.analyzers.rules.helpers import engine_for

from django_expert.analyzers.navigation.templates import template_index


def test_shop_folders_and_names(shop):
    index = template_index(shop)
    root = shop.layout.root
    assert index.dirs[0] == root / "templates"  # DIRS = [BASE_DIR / "templates"]
    assert root / "catalog" / "templates" in index.dirs  # APP_DIRS
    assert {"base.html", "catalog/product_list.html"} <= set(index.names())
    assert index.find("catalog/product_list.html") == root / "catalog" / "templates" / "catalog" / "product_list.html"
    assert index.certainly_missing("catalog/product_lst.html")
    assert not index.certainly_missing("base.html")


def _project(tmp_path, templates: str, apps: str = '"app"'):
    engine, root = engine_for(tmp_path, {
        "config/settings.py": f'import os\nSECRET_KEY = "x"\nINSTALLED_APPS = [{apps}]\nTEMPLATES = {templates}\n',
        "app/templates/app/page.html": "",
        "site_templates/home.html": "",
    })
    return template_index(engine.projects[0].model), root


def test_dirs_with_os_path_join(tmp_path):
    index, root = _project(tmp_path, '[{"BACKEND": "django.template.backends.django.DjangoTemplates", '
                                     '"DIRS": [os.path.join(BASE_DIR, "site_templates")]}]')
    assert index.dirs == [root / "site_templates"]
    assert index.certainly_missing("app/page.html")  # APP_DIRS is off


def test_unknown_loaders_and_unseen_apps_are_open(tmp_path):
    custom = ('[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], '
              '"OPTIONS": {"loaders": ["dbtemplates.loader.Loader"]}}]')
    index, _ = _project(tmp_path / "a", custom)
    assert index.open and not index.certainly_missing("anything.html")
    app_dirs = '[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]'
    index, _ = _project(tmp_path / "b", app_dirs, apps='"app", "allauth.account"')
    assert not index.certainly_missing("account/login.html")  # the library may ship it
    assert index.certainly_missing("app/nope.html")  # the project's own app folder is known
