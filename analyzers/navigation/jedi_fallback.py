"""General Python hover and definition through jedi, where Django knowledge has nothing to
add. Built in one place, lazily (importing jedi costs ~0.13 s), one jedi Project per
project root, with the project's source roots and its virtualenv's site-packages
(`layout.library_roots`) on the path. jedi reads source; it never imports the project.

jedi keeps the parso tree of every module it ever read (`parso.cache.parser_cache`, emptied
only of what was unused for 10 minutes once 600 modules are held): in a long-running server
that grew with each new name hovered. After every call the least recently used trees beyond
`PARSO_LINES` lines are dropped, and a project whose layout changed gets a new jedi Project.

The language server runs jedi in a child process of its own (`JediProcess`), started on the
first hover and started again when it holds more than `MAX_RSS_MB` or does not answer in
`TIMEOUT` seconds. In the server's own heap jedi's parso trees and inference states, loaded
and dropped with each call between the long-lived models, fragmented pymalloc's arenas: RSS
grew x1.80 (shop sample) and x1.30 (healthchecks) over 10,000 fuzz edits
(tests/benchmarks/fuzz_lsp.py, seed 11) with every Python object accounted for, against
x1.08 on the shop without jedi requests. The child is isolated (`python -I`, the server's
own `sys.path`), so nothing of the project is imported in it either.
"""

from __future__ import annotations

import logging
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.source import Span

if TYPE_CHECKING:
    from django_expert.analyzers.project.layout import ProjectLayout

log = logging.getLogger(__name__)
_MAX_DOC = 1500
# parso's trees cost about 1.2 KB a source line (tracemalloc in tests/benchmarks/fuzz_lsp.py:
# +9 MB for 7,500 more lines of Django and typeshed modules): 50,000 lines is about 60 MB,
# room for the modules a session hovers most (builtins.pyi alone is ~2,000 lines); a dropped
# tree is read again from parso's disk cache when jedi needs it.
PARSO_LINES = 50_000
# The child process is started again past this resident size (jedi and 50,000 lines of parso
# trees take about 150 MB), or when a call takes longer than TIMEOUT seconds.
MAX_RSS_MB = 400
TIMEOUT = 10.0


class JediFallback:
    def __init__(self, parso_lines: int = PARSO_LINES) -> None:
        self._projects: dict[Path, tuple[list[str], object]] = {}  # root -> (its sys.path additions, Project)
        self._lock = threading.Lock()
        self.parso_lines = parso_lines

    def _project(self, layout: ProjectLayout | None, path: Path):
        import jedi

        root, extra = _roots(layout, path)
        with self._lock:
            known = self._projects.get(root)
            if known is None or known[0] != extra:  # new, or the layout changed (a virtualenv added)
                known = self._projects[root] = (extra, jedi.Project(
                    path=str(root), added_sys_path=extra, smart_sys_path=True, load_unsafe_extensions=False))
        return known[1]

    def _script(self, layout: ProjectLayout | None, path: Path, text: str):
        import jedi

        return jedi.Script(code=text, path=str(path), project=self._project(layout, path))

    def hover(self, layout: ProjectLayout | None, path: Path, text: str, line: int, column: int) -> str | None:
        """Markdown for the name at a 0-based line and code-point column, or None."""
        try:
            names = self._script(layout, path, text).help(line + 1, column)
        except Exception:  # jedi on half-written code: no answer rather than an error
            log.debug("jedi hover failed", exc_info=True)
            return None
        finally:
            bound_parso_cache(self.parso_lines)
        for name in names:
            if name.type == "keyword":
                continue
            try:
                signatures = [s.to_string() for s in name.get_signatures()]
            except Exception:  # noqa: BLE001 - a signature jedi cannot build: the name alone
                signatures = []
            head = signatures[0] if signatures else f"{name.type} {name.full_name or name.name}"
            doc = (name.docstring(raw=True) or "").strip()
            if len(doc) > _MAX_DOC:
                doc = doc[:_MAX_DOC] + " …"
            return f"```python\n{head}\n```" + (f"\n\n{doc}" if doc else "")
        return None

    def definition(self, layout: ProjectLayout | None, path: Path, text: str, line: int, column: int
                   ) -> list[tuple[Path, Span]]:
        try:
            names = self._script(layout, path, text).goto(line + 1, column, follow_imports=True)
        except Exception:
            log.debug("jedi definition failed", exc_info=True)
            return []
        finally:
            bound_parso_cache(self.parso_lines)
        places = []
        for name in names:
            if name.module_path is None or name.line is None:
                continue
            start = name.column or 0
            places.append((Path(name.module_path), Span.of(name.line - 1, start, name.line - 1,
                                                           start + len(name.name or ""))))
        return places


