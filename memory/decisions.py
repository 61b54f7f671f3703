"""Decisions a team recorded about findings, as one Markdown list item each.

The line django-expert writes, under a `## Decisions` heading of `architecture_notes.md`::

    - 2026-11-24 accepted DJE304 at catalog/views.py::ProductViewSet: public catalogue is intentionally open

that is `- <date> <status> <code> [at <target>]: <reason>`. Reading is lenient, because
people write these lines by hand: the bullet, the date and the target are optional, the
words may come in another order (`- DJE304 accepted: ...`), dates may be bracketed,
codes lowercase, words in backticks or bold, and the reason may follow `:`, `—` or `-`.
A line that has no rule code or no status is not a decision and is ignored.

Statuses: `accepted` (the finding is right but the code is intended: shown as accepted,
as a hint, with the reason), `rejected` (the finding does not apply here: shown the same
way, labelled rejected), `todo` (the finding is confirmed and planned: keeps its severity,
the reason is shown). The target is stable across edits: a path relative to the project
root, optionally `::` and a dotted symbol (`Class`, `Class.method`, `SETTING_NAME`); no
line numbers. No target means every finding with that code in the project.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

STATUSES = ("accepted", "rejected", "todo")
_STATUS_WORDS = {
    "accepted": "accepted",
    "accept": "accepted",
    "intended": "accepted",
    "rejected": "rejected",
    "reject": "rejected",
    "dismissed": "rejected",
    "todo": "todo",
    "to-do": "todo",
}
_CODE = re.compile(r"^DJE\d{3}$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})[-/.](\d{2})[-/.](\d{2})$")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
_CONNECTORS = {"at", "in", "on", "for", "@"}
_SEPARATORS = {"-", "--", "—", "–", ":", "|"}
_WRAPPERS = "[](){}`*\"',;"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Decision:
    """One recorded decision. `source` says where it was read from (`file.md:12`)."""

    code: str
    status: str
    reason: str = ""
    target: str | None = None
    date: _dt.date | None = None
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        code = self.code.upper()
        if not _CODE.match(code):
            raise ValueError(f"{self.code!r} is not a rule code like DJE304")
        status = _STATUS_WORDS.get(self.status.lower())
        if status is None:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        target = normalise_target(self.target) if self.target else None
        if target is not None and (not target or any(ch.isspace() for ch in target) or target.endswith(":")):
            raise ValueError(f"target {self.target!r} must be a path and/or symbol without spaces")
        reason = " ".join(self.reason.split())
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "reason", reason)

    @property
    def demotes(self) -> bool:
        """Whether the finding it covers is shown as decided (a hint) instead of at its severity."""
        return self.status in ("accepted", "rejected")

    def to_line(self) -> str:
        """The Markdown list item that records this decision (without a line ending)."""
        parts = ["-"]
        if self.date is not None:
            parts.append(self.date.isoformat())
        parts += [self.status, self.code]
        if self.target:
            parts += ["at", self.target]
        line = " ".join(parts)
        return f"{line}: {self.reason}" if self.reason else line

    def applies_to(self, code: str, path: str | None = None, symbol: str | None = None) -> bool:
        """Whether this decision covers a finding of `code` in `path` (relative or absolute)
        inside `symbol` (dotted, like `ProductViewSet.get_queryset`)."""
        if code.upper() != self.code:
            return False
        if self.target is None:
            return True
        target_path, target_symbol = split_target(self.target)
        if target_path is not None and not _same_path(target_path, path):
            return False
        if target_symbol is not None:
            return bool(symbol) and (symbol == target_symbol or symbol.startswith(target_symbol + "."))
        return True

    @property
    def specificity(self) -> int:
        if self.target is None:
            return 0
        target_path, target_symbol = split_target(self.target)
        return (2 if target_path else 0) + (1 if target_symbol else 0)


def normalise_target(target: str) -> str:
    target = target.strip().strip("`").replace("\\", "/")
    while target.startswith("./"):
        target = target[2:]
    return target


def split_target(target: str) -> tuple[str | None, str | None]:
    """(path, symbol) of a target: `a/b.py::Cls` -> both; `a/b.py` -> path; `Cls` -> symbol."""
    path, sep, symbol = target.partition("::")
    if sep:
        return (path or None), (symbol or None)
    if "/" in target or target.endswith(".py"):
        return target, None
    return None, target


def _same_path(target_path: str, path: str | None) -> bool:
    if not path:
        return False
    path = normalise_target(path)
    return path == target_path or path.endswith("/" + target_path)


def decision_for(decisions: Iterable[Decision], code: str, path: str | None = None, symbol: str | None = None) -> Decision | None:
    """The decision that covers a finding: the most specific target wins, then the latest line."""
    best: Decision | None = None
    for decision in decisions:
        if decision.applies_to(code, path, symbol) and (best is None or decision.specificity >= best.specificity):
            best = decision
    return best


def _is_path(token: str) -> bool:
    return "/" in token or "::" in token or token.endswith(".py")


def _looks_like_target(token: str, loose: bool) -> bool:
    if _is_path(token):
        return True
    if not _IDENTIFIER.match(token):
        return False
    if loose:  # after "at"/"on"/...: any class-like or dotted or snake_case name
        return token[0].isupper() or "." in token or "_" in token.strip("_")
    # bare: CamelCase (two capitals), dotted, or SETTING_NAME / snake_case
    return sum(ch.isupper() for ch in token) >= 2 or "." in token or "_" in token.strip("_")


def _parse_date(token: str) -> _dt.date | None:
    match = _DATE.match(token)
    if not match:
        return None
    try:
        return _dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_decision(line: str, source: str | None = None) -> Decision | None:
    """The decision written on `line`, or None when it is not one. Never raises."""
    text = line.strip()
    bullet = _BULLET.match(line)
    if bullet:
        text = line[bullet.end() :].strip()
    elif text.startswith(("<!--", "#", ">")):
        return None
    tokens = list(re.finditer(r"\S+", text))
    code = status = target = None
    date = None
    reason = ""
    index = 0
    while index < len(tokens):
        match = tokens[index]
        raw = match.group()
        if raw in _SEPARATORS:
            reason = text[match.end() :]
            break
        core = raw.strip(_WRAPPERS)
        ends_colon = core.endswith(":") and not core.endswith("::")
        if ends_colon:
            core = core.rstrip(":").strip(_WRAPPERS)
        lowered = core.lower()
        if not core or raw.lower() == "[x]":  # stray punctuation, a task-list checkbox
            pass
        elif date is None and _DATE.match(core):
            date = _parse_date(core)  # an impossible date (2026-13-45) is dropped, the line still counts
        elif status is None and lowered in _STATUS_WORDS:
            status = _STATUS_WORDS[lowered]
        elif code is None and _CODE.match(core):
            code = core.upper()
        elif target is None and lowered in _CONNECTORS and index + 1 < len(tokens):
            following = tokens[index + 1].group().strip(_WRAPPERS)
            following_colon = following.endswith(":") and not following.endswith("::")
            following = following.rstrip(":").strip(_WRAPPERS) if following_colon else following
            if not _looks_like_target(following, loose=True):
                reason = text[match.start() :]
                break
            target = following
            index += 1
            if following_colon and code and status:
                reason = text[tokens[index].end() :]
                break
        elif target is None and _looks_like_target(core, loose=False) and (code is not None or _is_path(core)):
            target = core
        else:
            reason = text[match.start() :]
            break
        if ends_colon and code and status:
            reason = text[match.end() :]
            break
        index += 1
    if code is None or status is None:
        return None
    reason = reason.strip().lstrip(":—–-|").strip()
    try:
        return Decision(code=code, status=status, reason=reason, target=target, date=date, source=source)
    except ValueError:
        return None


def decisions_in(lines: Iterable[str], source_name: str, first_line: int = 0) -> list[Decision]:
    """The decisions on `lines` (0-based index `first_line` for the first), in order."""
    found = []
    for offset, line in enumerate(lines):
        decision = parse_decision(line, f"{source_name}:{first_line + offset + 1}")
        if decision is not None:
            found.append(decision)
    return found


def same_decision(a: Decision, b: Decision) -> bool:
    """Equal in what they say (the date and where they were read from aside)."""
    return (a.code, a.status, a.target, a.reason) == (b.code, b.status, b.target, b.reason)
