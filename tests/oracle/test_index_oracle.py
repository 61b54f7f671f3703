"""SQLite judges DJE507 beyond a view's lookup_field on tests/workspaces/nplusone.

The cases (library/lookups.py, library/signals.py, library/management/commands/relabel.py)
look rows up by a column per request (a service a view calls), per signal (a `post_save`
receiver) and per row of a command's loop; the lookalikes filter by an indexed column.
The probe (`nplusone_probe.py`, real Django on in-memory SQLite, data at two sizes) runs
each case and asks SQLite for the plan of every statement it ran (`EXPLAIN QUERY PLAN`):

- flagged: the looked-up table is SCANned whole, at every size; lookalike: SEARCHed
  through an index;
- after the rule's own fix (`db_index=True`) and a real `makemigrations`, the same
  statements SEARCH through the new index, the responses are byte-identical, and the
  analyser reports nothing any more.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.fixes import apply_edits

WORKSPACE = Path(__file__).resolve().parents[1] / "workspaces" / "nplusone"
PROBE = Path(__file__).resolve().with_name("nplusone_probe.py")

# (case id, the field DJE507 must flag or None, how to run it, the table looked up)
CASES = [
    ("index-service-per-request", "Book.title", ("get", "/lookups/book/?title=Book+0"), "library_book"),
    ("index-signal-receiver", "Country.name", ("get", "/lookups/tag/?name=Country+1"), "library_country"),
    ("index-command-loop", "Publisher.name", ("call", "library.lookups.relabel_publishers"), "library_publisher"),
    ("index-narrowed-by-foreign-key", None, ("get", "/lookups/book-of-author/?author=1&title=Book+0"),
     "library_book"),
    ("index-one-to-one", None, ("get", "/lookups/profile/?author=1"), "library_profile"),
]


def _probe(root: Path) -> dict:
    cases = [{"id": case_id, "kind": how[0], "target": how[1], "explain": True} for case_id, _, how, _ in CASES]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, str(PROBE), str(root), "nplusone.settings", json.dumps(cases)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=str(root))
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout)
    assert result["check"] == [], result["check"]
    return result["cases"]


def _flagged(root: Path) -> list:
    engine = Engine([root], use_cache=False)
    engine.index()
    return [f for fs in engine.all_findings().values() for f in fs if f.code == "DJE507"], engine


def _copy(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix)) / "nplusone"
    shutil.copytree(WORKSPACE, root, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    return root


@cache
def original() -> dict:
    return _probe(_copy("index-original-"))


@cache
def fixed() -> tuple[dict, list]:
    """Every DJE507 fix applied, then the migration Django writes for it."""
    root = _copy("index-fixed-")
    found, engine = _flagged(root)
    for finding in found:
        fix = engine.fix(finding)
        assert fix is not None, finding.message
        for path in {e.path for e in fix.edits}:
            Path(path).write_text(apply_edits(Path(path).read_text(), [e for e in fix.edits if e.path == path]))
            engine.update(Path(path))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    made = subprocess.run([sys.executable, "manage.py", "makemigrations", "library"], cwd=str(root), env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    (root / "db.sqlite3").unlink(missing_ok=True)
    return _probe(root), _flagged(root)[0]


def _scans(plans: list[str], table: str) -> bool:
    return any(re.fullmatch(rf"SCAN {table}", plan) for plan in plans)


def _searches_by_index(plans: list[str], table: str) -> bool:
    return any(plan.startswith(f"SEARCH {table} USING ") and ("INDEX" in plan or "PRIMARY KEY" in plan)
               for plan in plans)


def test_the_analyser_flags_exactly_the_unindexed_hot_lookups():
    found, _ = _flagged(WORKSPACE)
    assert sorted(".".join(f.fix_data) for f in found) == sorted(field for _, field, _, _ in CASES if field)


def test_sqlite_scans_the_flagged_tables_and_searches_the_lookalikes_by_index():
    results = original()
    for case_id, field, _, table in CASES:
        for size in ("3", "9"):
            run = results[case_id][size]
            assert run["status"] == 200, (case_id, run["output"][:300])
            if field:
                assert _scans(run["plans"], table), (case_id, run["plans"])
            else:
                assert not _scans(run["plans"], table) and _searches_by_index(run["plans"], table), \
                    (case_id, run["plans"])


def test_after_the_fix_and_its_migration_the_lookups_use_the_index_and_respond_the_same():
    after, still = fixed()
    assert still == []
    for case_id, field, _, table in CASES:
        for size in ("3", "9"):
            run, before = after[case_id][size], original()[case_id][size]
            assert (run["status"], run["output"]) == (before["status"], before["output"]), case_id
            assert not _scans(run["plans"], table) and _searches_by_index(run["plans"], table), \
                (case_id, run["plans"])
