"""What the navigation features share: the document at a position, as the analysis thread
sees it (the client's current text, the project's last good facts), and the thread jedi
runs on (a slow jedi answer must not hold back diagnostics).

Navigation never re-analyses the document: it reads the text the client has now and the
facts the engine last built, so a completion asked for in the middle of typing costs a
lexer pass and a few model lookups, not a parse and a rules run.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from django_expert.analyzers import files
from django_expert.analyzers.engine import Engine
from django_expert.analyzers.facts.types import FileFacts
from django_expert.analyzers.project.model import ProjectModel
from django_expert.analyzers.source import DecodeError, decode
from django_expert.server.lsp import convert
from django_expert.server.lsp.server import DjangoExpertServer, Folder

TEMPLATE_SUFFIXES = (".html", ".htm", ".txt", ".xml", ".jinja", ".jinja2", ".j2", ".djhtml", ".dtl")
_JEDI = ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-expert-jedi")


@dataclass
class Document:
    """A document at a position: `offset` is the code-point offset of the position."""

    uri: str
    path: Path
    text: str
    lines: list[str]
    offset: int
    folder: Folder
    template: bool
    starts: list[int]  # line start offsets, for turning answers back into positions

    def range(self, start: int, end: int, encoding: str) -> types.Range:
        return convert.lsp_offset_range(self.text, self.lines, start, end, encoding, self.starts)

    @property
    def engine(self) -> Engine:
        return self.folder.engine

    def project(self) -> ProjectModel | None:
        return self.engine.project_for(self.path)

    def facts(self) -> FileFacts | None:
        """The file's last good facts; for a file that never parsed, empty facts with its
        module name (its imports are read from the text itself)."""
        state = self.engine.state(self.path)
        if state is not None and state.facts is not None:
            return state.facts
        project = self.project()
        named = project.layout.module_name(self.path) if project is not None else None
        return FileFacts(module=named[0], is_package=named[1]) if named else FileFacts(module="", is_package=False)


def readable(uri: str) -> Path | None:
    """The path of a Python file or template we answer for, else None."""
    path = convert.uri_to_path(uri)
    if path is None or not (path.suffix == ".py" or path.suffix.lower() in TEMPLATE_SUFFIXES):
        return None
    return path


async def document_at(ls: DjangoExpertServer, uri: str, position: types.Position | None) -> Document | None:
    """The document (the client's text, else the file on disk) once its folder is indexed."""
    path = readable(uri)
    if path is None:
        return None
    folder = ls.folder_for(path)
    await folder.ready.wait()
    opened = ls.open_document(uri)
    if opened is not None:
        text = opened.source
    else:
        try:
            text = decode(files.read_bytes(path))
        except (OSError, DecodeError):
            return None
    lines = convert.split_lines(text)
    starts = convert.line_starts(text)
    offset = 0
    if position is not None:
        offset = convert.offset_of(text, convert.position_of(position, lines, ls.encoding), starts)
    return Document(uri, path, text, lines, offset, folder, path.suffix != ".py", starts)


# A module jedi infers Django's models for, as a first hover would (the file is never written).
_WARM_UP = "from django.db import models\n\n\nclass WarmUp(models.Model):\n    name = models.CharField()\n"


async def warm_jedi(ls: DjangoExpertServer, folder: Folder) -> None:
    """Start jedi's child and let it read Django once, after indexing: the first general
    Python hover cost 1.2-2.9 s of "Loading…" otherwise (issue 16). Says so in the client's log."""
    from django_expert.analyzers.navigation.jedi_fallback import jedi_fallback

    if folder.root is None:
        return
    layout = folder.engine.projects[0].layout if folder.engine.projects else None
    started = time.monotonic()
    await on_jedi(jedi_fallback().hover, layout, folder.root / "__django_expert_warm_up__.py", _WARM_UP, 4, 20)
    ls.window_log_message(types.LogMessageParams(
        type=types.MessageType.Log, message=f"django-expert: jedi ready ({time.monotonic() - started:.1f} s)"))


async def on_jedi(function, *args, default=None):
    """Run a jedi call on jedi's own thread; failures give `default`."""
    try:
        return await asyncio.get_running_loop().run_in_executor(_JEDI, function, *args)
    except Exception:
        return default
