"""Who may reach which object: the owner or tenant of each model, and how the project
narrows each model to the requesting user.

- `owner_path(project, model)`: the forward relations from a model to the user who owns it
  or to its tenant (`Task` -> ("project", "organization")), tenants being the configured
  `tenant-models`, else models named like one (Organization, Workspace, Team, Account,
  Tenant, Company) that some other model links to together with a user (a membership);
- `scopings(project, model)`: every place the project narrows that model by the requesting
  user, learned from the function summaries (`facts/scoping.py`): a view's `get_queryset`
  calling `Task.objects.for_user(self.request.user)`, a custom QuerySet method filtering by
  its `user` parameter, a selector `visible_documents(user)` returning the model's rows.
  A scoping helper (`for_user`, `visible_documents`) is what a quick fix can call.

The rules compare a lookup of a model with these siblings in code answering requests
(views, serializers, forms, functions given the request): a project that never scopes a
model there gives no evidence, and the rules stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.chains import QUERY_METHODS
from django_expert.analyzers.facts.values import Call, Ref, Value
from django_expert.analyzers.project import drf
from django_expert.analyzers.project.summaries import function_summary

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

TENANT_NAMES = frozenset({"organization", "organisation", "org", "workspace", "team", "account", "tenant", "company"})
MAX_PATH = 3
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
_QUERYSET_BASES = ("django.db.models.QuerySet", "django.db.models.query.QuerySet", "django.db.models.Manager",
                   "django.db.models.manager.Manager", "django.db.models.manager.BaseManager")
_VIEW_ROOTS = ("self", "self.get_queryset", "self.queryset", "self.model", "self.model.objects", "super()")


@dataclass(frozen=True, slots=True)
class Scoping:
    """One place narrowing a model by the requesting user: the function (qualified), how
    ("for_user", "filter:owner", "call:orgs.scoping.visible_documents") and the helper a
    fix can call with the user alone (a manager/QuerySet method name, or a function's
    qualified name), if it is one."""

    function: str
    how: str
    helper: str | None = None
    method: bool = True  # the helper is a method of the model's manager or QuerySet
    usage: bool = True  # False: the helper's own definition (a QuerySet method), not code using it
    view: bool = False  # in code answering requests: a view, a serializer, a function given `request`


# -- owners and tenants -------------------------------------------------------------------------


def tenant_labels(project: ProjectModel, configured: tuple[str, ...] = ()) -> frozenset[str]:
    """Labels of the tenant models: the configured ones, else those named like a tenant
    that a membership-like model links to together with the user model."""
    if configured:
        return frozenset(configured)
    return project.memo(_inferred_tenants)


def _inferred_tenants(project: ProjectModel) -> frozenset[str]:
    user = project.model("settings.AUTH_USER_MODEL")
    if user is None:
        return frozenset()
    named = {m.label for m in project.models() if m.model_name in TENANT_NAMES and m.registered}
    found = set()
    for model in project.models():
        targets = {f.related_model for f in model.fields if f.is_relation and f.related_model}
        if user.label in targets:
            found |= targets & named
        if model.label in named and any(f.many_to_many and f.related_model == user.label for f in model.fields):
            found.add(model.label)
    return frozenset(found)


def owner_path(project: ProjectModel, model: ModelInfo, configured: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The shortest chain of forward foreign keys / one-to-ones from `model` to a tenant or
    to the user model (`()` when `model` is a tenant itself); None when it has neither."""
    user = project.model("settings.AUTH_USER_MODEL")
    tenants = tenant_labels(project, configured)
    if model.label in tenants:
        return ()
    frontier: list[tuple[ModelInfo, tuple[str, ...]]] = [(model, ())]
    seen = {model.label}
    for _ in range(MAX_PATH):
        following = []
        for current, path in frontier:
            for field in current.fields:
                if not (field.many_to_one or field.one_to_one) or not field.related_model or field.auto_created:
                    continue
                if field.related_model in tenants or user is not None and field.related_model == user.label:
                    return (*path, field.name)
                target = project.model(field.related_model)
                if target is not None and target.label not in seen:
                    seen.add(target.label)
                    following.append((target, (*path, field.name)))
        frontier = following
    return None


# -- how the project narrows each model ---------------------------------------------------------


def scopings(project: ProjectModel, model: ModelInfo) -> tuple[Scoping, ...]:
    """Where the project narrows `model` by the requesting user (memoised per model)."""
    return project.memo(_all_scopings).get(model.label, ())


def _all_scopings(project: ProjectModel) -> dict[str, tuple[Scoping, ...]]:
    found: dict[str, dict[Scoping, None]] = {}
    for module, facts in sorted(project.facts.items()):
        for local, summary in facts.summaries:
            if not summary.scopes:
                continue
            view = _answers_requests(project, module, local, summary.params)
            for entry in summary.scopes:
                qualname = f"{module}.{local}"
                for label, scoping in _resolve(project, module, local, qualname, entry):
                    if view:
                        scoping = replace(scoping, view=True)
                    found.setdefault(label, {})[scoping] = None
    return {label: tuple(scopings) for label, scopings in found.items()}


