"""The engagement through a real client: the six step commands in order, complete in one go,
the source actions and code lens that show where it stands, and decisions from the editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="function")
STEP_COMMANDS = (
    "django-expert.scopeEngagement",
    "django-expert.loadMemory",
    "django-expert.loadContext",
    "django-expert.analyzeProject",
    "django-expert.provideGuidance",
    "django-expert.completeEngagement",
)


async def run(session, command: str, *arguments):
    return await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments)))


async def test_the_six_step_commands_in_order_write_the_report(session, shop):
    await session.start(shop)
    for number, command in enumerate(STEP_COMMANDS[:-1], 1):
        status = await run(session, command, {"uri": shop.as_uri(), "goal": "security"})
        done = [step["name"] for step in status["steps"] if step["done"]]
        assert len(done) == number, f"after {command}: {done}"
    result = await run(session, STEP_COMMANDS[-1], {"uri": shop.as_uri()})
    report = shop / result["report"] if not result["report"].startswith("/") else type(shop)(result["report"])
    assert report.parent == shop / "claudedocs" and report.name.startswith("django_shop_")
    text = report.read_text()
    assert "## 1. Scope and plan" in text and "## 8. Compliance checklist" in text
    assert all(step["done"] for step in result["status"]["steps"])
    for name in ("project_overview", "architecture_notes", "data_model_patterns", "deployment_notes"):
        assert (shop / ".django-expert/memory/django/shop" / f"{name}.md").is_file()


async def test_complete_engagement_alone_runs_all_six_steps(session, shop):
    await session.start(shop)
    result = await run(session, "django-expert.completeEngagement", shop.as_uri())
    steps = result["status"]["steps"]
    assert session.client.questions == ["django-expert: what is the goal of this engagement?"]
    assert [s["name"] for s in steps] == ["scope", "memory", "context", "analyze", "guidance", "output"]
    assert all(s["done"] for s in steps)
    assert (shop / "claudedocs").is_dir() and result["uri"].endswith(".md")


async def test_source_actions_offer_the_steps_in_order_with_the_next_preferred(session, shop):
    await session.start(shop)
    uri = session.open(shop / "catalog" / "models.py")
    everywhere = types.Range(types.Position(0, 0), types.Position(0, 0))
    actions = await session.code_actions(uri, everywhere, only=["source"])
    steps = [a for a in actions if (a.kind or "").startswith("source.django-expert.")]
    assert [a.command.command for a in steps] == list(STEP_COMMANDS)
    assert [a.is_preferred for a in steps] == [True, False, False, False, False, False]
    await run(session, "django-expert.scopeEngagement", {"uri": shop.as_uri(), "goal": "performance"})
    actions = await session.code_actions(uri, everywhere, only=["source"])
    preferred = [a.command.command for a in actions if a.is_preferred]
    assert preferred == ["django-expert.loadMemory"]


async def test_code_lens_on_the_settings_module_shows_the_state(session, shop):
    await session.start(shop)
    settings = shop / "shop" / "settings" / "dev.py"
    uri = session.open(settings)
    lenses = await session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    titles = [lens.command.title for lens in lenses]
    assert titles == ["Django engagement 0/6 · next: Scope and plan", "Complete engagement"]


async def test_a_decision_recorded_from_the_editor_turns_the_finding_into_a_hint(session, shop):
    await session.start(shop)
    uri = session.open(shop / "orders" / "models" / "order.py")
    diagnostics = await session.diagnostics(uri)
    (money,) = [d for d in diagnostics if d.code == "DJE205"]
    assert money.severity == types.DiagnosticSeverity.Warning
    actions = await session.code_actions(uri, money.range, [money])
    (accept,) = [a for a in actions if a.title.startswith("Accept DJE205")]
    arguments = dict(accept.command.arguments[0])
    arguments["reason"] = "totals are display-only; amounts live in Payment"
    await run(session, accept.command.command, arguments)
    version = session.change(uri, session.texts[uri] + "\n")
    (money,) = [d for d in await session.diagnostics(uri, version) if d.code == "DJE205"]
    assert money.severity == types.DiagnosticSeverity.Hint
    assert "totals are display-only" in money.message
    notes = (shop / ".django-expert/memory/django/shop/architecture_notes.md").read_text()
    assert "accepted DJE205 at orders/models/order.py::Order.total" in notes


@pytest.mark.parametrize("client", ["emacs"], indirect=True)
async def test_a_client_that_declares_no_message_actions_is_still_asked_the_goal(session, shop):
    """Eglot answers window/showMessageRequest without declaring `window.showMessage`."""
    assert session.capabilities.window.show_message is None
    await session.start(shop)
    result = await run(session, "django-expert.completeEngagement", shop.as_uri())
    assert session.client.questions[0] == "django-expert: what is the goal of this engagement?"
    assert "- Goal: **security** (asked)" in Path(result["report"]).read_text()  # the answer, said to be asked


async def test_accepting_a_finding_asks_why_and_a_dismissed_question_records_nothing(session, shop):
    await session.start(shop)
    uri = session.open(shop / "orders" / "models" / "order.py")
    (money,) = [d for d in await session.diagnostics(uri) if d.code == "DJE205"]
    (accept,) = [a for a in await session.code_actions(uri, money.range, [money]) if a.title.startswith("Accept")]
    assert "reason" not in accept.command.arguments[0]
    session.client.dismiss = True
    assert await run(session, accept.command.command, *accept.command.arguments) == {"recorded": None}
    assert not (shop / ".django-expert/memory").exists()
    session.client.dismiss = False
    recorded = await run(session, accept.command.command, *accept.command.arguments)
    assert session.client.questions[-1].startswith("django-expert: why keep DJE205 on line ")
    assert recorded["recorded"].startswith("- accepted DJE205") and "intended" in recorded["recorded"]
    version = session.change(uri, session.texts[uri] + "\n")
    (money,) = [d for d in await session.diagnostics(uri, version) if d.code == "DJE205"]
    assert money.severity == types.DiagnosticSeverity.Hint and "intended" in money.message


async def test_an_engagement_with_an_unparseable_unsaved_buffer_logs_no_error(session, shop):
    """The buffer's findings are from its last good text; their fixes (for the report's patches)
    are not computed on a text libcst cannot read, and nothing is logged as an error."""
    await session.start(shop)
    uri = session.open(shop / "catalog" / "models.py")
    version = session.change(uri, session.texts[uri] + "\nx = = 1\n")
    assert "DJE000" in [d.code for d in await session.diagnostics(uri, version)]
    result = await run(session, "django-expert.completeEngagement", {"uri": shop.as_uri(), "goal": "security"})
    assert result["report"]
    errors = [m.message for m in session.client.log_messages if m.type <= types.MessageType.Warning]
    assert errors == []
