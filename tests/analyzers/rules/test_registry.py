"""The rule framework's own guarantees: codes, names, docs, registration."""

import re

import pytest

from django_expert.analyzers.findings import Applicability, Category
from django_expert.analyzers.rules.registry import (
    BROKEN,
    DOC_SECTIONS,
    TIERS,
    UNTIERED,
    all_rules,
    doc_sections,
    fixer_for,
    rule,
)

RULES = list(all_rules().values())


def test_every_rule_module_imports():
    assert BROKEN == [], "these rule modules fail to import (see the log)"


def test_every_rule_declares_its_tier():
    assert UNTIERED == [], "these rules do not say whether they are recommended or pedantic"
    assert {r.tier for r in RULES} == set(TIERS)


def test_bad_tier_is_rejected():
    with pytest.raises(ValueError, match="bad tier"):
        rule("DJE299", "bad-tier", tier="strict")


def test_rules_are_registered():
    codes = {r.code for r in RULES}
    assert {"DJE201", "DJE202", "DJE301"} <= codes


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.code)
def test_docstring_has_every_section(r):
    assert r.doc.splitlines()[0] == f"{r.code} {r.name}", "the docstring's first line is 'CODE name'"
    sections = doc_sections(r.doc)
    missing = [s for s in DOC_SECTIONS if not sections.get(s)]
    assert not missing, f"{r.code} docstring lacks sections {missing}"
    assert re.search(r"https://", sections["References"]), "References must link the Django/DRF docs"


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.code)
def test_metadata_is_consistent(r):
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", r.name), "names are kebab-case and describe the problem"
    assert r.category is Category.of_code(r.code)
    has_fixer = fixer_for(r.code) is not None
    assert has_fixer == (r.fix is not Applicability.NONE), "a rule declares a fix exactly when it has a fixer"
    assert r.summary, "'What it does' gives the one-line summary"


def test_duplicate_code_from_another_module_is_rejected():
    def impostor(ctx):
        return []

    impostor.__module__ = "tests.analyzers.rules.test_registry"
    with pytest.raises(ValueError, match="duplicate rule code DJE201"):
        rule("DJE201", "impostor")(impostor)


def test_bad_code_is_rejected():
    with pytest.raises(ValueError):
        rule("DJ201", "bad")
