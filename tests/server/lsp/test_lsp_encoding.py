"""Columns after non-ASCII text, in the encoding each client negotiates (UTF-16 by default,
UTF-8 when offered), both ways: ranges we send and incremental edits we receive."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="function")

# (client, the encoding it should get): VS Code offers nothing (UTF-16); Neovim 0.11 offers
# utf-8 first; Emacs offers utf-32, utf-8, utf-16 (we still choose utf-8).
NEGOTIATED = [("visual-studio-code", "utf-16"), ("neovim", "utf-8"), ("emacs", "utf-8")]
LINE = '    label = models.CharField("😀 Ümlaut", max_length=9); description = models.TextField(null=True)\n'


def units(text: str, encoding: str) -> int:
    return len(text.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(text.encode("utf-8"))


@pytest.mark.parametrize(("client", "encoding"), NEGOTIATED, indirect=["client"])
async def test_columns_after_non_ascii_text(session, shop, encoding):
    path = shop / "catalog" / "models.py"
    path.write_text(path.read_text().replace("    description = models.TextField(null=True)\n", LINE))
    result = await session.start(shop)
    assert result.capabilities.position_encoding == encoding
    uri = session.open(path)

    (nullable,) = [d for d in await session.diagnostics(uri) if d.code == "DJE201"]

    line, start, _, end = nullable.data["span"]  # code points, as the analyser counts them
    text = session.texts[uri].splitlines()[line]
    assert text == LINE.rstrip("\n") and not text[:start].isascii()
    assert nullable.range.start.character == units(text[:start], encoding)
    assert nullable.range.end.character == units(text[:end], encoding)

    # The client sends the "# noqa" insertion (after the emoji) as an incremental change.
    (noqa,) = [a for a in await session.code_actions(uri, nullable.range, [nullable]) if a.title.startswith("Ignore")]
    (edit,) = session.text_edits(noqa.edit, uri)
    assert edit.range.start.character == units(text, encoding)
    version = session.edit(uri, [edit])
    assert session.texts[uri].splitlines()[line] == text + "  # noqa: DJE201"
    assert [d.code for d in await session.diagnostics(uri, version) if d.code in ("DJE000", "DJE201")] == []
