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
from engagement_helpers import engage
from mermaid_check import MermaidError, mermaid_blocks, parse

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


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None, reason="node is not installed")
def test_mermaids_own_parser_accepts_the_report_diagram(shop, env, tmp_path):
    text = engage(shop, env=env).read_text(encoding="utf-8")
    blocks = mermaid_blocks(text)
    assert blocks
    files = []
    for index, block in enumerate(blocks + [GOOD]):
        path = tmp_path / f"diagram{index}.mmd"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    bad = tmp_path / "bad.mmd"
    bad.write_text("erDiagram\n  A ||--o< B : \"x\"\n", encoding="utf-8")
    runtime = _mermaid_runtime()
    result = subprocess.run(["node", "parse.mjs", *files, str(bad)], cwd=runtime, capture_output=True, text=True,
                            timeout=120, check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == len(files) + 1, result.stdout + result.stderr
    for line in lines[:-1]:
        assert line["ok"] and line["type"] == "er", line
    assert not lines[-1]["ok"], "the official parser rejects what the strict grammar rejects"
