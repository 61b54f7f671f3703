"""The migration graph of a project, read from the facts of its migration modules.

Django's loader builds a graph of `(app_label, name)` nodes from each `Migration` class's
`dependencies`, `replaces` and `run_before`; this module does the same statically: per app,
the migrations in the order Django would apply them to an empty database (squashed
migrations used in place of the ones they replace), their operations, and which models
exist — with their fields — before or after a given migration. Rules ask it whether a
table already existed when a migration ran; the engagement report lists it per app.

Everything here is what the source says: a dependency written as anything but a literal
tuple (or `swappable_dependency`), or operations that are not a literal list, make the
affected answers `certain=False`, and rules stay silent on them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import (
    BinOp,
    Call,
    Const,
    Ref,
    Seq,
    Value,
    string,
)
from django_expert.analyzers.facts.values import Mapping as MappingValue
from django_expert.analyzers.project.model import record

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import ClassFact
    from django_expert.analyzers.project.model import ProjectModel

MIGRATION_BASES = frozenset({"django.db.migrations.Migration", "django.db.migrations.migration.Migration"})
_OPERATION_MODULES = ("django.db.migrations", "django.contrib.postgres.operations")
_SWAPPABLE = "django.db.migrations.swappable_dependency"
_AUTH_USER_REFS = frozenset({"django.conf.settings.AUTH_USER_MODEL", "settings.AUTH_USER_MODEL"})

# The positional parameters of Django's operations, to read `AddField("order", "paid", ...)`.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": ("name",),
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AlterModelTableComment": ("name", "table_comment"),
    "AlterModelOptions": ("name", "options"),
    "AlterModelManagers": ("name", "managers"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AlterOrderWithRespectTo": ("name", "order_with_respect_to"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "AddIndex": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "AlterConstraint": ("model_name", "name", "constraint"),
    "RunPython": ("code", "reverse_code", "atomic", "hints", "elidable"),
    "RunSQL": ("sql", "reverse_sql", "state_operations", "hints", "elidable"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}

Node = tuple[str, str]  # (app_label, migration name)
_STANDARD_ATTRS = frozenset({"dependencies", "operations", "replaces", "run_before", "initial", "atomic"})


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a migration: `kind` is Django's class name ("AddField"), or "" for an
    operation the analyser does not know (a project's own, or not a call at all)."""

    kind: str
    call: Call | None
    arguments: Mapping[str, Value]

    def get(self, name: str) -> Value | None:
        return self.arguments.get(name)

    def text(self, name: str) -> str | None:
        return string(self.arguments.get(name))


@dataclass(frozen=True, slots=True)
class MigrationInfo:
    """A migration module. `dependencies` keep "__first__"/"__latest__" as written;
    `operations` is None when the list is not literal; `certain` is False when a dependency
    or `replaces` could not be read."""

    app_label: str
    name: str
    module: str
    dependencies: tuple[Node, ...]
    replaces: tuple[Node, ...]
    run_before: tuple[Node, ...]
    operations: tuple[Operation, ...] | None
    initial: bool | None
    certain: bool

    @property
    def node(self) -> Node:
        return (self.app_label, self.name)

    @property
    def key(self) -> tuple[str, str]:
        """The fact key of the `Migration` class."""
        return ("class", f"{self.module}.Migration")


@dataclass(slots=True)
class ModelState:
    """A model as the migrations leave it: where it was created, its fields (in order), its
    options; `uncertain` when an operation the analyser cannot follow touched it."""

    name: str
    created_in: Node
    fields: list[str] = field(default_factory=list)
    options: dict[str, Value] = field(default_factory=dict)
    uncertain: bool = False

    @property
    def has_table(self) -> bool | None:
        """Whether Django creates a table for it (None when unknown)."""
        if self.uncertain:
            return None
        for option in ("proxy", "managed"):
            value = self.options.get(option)
            if value is not None and not isinstance(value, Const):
                return None
        proxy = self.options.get("proxy")
        managed = self.options.get("managed")
        return not (proxy == Const(True) or managed == Const(False))


@dataclass(frozen=True, slots=True)
class History:
    """The models of one app before a migration, and whether that answer is complete."""

    models: Mapping[str, ModelState]  # by lower-cased model name
    certain: bool


