"""Discovery: project roots, settings modules and their provenance, split settings,
production settings, .env files and library roots, on temporary trees and the fixtures."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from settings_helpers import WORKSPACES

from django_expert.analyzers.project.discovery import discover, is_production_name, project_for

MANAGE = """#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""
WSGI = 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")\napplication = get_wsgi_application()\n'


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def startproject(root: Path, package: str = "mysite", settings: str | None = None) -> Path:
    """A tree like `django-admin startproject` makes."""
    return write(root, {
        "manage.py": MANAGE.format(module=settings or f"{package}.settings"),
        f"{package}/__init__.py": "",
        f"{package}/settings.py": "DEBUG = True\n",
        f"{package}/urls.py": "urlpatterns = []\n",
        f"{package}/wsgi.py": WSGI.format(module=f"{package}.settings"),
        f"{package}/asgi.py": WSGI.format(module=f"{package}.settings"),
    })


# -- settings module and provenance ----------------------------------------------------------


def test_manage_py_setdefault(tmp_path):
    startproject(tmp_path)
    [layout] = discover(tmp_path)
    assert layout.root == tmp_path.resolve() and layout.manage_py == tmp_path.resolve() / "manage.py"
    assert layout.settings_module == "mysite.settings"
    assert layout.provenance["settings_module"] == "manage.py"
    assert layout.source_roots == (tmp_path.resolve(),)
    assert layout.settings_modules == ("mysite.settings",)
    # named by wsgi/asgi and nothing says dev/test: that module is deployed
    assert layout.production_settings == ("mysite.settings",)
    assert layout.provenance["production:mysite.settings"] == "mysite/wsgi.py, mysite/asgi.py"
    assert layout.problems == () and layout.name == tmp_path.resolve().name


