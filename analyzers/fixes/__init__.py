"""Fixes: computed on demand with libcst, returned as minimal text edits.

A rule's fixer receives a `FixSource` (the file's text, its libcst tree parsed once, the
project model) and the finding; it rewrites the tree and `FixSource.fix()` turns the new
code into the smallest edits, so formatting and comments elsewhere stay untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.findings import Applicability, Edit, Finding, Fix
from django_expert.analyzers.source import LineIndex, Position, Span, split_lines

if TYPE_CHECKING:
    import libcst

    from django_expert.analyzers.project.model import ProjectModel

log = logging.getLogger(__name__)


@dataclass
class FixSource:
    path: str
    text: str
    project: ProjectModel | None

    @cached_property
    def module(self) -> libcst.Module:
        import libcst

        return libcst.parse_module(self.text)

    @cached_property
    def parses(self) -> bool:
        """Whether libcst reads the text: an unsaved buffer being typed may not, and its
        findings (from the last text that parsed) then have no fix."""
        try:
            self.module  # noqa: B018 - parsed once, kept for the fixers
        except Exception:
            return False
        return True

    def fix(self, title: str, applicability: Applicability, new_text: str) -> Fix | None:
        """A Fix replacing this file's text by `new_text`, as minimal line-range edits."""
        edits = tuple(minimal_edits(self.path, self.text, new_text))
        return Fix(title, applicability, edits) if edits else None


def minimal_edits(path: str, old: str, new: str) -> list[Edit]:
    """The replaced line ranges between two texts (difflib opcodes over lines). A fix changes
    a few statements: the lines both texts start and end with are set aside first, so difflib
    compares only the changed middle, not the whole file per fix (27 fixes in one large
    module cost seconds)."""
    import difflib

    old_lines = split_lines(old)
    new_lines = split_lines(new)
    head = 0
    while head < len(old_lines) and head < len(new_lines) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (tail < len(old_lines) - head and tail < len(new_lines) - head
           and old_lines[-1 - tail] == new_lines[-1 - tail]):
        tail += 1
    edits = []
    matcher = difflib.SequenceMatcher(a=old_lines[head:len(old_lines) - tail], b=new_lines[head:len(new_lines) - tail],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        start = Position(i1, 0)
        end = Position(i2, 0)
        if i2 == len(old_lines) and old_lines and not old_lines[-1].endswith(("\n", "\r")):
            # The last line has no newline: end at its end instead of past the file.
            end = Position(i2 - 1, len(old_lines[-1]))
        edits.append(Edit(path, Span(start, end), "".join(new_lines[j1:j2])))
    return edits


def apply_edits(text: str, edits: list[Edit] | tuple[Edit, ...]) -> str:
    """Apply non-overlapping edits (code-point spans) to a text, last first."""
    index = LineIndex(text)
    for edit in sorted(edits, key=lambda e: (e.span.start.line, e.span.start.column), reverse=True):
        start, end = index.offset(edit.span.start), index.offset(edit.span.end)
        text = text[:start] + edit.content + text[end:]
        index = LineIndex(text)
    return text


def compute_fix(finding: Finding, source: FixSource) -> Fix | None:
    """The fix for a finding whose rule offers one; None if the code moved on or it failed.
    `source` may be shared by the findings of one file (its libcst tree is parsed once)."""
    from django_expert.analyzers.rules.registry import fixer_for

    if finding.fixable is Applicability.NONE:
        return None
    function = fixer_for(finding.code)
    if function is None or not source.parses:
        return None
    try:
        return function(source, finding)
    except Exception:
        log.exception("fix for %s in %s failed", finding.code, Path(finding.path).name)
        return None
