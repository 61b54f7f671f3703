"""MarkdownMemoryStore: round trips, what a person wrote is kept, decisions are never dropped,
malformed files are read and not destroyed, writes are atomic and serialised."""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django_expert.memory import (
    Decision,
    GeneratedSections,
    MarkdownMemoryStore,
    MemoryWriteRefused,
    parse_decision,
)
from django_expert.memory.decisions import decision_for
from django_expert.memory.sections import parse, sections_of
from django_expert.memory.store import ARCHITECTURE_NOTES, MEMORY_FILES

DAY = dt.date(2026, 11, 24)
PERSON = "A paragraph a person wrote: we keep orders for seven years.\n"


@pytest.fixture
def store(tmp_path):
    return MarkdownMemoryStore(tmp_path, today=lambda: DAY)


def notes_path(store, project="shop", name=ARCHITECTURE_NOTES):
    return store.directory("django", project) / name


def four_files(run: int):
    return {
        "project_overview.md": GeneratedSections({"summary": f"Shop, run {run}", "apps": "- catalog\n- orders"}),
        "architecture_notes.md": GeneratedSections({"settings": f"split settings, run {run}", "middleware": "default"}),
        "data_model_patterns.md": f"money is Decimal (run {run})",
        "deployment_notes.md": GeneratedSections({"servers": "gunicorn"}),
    }


# -- round trips -------------------------------------------------------------------------------


def test_update_then_read_round_trips(store):
    result = store.update("django", "Shop", four_files(1))
    assert sorted(result.written) == sorted(MEMORY_FILES) and result.ok
    memory = store.get_skill_memory("django", "shop")
    assert memory.project == "shop" and memory.exists and not memory.problems
    assert set(memory.files) == set(MEMORY_FILES)
    assert memory.sections["project_overview.md"] == {"summary": "Shop, run 1\n", "apps": "- catalog\n- orders\n"}
    assert memory.sections["data_model_patterns.md"] == {"generated": "money is Decimal (run 1)\n"}


def test_nothing_recorded_reads_empty(store):
    memory = store.get_skill_memory("django", "shop")
    assert not memory.exists and memory.decisions == () and memory.files == {}
    assert store.get_by_project("shop") == {}


def test_same_content_twice_writes_nothing(store):
    store.update("django", "shop", four_files(1))
    result = store.update("django", "shop", four_files(1))
    assert result.written == [] and sorted(result.unchanged) == sorted(MEMORY_FILES)


def test_a_person_paragraph_survives_two_updates_byte_for_byte(store):
    store.update("django", "shop", four_files(1))
    path = notes_path(store)
    text = path.read_text()
    edited = text.replace("## Decisions", PERSON + "\n## Decisions", 1) + "\nTrailing note, no newline"
    edited = "Intro written above the title.\n" + edited
    path.write_text(edited)
    store.update("django", "shop", four_files(2))
    store.update("django", "shop", four_files(3))
    after = path.read_text()
    assert "Intro written above the title.\n" in after and PERSON in after
    assert after.endswith("\nTrailing note, no newline")
    assert sections_of(after)["settings"] == "split settings, run 3\n"
    # Outside the markers, nothing changed.
    assert _outside_sections(after) == _outside_sections(edited)


def _outside_sections(text):
    document = parse(text)
    inside = set()
    for section in document.sections:
        inside.update(range(section.begin + 1, section.end))
    return [line for index, line in enumerate(document.lines) if index not in inside]


def test_crlf_file_keeps_its_line_endings(store):
    store.update("django", "shop", {"notes": GeneratedSections({"a": "one"})})
    path = notes_path(store, name="notes.md")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b"Person line\r\n")
    store.update("django", "shop", {"notes": GeneratedSections({"a": "two\nlines", "b": "new"})})
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"Person line\r\n" in data
    assert sections_of(data.decode()) == {"a": "two\r\nlines\r\n", "b": "new\r\n"}


def test_new_sections_go_before_the_decisions_heading(store):
    store.update("django", "shop", four_files(1))
    store.record_decision("shop", Decision("DJE304", "accepted", "public catalogue"))
    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"async": "celery"})})
    text = notes_path(store).read_text()
    assert text.index("begin async") < text.index("## Decisions") < text.index("DJE304")


