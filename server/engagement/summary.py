"""The executive summary's judgement: which risks a senior reviewer puts first for the goal.

A risk is one rule's open findings (or one recommendation drawn from what step 4 saw),
scored by severity, by how early the goal's plan weighs its focus area, and by whether a
stranger or another tenant reaches it. Style rules reported in bulk never make the list:
they go to the report's appendix. The result is `results.Risk` values, recorded with
step 5, so a later session renders the same summary.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django_expert.server.engagement.results import Evidence, Risk

MAX_RISKS = 7
MAX_EVIDENCE = 3
# A rule with this many open findings in one project is reported as a table in the appendix
# (the example: 230 nullable string fields): a reader acts on the rule, not on each row.
BULK_MIN = 10
_SEVERITY_WEIGHT = {"error": 10, "warning": 4, "info": 1, "hint": 0}
_AREA_WEIGHT = (4, 3, 2)  # the goal's first three focus areas weigh more; the rest weigh 1
_EXPOSED_FACTOR = 2  # reached by a stranger or another tenant (security.EXPOSURE)


def open_findings(findings: list[dict]) -> list[dict]:
    """Findings no recorded decision accepted or rejected."""
    return [f for f in findings if not (f.get("decision") and f["decision"].get("status") in ("accepted", "rejected"))]


def bulk_codes(findings: list[dict]) -> set[str]:
    """Rules reported as one table each in the appendix: rules of the `pedantic` tier (when
    the registry says so), and rules with BULK_MIN or more open findings that are not errors
    and not exposures."""
    from django_expert.server.engagement.security import EXPOSURE

    by_code: dict[str, list[dict]] = defaultdict(list)
    for record in open_findings(findings):
        by_code[record["code"]].append(record)
    return {code for code, records in by_code.items()
            if _tier(code) == "pedantic" or (len(records) >= BULK_MIN and code not in EXPOSURE
                                             and all(r["severity"] != "error" for r in records))}


def top_risks(order: tuple[str, ...], findings: list[dict], recommendations: list[dict],
              patches: dict[int, dict]) -> list[Risk]:
    """At most MAX_RISKS risks, highest score first."""
    from django_expert.server.engagement.security import EXPOSURE

    bulk = bulk_codes(findings)
    rank = {area: i for i, area in enumerate(order)}
    patched: dict[str, dict] = {}
    for index, patch in sorted(patches.items()):
        patched.setdefault(findings[index]["code"], patch)
    by_code: dict[str, list[dict]] = defaultdict(list)
    for record in open_findings(findings):
        if record["code"] not in bulk:
            by_code[record["code"]].append(record)
    risks = [_rule_risk(code, records, rank, code in EXPOSURE, patched.get(code)) for code, records in by_code.items()]
    risks += [_derived_risk(rec, rank) for rec in recommendations
              if rec["source"] != "rule" and rec["severity"] in ("error", "warning") and rec["objects"]]
    risks = [r for r in risks if r.severity in ("error", "warning")]
    risks.sort(key=lambda r: (-r.score, rank.get(r.area, 99), r.title))
    return risks[:MAX_RISKS]


def _score(severity: str, area: str, rank: dict[str, int], exposed: bool, count: int) -> float:
    # What a stranger or another tenant reaches weighs as security, whatever its rule's area.
    position = min(rank.get(area, 99), rank.get("security", 99)) if exposed else rank.get(area, 99)
    area_weight = _AREA_WEIGHT[position] if position < len(_AREA_WEIGHT) else 1
    score = _SEVERITY_WEIGHT.get(severity, 0) * area_weight * (_EXPOSED_FACTOR if exposed else 1)
    return round(score + min(count, 10) / 10, 2)  # more places break ties, never outrank a heavier kind


def _rule_risk(code: str, records: list[dict], rank: dict[str, int], exposed: bool, patch: dict | None) -> Risk:
    severity = min((r["severity"] for r in records), key=lambda s: -_SEVERITY_WEIGHT.get(s, 0))
    area = records[0]["category"]
    sections = _doc_sections(code)
    name = records[0].get("name") or code
    files = sorted({r["filename"] for r in records})
    here = f"{len(records)} place(s) in " + (", ".join(files[:3]) + (f" and {len(files) - 3} more file(s)"
                                                                       if len(files) > 3 else ""))
    why = _first_sentence(sections.get("Why is this bad?", "")) or _first_sentence(sections.get("What it does", ""))
    fix = f"{patch['title']} (patch in section 5)" if patch else \
        _first_sentence(_prose(sections.get("Use instead", ""))) or f"see `django-expert explain {code}`"
    if exposed:
        why = "Reachable by a stranger or another tenant. " + why
    places = dict.fromkeys(Evidence(r["filename"], r["location"]["row"]) for r in records)
    evidence = tuple(places)[:MAX_EVIDENCE]
    return Risk(f"{code} {name}", code, area, severity, len(records), evidence, f"{why} Here: {here}.", fix,
                _score(severity, area, rank, exposed, len(records)))


def _derived_risk(rec: dict, rank: dict[str, int]) -> Risk:
    sentences = re.split(r"(?<=[.:;])\s+", rec["summary"] or "", maxsplit=1)
    why = sentences[0].rstrip(":;") + ("." if sentences[0][-1:] in ":;" else "")
    fix = sentences[1][:1].upper() + sentences[1][1:] if len(sentences) > 1 else "See section 6.1."
    places = dict.fromkeys(Evidence(o["path"], o["line"]) for o in rec["objects"] if o.get("path"))
    evidence = tuple(places)[:MAX_EVIDENCE]
    return Risk(rec["title"], None, rec["area"], rec["severity"], rec["count"], evidence, why, fix,
                _score(rec["severity"], rec["area"], rank, False, rec["count"]))


def _tier(code: str) -> str | None:
    from django_expert.analyzers.rules.registry import all_rules

    rule = all_rules().get(code)
    return getattr(rule, "tier", None) if rule is not None else None


def _doc_sections(code: str) -> dict[str, str]:
    from django_expert.analyzers.rules.registry import all_rules, doc_sections

    rule = all_rules().get(code)
    return doc_sections(rule.doc) if rule is not None else {}


def _prose(text: str) -> str:
    """A docstring section without its code blocks."""
    return re.sub(r"```.*?```", " ", text, flags=re.DOTALL).strip()


def _first_sentence(text: str, limit: int = 280) -> str:
    """The first sentence that is not an aside in parentheses."""
    text = re.sub(r"^\(.*?\)\s*", "", " ".join(text.split()))
    match = re.search(r"^(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + " …"
