"""The secret policy end to end: planted secrets never reach `check` (text, JSON, SARIF), the
report, its JSON twin or the memory files; and a placeholder password equal to the project's
name (`.env.example`, a settings fallback) changes nothing in the report: no path, link or
name is rewritten, and the twin keeps its contract."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

from engagement_helpers import (
    assert_twin_contract,
    check_json,
    copy_workspace,
    engage,
    run,
    written_outputs,
)
from tests.planted_secrets import planted_shop

from django_expert.analyzers.secrets import REDACTED


def test_planted_secrets_are_in_no_output(tmp_path, env):
    root, values = planted_shop(tmp_path / "work" / "shop")
    outputs = {}
    for form in ("text", "json", "sarif"):
        result = run("check", root, "--format", form, "--exit-zero", env=env)
        assert result.returncode == 0, result.stderr
        outputs[f"check --format {form}"] = result.stdout + result.stderr
    assert "DJE" in outputs["check --format text"]
    report = engage(root, "--goal", "security", env=env)
    outputs.update({str(path.relative_to(root)): text for path, text in written_outputs(root).items()})
    assert {report.name, report.with_suffix(".json").name} <= {Path(name).name for name in outputs}
    assert any("memory" in name for name in outputs)
    leaked = [(value, where) for where, text in outputs.items() for value in values if value in text]
    assert leaked == []
    report_text = report.read_text(encoding="utf-8")
    assert "GITHUB_PAT" in report_text and "DB_PASS" in report_text, "secret settings are named, not shown"


_TIMES = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?"), "<time>"),
    (re.compile(r"\b\d+\.\d+ s\b"), "<seconds> s"),
    (re.compile(r'"seconds": [\d.]+'), '"seconds": <seconds>'),
    (re.compile(r'"id": "[0-9a-f]+"'), '"id": <id>'),
]


def _without_times(text: str) -> str:
    for pattern, replacement in _TIMES:
        text = pattern.sub(replacement, text)
    return text


def _engage_with_fallback(root: Path, env, fallback: str, placeholder: bool) -> dict[str, str]:
    """Engage the shop with `DATABASES["default"]["PASSWORD"]` read from DB_PASSWORD with
    `fallback`, and a `.env.example` documenting it with the same value when `placeholder`;
    every output, by its path, with its times left out."""
    shutil.rmtree(root / "claudedocs", ignore_errors=True)
    shutil.rmtree(root / ".django-expert", ignore_errors=True)
    settings = root / "shop" / "settings" / "base.py"
    text = re.sub(r'("PASSWORD": os\.environ\.get\("DB_PASSWORD", )"[^"]*"', rf'\1"{fallback}"',
                  settings.read_text(encoding="utf-8"))
    settings.write_text(text, encoding="utf-8")
    example = root / ".env.example"
    if placeholder:
        example.write_text(f"# Copy to .env\nDB_PASSWORD={fallback}\nDJANGO_SECRET_KEY=\n", encoding="utf-8")
    else:
        example.unlink(missing_ok=True)
    engage(root, "--goal", "security", env=env)
    return {str(path.relative_to(root)): _without_times(text) for path, text in written_outputs(root).items()}


def test_a_placeholder_password_named_like_the_project_changes_nothing(tmp_path, env):
    root = copy_workspace("shop", tmp_path / "work" / "shop")
    settings = root / "shop" / "settings" / "base.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        '"NAME": BASE_DIR / os.getenv("DATABASE_NAME", "db.sqlite3"),',
        '"NAME": BASE_DIR / os.getenv("DATABASE_NAME", "db.sqlite3"),\n'
        '        "PASSWORD": os.environ.get("DB_PASSWORD", "x"),'), encoding="utf-8")
    assert '"PASSWORD": os.environ.get("DB_PASSWORD"' in settings.read_text(encoding="utf-8")
    findings = check_json(root, env)

    named = _engage_with_fallback(root, env, "shop", placeholder=True)
    report = next(root.glob("claudedocs/django_shop_*.md"))
    twin = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    neutral = _engage_with_fallback(root, env, "neutral-fallback", placeholder=False)

    assert sorted(named) == sorted(neutral)
    for name in named:
        assert named[name] == neutral[name], f"{name} differs"
    for text in named.values():
        assert REDACTED not in text
    assert_twin_contract(twin, findings, "shop")
    assert [f["filename"] for f in twin["findings"] if not (root / f["filename"]).is_file()] == []
    markdown = named[str(report.relative_to(root))]
    links = re.findall(r"\]\(([^)#\s]+)(?:#L\d+)?\)", markdown)
    local = [link for link in links if "://" not in link]
    assert len(local) > 20
    missing = [link for link in local if not (report.parent / unquote(link)).exists()]
    assert missing == []
    assert "# " in markdown and "shop" in markdown.splitlines()[0]