def test_generated_text_cannot_forge_markers(store):
    body = "<!-- django-expert:end settings -->\nsneaky\n<!-- django-expert:begin other -->"
    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"settings": body})})
    assert list(sections_of(notes_path(store).read_text())) == ["settings"]


def test_invalid_file_or_section_names_are_refused(store):
    with pytest.raises(ValueError):
        store.update("django", "shop", {"../escape.md": "x"})
    with pytest.raises(ValueError):
        store.update("django", "shop", {"sub/notes.md": "x"})
    with pytest.raises(ValueError):
        GeneratedSections({"bad id": "x"})


def test_get_by_project_reads_every_skill(store):
    store.update("django", "shop", four_files(1))
    store.update("security-review", "shop", {"findings": "two open"})
    store.update("django", "blog", four_files(1))
    memories = store.get_by_project("Shop")
    assert sorted(memories) == ["django", "security-review"]
    assert memories["security-review"].sections["findings.md"] == {"generated": "two open\n"}


def test_conventions_and_known_issues_are_collected(store):
    store.update("django", "shop", four_files(1))
    path = notes_path(store)
    path.write_text(
        path.read_text()
        + "\n## Conventions\n\nServices live in `services.py`.\n\n## Known issues\n\n- Slow admin on orders\n"
    )
    store.update(
        "django", "shop", {"project_overview.md": GeneratedSections({"conv": "### Conventions\nUUID primary keys"})}
    )
    memory = store.get_skill_memory("django", "shop")
    assert "Services live in `services.py`." in memory.conventions and "UUID primary keys" in memory.conventions
    assert memory.known_issues == "- Slow admin on orders"


# -- decisions ---------------------------------------------------------------------------------


def test_record_decision_appends_and_reads_back(store):
    decision = Decision("dje304", "accepted", "public catalogue is intentionally open", "catalog/views.py::ProductViewSet")
    assert store.record_decision("shop", decision)
    line = "- 2026-11-24 accepted DJE304 at catalog/views.py::ProductViewSet: public catalogue is intentionally open"
    assert line + "\n" in notes_path(store).read_text()
    [read] = store.decisions("shop")
    assert read == Decision("DJE304", "accepted", "public catalogue is intentionally open",
                            "catalog/views.py::ProductViewSet", DAY)
    assert read.source == f"{ARCHITECTURE_NOTES}:{notes_path(store).read_text().splitlines().index(line) + 1}"


def test_recording_the_same_decision_twice_appends_once(store):
    decision = Decision("DJE304", "accepted", "open", "catalog/views.py::ProductViewSet")
    assert store.record_decision("shop", decision)
    assert not store.record_decision("shop", decision)
    assert store.record_decision("shop", Decision("DJE304", "todo", "close it", "catalog/views.py::ProductViewSet"))
    assert store.record_decision("shop", decision)  # back to accepted: appended again, latest wins
    assert [d.status for d in store.decisions("shop")] == ["accepted", "todo", "accepted"]


def test_decisions_survive_updates_and_hand_edits(store):
    store.update("django", "shop", four_files(1))
    store.record_decision("shop", Decision("DJE401", "accepted", "first"))
    path = notes_path(store)
    path.write_text(path.read_text() + "* [2026-01-02] **Rejected** `dje502` in orders/views.py — reviewed\n")
    store.record_decision("shop", Decision("DJE503", "todo", "third", "orders/serializers.py::OrderSerializer"))
    for run in range(2, 5):
        store.update("django", "shop", four_files(run))
    codes = [d.code for d in store.decisions("shop")]
    assert codes == ["DJE401", "DJE502", "DJE503"]
    assert "**Rejected** `dje502`" in path.read_text()


def test_a_decision_written_inside_a_generated_section_is_moved_not_dropped(store):
    store.update("django", "shop", four_files(1))
    path = notes_path(store)
    text = path.read_text().replace(
        "split settings, run 1\n", "split settings, run 1\n- 2026-11-20 accepted DJE105 at shop/settings/dev.py: dev only\n"
    )
    path.write_text(text)
    result = store.update("django", "shop", four_files(2))
    assert [d.code for d in result.rescued_decisions] == ["DJE105"]
    [decision] = store.decisions("shop")
    assert decision.target == "shop/settings/dev.py" and decision.date == dt.date(2026, 11, 20)
    result = store.update("django", "shop", four_files(3))
    assert result.rescued_decisions == [] and len(store.decisions("shop")) == 1


