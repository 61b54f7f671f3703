"""Large answers in pages: a list cut at an opaque cursor, with the cursor of the next page.

A cursor is the offset of the page's first item as a string; a cursor that is not one is
a clear error, never a silent first page (an agent would loop on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PagingError(ValueError):
    """A cursor or a limit the caller must fix."""


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    next_cursor: str | None

    def to_json(self, key: str) -> dict:
        return {key: self.items, "total": self.total, "next_cursor": self.next_cursor}


def page(items: Sequence, cursor: str | None = None, limit: int | None = None) -> Page:
    """The items from `cursor` on, at most `limit` (default 50, at most 200) of them."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise PagingError(f"limit must be between 1 and {MAX_LIMIT}, not {size}")
    start = 0
    if cursor:
        if not cursor.isdigit() or int(cursor) > len(items):
            raise PagingError(f"cursor {cursor!r} is not one this server gave (pass the next_cursor of a page)")
        start = int(cursor)
    end = start + size
    return Page(list(items[start:end]), len(items), str(end) if end < len(items) else None)
