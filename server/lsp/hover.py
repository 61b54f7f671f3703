"""textDocument/hover: what a lookup segment, URL name, template or setting is, and a model's
field, relation or manager named in code (from the project model); general Python through
jedi when Django knowledge has nothing to say."""

from __future__ import annotations

from collections import OrderedDict

from lsprotocol import types

from django_expert.analyzers.navigation import features
from django_expert.analyzers.navigation.jedi_fallback import jedi_fallback
from django_expert.server.lsp import convert
from django_expert.server.lsp.navigation import Document, document_at, on_jedi
from django_expert.server.lsp.server import DjangoExpertServer


def setup(server: DjangoExpertServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)


# Answers by document text, position and model: an editor asks again for the same spot
# (the mouse resting on a name, a re-opened tooltip), and jedi's answer costs ~100 ms. The
# model's build count stands for the project (a model holds no cache entry alive).
_ANSWERS: OrderedDict[tuple, types.Hover | None] = OrderedDict()
_KEPT = 64


async def hover(ls: DjangoExpertServer, params: types.HoverParams) -> types.Hover | None:
    document = await document_at(ls, params.text_document.uri, params.position)
    if document is None:
        return None
    key = (params.text_document.uri, document.text, params.position.line, params.position.character,
           ls.encoding, id(document.engine), document.engine.stats["model_build"])
    if key in _ANSWERS:
        _ANSWERS.move_to_end(key)
        return _ANSWERS[key]
    answer = await _answer(ls, params, document)
    _ANSWERS[key] = answer
    while len(_ANSWERS) > _KEPT:
        _ANSWERS.popitem(last=False)
    return answer


async def _answer(ls: DjangoExpertServer, params: types.HoverParams, document: Document) -> types.Hover | None:
    found, layout = await ls.analyse(_hover, ls, document, default=(None, None))
    if found is not None or document.template:
        return found
    position = convert.position_of(params.position, document.lines, ls.encoding)
    markdown = await on_jedi(jedi_fallback().hover, layout, document.path, document.text, position.line,
                             position.column)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown)) \
        if markdown else None


def _hover(ls: DjangoExpertServer, document: Document):
    project = document.project()
    if project is None:
        return None, None
    facts = document.facts()
    target = features.find_target(project, facts, document.text, document.offset, document.template)
    answer = features.hover(project, target) if target is not None else None
    if answer is None and not document.template and facts is not None:
        answer = features.hover_name(project, facts, document.text, document.offset)
    if answer is None:
        return None, project.layout
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=answer.markdown),
        range=document.range(answer.start, answer.end, ls.encoding),
    ), project.layout