def test_recording_into_a_file_without_a_decisions_heading_adds_one(store):
    path = notes_path(store)
    path.parent.mkdir(parents=True)
    path.write_text("# My own notes\n\nNo heading for decisions here.")
    store.record_decision("shop", Decision("DJE701", "todo", "turn DEBUG off"))
    assert path.read_text() == (
        "# My own notes\n\nNo heading for decisions here.\n\n## Decisions\n\n- 2026-11-24 todo DJE701: turn DEBUG off\n"
    )


def test_decision_lands_at_the_end_of_the_decisions_area(store):
    path = notes_path(store)
    path.parent.mkdir(parents=True)
    path.write_text("## Decisions\n\n- accepted DJE101: one\n\n## Later heading\n\ntext\n")
    store.record_decision("shop", Decision("DJE102", "accepted", "two"))
    assert path.read_text() == (
        "## Decisions\n\n- accepted DJE101: one\n- 2026-11-24 accepted DJE102: two\n\n## Later heading\n\ntext\n"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- 2026-11-24 accepted DJE304 at catalog/views.py::ProductViewSet: public catalogue is open",
         ("DJE304", "accepted", "catalog/views.py::ProductViewSet", "public catalogue is open", DAY)),
        ("- accepted DJE304 catalog/views.py::ProductViewSet — open by design",
         ("DJE304", "accepted", "catalog/views.py::ProductViewSet", "open by design", None)),
        ("* [2026-11-24] ACCEPTED dje304 @ catalog/views.py - open",
         ("DJE304", "accepted", "catalog/views.py", "open", DAY)),
        ("- DJE304 accepted: AllowAny on PublicCatalogViewSet is intended",
         ("DJE304", "accepted", None, "AllowAny on PublicCatalogViewSet is intended", None)),
        ("- 2026-11-24: accepted DJE304 on PublicCatalogViewSet: intended",
         ("DJE304", "accepted", "PublicCatalogViewSet", "intended", DAY)),
        ("1. 2026/11/24 rejected DJE502 OrderSerializer.get_total: values are cached",
         ("DJE502", "rejected", "OrderSerializer.get_total", "values are cached", DAY)),
        ("- todo DJE701 SECURE_HSTS_SECONDS: after the CDN move",
         ("DJE701", "todo", "SECURE_HSTS_SECONDS", "after the CDN move", None)),
        ("- `accepted` `DJE201` at `catalog/models.py::Product`: legacy column",
         ("DJE201", "accepted", "catalog/models.py::Product", "legacy column", None)),
        ("- accepted DJE304 for now: revisit in Q3", ("DJE304", "accepted", None, "for now: revisit in Q3", None)),
        ("- accepted DJE304 Public catalogue", ("DJE304", "accepted", None, "Public catalogue", None)),
        ("- accepted DJE304", ("DJE304", "accepted", None, "", None)),
        ("- [x] 2026-11-24 todo DJE501 at orders/views.py::OrderViewSet: fixed in #42",
         ("DJE501", "todo", "orders/views.py::OrderViewSet", "fixed in #42", DAY)),
        ("- [ ] todo DJE501: not yet", ("DJE501", "todo", None, "not yet", None)),
        ("- 2026-13-45 accepted DJE304: bad date is just text",
         ("DJE304", "accepted", None, "bad date is just text", None)),
    ],
)
def test_hand_written_decision_lines_parse(line, expected):
    decision = parse_decision(line)
    assert decision is not None, line
    assert (decision.code, decision.status, decision.target, decision.reason, decision.date) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Just a sentence about DJE304 that decides nothing.",
        "- accepted: no rule code here",
        "- DJE304 without a status",
        "## Decisions",
        "<!-- - 2026-11-24 accepted DJE304 at x.py: an example in a comment -->",
        "- 2026-11-24 maybe DJE304: unknown status",
        "\udcff\x00garbage \u2028 DJE",
    ],
)
def test_lines_that_are_not_decisions_are_ignored(line):
    assert parse_decision(line) is None


