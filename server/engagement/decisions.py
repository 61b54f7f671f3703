"""Recorded decisions applied to findings: shared by `check`, the language server and the engagement.

A team records "this finding is intended" once (`record_decision`, the LSP command
`django-expert.recordDecision`, or by hand in `architecture_notes.md`); from then on every
front end presents the finding the same way: `accepted` and `rejected` decisions turn it
into a hint carrying the reason (`Finding.accepted`), a `todo` decision keeps its severity
and appends the reason to the message.

A decision's target is a path relative to the project root and a dotted symbol, never a
line number, so it survives edits. `symbol_of(engine, finding)` computes the symbol that
encloses a finding from the facts' `Locations` (the innermost class, `Class.method`,
`Class.attribute`, module-level function, or the setting a module-level statement assigns).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from django_expert.analyzers.findings import Finding
from django_expert.memory import Decision, MarkdownMemoryStore, decision_for, slugify_project

log = logging.getLogger(__name__)

SKILL = "django"
STATE_FILE = ".django-expert/engagement.json"

SymbolOf = Callable[[Finding], "str | None"]


# -- the enclosing symbol ---------------------------------------------------------------------


def _contains(span, line: int, column: int) -> bool:
    start, end = span.start, span.end
    return (start.line, start.column) <= (line, column) <= (end.line, end.column)


def _size(span) -> tuple[int, int]:
    return (span.end.line - span.start.line, span.end.column - span.start.column)


def symbol_at(facts, locations, line: int, column: int) -> str | None:
    """The dotted symbol enclosing a 0-based position, from a file's facts and locations.

    Methods give `Class.method`, class attributes `Class.attr` (what `Meta` holds belongs
    to its class), module-level functions their name, a module-level statement the name
    it binds (a setting: `SECURE_HSTS_SECONDS`). Module-level calls and positions outside
    every definition give None.
    """
    if locations is None:
        return None
    best_key, best_span = None, None
    for key, span in locations.spans.items():
        if key.startswith("call:") or not _contains(span, line, column):
            continue
        if best_span is None or _size(span) < _size(best_span) or (
            _size(span) == _size(best_span) and len(key) > len(best_key or "")
        ):
            best_key, best_span = key, span
    if best_key is None:
        return None
    if best_key.startswith("stmt:"):
        try:
            index = int(best_key[5:])
            return facts.statements[index].name if facts is not None else None
        except (ValueError, IndexError):
            return None
    parts = best_key.split(".")
    if len(parts) >= 2 and parts[1] == "Meta":
        return parts[0]
    return ".".join(parts[:2])


def symbol_of(engine, finding: Finding) -> str | None:
    """The symbol enclosing `finding` in the engine's current facts of its file."""
    state = engine.state(Path(finding.path)) if engine is not None else None
    if state is None:
        return None
    start = finding.span.start
    return symbol_at(state.facts, state.locations, start.line, start.column)


