"""The context library and LibraryContextProvider: every shipped document parses, rules link to
their guidance, the budget is respected and recorded, a project's own documents are read safely."""

import textwrap
import tomllib
from pathlib import Path

import pytest
from django_expert.memory import (
    LibraryContextProvider,
    guidance_for_rule,
    library_documents,
)
from django_expert.memory.context import read_document
from django_expert.memory.frontmatter import FrontMatterError, parse_front_matter

ROOT = Path(__file__).resolve().parents[2]
DOCS = library_documents()
RULE_RANGES = {
    "architecture": range(101, 114),
    "data-modeling": range(201, 213),
    "drf-api-design": range(301, 309),
    "security-auth": [401, 402, 403, 404, 405, 406, 412, 415],
    "security-input": [408, 409, 410, 411, 413],
    "security-database": [407, 414],
    "performance-queries": range(501, 513),
    "deployment": range(701, 704),
}
STANDARD_TOPICS = {
    "architecture", "settings", "data-modeling", "models", "constraints", "migrations", "api-design", "drf",
    "security", "auth", "input", "database", "secrets", "performance", "queries", "orm", "async", "tasks",
    "testing", "deployment", "observability", "operations",
}


# -- the shipped library -----------------------------------------------------------------------


def test_library_has_ten_to_fourteen_documents_and_no_problems():
    assert 10 <= len(DOCS) <= 14
    assert LibraryContextProvider().problems == ()


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.id)
def test_every_shipped_document_is_complete(doc):
    meta = doc.meta
    assert meta.id and meta.title and meta.domain == "python" and meta.topics
    assert "django" in meta.conditions
    assert set(meta.topics) <= STANDARD_TOPICS
    assert meta.source == "library" and Path(meta.path).is_file()
    assert Path(meta.path).name == f"{meta.id}.md"
    assert 60 <= len(Path(meta.path).read_text(encoding="utf-8").splitlines()) <= 150
    assert "```python" in doc.body, "guidance shows concrete code"
    assert doc.body.startswith(f"# {meta.title}\n")
    assert 40 <= len(meta.summary) <= 300


def test_every_rule_code_links_to_exactly_one_document():
    owners: dict[str, list[str]] = {}
    for doc in DOCS:
        for code in doc.meta.rules:
            owners.setdefault(code, []).append(doc.id)
    expected = {f"DJE{n}": doc_id for doc_id, numbers in RULE_RANGES.items() for n in numbers}
    assert {code: ids for code, ids in owners.items() if len(ids) > 1} == {}
    assert {code: ids[0] for code, ids in owners.items()} == expected
    for code, doc_id in expected.items():
        assert guidance_for_rule(code).id == doc_id
    assert guidance_for_rule("dje304").id == "drf-api-design"
    assert guidance_for_rule("DJE999") is None


def test_library_is_package_data():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert package_data["django_expert.memory"] == ["library/*.md"]


# -- the engagement's three calls ---------------------------------------------------------------


def test_the_engagement_calls_within_the_default_budget():
    provider = LibraryContextProvider()
    index = provider.get_domain_index("python")
    assert {meta.id for meta in index} == {doc.id for doc in DOCS}
    assert provider.loaded == (), "the index loads nothing"
    django = provider.get_conditional_context("python", "django")
    assert [doc.id for doc in django] == list(provider.loaded)
    assert django[0].id == "security-auth", "security first when the budget is short"
    security = provider.get_cross_domain_context("python", ["auth", "input", "database"])
    assert [doc.id for doc in security] == ["security-auth", "security-input", "security-database"]
    record = provider.record()
    assert record.budget == 12 and record.skipped == () and len(record.loaded) == len(DOCS)
    assert [call.method for call in record.calls] == ["get_conditional_context", "get_cross_domain_context"]
    assert record.calls[1].arguments == ("python", "auth", "input", "database")


def test_conditions_and_domains_select_documents():
    provider = LibraryContextProvider()
    drf = {doc.id for doc in provider.get_conditional_context("PYTHON", "DRF")}
    assert "drf-api-design" in drf and "migrations" not in drf
    assert {doc.id for doc in provider.get_conditional_context("python", "celery")} == {"performance-async-tasks"}
    assert provider.get_domain_index("javascript") == []
    assert provider.get_conditional_context("javascript", "django") == []


def test_budget_caps_and_records_what_was_skipped():
    provider = LibraryContextProvider(budget=3)
    first = provider.get_conditional_context("python", "django")
    assert [doc.id for doc in first] == ["security-auth", "security-input", "security-database"]
    assert provider.loaded == ("security-auth", "security-input", "security-database")
    assert len(provider.skipped) == len(DOCS) - 3
    again = provider.get_cross_domain_context("python", ["auth", "performance"])
    assert [doc.id for doc in again] == ["security-auth"], "already loaded documents are free; new ones are not"
    assert set(provider.record().calls[1].skipped) == {"performance-queries", "performance-async-tasks"}
    assert len(provider.loaded) == 3


def test_budget_zero_loads_nothing_and_negative_is_refused():
    provider = LibraryContextProvider(budget=0)
    assert provider.get_conditional_context("python", "django") == []
    assert provider.loaded == () and len(provider.skipped) == len(DOCS)
    with pytest.raises(ValueError):
        LibraryContextProvider(budget=-1)


