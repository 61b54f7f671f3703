"""The URL and template rules applied to a template's own text: `{% url "name" ... %}`
(DJE109 unknown-url-name, DJE110 url-arguments-mismatch) and `{% extends %}` /
`{% include %}` with a literal name (DJE111 template-not-found).

Templates are not Python files the engine checks; a front end that has a template's text
asks `check_template()` for its findings. Fixes are computed at once (one text edit each).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.findings import Applicability, Edit, Finding, Fix, Severity
from django_expert.analyzers.navigation.targets import template_urls
from django_expert.analyzers.navigation.templates import closest_template, template_index
from django_expert.analyzers.navigation.urls import Route, closest_url, url_index
from django_expert.analyzers.source import Position, Span

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

_LOADS = re.compile(r"{%-?\s*(?:extends|include)\s+([\"'])(?P<name>[^\"'{}%]+)\1")


def check_template(project: ProjectModel, path: Path, text: str) -> list[Finding]:
    findings: list[Finding] = []
    index = url_index(project)
    for tag in template_urls(text):
        if not tag.name or any(c in tag.name for c in "{}%"):
            continue
        span = _span(text, tag.start, tag.end)
        routes = index.find(tag.name)
        if not routes:
            if index.certainly_unknown(tag.name):
                suggestion = closest_url(tag.name, index.names())
                findings.append(_finding(path, span, "DJE109", "unknown-url-name",
                                         f"no URL pattern is named '{tag.name}'", tag.name, suggestion))
            continue
        if any(r.params is None for r in routes) or (tag.args and tag.kwargs):
            continue
        if not any(_accepts(route, tag.args, set(tag.kwargs)) for route in routes):
            route = routes[0]
            wanted = ", ".join(route.params) if route.params else "no arguments"
            got = f"{tag.args} positional argument{'s' if tag.args != 1 else ''}" if tag.args else (
                ", ".join(sorted(tag.kwargs)) or "no arguments")
            findings.append(_finding(path, span, "DJE110", "url-arguments-mismatch",
                                     f"'{tag.name}' (/{route.route}) takes {wanted}; it is given {got}", tag.name, None))
    templates = template_index(project)
    for match in _LOADS.finditer(text):
        name = match.group("name")
        if templates.certainly_missing(name):
            span = _span(text, match.start("name"), match.end("name"))
            findings.append(_finding(path, span, "DJE111", "template-not-found",
                                     f"no template folder of the project holds '{name}'", name,
                                     closest_template(name, templates.names())))
    return findings


def _accepts(route: Route, args: int, kwargs: set[str]) -> bool:
    params = set(route.params or ())
    if args:
        count = len(route.params or ()) or route.positional
        return args in (count, count + len(route.optional))
    extra = (kwargs ^ params) - route.defaults
    return not extra or extra <= route.optional and extra <= kwargs


def _finding(path: Path, span: Span, code: str, name: str, message: str, old: str, suggestion: str | None) -> Finding:
    fix = None
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
        fix = Fix(f"Use '{suggestion}'", Applicability.UNSAFE, (Edit(str(path), span, suggestion),))
    return Finding(code, name, message, str(path), span, Severity.ERROR, fix=fix,
                   fixable=Applicability.UNSAFE if fix else Applicability.NONE, fix_title=fix.title if fix else "")


def _span(text: str, start: int, end: int) -> Span:
    return Span(_position(text, start), _position(text, end))


def _position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))