def test_to_line_round_trips():
    for decision in [
        Decision("DJE304", "accepted", "open", "catalog/views.py::ProductViewSet", DAY),
        Decision("DJE701", "todo", "", None, None),
        Decision("DJE409", "rejected", "escaped upstream: see docs", "core/html.py", DAY),
        Decision("DJE105", "accepted", "multi\nline  reason", "SETTING_NAME", DAY),
    ]:
        assert parse_decision(decision.to_line()) == decision


def test_decision_validation():
    with pytest.raises(ValueError):
        Decision("E501", "accepted")
    with pytest.raises(ValueError):
        Decision("DJE501", "maybe")
    with pytest.raises(ValueError):
        Decision("DJE501", "accepted", target="a path with spaces.py")


def test_the_most_specific_then_latest_decision_applies():
    decisions = [
        Decision("DJE304", "accepted", "all of them"),
        Decision("DJE304", "todo", "this file", "catalog/views.py"),
        Decision("DJE304", "accepted", "this class", "catalog/views.py::ProductViewSet"),
        Decision("DJE304", "rejected", "by symbol anywhere", "OrderViewSet"),
    ]
    pick = lambda path, symbol: decision_for(decisions, "DJE304", path, symbol).reason
    assert pick("/abs/shop/catalog/views.py", "ProductViewSet.list") == "this class"
    assert pick("catalog/views.py", "CategoryViewSet") == "this file"
    assert pick("orders/views.py", "OrderViewSet") == "by symbol anywhere"
    assert pick("orders/views.py", "Other") == "all of them"
    assert pick("catalog/views_extra.py", None) == "all of them"
    assert decision_for(decisions, "DJE305", "catalog/views.py", None) is None
    assert decisions[2].demotes and decisions[3].demotes and not decisions[1].demotes


def test_skill_memory_answers_which_decision_covers_a_finding(store):
    store.record_decision("shop", Decision("DJE304", "accepted", "open", "catalog/views.py::ProductViewSet"))
    memory = store.get_skill_memory("django", "shop")
    assert memory.decision_for("DJE304", "catalog/views.py", "ProductViewSet").reason == "open"
    assert memory.decision_for("DJE304", "catalog/views.py", "CategoryViewSet") is None


# -- malformed files ---------------------------------------------------------------------------

MALFORMED = textwrap.dedent(
    """\
    # Notes somebody edited

    <!-- django-expert:begin settings -->
    an unterminated section a person broke
    Person text after the broken marker.
    <!-- django-expert:end middleware -->
    <!-- django-expert:begin dup -->
    first copy
    <!-- django-expert:end dup -->
    between copies
    <!-- django-expert:begin dup -->
    second copy, edited by hand
    <!-- django-expert:end dup -->
    ## Decisions
    - accepted DJE101: kept
    """
)


def test_malformed_markers_are_read_and_kept(store):
    path = notes_path(store)
    path.parent.mkdir(parents=True)
    path.write_text(MALFORMED)
    memory = store.get_skill_memory("django", "shop")
    assert len(memory.problems) == 3 and memory.sections[ARCHITECTURE_NOTES] == {"dup": "first copy\n"}
    result = store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"settings": "new", "dup": "regenerated"})})
    text = path.read_text()
    assert result.ok and result.added[ARCHITECTURE_NOTES] == ["settings"]
    # Every line of the original except the first duplicate's body is still there, in order.
    original = MALFORMED.splitlines(keepends=True)
    original.remove("first copy\n")
    assert _is_subsequence(original, text.splitlines(keepends=True))
    assert "second copy, edited by hand\n" in text and "regenerated\n" in text
    assert sections_of(text)["settings"] == "new\n"
    assert [d.code for d in store.decisions("shop")] == ["DJE101"]
    # A second run is stable: the appended section is now the one that is regenerated.
    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"settings": "newer", "dup": "regenerated"})})
    assert path.read_text() == text.replace("\nnew\n", "\nnewer\n")


def _is_subsequence(needles, haystack):
    iterator = iter(haystack)
    return all(any(line == other for other in iterator) for line in needles)


