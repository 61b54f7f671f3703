"""Typed results of the engagement's steps, for the front ends that read them back.

Step 4 (analyze) presents each finding of the project the same way for the report and for
every other reader: the recorded decision applied, the fix computed, the guidance document
that covers its rule and the symbol that encloses it. `AnalyzedFinding` is that value;
`to_json()` is the record the engagement's state, the report and its JSON twin hold (the
`check --format json` keys, then `decision`, `guidance`, `symbol`, `original_severity`,
`original_message`), built in this one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django_expert.analyzers.findings import Finding, Fix
from django_expert.memory import Decision


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
