"""Paths the memory layer writes to: slugs, confinement to the workspace, atomic writes, the lock."""

import datetime as dt
import os
import re
import stat

import pytest
from django_expert.memory import paths
from django_expert.memory.paths import (
    FileLock,
    LockTimeout,
    UnsafePath,
    atomic_write,
    next_report_path,
    remove_stale_temp_files,
    report_stem,
    safe_join,
    slugify_project,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("shop", "shop"),
        ("My Shop", "my-shop"),
        ("my_shop_api", "my-shop-api"),
        ("Café Crème", "cafe-creme"),
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("  --Shop--  ", "shop"),
        ("a\x00b\nc", "a-b-c"),
        ("Shop.v2", "shop-v2"),
    ],
)
def test_slugify_normalises(name, slug):
    assert slugify_project(name) == slug


def test_slug_is_at_most_64_and_never_ends_with_a_dash():
    assert slugify_project("a" * 200) == "a" * 64
    assert slugify_project("a" * 63 + "-b") == "a" * 63


def test_non_ascii_name_gets_a_stable_hashed_slug():
    slug = slugify_project("商店")
    assert re.match(r"^project-[0-9a-f]{8}$", slug)
    assert slug == slugify_project("商店") != slugify_project("书店")


@pytest.mark.parametrize("name", ["", "   ", "../", "/", "...", "-_-"])
def test_slugify_rejects_names_without_letters(name):
    with pytest.raises(ValueError):
        slugify_project(name)


@pytest.mark.parametrize("name", [None, 42, b"shop"])
def test_slugify_rejects_non_text(name):
    with pytest.raises(TypeError):
        slugify_project(name)


@pytest.mark.parametrize("name", ["x", "Shop", "../a", "a" * 100, "É", "商店", "a--b"])
def test_every_slug_is_path_safe(name):
    assert SLUG.match(slugify_project(name))


@pytest.mark.parametrize("relative", ["a/b", ".", "claudedocs", "./x/./y", ".django-expert/memory"])
def test_safe_join_accepts_paths_inside(tmp_path, relative):
    joined = safe_join(tmp_path, relative)
    assert joined == tmp_path.resolve() or tmp_path.resolve() in joined.parents


@pytest.mark.parametrize(
    "relative",
    ["../x", "/etc", "a/../../b", "a/../b", "..", "~/x", "~", "C:\\x", "C:x", "a\\b", "a\x00b", "a\nb", "", "  "],
)
def test_safe_join_rejects_escapes(tmp_path, relative):
    with pytest.raises(ValueError):
        safe_join(tmp_path, relative)


def test_safe_join_rejects_a_symlink_leading_out(tmp_path):
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (workspace / "memory").symlink_to(outside)
    with pytest.raises(ValueError, match="outside"):
        safe_join(workspace, "memory")
    with pytest.raises(ValueError):
        safe_join(workspace, "memory/django/shop")


def test_safe_join_accepts_a_symlink_that_stays_inside(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert safe_join(tmp_path, "alias/file.md") == tmp_path.resolve() / "alias" / "file.md"


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "notes.md"
    atomic_write(target, "first\r\nline")
    atomic_write(target, "second ✓")
    assert target.read_bytes() == "second ✓".encode()
    assert os.listdir(tmp_path) == ["notes.md"]


def test_atomic_write_keeps_permission_bits(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "notes.md"
    target.write_text("old")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(paths.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["notes.md"]


def test_stale_temp_files_are_removed(tmp_path):
    (tmp_path / ".notes.md.abc123.tmp").write_text("half")
    (tmp_path / "notes.md").write_text("kept")
    (tmp_path / "draft.tmp").write_text("not ours: no leading dot")
    assert remove_stale_temp_files(tmp_path) == [".notes.md.abc123.tmp"]
    assert sorted(os.listdir(tmp_path)) == ["draft.tmp", "notes.md"]


def test_lock_excludes_a_second_holder_until_released(tmp_path):
    lock_path = tmp_path / ".lock"
    with FileLock(lock_path, timeout=1), pytest.raises(LockTimeout), FileLock(lock_path, timeout=0.05):
        pass
    with FileLock(lock_path, timeout=0.05):
        pass
    assert lock_path.exists()


def test_report_names_count_up_within_a_day(tmp_path):
    day = dt.date(2026, 11, 24)
    assert report_stem("shop", day) == "django_shop_2026-11-24"
    first = next_report_path(tmp_path, "shop", day)
    assert first == tmp_path.resolve() / "claudedocs" / "django_shop_2026-11-24.md"
    first.parent.mkdir()
    first.write_text("report")
    assert next_report_path(tmp_path, "shop", day).name == "django_shop_2026-11-24-2.md"
    (first.parent / "django_shop_2026-11-24-2.json").write_text("{}")  # a twin alone also takes the name
    assert next_report_path(tmp_path, "shop", day).name == "django_shop_2026-11-24-3.md"
    assert next_report_path(tmp_path, "shop", dt.date(2026, 11, 25)).name == "django_shop_2026-11-25.md"


def test_report_stem_refuses_a_raw_name():
    with pytest.raises(ValueError):
        report_stem("../My Shop", dt.date(2026, 11, 24))


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_never_created(tmp_path):
    (tmp_path / ".lock").symlink_to(tmp_path / "outside.lock")
    with pytest.raises(UnsafePath, match="symbolic link"):
        with FileLock(tmp_path / ".lock"):
            pass
    assert not (tmp_path / "outside.lock").exists()


def test_stale_temp_files_can_be_limited_to_one_target_and_an_age(tmp_path):
    import time

    old, young, other = (tmp_path / ".report.md.1.tmp"), (tmp_path / ".report.md.2.tmp"), (tmp_path / ".notes.tmp")
    for path in (old, young, other):
        path.write_text("partial")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    (tmp_path / ".report.md.3.tmp").symlink_to(tmp_path / "elsewhere")
    assert remove_stale_temp_files(tmp_path, of="report.md.", older_than=60) == [old.name]
    assert young.exists() and other.exists() and (tmp_path / ".report.md.3.tmp").is_symlink()