def test_non_utf8_file_is_read_but_never_overwritten(store):
    store.update("django", "shop", four_files(1))
    path = notes_path(store)
    raw = path.read_bytes() + "Notizen: Gr\xfc\xdfe\n".encode("latin-1") + b"- accepted DJE101: still read\n"
    path.write_bytes(raw)
    memory = store.get_skill_memory("django", "shop")
    assert ARCHITECTURE_NOTES in memory.undecodable
    assert any("not valid UTF-8" in problem for problem in memory.problems)
    assert "\ufffd" in memory.files[ARCHITECTURE_NOTES]
    assert [d.code for d in memory.decisions] == ["DJE101"]
    result = store.update("django", "shop", four_files(2))
    assert "not valid UTF-8" in result.refused[ARCHITECTURE_NOTES] and not result.ok
    assert ARCHITECTURE_NOTES not in result.written and "project_overview.md" in result.written
    assert path.read_bytes() == raw
    with pytest.raises(MemoryWriteRefused):
        store.record_decision("shop", Decision("DJE102", "accepted", "x"))
    assert path.read_bytes() == raw


def test_binary_garbage_and_empty_files_do_not_crash(store):
    directory = store.directory("django", "shop")
    directory.mkdir(parents=True)
    (directory / "garbage.md").write_bytes(os.urandom(2048) + b"\x00\xff<!-- django-expert:begin x -->")
    (directory / "empty.md").write_bytes(b"")
    (directory / "folder.md").mkdir()
    memory = store.get_skill_memory("django", "shop")
    assert "empty.md" in memory.files
    result = store.update("django", "shop", {"empty.md": "now filled", "folder.md": "x"})
    assert result.written == ["empty.md"] and "folder.md" in result.refused


# -- staying inside the workspace --------------------------------------------------------------


@pytest.mark.parametrize("memory_dir", ["../memory", "/etc", "a/../../b", "~/.memory", ""])
def test_memory_dir_outside_the_workspace_is_rejected(tmp_path, memory_dir):
    with pytest.raises(ValueError):
        MarkdownMemoryStore(tmp_path, memory_dir)


def test_odd_project_names_are_slugified_into_the_memory_folder(store, tmp_path):
    store.update("django", "../../etc/passwd", {"x": "y"})
    store.update("django", "/abs", {"x": "y"})
    memory_root = tmp_path / ".django-expert" / "memory" / "django"
    assert sorted(p.name for p in memory_root.iterdir()) == ["abs", "etc-passwd"]
    with pytest.raises(ValueError):
        store.update("django", "../", {"x": "y"})


def test_configured_memory_dir_is_used(tmp_path):
    store = MarkdownMemoryStore(tmp_path, "docs/ai-memory")
    store.update("django", "shop", {"x": "y"})
    assert (tmp_path / "docs" / "ai-memory" / "django" / "shop" / "x.md").is_file()
    assert (tmp_path / "docs" / "ai-memory" / ".gitignore").read_text().count(".lock") == 1


def test_symlinks_out_of_the_workspace_are_not_followed(tmp_path):
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("outside the workspace")
    store = MarkdownMemoryStore(workspace)
    store.update("django", "shop", {"x": "y"})
    directory = store.directory("django", "shop")
    (directory / "architecture_notes.md").symlink_to(secret)
    memory = store.get_skill_memory("django", "shop")
    assert ARCHITECTURE_NOTES not in memory.files and any("outside" in p for p in memory.problems)
    result = store.update("django", "shop", {ARCHITECTURE_NOTES: "z"})
    assert ARCHITECTURE_NOTES in result.refused
    assert secret.read_text() == "outside the workspace"
    (workspace / ".django-expert" / "memory" / "evil").symlink_to(outside)
    with pytest.raises(ValueError):
        store.update("evil", "shop", {"x": "y"})
    assert "evil" not in store.get_by_project("shop") and list(outside.iterdir()) == [secret]


# -- crashes and concurrency -------------------------------------------------------------------

