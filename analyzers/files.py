"""Reading a repository's files without trusting them.

A repository can hold a `x.py` that is a symlink to `/dev/zero` (read until memory runs
out), to `/dev/stdin` or `/proc/self/fd/0` (the language server would read its own
protocol stream), a named pipe called `Dockerfile` (open() blocks forever), or a symlink
to a file outside the workspace. Every read of a repository file goes through
`read_bytes`, which:

- opens without following a final FIFO/device (`O_NONBLOCK | O_NOCTTY`) and checks with
  `fstat` on the open descriptor that it is a regular file, so nothing else is ever read
  and no check-then-open race can swap it;
- refuses files over `limit` before reading, and reads at most `limit` bytes;
- when `within` is given, refuses a path whose real location is outside those folders
  (a symlink leading out of the workspace).

Refusals are `UnreadableFile` (an `OSError`) with a one-line reason in `strerror`, so
callers that already handle `OSError` report them like any unreadable file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

DEFAULT_LIMIT = 16_000_000
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class UnreadableFile(OSError):
    """A file that is not read: not a regular file, too large, or outside the workspace."""

    def __init__(self, reason: str, path: Path | str) -> None:
        super().__init__(0, reason, str(path))


def inside(path: Path | str, folders: Iterable[Path | str]) -> bool:
    """Whether the real location of `path` (symlinks resolved) is in one of `folders`."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    for folder in folders:
        try:
            base = os.path.realpath(folder)
        except (OSError, ValueError):
            continue
        if real == base or real.startswith(base if base.endswith(os.sep) else base + os.sep):
            return True
    return False


def read_bytes(path: Path | str, limit: int = DEFAULT_LIMIT, within: Iterable[Path | str] | None = None,
               walked: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see the module docstring).
    `walked`: the path was found by `os.walk` from a resolved folder of `within` (which never
    enters a symlinked folder), so only its last part can lead elsewhere."""
    if within is not None and (not walked or os.path.islink(path)) and not inside(path, within):
        raise UnreadableFile("a symlink leading outside the workspace", path)
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError as error:
        if error.errno is not None and os.path.exists(path) and not os.path.isfile(path):
            raise UnreadableFile("not a regular file", path) from None
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file", path)
        if info.st_size > limit:
            raise UnreadableFile(f"larger than {limit / 1e6:.1f} MB", path)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # grew while being read
            raise UnreadableFile(f"larger than {limit / 1e6:.1f} MB", path)
        return data
    finally:
        os.close(descriptor)


def read_text(path: Path | str, limit: int = DEFAULT_LIMIT, within: Iterable[Path | str] | None = None) -> str:
    """`read_bytes` decoded as UTF-8, undecodable bytes replaced (for text that is only searched)."""
    return read_bytes(path, limit, within).decode("utf-8", errors="replace")


def can_name_a_file(name: str) -> bool:
    """Whether `name` (a template name, say) can be a file below a folder: relative, no `..`,
    no NUL, within the file system's limits (255 bytes a part). A name that cannot be a
    file is an unknown name, never an OSError."""
    if not name or name.startswith(("/", "\\")) or "\0" in name:
        return False
    parts = name.split("/")
    return ".." not in parts and all(len(p.encode("utf-8", "surrogateescape")) <= 255 for p in parts) \
        and len(name.encode("utf-8", "surrogateescape")) <= 1024


def is_regular_file(path: Path | str) -> bool:
    """Whether `path` is (or a symlink leads to) a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_source(path: Path | str, limit: int = DEFAULT_LIMIT, within: Iterable[Path | str] | None = None) -> str:
    """A Python file's text, decoded as Python decodes it (BOM, PEP 263 declaration, else
    UTF-8); raises `source.DecodeError` or `OSError`. For readers outside the engine (the
    engagement's fact gathering), which must see the same text the rules saw."""
    from django_expert.analyzers.source import decode

    return decode(read_bytes(path, limit, within))