class MigrationGraph:
    """Every migration module of a project, linked as Django's loader links them."""

    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.nodes: dict[Node, MigrationInfo] = {}
        self.replaced_by: dict[Node, Node] = {}
        self._labels = _app_labels(project)
        self._auth_user_app = _auth_user_app(project)
        for module, facts in project.facts.items():
            found = self._read(module, facts.class_("Migration")) if not facts.is_package else None
            if found is not None:
                self.nodes.setdefault(found.node, found)
        self.by_module = {info.module: info for info in self.nodes.values()}
        self._packages = {info.app_label: info.module.rsplit(".", 2)[0] for info in self.nodes.values()}
        for info in self.nodes.values():
            for replaced in info.replaces:
                self.replaced_by.setdefault(replaced, info.node)
        # Migrations a squashed one replaces: on an empty database Django runs the squash instead.
        self.superseded = {n for n, squash in self.replaced_by.items() if squash in self.nodes}
        self._before: dict[Node, list[Node]] = {}
        for info in self.nodes.values():
            for target in info.run_before:
                self._before.setdefault(target, []).append(info.node)
        # Migrations another one builds on (a dependency or a run_before): history, applied
        # wherever the later one is, so advice on how they run comes too late.
        self.built_upon = {self.replaced_by.get(d, d) for info in self.nodes.values() for d in info.dependencies}
        self.built_upon |= {info.node for info in self.nodes.values() if info.run_before}
        self._known_apps = {node[0] for node in self.nodes}
        self._parents: dict[Node, tuple[list[Node], bool, list[tuple[str, str]]]] = {}

    # -- reading one module

    def _read(self, module: str, fact: ClassFact | None) -> MigrationInfo | None:
        parts = module.split(".")
        if fact is None or len(parts) < 3 or parts[-2] != "migrations":
            return None
        if not any(base in MIGRATION_BASES for base in self.project.classes.mro(f"{module}.Migration")):
            return None
        package = ".".join(parts[:-2])
        label = self._labels.get(package) or _config_label(self.project, package) or parts[-3]
        certain = True
        dependencies: list[Node] = []
        for value in _items(fact.attr("dependencies")) or ():
            node = self._dependency(value)
            if node is None:
                certain = False
            else:
                dependencies.append(node)
        if _items(fact.attr("dependencies")) is None and fact.attr("dependencies") is not None:
            certain = False
        replaces = [n for n in (_node(v) for v in _items(fact.attr("replaces")) or ()) if n is not None]
        run_before = [n for n in (_node(v) for v in _items(fact.attr("run_before")) or ()) if n is not None]
        if {name for name, _value in fact.attrs} <= _STANDARD_ATTRS:
            items = _items(fact.attr("operations"))
            operations = tuple(operation(v) for v in items) if items is not None else None
        else:  # operations may name the class's own lists
            items = _items(_local(fact.attr("operations"), fact, module))
            operations = tuple(operation(_local(v, fact, module)) for v in items) if items is not None else None
        if fact.attr("operations") is None:
            operations = ()
        initial = fact.attr("initial")
        return MigrationInfo(
            app_label=label, name=parts[-1], module=module, dependencies=tuple(dependencies),
            replaces=tuple(replaces), run_before=tuple(run_before), operations=operations,
            initial=initial.value if isinstance(initial, Const) and isinstance(initial.value, bool) else None,
            certain=certain,
        )

    def _dependency(self, value: Value) -> Node | None:
        if isinstance(value, Call) and value.func == _SWAPPABLE and value.args:
            target = value.args[0]
            label = self._auth_user_app if isinstance(target, Ref) and target.name in _AUTH_USER_REFS else None
            text = string(target)
            if text and "." in text:
                label = text.rpartition(".")[0]
            return (label, "__first__") if label else None
        return _node(value)

    # -- the graph

    def get(self, app_label: str, name: str) -> MigrationInfo | None:
        return self.nodes.get((app_label, name))

    def apps(self) -> tuple[str, ...]:
        return tuple(sorted({node[0] for node in self.nodes}))

    def migrations(self, app_label: str) -> tuple[MigrationInfo, ...]:
        """The app's migrations in the order Django applies them to an empty database
        (migrations a squashed one replaces are left out)."""
        nodes = {n for n in self.nodes if n[0] == app_label and n not in self.superseded}
        return tuple(self.nodes[n] for n in self._ordered(nodes))

    def parents(self, node: Node) -> tuple[list[Node], bool]:
        """The nodes `node` depends on (squashes in place of what they replace), and whether
        every one of them could be found (nodes of apps that have no migration module in
        the project, such as Django's own, are skipped and do not count as missing)."""
        cached = self._parents.get(node)
        if cached is None:
            cached = self._parents[node] = self._find_parents(node)
        found, complete, missing = cached
        if missing:
            record(missing)  # they may appear later
        return found, complete

    def _find_parents(self, node: Node) -> tuple[list[Node], bool, list[tuple[str, str]]]:
        info = self.nodes.get(node)
        if info is None:
            return [], False, []
        found: list[Node] = []
        missing: list[tuple[str, str]] = []
        complete = info.certain
        for app_label, name in (*info.dependencies, *self._before.get(node, ())):
            if name in ("__first__", "__latest__"):
                targets = self._roots(app_label) if name == "__first__" else self._leaves(app_label)
                found += targets
                continue
            target = (app_label, name)
            squash = self.replaced_by.get(target)
            if squash is not None and squash in self.nodes and squash != node:
                target = squash
            if target in self.nodes:
                found.append(target)
            elif app_label in self._known_apps:
                missing.append(self.key_of(target))
                complete = False
        return found, complete, missing

    def key_of(self, node: Node) -> tuple[str, str]:
        """The fact key of a migration's class, for a node that may not exist (yet)."""
        package = self._packages.get(node[0], node[0])
        return ("class", f"{package}.migrations.{node[1]}.Migration")

    def _app_nodes(self, app_label: str) -> list[MigrationInfo]:
        return [i for n, i in self.nodes.items() if n[0] == app_label and n not in self.superseded]

    def _roots(self, app_label: str) -> list[Node]:
        """Django's `__first__`: the app's migration with no dependency in its own app."""
        roots = sorted(i.node for i in self._app_nodes(app_label)
                       if not any(d[0] == app_label for d in i.dependencies))
        return roots[:1]

    def _leaves(self, app_label: str) -> list[Node]:
        """Django's `__latest__`: the app's migrations no other of its migrations depends on."""
        infos = self._app_nodes(app_label)
        needed = {self.replaced_by.get(d, d) for i in infos for d in i.dependencies if d[0] == app_label}
        return sorted(i.node for i in infos if i.node not in needed)

    def ancestors(self, node: Node) -> tuple[list[Node], bool]:
        """Every migration that runs before `node` (in application order) and whether the
        walk met no unreadable or missing dependency. Records the fact keys it read."""
        seen: set[Node] = set()
        complete = True
        stack = [node]
        while stack:
            current = stack.pop()
            info = self.nodes.get(current)
            if info is not None:
                record([info.key])
            parents, ok = self.parents(current)
            complete = complete and ok
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        seen.discard(node)
        return self._ordered(seen), complete

    def _ordered(self, nodes: set[Node]) -> list[Node]:
        """`nodes` in dependency order, ties broken by name (Kahn's algorithm)."""
        children: dict[Node, list[Node]] = {n: [] for n in nodes}
        waiting: dict[Node, int] = {}
        for current in nodes:
            parents = {p for p in self.parents(current)[0] if p in nodes}
            waiting[current] = len(parents)
            for parent in parents:
                children[parent].append(current)
        ready = [n for n, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order: list[Node] = []
        while ready:
            current = heapq.heappop(ready)
            order.append(current)
            for child in children[current]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, child)
        order += sorted(nodes - set(order))  # a cycle: keep going in name order
        return order

    # -- model history

    def models_before(self, node: Node) -> History:
        """The models of `node`'s app just before it runs."""
        ancestors, certain = self.ancestors(node)
        models: dict[str, ModelState] = {}
        for ancestor in ancestors:
            info = self.nodes[ancestor]
            if info.app_label != node[0]:
                continue
            if info.operations is None:
                certain = False
                continue
            apply(models, info.operations, ancestor)
        return History(models, certain)

    def models_after(self, node: Node) -> History:
        """The models of `node`'s app once it has run."""
        history = self.models_before(node)
        info = self.nodes.get(node)
        models = dict(history.models)
        if info is None or info.operations is None:
            return History(models, False)
        apply(models, info.operations, node)
        return History(models, history.certain)


