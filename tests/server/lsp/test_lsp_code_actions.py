"""Code actions end to end: quick fix, # noqa, fix-all; applied the way an editor applies them."""

from __future__ import annotations

import pytest
from lsprotocol import types

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.rules.registry import all_rules

pytestmark = pytest.mark.asyncio(loop_scope="function")
CLIENTS = ["visual-studio-code", "neovim", "emacs"]  # recorded capabilities of real clients
DOCUMENT_CHANGES_OR_NOT = ["visual-studio-code", "neovim"]  # Neovim 0.11 takes `changes` only
FIX_ALL = "source.fixAll.django-expert"


async def open_models(session, shop):
    await session.start(shop)
    uri = session.open(shop / "catalog" / "models.py")
    diagnostics = await session.diagnostics(uri)
    (nullable,) = [d for d in diagnostics if d.code == "DJE201"]
    return uri, nullable


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_quick_fix_removes_the_finding(session, shop):
    uri, nullable = await open_models(session, shop)

    actions = await session.code_actions(uri, nullable.range, [nullable])

    (fix,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and not a.title.startswith(("Ignore", "Accept"))]
    assert fix.title == "Remove null=True (needs a migration)"
    assert not fix.is_preferred  # a schema change: not safe
    assert fix.diagnostics[0].code == "DJE201"
    fix = await session.resolved(fix)
    new_text = session.apply(uri, fix.edit)
    line = new_text.splitlines()[nullable.range.start.line]
    assert line.strip() == "description = models.TextField()"

    version = session.change(uri, new_text)
    assert "DJE201" not in [d.code for d in await session.diagnostics(uri, version)]


async def test_noqa_action_silences_the_line(session, shop):
    uri, nullable = await open_models(session, shop)

    actions = await session.code_actions(uri, nullable.range, [nullable])

    (noqa,) = [a for a in actions if a.title == "Ignore DJE201 for this line (# noqa)"]
    new_text = session.apply(uri, noqa.edit)
    line = new_text.splitlines()[nullable.range.start.line]
    assert line.endswith("TextField(null=True)  # noqa: DJE201")
    version = session.change(uri, new_text)
    assert "DJE201" not in [d.code for d in await session.diagnostics(uri, version)]


async def test_noqa_action_merges_into_an_existing_noqa(session, shop):
    uri, nullable = await open_models(session, shop)
    lines = session.texts[uri].splitlines(keepends=True)
    lines[nullable.range.start.line] = lines[nullable.range.start.line].rstrip("\n") + "  # noqa: DJE999\n"
    version = session.change(uri, "".join(lines))
    (nullable,) = [d for d in await session.diagnostics(uri, version) if d.code == "DJE201"]

    (noqa,) = [a for a in await session.code_actions(uri, nullable.range, [nullable]) if a.title.startswith("Ignore")]

    assert session.apply(uri, noqa.edit).splitlines()[nullable.range.start.line].endswith("# noqa: DJE999, DJE201")


@pytest.mark.parametrize("client", DOCUMENT_CHANGES_OR_NOT, indirect=True)
async def test_fix_all_applies_every_safe_fix(session, shop):
    await session.start(shop)
    path = shop / "catalog" / "views.py"
    text = path.read_text()
    uri = session.open(path, text)
    before = await session.diagnostics(uri)
    safe = {code for code, rule in all_rules().items() if rule.fix is Applicability.SAFE}
    assert sum(d.code in safe for d in before) >= 2  # the N+1 reads of the catalogue's views
    everything = types.Range(start=types.Position(line=0, character=0),
                             end=types.Position(line=len(text.splitlines()), character=0))

    actions = await session.code_actions(uri, everything, only=[types.CodeActionKind.SourceFixAll])

    (fix_all,) = actions
    assert fix_all.kind == FIX_ALL
    fix_all = await session.resolved(fix_all)
    version = session.change(uri, session.apply(uri, fix_all.edit))
    after = await session.diagnostics(uri, version)
    assert not [d for d in after if d.code in safe]
    assert [d.code for d in after] == [d.code for d in before if d.code not in safe]  # the others stay
    loaders = ("select_related(", "prefetch_related(")
    assert sum(session.texts[uri].count(name) for name in loaders) > sum(text.count(name) for name in loaders)


async def test_fix_all_is_not_offered_without_safe_fixes(session, shop):
    path = shop / "catalog" / "constants.py"
    path.write_text("PAGE_SIZE = 20\n")
    await session.start(shop)
    uri = session.open(path)
    await session.diagnostics(uri)
    actions = await session.code_actions(uri, types.Range(start=types.Position(line=0, character=0),
                                                          end=types.Position(line=0, character=0)),
                                         only=[FIX_ALL])
    assert actions == []


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
async def test_only_the_findings_in_the_requested_range_get_actions(session, shop):
    """A client sending every diagnostic of the buffer (eglot does) gets the actions of those
    in the requested range only."""
    uri, nullable = await open_models(session, shop)
    everything = await session.diagnostics(uri)
    others = [d for d in everything if d.range.start.line != nullable.range.start.line]
    assert others  # DJE202 on Tag, ...
    cursor = types.Range(start=nullable.range.start, end=nullable.range.start)
    actions = await session.code_actions(uri, cursor, everything, only=[types.CodeActionKind.QuickFix])
    lines = {d.range.start.line for a in actions for d in a.diagnostics or []}
    assert lines == {nullable.range.start.line}, [a.title for a in actions]
    assert "Ignore DJE201 for this line (# noqa)" in [a.title for a in actions]
