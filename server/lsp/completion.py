"""textDocument/completion: lookup paths, URL names, template names and settings, in Python
files (also unfinished ones) and templates.

An item's `textEdit` covers what was typed of the name (a lookup path's item replaces the
whole path: `category__` → `category__name`), and its `filterText` and `insertText` are that
new text, so every client filters by what it finds before the cursor (eglot matches the
symbol at point against `insertText`). A lookup path's list is incomplete: the next segment
has other options, so the client asks again as the user types rather than filtering a list
made for the previous segment."""

from __future__ import annotations

from lsprotocol import types

from django_expert.analyzers.navigation import features, targets
from django_expert.server.lsp import convert
from django_expert.server.lsp.navigation import Document, document_at
from django_expert.server.lsp.server import DjangoExpertServer

# `(` and `,`: the first and next keyword of `filter(`; `_`: the `__` between segments.
TRIGGERS = ["_", "(", ",", '"', "'", ".", ":", "/", "-"]


def setup(server: DjangoExpertServer) -> None:
    options = types.CompletionOptions(trigger_characters=TRIGGERS, resolve_provider=False)
    server.feature(types.TEXT_DOCUMENT_COMPLETION, options)(completion)


async def completion(ls: DjangoExpertServer, params: types.CompletionParams) -> types.CompletionList | None:
    document = await document_at(ls, params.text_document.uri, params.position)
    if document is None:
        return None
    return await ls.analyse(_complete, ls, document)


def _complete(ls: DjangoExpertServer, document: Document) -> types.CompletionList | None:
    project = document.project()
    if project is None:
        return None
    target = features.find_target(project, document.facts(), document.text, document.offset, document.template)
    if target is None:
        return None
    items = [lsp_completion(item, document, ls.encoding) for item in features.complete(project, target)]
    return types.CompletionList(is_incomplete=target.kind == targets.PATH, items=items) if items else None


def lsp_completion(item: features.Completion, document: Document, encoding: str) -> types.CompletionItem:
    edit_range = document.range(item.start, item.end, encoding)
    return types.CompletionItem(
        label=item.label,
        kind=convert.completion_kind(item.kind),
        detail=item.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
        if item.documentation else None,
        sort_text=item.sort or None,
        filter_text=item.new_text,
        insert_text=item.new_text,
        text_edit=types.TextEdit(range=edit_range, new_text=item.new_text),
    )
