"""Every conversion between the analyser's values and LSP's, in one place.

The analyser speaks 0-based lines and code-point columns (`analyzers/source.py`); LSP
speaks 0-based lines and columns in the negotiated position encoding (UTF-16 unless the
client offers UTF-8, which we prefer). Lines are split the LSP way (`\\n`, `\\r\\n`, `\\r`).
Findings become `Diagnostic`s, fixes become `WorkspaceEdit`s, paths become URIs.

Choices: `codeDescription` and `relatedInformation` are always sent, whatever the client
declares (Emacs 29 declares neither, Neovim 0.11 no `codeDescriptionSupport`; a client
ignores properties it does not use, and gating would only lose the docs link). `data`
carries the finding's code and code-point span so a code action can find it again; a
diagnostic that comes back without `data` is matched by code and range instead.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.uris import from_fs_path, to_fs_path

from django_expert.analyzers.findings import Edit, Finding, Related, Severity
from django_expert.analyzers.source import Position, Span

SOURCE = "django-expert"
UTF8 = types.PositionEncodingKind.Utf8.value
UTF16 = types.PositionEncodingKind.Utf16.value
UTF32 = types.PositionEncodingKind.Utf32.value

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONVERTER = get_converter()

Locate = Callable[[str, Span], "types.Location | None"]


# -- position encodings ---------------------------------------------------------------------


def choose_encoding(offered: Sequence[str] | None) -> str:
    """UTF-8 when the client offers it (no conversion for ASCII and cheap otherwise), else UTF-16."""
    return UTF8 if offered and UTF8 in offered else UTF16


def with_chosen_encoding(capabilities: types.ClientCapabilities) -> types.ClientCapabilities:
    """The client's capabilities offering only the encoding we choose, so pygls negotiates it.

    pygls takes the first encoding of the client's list; a client listing utf-32 or utf-16
    before utf-8 would otherwise not get utf-8.
    """
    general = capabilities.general or types.GeneralClientCapabilities()
    chosen = choose_encoding(general.position_encodings)
    return attrs.evolve(capabilities, general=attrs.evolve(general, position_encodings=[chosen]))


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_units(char: str, encoding: str) -> int:
    code = ord(char)
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    return 1


def to_client_column(line: str, column: int, encoding: str) -> int:
    """A code-point column of `line` in the client's units (past the end stays past the end)."""
    column = max(column, 0)
    if column > len(line):
        return _units(line, encoding) + column - len(line)
    return _units(line[:column], encoding)


def from_client_column(line: str, character: int, encoding: str) -> int:
    """A column in the client's units as a code-point column (inside a character: the next one)."""
    if encoding == UTF32 or line.isascii():
        return min(max(character, 0), len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= character:
            return index
        count += _char_units(char, encoding)
    return len(line)


# -- lines, positions, ranges ---------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """The lines of a text as LSP counts them, without their line breaks."""
    return _LINE_BREAK.split(text)


def _line(lines: Sequence[str], number: int) -> str:
    return lines[number] if 0 <= number < len(lines) else ""


def lsp_position(position: Position, lines: Sequence[str], encoding: str) -> types.Position:
    line = max(position.line, 0)
    return types.Position(line=line, character=to_client_column(_line(lines, line), position.column, encoding))


def lsp_range(span: Span, lines: Sequence[str], encoding: str) -> types.Range:
    return types.Range(start=lsp_position(span.start, lines, encoding), end=lsp_position(span.end, lines, encoding))


def position_of(position: types.Position, lines: Sequence[str], encoding: str) -> Position:
    return Position(position.line, from_client_column(_line(lines, position.line), position.character, encoding))


def span_of(range_: types.Range, lines: Sequence[str], encoding: str) -> Span:
    return Span(position_of(range_.start, lines, encoding), position_of(range_.end, lines, encoding))


def spans_touch(a: Span, b: Span) -> bool:
    """Whether two spans share a position (an empty span touches what it sits in or next to)."""
    return (a.start.line, a.start.column) <= (b.end.line, b.end.column) and (
        b.start.line,
        b.start.column,
    ) <= (a.end.line, a.end.column)


def ranges_touch(a: types.Range, b: types.Range) -> bool:
    """Whether two LSP ranges (in the same encoding) share a position."""
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line, b.start.character) <= (a.end.line, a.end.character)


# -- paths and URIs ---------------------------------------------------------------------------


def uri_to_path(uri: str, resolve: bool = True) -> Path | None:
    """The file path of a `file:` URI, resolved unless asked not to (None for other schemes)."""
    path = to_fs_path(uri)
    if not path:
        return None
    return Path(path).resolve() if resolve else Path(path)


def path_to_uri(path: Path | str) -> str:
    return from_fs_path(str(path)) or Path(path).as_uri()


# -- findings -> diagnostics --------------------------------------------------------------------

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_RULE_URLS: dict[str, str] = {}


def rule_url(code: str) -> str | None:
    """The documentation page of a rule (None for DJE000, the file-level problems)."""
    if not _RULE_URLS:
        from django_expert.analyzers.rules.registry import all_rules

        _RULE_URLS.update({code: rule.url for code, rule in all_rules().items()})
    return _RULE_URLS.get(code)


def diagnostic_data(finding: Finding) -> dict:
    span = finding.span
    return {"code": finding.code, "span": [span.start.line, span.start.column, span.end.line, span.end.column]}