def apply(models: dict[str, ModelState], operations: Iterable[Operation], node: Node) -> None:
    """Replay the state changes of `operations` (run in migration `node`) on `models`."""
    for op in operations:
        name = (op.text("model_name") or op.text("name") or "").lower()  # field operations: `name` is the field
        state = models.get(name)
        if op.kind == "CreateModel" and name:
            fields = [string(item.items[0]) or "" for item in _items(op.get("fields")) or ()
                      if isinstance(item, Seq) and item.items]
            options = op.get("options")
            models[name] = ModelState(
                op.text("name") or name, node, fields,
                {string(k) or "": v for k, v in options.items} if isinstance(options, MappingValue) else {},
                uncertain=op.get("fields") is not None and _items(op.get("fields")) is None
                or (options is not None and not isinstance(options, MappingValue)),
            )
        elif op.kind == "DeleteModel":
            models.pop(name, None)
        elif op.kind == "RenameModel":
            old, new = (op.text("old_name") or "").lower(), op.text("new_name") or ""
            if old in models and new:
                moved = models.pop(old)
                moved.name = new
                models[new.lower()] = moved
        elif state is None:
            if op.kind == "SeparateDatabaseAndState":
                inner = [operation(v) for v in _items(op.get("state_operations")) or ()]
                apply(models, inner, node)
                for touched in inner:
                    target = (touched.text("model_name") or touched.text("name") or "").lower()
                    if target in models:
                        models[target].uncertain = True
            continue
        elif op.kind == "AddField" and op.text("name"):
            state.fields.append(op.text("name") or "")
        elif op.kind == "RemoveField" and op.text("name") in state.fields:
            state.fields.remove(op.text("name") or "")
        elif op.kind == "RenameField" and op.text("old_name") in state.fields:
            state.fields[state.fields.index(op.text("old_name") or "")] = op.text("new_name") or ""
        elif op.kind == "AlterModelOptions":
            options = op.get("options")
            if isinstance(options, MappingValue):
                kept = {k: v for k, v in state.options.items() if k in ("proxy", "managed", "abstract")}
                state.options = {**{string(k) or "": v for k, v in options.items}, **kept}
            else:
                state.uncertain = True
        elif op.kind in ("", "SeparateDatabaseAndState"):
            state.uncertain = True


