"""The differential test for URL confs: the static URL index against Django's own resolver.

For every project discovery finds under tests/workspaces/ (each with its settings module, as
the deploy oracle iterates them), `url_probe.py` walks `get_resolver().url_patterns` in a
subprocess, and the set of (namespaced URL name, joined pattern) pairs it reports must equal
the static index's: `UrlIndex.patterns` plus its `gaps`. Both sides are normalised the way
`url_probe.py`'s docstring says: an AdminSite's URLs are one `("<namespace>:*",
"<prefix>*")` entry, a library's URL conf one `("<library>", "<prefix>*")` entry, a locale
prefix is `{language}/`, static-file serving is left out. A gap the static side could not follow is written
`("?unknown: <why>", "<prefix>")`, which Django never reports, so it shows in the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django_expert.analyzers.engine import load_projects
from django_expert.analyzers.navigation.urls import UrlIndex, url_index
from django_expert.analyzers.project.discovery import discover

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
PROBE = Path(__file__).resolve().with_name("url_probe.py")
# Folders a project imports from without being their source root: the reusable app's
# sandbox runs the app from ../src, as `pip install -e .` would (its manage.py says so).
INSTALLED_FROM = {"reusable_app/sandbox": ("../src",)}
# Projects only a newer Python can import: test_modern_syntax_oracle.py compares their URLs
# under that Python.
NEWER_PYTHON = {"modern_syntax"}
# (project folder relative to workspaces/, settings module, folders on sys.path)
CASES = sorted(
    (folder, layout.settings_module, tuple(str(root) for root in layout.source_roots)
     + tuple(str((layout.root / extra).resolve()) for extra in INSTALLED_FROM.get(folder, ())))
    for layout in discover(WORKSPACES)
    if layout.settings_module
    for folder in [layout.root.relative_to(WORKSPACES).as_posix()]
    if folder not in NEWER_PYTHON
)


def static_pairs(index: UrlIndex) -> set[tuple[str | None, str]]:
    pairs: set[tuple[str | None, str]] = {(r.name or None, r.pattern) for r in index.patterns if not r.library}
    for gap in index.gaps:
        if gap.why == "admin":
            pairs.add((f"{gap.namespace}:*", gap.pattern + "*"))
        elif gap.why == "library":
            pairs.add(("<library>", gap.pattern + "*"))
        else:
            pairs.add((f"?unknown: {gap.detail}", gap.pattern))
    return pairs


def django_pairs(folder: str, settings_module: str, roots: tuple[str, ...]) -> set[tuple[str | None, str]]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    project = WORKSPACES / folder
    proc = subprocess.run([sys.executable, str(PROBE), str(project), settings_module, *roots],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(project))
    assert proc.returncode == 0, f"url_probe.py failed for {folder} ({settings_module}):\n{proc.stderr}"
    found = json.loads(proc.stdout)
    if "cannot_run" in found:
        pytest.skip(f"Django cannot load {folder} on this Python: {found['cannot_run']}")
    return {(name, pattern) for name, pattern in found["patterns"]}


def _project(folder: str, settings_module: str):
    for project in load_projects(WORKSPACES / folder):
        if project.layout.settings_module == settings_module:
            return project
    raise AssertionError(f"no project with settings {settings_module} under {folder}")


def test_every_workspace_project_is_compared():
    assert {"shop", "blog", "urlconf"} <= {folder for folder, _, _ in CASES}


@pytest.mark.parametrize(("folder", "settings_module", "roots"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_url_names_and_routes_match_django(folder: str, settings_module: str, roots: tuple[str, ...]) -> None:
    expected = django_pairs(folder, settings_module, roots)
    static = static_pairs(url_index(_project(folder, settings_module)))
    lines = [f"  only Django:  {name!s:40} {pattern}" for name, pattern in sorted(expected - static, key=str)]
    lines += [f"  only static:  {name!s:40} {pattern}" for name, pattern in sorted(static - expected, key=str)]
    assert not lines, f"URL conf of {folder} ({settings_module}) differs from Django's resolver:\n" + "\n".join(lines)
