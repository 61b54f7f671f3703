"""The erDiagram the report emits: the strict grammar of mermaid_check.py, and Mermaid's own
parser run with node (skipped only where node is not installed)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from engagement_helpers import copy_workspace, engage
from mermaid_check import MermaidError, mermaid_blocks, parse

from django_expert.server.engagement import erdiagram
from django_expert.server.engagement.erdiagram import Attribute, Entity, ModelGraph, Relation

MERMAID_MAX_TEXT = 50_000  # Mermaid's default maxTextSize: a longer diagram is not rendered

NODE_PROJECT = Path(__file__).with_name("mermaid_node")

GOOD = """erDiagram
    catalog_Product {
        BigAutoField id PK
        ForeignKey category_id FK "to catalog.Category"
        OneToOneField user_id FK,UK "to auth.User, null"
    }
    catalog_Category
    catalog_Category ||--o{ catalog_Product : "category"
    catalog_Product }o--o{ catalog_Category : "extra (through x_Y)"
"""


def test_the_validator_accepts_the_emitted_subset():
    diagram = parse(GOOD)
    assert list(diagram.entities) == ["catalog_Product", "catalog_Category"]
    assert diagram.entities["catalog_Product"][2].keys == ("FK", "UK")
    assert [(r.left_cardinality, r.right_cardinality) for r in diagram.relationships] == [("||", "o{"), ("}o", "o{")]


@pytest.mark.parametrize("text, error", [
    ("graph TD\n  A --> B\n", "start with 'erDiagram'"),
    ("erDiagram\n  A\n  B\n  A ||--o< B : \"x\"\n", "right cardinality"),
    ("erDiagram\n  A\n  B\n  A <|--o{ B : \"x\"\n", "left cardinality"),
    ("erDiagram\n  A\n  A ||--o{ B : \"x\"\n", "undeclared entity"),
    ("erDiagram\n  A {\n    int id PK\n", "never closed"),
    ("erDiagram\n  A {\n    int id PK,PK\n  }\n", "repeated"),
    ("erDiagram\n  A {\n    int id XK\n  }\n", "not an attribute"),
    ("erDiagram\n  A\n  A\n", "declared twice"),
    ("erDiagram\n  A\n  B\n  A ||--o{ B : x\n", "not an entity"),
    ("erDiagram\n  A.B\n", "not an entity"),
])
def test_the_validator_rejects(text, error):
    with pytest.raises(MermaidError, match=error):
        parse(text)


def _mermaid_runtime() -> Path:
    """node_modules with the pinned Mermaid, installed once per lock file into a cache folder."""
    lock = (NODE_PROJECT / "package-lock.json").read_bytes()
    base = Path(os.environ.get("DJANGO_EXPERT_TEST_NODE_CACHE") or Path.home() / ".cache" / "django-expert-tests")
    folder = base / f"mermaid-{hashlib.sha256(lock).hexdigest()[:12]}"
    if not (folder / "node_modules" / "mermaid" / "package.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(NODE_PROJECT / name, folder / name)
        result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                                capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, f"npm ci failed: {result.stderr[-2000:]}"
    shutil.copy(NODE_PROJECT / "parse.mjs", folder / "parse.mjs")
    return folder


def _large_graph(apps: int, models: int, attributes: int) -> ModelGraph:
    """`apps` apps of `models` models, each with `attributes` fields and a foreign key to the
    previous model and to one model of the first app."""
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []
    for a in range(apps):
        for m in range(models):
            label = f"app{a}.Model{m}"
            entity = Entity(label, f"app{a}", True, [Attribute("BigAutoField", "id", ("PK",))])
            entity.attributes += [Attribute("CharField", f"field_{i}", (), "see findings") for i in range(attributes)]
            entities[label] = entity
            for target in ({f"app{a}.Model{m - 1}"} if m else set()) | {f"app0.Model{m % models}"}:
                if target != label:
                    relations.append(Relation(target, "||--o{", label, f"to_{target.replace('.', '_')}", "fk", "x", label))
    return ModelGraph(entities, relations, [], [])


def test_a_large_project_gets_one_diagram_per_app_each_under_mermaids_limit():
    diagrams = erdiagram.render(_large_graph(apps=6, models=30, attributes=4))
    assert len(diagrams) == 6 and [app for app, _ in diagrams] == [f"app{a}" for a in range(6)]
    for _, text in diagrams:
        assert len(text) <= erdiagram.MAX_CHARS < MERMAID_MAX_TEXT
        parse(text)


def test_an_app_too_large_for_one_diagram_is_cut_in_parts():
    diagrams = erdiagram.render(_large_graph(apps=1, models=400, attributes=6))
    assert len(diagrams) > 1 and diagrams[0][0] == f"app0 (part 1 of {len(diagrams)})"
    drawn = set()
    for _, text in diagrams:
        assert len(text) <= erdiagram.MAX_CHARS
        drawn |= {name for name in parse(text).entities}
    assert {f"app0_Model{m}" for m in range(400)} <= drawn


def test_tenant_foreign_keys_most_models_carry_are_a_note(tmp_path, env):
    text = engage(copy_workspace("tenancy", tmp_path / "tenancy"), env=env).read_text(encoding="utf-8")
    assert "Not drawn: `organization` → `orgs.Organization` on 3 model(s)" in text
    diagram = parse(mermaid_blocks(text)[0])
    assert not any(r.label == "organization" for r in diagram.relationships)
    assert any(r.label == "project" for r in diagram.relationships), "the domain's own relations stay"


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None, reason="node is not installed")
def test_mermaids_own_parser_accepts_every_diagram_of_the_largest_workspaces(shop, env, tmp_path):
    """Every Mermaid block of the shop's and the tenancy workspace's reports, and of a large
    project cut per app and in parts, parses with Mermaid's parser and is under its limit."""
    blocks = mermaid_blocks(engage(shop, env=env).read_text(encoding="utf-8"))
    tenancy = copy_workspace("tenancy", tmp_path / "tenancy")
    blocks += mermaid_blocks(engage(tenancy, env=env).read_text(encoding="utf-8"))
    blocks += [text for _, text in erdiagram.render(_large_graph(apps=1, models=400, attributes=6))]
    assert len(blocks) > 3
    assert all(len(block) < MERMAID_MAX_TEXT for block in blocks)
    files = []
    for index, block in enumerate(blocks + [GOOD]):
        path = tmp_path / f"diagram{index}.mmd"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    bad = tmp_path / "bad.mmd"
    bad.write_text("erDiagram\n  A ||--o< B : \"x\"\n", encoding="utf-8")
    runtime = _mermaid_runtime()
    result = subprocess.run(["node", "parse.mjs", *files, str(bad)], cwd=runtime, capture_output=True, text=True,
                            timeout=300, check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == len(files) + 1, result.stdout + result.stderr
    for line in lines[:-1]:
        assert line["ok"] and line["type"] == "er", line
    assert not lines[-1]["ok"], "the official parser rejects what the strict grammar rejects"
