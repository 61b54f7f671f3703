"""Django judges the N+1 rules (DJE501–DJE504, and DJE506's queries per item) on tests/workspaces/nplusone.

Every case of the workspace is listed below with the rule that must flag it (None: a
lookalike that must stay silent) and how to exercise it for real. The probe
(`nplusone_probe.py`, a subprocess running Django with the workspace's settings, an
in-memory SQLite database, data seeded at two sizes) counts queries with
`CaptureQueriesContext`. The tests show:

- the analyser flags exactly the N+1 cases, each once, where the table says;
- flagged: the query count grows with the rows; silent lookalike: it does not;
- with every quick fix applied (the rules' own fixers, on a copy of the workspace) the
  count no longer grows, the responses (HTML, JSON, function results) are unchanged, and
  the analyser reports nothing any more.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from django_expert.analyzers.engine import Engine
from django_expert.analyzers.fixes import apply_edits

WORKSPACE = Path(__file__).resolve().parents[1] / "workspaces" / "nplusone"
PROBE = Path(__file__).resolve().with_name("nplusone_probe.py")
SETTINGS = "nplusone.settings"
CODES = ("DJE501", "DJE502", "DJE503", "DJE504")


def call(name):
    return "call", f"library.reports.{name}"


def flow(name):
    return "call", f"library.flows.{name}"


def group(name):
    return "call", f"library.groupings.{name}"


# (case id, rule or None, file, top-level symbol the finding is in, how to run it)
CASES = [
    # DJE501: loops in library/reports.py
    ("loop-fk", "DJE501", "library/reports.py", "book_author_names", call("book_author_names")),
    ("loop-comprehension-over-variable", "DJE501", "library/reports.py", "published_titles", call("published_titles")),
    ("loop-m2m-in-dict-comprehension", "DJE501", "library/reports.py", "tags_by_book", call("tags_by_book")),
    ("loop-reverse-count", "DJE501", "library/reports.py", "books_per_author", call("books_per_author")),
    ("loop-property", "DJE501", "library/reports.py", "author_names_via_property", call("author_names_via_property")),
    ("loop-fk-chain", "DJE501", "library/reports.py", "publisher_countries", call("publisher_countries")),
    ("loop-related-manager", "DJE501", "library/reports.py", "first_author_book_tags", call("first_author_book_tags")),
    ("loop-custom-queryset-method", "DJE501", "library/reports.py", "published_review_ratings",
     call("published_review_ratings")),
    ("loop-reverse-one-to-one", "DJE501", "library/reports.py", "profile_bios", call("profile_bios")),
    ("loop-fk-id", None, "library/reports.py", "author_ids", call("author_ids")),
    ("loop-selected", None, "library/reports.py", "selected_author_names", call("selected_author_names")),
    ("loop-prefetched", None, "library/reports.py", "prefetched_tags", call("prefetched_tags")),
    ("loop-prefetch-object", None, "library/reports.py", "tags_prefetched_with_a_queryset",
     call("tags_prefetched_with_a_queryset")),
    ("loop-prefetch-to-attr", None, "library/reports.py", "good_review_counts", call("good_review_counts")),
    ("loop-values", None, "library/reports.py", "author_values", call("author_values")),
    ("loop-annotation", None, "library/reports.py", "annotated_book_counts", call("annotated_book_counts")),
    ("loop-custom-method-selects", None, "library/reports.py", "custom_method_selects", call("custom_method_selects")),
    ("loop-nested-select", None, "library/reports.py", "nested_selected_countries", call("nested_selected_countries")),
    ("loop-refined-variable", None, "library/reports.py", "refined_variable", call("refined_variable")),
    ("loop-related-manager-plain", None, "library/reports.py", "one_author_books", call("one_author_books")),
    # DJE501 across functions and files (library/flows.py, helpers.py, selectors.py, models.py)
    ("flow-model-method", "DJE501", "library/flows.py", "bylines", flow("bylines")),
    ("flow-helper", "DJE501", "library/flows.py", "described", flow("described")),
    ("flow-helper-two-deep", "DJE501", "library/flows.py", "described_twice", flow("described_twice")),
    ("flow-method-calls-helper", "DJE501", "library/flows.py", "summary_lines", flow("summary_lines")),
    ("flow-helper-m2m", "DJE501", "library/flows.py", "tags_per_book", flow("tags_per_book")),
    ("flow-selector", "DJE501", "library/flows.py", "selector_authors", flow("selector_authors")),
    ("flow-sorted", "DJE501", "library/flows.py", "sorted_authors", flow("sorted_authors")),
    ("flow-list-helper-chain", "DJE501", "library/flows.py", "listed_authors", flow("listed_authors")),
    ("flow-paginator", "DJE501", "library/flows.py", "first_page_authors", flow("first_page_authors")),
    ("flow-app-registry", "DJE501", "library/flows.py", "registry_authors", flow("registry_authors")),
    ("flow-app-registry-selected", None, "library/flows.py", "registry_selected_authors",
     flow("registry_selected_authors")),
    ("flow-helper-selected", None, "library/flows.py", "described_selected", flow("described_selected")),
    ("flow-helper-free", None, "library/flows.py", "titles_only", flow("titles_only")),
    ("flow-selector-selects", None, "library/flows.py", "selector_selected_authors",
     flow("selector_selected_authors")),
    ("flow-helper-prefetch-object", None, "library/flows.py", "tags_prefetched_object",
     flow("tags_prefetched_object")),
    ("flow-sorted-selected", None, "library/flows.py", "sorted_selected_authors", flow("sorted_selected_authors")),
    ("flow-method-past-early-return", None, "library/flows.py", "review_headlines", flow("review_headlines")),
    # DJE501 through rows regrouped in a dict (library/groupings.py)
    ("group-defaultdict", "DJE501", "library/groupings.py", "books_by_author", group("books_by_author")),
    ("group-by-pk", "DJE501", "library/groupings.py", "books_by_pk", group("books_by_pk")),
    ("group-setdefault-items", "DJE501", "library/groupings.py", "tag_names_by_published",
     group("tag_names_by_published")),
    ("group-selected", None, "library/groupings.py", "books_by_author_selected", group("books_by_author_selected")),
    ("group-free-reads", None, "library/groupings.py", "titles_by_pk", group("titles_by_pk")),
    # DJE502: DRF list endpoints in library/api.py
    ("drf-nested-serializer", "DJE502", "library/api.py", "BookNestedList", ("get", "/api/books/nested/")),
    ("drf-source", "DJE502", "library/api.py", "BookSourceList", ("get", "/api/books/source/")),
    ("drf-method-field", "DJE502", "library/api.py", "BookReviewCountViewSet", ("get", "/api/reviewed-books/")),
    ("drf-m2m-pk-field", "DJE502", "library/api.py", "BookTagIdsList", ("get", "/api/books/tag-ids/")),
    ("drf-string-related", "DJE502", "library/api.py", "BookAuthorStringList", ("get", "/api/books/author-string/")),
    ("drf-depth", "DJE502", "library/api.py", "BookDepthList", ("get", "/api/books/depth/")),
    ("drf-reverse-nested-many", "DJE502", "library/api.py", "AuthorBooksList", ("get", "/api/authors/books/")),
    ("drf-many-true-call", "DJE502", "library/api.py", "PublishedBooksView", ("get", "/api/books/published/")),
    ("drf-method-field-helper", "DJE502", "library/api.py", "BookDescribedList", ("get", "/api/books/described/")),
    ("drf-serializer-chosen-at-runtime", "DJE502", "library/api.py", "BookChosenSerializerViewSet",
     ("get", "/api/chosen-books/")),
    ("drf-related-field-class", "DJE502", "library/api.py", "BookLabelList", ("get", "/api/books/label/")),
    ("drf-serializer-related-field", "DJE502", "library/api.py", "BookRelatedFieldList",
     ("get", "/api/books/related-field/")),
    ("drf-build-relational-field", "DJE502", "library/api.py", "BookBuiltFieldList", ("get", "/api/books/built-field/")),
    ("drf-selected", None, "library/api.py", "BookNestedSelectedList", ("get", "/api/books/nested-selected/")),
    ("drf-related-field-class-selected", None, "library/api.py", "BookLabelSelectedList",
     ("get", "/api/books/label-selected/")),
    ("drf-serializer-related-field-selected", None, "library/api.py", "BookRelatedFieldSelectedList",
     ("get", "/api/books/related-field-selected/")),
    ("drf-build-relational-field-selected", None, "library/api.py", "BookBuiltFieldSelectedList",
     ("get", "/api/books/built-field-selected/")),
    ("drf-serializer-chosen-at-runtime-selected", None, "library/api.py", "BookChosenSerializerSelectedViewSet",
     ("get", "/api/chosen-books-selected/")),
    ("drf-method-field-helper-selected", None, "library/api.py", "BookDescribedSelectedList",
     ("get", "/api/books/described-selected/")),
    ("drf-pk-only", None, "library/api.py", "BookAuthorPkList", ("get", "/api/books/author-pk/")),
    ("drf-prefetched", None, "library/api.py", "AuthorBooksPrefetchedList",
     ("get", "/api/authors/books-prefetched/")),
    ("drf-super-get-queryset", None, "library/api.py", "BookSourceSelectedList",
     ("get", "/api/books/source-selected/")),
    # DJE503: templates of library/views.py
    ("tpl-render-dict", "DJE503", "library/views.py", "book_list", ("get", "/books/")),
    ("tpl-include-with", "DJE503", "library/views.py", "book_cards", ("get", "/books/cards/")),
    ("tpl-listview-nested-for", "DJE503", "library/views.py", "BookTagListView", ("get", "/books/tags/")),
    ("tpl-context-object-name-count", "DJE503", "library/views.py", "AuthorListView", ("get", "/authors/")),
    ("tpl-with-chain", "DJE503", "library/views.py", "BookPublisherListView", ("get", "/books/publishers/")),
    ("tpl-str", "DJE503", "library/views.py", "BookStrListView", ("get", "/books/str/")),
    ("tpl-detailview-related-rows", "DJE503", "library/views.py", "AuthorDetailView", ("get", "/authors/1/")),
    ("tpl-get-context-data", "DJE503", "library/views.py", "RecentBooksView", ("get", "/books/recent/")),
    ("tpl-filter-and-tag", "DJE503", "library/views.py", "book_tagged", ("get", "/books/tagged/")),
    ("tpl-inclusion-tag", "DJE503", "library/templatetags/library_tags.py", "shelf", ("get", "/books/shelf/")),
    ("tpl-inclusion-tag-selected", None, "library/templatetags/library_tags.py", "shelf_selected",
     ("get", "/books/shelf-selected/")),
    ("tpl-inclusion-tag-given-rows", "DJE503", "library/views.py", "book_shelf_given", ("get", "/books/shelf-given/")),
    ("tpl-inclusion-tag-given-rows-selected", None, "library/views.py", "book_shelf_given_selected",
     ("get", "/books/shelf-given-selected/")),
    ("tpl-inclusion-tag-narrows-given-rows", "DJE503", "library/views.py", "book_shelf_since",
     ("get", "/books/shelf-since/")),
    ("tpl-inclusion-tag-narrows-given-rows-selected", None, "library/views.py", "book_shelf_since_selected",
     ("get", "/books/shelf-since-selected/")),
    ("tpl-inclusion-tag-takes-context", "DJE503", "library/views.py", "book_shelf_context",
     ("get", "/books/shelf-context/")),
    ("tpl-inclusion-tag-takes-context-selected", None, "library/views.py", "book_shelf_context_selected",
     ("get", "/books/shelf-context-selected/")),
    ("tpl-fk-id-and-count", None, "library/views.py", "book_titles", ("get", "/books/titles/")),
    ("tpl-filter-free", None, "library/views.py", "book_titles_filtered", ("get", "/books/titles-filtered/")),
    ("tpl-selected", None, "library/views.py", "book_list_selected", ("get", "/books/selected/")),
    ("tpl-prefetched-count", None, "library/views.py", "AuthorPrefetchedListView", ("get", "/authors/prefetched/")),
    ("tpl-prefetched-for", None, "library/views.py", "BookTagPrefetchedListView", ("get", "/books/tags/prefetched/")),
    ("tpl-get-context-data-free-reads", None, "library/views.py", "RecentTitlesView",
     ("get", "/books/recent-titles/")),
    ("tpl-single-object", None, "library/views.py", "book_detail", ("get", "/books/1/")),
    # DJE504: admin changelists of library/admin.py
    ("admin-lookup", "DJE504", "library/admin.py", "BookAdmin", ("get", "/admin/library/book/")),
    ("admin-nullable-fk", "DJE504", "library/admin.py", "AuthorAdmin", ("get", "/admin/library/author/")),
    ("admin-default-str", "DJE504", "library/admin.py", "ProfileAdmin", ("get", "/admin/library/profile/")),
    ("admin-method-many", "DJE504", "library/admin.py", "TagAdmin", ("get", "/admin/library/tag/")),
    ("admin-str-and-method", "DJE504", "library/admin.py", "BookStrAdmin", ("get", "/other-admin/library/book/")),
    ("admin-partial-select", "DJE504", "library/admin.py", "ReviewBookAuthorAdmin",
     ("get", "/other-admin/library/review/")),
    ("admin-plain-registration", "DJE504", "library/admin.py", "<module>", ("get", "/plain-admin/library/profile/")),
    ("admin-plain-registration-free-str", None, "library/admin.py", "<plain Publisher>",
     ("get", "/plain-admin/library/publisher/")),
    ("admin-fk-str-auto-select", None, "library/admin.py", "ReviewAdmin", ("get", "/admin/library/review/")),
    ("admin-fk-auto-select", None, "library/admin.py", "PublisherAdmin", ("get", "/admin/library/publisher/")),
    ("admin-plain", None, "library/admin.py", "Country", ("get", "/admin/library/country/")),
    ("admin-list-select-related", None, "library/admin.py", "AuthorSelectedAdmin",
     ("get", "/other-admin/library/author/")),
    ("admin-get-queryset-prefetch", None, "library/admin.py", "TagPrefetchedAdmin",
     ("get", "/other-admin/library/tag/")),
    ("admin-select-related-true", None, "library/admin.py", "ProfileSelectedAdmin",
     ("get", "/other-admin/library/profile/")),
]
FLAGGED = [c for c in CASES if c[1]]

# DJE506 (no automatic fix: the oracle counts, the fix tests do not apply).
LOOP_CASES = [
    ("loop-helper-query", "DJE506", "library/loops.py", "publishers_per_author",
     ("call", "library.loops.publishers_per_author")),
    ("loop-helper-query-two-deep", "DJE506", "library/loops.py", "publisher_names_per_author",
     ("call", "library.loops.publisher_names_per_author")),
    ("loop-posted-ids", "DJE506", "library/loops.py", "tags_by_posted_ids", ("get", "/tags/by-id/?{tag_ids}")),
    ("loop-csv-rows", "DJE506", "library/loops.py", "import_csv_titles", ("call", "library.loops.import_csv_titles")),
    ("loop-helper-without-query", None, "library/loops.py", "author_names_without_queries",
     ("call", "library.loops.author_names_without_queries")),
    ("loop-constant", None, "library/loops.py", "constant_tags", ("call", "library.loops.constant_tags")),
    ("loop-posted-ids-in-bulk", None, "library/loops.py", "tags_by_posted_ids_in_bulk",
     ("get", "/tags/by-id/bulk/?{tag_ids}")),
]


def copy_workspace(destination: Path) -> Path:
    shutil.copytree(WORKSPACE, destination, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    return destination


def probe(root: Path) -> dict:
    cases = [{"id": case_id, "kind": how[0], "target": how[1]} for case_id, _, _, _, how in CASES + LOOP_CASES]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, str(PROBE), str(root), SETTINGS, json.dumps(cases)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=str(root))
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout)
    assert result["check"] == [], result["check"]
    return result["cases"]


def findings_by_symbol(root: Path, codes: tuple[str, ...] = CODES) -> dict[tuple[str, str], list]:
    engine = Engine([root], use_cache=False)
    engine.index()
    found = defaultdict(list)
    for path, findings in engine.all_findings().items():
        for finding in findings:
            if finding.code in codes:
                found[(path.relative_to(root).as_posix(), _symbol(path, finding.span.start.line + 1))].append(finding)
    return found


def _symbol(path: Path, line: int) -> str:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.lineno <= line <= node.end_lineno:
            return node.name
    return "<module>"


def apply_all_fixes(root: Path, limit: int = 100) -> int:
    """Apply the fix of every N+1 finding, one at a time (each edit re-checks the project)."""
    engine = Engine([root], use_cache=False)
    engine.index()
    applied = 0
    skipped: set[tuple] = set()
    for _ in range(limit):
        pending = [f for fs in engine.all_findings().values() for f in fs
                   if f.code in CODES and (f.path, f.message) not in skipped]
        if not pending:
            return applied
        finding = pending[0]
        fix = engine.fix(finding)
        if fix is None:
            skipped.add((finding.path, finding.message))
            continue
        for path in {e.path for e in fix.edits}:
            text = Path(path).read_text()
            Path(path).write_text(apply_edits(text, [e for e in fix.edits if e.path == path]))
            engine.update(Path(path))
        applied += 1
    raise AssertionError("fixes do not converge")


@cache
def original() -> dict:
    import tempfile

    return probe(copy_workspace(Path(tempfile.mkdtemp(prefix="nplusone-original-")) / "nplusone"))


@cache
def fixed() -> tuple[dict, dict]:
    import tempfile

    root = copy_workspace(Path(tempfile.mkdtemp(prefix="nplusone-fixed-")) / "nplusone")
    apply_all_fixes(root)
    return probe(root), findings_by_symbol(root)


def test_the_analyser_flags_exactly_the_n_plus_one_cases():
    found = findings_by_symbol(WORKSPACE)
    expected = {(file, symbol): code for _, code, file, symbol, _ in FLAGGED}
    for key, code in expected.items():
        codes = [f.code for f in found.get(key, [])]
        assert codes == [code], f"{key}: expected one {code}, got {codes}"
    unexpected = {key: [f.message for f in fs] for key, fs in found.items() if key not in expected}
    assert unexpected == {}, f"findings on lookalikes: {unexpected}"


@pytest.mark.parametrize("case", CASES + LOOP_CASES, ids=[c[0] for c in CASES + LOOP_CASES])
def test_django_agrees(case):
    """Flagged (any of the N+1 rules or DJE506): the queries grow with the rows; silent: they do not."""
    case_id, code, *_ = case
    counts = original()[case_id]
    small, large = counts["3"], counts["9"]
    assert small["status"] == large["status"] == 200, (small["status"], large["status"], small["output"][:500])
    if code:
        assert large["queries"] > small["queries"], f"flagged, but {small['queries']} -> {large['queries']} queries"
    else:
        assert large["queries"] == small["queries"], f"silent, but {small['queries']} -> {large['queries']} queries"


@pytest.mark.parametrize("case", FLAGGED, ids=[c[0] for c in FLAGGED])
def test_the_fix_stops_the_growth_and_keeps_the_response(case):
    case_id = case[0]
    after, _ = fixed()
    before = original()[case_id]
    counts = after[case_id]
    assert counts["9"]["queries"] == counts["3"]["queries"], (
        f"still grows after the fix: {counts['3']['queries']} -> {counts['9']['queries']} queries")
    for size in ("3", "9"):
        assert counts[size]["status"] == before[size]["status"]
        assert counts[size]["output"] == before[size]["output"], f"the response changed at size {size}"
        assert counts[size]["queries"] < before[size]["queries"]


def test_lookalikes_are_untouched_by_the_fixes():
    after, _ = fixed()
    for case_id, code, *_ in CASES:
        if code is None:
            assert after[case_id] == original()[case_id], case_id


def test_nothing_is_reported_after_the_fixes():
    _, found = fixed()
    assert {key: [f.message for f in fs] for key, fs in found.items()} == {}


def test_the_analyser_flags_exactly_the_query_in_loop_cases():
    found = findings_by_symbol(WORKSPACE, ("DJE506",))
    expected = {(file, symbol): code for _, code, file, symbol, _ in LOOP_CASES if code}
    assert {key: [f.code for f in fs] for key, fs in found.items()} == {key: [code] for key, code in expected.items()}
