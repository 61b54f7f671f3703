"""DJE420 coarser-tenant-scope

## What it does
Finds querysets narrowed to the requesting user at a coarser tenant level than the rest of
the project narrows the same model: `Task.objects.filter(project__organization__memberships__user=user)`
(the user's organisations) where other views use `Task.objects.for_user(user)`, which
filters by `project__memberships__user` (the user's projects). The levels are read from
the relations: each filter path is cut where it enters a membership (a model with a foreign
key to the user and to something else) or reaches the user; a path whose cut extends
another's goes around the level the other checks.

## Why is this bad?
A member of the organisation who is not a member of the project reads (or changes) the
project's tasks. Such views are usually written later for a dashboard or an export, and
repeat the tenant filter from memory instead of calling the project's helper.

## Example
```python
def get_queryset(self):
    return Task.objects.filter(project__organization__memberships__user=self.request.user)
```

## Use instead
```python
def get_queryset(self):
    return Task.objects.for_user(self.request.user)
```
The quick fix calls the helper the sibling views use, when the filter has nothing else.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.scoping import UserValues, calls_of
from django_expert.analyzers.facts.values import dotted_name
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import replace_checked
from django_expert.analyzers.navigation.lookups import resolve
from django_expert.analyzers.project import tenancy
from django_expert.analyzers.project.query_source import span_tuple
from django_expert.analyzers.project.summaries import pointer
from django_expert.analyzers.rules.registry import fixer, rule

_SUFFIXES = ("exact", "in")


@rule("DJE420", "coarser-tenant-scope", tier="recommended", fix=Applicability.UNSAFE, triggers=("filter(",))  # a finding needs a filter() call
def check(ctx):
    project = ctx.project
    if project is None or ctx.is_migration:
        return
    user = project.model("settings.AUTH_USER_MODEL")
    if user is None:
        return
    names = Names(ctx.facts, ctx.tree)
    for scope in call_index(ctx.tree).functions():
        values = None
        for call in scope.calls:
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "filter" and call.keywords):
                continue
            _, root = calls_of(call)
            dotted = dotted_name(root)
            model = tenancy.manager_model(project, names.qualify(dotted)) if dotted and "." in dotted else None
            if model is None:
                continue
            values = values or UserValues(scope.function)
            for keyword in call.keywords:
                if not keyword.arg or not values.derived(keyword.value):
                    continue
                found = _coarser(project, model, keyword.arg, user.label, scope)
                if found is not None:
                    yield _report(ctx, scope, call, root, model, keyword.arg, *found)
                    break


def anchor(project, model, path: str, user_label: str) -> tuple[str, ...] | None:
    """The relations of a user filter path up to the level it checks: the path cut where it
    enters a membership model or reaches the user (`project__memberships__user` -> ("project",))."""
    parts = path.split("__")
    if parts[-1] in _SUFFIXES:
        parts = parts[:-1]
    resolution = resolve(project, model, "__".join(parts))
    if resolution.problem is not None or resolution.open:
        return None
    steps = [s for s in resolution.steps if s.target is not None]
    for index, step in enumerate(steps):
        if step.target.label == user_label:
            before = steps[:index]
            if before and _membership(before[-1].target, user_label):
                before = before[:-1]
            return tuple(s.segment.name for s in before)
        if index == len(steps) - 1 and _membership(step.target, user_label):
            return tuple(s.segment.name for s in steps[:index])  # `org__in=<memberships>` style
    return None


def _membership(model, user_label: str) -> bool:
    targets = [f.related_model for f in model.fields if (f.many_to_one or f.one_to_one) and f.related_model]
    return user_label in targets and any(t != user_label for t in targets)


def _sibling_paths(project, model, scoping: tenancy.Scoping, definitions) -> list[str]:
    method, _, keys = scoping.how.partition(":")
    if method == "filter" and keys:
        return keys.split(",")
    if scoping.helper and scoping.method:
        return [key for d in definitions if d.function.endswith(f".{scoping.helper}")
                for key in d.how.partition(":")[2].split(",") if d.how.startswith("filter:")]
    return []


def _coarser(project, model, path: str, user_label: str, scope):
    """(sibling, its path, its anchor, ours) when a sibling checks a finer level below ours."""
    ours = anchor(project, model, path, user_label)
    if not ours:
        return None
    scopings = tenancy.scopings(project, model)
    definitions = [s for s in scopings if not s.usage]
    here = f".{scope.owner.name}." if scope.owner else "."
    for sibling in scopings:
        if not (sibling.usage and sibling.view) or sibling.function.endswith(f"{here}{scope.function.name}"):
            continue
        for other in _sibling_paths(project, model, sibling, definitions):
            theirs = anchor(project, model, other, user_label)
            if theirs and len(theirs) < len(ours) and ours[:len(theirs)] == theirs:
                return sibling, other, theirs, ours
    return None


def _report(ctx, scope, call, root, model, path, sibling, other, theirs, ours):
    project = ctx.project
    place, related = pointer(project, sibling.function, f"`{model.name}` narrowed at the `{theirs[-1]}` level here")
    owner = f"{scope.owner.name}.{scope.function.name}" if scope.owner else scope.function.name
    helper = f"`{sibling.helper}`: " if sibling.helper else ""
    message = (f"`{owner}` narrows `{model.name}` by the user's `{ours[-1]}` (`{path}`), while "
               f"`{'.'.join(sibling.function.split('.')[-2:])}`{place} narrows it by the user's `{theirs[-1]}` "
               f"({helper}`{other}`): a member of the `{ours[-1]}` outside the `{theirs[-1]}` reaches these rows")
    fix = _fix(ctx, scope, call, root, sibling)
    if fix is None:
        return ctx.report(call, message, related=related)
    return ctx.report(call, message, related=related, fix_title=fix[0], fix_data=fix[1])


def _fix(ctx, scope, call, root, sibling):
    """`X.objects.filter(<path>=user)` -> `X.objects.<helper>(user)` when the filter holds nothing else."""
    if not sibling.helper or not sibling.method or len(call.keywords) != 1 or call.args:
        return None
    if not isinstance(call.func, ast.Attribute) or call.func.value is not root:
        return None
    text = ast.get_source_segment(ctx.text, call)
    rows = ast.get_source_segment(ctx.text, root)
    user = ast.get_source_segment(ctx.text, call.keywords[0].value)
    if not (text and rows and user):
        return None
    new = f"{rows}.{sibling.helper}({user})"
    return f"Narrow with `.{sibling.helper}({user})`, as the sibling views do", (span_tuple(ctx.span(call)), text, new)


@fixer("DJE420")
def fix(source: FixSource, finding):
    if not finding.fix_data:
        return None
    span, expected, new = finding.fix_data
    new_text = replace_checked(source, span, expected, new)
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
