"""The expert engagement: the six-step review workflow of DESIGN.md section 6.

`Engagement` runs the steps (scope, memory, context, analyze, guidance, output) over an
indexed `Engine`; `complete()` writes `claudedocs/django_<project>_<date>.md`, its JSON
twin and the memory files. `apply_decisions` / `present` apply recorded decisions to
findings for every front end (`check`, the language server, the report), and
`record_decision` records one.

Names are imported on first use (PEP 562), so `django-expert check` pays nothing for them.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Engagement": "engagement",
    "EngagementError": "engagement",
    "EngagementState": "state",
    "STEPS": "state",
    "COMMANDS": "state",
    "GOALS": "scope",
    "DEFAULT_GOAL": "scope",
    "apply_decisions": "decisions",
    "decision_target": "decisions",
    "find_finding": "decisions",
    "load_decisions": "decisions",
    "present": "decisions",
    "presented": "decisions",
    "project_slug": "decisions",
    "record_decision": "decisions",
    "symbol_at": "decisions",
    "symbol_of": "decisions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
