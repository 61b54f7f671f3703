"""The engagement on real repository layouts: a reusable app whose only project is its
sandbox, and a repository with two projects."""

from __future__ import annotations

import json

from engagement_helpers import copy_workspace, engage


def test_a_reusable_app_is_reviewed_as_a_library_not_as_its_sandbox(tmp_path, env):
    root = copy_workspace("reusable_app", tmp_path / "reusable_app")
    report = engage(root, "--goal", "security", env=env)
    text = report.read_text(encoding="utf-8")
    twin = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert "- Apps in scope: `bookshelf`\n" in text  # the app's own, not the libraries it uses
    assert "library code outside every Django project" in text
    assert "this engagement covers ., the library code outside the others" in text
    # No settings of its own: nothing is claimed missing from settings it does not have.
    assert "MIDDLEWARE is not set" not in text and "is **missing** from MIDDLEWARE" not in text
    assert "No settings module: the projects that install this code choose the middleware." in text
    # Its API map: the URL confs it offers to projects, router routes included.
    assert "| `api/books/<pk>/` | [BookViewSet](../src/shelf/api.py#L20) |" in text
    assert "| `thumbnail/` | [thumbnail](../src/shelf/views.py#L17) |" in text
    codes = {finding["code"] for finding in twin["findings"]}
    assert {"DJE501", "DJE502", "DJE503", "DJE407", "DJE411"} <= codes
    assert not any(finding["filename"].startswith("sandbox/") for finding in twin["findings"])


def test_of_two_projects_the_deployed_one_is_reviewed(tmp_path, env):
    root = copy_workspace("two_projects", tmp_path / "two_projects")
    report = engage(root, env=env)
    text = report.read_text(encoding="utf-8")
    assert "this engagement covers api, the one with the most entry points" in text
    assert "production: `config.settings.prod`" in text or "config.settings.prod" in text
