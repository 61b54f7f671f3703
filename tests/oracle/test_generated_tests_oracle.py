"""The tests the report writes for its top risks (server/engagement/test_writer.py) are real
tests (issue 17): written into a copy of tests/workspaces/nplusone and tests/workspaces/tenancy
and run there with pytest and pytest-django in real Django, each fails while its finding
stands and passes once the finding is fixed — the N+1 query-count tests with the rules' own
fixes, the authorization tests with the expert fixes of test_tenancy_oracle.FIXES.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from django_expert.analyzers.engine import Engine
from django_expert.server.engagement import test_writer

from tests.oracle import test_nplusone_oracle as nplusone
from tests.oracle import test_tenancy_oracle as tenancy


def written(root: Path, codes: list[str]) -> list[test_writer.WrittenTest]:
    engine = Engine([root], {"select": codes}, use_cache=False)
    engine.index()
    model = next(iter(engine.projects)).model
    modules = {str(path): module for module, path in model.paths.items()}
    risks = [test_writer.Risk(f.code, modules[f.path], f.span.start.line, f.message)
             for fs in engine.all_findings().values() for f in fs if f.path in modules]
    tests = test_writer.write_tests(model, risks)
    convention = test_writer.conventions(model)
    ini = test_writer.pytest_ini(convention)
    if ini:
        (root / "pytest.ini").write_text(ini)
    for test in tests:
        path = root / test.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(test.text)
    return tests


def run_pytest(root: Path, tests: list[test_writer.WrittenTest], report: Path) -> dict[str, str]:
    """{test name: "passed" | "failed" | "error"} from a pytest run in its own interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CORS", "BILLING"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
            *sorted({t.path for t in tests})]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, cwd=str(root))
    assert report.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failure, error = case.find("failure"), case.find("error")
        outcomes[case.get("name")] = "error" if error is not None else "failed" if failure is not None else "passed"
        MESSAGES[case.get("name")] = (failure.get("message") or "") if failure is not None else ""
    print(proc.stdout[-1500:])
    return outcomes


MESSAGES: dict[str, str] = {}  # the last run's failure message per test


def test_query_count_tests_fail_on_the_n_plus_one_and_pass_after_the_fix(tmp_path):
    root = nplusone.copy_workspace(tmp_path / "nplusone")
    tests = written(root, list(nplusone.CODES))
    kinds = {t.kind for t in tests}
    assert kinds == {test_writer.QUERY_COUNT} and len(tests) >= 10, [t.name for t in tests]
    before = run_pytest(root, tests, tmp_path / "before.xml")
    assert before == {t.name: "failed" for t in tests}, before
    # failed on the count (10 rows made more queries than 2), not on the response
    assert all("queries" in MESSAGES[t.name] for t in tests), MESSAGES
    assert nplusone.apply_all_fixes(root) > 0
    after = run_pytest(root, tests, tmp_path / "after.xml")
    assert after == {t.name: "passed" for t in tests}, after


def test_authorization_tests_fail_on_the_finding_and_pass_after_the_fix(tmp_path):
    root = tmp_path / "tenancy"
    import shutil

    shutil.copytree(tenancy.WORKSPACE, root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    tests = written(root, ["DJE304", "DJE310", "DJE416"])
    by_view = {(t.view.rpartition(".")[2], t.kind) for t in tests}
    assert by_view == {("TaskSummaryView", test_writer.OTHER_USER), ("DocumentDetailView", test_writer.OTHER_USER),
                       ("CommentFeedView", test_writer.ANONYMOUS)}, by_view
    before = run_pytest(root, tests, tmp_path / "before.xml")
    assert before == {t.name: "failed" for t in tests}, before
    # served to the stranger (200), not an error
    assert all("200" in MESSAGES[t.name] for t in tests), MESSAGES
    for case_id, file, old, new in tenancy.FIXES:
        if case_id in ("T2", "T6", "T13"):  # the cases these tests cover
            path = root / file
            path.write_text(path.read_text().replace(old, new))
    after = run_pytest(root, tests, tmp_path / "after.xml")
    assert after == {t.name: "passed" for t in tests}, after
