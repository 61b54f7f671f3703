"""Typed results of the engagement's steps, for the front ends that read them back.

Each step's result is a frozen dataclass: the engagement's state holds these values, the
report, the summary, the memory notes and the MCP tools read their attributes, and
`to_json()` writes the record kept in `<workspace>/.django-expert/engagement.json` and in
the report's JSON twin (same keys, same order as the dicts earlier versions wrote, so a
state file written by them loads). `from_json()` reads one back and raises
`EngagementError` naming the step and the field when the file was edited into something
else: never a traceback. Fields with a default were added later; an older file lacks them.

Step 4 (analyze) presents each finding of the project the same way for the report and for
every other reader: the recorded decision applied, the fix computed, the guidance document
that covers its rule and the symbol that encloses it. `AnalyzedFinding` is that value;
`to_json()` is the record the engagement's state, the report and its JSON twin hold (the
`check --format json` keys, then `decision`, `guidance`, `symbol`, `original_severity`,
`original_message`), built in this one place. Step 4's result as a whole, and the parts of
step 5 that `guidance.py` and `security.py` build (recommendations, security controls, test
strategy, observability), are still JSON records.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django_expert.analyzers.findings import Finding, Fix
from django_expert.memory import Decision

T = TypeVar("T", bound="Record")


class EngagementError(ValueError):
    """A configuration or path problem that stops the engagement (one line, exit status 2)."""


# -- the JSON codec every step result shares ------------------------------------------------------


class Record:
    """A frozen dataclass that writes itself as JSON, field by field in declaration order, and
    reads itself back checking each field's type (`where` names the record in the error)."""

    def to_json(self) -> dict:
        return {f.name: _encode(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_json(cls: type[T], document: Any, where: str | None = None) -> T:
        where = where or cls.__name__
        if not isinstance(document, dict):
            raise EngagementError(f"{where}: expected an object, found {_kind(document)}")
        hints = typing.get_type_hints(cls)
        values = {}
        for field in dataclasses.fields(cls):
            if field.name not in document:
                if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                    raise EngagementError(f"{where}: {field.name!r} is missing")
                continue
            values[field.name] = _decode(hints[field.name], document[field.name], f"{where}.{field.name}")
        return cls(**values)


def _encode(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(kind: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        others = [a for a in args if a is not type(None)]
        return _decode(others[0] if len(others) == 1 else Any, value, where)
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_json(value, where)
    if origin is tuple:
        _expect(value, list, where)
        return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is list:
        _expect(value, list, where)
        return [_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _expect(value, dict, where)
        return {k: _decode(args[1], v, f"{where}[{k!r}]") for k, v in value.items()}
    if kind is float:
        _expect(value, (int, float), where)
        return value
    _expect(value, kind, where)
    return value


def _expect(value: Any, kind, where: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, (int, float))):
        wanted = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise EngagementError(f"{where}: expected {wanted}, found {_kind(value)}")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__)


# -- step 1: scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectType(Record):
    type: str  # "API-only", "hybrid" or "monolith"
    drf_views: int
    template_views: int
    other_views: int
    templates: int
    why: str


@dataclass(frozen=True)
class Deployment(Record):
    target: str  # "WSGI", "ASGI" or "unknown"
    files: tuple[str, ...]
    servers: dict[str, Any]
    entry_points: tuple[str, ...]
    evidence: tuple[str, ...]
    wsgi_application: str | None
    asgi_application: str | None


@dataclass(frozen=True)
class ScopedApp(Record):
    label: str
    name: str
    kind: str  # "project" (its modules are in the project) or "library"


@dataclass(frozen=True)
class PlanStep(Record):
    rank: int
    area: str
    title: str
    weighs: str
    here: str


@dataclass(frozen=True)
class ScopeResult(Record):
    """Step 1: what the engagement is about and the plan for its goal."""

    project: str
    slug: str
    project_root: str
    date: str
    goal: str
    goal_source: str  # "argument", "asked" or why the default was taken
    versions: dict[str, dict]  # versions.py's declared versions, by package key
    django: str
    drf: str
    drf_used: bool
    type: ProjectType
    deployment: Deployment
    apps: tuple[ScopedApp, ...]
    settings_module: str | None
    settings_provenance: str | None = None
    settings_modules: tuple[str, ...] = ()
    production_settings: tuple[str, ...] = ()
    plan: tuple[PlanStep, ...] = ()
    assumptions: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    memory_directory: str | None = None

    @property
    def order(self) -> tuple[str, ...]:
        """The focus areas in the order the goal weighs them."""
        return tuple(step.area for step in self.plan)


# -- step 2: memory --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedDecision(Record):
    """A decision in force, as the report shows it (`source`: the memory file, from the project root)."""

    code: str
    status: str  # "accepted" or "rejected"
    reason: str | None
    target: str | None  # the symbol or path it covers; None: every finding of the code
    date: str | None
    source: str | None


@dataclass(frozen=True)
class OtherSkill(Record):
    skill: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class MemoryResult(Record):
    """Step 2: the project's memory as read before the analysis."""

    directory: str  # the memory folder, from the project root
    slug: str
    files: tuple[str, ...]
    decisions: tuple[RecordedDecision, ...]
    conventions: str | None
    known_issues: str | None
    problems: tuple[str, ...] = ()
    other_skills: tuple[OtherSkill, ...] = ()


# -- step 3: context -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry(Record):
    id: str
    title: str
    source: str


@dataclass(frozen=True)
class ContextDoc(Record):
    """A guidance document: the library's or the project's own (`path` then names it)."""

    id: str
    title: str
    source: str  # "library" or "project"
    path: str | None
    loaded: bool


@dataclass(frozen=True)
class ContextCall(Record):
    """One call to the context provider, in order, with what it returned."""

    method: str
    arguments: tuple[Any, ...]
    returned: tuple[str, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class ContextResult(Record):
    """Step 3: the guidance documents loaded within the budget, and each rule's document."""

    budget: int
    index_size: int
    index: tuple[IndexEntry, ...]
    loaded: tuple[ContextDoc, ...]
    skipped: tuple[str, ...]
    calls: tuple[ContextCall, ...]
    problems: tuple[str, ...]
    overrides: tuple[str, ...]
    rules: dict[str, ContextDoc]  # rule code -> the document covering it


# -- step 5: guidance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence(Record):
    path: str
    line: int


@dataclass(frozen=True)
class Risk(Record):
    """One of the executive summary's top risks (summary.py decides which and in what order)."""

    title: str
    code: str | None  # the rule, or None for a risk step 4 saw without a rule
    area: str
    severity: str
    count: int
    evidence: tuple[Evidence, ...]
    why: str
    fix: str
    score: float


@dataclass(frozen=True, kw_only=True)
class GuidanceResult(Record):
    """Step 5. `summary`: the executive summary's top risks; the rest are the JSON records
    `guidance.py`, `security.py` and `test_writer.py` build."""

    summary: tuple[Risk, ...] = ()
    recommendations: list[dict]
    security: dict
    test_strategy: list[dict]
    observability: list[dict]
    testing: dict | None = None  # the test map and the tests written; None if it could not be written


# -- step 6: output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryUpdates(Record):
    """What step 6 wrote to the project's memory (file names; section ids per file)."""

    directory: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    refused: dict[str, str]
    replaced: dict[str, list[str]]
    added: dict[str, list[str]]
    rescued_decisions: tuple[str, ...]
    problems: tuple[str, ...]
    recorded: int = 0


@dataclass(frozen=True)
class OutputResult(Record):
    """Step 6: the memory update, then the report and its JSON twin (from the workspace)."""

    memory_updates: MemoryUpdates
    report: str | None = None
    json: str | None = None


# -- step 4: analyze -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyzedFinding:
    """One finding as step 4 presents it: `shown` carries the decision (accepted findings
    are hints with the reason); `original` is what the rule reported."""

    original: Finding
    shown: Finding
    fix: Fix | None
    decision: Decision | None
    guidance: str | None  # the id of the context document covering the rule
    symbol: str | None  # the dotted symbol enclosing the finding (`Class.method`), if any

    @property
    def code(self) -> str:
        return self.original.code

    @property
    def area(self) -> str:
        return self.original.category.value

    @property
    def severity(self) -> str:
        """The severity as presented (a decided finding is a hint)."""
        from django_expert.server.formats import shown

        return shown(self.shown)[0].value

    @property
    def path(self) -> str:
        return self.original.path

    def to_json(self, name: Callable[[str], str], memory_directory: str | None) -> dict:
        """The record of the engagement's state and report; `name` makes paths relative to
        the project root, `memory_directory` prefixes a decision's source file."""
        from django_expert.server import formats

        item = formats.finding_dict(self.shown, self.fix, name)
        decision = self.decision
        item["decision"] = None if decision is None else {
            "status": decision.status, "reason": decision.reason, "target": decision.target,
            "date": decision.date.isoformat() if decision.date else None,
            "source": f"{memory_directory}/{decision.source}" if decision.source else None}
        item["guidance"] = self.guidance
        item["symbol"] = self.symbol
        item["original_severity"] = self.original.severity.value
        item["original_message"] = self.original.message
        return item
