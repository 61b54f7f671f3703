"""`django-expert mcp` end to end: the SDK's client over stdio on the workspace projects."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from tests.planted_secrets import planted_shop
from tests.server.mcp.conftest import (
    TOOLS,
    call,
    copy_workspace,
    environment,
    error_of,
    read,
    serve,
    server_command,
    text_of,
)

pytestmark = pytest.mark.asyncio
MEMORY_FILES = ("project_overview.md", "architecture_notes.md", "data_model_patterns.md", "deployment_notes.md")


async def test_every_tool_answers_on_the_shop(tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    async with serve(shop, cache=tmp_path / "cache") as client:
        listed = await client.list_tools()
        assert sorted(tool.name for tool in listed.tools) == sorted(TOOLS)
        scope = await call(client, "scope", {"goal": "performance"})
        assert scope["project"] == "shop" and scope["scope"]["goal"] == "performance"
        assert scope["scope"]["plan"][0]["area"] == "performance" and scope["next_step"] == "memory"
        memory = await call(client, "load_memory")
        assert memory["memory"]["directory"] == ".django-expert/memory/django/shop" and memory["next_step"] == "context"
        context = await call(client, "load_context")
        assert {doc["id"] for doc in context["context"]["loaded"]} >= {"performance-queries", "drf-api-design"}
        analysis = await call(client, "analyze", {"limit": 200})
        codes = {f["code"] for f in analysis["findings"]}
        assert analysis["total"] == len(analysis["findings"]) > 5 and {"DJE205", "DJE304"} <= codes
        guidance = await call(client, "guidance", {"limit": 1})
        assert len(guidance["guidance"]["recommendations"]) == 1 and guidance["guidance"]["next_cursor"] == "1"
        rule = await call(client, "explain_rule", {"code": "dje205"})
        assert rule["name"] == "float-for-money" and "## Why is this bad?" in rule["documentation"]

        fixable = next(f for f in analysis["findings"] if f["fixable"] != "none")
        before = (shop / fixable["filename"]).read_bytes()
        fix = await call(client, "fix", {"path": fixable["filename"], "code": fixable["code"],
                                         "line": fixable["location"]["row"]})
        assert fix["diff"].startswith(f"--- a/{fixable['filename']}") and "\n+" in fix["diff"]
        assert fix["applied"] is False and (shop / fixable["filename"]).read_bytes() == before

        order = await call(client, "model_info", {"name": "Order"})
        assert order["label"] == "orders.Order" and order["defined_at"]["path"] == "orders/models/order.py"
        fields = {f["name"]: f for f in order["fields"]}
        assert fields["total"]["class"].endswith("FloatField") and "created" in fields  # from TimeStampedModel
        assert fields["customer"]["related_model"] == "auth.User" and fields["customer"]["on_delete"] == "PROTECT"
        assert {"items", "orderitem"} & {r["accessor"] for r in order["reverse_relations"]} | {
            r["name"] for r in order["reverse_relations"]}

        routes = await call(client, "endpoints", {"limit": 200})
        views = {row["view"] for row in routes["endpoints"]}
        assert {"ProductViewSet", "CategoryProductsView"} <= views
        anonymous = await call(client, "endpoints", {"anonymous": True, "limit": 200})
        assert 0 < anonymous["total"] < routes["total"]
        assert all(row["open_to_anyone"] for row in anonymous["endpoints"])

        debug = await call(client, "settings_value", {"name": "DEBUG"})
        assert {v["settings_module"]: v["value"] for v in debug["values"]}["shop.settings.dev"] == "True"

        plan = await call(client, "query_plan", {"target": "catalog.views.CategoryProductsView"})
        assert plan["kind"] == "class" and plan["rows"]["model"] == "catalog.Product"
        assert plan["serializer_reads"]["serializer"].endswith("ProductSerializer")
        function = await call(client, "query_plan", {"target": "catalog.views.product_count"})
        assert function["kind"] == "function" and function["defined_at"] == {"path": "catalog/views.py", "line": 32}
        assert [q["query"] for q in function["queries"]] == ["catalog.models.Product.objects.count"]


async def test_every_resource_answers(tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    async with serve(shop, cache=tmp_path / "cache") as client:
        listed = await client.list_resources()
        uris = {str(resource.uri) for resource in listed.resources}
        library = sorted(uri for uri in uris if uri.startswith("django-expert://library/"))
        assert len(library) == len(list(Path("memory/library").glob("*.md")))
        for uri in library:
            assert (await read(client, uri)).strip().startswith("#") or len(await read(client, uri)) > 200
        index = json.loads(await read(client, "django-expert://projects"))
        assert [p["project"] for p in index["projects"]] == ["shop"]
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert templates == {"django-expert://projects/{slug}/memory/{name}", "django-expert://projects/{slug}/report"}
        with pytest.raises(MCPError, match="no report yet"):
            await read(client, "django-expert://projects/shop/report")

        done = await call(client, "complete_engagement")
        report = await read(client, "django-expert://projects/shop/report")
        assert report == (shop / done["report"]).read_text(encoding="utf-8")
        for name in MEMORY_FILES:
            text = await read(client, f"django-expert://projects/shop/memory/{name}")
            assert text == (shop / ".django-expert/memory/django/shop" / name).read_text(encoding="utf-8")
        with pytest.raises(MCPError, match="unknown project"):
            await read(client, "django-expert://projects/nope/report")
        prompt = await client.get_prompt("django_review", {"goal": "security"})
        text = prompt.messages[0].content.text
        order = [text.index(f"`{tool}(") for tool in TOOLS[:6]]
        assert order == sorted(order) and 'goal="security"' in text


_TIMES = [(re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"), "TIME"), (re.compile(r"\| [\d.]+ s \|"), "| S |"),
          (re.compile(r'"seconds": [\d.]+'), '"seconds": S')]


def _untimed(text: str) -> str:
    for pattern, replacement in _TIMES:
        text = pattern.sub(replacement, text)
    return text


async def test_the_six_steps_write_the_report_engage_writes(tmp_path):
    by_mcp = copy_workspace("shop", tmp_path / "mcp" / "shop")
    by_cli = copy_workspace("shop", tmp_path / "cli" / "shop")
    async with serve(by_mcp, cache=tmp_path / "cache") as client:
        for step in TOOLS[:5]:
            await call(client, step)
        progress = []

        async def note(value, total, message):
            progress.append(message)

        done = await call(client, "complete_engagement", progress_callback=note)
    assert [row["done"] for row in done["checklist"]] == [True] * 6 and "Engagement complete" in progress
    assert done["report"].startswith("claudedocs/django_shop_") and done["top_risks"]
    engaged = subprocess.run([*server_command()[:-1], "engage", str(by_cli)], capture_output=True, text=True,
                             env=environment(tmp_path / "cache-cli"), timeout=300, check=False)
    assert engaged.returncode == 0, engaged.stderr
    cli_report = Path(engaged.stdout.strip())
    assert cli_report.name == Path(done["report"]).name
    for suffix in (".md", ".json"):
        ours = (by_mcp / done["report"]).with_suffix(suffix).read_text(encoding="utf-8")
        theirs = cli_report.with_suffix(suffix).read_text(encoding="utf-8")
        assert ours != theirs or suffix == ".json"  # the step times differ (run apart), nothing else may
        assert _untimed(ours) == _untimed(theirs)
    for name in MEMORY_FILES:
        memory = Path(".django-expert/memory/django/shop") / name
        assert _untimed((by_mcp / memory).read_text()) == _untimed((by_cli / memory).read_text())


async def test_a_recorded_decision_changes_what_analyze_returns(tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    async with serve(shop, cache=tmp_path / "cache") as client:
        first = await call(client, "analyze", {"rule": "DJE205"})
        finding = first["findings"][0]
        assert finding["decision"] is None and finding["severity"] == "warning"
        recorded = await call(client, "record_decision", {
            "path": finding["filename"], "code": "DJE205", "line": finding["location"]["row"],
            "reason": "amounts are display-only approximations"})
        assert recorded["target"] == "orders/models/order.py::Order.total"
        again = await call(client, "analyze", {"rule": "DJE205"})
        decided = next(f for f in again["findings"] if f["location"] == finding["location"])
        assert decided["decision"]["status"] == "accepted" and decided["severity"] == "hint"
        assert decided["decision"]["reason"] == "amounts are display-only approximations"
        hints = await call(client, "analyze", {"rule": "DJE205", "severity": "hint"})
        assert [f["location"] for f in hints["findings"]] == [finding["location"]]
        notes = (shop / ".django-expert/memory/django/shop/architecture_notes.md").read_text(encoding="utf-8")
        assert "DJE205" in notes and "Order.total" in notes


async def test_no_answer_holds_a_planted_secret(tmp_path):
    root, planted = planted_shop(tmp_path / "shop")
    answers: list[str] = []
    async with serve(root, cache=tmp_path / "cache") as client:
        for step in TOOLS[:6]:
            answers.append(text_of(await client.call_tool(step, {})))
        found = json.loads(answers[3])["findings"]
        answers.append(text_of(await client.call_tool("analyze", {"path": "shop/settings/base.py", "limit": 200})))
        for finding in found:
            if finding["fixable"] != "none":
                answers.append(text_of(await client.call_tool("fix", {
                    "path": finding["filename"], "code": finding["code"], "line": finding["location"]["row"]})))
        for name in ("DB_PASS", "SECRET_KEY", "DATABASES", "CACHES", "DATABASE_URL", "BROKER_URL", "SEARCH_URL",
                     "PAYMENT_PROVIDER", "SECRET_KEY_FALLBACKS", "GITHUB_PAT", "SENTRY_DSN", "EMAIL_HOST_PASSWORD"):
            answers.append(text_of(await client.call_tool("settings_value", {"name": name})))
        answers.append(text_of(await client.call_tool("endpoints", {"limit": 200})))
        answers.append(text_of(await client.call_tool("model_info", {"name": "Order"})))
        answers.append(text_of(await client.call_tool("query_plan", {"target": "catalog.views.product_detail"})))
        answers.append(await read(client, "django-expert://projects/shop/report"))
        for name in MEMORY_FILES:
            answers.append(await read(client, f"django-expert://projects/shop/memory/{name}"))
    assert '"value": "(hidden)"' in "".join(answers)
    everything = "\n".join(answers)
    assert len(everything) > 50_000
    leaked = [value for value in planted if value in everything]
    assert leaked == []


async def test_paths_outside_the_workspace_are_refused(tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    (tmp_path / "elsewhere.py").write_text("SECRET = 1\n", encoding="utf-8")
    (shop / "link.py").symlink_to(tmp_path / "elsewhere.py")
    async with serve(shop, cache=tmp_path / "cache") as client:
        for path in ("../elsewhere.py", str(tmp_path / "elsewhere.py"), "link.py", "/etc/passwd"):
            assert "outside the workspace" in await error_of(client, "analyze", {"path": path})
            assert "outside the workspace" in await error_of(client, "fix", {"path": path, "code": "DJE205",
                                                                             "line": 1})
        assert "no such file" in await error_of(client, "analyze", {"path": "nowhere.py"})
        assert "unknown project 'nope'" in await error_of(client, "scope", {"project": "nope"})
        assert "unknown rule 'DJE9999'" in await error_of(client, "analyze", {"rule": "DJE9999"})
        assert "unknown rule code 'X1'" in await error_of(client, "explain_rule", {"code": "X1"})
        assert "unknown area" in await error_of(client, "analyze", {"area": "style"})
        assert "not one this server gave" in await error_of(client, "analyze", {"cursor": "abc"})
        assert "unknown goal" in (await error_of(client, "scope", {"goal": "speed"})).lower()
        assert "no model 'Nope'" in await error_of(client, "model_info", {"name": "Nope"})
        assert "no DJE205 finding at orders/models/order.py:1" in await error_of(
            client, "fix", {"path": "orders/models/order.py", "code": "DJE205", "line": 1})
    assert {p.name for p in tmp_path.iterdir()} <= {"cache", "elsewhere.py", "shop"}  # nothing written beside
    assert (tmp_path / "elsewhere.py").read_text(encoding="utf-8") == "SECRET = 1\n"


async def test_pages_cover_every_finding_once(tmp_path):
    shop = copy_workspace("shop", tmp_path / "shop")
    async with serve(shop, cache=tmp_path / "cache") as client:
        whole = await call(client, "analyze", {"limit": 200})
        seen, cursor = [], None
        while True:
            page = await call(client, "analyze", {"limit": 3, **({"cursor": cursor} if cursor else {})})
            seen += page["findings"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == whole["findings"] and len(seen) > 3


async def test_the_roots_come_from_the_client_without_root(tmp_path):
    from mcp_types import ListRootsResult, Root

    shop = copy_workspace("shop", tmp_path / "shop")
    empty = tmp_path / "empty"
    empty.mkdir()

    async def roots(context):
        return ListRootsResult(roots=[Root(uri=shop.as_uri(), name="shop")])

    async with serve(cache=tmp_path / "cache", cwd=empty, list_roots_callback=roots, mode="legacy") as client:
        scope = await call(client, "scope")
    assert scope["project"] == "shop" and (shop / ".django-expert/engagement.json").is_file()


@pytest.mark.parametrize("name", ["blog", "two_projects", "tenancy", "multi"])
async def test_the_project_model_answers_on_other_workspaces(tmp_path, name):
    root = copy_workspace(name, tmp_path / name)
    async with serve(root, cache=tmp_path / "cache") as client:
        projects = json.loads(await read(client, "django-expert://projects"))["projects"]
        assert projects
        for project in projects:
            scope = await call(client, "scope", {"project": project["project"]})
            assert scope["project"] == project["project"]
            routes = await call(client, "endpoints", {"project": project["project"]})
            assert routes["total"] >= len(routes["endpoints"])
            analysis = await call(client, "analyze", {"project": project["project"], "limit": 5})
            assert analysis["total"] >= len(analysis["findings"])


async def test_a_file_created_between_two_calls_is_analysed(tmp_path):
    """An agent writes a new module; the next project-wide answer includes it."""
    shop = copy_workspace("shop", tmp_path / "shop")
    async with serve(shop, cache=tmp_path / "cache") as client:
        before = await call(client, "analyze", {"rule": "DJE407", "limit": 200})
        (shop / "catalog" / "search.py").write_text(
            "from django.db import connection\n\n\n"
            "def search(request):\n"
            "    with connection.cursor() as cursor:\n"
            "        cursor.execute(\"SELECT id FROM catalog_product WHERE name = '%s'\" % request.GET[\"q\"])\n"
            "        return cursor.fetchall()\n", encoding="utf-8")
        after = await call(client, "analyze", {"rule": "DJE407", "limit": 200})
        new = [f["filename"] for f in after["findings"] if f not in before["findings"]]
        assert new == ["catalog/search.py"], after