def test_document_lookup_is_free():
    provider = LibraryContextProvider(budget=1)
    assert provider.document("testing").meta.id == "testing"
    assert provider.document("nope") is None and provider.loaded == ()


# -- a project's own documents -----------------------------------------------------------------


def write(folder: Path, name: str, text: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    docs = tmp_path / "docs" / "django-expert"
    write(docs, "payments.md", """\
        ---
        id: payments
        title: "How we take payments"
        domain: python
        conditions: [django]
        topics: [security, payments]
        rules: [DJE407]
        ---
        # How we take payments

        All card data stays with the payment provider.
        """)
    write(docs, "nested/testing.md", """\
        ---
        id: testing
        domain: python
        conditions: [django]
        topics: [testing]
        ---
        # Our testing rules

        We use model_bakery, not factory_boy.
        """)
    write(docs, "plain-notes.md", "# Team notes\n\nNo front matter at all.\n")
    write(docs, "unclosed.md", "---\nid: broken\n# never closed\n")
    write(docs, "bad-line.md", "---\nid: bad\nthis is not a key value\n---\nbody\n")
    write(docs, "bad-id.md", "---\nid: Bad Id\ndomain: python\n---\nbody\n")
    write(docs, "bad-rule.md", "---\nid: bad-rule\ndomain: python\nrules: [E501]\n---\nbody\n")
    write(docs, "latin1.md", "---\nid: latin\ndomain: python\n---\nGr\xfc\xdfe\n".encode("latin-1"))
    write(docs, "zz-duplicate.md", "---\nid: payments\ndomain: python\n---\nsecond payments\n")
    write(docs, ".hidden/ignored.md", "---\nid: hidden\ndomain: python\n---\nx\n")
    return tmp_path


def test_project_documents_are_read_and_come_first(project):
    provider = LibraryContextProvider(project, "docs/django-expert")
    ids = [meta.id for meta in provider.catalogue()]
    assert ids[:3] == ["payments", "project-plain-notes", "testing"]
    assert "hidden" not in ids and "broken" not in ids
    assert provider.document("testing").meta.source == "project", "a project document replaces the library's"
    assert provider.overrides == ("testing",)
    assert provider.document("payments").meta.title == "How we take payments"
    plain = provider.document("project-plain-notes").meta
    assert (plain.title, plain.domain, plain.conditions) == ("Team notes", "python", ("django",))
    security = provider.get_cross_domain_context("python", ["payments", "database"])
    assert [doc.id for doc in security][:2] == ["payments", "security-database"]
    assert provider.guidance_for_rule("DJE407").id == "payments"
    assert guidance_for_rule("DJE407").id == "security-database", "the module function is library only"


def test_malformed_project_documents_are_skipped_with_a_reason(project):
    problems = "\n".join(LibraryContextProvider(project, "docs/django-expert").problems)
    for name, reason in [
        ("unclosed.md", "never closed"),
        ("bad-line.md", "line 3"),
        ("bad-id.md", "'id'"),
        ("bad-rule.md", "'rules'"),
        ("latin1.md", "UTF-8"),
        ("zz-duplicate.md", "already used by docs/django-expert/payments.md"),
    ]:
        assert f"docs/django-expert/{name}: " in problems, name
        assert reason in problems, name


@pytest.mark.parametrize("folder", ["../docs", "/etc", "a/../../b", "~/docs"])
def test_project_folder_outside_the_workspace_is_rejected(tmp_path, folder):
    with pytest.raises(ValueError):
        LibraryContextProvider(tmp_path, folder)


def test_missing_folder_and_escaping_symlinks_are_problems_not_crashes(tmp_path):
    outside = tmp_path / "outside"
    write(outside, "secret.md", "---\nid: secret\ndomain: python\nconditions: [django]\n---\nx\n")
    workspace = tmp_path / "ws"
    (workspace / "docs").mkdir(parents=True)
    (workspace / "docs" / "link.md").symlink_to(outside / "secret.md")
    provider = LibraryContextProvider(workspace, "docs")
    assert provider.document("secret") is None
    assert any("link.md" in problem and "outside" in problem for problem in provider.problems)
    assert any("no such folder" in p for p in LibraryContextProvider(workspace, "nope").problems)
    with pytest.raises(ValueError):
        LibraryContextProvider(None, "docs")


# -- front matter ------------------------------------------------------------------------------


def test_front_matter_subset():
    fields, body = parse_front_matter(
        "\ufeff---\n# a comment\nid: x\ntitle: 'Quoted: with colon'\ntopics: [a, \"b\", , c]\nempty: []\n---\n\nBody\n"
    )
    assert fields == {"id": "x", "title": "Quoted: with colon", "topics": ["a", "b", "c"], "empty": []}
    assert body == "Body\n"
    assert parse_front_matter("# No header\n") == ({}, "# No header\n")


@pytest.mark.parametrize(
    "text",
    ["---\nid: x\n", "---\nid: x\nid: y\n---\n", "---\ntopics: [a, b\n---\n", "---\n- item\n---\n"],
)
def test_malformed_front_matter_raises(text):
    with pytest.raises(FrontMatterError):
        parse_front_matter(text)


def test_read_document_requires_front_matter_for_the_library():
    with pytest.raises(ValueError, match="no front matter"):
        read_document("# Title\n", source="library", path="x.md")
    with pytest.raises(ValueError, match="priority"):
        read_document("---\nid: x\ndomain: python\npriority: high\n---\n", source="library", path="x.md")
