"""The open documents' text, kept with LSP's line breaks: `\\n`, `\\r\\n` and `\\r` only.

pygls' TextDocument splits lines with `str.splitlines`, which also breaks on form feed,
`\\x0b`, `\\x1c`-`\\x1e`, `\\x85`, U+2028 and U+2029; after one of them every incremental
edit landed a line too high and the server's text drifted from the editor's (issue 11).
Here lines and edits go through `convert`, the one place that maps positions.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from django_expert.analyzers.source import split_lines
from django_expert.server.lsp import convert


class LspTextDocument(TextDocument):
    """A TextDocument whose lines and incremental edits follow LSP's line breaks."""

    @property
    def lines(self) -> Sequence[str]:
        """The lines with their endings, as pygls' own `lines` (split the LSP way)."""
        return tuple(split_lines(self.source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        text = self.source
        lines, starts = convert.split_lines(text), convert.line_starts(text)
        encoding = self.position_codec.encoding or convert.UTF16
        start, end = (convert.offset_of(text, convert.position_of(position, lines, encoding), starts)
                      for position in (change.range.start, change.range.end))
        self._source = text[:start] + change.text + text[max(start, end):]


class LspWorkspace(Workspace):
    """pygls' Workspace, making LspTextDocuments."""

    @classmethod
    def like(cls, workspace: Workspace, sync_kind: types.TextDocumentSyncKind) -> LspWorkspace:
        """This kind of workspace in place of pygls' own, made at initialize (no document yet)."""
        return cls(workspace.root_uri, sync_kind, list(workspace.folders.values()), workspace.position_encoding)

    def _create_text_document(self, doc_uri: str, source: str | None = None, version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self.position_codec)
