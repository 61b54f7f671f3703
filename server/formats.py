"""How the CLI prints findings and rules: text (like ruff), JSON (DESIGN.md section 7), SARIF 2.1.0.

Pure functions from findings (and the fixes already computed for them) to a string; the
CLI decides what to compute and where the text goes. Positions leave here 1-based: the
row is the 0-based line + 1 and the column the 0-based code-point column + 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from django_expert.analyzers.findings import Applicability, Finding, Fix, Severity
from django_expert.analyzers.rules.registry import DOC_SECTIONS, Rule, doc_sections
from django_expert.analyzers.source import Position, Span, printable_data

# Maps an absolute path to the name a user (or a tool) should see for it.
Namer = Callable[[str], str]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://django-expert.readthedocs.io/en/latest/"
TOOL_NAME = "django-expert"

# DJE000 is not a registered rule: the file itself could not be read or parsed.
PARSE_ERROR_CODE = "DJE000"
PARSE_ERROR_NAME = "parse-error"
PARSE_ERROR_SUMMARY = "The file could not be decoded or parsed, or was too large to analyse"

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def shown(finding: Finding) -> tuple[Severity, str]:
    """(severity, message) as printed: a finding a recorded decision accepts is a hint that says why."""
    if finding.accepted is not None:
        return Severity.HINT, f"{finding.message} (accepted: {finding.accepted})"
    return finding.severity, finding.message


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def sort_findings(findings: Iterable[Finding], name: Namer) -> list[Finding]:
    """Findings in report order: filename, row, column, code."""
    return sorted(findings, key=lambda f: (name(f.path), f.span.start.line, f.span.start.column, f.code))


def _paired(findings: Sequence[Finding], fixes: Sequence[Fix | None] | None, name: Namer):
    fixes = list(fixes) if fixes is not None else [None] * len(findings)
    if len(fixes) != len(findings):
        raise ValueError("one fix (or None) per finding")
    pairs = zip(findings, fixes, strict=True)
    return sorted(pairs, key=lambda p: (name(p[0].path), p[0].span.start.line, p[0].span.start.column, p[0].code))


# -- text -------------------------------------------------------------------------------------


def render_text(findings: Sequence[Finding], name: Namer) -> str:
    """One line per finding, `path:row:col: CODE [*] message`, then a summary line.

    `[*]` marks a finding with a safe fix (`check --fix` applies it); fixes are not computed.
    """
    lines = []
    safe = unsafe = 0
    for finding in sort_findings(findings, name):
        start = finding.span.start
        marker = ""
        if finding.fixable is Applicability.SAFE:
            marker = " [*]"
            safe += 1
        elif finding.fixable is Applicability.UNSAFE:
            unsafe += 1
        message = " ".join(shown(finding)[1].split())  # one finding, one line
        lines.append(f"{name(finding.path)}:{start.line + 1}:{start.column + 1}: {finding.code}{marker} {message}")
    if not findings:
        lines.append("All checks passed!")
        return "\n".join(lines) + "\n"
    lines.append("")
    lines.append(f"Found {_plural(len(findings), 'finding')} ({safe} fixable with --fix).")
    if unsafe:
        more = "1 more fix changes" if unsafe == 1 else f"{unsafe} more fixes change"
        lines.append(f"({more} behaviour: apply with --fix --unsafe-fixes after review.)")
    return "\n".join(lines) + "\n"


# -- JSON -------------------------------------------------------------------------------------


def _point(position: Position) -> dict[str, int]:
    return {"row": position.line + 1, "column": position.column + 1}


def fix_dict(fix: Fix, name: Namer) -> dict:
    return {
        "title": fix.title,
        "applicability": fix.applicability.value,
        "edits": [
            {
                "filename": name(edit.path),
                "location": _point(edit.span.start),
                "end_location": _point(edit.span.end),
                "content": edit.content,
            }
            for edit in fix.edits
        ],
    }


def finding_dict(finding: Finding, fix: Fix | None, name: Namer) -> dict:
    """One finding as DESIGN.md section 7 prints it (exactly these keys, in this order)."""
    severity, message = shown(finding)
    return {
        "code": finding.code,
        "name": finding.name,
        "category": finding.category.value,
        "severity": severity.value,
        "message": message,
        "filename": name(finding.path),
        "location": _point(finding.span.start),
        "end_location": _point(finding.span.end),
        "fix": fix_dict(fix, name) if fix is not None and fix.edits else None,
    }


def render_json(
    findings: Sequence[Finding],
    name: Namer,
    *,
    fixes: Sequence[Fix | None] | None = None,
    files: int,
    seconds: float,
    coverage: dict[str, int] | None = None,
) -> str:
    """The JSON contract: `{"findings": [...], "summary": {"files", "findings", "seconds"}}`.

    `fixes` runs parallel to `findings` (the computed fix of each, or None). `coverage`, when
    given, adds `python_files` (Python files under the PATHs) and `analysed` (how many of
    them were parsed and checked) to the summary.
    """
    summary: dict = {"files": files, "findings": len(findings), "seconds": round(seconds, 3)}
    summary.update(coverage or {})
    document = {
        "findings": [finding_dict(f, fix, name) for f, fix in _paired(findings, fixes, name)],
        "summary": summary,
    }
    return json.dumps(printable_data(document), indent=2, ensure_ascii=False) + "\n"


# -- SARIF ------------------------------------------------------------------------------------


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.start.line + 1,
        "startColumn": span.start.column + 1,
        "endLine": span.end.line + 1,
        "endColumn": span.end.column + 1,
    }


def _artifact(path: str, name: Namer) -> dict[str, str]:
    return {"uri": name(path), "uriBaseId": "%SRCROOT%"}


def _location(path: str, span: Span, name: Namer) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(path, name), "region": _region(span)}}


def _rule_descriptor(rule: Rule) -> dict:
    what = " ".join(doc_sections(rule.doc).get("What it does", "").split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": what or rule.summary or rule.name},
        "help": {"text": rule.doc or rule.name, "markdown": rule.doc or rule.name},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.category.value], "fix": rule.fix.value, "tier": rule.tier},
    }


def _parse_error_descriptor() -> dict:
    return {
        "id": PARSE_ERROR_CODE,
        "name": PARSE_ERROR_NAME,
        "shortDescription": {"text": PARSE_ERROR_SUMMARY},
        "fullDescription": {"text": PARSE_ERROR_SUMMARY},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["architecture"], "fix": "none"},
    }


def _sarif_fix(fix: Fix, name: Namer) -> dict:
    by_file: dict[str, list] = {}
    for edit in fix.edits:
        by_file.setdefault(edit.path, []).append(
            {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
        )
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, name), "replacements": replacements}
            for path, replacements in by_file.items()
        ],
        "properties": {"applicability": fix.applicability.value},
    }


def render_sarif(
    findings: Sequence[Finding],
    name: Namer,
    *,
    rules: Iterable[Rule],
    fixes: Sequence[Fix | None] | None = None,
    version: str,
    source_root_uri: str | None = None,
) -> str:
    """A SARIF 2.1.0 log with one run: every rule as a reportingDescriptor, every finding a result.

    `name` gives artifact URIs relative to `source_root_uri` (the `%SRCROOT%` base, a
    `file:///.../` URI ending in a slash). Columns count Unicode code points.
    """
    descriptors = [_rule_descriptor(rule) for rule in rules]
    descriptors.append(_parse_error_descriptor())
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    results = []
    for finding, fix in _paired(findings, fixes, name):
        severity, message = shown(finding)
        result = {
            "ruleId": finding.code,
            "level": _SARIF_LEVEL[severity],
            "message": {"text": message},
            "locations": [_location(finding.path, finding.span, name)],
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        if finding.related:
            result["relatedLocations"] = [
                {"id": i, **_location(related.path, related.span, name), "message": {"text": related.message}}
                for i, related in enumerate(finding.related)
            ]
        if fix is not None and fix.edits:
            result["fixes"] = [_sarif_fix(fix, name)]
        results.append(result)
    run: dict = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if source_root_uri:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": source_root_uri}}
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(printable_data(document), indent=2, ensure_ascii=False) + "\n"


# -- rules and their documentation --------------------------------------------------------------


def rule_title(rule: Rule) -> str:
    """`DJE201 nullable-string-field (data-modeling, pedantic, warning, fix: safe)`."""
    return (f"{rule.code} {rule.name} ({rule.category.value}, {rule.tier}, {rule.severity.value}, "
            f"fix: {rule.fix.value})")


def tier_line(rule: Rule) -> str:
    """What a rule's tier means for the user, for its documentation."""
    if rule.tier == "pedantic":
        return ("Tier: pedantic (style, legacy or taste): off by default; select it by code, "
                'with `select = ["ALL"]`, or with `extend-select = ["pedantic"]`.')
    return "Tier: recommended (correctness, security or performance): on by default."


