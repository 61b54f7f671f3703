"""The secret policy through a real LSP client: on a copy of the shop with a made-up secret
under every secret-name pattern (tests/planted_secrets.py), neither hover (Django's or
jedi's) nor completion ever shows one."""

from __future__ import annotations

import pytest
from lsprotocol import types
from tests.planted_secrets import NAMES, SHAPES, planted_shop

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _position(text: str, offset: int) -> types.Position:
    """An offset of ASCII text as an LSP position (the same in every encoding)."""
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def test_hover_and_completion_never_show_a_planted_secret(session, tmp_path):
    root, values = planted_shop(tmp_path / "ws" / "shop")
    await session.start(root)
    names = [*NAMES, *SHAPES]
    text = "from django.conf import settings\n\n" + "".join(f"settings.{name}\n" for name in names) + "settings.\n"
    path = root / "catalog" / "probe.py"
    path.write_text(text, encoding="utf-8")
    uri = session.open(path, text)
    document = types.TextDocumentIdentifier(uri=uri)
    shown = []
    for name in names:
        position = _position(text, text.index(f"settings.{name}\n") + len("settings.") + 1)
        result = await session.client.text_document_hover_async(types.HoverParams(text_document=document,
                                                                                   position=position))
        assert result is not None, name
        shown.append(result.contents.value)
    completion = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=document, position=_position(text, len(text) - 1)))
    items = list(completion.items) if completion else []
    assert set(names) <= {item.label for item in items}
    shown += [f"{item.label} {item.detail} {item.documentation}" for item in items]
    settings_file = root / "shop" / "settings" / "base.py"
    source = settings_file.read_text(encoding="utf-8")
    base = session.open(settings_file, source)
    for name in ("GITHUB_PAT", "REDIS_AUTH", "DATABASE_URL"):  # jedi answers on the assignment itself
        result = await session.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=base), position=_position(source, source.index(f"\n{name} ") + 2)))
        shown.append(result.contents.value if result else "")
    everything = "\n".join(shown)
    assert [value for value in values if value in everything] == []
    assert "(hidden)" in everything and "postgres://shop:***@db:5432/shop" in everything