def relative_path(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


# -- applying decisions -------------------------------------------------------------------------


def presented(finding: Finding, decision: Decision | None) -> Finding:
    """The finding as a recorded decision presents it (unchanged when there is none)."""
    if decision is None:
        return finding
    reason = decision.reason or "no reason given"
    if decision.status == "accepted":
        return replace(finding, accepted=reason)
    if decision.status == "rejected":
        return replace(finding, accepted=f"rejected: {reason}")
    return replace(finding, message=f"{finding.message} (todo: {reason})")  # todo keeps its severity


def apply_decisions(
    findings: Iterable[Finding],
    decisions: Sequence[Decision],
    project_root: str | os.PathLike[str],
    symbol_of: SymbolOf | None = None,
) -> list[Finding]:
    """The findings with every recorded decision applied (`decision_for`: the most specific
    target wins, then the line written last). `symbol_of(finding)` names the symbol that
    encloses a finding (see `symbol_of` in this module); without it only decisions that
    target a code or a path apply."""
    root = Path(project_root)
    out = []
    for finding in findings:
        if not decisions:
            out.append(finding)
            continue
        relative = relative_path(finding.path, root)
        symbol = symbol_of(finding) if symbol_of is not None else None
        out.append(presented(finding, decision_for(decisions, finding.code, relative, symbol)))
    return out


def decision_of(finding: Finding, decisions: Sequence[Decision], project_root: Path, symbol: str | None) -> Decision | None:
    return decision_for(decisions, finding.code, relative_path(finding.path, project_root), symbol)


# -- where a project's decisions live --------------------------------------------------------------


def project_name(layout, config=None, explicit: str | None = None, recorded: str | None = None) -> str:
    """The project's name before slugifying (OUTPUT_CONVENTIONS.md "The project slug"):
    the explicit name, else `project-name` from the configuration, else the name the last
    engagement used, else the package holding the settings module, else the root folder."""
    for candidate in (explicit, getattr(config, "project_name", None), recorded):
        if candidate is not None:
            return candidate
    if layout.settings_module:
        return layout.settings_module.split(".")[0]
    return layout.root.name


def recorded_slug(workspace: Path, project_root: Path) -> str | None:
    """The slug the last engagement of this project used (engagement.json), if any."""
    for base in dict.fromkeys((Path(workspace), Path(project_root))):
        try:
            data = json.loads((base / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        root = data.get("project_root")
        slug = data.get("slug")
        if isinstance(slug, str) and isinstance(root, str):
            try:
                if (Path(base) / root).resolve() == Path(project_root).resolve() and slugify_project(slug) == slug:
                    return slug
            except (OSError, ValueError):
                continue
    return None


def project_slug(layout, config=None, explicit: str | None = None, workspace: Path | None = None) -> str:
    """The slug of a project's memory and report names; ValueError for a name with no letter or digit."""
    recorded = recorded_slug(workspace or layout.root, layout.root) if explicit is None else None
    return slugify_project(project_name(layout, config, explicit, recorded))


_CACHE: dict[tuple[str, str, str], tuple[tuple, list[Decision]]] = {}


def load_decisions(project_root: Path, memory_dir: str, slug: str) -> list[Decision]:
    """The decisions recorded in a project's django memory (re-read only when a memory file
    changed). Raises ValueError when `memory_dir` leaves the project."""
    store = MarkdownMemoryStore(project_root, memory_dir)
    directory = store.directory(SKILL, slug)
    try:
        stamp = tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in directory.iterdir()
                             if e.name.endswith(".md")))
    except OSError:
        return []
    key = (str(project_root), memory_dir, slug)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    decisions = list(store.get_skill_memory(SKILL, slug).decisions)
    _CACHE[key] = (stamp, decisions)
    return decisions


def decisions_for_project(project_state, workspace: Path | None = None) -> tuple[Path, list[Decision]]:
    """(project root, decisions) of one of the engine's projects; no decisions when its
    memory folder is misconfigured (that error is reported by `engage`)."""
    layout, config = project_state.layout, project_state.config
    try:
        slug = project_slug(layout, config, workspace=workspace)
        return layout.root, load_decisions(layout.root, config.memory_dir, slug)
    except ValueError as error:
        log.warning("recorded decisions not read: %s", error)
        return layout.root, []


def present(engine, findings: Iterable[Finding], workspace: Path | None = None) -> list[Finding]:
    """`findings` of any of the engine's files with their project's recorded decisions
    applied: what `check` prints and the language server publishes."""
    findings = list(findings)
    if not findings:
        return findings
    by_project: dict[int, tuple] = {}
    out = []
    for finding in findings:
        state = engine.state(Path(finding.path))
        project = state.project if state is not None else None
        if project is None:
            out.append(finding)
            continue
        key = id(project)
        if key not in by_project:
            by_project[key] = decisions_for_project(project, workspace)
        root, decisions = by_project[key]
        out.extend(apply_decisions([finding], decisions, root, lambda f: symbol_of(engine, f)))
    return out


# -- recording --------------------------------------------------------------------------------------


def decision_target(engine, finding: Finding, project_root: Path) -> str:
    """`path::Symbol` (or the path alone) naming the finding's place without a line number."""
    relative = relative_path(finding.path, project_root)
    symbol = symbol_of(engine, finding)
    return f"{relative}::{symbol}" if symbol else relative


def record_decision(engine, finding: Finding, reason: str, status: str = "accepted", *,
                    project: str | None = None, workspace: Path | None = None) -> Decision:
    """Append a decision about `finding` to its project's architecture_notes.md.

    The target is `<path relative to the project root>::<enclosing symbol>`; `project`
    overrides the project name (else the name the engagement uses). Returns the decision
    written (or already there). Raises ValueError for a finding outside every project or
    an invalid status/memory folder, `MemoryWriteRefused`, `LockTimeout`.
    """
    state = engine.state(Path(finding.path))
    if state is None or state.project is None:
        raise ValueError(f"{finding.path}: not in a Django project of this workspace")
    layout, config = state.project.layout, state.project.config
    slug = project_slug(layout, config, explicit=project, workspace=workspace)
    decision = Decision(finding.code, status, reason, decision_target(engine, finding, layout.root))
    store = MarkdownMemoryStore(layout.root, config.memory_dir)
    store.record_decision(slug, decision, skill=SKILL)
    return decision


def find_finding(engine, path: str | os.PathLike[str], code: str, line: int, column: int | None = None) -> Finding | None:
    """The current finding of `code` in a file at a 0-based line (and column), as a code
    action or command names it."""
    candidates = [f for f in engine.findings(Path(path)) if f.code == code.upper() and f.span.start.line == line]
    if column is not None:
        exact = [f for f in candidates if f.span.start.column == column]
        candidates = exact or candidates
    return candidates[0] if candidates else None
