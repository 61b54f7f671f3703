"""General Python hover and definition through jedi, where Django knowledge has nothing to
add. Built in one place, lazily (importing jedi costs ~0.13 s), one jedi Project per
project root, with the project's source roots and its virtualenv's site-packages
(`layout.library_roots`) on the path. jedi reads source; it never imports the project.

jedi keeps the parso tree of every module it ever read (`parso.cache.parser_cache`, emptied
only of what was unused for 10 minutes once 600 modules are held): in a long-running server
that grew with each new name hovered. After every call the least recently used trees beyond
`PARSO_LINES` lines are dropped, and a project whose layout changed gets a new jedi Project.
"""

from __future__ import annotations

import logging
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


class JediFallback:
    def __init__(self, parso_lines: int = PARSO_LINES) -> None:
        self._projects: dict[Path, tuple[list[str], object]] = {}  # root -> (its sys.path additions, Project)
        self._lock = threading.Lock()
        self.parso_lines = parso_lines

    def _project(self, layout: ProjectLayout | None, path: Path):
        import jedi

        root = layout.root if layout is not None else path.parent
        extra = [str(p) for p in (*(layout.source_roots if layout else ()),
                                  *(layout.library_roots if layout else ()))]
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


_INSTANCE: JediFallback | None = None


def jedi_fallback() -> JediFallback:
    """The process's one JediFallback (created on first use)."""
    global _INSTANCE
    if _INSTANCE is None:
        _INSTANCE = JediFallback()
    return _INSTANCE
