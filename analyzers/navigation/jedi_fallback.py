"""General Python hover and definition through jedi, where Django knowledge has nothing to
add. Built in one place, lazily (importing jedi costs ~0.13 s), one jedi Project per
project root, with the project's source roots and its virtualenv's site-packages
(`layout.library_roots`) on the path. jedi reads source; it never imports the project.
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


class JediFallback:
    def __init__(self) -> None:
        self._projects: dict[Path, object] = {}
        self._lock = threading.Lock()

    def _project(self, layout: ProjectLayout | None, path: Path):
        import jedi

        root = layout.root if layout is not None else path.parent
        with self._lock:
            project = self._projects.get(root)
            if project is None:
                extra = [str(p) for p in (*(layout.source_roots if layout else ()),
                                          *(layout.library_roots if layout else ()))]
                project = jedi.Project(path=str(root), added_sys_path=extra, smart_sys_path=True,
                                       load_unsafe_extensions=False)
                self._projects[root] = project
        return project

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
        places = []
        for name in names:
            if name.module_path is None or name.line is None:
                continue
            start = name.column or 0
            places.append((Path(name.module_path), Span.of(name.line - 1, start, name.line - 1,
                                                           start + len(name.name or ""))))
        return places


_INSTANCE: JediFallback | None = None


def jedi_fallback() -> JediFallback:
    """The process's one JediFallback (created on first use)."""
    global _INSTANCE
    if _INSTANCE is None:
        _INSTANCE = JediFallback()
    return _INSTANCE
