"""convert.py on strings: columns in every encoding, lines, findings, edits."""

from __future__ import annotations

import pytest
from lsprotocol import types

from django_expert.analyzers.findings import Edit, Finding, Related, Severity
from django_expert.analyzers.source import Position, Span
from django_expert.server.lsp import convert

LINE = 'x = "é😀"; y = 1'  # é: 2 UTF-8 bytes, 1 UTF-16 unit; 😀: 4 bytes, 2 units


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", 14), ("utf-16", 11), ("utf-32", 10)])
def test_columns_round_trip(encoding, expected):
    column = LINE.index("y")
    assert convert.to_client_column(LINE, column, encoding) == expected
    assert convert.from_client_column(LINE, expected, encoding) == column
    assert convert.to_client_column(LINE, len(LINE) + 2, encoding) == convert.to_client_column(
        LINE, len(LINE), encoding) + 2  # past the end stays past the end


def test_client_column_inside_a_character_moves_to_the_next_one():
    emoji = LINE.index("😀")
    assert convert.from_client_column(LINE, convert.to_client_column(LINE, emoji, "utf-16") + 1, "utf-16") == emoji + 1


@pytest.mark.parametrize(("offered", "chosen"), [
    (None, "utf-16"), ([], "utf-16"), (["utf-16"], "utf-16"), (["utf-32", "utf-8", "utf-16"], "utf-8"),
    (["utf-32"], "utf-16"),
])
def test_encoding_choice(offered, chosen):
    assert convert.choose_encoding(offered) == chosen
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=offered))
    assert convert.with_chosen_encoding(capabilities).general.position_encodings == [chosen]


def test_lines_split_only_at_lsp_line_breaks():
    assert convert.split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a", "b", "c", "d\x0ce\u2028f"]


def finding(**changes) -> Finding:
    values = {"code": "DJE201", "name": "nullable-string-field", "message": "null on a string field",
              "path": "/p/m.py", "span": Span.of(0, LINE.index("y"), 0, len(LINE)), "severity": Severity.WARNING}
    return Finding(**{**values, **changes})


def test_finding_to_diagnostic():
    related = Related("/p/other.py", Span.of(1, 0, 1, 3), "defined here")
    seen = []

    def locate(path, span):
        seen.append(path)
        return types.Location(uri="file:///p/other.py", range=convert.lsp_range(span, ["", "abc"], "utf-16"))

    diagnostic = convert.lsp_diagnostic(finding(related=(related,)), [LINE], "utf-16", locate)

    assert diagnostic.range == types.Range(start=types.Position(line=0, character=11),
                                           end=types.Position(line=0, character=16))
    assert (diagnostic.code, diagnostic.source) == ("DJE201", "django-expert")
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.code_description.href.endswith("DJE201.html")
    assert diagnostic.related_information[0].message == "defined here" and seen == ["/p/other.py"]
    assert diagnostic.data == {"code": "DJE201", "span": [0, 10, 0, 15]}
    assert convert.matches(finding(), diagnostic, [LINE], "utf-16")
    diagnostic.data = None  # a client that drops data: matched by code and range
    assert convert.matches(finding(), diagnostic, [LINE], "utf-16")
    assert not convert.matches(finding(code="DJE202"), diagnostic, [LINE], "utf-16")


def test_accepted_finding_is_a_hint_saying_why():
    accepted = finding()
    object.__setattr__(accepted, "accepted", "intended: legacy column")
    diagnostic = convert.lsp_diagnostic(accepted, [LINE], "utf-8", lambda *_: None)
    assert diagnostic.severity == types.DiagnosticSeverity.Hint
    assert diagnostic.message.endswith("(accepted: intended: legacy column)")


def test_parse_problem_has_no_documentation_link():
    problem = finding(code="DJE000", name="parse-error", severity=Severity.ERROR)
    diagnostic = convert.lsp_diagnostic(problem, [LINE], "utf-8", lambda *_: None)
    assert diagnostic.code_description is None and diagnostic.severity == types.DiagnosticSeverity.Error


@pytest.mark.parametrize("document_changes", [True, False])
def test_edits_to_workspace_edit(document_changes):
    edits = [Edit("/p/m.py", Span(Position(0, LINE.index("y")), Position(0, LINE.index("y") + 1)), "z")]
    edit = convert.lsp_workspace_edit(
        edits, lines_of=lambda path: [LINE], uri_of=lambda path: "file:///p/m.py", version_of=lambda path: 7,
        encoding="utf-8", document_changes=document_changes,
    )
    expected = types.TextEdit(range=types.Range(start=types.Position(line=0, character=14),
                                                end=types.Position(line=0, character=15)), new_text="z")
    if document_changes:
        (change,) = edit.document_changes
        assert change.text_document == types.OptionalVersionedTextDocumentIdentifier(uri="file:///p/m.py", version=7)
        assert list(change.edits) == [expected]
    else:
        assert edit.changes == {"file:///p/m.py": [expected]}


def test_result_id_changes_with_the_diagnostics():
    first = convert.lsp_diagnostic(finding(), [LINE], "utf-8", lambda *_: None)
    second = convert.lsp_diagnostic(finding(message="other"), [LINE], "utf-8", lambda *_: None)
    assert convert.result_id([first]) == convert.result_id([first])
    assert convert.result_id([first]) != convert.result_id([second])
