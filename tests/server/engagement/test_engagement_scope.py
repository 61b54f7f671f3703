"""Step 1's detectors on small made-up projects: versions from every dependency format,
and the deployment target (the secret scrubber: tests/analyzers/test_secrets.py)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from django_expert.analyzers.engine import Engine
from django_expert.server.engagement.inventory import Inventory
from django_expert.server.engagement.scope import deployment, normalise_goal
from django_expert.server.engagement.versions import detect


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


PROJECT = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
    "site_cfg/__init__.py": "",
    "site_cfg/settings.py": """\
        import os
        SECRET_KEY = os.environ.get("APP_SECRET", "hard-coded-fallback-value-1234")
        INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
        ROOT_URLCONF = "site_cfg.urls"
        WSGI_APPLICATION = "site_cfg.wsgi.application"
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "pg-pass-literal"}}
        STATIC_URL = "static/"
        """,
    "site_cfg/urls.py": "urlpatterns = []\n",
    ".env": "APP_SECRET=env-secret-value-xyz\nDJANGO_SETTINGS_MODULE=site_cfg.settings\nDEBUG=1\n",
}


def test_versions_from_lock_files_win_over_declared_ranges(tmp_path):
    root = _write(tmp_path, {
        "uv.lock": '[[package]]\nname = "django"\nversion = "5.1.4"\n\n[[package]]\nname = "djangorestframework"\n'
                   'version = "3.15.2"\n',
        "requirements.txt": "Django>=4.2\n",
    })
    found = detect(root)
    assert (found["django"].version, found["django"].source) == ("5.1.4", "uv.lock")
    assert found["djangorestframework"].display == "3.15.2"


def test_versions_from_each_format(tmp_path):
    cases = {
        "poetry.lock": ('[[package]]\nname = "Django"\nversion = "4.2.16"\n', "4.2.16"),
        "Pipfile.lock": (json.dumps({"default": {"django": {"version": "==5.0.9"}}}), "5.0.9"),
        "requirements-prod.txt": ("django==5.2.1 ; python_version >= '3.10'\n", "5.2.1"),
        "pyproject.toml": ('[project]\nname = "x"\ndependencies = ["Django>=5.2,<6", "celery[redis]>=5"]\n', ">=5.2,<6"),
        "setup.cfg": ("[options]\ninstall_requires =\n    Django~=4.2\n", "~=4.2"),
    }
    for index, (name, (text, expected)) in enumerate(cases.items()):
        root = tmp_path / str(index)
        root.mkdir()
        (root / name).write_text(text, encoding="utf-8")
        found = detect(root)
        assert found["django"].display == expected, name
        assert found["django"].source == name


def test_the_projects_virtualenv_metadata(tmp_path):
    site = tmp_path / ".venv" / "lib" / "python3.12" / "site-packages"
    (site / "Django-5.2.3.dist-info").mkdir(parents=True)
    (site / "Django-5.2.3.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: Django\nVersion: 5.2.3\n")
    (site / "djangorestframework-3.16.0.dist-info").mkdir()
    (site / "djangorestframework-3.16.0.dist-info" / "METADATA").write_text("Name: djangorestframework\nVersion: 3.16.0\n")
    (tmp_path / "requirements.txt").write_text("Django>=5.2\n")
    found = detect(tmp_path, [site])
    assert found["django"].display == ">=5.2 (5.2.3 installed)"
    assert found["djangorestframework"].version == "3.16.0"
    assert found["djangorestframework"].source == ".venv/lib/python3.12/site-packages"


def _inventory(root: Path) -> Inventory:
    engine = Engine([root], use_cache=False)
    engine.index()
    return Inventory(engine, engine.projects[0])


def test_deployment_target_from_server_configuration(tmp_path):
    asgi = _write(tmp_path / "a", {**PROJECT, "Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "site_cfg.asgi:application"]\n'})
    result = deployment(_inventory(asgi))
    assert result["target"] == "ASGI" and result["files"] == ["Dockerfile"]
    wsgi = _write(tmp_path / "w", {**PROJECT, "Procfile": "web: gunicorn site_cfg.wsgi --workers 3\n"})
    assert deployment(_inventory(wsgi))["target"] == "WSGI"
    worker = _write(tmp_path / "k", {**PROJECT, "Procfile": "web: gunicorn site_cfg.asgi -k uvicorn.workers.UvicornWorker\n",
                                     "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n"})
    result = deployment(_inventory(worker))
    assert result["target"] == "ASGI" and "k8s/deploy.yaml" in result["files"]
    bare = _write(tmp_path / "b", PROJECT)
    result = deployment(_inventory(bare))
    assert result["target"] == "WSGI" and any("no deployment files" in e for e in result["evidence"])


def test_goal_names():
    assert normalise_goal("New Feature") == "new-feature" and normalise_goal("perf") == "performance"
    assert normalise_goal(None) is None
