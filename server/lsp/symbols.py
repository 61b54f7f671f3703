"""textDocument/documentSymbol and workspace/symbol: models with their fields, serializers,
views, admin classes, forms and URL patterns, described the Django way."""

from __future__ import annotations

from lsprotocol import types

from django_expert.analyzers.navigation import symbols as navigation
from django_expert.server.lsp import convert
from django_expert.server.lsp.navigation import document_at
from django_expert.server.lsp.server import DjangoExpertServer

MAX_WORKSPACE_SYMBOLS = 200


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    server.feature(types.WORKSPACE_SYMBOL)(workspace_symbol)


async def document_symbol(ls: DjangoExpertServer, params: types.DocumentSymbolParams):
    document = await document_at(ls, params.text_document.uri, None)
    if document is None or document.template:
        return None

    def outline():
        project = document.project()
        facts = document.facts()
        if facts is None:
            return None
        found = navigation.document_symbols(project, facts, document.path, document.text)
        if ls.supports("text_document.document_symbol.hierarchical_document_symbol_support"):
            return [lsp_document_symbol(s, document.lines, ls.encoding) for s in found]
        return [info for s in found for info in lsp_symbol_information(s, ls.uri_of(s.path), document.lines,
                                                                       ls.encoding)]

    return await ls.analyse(outline)


async def workspace_symbol(ls: DjangoExpertServer, params: types.WorkspaceSymbolParams):
    folders = [f for f in ls.all_folders() if f.path is not None]
    for folder in folders:
        await folder.ready.wait()

    def search():
        found = []
        lines_of = ls.lines_reader()
        for folder in folders:
            for project in folder.engine.projects:
                if project.model is None:
                    continue
                for symbol in navigation.workspace_symbols(project.model, params.query, MAX_WORKSPACE_SYMBOLS):
                    found += lsp_symbol_information(symbol, ls.uri_of(symbol.path), lines_of(str(symbol.path)),
                                                    ls.encoding, children=False)
        return found[:MAX_WORKSPACE_SYMBOLS]

    return await ls.analyse(search, default=[])


def lsp_document_symbol(symbol: navigation.Symbol, lines, encoding: str) -> types.DocumentSymbol:
    span = convert.lsp_range(symbol.span, lines, encoding)
    return types.DocumentSymbol(
        name=symbol.name,
        kind=convert.symbol_kind(symbol.kind),
        detail=symbol.detail or None,
        range=span,
        selection_range=span,
        children=[lsp_document_symbol(c, lines, encoding) for c in symbol.children] or None,
    )


def lsp_symbol_information(symbol: navigation.Symbol, uri: str, lines, encoding: str, container: str = "",
                           children: bool = True) -> list[types.SymbolInformation]:
    info = [types.SymbolInformation(
        name=symbol.name,
        kind=convert.symbol_kind(symbol.kind),
        location=convert.lsp_location(uri, symbol.span, lines, encoding),
        container_name=container or symbol.container or None,
    )]
    if children:
        for child in symbol.children:
            info += lsp_symbol_information(child, uri, lines, encoding, container=symbol.name)
    return info
