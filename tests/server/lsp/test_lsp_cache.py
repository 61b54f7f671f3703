"""The facts cache, end to end: written after indexing (not only at `shutdown`, which
Neovim 0.11 and Emacs do not wait for) and after edits settle, atomically, with the
temporary files of killed writers removed; a second start reads it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.server.lsp.conftest import Session, make_client

pytestmark = pytest.mark.asyncio(loop_scope="function")


def dead_pid() -> int:
    """A process id no process has now."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def end_message(session: Session) -> str:
    ends = [report for reports in session.client.progress_reports.values() for report in reports
            if isinstance(report, types.WorkDoneProgressEnd)]
    return ends[-1].message


def cache_files(folder: Path) -> tuple[list[Path], list[Path]]:
    return sorted(folder.glob("facts-*.pickle")), sorted(folder.glob("*.tmp"))


async def test_the_cache_is_written_after_indexing_and_a_second_start_reads_it(session, shop, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    killed = cache / f"facts-0-x-y.pickle.{dead_pid()}.k1ll.tmp"  # a writer killed mid-write
    killed.write_bytes(b"\x80\x05trunc")
    older = cache / "facts-0-x-y.pickle.tmp"  # no pid: left by an older version
    older.write_bytes(b"")
    started = time.monotonic()
    await session.start(shop)
    cold = time.monotonic() - started
    assert "read from the cache" not in end_message(session)
    written = await session.wait(lambda: cache_files(cache)[0], "the cache to be written", timeout=30)
    assert cache_files(cache)[1] == []  # no temporary file left, the killed writers' removed

    # A second server on the same workspace while the first still runs (it never got `shutdown`).
    second = await ClientServerConfig(
        server_command=[sys.executable, "-I", "-m", "django_expert.server.lsp"], client_factory=make_client,
        server_env={**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache)}).start()
    second.name = "neovim"
    try:
        again = Session(second)
        started = time.monotonic()
        await again.start(shop)
        warm = time.monotonic() - started
        message = end_message(again)
        assert message.endswith("read from the cache"), message
        from_cache, _, read = message.split(", ")[1].split()[:3]
        assert int(from_cache) == int(read) >= len(list(shop.rglob("*.py")))  # every file, none parsed
        print(f"cache {written[0].stat().st_size} bytes; first start {cold:.2f}s, second start {warm:.2f}s: {message}")
    finally:
        await second.shutdown_session()
        await second.stop()


async def test_an_edit_is_cached_once_edits_settle(session, shop, tmp_path):
    cache = tmp_path / "cache"
    await session.start(shop)
    (pickle,) = await session.wait(lambda: cache_files(cache)[0], "the cache to be written", timeout=30)
    after_index = pickle.stat().st_mtime_ns
    uri = session.open(shop / "catalog" / "models.py")
    await session.diagnostics(uri)
    session.change(uri, session.texts[uri] + "\n\nclass Shelf(models.Model):\n    label = models.CharField(max_length=9)\n")
    await session.diagnostics(uri)
    edited = time.monotonic()
    await session.wait(lambda: pickle.stat().st_mtime_ns != after_index, "the cache to be written again", timeout=30)
    settled = time.monotonic() - edited
    assert 1.5 < settled < 10, settled  # debounced: written once the edits settle, not at each one
    assert cache_files(cache)[1] == []
    print(f"cache rewritten {settled:.2f}s after the last edit")
