"""Reading a repository's files without trusting them: devices, FIFOs, symlinks leading out
of the workspace and oversized files are refused without being read (or blocking)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from django_expert.analyzers import files
from django_expert.analyzers.engine import Engine
from tests import hostile

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"


def test_a_regular_file_is_read(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\n")
    assert files.read_bytes(path, within=[tmp_path]) == b"x = 1\n"
    assert files.is_regular_file(path)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin", "/dev/null"])
def test_a_symlink_to_a_device_is_refused(tmp_path, device):
    link = tmp_path / "x.py"
    link.symlink_to(device)
    with pytest.raises(files.UnreadableFile, match="not a regular file"):
        files.read_bytes(link)
    with pytest.raises(files.UnreadableFile, match="outside the workspace"):
        files.read_bytes(link, within=[tmp_path])
    assert not files.is_regular_file(link)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(files.UnreadableFile, match="not a regular file"):
        files.read_bytes(fifo)
    assert time.monotonic() - started < 1


def test_a_symlink_out_of_the_workspace_is_refused_and_one_inside_is_read(tmp_path):
    outside, workspace = tmp_path / "outside.py", tmp_path / "ws"
    workspace.mkdir()
    outside.write_text("SECRET = 1\n")
    (workspace / "a.py").symlink_to(outside)
    (workspace / "real.py").write_text("y = 2\n")
    (workspace / "b.py").symlink_to(workspace / "real.py")
    with pytest.raises(files.UnreadableFile, match="outside the workspace"):
        files.read_bytes(workspace / "a.py", within=[workspace])
    assert files.read_bytes(workspace / "b.py", within=[workspace]) == b"y = 2\n"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.py"
    path.write_bytes(b"#" * 2000)
    with pytest.raises(files.UnreadableFile, match="larger than"):
        files.read_bytes(path, limit=1000)


def test_check_finishes_and_reports_the_files_it_refuses(tmp_path):
    root = Path(shutil.copytree(WORKSPACES / "blog", tmp_path / "blog", ignore=shutil.ignore_patterns("__pycache__")))
    hostile.plant(root, tmp_path / "elsewhere.py")
    started = time.monotonic()
    engine = Engine([root], use_cache=False)
    engine.index()
    findings = engine.all_findings()
    assert time.monotonic() - started < 60
    refused = {name: [f.message for f in findings[root.resolve() / name] if f.code == "DJE000"]
               for name in hostile.EXPECTED}
    assert refused == {name: [message] for name, message in hostile.EXPECTED.items()}
    # The rest of the project is analysed as before.
    assert any(f.code.startswith("DJE4") for found in findings.values() for f in found)  # (DJE2: pedantic now)


def test_template_names_that_cannot_be_files_are_unknown_names(tmp_path):
    """A name over the file system's limits (or with a NUL) in render() or {% include %}
    raised `OSError: File name too long` and silently skipped DJE503/DJE111 for the view."""
    root = Path(shutil.copytree(WORKSPACES / "blog", tmp_path / "blog", ignore=shutil.ignore_patterns("__pycache__")))
    long_name = "x" * 300 + ".html"
    views = root / "posts" / "views.py"
    views.write_text(views.read_text() + (
        "\n\nfrom django.shortcuts import render  # noqa: E402\n"
        "\n\ndef too_long(request):\n"
        f"    return render(request, {long_name!r}, {{}})\n"
        "\n\ndef with_nul(request):\n"
        "    return render(request, 'a\\x00b.html', {})\n"))
    engine = Engine([root], use_cache=False)
    engine.index()
    messages = [f.message for f in engine.findings(views) if f.code == "DJE111"]
    assert any(long_name in m for m in messages)
    assert not engine.state(views).crashed  # no rule raised on either name
