"""DJE607 risky-endpoint-untested

## What it does
Finds a routed view with an authorization finding (DJE304 view without permission, DJE310
a permission that lets anyone in, DJE416 an unscoped object lookup) or an N+1 finding
(DJE501 in the view, DJE502 in the serializer it uses) that no test reaches: no test module
reverses one of its URL names (or names it), requests a path its pattern matches, or
imports the view. The finding sits on the view and names the test to add: another
user's request gets 404, an anonymous request is refused, or the query count stays the same
with more rows. Info level. It stays silent in a project whose tests reach no endpoint at all
(the report's test map says that once), for views the URL conf does not route, and where a
test imports the view's module (it may call the view through a RequestFactory).

Pedantic (opt-in, `--select DJE607`): it restates another finding as a testing gap, and the
test it asks for comes with that finding's fix; in the judged samples of real projects
(tests/benchmarks/precision, rounds 6 to 8) none of its 8 findings was one a reviewer would
ask for on its own. The report's testing section and the test code actions cover the same
views whatever the selection.

## Why is this bad?
The fix for such a finding is a one-line change that a later refactor can undo without any
test failing: a `for_user()` dropped from a queryset, a `select_related` lost when the
serializer grows a field. A test written with the fix keeps it fixed.

## Example
```python
def author_report(request):  # DJE501, routed at authors/report/, no test requests it
    return JsonResponse({a.name: a.books.count() for a in Author.objects.all()})
```

## Use instead
```python
@pytest.mark.django_db
def test_author_report_query_count(client, django_assert_num_queries):
    AuthorFactory.create_batch(10)
    with django_assert_num_queries(2):
        client.get(reverse("catalog:author-report"))
```

## References
- https://docs.djangoproject.com/en/stable/topics/testing/tools/#django.test.TransactionTestCase.assertNumQueries
- https://pytest-django.readthedocs.io/en/latest/helpers.html#django-assert-num-queries
"""

from __future__ import annotations

import ast
import logging

from django_expert.analyzers.findings import Severity
from django_expert.analyzers.project.drf import serializer_views
from django_expert.analyzers.project.test_map import endpoint_coverage, is_test_module
from django_expert.analyzers.rules.registry import all_rules, rule

log = logging.getLogger(__name__)

# The findings worth a test, and the test each asks for.
ANONYMOUS = "an anonymous request is refused (401/403)"
OTHER_USER = "another user's request for this object gets 404"
QUERY_COUNT = "the number of queries stays the same with 2 and with 10 rows (assertNumQueries)"
RISKS = {"DJE304": ANONYMOUS, "DJE310": ANONYMOUS, "DJE416": OTHER_USER, "DJE501": QUERY_COUNT,
         "DJE502": QUERY_COUNT}
KINDS = {"DJE304": "authorization", "DJE310": "authorization", "DJE416": "authorization", "DJE501": "N+1",
         "DJE502": "N+1"}


@rule("DJE607", "risky-endpoint-untested", tier="pedantic", severity=Severity.INFO)
def check(ctx):
    project = ctx.project
    if project is None or project.layout.kind == "library" or is_test_module(ctx.module) or ctx.is_migration:
        return
    coverage = endpoint_coverage(project)
    if not any(c.tests for c in coverage):
        return
    routes: dict[str, list] = {}
    for entry in coverage:
        routes.setdefault(entry.view, []).append(entry)
    own = {n.name: n for n in ctx.tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
    local = {name for name in own if _views_of(project, f"{ctx.module}.{name}", routes)}
    if not local and "Serializer" not in ctx.text:
        return
    risky: dict[str, dict[str, str]] = {}  # symbol -> {code: test}
    for code, finding in _risk_findings(ctx):
        symbol = next((name for name, node in own.items()
                       if node.lineno - 1 <= finding.span.start.line <= (node.end_lineno or node.lineno) - 1), None)
        if symbol is not None:
            risky.setdefault(symbol, {})[code] = RISKS[code]
    for symbol, risks in risky.items():
        views = _views_of(project, f"{ctx.module}.{symbol}", routes)
        entries = [e for view in views for e in routes[view]]
        if not entries or any(e.tests for e in entries):
            continue
        where = ", ".join(dict.fromkeys(f"{e.route} ({e.name})" if e.name else e.route for e in entries[:3]))
        kinds = ", ".join(f"an {KINDS[code]} finding ({code})" for code in risks)
        asks = "; and that ".join(dict.fromkeys(risks.values()))
        yield ctx.report(
            own[symbol],
            f"No test reaches `{symbol}` ({where}), which has {kinds}: add a test that {asks}",
        )


def _views_of(project, qualname: str, routes: dict[str, list]) -> list[str]:
    """The routed views a symbol is: itself, or the views using it as their serializer."""
    if qualname in routes:
        return [qualname]
    if "Serializer" in qualname.rpartition(".")[2]:
        return [v for v in serializer_views(project, qualname) if v in routes]
    return []


def _risk_findings(ctx):
    """The findings of the risk rules on this file (each run as the engine runs it)."""
    current = ctx.rule
    rules = all_rules()
    try:
        for code in RISKS:
            other = rules.get(code)
            if other is None:
                continue
            ctx.rule = other
            try:
                found = list(other.check(ctx))
            except Exception:  # noqa: BLE001 - the rule itself reports its crash when it runs
                log.debug("%s failed under DJE607 on %s", code, ctx.path)
                continue
            yield from ((code, f) for f in found if not ctx.suppressed(f))
    finally:
        ctx.rule = current
