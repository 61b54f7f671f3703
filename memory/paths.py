"""Where django-expert may write, and how: project slugs, paths confined to the workspace,
atomic file replacement and the inter-process lock that serialises memory writes.

Everything that turns configuration or user input into a path on disk goes through
`slugify_project` or `safe_join`; everything that writes a file goes through `atomic_write`.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Self

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

SLUG_MAX = 64
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
LOCK_NAME = ".lock"

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class LockTimeout(TimeoutError):
    """Another process held the memory lock for longer than the timeout."""


class UnsafePath(ValueError):
    """A file django-expert would write is a symbolic link it will not follow (one line, naming it)."""


def slugify_project(name: str) -> str:
    """The project's name as used in paths: lowercase ASCII letters, digits and '-', at most 64.

    Accents are folded (`Café` -> `cafe`), every other run of characters becomes one '-'
    (`../My Shop_API` -> `my-shop-api`). A name with letters but none in ASCII (`商店`)
    gets a stable `project-<hash>` slug. A name with no letter or digit at all (``""``,
    ``"../"``, ``"/"``) is rejected with ValueError.
    """
    if not isinstance(name, str):
        raise TypeError(f"project name must be a string, not {type(name).__name__}")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    slug = slug[:SLUG_MAX].rstrip("-")
    if slug:
        return slug
    if any(char.isalnum() for char in name):
        return "project-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    raise ValueError(f"project name {name!r} has no letter or digit to build a name from")


def safe_join(workspace: str | os.PathLike[str], relative: str | os.PathLike[str]) -> Path:
    """`workspace / relative`, guaranteed to stay inside the workspace.

    Raises ValueError for an absolute path (POSIX or Windows style), a `~` or `..`
    component, a backslash, a control character, or a path that a symbolic link leads
    out of the workspace. ``"."`` is the workspace itself.
    """
    text = os.fspath(relative)
    if not isinstance(text, str):
        raise TypeError("path must be text, not bytes")
    if not text.strip():
        raise ValueError("empty path")
    if _CONTROL.search(text):
        raise ValueError(f"path {text!r} contains a control character")
    if "\\" in text:
        raise ValueError(f"path {text!r} contains a backslash; use '/'")
    pure = PurePosixPath(text)
    if pure.is_absolute() or PureWindowsPath(text).drive or text.startswith("~"):
        raise ValueError(f"path {text!r} must be relative to the workspace")
    if ".." in pure.parts:
        raise ValueError(f"path {text!r} must not contain '..'")
    base = Path(workspace).resolve()
    candidate = base.joinpath(*pure.parts)
    resolved = candidate.resolve()
    if resolved != base and base not in resolved.parents:
        raise ValueError(f"path {text!r} leads outside the workspace (through a symbolic link)")
    return candidate


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace `path` by `data` so that readers (and a crash) see the old or the new file, never a mix.

    The data goes to a temporary file in the same directory, which is flushed and fsynced,
    then renamed over `path` (`os.replace`), then the directory is fsynced so the rename
    itself survives a power cut. Text is written as UTF-8, byte for byte (no newline
    translation). An existing file's permission bits are kept.
    """
    target = Path(path)
    # A lone surrogate (a file name's non-UTF-8 byte) is written escaped, never fails the write.
    payload = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data
    directory = target.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX + target.name + ".", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as error:  # named after the file meant, not the temporary one
        raise OSError(error.errno, error.strerror, str(target)) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:  # pragma: no cover - platforms that cannot open a directory (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a directory
        pass
    finally:
        os.close(fd)


def remove_stale_temp_files(directory: Path, of: str = "", older_than: float = 0.0) -> list[str]:
    """Delete temporary files that an interrupted `atomic_write` left in `directory`.

    Only call this while holding the `FileLock` every writer of those files holds: any
    temporary file found then belongs to a writer that died. `of` limits it to the temporary
    files of targets whose name starts so (a folder others write in too); `older_than`
    (seconds) spares files a writer not holding that lock may still be writing.
    """
    removed = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(TEMP_PREFIX + of) and name.endswith(TEMP_SUFFIX)):
            continue
        try:
            status = entry.lstat()
            if not stat.S_ISREG(status.st_mode) or now - status.st_mtime < older_than:
                continue
            entry.unlink()
            removed.append(name)
        except OSError:
            pass
    return removed


class FileLock:
    """An exclusive inter-process lock on a lock file (`flock`), waiting at most `timeout` seconds.

    The lock file is never deleted (deleting it would let two processes lock two different
    files of the same name), nor taken through a symbolic link (UnsafePath). Use as a
    context manager; raises LockTimeout.
    """

    def __init__(self, path: str | os.PathLike[str], timeout: float = 10.0, poll: float = 0.005) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def __enter__(self) -> Self:
        # O_NOFOLLOW: a lock file planted as a symbolic link would make us create its target.
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as error:
            if error.errno == errno.ELOOP or self.path.is_symlink():
                raise UnsafePath(f"{self.path}: a symbolic link; a lock is never taken through one") from None
            raise
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                _lock(fd)
                break
            except (BlockingIOError, PermissionError):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(f"{self.path} is locked by another process (waited {self.timeout:g} s)") from None
                time.sleep(self.poll)
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            raise BlockingIOError(str(error)) from error


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


REPORT_DIR = "claudedocs"


def report_stem(slug: str, day: _dt.date, run: int = 1) -> str:
    """`django_<slug>_<YYYY-MM-DD>`, then `-2`, `-3`, ... for later runs the same day."""
    if slugify_project(slug) != slug:
        raise ValueError(f"{slug!r} is not a project slug; pass it through slugify_project first")
    stem = f"django_{slug}_{day.isoformat()}"
    return stem if run <= 1 else f"{stem}-{run}"


def next_report_path(workspace: str | os.PathLike[str], slug: str, day: _dt.date) -> Path:
    """The report path for a run on `day`: the first of `..._<date>.md`, `..._<date>-2.md`, ...
    for which neither the `.md` nor its `.json` twin exists (see OUTPUT_CONVENTIONS.md).

    Call it while holding the project's memory lock so that two engagements cannot pick
    the same name.
    """
    directory = safe_join(workspace, REPORT_DIR)
    run = 1
    while True:
        stem = report_stem(slug, day, run)
        if not (directory / f"{stem}.md").exists() and not (directory / f"{stem}.json").exists():
            return directory / f"{stem}.md"
        run += 1
