"""The rule registry: rules declare themselves with `@rule(...)`; `all_rules()` finds them.

A rule is a function `check(ctx: RuleContext) -> Iterable[Finding]` in its own module under
`analyzers/rules/<area>/<problem>.py`; its module docstring is its documentation, with the
sections What it does / Why is this bad? / Example / Use instead / References.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_expert.analyzers.findings import Applicability, Category, Finding, Severity

if TYPE_CHECKING:
    from django_expert.analyzers.rules.context import RuleContext

# Tiers, as ruff's defaults: "recommended" rules (correctness, security, performance with a
# real cost) run unless configured away; "pedantic" ones (style, legacy, taste) only when
# selected by code, by prefix, by `ALL` or by the tier's name.
RECOMMENDED = "recommended"
PEDANTIC = "pedantic"
TIERS = (RECOMMENDED, PEDANTIC)
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
DOCS_URL = "https://django-expert.readthedocs.io/en/latest/rules/{code}.html"
_CODE = re.compile(r"^DJE[1-7]\d\d$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    fix: Applicability
    check: Callable[[RuleContext], Iterable[Finding]]
    doc: str
    # Cheap guard: the rule runs only on files whose text contains one of these strings
    # (empty: every file). Most files of a project never pay for most rules.
    triggers: tuple[str, ...] = ()
    # The files it runs on: "python" (every .py file), "settings" (settings modules),
    # "migration" (migration modules), "deploy" (Procfile, Dockerfile, compose, systemd units).
    scope: str = "python"
    tier: str = RECOMMENDED

    @property
    def category(self) -> Category:
        return Category.of_code(self.code)

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    @property
    def summary(self) -> str:
        """The first sentence of 'What it does'."""
        section = doc_sections(self.doc).get("What it does", "")
        return " ".join(section.split()).split(". ")[0].rstrip(".")


_RULES: dict[str, Rule] = {}
BROKEN: list[str] = []  # rule modules that failed to import (a test asserts there are none)
UNTIERED: list[str] = []  # rules registered without a tier (a test asserts there are none)
_FIXERS: dict[str, Callable] = {}


def fixer(code: str):
    """Register `fix(source: FixSource, finding) -> Fix | None` for rule `code`."""

    def register(function: Callable) -> Callable:
        _FIXERS[code] = function
        return function

    return register


def fixer_for(code: str) -> Callable | None:
    all_rules()
    return _FIXERS.get(code)


def rule(code: str, name: str, *, tier: str | None = None, severity: Severity = Severity.WARNING,
         fix: Applicability = Applicability.NONE, triggers: tuple[str, ...] = (), scope: str = "python"):
    """Register the decorated check function as rule `code`; its module docstring is the doc.
    Every rule declares its `tier`; one that does not is kept as recommended and listed in
    UNTIERED, so a missing declaration costs a test, never the rule."""
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if tier is not None and tier not in TIERS:
        raise ValueError(f"bad tier {tier!r} for {code} (one of {', '.join(TIERS)})")

    def register(check: Callable) -> Callable:
        module = importlib.import_module(check.__module__)
        existing = _RULES.get(code)
        if existing is not None and existing.check.__module__ != check.__module__:
            raise ValueError(f"duplicate rule code {code}: {existing.check.__module__} and {check.__module__}")
        _RULES[code] = Rule(code, name, severity, fix, check, (module.__doc__ or "").strip(), triggers, scope,
                            tier or RECOMMENDED)
        if tier is None and code not in UNTIERED:
            UNTIERED.append(code)
        return check

    return register


_loaded = False
_by_code: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    """Every rule, by code; imports each rule module under this package once (also when a
    test imported one rule module before: registration alone does not mean loaded)."""
    global _loaded
    if not _loaded:
        _loaded = True
        import django_expert.analyzers.rules as package

        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.rsplit(".", 1)[-1] not in {"registry", "context"}:
                try:
                    importlib.import_module(info.name)
                except Exception:  # one broken rule module costs that rule, not the others
                    log.exception("cannot load rule module %s", info.name)
                    BROKEN.append(info.name)
    global _by_code
    if _by_code is None or _by_code != _RULES:  # sorted again only when a rule was (re)registered
        _by_code = dict(sorted(_RULES.items()))
    return _by_code.copy()


def tier_of(code: str) -> str | None:
    """The tier rule `code` declares; None for a code no rule has."""
    if _by_code is None:
        all_rules()
    found = (_by_code or {}).get(code)
    return found.tier if found is not None else None


@dataclass(frozen=True)
class Guards:
    """The rules by code, indexed by trigger: a file's candidate rules are those without
    triggers plus those of the triggers its text contains (each trigger looked for once)."""

    rules: tuple[Rule, ...]  # by code
    untriggered: tuple[int, ...]  # positions in `rules` of the rules without triggers
    by_trigger: dict[str, tuple[int, ...]]  # trigger -> positions of the rules it admits


_guards: tuple[dict[str, Rule], Guards] | None = None


def guards() -> Guards:
    """`Guards` of `all_rules()`, rebuilt only when the rules changed."""
    global _guards
    all_rules()
    if _guards is None or _guards[0] is not _by_code:
        rules = tuple(_by_code.values()) if _by_code is not None else ()
        by_trigger: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            for trigger in dict.fromkeys(rule.triggers):
                by_trigger.setdefault(trigger, []).append(position)
        untriggered = tuple(position for position, rule in enumerate(rules) if not rule.triggers)
        _guards = (_by_code, Guards(rules, untriggered, {t: tuple(p) for t, p in by_trigger.items()}))
    return _guards[1]


def doc_sections(doc: str) -> dict[str, str]:
    """The '## Section' blocks of a rule docstring, by title."""
    sections: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return {k: v.strip() for k, v in sections.items()}
