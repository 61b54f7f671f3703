"""The engagement's state: which of the six steps are done, when, with what inputs, and what
each produced, kept in `<workspace>/.django-expert/engagement.json` so that a later
session (another LSP start, the CLI) continues where the last one stopped.

The file is written atomically while the project's memory lock is held. Each step's result
is held as its typed value (`results.py`, `RESULTS`) and written as that value's JSON; a file
whose results do not read back is refused with an `EngagementError` naming the field.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django_expert.analyzers.source import printable_data
from django_expert.memory import atomic_write, safe_join
from django_expert.server.engagement.results import (
    ContextResult,
    EngagementError,
    GuidanceResult,
    MemoryResult,
    OutputResult,
    Record,
    ScopeResult,
)

SCHEMA = "django-expert.engagement/1"
STATE_FILE = ".django-expert/engagement.json"
STEPS = ("scope", "memory", "context", "analyze", "guidance", "output")
STEP_TITLES = {
    "scope": "Scope and plan",
    "memory": "Load memory",
    "context": "Load context",
    "analyze": "Analyze",
    "guidance": "Guidance",
    "output": "Output and memory",
}
COMMANDS = {
    "scope": "django-expert.scopeEngagement",
    "memory": "django-expert.loadMemory",
    "context": "django-expert.loadContext",
    "analyze": "django-expert.analyzeProject",
    "guidance": "django-expert.provideGuidance",
    "output": "django-expert.completeEngagement",
}


# The steps whose result is typed; the others' results are JSON records as written.
RESULTS: dict[str, type[Record]] = {"scope": ScopeResult, "memory": MemoryResult, "context": ContextResult,
                                    "guidance": GuidanceResult, "output": OutputResult}


def now() -> _dt.datetime:
    return _dt.datetime.now().astimezone()


def iso(moment: _dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


@dataclass
class StepRecord:
    name: str
    done: bool = False
    started: str | None = None
    finished: str | None = None
    seconds: float | None = None
    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)  # a short summary; the full result is in EngagementState.data
    error: str | None = None

    @property
    def title(self) -> str:
        return STEP_TITLES[self.name]

    def to_dict(self) -> dict:
        return {**asdict(self), "title": self.title, "command": COMMANDS[self.name]}


@dataclass
class EngagementState:
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    project: str | None = None
    slug: str | None = None
    project_root: str | None = None  # relative to the workspace
    goal: str | None = None
    started: str | None = None
    date: str | None = None  # local calendar date at the start (the report's name)
    finished: str | None = None
    report: str | None = None  # relative to the workspace
    steps: dict[str, StepRecord] = field(default_factory=lambda: {name: StepRecord(name) for name in STEPS})
    data: dict[str, Any] = field(default_factory=dict)  # step name -> its result (RESULTS' types, else JSON)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps.values())

    @property
    def next_step(self) -> str | None:
        return next((name for name in STEPS if not self.steps[name].done), None)

    def checklist(self) -> list[dict]:
        return [{"step": STEPS.index(name) + 1, "name": name, "title": STEP_TITLES[name], "done": record.done,
                 "started": record.started, "finished": record.finished, "seconds": record.seconds,
                 "inputs": record.inputs, "outputs": record.outputs, "error": record.error}
                for name, record in self.steps.items()]

    def to_dict(self, with_data: bool = True) -> dict:
        document = {
            "schema": SCHEMA, "id": self.id, "project": self.project, "slug": self.slug,
            "project_root": self.project_root, "goal": self.goal, "started": self.started, "date": self.date,
            "finished": self.finished, "report": self.report, "complete": self.complete,
            "next_step": self.next_step, "steps": [self.steps[name].to_dict() for name in STEPS],
        }
        if with_data:
            document["data"] = {name: result.to_json() if isinstance(result, Record) else result
                                for name, result in self.data.items()}
        return document

    @classmethod
    def from_dict(cls, document: dict) -> EngagementState | None:
        """The state `document` holds; None for another schema or a shape that is not a state,
        EngagementError for a step result that does not read back as its type."""
        state = cls._from_dict(document)
        if state is not None:
            for name, kind in RESULTS.items():
                if name in state.data:
                    state.data[name] = kind.from_json(state.data[name], f"step {STEPS.index(name) + 1} ({name})")
        return state

    @classmethod
    def _from_dict(cls, document: dict) -> EngagementState | None:
        if not isinstance(document, dict) or document.get("schema") != SCHEMA:
            return None
        try:
            steps = {}
            for item in document.get("steps") or []:
                name = item.get("name")
                if name in STEPS:
                    steps[name] = StepRecord(name, bool(item.get("done")), item.get("started"), item.get("finished"),
                                             item.get("seconds"), dict(item.get("inputs") or {}),
                                             dict(item.get("outputs") or {}), item.get("error"))
            for name in STEPS:
                steps.setdefault(name, StepRecord(name))
            # A step counts as done only if every step before it is (the order is the contract).
            seen_gap = False
            for name in STEPS:
                if not steps[name].done:
                    seen_gap = True
                elif seen_gap:
                    steps[name] = StepRecord(name)
            data = document.get("data") if isinstance(document.get("data"), dict) else {}
            for name in STEPS:
                if steps[name].done and name not in data:
                    return None  # a done step without its result cannot be continued
            return cls(id=str(document.get("id") or uuid.uuid4().hex[:12]), project=document.get("project"),
                       slug=document.get("slug"), project_root=document.get("project_root"),
                       goal=document.get("goal"), started=document.get("started"), date=document.get("date"),
                       finished=document.get("finished"), report=document.get("report"), steps=steps, data=data)
        except (AttributeError, TypeError, ValueError):
            return None


def state_path(workspace: Path) -> Path:
    return safe_join(workspace, STATE_FILE)


def load(workspace: Path, strict: bool = False) -> EngagementState | None:
    """The state a previous session left, or None (missing, unreadable or another schema). A
    state whose step results do not read back (edited by hand) is None too, or, when `strict`
    (an engagement about to continue it), an EngagementError saying which field and what to do."""
    try:
        path = state_path(workspace)
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        return EngagementState.from_dict(document)
    except EngagementError as error:
        if not strict:
            return None
        raise EngagementError(f"{path}: {error}; the engagement cannot continue from this file "
                              "(delete it to start a new engagement)") from None


def save(workspace: Path, state: EngagementState, scrub=None) -> Path:
    """Write the state atomically (the caller holds the memory lock)."""
    path = state_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = state.to_dict()
    if scrub is not None:
        document = scrub(document)
    atomic_write(path, json.dumps(printable_data(document), indent=2, ensure_ascii=False) + "\n")
    return path
