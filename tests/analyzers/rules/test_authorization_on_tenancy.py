"""The authorization rules on tests/workspaces/tenancy, whose defects the exploit oracle
proves (tests/oracle/test_tenancy_oracle.py): every flagged case is reported at its line by
its rule, no look-alike and no other line of the workspace is, and each quick fix offered
makes the exploit fail when the probe attacks the fixed copy again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.fixes import apply_edits
from tests.oracle.test_tenancy_oracle import CASES, EXPLOITED, WORKSPACE, probe

RULES = {
    "unscoped object lookup": "DJE416",
    "writable relation over every row": "DJE309",
    "| with a side granting anonymous users": "DJE310",
    "DjangoModelPermissions relied on for reads": "DJE310",
    "authentication class disabling CSRF with session cookies": "DJE417",
    "BasicAuthentication in production defaults": "DJE418",
    "CORS all origins with credentials": "DJE412",
    "unthrottled authentication endpoint": "DJE419",
    "privilege field writable by a non-admin": "DJE303",
    "queryset scoped at a weaker tenant level": "DJE420",
}
CODES = frozenset(RULES.values()) | {"DJE304", "DJE305", "DJE307"}


def _engine(root: Path) -> Engine:
    engine = Engine([root], use_cache=False)
    engine.index()
    return engine


@pytest.fixture(scope="module")
def reported() -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    for path, findings in _engine(WORKSPACE).all_findings().items():
        for finding in findings:
            if finding.code in CODES:
                where = (Path(finding.path).relative_to(WORKSPACE).as_posix(), finding.span.start.line + 1)
                found.setdefault(where, set()).add(finding.code)
    return found


@pytest.mark.parametrize("case", [c for c in CASES if c.expectation == EXPLOITED], ids=lambda c: c.id)
def test_each_exploitable_case_is_reported_by_its_rule(case, reported):
    assert RULES[case.kind] in reported.get((case.file, case.line), set()), (case.id, reported)


def test_nothing_else_is_reported(reported):
    expected = {(c.file, c.line) for c in CASES if c.expectation == EXPLOITED}
    assert set(reported) - expected == set(), "look-alikes or other lines reported"


def test_each_quick_fix_closes_its_exploit(tmp_path):
    copy = tmp_path / "tenancy"
    shutil.copytree(WORKSPACE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    engine = _engine(copy)
    by_line = {(c.file, c.line): c.id for c in CASES if c.expectation == EXPLOITED}
    fixed: list[str] = []
    edits: dict[str, list] = {}
    for findings in engine.all_findings().values():  # every offered fix, computed on the original text
        for finding in findings:
            case = by_line.get((Path(finding.path).relative_to(copy).as_posix(), finding.span.start.line + 1))
            if finding.code not in CODES or not finding.fix_title or case is None:
                continue
            fix = engine.fix(finding)
            assert fix is not None, (case, finding.fix_title)
            for edit in fix.edits:
                edits.setdefault(edit.path, []).append(edit)
            fixed.append(case)
    for target, file_edits in edits.items():  # applied together, last first: the fixes touch separate lines
        file = Path(target)
        file.write_text(apply_edits(file.read_text(), file_edits))
    assert sorted(fixed) == ["T1", "T13", "T14", "T15", "T16", "T2", "T3", "T4", "T5", "T6", "T9"]
    still = [f.message for fs in _engine(copy).all_findings().values() for f in fs if f.code in CODES and f.fix_title]
    assert still == [], "a fixed case is still reported"
    before = probe(WORKSPACE, only=fixed)
    after = probe(copy, only=fixed + ["L1", "L10"])
    assert all(before[c]["exploited"] for c in fixed)
    assert {c: after[c]["exploited"] for c in fixed} == dict.fromkeys(fixed, False), after
    assert "own project: 200" in after["L1"]["evidence"], "the fixed code still serves the user's own objects"