def lsp_diagnostic(finding: Finding, lines: Sequence[str], encoding: str, locate: Locate) -> types.Diagnostic:
    """A finding as a Diagnostic; an accepted finding becomes a hint that says why."""
    severity = _SEVERITY[finding.severity]
    message = finding.message
    if finding.accepted is not None:
        severity = types.DiagnosticSeverity.Hint
        message = f"{message} (accepted: {finding.accepted})"
    url = rule_url(finding.code)
    related = [info for info in (lsp_related(r, locate) for r in finding.related) if info is not None]
    return types.Diagnostic(
        range=lsp_range(finding.span, lines, encoding),
        message=message,
        severity=severity,
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        related_information=related or None,
        data=diagnostic_data(finding),
    )


def lsp_related(related: Related, locate: Locate) -> types.DiagnosticRelatedInformation | None:
    location = locate(related.path, related.span)
    return types.DiagnosticRelatedInformation(location=location, message=related.message) if location else None


def is_ours(diagnostic: types.Diagnostic) -> bool:
    return diagnostic.source == SOURCE


def matches(finding: Finding, diagnostic: types.Diagnostic, lines: Sequence[str], encoding: str) -> bool:
    """Whether a diagnostic the client sends back is this finding (by `data`, else code and range)."""
    data = diagnostic.data
    if isinstance(data, dict) and "span" in data:
        return data.get("code") == finding.code and data["span"] == diagnostic_data(finding)["span"]
    return diagnostic.code == finding.code and diagnostic.range == lsp_range(finding.span, lines, encoding)


def result_id(diagnostics: Sequence[types.Diagnostic]) -> str:
    """A digest of what a pull report holds, for `unchanged` reports."""
    payload = json.dumps(_CONVERTER.unstructure(list(diagnostics)), sort_keys=True)
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


# -- fixes -> workspace edits --------------------------------------------------------------------


def lsp_workspace_edit(
    edits: Iterable[Edit],
    *,
    lines_of: Callable[[str], Sequence[str]],
    uri_of: Callable[[str], str],
    version_of: Callable[[str], int | None],
    encoding: str,
    document_changes: bool,
) -> types.WorkspaceEdit:
    """Edits (code-point spans, per path) as a WorkspaceEdit: `documentChanges` carrying the
    document versions the edits were computed on when the client supports them, else `changes`."""
    by_path: dict[str, list[types.TextEdit]] = {}
    for edit in edits:
        lines = lines_of(edit.path)
        by_path.setdefault(edit.path, []).append(
            types.TextEdit(range=lsp_range(edit.span, lines, encoding), new_text=edit.content)
        )
    if document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri_of(path), version=version_of(path)
                    ),
                    edits=text_edits,
                )
                for path, text_edits in by_path.items()
            ]
        )
    return types.WorkspaceEdit(changes={uri_of(path): text_edits for path, text_edits in by_path.items()})


# -- offsets (navigation answers are code-point offsets into a document's text) --------------------


def line_starts(text: str) -> list[int]:
    """The offset where each line starts (lines split the LSP way)."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def offset_of(text: str, position: Position, starts: Sequence[int] | None = None) -> int:
    """The code-point offset in `text` of an analyser position (past a line's end: its end)."""
    starts = starts if starts is not None else line_starts(text)
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line_end = len(text[start:end].rstrip("\r\n")) + start
    return min(start + position.column, line_end)


def position_at(text: str, offset: int, starts: Sequence[int] | None = None) -> Position:
    """The analyser position of a code-point offset in `text`."""
    starts = starts if starts is not None else line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    return Position(line, offset - starts[line])


def lsp_offset_range(text: str, lines: Sequence[str], start: int, end: int, encoding: str,
                     starts: Sequence[int] | None = None) -> types.Range:
    starts = starts if starts is not None else line_starts(text)
    return lsp_range(Span(position_at(text, start, starts), position_at(text, end, starts)), lines, encoding)


def lsp_location(uri: str, span: Span, lines: Sequence[str], encoding: str) -> types.Location:
    return types.Location(uri=uri, range=lsp_range(span, lines, encoding))


# -- navigation kinds -------------------------------------------------------------------------------

_COMPLETION_KINDS = {
    "field": types.CompletionItemKind.Field,
    "relation": types.CompletionItemKind.Reference,
    "reverse": types.CompletionItemKind.Reference,
    "annotation": types.CompletionItemKind.Variable,
    "lookup": types.CompletionItemKind.Operator,
    "transform": types.CompletionItemKind.Function,
    "url": types.CompletionItemKind.Value,
    "template": types.CompletionItemKind.File,
    "setting": types.CompletionItemKind.Constant,
}
_SYMBOL_KINDS = {
    "model": types.SymbolKind.Class,
    "serializer": types.SymbolKind.Class,
    "view": types.SymbolKind.Class,
    "viewset": types.SymbolKind.Class,
    "admin": types.SymbolKind.Class,
    "form": types.SymbolKind.Class,
    "class": types.SymbolKind.Class,
    "field": types.SymbolKind.Field,
    "method": types.SymbolKind.Method,
    "function": types.SymbolKind.Function,
    "url": types.SymbolKind.Key,
}


def completion_kind(kind: str) -> types.CompletionItemKind:
    return _COMPLETION_KINDS.get(kind, types.CompletionItemKind.Text)


def symbol_kind(kind: str, is_function: bool = False) -> types.SymbolKind:
    if kind == "view" and is_function:
        return types.SymbolKind.Function
    return _SYMBOL_KINDS.get(kind, types.SymbolKind.Variable)