def _roots(layout: ProjectLayout | None, path: Path) -> tuple[Path, list[str]]:
    """The jedi Project's root and its sys.path additions for a file of this layout."""
    root = layout.root if layout is not None else path.parent
    extra = [str(p) for p in (*(layout.source_roots if layout else ()), *(layout.library_roots if layout else ()))]
    return root, extra


class _Layout:
    """What jedi reads of a ProjectLayout, sent to the child process (a layout is not sent)."""

    def __init__(self, root: Path, extra: list[str]) -> None:
        self.root = root
        self.source_roots = [Path(p) for p in extra]
        self.library_roots: list[Path] = []


class JediProcess:
    """`JediFallback`'s hover and definition, answered by a child process running it (see the
    module's docstring). Calls are serialised; a child that dies, answers garbage or takes
    longer than `timeout` seconds gives no answer and is replaced on the next call."""

    def __init__(self, max_rss_mb: float = MAX_RSS_MB, timeout: float = TIMEOUT) -> None:
        self.max_rss_mb = max_rss_mb
        self.timeout = timeout
        self.starts = 0  # children started, for tests and the fuzz benchmark
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def hover(self, layout: ProjectLayout | None, path: Path, text: str, line: int, column: int) -> str | None:
        return self._call("hover", layout, path, text, line, column, None)

    def definition(self, layout: ProjectLayout | None, path: Path, text: str, line: int, column: int
                   ) -> list[tuple[Path, Span]]:
        return self._call("definition", layout, path, text, line, column, [])

    def _call(self, method: str, layout: ProjectLayout | None, path: Path, text: str, line: int, column: int,
              default):
        root, extra = _roots(layout, path)
        request = pickle.dumps((method, str(root), extra, str(path), text, line, column), pickle.HIGHEST_PROTOCOL)
        with self._lock:
            process = self._running()
            watchdog = threading.Timer(self.timeout, process.kill)  # a kill ends the read below
            watchdog.start()
            try:
                _send(process.stdin, request)
                answer = pickle.loads(_receive(process.stdout))
            except Exception:  # noqa: BLE001 - dead, killed or garbled: no answer, a new child next time
                log.debug("jedi process failed", exc_info=True)
                self._stop()
                return default
            finally:
                watchdog.cancel()
            if (_rss_mb(process.pid) or 0) > self.max_rss_mb:
                self._stop()
            return answer

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        path = [entry for entry in sys.path if entry]  # never the working directory
        code = (f"import sys; sys.path[:] = {path!r}; "
                "from django_expert.analyzers.navigation.jedi_fallback import serve_child; serve_child()")
        self._process = subprocess.Popen([sys.executable, "-I", "-c", code], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=None)
        self.starts += 1
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        with self._lock:
            self._stop()


def _send(stream, payload: bytes) -> None:
    stream.write(struct.pack("<I", len(payload)) + payload)
    stream.flush()


def _receive(stream) -> bytes:
    head = stream.read(4)
    if len(head) != 4:
        raise EOFError("the jedi process closed its output")
    size = struct.unpack("<I", head)[0]
    payload = stream.read(size)
    if len(payload) != size:
        raise EOFError("the jedi process closed its output")
    return payload


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def serve_child() -> None:
    """The child process: requests on stdin, answers on stdout, until stdin closes."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    fallback = JediFallback()
    while True:
        try:
            method, root, extra, path, text, line, column = pickle.loads(_receive(requests))
        except EOFError:
            return
        layout = _Layout(Path(root), extra)
        answer = getattr(fallback, method)(layout, Path(path), text, line, column)  # type: ignore[arg-type]
        _send(answers, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


def bound_parso_cache(limit: int) -> int:
    """Drop parso's least recently used module trees until at most `limit` source lines are
    held; returns how many were dropped. Runs on the thread that runs jedi, between calls."""
    from parso import cache

    held = [(item.last_used, grammar, path, len(item.lines or ()))
            for grammar, by_path in cache.parser_cache.items() for path, item in by_path.items()]
    total = sum(lines for *_, lines in held)
    dropped = 0
    for _, grammar, path, lines in sorted(held, key=lambda entry: entry[0]):
        if total <= limit:
            break
        del cache.parser_cache[grammar][path]
        total -= lines
        dropped += 1
    return dropped


_INSTANCE: JediProcess | None = None


def jedi_fallback() -> JediProcess:
    """The process's one jedi, in its child process (created on first use)."""
    global _INSTANCE
    if _INSTANCE is None:
        _INSTANCE = JediProcess()
    return _INSTANCE
