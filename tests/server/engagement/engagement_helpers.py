"""Shared helpers of the engagement tests: copies of the shop workspace, the real console
script, and the secret values a report must never contain (read here independently of
the code under test)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"
SCRIPT = Path(sys.executable).with_name("django-expert")
MEMORY = Path(".django-expert/memory/django")
MEMORY_FILES = ("project_overview.md", "architecture_notes.md", "data_model_patterns.md", "deployment_notes.md")
SECTIONS = ("## 1. Scope and plan", "## 2. Memory loaded", "## 3. Context loaded", "## 4. Architecture",
            "## 5. Findings", "## 6. Guidance", "## 7. Test strategy", "## 8. Compliance checklist",
            "## 9. Memory updates")


def copy_workspace(name: str, target: Path) -> Path:
    return Path(shutil.copytree(WORKSPACES / name, target, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3")))


def run(*args, env, cwd=None, timeout=180) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    return subprocess.run([*command, *map(str, args)], check=False, capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout)


def engage(path: Path, *args, env) -> Path:
    result = run("engage", path, *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = Path(result.stdout.strip())
    assert report.is_file(), result.stdout
    return report


def check_json(path: Path, env) -> list[dict]:
    result = run("check", path, "--format", "json", "--exit-zero", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["findings"]


def memory_dir(root: Path, slug: str = "shop") -> Path:
    return root / MEMORY / slug


def secret_values(root: Path) -> list[str]:
    """Every value of the project's .env files, and every string literal assigned (directly,
    as a fallback, or under a PASSWORD key) to a secret-looking setting."""
    values: list[str] = []
    for env_file in root.glob(".env*"):
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                value = line.split("=", 1)[1].strip().strip("'\"")
                if value:
                    values.append(value)
    secret = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY")
    for settings in root.glob("*/settings*/**/*.py"):
        tree = ast.parse(settings.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and secret.search(t.id) and t.id not in
                                                    ("AUTH_PASSWORD_VALIDATORS", "PASSWORD_HASHERS") for t in node.targets):
                values += [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)
                           and isinstance(c.value, str) and len(c.value) > 3]
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and secret.search(key.value):
                        values += [c.value for c in ast.walk(value) if isinstance(c, ast.Constant)
                                   and isinstance(c.value, str) and c.value]
    # The names of environment variables (`os.environ.get("DJANGO_SECRET_KEY", ...)`) are not secrets.
    return sorted(v for v in set(values) if not re.fullmatch(r"[A-Z][A-Z0-9_]*", v))


CHECK_KEYS = ["code", "name", "category", "severity", "message", "filename", "location", "end_location", "fix"]
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def assert_twin_contract(twin: dict, findings: list[dict], slug: str) -> None:
    """The JSON twin's contract: its head keys, every section, ISO times, and exactly the
    findings `check --format json` printed, each with the check keys plus its decision and
    guidance."""
    assert list(twin)[:7] == ["schema", "project", "slug", "date", "started", "finished", "tool_version"]
    for key in ("scope", "memory", "context", "architecture", "findings", "guidance", "test_strategy", "checklist",
                "memory_updates"):
        assert key in twin, key
    assert twin["schema"] == "django-expert.report/1" and twin["slug"] == slug
    assert ISO_WITH_OFFSET.match(twin["started"]) and ISO_WITH_OFFSET.match(twin["finished"])
    checked = {(f["code"], f["filename"], f["location"]["row"]) for f in findings}
    assert {(f["code"], f["filename"], f["location"]["row"]) for f in twin["findings"]} == checked
    for finding in twin["findings"]:
        assert list(finding) == [*CHECK_KEYS, "decision", "guidance"]
    assert twin["memory_updates"]["written"] == sorted(twin["memory_updates"]["written"], key=MEMORY_FILES.index)


def written_outputs(root: Path) -> dict[Path, str]:
    """Every file the engagement writes: reports, twins, memory, engagement state."""
    files = list((root / "claudedocs").glob("*")) + list((root / ".django-expert").rglob("*"))
    return {path: path.read_text(encoding="utf-8") for path in files if path.is_file() and path.name != ".lock"}
