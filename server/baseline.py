"""The baseline: findings a team has chosen to live with for now, so `check` fails only on new ones.

A finding is keyed without its line: rule code, path relative to its project root, the
symbol enclosing it (`Class.method`, a setting; the same one recorded decisions use), and a
fingerprint of its message with line and column numbers taken out. Moving code keeps every
key; a second identical finding in the same symbol is new, because the baseline counts
each key. The file is JSON, sorted, so it diffs well in review.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from django_expert.analyzers.findings import Finding, Severity

VERSION = 1
# Numbers a message may carry that move with the code: "line 42", "models.py:42:8", "#L42".
_POSITIONS = re.compile(r"(?<=\bline )\d+|(?<=\blines )\d+(?:[-–]\d+)?|(?<=\.py:)\d+(?::\d+)?|(?<=#L)\d+")


class BaselineError(ValueError):
    """A baseline file that cannot be read, with a one-line message naming it."""


@dataclass(frozen=True, order=True)
class Key:
    code: str
    path: str  # relative to the project root, with forward slashes
    symbol: str  # the enclosing symbol, "" at module level
    fingerprint: str

    def to_json(self, count: int, message: str) -> dict:
        return {"code": self.code, "path": self.path, "symbol": self.symbol, "fingerprint": self.fingerprint,
                "count": count, "message": message}


def fingerprint(message: str) -> str:
    """A short digest of a message, its positions left out."""
    return hashlib.sha256(_POSITIONS.sub("#", " ".join(message.split())).encode()).hexdigest()[:16]


def key_of(engine, finding: Finding) -> Key:
    from django_expert.server.engagement.decisions import symbol_of  # the one enclosing-symbol rule

    state = engine.state(Path(finding.path))
    root = state.project.layout.root if state is not None and state.project is not None else None
    path = Path(finding.path)
    try:
        relative = path.relative_to(root).as_posix() if root is not None else path.as_posix()
    except ValueError:
        relative = path.as_posix()
    return Key(finding.code, relative, symbol_of(engine, finding) or "", fingerprint(finding.message))


@dataclass(frozen=True)
class Baseline:
    counts: dict[Key, int]

    @classmethod
    def of(cls, engine, findings: Iterable[Finding]) -> Baseline:
        return cls(dict(Counter(key_of(engine, f) for f in findings)))

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise BaselineError(f"{path}: cannot read the baseline: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise BaselineError(f"{path}: not a django-expert baseline (invalid JSON: {error})") from None
        entries = document.get("findings") if isinstance(document, dict) else None
        if not isinstance(entries, list) or document.get("version") != VERSION:
            raise BaselineError(f"{path}: not a django-expert baseline (expected version {VERSION} and a 'findings' list)")
        counts: dict[Key, int] = {}
        for number, entry in enumerate(entries, 1):
            try:
                key = Key(*(entry[name] for name in ("code", "path", "symbol", "fingerprint")))
                count = entry.get("count", 1)
                if not all(isinstance(part, str) for part in (key.code, key.path, key.symbol, key.fingerprint)) or \
                        not isinstance(count, int) or isinstance(count, bool) or count < 1:
                    raise TypeError
            except (KeyError, TypeError, AttributeError):
                raise BaselineError(f"{path}: baseline entry {number} needs code, path, symbol, fingerprint "
                                    f"(strings) and a positive count") from None
            counts[key] = counts.get(key, 0) + count
        return cls(counts)

    def write(self, path: Path, messages: dict[Key, str]) -> None:
        entries = [key.to_json(count, messages.get(key, "")) for key, count in sorted(self.counts.items())]
        text = json.dumps({"version": VERSION, "tool": "django-expert", "findings": entries}, indent=2,
                          ensure_ascii=False)
        Path(path).write_text(text + "\n", encoding="utf-8")

    def split(self, engine, findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(new, baselined): each key takes as many findings, in file order, as it counts."""
        left = dict(self.counts)
        new, known = [], []
        for finding in sorted(findings, key=lambda f: f.sort_key):
            key = key_of(engine, finding)
            if left.get(key, 0) > 0:
                left[key] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


def write_baseline(engine, findings: list[Finding], path: Path) -> int:
    """Write the baseline of `findings` to `path`; the number of findings it holds."""
    keys = [key_of(engine, f) for f in findings]
    messages = {key: f.message for key, f in zip(keys, findings, strict=True)}
    Baseline(dict(Counter(keys))).write(path, messages)
    return len(findings)


def as_hint(finding: Finding) -> Finding:
    """A baselined finding as the editor shows it: a hint that says so."""
    return replace(finding, severity=Severity.HINT, message=f"{finding.message} (baselined)")


_LOADED: dict[Path, tuple[float, Baseline | None]] = {}


def configured(engine, path: Path) -> Baseline | None:
    """The baseline the project of `path` configures (`baseline = "FILE"`, relative to its
    root), read again only when the file changed; None when unset or unreadable (logged)."""
    import logging

    state = engine.state(Path(path))
    project = state.project if state is not None else None
    if project is None or not project.config.baseline:
        return None
    file = project.layout.root / project.config.baseline
    try:
        stamp = file.stat().st_mtime
    except OSError:
        return None
    cached = _LOADED.get(file)
    if cached is None or cached[0] != stamp:
        try:
            cached = _LOADED[file] = (stamp, Baseline.load(file))
        except BaselineError as error:
            logging.getLogger(__name__).warning("%s", error)
            cached = _LOADED[file] = (stamp, None)
    return cached[1]


def present_baselined(engine, path: Path, findings: list[Finding]) -> list[Finding]:
    """The findings of one file, in their order, those its project's baseline holds as hints."""
    baseline = configured(engine, path) if findings else None
    if baseline is None:
        return findings
    _, known = baseline.split(engine, findings)
    held = {id(f) for f in known}
    return [as_hint(f) if id(f) in held else f for f in findings]
