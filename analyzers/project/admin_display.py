"""What a ModelAdmin changelist reads from each row: the `list_display` columns as
attribute chains (lookups, admin methods, functions, model properties and methods, the
`__str__` of the model and of related objects), the model the admin is registered for, and
whether the project shows an admin at all (`admin_unserved`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from django_expert.analyzers.facts.chains import attribute_chains
from django_expert.analyzers.facts.values import Call, Const, Ref, Seq, Value

_REGISTER = ("django.contrib.admin.register", "django.contrib.admin.decorators.register")
ADMIN_APP = "django.contrib.admin"


def admin_installed(project) -> bool | None:
    """Whether INSTALLED_APPS holds django.contrib.admin; None when that cannot be known:
    INSTALLED_APPS unread (no app known: DJE203 then leaves the admin's models alone too),
    set under a condition or with entries not read (plugins appended in a loop)."""
    from django_expert.analyzers.project.settings import unknown_entries

    apps = project.apps()
    if any(app.name == ADMIN_APP for app in apps):
        return True
    setting = project.settings().get("INSTALLED_APPS")
    if not apps or setting is None or not setting.certain or unknown_entries(setting.value):
        return None
    return False


def admin_unserved(project) -> bool:
    """Whether no deployment as configured shows an admin: django.contrib.admin is not
    installed, or the URL conf (read) routes admin sites only under `if`s that a fresh
    deployment skips (DefectDojo's `if settings.DJANGO_ADMIN_ENABLED:`, False with the
    environment unset). The admin rules stay silent then: no changelist is ever rendered."""
    return project.memo(_admin_unserved)


def _admin_unserved(project) -> bool:
    if admin_installed(project) is False:
        return True
    from django_expert.analyzers.navigation.urls import url_index

    index = url_index(project)
    gaps = [gap for gap in index.gaps if gap.why == "admin"]
    if not index.known or not gaps:
        return False  # no admin route seen: the URL conf may route one where it is not read
    settings = project.settings()
    for gap in gaps:
        facts = project.module_facts(gap.module)
        kind, _, number = gap.location_key.partition(":")
        if facts is None or kind != "stmt" or not number.isdigit() or int(number) >= len(facts.statements):
            return False
        statement = facts.statements[int(number)]
        if not statement.conditional or statement.guard is None or settings.holds(statement.guard) is not False:
            return False
    return True


@dataclass(frozen=True)
class DisplayRead:
    chain: tuple[str, ...]  # from one row
    entry: str  # the list_display entry
    foreign_key: bool = False  # a forward FK/O2O named as is: Django then calls select_related()


def admin_model(project, facts, cls, qualname: str):
    """The model an admin class of this module is registered for (`@admin.register(Model)`
    or `<site>.register(Model, Admin)` in the same module)."""
    models: list[Value] = []
    for decorator in cls.decorators:
        if isinstance(decorator, Call) and decorator.func in _REGISTER:
            models += decorator.args
    for call in facts.calls:
        if call.func.endswith(".register") and len(call.args) >= 2 and isinstance(call.args[1], Ref):
            if project.classes.canonical(call.args[1].name) == qualname:
                first = call.args[0]
                models += first.items if isinstance(first, Seq) else [first]
    found = {project.model(m.name, facts.module) for m in models if isinstance(m, Ref)}
    found.discard(None)
    return found.pop() if len(found) == 1 and len(models) == 1 else None


def plain_registration(project, facts, call):
    """The model of `<site>.register(Model)`: registered with Django's default ModelAdmin."""
    if not call.func.endswith(".register") or len(call.args) != 1 or call.kwargs:
        return None
    first = call.args[0]
    return project.model(first.name, facts.module) if isinstance(first, Ref) else None


def display_reads(project, flows, model, node: ast.ClassDef, qualname: str) -> list[DisplayRead] | None:
    """The chains the changelist columns read from each row, or None when `list_display`
    cannot be read (not a constant sequence)."""
    value = None
    for ancestor in project.mro(qualname):
        ref = project.resolve_class(ancestor)
        if ref is not None and ref.fact.attr("list_display") is not None:
            value = ref.fact.attr("list_display")
            break
    entries = value.items if isinstance(value, Seq) else (Const("__str__"),) if value is None else None
    if entries is None:
        return None
    reads: list[DisplayRead] = []
    for entry in entries:
        reads += _entry(project, flows, model, node, qualname, entry)
    return reads


def _entry(project, flows, model, node: ast.ClassDef, qualname: str, entry: Value) -> list[DisplayRead]:
    if isinstance(entry, Ref):
        function = function_node(flows.tree, entry.name.rpartition(".")[2]) \
            if entry.name.rpartition(".")[0] == flows.module else None
        return _function_reads(function, entry.name.rpartition(".")[2], 0)
    if not isinstance(entry, Const) or not isinstance(entry.value, str):
        return []
    name = entry.value
    if name == "__str__":
        return [DisplayRead(("__str__",), name)]
    field = model.field(name)  # Django's lookup_field(): a model field wins over everything
    if field is not None:
        if field.is_relation and field.name == name and (field.many_to_one or field.one_to_one):
            return [DisplayRead((name, "__str__"), name, foreign_key=True)]
        return []
    method = next((m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and m.name == name), None)
    if method is not None:
        return _function_reads(method, name, 1)
    for ancestor in project.mro(qualname)[1:]:
        ref = project.resolve_class(ancestor)
        if ref is not None and (ref.fact.method(name) is not None or ref.fact.attr(name) is not None):
            return []  # an admin method of a base class: its body is not known here
    return [DisplayRead(tuple(name.split("__")), name)]  # a lookup, or a model property/method


def _function_reads(function, name: str, index: int) -> list[DisplayRead]:
    if function is None:
        return []
    params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if len(params) <= index:
        return []
    return [DisplayRead(chain, name) for chain in attribute_chains(function, params[index])]


def function_node(tree: ast.Module, name: str):
    return next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name == name), None)
