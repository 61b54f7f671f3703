"""The server on a repository holding files that must not be read (issue 11, item 3):
symlinks to devices, to its own protocol stream and out of the workspace, and FIFOs named
like Python files, templates and a Dockerfile. It initialises, indexes in bounded time,
keeps diagnosing and answering for the normal files, reports each bad file as DJE000, and
writes nothing outside the workspace (its cache goes to the test's cache directory)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from lsprotocol import types

from tests import hostile as planted
from tests.server.lsp.conftest import copy_workspace

pytestmark = pytest.mark.asyncio(loop_scope="function")


def build_hostile(tmp_path: Path) -> Path:
    root = copy_workspace("shop", tmp_path)
    planted.plant(root, tmp_path / "outside.py")  # stdin.py and fd0.py: the server's own protocol stream
    return root


def tree(folder: Path, skip: set[Path]) -> dict[str, tuple[int, int]]:
    """Every entry under `folder` (not following links, not entering `skip`): size, mtime."""
    seen = {}
    for current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if Path(current, d) not in skip]
        for name in [*dirs, *names]:
            stat = os.lstat(Path(current, name))
            seen[str(Path(current, name).relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return seen


async def test_the_server_indexes_a_hostile_workspace_and_reports_the_bad_files(session, tmp_path):
    root = build_hostile(tmp_path)
    cache = tmp_path / "cache"
    before = tree(tmp_path, {root, cache})

    started = time.monotonic()
    await session.start(root)  # initialize, then indexing must end (Session.TIMEOUT)
    assert time.monotonic() - started < 15

    views = session.open(root / "catalog" / "views.py")
    await session.diagnostics(views)  # the normal files are still diagnosed
    text = session.texts[views]
    line = text[:text.index("Product")].count("\n")
    column = len(text.splitlines()[line][:text.splitlines()[line].index("Product")]) + 1
    hover = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=views), position=types.Position(line=line, character=column)))
    assert hover is not None and "Product" in hover.contents.value

    if not session.pulls:  # VS Code's recorded capabilities: pushed for every file with findings
        refused = {}
        for name in planted.EXPECTED:
            diagnostics = await session.diagnostics((root / name).as_uri(), version=None)
            refused[name] = [d.message for d in diagnostics if d.code == "DJE000"]
        assert refused == {name: [message] for name, message in planted.EXPECTED.items()}

    assert tree(tmp_path, {root, cache}) == before  # nothing written beside the workspace
    assert (tmp_path / "outside.py").read_text() == "SECRET = 'outside'\n"
