"""`django-expert check` on real repository layouts: a reusable app with no root project,
the same app inside a project, and a configured settings module that does not exist."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
SCRIPT = Path(sys.executable).with_name("django-expert")


def check(path: Path, *args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(SCRIPT), "check", str(path), *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def app_findings(result: subprocess.CompletedProcess, prefix: str) -> list[tuple]:
    document = json.loads(result.stdout)
    return sorted((f["filename"].removeprefix(prefix), f["location"]["row"], f["code"], f["message"])
                  for f in document["findings"] if "src/shelf/" in f["filename"])


@pytest.fixture
def reusable_app(tmp_path) -> Path:
    return Path(shutil.copytree(WORKSPACES / "reusable_app", tmp_path / "reusable_app",
                                ignore=shutil.ignore_patterns("__pycache__")))


def test_a_reusable_app_without_a_root_project_gets_its_findings(reusable_app, tmp_path):
    alone = check(reusable_app, "--format", "json", cache=tmp_path / "cache")
    assert alone.returncode == 1, alone.stderr
    found = app_findings(alone, "")
    codes = {code for _, _, code, _ in found}
    # The N+1 of a loop, a serializer and a template, a shell command and SQL built from the request.
    assert {"DJE501", "DJE502", "DJE503", "DJE411", "DJE407"} <= codes, found
    summary = json.loads(alone.stdout)["summary"]
    assert summary["python_files"] == summary["analysed"] == 15
    # The sandbox's settings are not production settings: none of the deploy rules fire on them.
    sandbox = [f for f in json.loads(alone.stdout)["findings"] if f["filename"].startswith("sandbox/")]
    assert not [f for f in sandbox if f["code"][:4] in ("DJE4", "DJE7")], sandbox

    # The same app in a project rooted at the repository: the same findings in the app.
    for name in ("manage.py", "settings.py", "urls.py", "wsgi.py"):
        shutil.copy(reusable_app / "sandbox" / name, reusable_app / name)
    shutil.rmtree(reusable_app / "sandbox")
    in_project = check(reusable_app, "--format", "json", cache=tmp_path / "cache2")
    assert app_findings(in_project, "") == found


def test_checking_one_file_of_a_library_uses_the_whole_repository(reusable_app, tmp_path):
    result = check(reusable_app / "src" / "shelf" / "api.py", "--format", "json", cache=tmp_path / "cache")
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert codes == ["DJE502"], result.stdout  # needs the models of src/shelf/models/


def test_a_configured_settings_module_that_does_not_exist_is_one_line_and_exit_2(reusable_app, tmp_path):
    (reusable_app / ".django-expert.toml").write_text('settings-module = "shelf.settings.production"\n')
    result = check(reusable_app, cache=tmp_path / "cache")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "'shelf.settings.production'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_checking_a_package_folder_analyses_that_package_with_its_module_names(reusable_app, tmp_path):
    whole = app_findings(check(reusable_app, "--format", "json", cache=tmp_path / "c1"), "")
    package = check(reusable_app / "src" / "shelf", "--format", "json", cache=tmp_path / "c2")
    document = json.loads(package.stdout)
    assert document["summary"]["python_files"] == 11  # the package, not the sandbox beside it
    found = sorted(("src/shelf/" + f["filename"], f["location"]["row"], f["code"], f["message"])
                   for f in document["findings"])
    assert found == whole
