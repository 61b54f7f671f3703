"""textDocument/definition: from a lookup segment to its field (or the foreign key of a
reverse relation), from a URL name to its `path()` and its view, from a template name to
the file, from a setting to its assignments; general Python through jedi."""

from __future__ import annotations

from lsprotocol import types

from django_expert.analyzers.navigation import features
from django_expert.analyzers.navigation.jedi_fallback import jedi_fallback
from django_expert.server.lsp import convert
from django_expert.server.lsp.navigation import Document, document_at, on_jedi
from django_expert.server.lsp.server import DjangoExpertServer


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)


async def definition(ls: DjangoExpertServer, params: types.DefinitionParams) -> list[types.Location] | None:
    document = await document_at(ls, params.text_document.uri, params.position)
    if document is None:
        return None
    places, layout = await ls.analyse(_places, ls, document, default=([], None))
    if not places and not document.template:
        position = convert.position_of(params.position, document.lines, ls.encoding)
        places = await on_jedi(jedi_fallback().definition, layout, document.path, document.text, position.line,
                               position.column, default=[])
    if not places:
        return None
    lines_of = ls.lines_reader()
    return [convert.lsp_location(ls.uri_of(path), span, lines_of(str(path)), ls.encoding) for path, span in places]


def _places(ls: DjangoExpertServer, document: Document):
    project = document.project()
    if project is None:
        return [], None
    target = features.find_target(project, document.facts(), document.text, document.offset, document.template)
    if target is None:
        return [], project.layout
    return [(place.path, place.span) for place in features.definition(project, target)], project.layout
