"""Every write of the engagement stays in the workspace (issue 11, item 4).

A symbolic link planted where the engagement writes (the memory lock, the report folder,
the state file, a memory file, the folders above them) stops `engage` before anything is
written, with exit 2 and one line naming the path. So does a file the system will not let
it write. Temporary files a killed run left are removed by the next run.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
from engagement_helpers import engage, run

from django_expert.server import cli

LINKS = {  # where the link is (in the workspace) -> what it points to (under `outside`)
    ".django-expert/memory/django/shop/.lock": "planted.lock",
    ".django-expert/memory/django/shop/architecture_notes.md": "notes.md",
    ".django-expert/memory/django/shop": "memory-folder",
    ".django-expert/memory": "memory-root",
    ".django-expert/engagement.json": "engagement.json",
    ".django-expert": "state-folder",
    "claudedocs": "reports",
}


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def written(root: Path) -> list[str]:
    """The files (not links, nor anything behind one) under the folders the engagement writes."""
    found = []
    for folder in (root / "claudedocs", root / ".django-expert"):
        for parent, _, names in os.walk(folder):  # never into a linked folder
            found += [os.path.join(parent, name) for name in names if not os.path.islink(os.path.join(parent, name))]
    return found


@pytest.mark.parametrize("link", LINKS)
def test_a_link_leading_outside_stops_engage_before_any_write(link, shop, env, tmp_path):
    outside = tmp_path / "outside"
    (outside / "memory-folder").mkdir(parents=True)
    for folder in ("memory-root", "state-folder", "reports"):
        (outside / folder).mkdir()
    (outside / "notes.md").write_text("outside the workspace\n")
    before = listing(outside)
    planted = shop / link
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(outside / LINKS[link])

    result = run("engage", shop, env=env)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and link in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    assert listing(outside) == before and not (outside / "planted.lock").exists()
    assert written(shop) == [], "nothing is written once a path is refused"


def test_a_lock_file_that_is_a_link_is_never_followed(shop, env):
    lock = shop / ".django-expert" / "memory" / "django" / "shop" / ".lock"
    lock.parent.mkdir(parents=True)
    lock.symlink_to(shop / "taken.lock")  # inside the workspace, still not a lock to take

    result = run("engage", shop, env=env)

    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert str(lock) in result.stderr and "symbolic link" in result.stderr
    assert not (shop / "taken.lock").exists()


def test_a_file_the_system_refuses_is_a_user_error(shop, env, monkeypatch, capsys):
    import django_expert.memory.paths as paths

    real = paths.tempfile.mkstemp

    def refused(*args, dir=None, **kwargs):
        if Path(dir).name == "claudedocs":
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(paths.tempfile, "mkstemp", refused)
    code = cli.main(["engage", str(shop)])

    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"django-expert: error: {shop / 'claudedocs' / 'django_shop_'}")
    assert err.endswith(".md: Permission denied\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes read-only folders")
def test_a_read_only_project_is_a_user_error(shop, env):
    for folder in [shop, *(p for p in shop.rglob("*") if p.is_dir())]:
        folder.chmod(0o555)
    try:
        result = run("engage", shop, env=env)
    finally:
        for folder in [shop, *(p for p in shop.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr and str(shop) in result.stderr


def test_the_next_run_removes_what_a_killed_run_left(shop, env):
    reports, state = shop / "claudedocs", shop / ".django-expert"
    reports.mkdir()
    state.mkdir()
    left = [reports / ".django_shop_2026-01-01.md.k1ll3d.tmp", reports / ".django_shop_2026-01-01.json.k1ll3d.tmp",
            state / ".engagement.json.k1ll3d.tmp"]
    kept = [reports / ".notes.tmp",  # not ours
            reports / ".django_other_2026-01-01.md.abc.tmp",  # another project's, under its own lock
            state / ".engagement.json.writing.tmp"]  # young: a writer may still be at it
    an_hour_ago = time.time() - 3600
    for path in [*left, *kept]:
        path.write_text("partial")
        if path not in kept[-1:]:
            os.utime(path, (an_hour_ago, an_hour_ago))

    engage(shop, env=env)

    assert [path for path in left if path.exists()] == []
    assert all(path.exists() for path in kept)