def operation(value: Value) -> Operation:
    """An operation value as an Operation (positional arguments named by Django's signature)."""
    if not isinstance(value, Call) or value.receiver is not None:
        return Operation("", None, {})
    module, _, kind = value.func.rpartition(".")
    if not module.startswith(_OPERATION_MODULES):
        return Operation("", value, {})
    arguments: dict[str, Value] = dict(zip(SIGNATURES.get(kind, ()), value.args))
    arguments.update((k, v) for k, v in value.kwargs if k != "**")
    if any(k == "**" for k, _v in value.kwargs):
        return Operation("", value, arguments)
    return Operation(kind, value, arguments)


def operation_kind(func: str) -> str:
    """"AddField" for `django.db.migrations.AddField` & co., else ""."""
    module, _, kind = func.rpartition(".")
    return kind if module.startswith(_OPERATION_MODULES) else ""


def migration_graph(project: ProjectModel) -> MigrationGraph:
    """The project's migration graph, built once per ProjectModel. The app labels it uses
    come from INSTALLED_APPS, so reading it records the settings keys."""
    project.apps()
    return project.derived(MigrationGraph)


def migration_node(project: ProjectModel, module: str) -> Node | None:
    """The (app_label, name) of a migration module, or None if it is not one."""
    info = migration_graph(project).by_module.get(module)
    return info.node if info is not None else None


# -- small helpers ---------------------------------------------------------------------------


def _items(value: Value | None) -> tuple[Value, ...] | None:
    if isinstance(value, BinOp) and value.op == "+":
        left, right = _items(value.left), _items(value.right)
        return left + right if left is not None and right is not None else None
    return value.items if isinstance(value, Seq) else None


def _local(value: Value | None, fact: ClassFact, module: str, depth: int = 0) -> Value | None:
    """Names of the Migration class's own attributes replaced by their values
    (`operations = [SeparateDatabaseAndState(state_operations=state_operations)]`)."""
    if depth > 4 or value is None:
        return value
    match value:
        case Ref(name=name):
            own = fact.attr(name.removeprefix(f"{module}.")) if "." not in name.removeprefix(f"{module}.") else None
            return _local(own, fact, module, depth + 1) if own is not None else value
        case Seq(kind=kind, items=items):
            return Seq(kind, tuple(_local(i, fact, module, depth + 1) for i in items))  # type: ignore[misc]
        case BinOp(op=op, left=left, right=right):
            return BinOp(op, _local(left, fact, module, depth + 1), _local(right, fact, module, depth + 1))  # type: ignore[arg-type]
        case Call(func=func, args=args, kwargs=kwargs, receiver=None):
            return Call(func, tuple(_local(a, fact, module, depth + 1) for a in args),  # type: ignore[misc]
                        tuple((k, _local(v, fact, module, depth + 1)) for k, v in kwargs))  # type: ignore[misc]
    return value


def _node(value: Value) -> Node | None:
    if isinstance(value, Seq) and len(value.items) == 2:
        app_label, name = (string(v) for v in value.items)
        if app_label and name:
            return (app_label, name)
    return None


def _app_labels(project: ProjectModel) -> dict[str, str]:
    """App package -> label, for the installed apps."""
    return {app.name: app.label for app in project.apps()}


def _config_label(project: ProjectModel, package: str) -> str | None:
    """The label an app that INSTALLED_APPS does not list (a test app) declares in its
    `apps.py`, when exactly one AppConfig there names it."""
    facts = project.facts.get(f"{package}.apps")
    labels = set()
    for cls in facts.classes if facts is not None else ():
        name, label = string(cls.attr("name")), string(cls.attr("label"))
        if label and (name is None or name == package or name.endswith(f".{package}")):
            labels.add(label)
    return labels.pop() if len(labels) == 1 else None


def _auth_user_app(project: ProjectModel) -> str | None:
    if not project.layout.settings_module:
        return "auth"
    setting = project.settings().resolved("AUTH_USER_MODEL")
    if setting is None:
        return "auth"
    text = string(setting.value)
    return text.rpartition(".")[0] if text and "." in text else None