# The writer slows its own file writes down (64 KiB chunks with a pause) so that a kill at a
# random moment often lands in the middle of writing data; with PAUSE_AT set it stops in
# the middle of a write and says so, for one kill that is certainly mid-write.
WRITER = textwrap.dedent(
    """\
    import os, sys, time
    from django_expert.memory import GeneratedSections, MarkdownMemoryStore

    real_fdopen, writes = os.fdopen, [0]
    pause_at = int(os.environ.get("PAUSE_AT", "0"))

    class SlowFile:
        def __init__(self, stream):
            self.stream = stream
        def write(self, data):
            writes[0] += 1
            for start in range(0, len(data), 65536):
                self.stream.write(data[start:start + 65536])
                self.stream.flush()
                if writes[0] == pause_at and start >= len(data) // 2:
                    open(os.path.join(sys.argv[1], "paused"), "w").close()
                    time.sleep(60)
                time.sleep(0.002)
            return len(data)
        def __getattr__(self, name):
            return getattr(self.stream, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.stream.__exit__(*exc)

    os.fdopen = lambda *args, **kwargs: SlowFile(real_fdopen(*args, **kwargs))
    store = MarkdownMemoryStore(sys.argv[1])
    big = {c: "\\n".join(c * 100 for _ in range(20000)) for c in "AB"}
    print("ready", flush=True)
    i = 0
    while True:
        store.update("django", "shop", {"architecture_notes.md": GeneratedSections({"big": big["AB"[i % 2]]})})
        i += 1
    """
)


def _kill_writer(tmp_path, delay=None, pause_at=None):
    env = dict(os.environ, PAUSE_AT=str(pause_at or 0))
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdout.readline() == b"ready\n"
        if pause_at:
            deadline = time.monotonic() + 20
            while not (tmp_path / "paused").exists():
                assert time.monotonic() < deadline, "the writer never reached the pause"
                time.sleep(0.005)
        else:
            time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()


def test_killing_a_writer_mid_write_leaves_old_or_new_content(store, tmp_path):
    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"big": "initial"})})
    path = notes_path(store)
    path.write_text(path.read_text() + PERSON)
    store.record_decision("shop", Decision("DJE101", "accepted", "kept through crashes"))
    before = path.read_bytes()
    bodies = {"initial\n"} | {"\n".join(c * 100 for _ in range(20000)) + "\n" for c in "AB"}

    # Certainly mid-write: the new content is half written, the file is still the old one.
    _kill_writer(tmp_path, pause_at=1)
    assert path.read_bytes() == before
    assert any(name.endswith(".tmp") for name in os.listdir(path.parent)), "the kill was not mid-write"

    for _ in range(6):  # at random moments
        _kill_writer(tmp_path, delay=random.uniform(0.05, 0.4))
        text = path.read_text()
        assert not parse(text).problems
        assert sections_of(text)["big"] in bodies
        assert PERSON in text and [d.code for d in store.decisions("shop")] == ["DJE101"]

    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"big": "final"})})
    assert sorted(os.listdir(path.parent)) == [".lock", ARCHITECTURE_NOTES]  # leftovers cleaned up


RACER = textwrap.dedent(
    """\
    import os, sys, time
    from django_expert.memory import Decision, GeneratedSections, MarkdownMemoryStore
    workspace, me = sys.argv[1], sys.argv[2]
    store = MarkdownMemoryStore(workspace, lock_timeout=30)
    while not os.path.exists(os.path.join(workspace, "go")):
        time.sleep(0.001)
    for i in range(50):
        store.update("django", "shop", {"architecture_notes.md": GeneratedSections({f"part-{me}": f"value {i} from {me}"}),
                                        f"own-{me}.md": f"iteration {i}"})
        store.record_decision("shop", Decision("DJE10" + me, "accepted", f"decision {i} from {me}"))
    """
)


def test_two_processes_updating_at_once_lose_nothing(store, tmp_path):
    store.update("django", "shop", {ARCHITECTURE_NOTES: GeneratedSections({"shared": "base"})})
    path = notes_path(store)
    path.write_text(path.read_text() + PERSON)
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path), me]) for me in "12"]
    (tmp_path / "go").touch()
    assert [racer.wait(timeout=60) for racer in racers] == [0, 0]
    text = path.read_text()
    assert not parse(text).problems and PERSON in text
    assert sections_of(text) == {"shared": "base\n", "part-1": "value 49 from 1\n", "part-2": "value 49 from 2\n"}
    decisions = store.decisions("shop")
    for me in "12":
        assert [d.reason for d in decisions if d.code == "DJE10" + me] == [f"decision {i} from {me}" for i in range(50)]
        assert sections_of(notes_path(store, name=f"own-{me}.md").read_text()) == {"generated": "iteration 49\n"}
