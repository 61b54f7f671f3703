"""A fix (minimal text edits) shown as a unified diff, the way a reviewer proposes a change."""

from __future__ import annotations

import difflib
from pathlib import Path

from django_expert.analyzers.findings import Fix
from django_expert.analyzers.source import DecodeError, LineIndex, decode


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return decode(data)
    except DecodeError:
        return None


def apply_edits(text: str, edits) -> str:
    index = LineIndex(text)
    ordered = sorted(edits, key=lambda e: (e.span.start.line, e.span.start.column), reverse=True)
    for edit in ordered:
        start, end = index.offset(edit.span.start), index.offset(edit.span.end)
        text = text[:start] + edit.content + text[end:]
        index = LineIndex(text)
    return text


def unified_diff(fix: Fix, root: Path, context: int = 2, texts: dict[str, str] | None = None) -> str | None:
    """The diff of `fix` against the files on disk (paths relative to `root`); None when a file
    cannot be read or the fix changes nothing."""
    by_file: dict[str, list] = {}
    for edit in fix.edits:
        by_file.setdefault(edit.path, []).append(edit)
    chunks: list[str] = []
    for path, edits in sorted(by_file.items()):
        before = (texts or {}).get(path) or _text(Path(path))
        if before is None:
            return None
        after = apply_edits(before, edits)
        if after == before:
            continue
        try:
            name = Path(path).relative_to(root).as_posix()
        except ValueError:
            name = Path(path).name
        diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                    f"a/{name}", f"b/{name}", n=context)
        chunk = "".join(line if line.endswith("\n") else line + "\n" for line in diff)
        chunks.append(chunk)
    return "".join(chunks) or None
