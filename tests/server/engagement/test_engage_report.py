"""`django-expert engage` end to end on a copy of the shop workspace: the report, its JSON
twin, the memory files, and what must never be in them."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from engagement_helpers import (
    ISO_WITH_OFFSET,
    MEMORY_FILES,
    SECTIONS,
    assert_twin_contract,
    check_json,
    copy_workspace,
    engage,
    memory_dir,
    run,
    secret_values,
    written_outputs,
)
from mermaid_check import mermaid_blocks, parse


@dataclass
class Engaged:
    root: Path
    report: Path
    text: str
    findings: list[dict]  # what `check --format json` printed before the engagement
    env: dict


@pytest.fixture(scope="module")
def engaged(tmp_path_factory) -> Engaged:
    """One `engage --goal security` on a fresh copy of the shop, shared by the read-only tests."""
    base = tmp_path_factory.mktemp("engaged")
    environment = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(base / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    root = copy_workspace("shop", base / "shop")
    findings = check_json(root, environment)
    report = engage(root, "--goal", "security", env=environment)
    return Engaged(root, report, report.read_text(encoding="utf-8"), findings, environment)



def test_engage_writes_the_report_its_twin_and_the_four_memory_files(engaged):
    shop, report = engaged.root, engaged.report
    today = _dt.date.today().isoformat()
    assert report.parent == shop / "claudedocs"
    assert report.name == f"django_shop_{today}.md"
    assert report.with_suffix(".json").is_file()
    for name in MEMORY_FILES:
        assert (memory_dir(shop) / name).is_file(), name
    assert (shop / ".django-expert" / "engagement.json").is_file()


def test_the_report_has_its_sections_in_order(engaged):
    text = engaged.text
    assert text.startswith(f"# Django engagement: shop — {_dt.date.today().isoformat()}\n")
    header = text.split("\n## ", 1)[0]
    assert "Goal: security · Django " in header and "DRF " in header and "Type: hybrid" in header
    assert "Deployment: WSGI" in header
    positions = [text.find("\n" + heading + "\n") for heading in SECTIONS]
    assert all(p > 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)
    for sub in ("### 4.1 Settings layout", "### 4.2 Apps", "### 4.3 Middleware", "### 4.4 Models", "### 4.5 API map",
                "### 4.6 Async and background tasks", "### 4.7 What django-expert could not see"):
        assert positions[3] < text.find(sub) < positions[4], sub


def test_every_finding_of_check_is_in_the_report(engaged):
    findings = engaged.findings
    assert findings, "the shop has deliberate defects"
    text = engaged.text
    lines = text.splitlines()
    section = text[text.index("\n## 5. Findings\n"): text.index("\n## 6. Guidance\n")]
    for finding in findings:
        place = f"[{finding['filename']}:{finding['location']['row']}](../{finding['filename']}#L{finding['location']['row']})"
        hits = [line for line in lines if f"**{finding['code']}**" in line and place in line]
        assert hits, f"{finding['code']} at {place} missing from the report"
        assert any(hit in section for hit in hits)


def test_the_report_names_this_projects_objects(engaged):
    text = engaged.text
    api = text[text.index("### 4.5 API map"): text.index("### 4.6")]
    assert "`api/products/`" in api and "[ProductViewSet](../catalog/views.py#L11)" in api
    assert "ProductSerializer" in api and "catalog.Product" in api and "AllowAny (default) ⚠" in api
    assert "`api/orders/<int:pk>/cancel/`" in api and "CancelOrderView" in api and "IsAuthenticated" in api
    background = text[text.index("### 4.6"): text.index("## 5. Findings")]
    assert "send_order_confirmation" in background and "cancel_stale_orders" in background
    guidance = text[text.index("## 6. Guidance"): text.index("## 7. Test strategy")]
    assert "### 6.2 Security controls" in guidance and "### 6.3 Observability" in guidance
    assert "`SECRET_KEY`" in guidance and "DJANGO_SECRET_KEY" in guidance
    assert "CSRF_COOKIE_SECURE" in guidance
    findings = text[text.index("## 5. Findings"): text.index("## 6. Guidance")]
    assert "```diff" in findings, "a fixable finding shows its patch, beside it"
    tests = text[text.index("## 7. Test strategy"): text.index("## 8. Compliance checklist")]
    assert "django_assert_max_num_queries" in tests and 'reverse("product-list")' in tests
    assert "ProductViewSet" in tests


def test_the_plan_follows_the_goal(engaged, shop, env):
    security = engaged.text
    performance = engage(shop, "--goal", "performance", env=env).read_text(encoding="utf-8")
    assert "| 1 | Security |" in security and "| 1 | Performance |" in performance
    assert "django_shop_" in performance and performance != security


def test_the_compliance_checklist_lists_the_six_steps_with_times(shop, env):
    report = engage(shop, env=env)
    text = report.read_text(encoding="utf-8")
    checklist = text[text.index("## 8. Compliance checklist"): text.index("## 9. Memory updates")]
    rows = [line for line in checklist.splitlines() if re.match(r"^\| \d\. ", line)]
    assert [row.split("|")[1].strip() for row in rows] == [
        "1. Scope and plan", "2. Load memory", "3. Load context", "4. Analyze", "5. Guidance", "6. Output and memory"]
    assert all(row.split("|")[2].strip() == "yes" for row in rows)
    twin = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert [c["step"] for c in twin["checklist"]] == [1, 2, 3, 4, 5, 6]
    assert all(c["done"] and ISO_WITH_OFFSET.match(c["started"]) and ISO_WITH_OFFSET.match(c["finished"])
               for c in twin["checklist"])
    starts = [c["started"] for c in twin["checklist"]]
    assert starts == sorted(starts)
    assert "**refactor** (default" in text, "without --goal the default goal is named and explained"


def test_the_json_twin_follows_the_contract(engaged):
    twin = json.loads(engaged.report.with_suffix(".json").read_text(encoding="utf-8"))
    assert_twin_contract(twin, engaged.findings, "shop")


def test_the_er_diagram_parses(engaged):
    text = engaged.text
    blocks = mermaid_blocks(text)
    assert len(blocks) == 1
    diagram = parse(blocks[0])
    assert {"catalog_Product", "catalog_Category", "orders_Order", "orders_OrderItem", "accounts_Profile",
            "auth_User"} <= set(diagram.entities)
    assert "catalog_FeaturedProduct" not in diagram.entities, "a proxy is noted, not drawn"
    assert "core_TimeStampedModel" not in diagram.entities, "abstract models are left out"
    relations = {(r.left, r.left_cardinality + "--" + r.right_cardinality, r.right, r.label) for r in diagram.relationships}
    assert ("catalog_Category", "||--o{", "catalog_Product", "category") in relations
    assert ("catalog_Brand", "|o--o{", "catalog_Product", "brand") in relations
    assert ("orders_Order", "||--||", "orders_ShippingAddress", "order") in relations
    assert ("catalog_Product", "}o--o{", "catalog_Tag", "tags") in relations
    assert ("orders_Order", "}o--o{", "orders_Coupon", "coupons (through orders_OrderCoupon)") in relations
    assert ("auth_User", "||--o{", "orders_Order", "customer") in relations
    product = {a.name: a for a in diagram.entities["catalog_Product"]}
    assert product["id"].keys == ("PK",) and product["category_id"].keys == ("FK",)
    mentioned = any("`description`" in f["message"] or ".description" in f["message"]
                    for f in engaged.findings if f["filename"] == "catalog/models.py")
    assert ("description" in product) == mentioned, "a field is listed when a finding mentions it"


def test_no_secret_value_is_written_anywhere(engaged):
    shop = engaged.root
    secrets = secret_values(shop)
    assert "not-a-real-password" in secrets and any(s.startswith("django-insecure-") for s in secrets)
    outputs = written_outputs(shop)
    assert len(outputs) >= 7
    for path, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"{secret[:6]}… leaked into {path.relative_to(shop)}"
            assert json.dumps(secret)[1:-1] not in text


def test_a_second_run_the_same_day_gets_a_new_name(shop, env):
    first = engage(shop, env=env)
    second = engage(shop, env=env)
    assert first != second and second.name == first.stem + "-2.md"
    assert first.read_text(encoding="utf-8") and second.with_suffix(".json").is_file()


def test_engage_errors_are_one_line_with_exit_status_2(shop, env, tmp_path):
    missing = run("engage", tmp_path / "nope", env=env)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run("engage", empty, env=env)
    assert none.returncode == 2 and none.stderr.count("\n") == 1 and "no Django project" in none.stderr
    bad_goal = run("engage", shop, "--goal", "party", env=env)
    assert bad_goal.returncode == 2


def test_what_could_not_be_seen_is_said_names_only():
    from django_expert.server.engagement.report import _not_seen

    out: list[str] = []
    _not_seen(out.append, [{"module": None, "what": "manage.py: does not set DJANGO_SETTINGS_MODULE"},
                           {"module": "config.settings", "what": "known only in part (...): INSTALLED_APPS"}])
    assert "- discovery: manage.py: does not set DJANGO_SETTINGS_MODULE" in out
    assert "- `config.settings`: known only in part (...): INSTALLED_APPS" in out
    clean: list[str] = []
    _not_seen(clean.append, [])
    assert clean[2] == "Everything the rules read in the settings was followed."
