"""`check` and `engage` on a repository holding files that must not be trusted: symlinks to
devices and out of the workspace, FIFOs, file names that are not UTF-8. Each finishes in
bounded time, reports the bad files and keeps its output valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile as planted

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
SCRIPT = Path(sys.executable).with_name("django-expert")


def run(*args, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, env=env, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def hostile(tmp_path) -> Path:
    root = Path(shutil.copytree(WORKSPACES / "shop", tmp_path / "shop", ignore=shutil.ignore_patterns("__pycache__")))
    planted.plant(root, tmp_path / "outside.py")
    templates = root / "templates"
    # A template whose name is not UTF-8, with a finding (an unknown URL name).
    with open(os.fsencode(templates) + b"/caf\xe9.html", "w") as stream:
        stream.write('{% url "no-such-name" %}\n')
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_check_reports_the_bad_files_and_keeps_its_output_valid(hostile, tmp_path, fmt):
    result = run("check", hostile, "--format", fmt, "--no-cache", cache=tmp_path / "cache")
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("utf-8")  # valid UTF-8, whatever the file names
    if fmt == "json":
        findings = json.loads(out)["findings"]
        refused = {f["filename"]: f["message"] for f in findings if f["code"] == "DJE000"}
        assert refused == planted.EXPECTED
        assert any(f["filename"] == "templates/caf\\xe9.html" and f["code"] == "DJE109" for f in findings)
    elif fmt == "sarif":
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(out)["runs"][0]["results"]]
        assert any("caf" in uri for uri in uris)


def test_engage_finishes_and_writes_valid_files(hostile, tmp_path):
    result = run("engage", hostile, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    report = Path(result.stdout.decode().strip())
    report.read_text(encoding="utf-8")
    json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