_REQUEST_CLASSES = ("django.views.View", "django.views.generic.base.View", "rest_framework.views.APIView",
                    "rest_framework.serializers.BaseSerializer", "django.forms.forms.BaseForm")


def _answers_requests(project: ProjectModel, module: str, local: str, params: tuple[str, ...]) -> bool:
    """A method of a view, serializer or form, or a function given the request: the code a
    lookup is compared with (not a log-entry manager narrowing pages for an audit screen)."""
    cls = local.rpartition(".")[0]
    if cls:
        return project.is_subclass(f"{module}.{cls}", *_REQUEST_CLASSES)
    return params[:1] == ("request",)


def _resolve(project: ProjectModel, module: str, local: str, qualname: str, entry: str):
    root, _, how = entry.partition("|")
    if root == "call":
        model = _returned_model(project, how)
        if model is not None:
            yield model.label, Scoping(qualname, f"call:{how}", how, method=False)
        return
    helper = how if ":" not in how and how not in QUERY_METHODS else None
    if root in _VIEW_ROOTS or root.startswith("self."):
        cls = local.rpartition(".")[0]
        if not cls:
            return
        owner = f"{module}.{cls}"
        if project.is_subclass(owner, *_QUERYSET_BASES):
            method = local.rpartition(".")[2]  # a QuerySet/manager method narrowing by its user parameter
            for model in _models_managed_by(project, owner):
                yield model.label, Scoping(qualname, how, method, usage=False)
            return
        model = _view_model(project, owner)
        if model is not None:
            yield model.label, Scoping(qualname, how, helper)
        return
    model = manager_model(project, root)
    if model is not None:
        yield model.label, Scoping(qualname, how, helper)


def manager_model(project: ProjectModel, dotted: str) -> ModelInfo | None:
    """The model of "app.models.Task.objects" (any manager of it) or "app.models.Task"."""
    head, _, last = dotted.rpartition(".")
    if head:
        model = project.model(head)
        if model is not None and (last in _MANAGERS or last in model.managers):
            return model
    return project.model(dotted)


def value_model(project: ProjectModel, value: Value | None) -> ModelInfo | None:
    """The model whose rows a returned queryset expression holds (`Doc.objects.filter(...)...`)."""
    while isinstance(value, Call) and value.func.startswith("."):
        value = value.receiver
    if isinstance(value, Call):
        return manager_model(project, value.func.rpartition(".")[0])
    if isinstance(value, Ref):
        return manager_model(project, value.name)
    return None


def _returned_model(project: ProjectModel, function: str) -> ModelInfo | None:
    found = function_summary(project, function)
    if found is None:
        return None
    summary = found[1]
    names = dict(summary.names)
    models = set()
    for value in summary.returns:
        if isinstance(value, Ref) and value.name in names:
            value = names[value.name]
        model = value_model(project, value)
        if model is None:
            return None
        models.add(model)
    return models.pop() if len(models) == 1 else None


def _view_model(project: ProjectModel, view: str) -> ModelInfo | None:
    """The model of a view: its `queryset` attribute's, else its `model`."""
    queryset = drf.lookup(project, view, "queryset")
    if queryset.found:
        model, _ = drf.queryset_model(project, queryset.value, queryset.owner.rpartition(".")[0])
        if model is not None:
            return model
    named = drf.lookup(project, view, "model")
    if named.found and isinstance(named.value, Ref):
        return project.model(named.value.name, named.owner.rpartition(".")[0])
    return None


def _models_managed_by(project: ProjectModel, cls: str) -> list[ModelInfo]:
    """Models with a manager built from `cls` (`objects = TaskQuerySet.as_manager()`,
    `objects = TaskManager()`, `TaskManager.from_queryset(TaskQuerySet)()`)."""
    from django_expert.analyzers.project.querysets import manager_class

    target = project.classes.canonical(cls)
    found = []
    for model in project.models():
        ref = project.resolve_class(model.qualname)
        if ref is None:
            continue
        for name in model.managers:
            value = ref.fact.attr(name)
            built = manager_class(value) if value is not None else None
            if built is None and isinstance(value, Call) and isinstance(value.receiver, Call):
                inner = value.receiver  # Manager.from_queryset(QS)()
                built = next((a.name for a in inner.args if isinstance(a, Ref)), None)
            if built is not None and drf.canonical_in(project, model.module, built) == target:
                found.append(model)
                break
    return found



def user_expression(owner_kind: str | None, params: tuple[str, ...]) -> str | None:
    """How code at a lookup names the requesting user: `request.user` in a function given
    the request, `self.request.user` in a view method, the serializer context's in a serializer."""
    if "request" in params:
        return "request.user"
    if owner_kind == "view":
        return "self.request.user"
    if owner_kind == "serializer":
        return 'self.context["request"].user'
    return None
