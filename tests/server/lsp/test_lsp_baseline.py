"""The editor shows the findings its project's baseline holds as hints, the others as they are."""

from __future__ import annotations

import pytest
from lsprotocol import types

from django_expert.analyzers.engine import Engine
from django_expert.server.baseline import write_baseline

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_baselined_findings_are_hints(session, shop):
    engine = Engine([shop], {"select": ["ALL"]}, use_cache=False)
    engine.index()
    models = shop / "catalog" / "models.py"
    held = [f for f in engine.findings(models) if f.code == "DJE201"]
    assert held
    write_baseline(engine, held, shop / "baseline.json")
    with (shop / "pyproject.toml").open("a") as pyproject:  # the table copy_workspace ends with
        pyproject.write('baseline = "baseline.json"\n')

    await session.start(shop)
    diagnostics = await session.diagnostics(models.as_uri())

    (nullable,) = [d for d in diagnostics if d.code == "DJE201"]
    assert nullable.severity == types.DiagnosticSeverity.Hint
    assert nullable.message.endswith("(baselined)")
    others = [d for d in diagnostics if d.code != "DJE201"]
    assert others and all(d.severity != types.DiagnosticSeverity.Hint for d in others)