def render_explain(rule: Rule) -> str:
    """What `explain CODE` prints: the title line, then the rule's documentation."""
    doc = rule.doc
    first, _, rest = doc.partition("\n")
    if first.strip().startswith(rule.code):  # the docstring's own "DJE201 name" line repeats the title
        doc = rest.strip("\n")
    return f"{rule_title(rule)}\n\n{tier_line(rule)}\n\n{doc}\n\n{rule.url}\n"


def render_rules_table(rules: Iterable[Rule]) -> str:
    """A plain-text table of every rule: code, name, category, tier, severity, fix, summary."""
    header = ("code", "name", "category", "tier", "severity", "fix", "summary")
    rows = [(r.code, r.name, r.category.value, r.tier, r.severity.value, r.fix.value, r.summary) for r in rules]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(header[-1]))
    return "\n".join(lines) + "\n"


def render_rule_page(rule: Rule) -> str:
    """One Markdown page of the rules documentation, generated from the rule's docstring."""
    sections = doc_sections(rule.doc)
    lines = [
        f"# {rule.code}: {rule.name}",
        "",
        f"- Category: {rule.category.value}",
        f"- {tier_line(rule)}",
        f"- Default severity: {rule.severity.value}",
        f"- Fix: {rule.fix.value}",
        "",
    ]
    ordered = [title for title in DOC_SECTIONS if title in sections]
    ordered += [title for title in sections if title not in DOC_SECTIONS]
    for title in ordered:
        lines += [f"## {title}", "", sections[title], ""]
    if not sections and rule.doc:
        lines += [rule.doc, ""]
    return "\n".join(lines)


def render_rules_index(rules: Iterable[Rule]) -> str:
    """The docs index page: a Markdown table linking every rule's page."""
    lines = [
        "# Rules",
        "",
        "| code | name | category | tier | severity | fix | summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.category.value} | {rule.tier} | "
            f"{rule.severity.value} | {rule.fix.value} | {summary} |"
        )
    return "\n".join(lines) + "\n"