def test_environ_subscript_assignment_in_manage_py(tmp_path):
    write(tmp_path, {
        "manage.py": 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "conf.settings"\n',
        "conf/__init__.py": "",
        "conf/settings.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.settings_module == "conf.settings"


def test_configuration_override_wins(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {"mysite/settings_ci.py": "from .settings import *\n"})
    [layout] = discover(tmp_path, settings_override="mysite.settings_ci")
    assert layout.settings_module == "mysite.settings_ci"
    assert layout.provenance["settings_module"] == "configuration"
    assert set(layout.settings_modules) == {"mysite.settings_ci", "mysite.settings"}
    assert layout.settings_modules[0] == "mysite.settings_ci"


def test_override_that_does_not_exist_falls_back_with_a_problem(tmp_path):
    startproject(tmp_path)
    [layout] = discover(tmp_path, settings_override="nowhere.settings")
    assert layout.settings_module == "mysite.settings"
    assert "settings module 'nowhere.settings' (from configuration) not found" in layout.problems


def test_pyproject_pytest_options_without_manage_py(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "app.settings"\n',
        "app/__init__.py": "",
        "app/settings.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.settings_module == "app.settings" and layout.manage_py is None
    assert layout.provenance["settings_module"] == "pyproject.toml [tool.pytest.ini_options]"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = app.settings\n", "pytest.ini [pytest]"),
        ("setup.cfg", "[metadata]\nname = x\n[tool:pytest]\nDJANGO_SETTINGS_MODULE=app.settings\n", "setup.cfg [tool:pytest]"),
        ("tox.ini", "[tox]\nenvlist = py311\n[pytest]\naddopts = -q --ds=app.settings\n", "tox.ini [pytest]"),
    ],
)
def test_ini_style_pytest_configuration(tmp_path, name, text, where):
    write(tmp_path, {name: text, "app/__init__.py": "", "app/settings.py": ""})
    [layout] = discover(tmp_path)
    assert (layout.settings_module, layout.provenance["settings_module"]) == ("app.settings", where)


def test_manage_py_beats_pytest_configuration(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {
        "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings_test\n",
        "mysite/settings_test.py": "from .settings import *\n",
    })
    [layout] = discover(tmp_path)
    assert layout.settings_module == "mysite.settings"
    assert "mysite.settings_test" in layout.settings_modules
    assert "mysite.settings_test" not in layout.production_settings


def test_manage_py_without_settings_falls_back_to_pytest_then_wsgi(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {"manage.py": "import sys\nprint(sys.argv)\n"})
    [layout] = discover(tmp_path)
    assert layout.settings_module == "mysite.settings"
    assert layout.provenance["settings_module"] == "mysite/wsgi.py"
    assert "manage.py: does not set DJANGO_SETTINGS_MODULE" in layout.problems


def test_manage_py_naming_a_missing_module(tmp_path):
    write(tmp_path, {"manage.py": MANAGE.format(module="gone.settings")})
    [layout] = discover(tmp_path)
    assert layout.settings_module == "gone.settings"
    assert layout.problems == ("settings module 'gone.settings' (from manage.py) not found",)


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02binary\xff\xfe", b"def broken(:\n", "# -*- coding: klingon -*-\n".encode(), b"\xef\xbb\xbfx = (\n"],
)
def test_unreadable_manage_py_is_a_one_line_problem(tmp_path, content):
    startproject(tmp_path)
    write(tmp_path, {"manage.py": content})
    [layout] = discover(tmp_path)
    assert layout.settings_module == "mysite.settings"  # from wsgi.py
    assert len(layout.problems) == 1 and layout.problems[0].startswith("manage.py: ")
    assert "\n" not in layout.problems[0]


def test_manage_py_unreadable_by_permissions(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    startproject(tmp_path)
    (tmp_path / "manage.py").chmod(0)
    try:
        [layout] = discover(tmp_path)
    finally:
        (tmp_path / "manage.py").chmod(0o644)
    assert layout.problems and layout.problems[0].startswith("manage.py: cannot read")


def test_broken_pyproject_is_a_problem_not_a_crash(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {"pyproject.toml": "[tool.pytest.ini_options\nDJANGO = 1", "manage.py": "x = 1\n"})
    [layout] = discover(tmp_path)
    assert any(p.startswith("pyproject.toml: not valid TOML") for p in layout.problems)
    assert layout.settings_module == "mysite.settings"


def test_no_settings_anywhere(tmp_path):
    write(tmp_path, {"manage.py": "print('hello')\n"})
    [layout] = discover(tmp_path)
    assert layout.settings_module is None and layout.settings_modules == ()
    assert layout.problems == ("manage.py: does not set DJANGO_SETTINGS_MODULE",)


# -- several projects, layouts ----------------------------------------------------------------


def test_two_projects_in_one_workspace(tmp_path):
    startproject(tmp_path / "backend", "api")
    startproject(tmp_path / "legacy", "legacysite")
    layouts = discover(tmp_path)
    assert [(l.name, l.settings_module) for l in layouts] == [("backend", "api.settings"), ("legacy", "legacysite.settings")]
    root = tmp_path.resolve()
    assert project_for(layouts, root / "backend" / "api" / "urls.py").name == "backend"
    assert project_for(layouts, root / "README.md") is None


def test_nested_manage_py_and_deepest_root(tmp_path):
    startproject(tmp_path, "outer")
    startproject(tmp_path / "examples" / "demo", "demo")
    layouts = discover(tmp_path)
    assert len(layouts) == 2
    root = tmp_path.resolve()
    assert project_for(layouts, root / "examples" / "demo" / "demo" / "urls.py").settings_module == "demo.settings"
    assert project_for(layouts, root / "outer" / "urls.py").settings_module == "outer.settings"


def test_duplicate_project_names_are_made_unique(tmp_path):
    startproject(tmp_path / "a" / "site", "one")
    startproject(tmp_path / "b" / "site", "two")
    assert sorted(l.name for l in discover(tmp_path)) == ["a/site", "b/site"]


def test_src_layout(tmp_path):
    write(tmp_path, {
        "manage.py": MANAGE.format(module="proj.settings"),
        "src/proj/__init__.py": "",
        "src/proj/settings.py": "",
        "src/proj/wsgi.py": WSGI.format(module="proj.settings"),
    })
    [layout] = discover(tmp_path)
    root = tmp_path.resolve()
    assert layout.source_roots == (root, root / "src")
    assert layout.settings_module == "proj.settings" and layout.problems == ()
    assert layout.module_name(root / "src" / "proj" / "settings.py") == ("proj.settings", False)
    assert layout.production_settings == ("proj.settings",)


def test_project_without_manage_py_from_settings_urls_wsgi(tmp_path):
    write(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": "",
        "site/urls.py": "",
        "site/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    })
    [layout] = discover(tmp_path)
    assert layout.root == tmp_path.resolve() and layout.manage_py is None
    assert layout.settings_module == "site.settings"


def test_split_settings_and_production_detection(tmp_path):
    write(tmp_path, {
        "manage.py": MANAGE.format(module="proj.settings.dev"),
        "proj/__init__.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": "DEBUG = False\n",
        "proj/settings/dev.py": "from .base import *\n",
        "proj/settings/production.py": "from .base import *\n",
        "proj/settings/ci.py": "from proj.settings.base import *\n",
        "proj/settings/helpers.py": "def f(): pass\n",
        "proj/wsgi.py": WSGI.format(module="proj.settings.production"),
        "proj/asgi.py": WSGI.format(module="proj.settings.dev"),
        "proj/settings_live.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.settings_module == "proj.settings.dev"
    assert layout.settings_modules[0] == "proj.settings.dev"
    assert set(layout.settings_modules) == {
        "proj.settings.dev", "proj.settings.base", "proj.settings.production", "proj.settings.ci", "proj.settings_live",
    }
    assert set(layout.production_settings) == {"proj.settings.production", "proj.settings_live"}
    assert layout.provenance["production:proj.settings.production"] == "proj/wsgi.py"


def test_a_base_behind_a_production_module_is_not_production(tmp_path):
    """wsgi.py's default is the base that production.py extends: deployments set production."""
    write(tmp_path, {
        "manage.py": MANAGE.format(module="proj.settings.base"),
        "proj/__init__.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": "DEBUG = True\n",
        "proj/settings/production.py": "from .base import *\nDEBUG = False\n",
        "proj/wsgi.py": WSGI.format(module="proj.settings.base"),
    })
    [layout] = discover(tmp_path)
    assert layout.production_settings == ("proj.settings.production",)
    assert "production:proj.settings.base" not in layout.provenance


def test_deploy_files_name_the_deployed_settings(tmp_path):
    startproject(tmp_path, "mysite")
    write(tmp_path, {
        "mysite/deployed.py": "from .settings import *\n",
        "mysite/docker_dev.py": "from .settings import *\n",
        "docker/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=mysite.deployed\n",
        "docker-compose.yml": "services:\n  web:\n    environment:\n      - DJANGO_SETTINGS_MODULE=mysite.docker_dev\n",
    })
    [layout] = discover(tmp_path)
    # the Dockerfile's module is deployed; wsgi.py's default (also its base) is not; the
    # compose file's module says dev
    assert layout.production_settings == ("mysite.deployed",)
    assert layout.provenance["production:mysite.deployed"] == "docker/Dockerfile"


def test_a_deploy_file_naming_a_module_made_at_deploy_time(tmp_path):
    """`ENV DJANGO_SETTINGS_MODULE settings.config` for a config.py copied from an example:
    the module wsgi.py names is only the default, and no production module is in the tree."""
    startproject(tmp_path, "mysite")
    write(tmp_path, {"Procfile": "web: gunicorn mysite.wsgi --env DJANGO_SETTINGS_MODULE=mysite.config\n"})
    [layout] = discover(tmp_path)
    assert layout.production_settings == ()


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("shop.settings.prod", True), ("settings_production", True), ("x.live", True), ("x.prod_eu", True),
        ("x.settings", False), ("x.dev", False), ("x.prod_test", False), ("x.local_prod", False),
        ("x.products", False), ("x.ci", False),
    ],
)
def test_production_names(module, expected):
    assert is_production_name(module) is expected


def test_env_files(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {".env": "A=1\n", ".env.local": "A=2\n", ".env.production": "A=3\n"})
    [layout] = discover(tmp_path)
    assert layout.env_files == (tmp_path.resolve() / ".env",)


def test_env_folder_is_not_an_env_file(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {".env/pyvenv.cfg": "home = /usr/bin\n"})
    [layout] = discover(tmp_path)
    assert layout.env_files == ()


# -- library roots ----------------------------------------------------------------------------


def fake_venv(folder: Path, with_django: bool = True) -> Path:
    site = folder / "lib" / "python3.11" / "site-packages"
    files = {"pyvenv.cfg": "home = /usr/bin\n"}
    if with_django:
        files["lib/python3.11/site-packages/django/__init__.py"] = ""
    write(folder, files)
    site.mkdir(parents=True, exist_ok=True)
    return site


def test_library_root_from_project_venv(tmp_path):
    startproject(tmp_path)
    site = fake_venv(tmp_path / ".venv")
    write(tmp_path, {".venv/lib/python3.11/site-packages/evil/manage.py": MANAGE.format(module="x.settings")})
    [layout] = discover(tmp_path)
    assert layout.library_roots == (site.resolve(),)


def test_library_root_from_workspace_venv(tmp_path):
    startproject(tmp_path / "proj")
    site = fake_venv(tmp_path / "venv")
    [layout] = discover(tmp_path)
    assert layout.library_roots == (site.resolve(),)


def test_library_root_from_virtual_env_then_interpreter(tmp_path, monkeypatch):
    startproject(tmp_path / "proj")
    fake_venv(tmp_path / "proj" / ".venv", with_django=False)  # a venv without Django is skipped
    outside = fake_venv(tmp_path.parent / f"{tmp_path.name}-outside-venv")
    monkeypatch.setenv("VIRTUAL_ENV", str(outside.parents[2]))
    [layout] = discover(tmp_path / "proj")
    assert layout.library_roots == (outside,)
    monkeypatch.delenv("VIRTUAL_ENV")
    [layout] = discover(tmp_path / "proj")
    import sysconfig

    purelib = Path(sysconfig.get_paths()["purelib"])
    expected = (purelib,) if (purelib / "django" / "__init__.py").is_file() else ()
    assert layout.library_roots == expected


# -- walking ----------------------------------------------------------------------------------


def test_skipped_folders_and_exclude_globs(tmp_path):
    startproject(tmp_path / "real", "real")
    for folder in ("node_modules/pkg", ".git/x", "build/lib", "some-venv", ".tox/py", "__pycache__", "vendor/old"):
        startproject(tmp_path / folder, "skipped")
    write(tmp_path, {"some-venv/pyvenv.cfg": ""})
    layouts = discover(tmp_path, exclude=("vendor/**",))
    assert [l.name for l in layouts] == ["real"]
    assert [l.name for l in discover(tmp_path, exclude=("real",))] == ["old"]


def test_symlink_loop_does_not_hang(tmp_path):
    startproject(tmp_path)
    try:
        (tmp_path / "mysite" / "loop").symlink_to(tmp_path, target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")
    start = time.perf_counter()
    assert len(discover(tmp_path)) == 1
    assert time.perf_counter() - start < 5


def test_missing_workspace_and_file_workspace(tmp_path):
    assert discover(tmp_path / "nope") == []
    write(tmp_path, {"file.txt": "x"})
    assert discover(tmp_path / "file.txt") == []
    assert discover(tmp_path) == []


def test_large_tree_is_walked_without_reading_its_files(tmp_path, monkeypatch):
    startproject(tmp_path)
    for package in range(30):
        for module in range(100):
            path = tmp_path / f"app{package}" / f"m{module}.py"
            path.parent.mkdir(exist_ok=True)
            path.write_text("x = 1\n")
        (tmp_path / f"app{package}" / "__init__.py").write_text("")
    reads: list[str] = []
    original = Path.read_bytes

    def counting(self):
        reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    start = time.perf_counter()
    [layout] = discover(tmp_path)
    elapsed = time.perf_counter() - start
    assert layout.settings_module == "mysite.settings"
    assert len(reads) < 20, "discovery read files it does not need"
    assert elapsed < 3


# -- the real workspaces ----------------------------------------------------------------------


def _need(name: str) -> Path:
    if not (WORKSPACES / name).is_dir():
        pytest.skip(f"tests/workspaces/{name} not written yet")
    return WORKSPACES / name


def test_shop_workspace():
    root = _need("shop")
    [layout] = discover(root)
    assert layout.settings_module == "shop.settings.dev"
    assert layout.provenance["settings_module"] == "manage.py"
    assert set(layout.settings_modules) == {"shop.settings.dev", "shop.settings.base", "shop.settings.prod", "shop.settings.test"}
    assert layout.production_settings == ("shop.settings.prod",)
    assert layout.env_files == (root / ".env",)
    assert layout.problems == ()


def test_blog_workspace():
    root = _need("blog")
    [layout] = discover(root)
    assert layout.settings_module == "config.settings"
    assert layout.settings_modules == ("config.settings",)
    assert layout.env_files == ()


def test_multi_workspace():
    root = _need("multi")
    layouts = discover(root)
    assert [(l.name, l.settings_module) for l in layouts] == [
        ("backend", "api_project.settings"), ("legacy", "legacysite.settings"),
    ]
    assert all(l.problems == () for l in layouts)


def test_all_workspaces_at_once():
    _need("shop")
    names = {layout.name for layout in discover(WORKSPACES)}
    assert {"shop", "blog", "backend", "legacy"} <= names


def test_analyzers_never_import_django():
    code = (
        "import sys\n"
        "import django_expert.analyzers.project.discovery, django_expert.analyzers.project.settings\n"
        "import django_expert.analyzers.project.apps, django_expert.analyzers.project.dotenv\n"
        "import django_expert.analyzers.knowledge.settings_defaults\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'rest_framework'))))\n"
    )
    import subprocess

    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_cyclic_star_imports_in_a_settings_package(tmp_path):
    write(tmp_path, {
        "manage.py": MANAGE.format(module="p.settings.a"),
        "p/__init__.py": "",
        "p/settings/__init__.py": "",
        "p/settings/a.py": "from .b import *\n",
        "p/settings/b.py": "from .a import *\n",
    })
    [layout] = discover(tmp_path)
    assert set(layout.settings_modules) == {"p.settings.a", "p.settings.b"}


def test_project_venv_preferred_over_workspace_venv(tmp_path):
    startproject(tmp_path / "proj")
    inner = fake_venv(tmp_path / "proj" / "env")
    fake_venv(tmp_path / ".venv")
    [layout] = discover(tmp_path)
    assert layout.library_roots == (inner.resolve(),)


def test_wsgi_naming_a_missing_module_is_not_production(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {"mysite/wsgi.py": WSGI.format(module="mysite.settings_production")})
    [layout] = discover(tmp_path)
    assert layout.settings_module == "mysite.settings"
    assert layout.production_settings == ("mysite.settings",)  # from asgi.py
    assert "settings module 'mysite.settings_production' (from mysite/wsgi.py) not found" in layout.problems


# -- real layouts: libraries, sandboxes, src/ packages, several projects -----------------------


def test_code_outside_every_project_is_a_library_layout(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.setuptools.package-dir]\n"" = "src"\n',
        "src/shelf/__init__.py": "",
        "src/shelf/models.py": "",
        "sandbox/manage.py": MANAGE.format(module="settings"),
        "sandbox/settings.py": "DEBUG = True\n",
        "sandbox/wsgi.py": WSGI.format(module="settings"),
    })
    layouts = {layout.root: layout for layout in discover(tmp_path)}
    library, sandbox = layouts[tmp_path.resolve()], layouts[(tmp_path / "sandbox").resolve()]
    assert library.kind == "library" and library.settings_module is None and not library.problems
    assert (tmp_path / "src").resolve() in library.source_roots
    assert sandbox.kind == "sandbox" and sandbox.settings_module == "settings"
    assert sandbox.production_settings == ()  # a sandbox's wsgi.py is never what gets deployed
    assert project_for(list(layouts.values()), (tmp_path / "src/shelf/models.py").resolve()) is library
    assert project_for(list(layouts.values()), (tmp_path / "sandbox/settings.py").resolve()) is sandbox


def test_a_project_at_the_root_needs_no_library_layout(tmp_path):
    startproject(tmp_path)
    write(tmp_path, {"scripts/tool.py": "", "tests/test_x.py": ""})
    assert [layout.kind for layout in discover(tmp_path)] == ["project"]


def test_startproject_templates_are_not_projects(tmp_path):
    write(tmp_path, {
        "wagtail/__init__.py": "",
        "wagtail/project_template/manage.py": MANAGE.format(module="{{ project_name }}.settings.dev"),
        "wagtail/project_template/project_name/settings/dev.py": "",
    })
    assert [layout.kind for layout in discover(tmp_path)] == ["library"]


def test_pytest_test_settings_make_a_sandbox(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "tests.settings"\n',
        "tests/__init__.py": "",
        "tests/settings.py": "DEBUG = True\nINSTALLED_APPS = ['shelf']\n",
        "shelf/__init__.py": "",
        "shelf/models.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.kind == "sandbox" and layout.settings_module == "tests.settings"
    assert layout.production_settings == ()


def test_manage_py_inside_the_package_of_a_src_layout(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'mysite'\n",
        "src/mysite/__init__.py": "",
        "src/mysite/manage.py": "from django.core.management import execute_from_command_line\n",
        "src/mysite/settings.py": "DEBUG = False\n",
        "src/mysite/urls.py": "urlpatterns = []\n",
        "src/mysite/blog/__init__.py": "",
        "src/mysite/blog/models.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.root == tmp_path.resolve() and layout.kind == "project"
    assert layout.settings_module == "mysite.settings"  # manage.py names none: the package's settings
    assert layout.module_name((tmp_path / "src/mysite/blog/models.py").resolve()) == ("mysite.blog.models", False)


def test_configured_settings_module_under_src_is_honoured(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
        "lib/config/__init__.py": "",
        "lib/config/production.py": "DEBUG = False\n",
        "lib/shop/__init__.py": "",
        "lib/shop/models.py": "",
    })
    [layout] = discover(tmp_path, settings_override="config.production")
    assert layout.settings_module == "config.production" and layout.provenance["settings_module"] == "configuration"
    assert not layout.problems


def test_configured_settings_module_that_does_not_exist_is_named(tmp_path):
    from django_expert.analyzers.project.discovery import configured_settings_missing

    startproject(tmp_path)
    layouts = discover(tmp_path, settings_override="mysite.settings.prod")
    assert configured_settings_missing(layouts) == "settings module 'mysite.settings.prod' (from configuration) not found"
    assert configured_settings_missing(discover(tmp_path, settings_override="mysite.settings")) is None


def test_the_main_project_is_the_one_with_entry_points(tmp_path):
    from django_expert.analyzers.project.discovery import main_project

    startproject(tmp_path / "api", "config")
    write(tmp_path, {
        "admin_tool/manage.py": MANAGE.format(module="toolsite.settings"),
        "admin_tool/toolsite/__init__.py": "",
        "admin_tool/toolsite/settings.py": "DEBUG = True\n",
        "example/manage.py": MANAGE.format(module="demo.settings"),
        "example/demo/__init__.py": "",
        "example/demo/settings.py": "",
        "example/demo/wsgi.py": WSGI.format(module="demo.settings"),
        "scripts/release.py": "",
    })
    layouts = discover(tmp_path)
    kinds = {layout.root.name: layout.kind for layout in layouts}
    assert kinds == {"api": "project", "admin_tool": "project", "example": "sandbox", tmp_path.name: "library"}
    assert main_project(layouts).root.name == "api"  # manage.py plus the settings its wsgi.py deploys


def test_two_projects_workspace():
    from django_expert.analyzers.project.discovery import main_project

    layouts = discover(WORKSPACES / "two_projects")
    assert [(layout.root.name, layout.kind) for layout in layouts] == [("api", "project"), ("tools", "project")]
    assert main_project(layouts).root.name == "api"
    assert layouts[0].production_settings == ("config.settings.prod",)


def test_a_manage_py_in_a_test_package_makes_a_sandbox_at_the_repository(tmp_path):
    """wagtail: `wagtail/test/manage.py` names `wagtail.test.settings`; the repository is the
    project (module names start above the package), a sandbox with no production settings."""
    write(tmp_path, {
        "wagtail/__init__.py": "",
        "wagtail/models.py": "",
        "wagtail/test/__init__.py": "",
        "wagtail/test/manage.py": MANAGE.format(module="wagtail.test.settings"),
        "wagtail/test/settings.py": "DEBUG = True\n",
    })
    [layout] = discover(tmp_path)
    assert layout.root == tmp_path.resolve() and layout.kind == "sandbox"
    assert layout.settings_module == "wagtail.test.settings" and layout.production_settings == ()


def test_pytest_9_native_toml_table(tmp_path):
    """pytest 9 reads `[tool.pytest]` with native TOML values (saleor: `addopts = [..., "--ds=..."]`)."""
    write(tmp_path, {
        "pyproject.toml": '[tool.pytest]\naddopts = ["-n=auto", "--ds=app.settings"]\n',
        "app/__init__.py": "",
        "app/settings.py": "",
    })
    [layout] = discover(tmp_path)
    assert layout.settings_module == "app.settings"
    assert layout.provenance["settings_module"] == "pyproject.toml [tool.pytest]"
