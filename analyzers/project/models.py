"""The models of a project: every Django model class in the facts with its fields, relations,
managers and effective Meta, worked out the way Django's `ModelBase` and `Options` would,
without importing anything.

`build_models(project)` only finds the model classes, their app labels and Meta flags; a
model's fields, managers and Meta details are computed the first time they are read, and
the reverse relations (which need every model) the first time any are asked for. The
simulation follows Django's class creation: the import order that decides field creation
counters (so fields come in `_meta.get_fields()` order), abstract-base copying, multi-table
parent links, proxies, the implicit primary key, auto-created many-to-many through models,
swappable models and the relation tree Django derives from every registered model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import Call, Const, Env, Ref, Seq, Unknown, Value, string
from django_expert.analyzers.knowledge import fields as knowledge
from django_expert.analyzers.knowledge.bases import ALIASES
from django_expert.analyzers.knowledge.fields import FieldKind
from django_expert.analyzers.knowledge.model_stubs import with_stubs
from django_expert.analyzers.project.classes import ClassRef
from django_expert.analyzers.project.model import Recording, record

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

MODEL = "django.db.models.Model"
APP_CONFIG = "django.apps.AppConfig"
AUTH_USER_MODEL = "AUTH_USER_MODEL"
DEFAULT_USER_MODEL = "auth.User"
_AUTH_USER_REFS = frozenset({"django.conf.settings.AUTH_USER_MODEL", "settings.AUTH_USER_MODEL", AUTH_USER_MODEL})
_GET_USER_MODEL = frozenset({"django.contrib.auth.get_user_model"})
_DATE_KINDS = frozenset({"DateField", "DateTimeField", "TimeField"})
_GETTEXT = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext_lazy"})
_TRACKED = (knowledge.MANY_TO_ONE, knowledge.ONE_TO_ONE)

Key = tuple[str, ...]


# -- public answers --------------------------------------------------------------------------


@dataclass(slots=True)
class FieldInfo:
    """One field of a model as Django's `_meta.get_fields()` holds it. Shared by every
    reader: treat it as immutable (not frozen only because frozen construction costs 4x).

    `kind` is the nearest Django field class (`MoneyField(DecimalField)` -> "DecimalField");
    `internal_type` is what `get_internal_type()` returns. `defined_in` is the label of the
    model whose table holds the field (Django's `field.model`; for a field copied from an
    abstract base, the concrete child), `declared_in` the qualified name of the class whose
    body declares it; `module` + `location_key` point at that declaration in
    `project.locations_of(module)` (for auto-created fields: at the model class).
    `related_name` is stored the way Django stores it (interpolated; "+"-suffixed when
    hidden; "<name>_rel_+" for a symmetrical m2m to self); `related_query_name` is the
    field's `related_query_name()`. `inferred` marks a field class nobody indexed whose kind
    was guessed from its name (`RichTextField` -> TextField).
    """

    name: str
    attname: str
    column: str | None
    field_class: str
    kind: str
    internal_type: str | None
    options: Mapping[str, Value]
    null: bool
    blank: bool
    unique: bool
    primary_key: bool
    db_index: bool
    max_length: int | None
    has_default: bool
    is_relation: bool
    many_to_one: bool
    one_to_one: bool
    many_to_many: bool
    one_to_many: bool
    private: bool
    concrete: bool
    auto_created: bool
    related_model: str | None
    related_qualname: str | None
    related_name: str | None
    related_query_name: str | None
    reverse_accessor: str | None
    on_delete: str | None
    to_field: str | None
    through: str | None
    through_auto_created: bool | None
    symmetrical: bool | None
    parent_link: bool
    defined_in: str
    declared_in: str
    module: str
    location_key: str
    inferred: bool = False

    def option(self, name: str) -> Value | None:
        return self.options.get(name)

    @property
    def hidden(self) -> bool:
        """The reverse side is hidden (`related_name` ends with "+")."""
        return bool(self.related_name) and self.related_name.endswith("+")  # type: ignore[union-attr]


@dataclass(slots=True)
class ReverseRelation:
    """A relation pointing at a model, as Django's `ForeignObjectRel` (treat as immutable).

    `name` is the query name (`Category.objects.filter(product__name=...)`), `accessor` the
    attribute on instances (`category.product_set`; None for a symmetrical m2m to self),
    `related_model` the label of the model declaring the forward `field`, `target` the label
    the forward field points to (a proxy's label when it points at a proxy). `forward` is the
    forward field (None for the foreign keys of auto-created through models).
    """

    name: str
    accessor: str | None
    related_model: str
    field: str
    target: str
    rel_class: str
    related_name: str | None
    related_query_name: str | None
    many_to_many: bool
    one_to_one: bool
    one_to_many: bool
    hidden: bool
    parent_link: bool = False
    through_auto_created: bool = False
    forward: FieldInfo | None = field(default=None, compare=False, repr=False)


def _detail(name: str, doc: str) -> property:
    def read(self: ModelInfo):
        details = self._details
        record(details.keys)
        return getattr(details, name)

    return property(read, doc=doc)


class ModelInfo:
    """A Django model class (abstract ones included).

    Known at once: `label` ("app_label.ModelName"), `app_label`, `name`, `model_name`,
    `qualname`, `module`, `abstract`, `proxy`, `installed` (False for a model outside
    INSTALLED_APPS: Django would not register it) and `swapped` (the setting value it is
    swapped for, `auth.User` when AUTH_USER_MODEL points elsewhere; else None).

    Computed on first read (each read records the model's `keys`): `fields` in
    `_meta.get_fields()` order, `pk`, `proxy_for`, `concrete_model`, `concrete_parents`
    (direct multi-table parents), `ancestors` (all concrete ancestors, Django's
    `get_parent_list()`), `abstract_bases` (abstract model classes of the MRO, nearest
    first), `managers` and `default_manager`, `meta` (the effective Meta attributes),
    `ordering`, `db_table`, `unique_together`, `verbose_name(_plural)` (None when not a
    constant), `has_str` (None when an ancestor the analyser cannot see may define it) and
    `keys`, the fact keys all this was derived from. `reverse_relations()` reads every
    class and records ("classes",) and ("relations",).
    """

    def __init__(self, index: ModelsIndex, head: _Head) -> None:
        self._index = index
        self._head = head
        self.label: str = head.label
        self.app_label: str = head.app_label
        self.name: str = head.name
        self.model_name: str = head.name.lower()
        self.qualname: str = head.qualname
        self.module: str = head.ref.module
        self.abstract: bool = head.abstract
        self.proxy: bool = head.proxy
        self.installed: bool = head.installed
        self.swapped: str | None = head.swapped

    def __repr__(self) -> str:
        return f"<ModelInfo {self.label} ({self.qualname})>"

    @cached_property
    def _details(self) -> _Details:
        return self._index._builder.details(self._head)

    fields: tuple[FieldInfo, ...] = _detail("fields", "Fields in `_meta.get_fields()` order, parents' first.")
    pk: str | None = _detail("pk", "The primary key's field name.")
    proxy_for: str | None = _detail("proxy_for", "Label of the model a proxy proxies.")
    concrete_model: str | None = _detail("concrete_model", "Label of the concrete model (None when abstract).")
    concrete_parents: tuple[str, ...] = _detail("concrete_parents", "Direct multi-table parents.")
    ancestors: tuple[str, ...] = _detail("ancestors", "All concrete ancestors, nearest first.")
    abstract_bases: tuple[str, ...] = _detail("abstract_bases", "Qualified names of the abstract bases.")
    managers: tuple[str, ...] = _detail("managers", "Manager names, inherited ones included.")
    default_manager: str | None = _detail("default_manager", "Name of `_meta.default_manager`.")
    meta: Mapping[str, Value] = _detail("meta", "The effective Meta attributes.")
    ordering: tuple[str, ...] | None = _detail("ordering", "Meta.ordering (inherited), None when unknown.")
    db_table: str | None = _detail("db_table", "The table name.")
    unique_together: tuple[tuple[str, ...], ...] | None = _detail("unique_together", "Normalised groups.")
    verbose_name: str | None = _detail("verbose_name", "Meta.verbose_name or Django's default.")
    verbose_name_plural: str | None = _detail("verbose_name_plural", "Meta.verbose_name_plural or default.")
    has_str: bool | None = _detail("has_str", "Defines `__str__` (itself or through a base).")
    keys: frozenset[Key] = _detail("keys", "The fact keys the details were derived from.")

    @property
    def registered(self) -> bool:
        """Listed by Django's `apps.get_models()`: installed, not abstract, not swapped."""
        return not self.abstract and self.installed and self.swapped is None

    def field(self, name: str) -> FieldInfo | None:
        """A forward field by name or attname (`customer` or `customer_id`)."""
        fields = self.fields
        for candidate in fields:
            if candidate.name == name:
                return candidate
        return next((f for f in fields if f.attname == name), None)

    @property
    def local_fields(self) -> tuple[FieldInfo, ...]:
        """Fields this model's own table holds (Django's local fields, m2m and private fields)."""
        return tuple(f for f in self.fields if f.defined_in == self.label)

    @property
    def declared_fields(self) -> tuple[FieldInfo, ...]:
        """Fields declared in this class's own body."""
        return tuple(f for f in self.fields if f.declared_in == self.qualname and not f.auto_created)

    def reverse_relations(self) -> tuple[ReverseRelation, ...]:
        """Relations from every registered model to this one, in Django's order, hidden ones
        included (`hidden`), those inherited from multi-table parents first."""
        record([("classes",), ("relations",), *self._index._builder.env.keys])
        return self._index.reverse_relations_of(self)

    def reverse_relation(self, name: str) -> ReverseRelation | None:
        """A reverse relation by query name or accessor (`product` or `product_set`)."""
        relations = self.reverse_relations()
        return next((r for r in relations if r.name == name), None) or next(
            (r for r in relations if r.accessor == name), None)


class ModelsIndex:
    """Every model class of a project's facts, by label and qualified name."""

    def __init__(self, builder: _Builder) -> None:
        self._builder = builder
        self.all: tuple[ModelInfo, ...] = tuple(ModelInfo(self, head) for head in builder.heads.values())
        self._by_qualname = {info.qualname: info for info in self.all}
        self._by_label: dict[tuple[str, str], ModelInfo] = {}
        for info in self.all:
            key = (info.app_label, info.model_name)
            known = self._by_label.get(key)
            if known is None or _preference(info) > _preference(known):
                self._by_label[key] = info
        self._reverse: dict[str, tuple[ReverseRelation, ...]] | None = None

    def by_qualname(self, qualname: str) -> ModelInfo | None:
        found = self._by_qualname.get(qualname)
        return found if found is not None else self._by_qualname.get(self._builder.classes.canonical(qualname))

    def by_label(self, label: str) -> ModelInfo | None:
        """By "app_label.ModelName"; the model name is case-insensitive, as in Django."""
        app_label, dot, name = label.rpartition(".")
        return self._by_label.get((app_label, name.lower())) if dot else None

    def registered(self) -> tuple[ModelInfo, ...]:
        """The models `apps.get_models()` lists, in its order (auto-created through models aside)."""
        with self._builder.lock:
            return tuple(self._by_qualname[head.qualname] for head in self._builder.registration_order())

    def lookup(self, project: ProjectModel, name: str, from_module: str | None = None) -> ModelInfo | None:
        """A model by label ("shop.Order", model name case-insensitive), qualified name (through
        re-exports), a name as written in `from_module` ("Order", "models.Order"), or
        `settings.AUTH_USER_MODEL`. Records what it read besides the answer's own keys."""
        name = name.strip()
        if not name or name == "self":
            return None
        if name in _AUTH_USER_REFS:
            record(self._builder.env.keys)
            return self.by_label(self._builder.env.auth_user_model)
        if from_module:
            record([("module", from_module)])
            found = self._from_module(project, name, from_module)
            if found is not None:
                return found
        found = self.by_label(name) if name.count(".") == 1 else None
        if found is None and "." in name:
            found = self.by_qualname(name)
        if found is None and "." not in name and from_module:
            found = self.by_label(f"{self._builder.app_label_of(from_module)}.{name}")
        if found is None and ("." in name or from_module):
            found = self._getter_alias(project, name if "." in name and not from_module else f"{from_module}.{name}")
        if found is None:
            record([("classes",)])  # a class added anywhere could answer next time
        return found

    def _getter_alias(self, project: ProjectModel, qualname: str) -> ModelInfo | None:
        """A module-level `User = get_user_model()` or `Task = apps.get_model("app", "Task")`."""
        module, _, attr = qualname.rpartition(".")
        facts = project.facts.get(module)
        if facts is None:
            return None
        record([("module", module)])
        for statement in reversed(facts.statements):
            if statement.kind != "assign" or statement.name != attr or statement.path:
                continue
            value = statement.value
            if isinstance(value, Call) and value.func in _GET_USER_MODEL:
                record(self._builder.env.keys)
                return self.by_label(self._builder.env.auth_user_model)
            if isinstance(value, Call) and value.func == "django.apps.apps.get_model":
                names = [a.value for a in value.args if isinstance(a, Const) and isinstance(a.value, str)]
                label = ".".join(names) if len(names) == len(value.args) and len(names) in (1, 2) else ""
                return self.by_label(label) if label.count(".") == 1 else None
            return None
        return None

    def _from_module(self, project: ProjectModel, name: str, from_module: str) -> ModelInfo | None:
        first, _, rest = name.partition(".")
        candidates = [f"{from_module}.{name}"]
        facts = project.facts.get(from_module)
        for imported in facts.imports if facts is not None else ():
            if imported.local == first:
                candidates.append(f"{imported.target}.{rest}" if rest else imported.target)
        for candidate in candidates:
            ref = project.classes.resolve(candidate)
            if ref is not None and ref.qualname in self._by_qualname:
                return self._by_qualname[ref.qualname]
        return None

    def resolve_reference(self, value: Value, model: ModelInfo) -> ModelInfo | None:
        """The model a relation target (`"self"`, `"app.Model"`, `"Model"`, a class Ref,
        `settings.AUTH_USER_MODEL`) denotes when written in `model`'s body."""
        with self._builder.lock:
            target, _label, keys = self._builder.resolve_target(value, model._head)
        record(keys)
        return self._by_qualname.get(target) if target else None

    def reverse_relations_of(self, info: ModelInfo) -> tuple[ReverseRelation, ...]:
        if self._reverse is None:
            with self._builder.lock:
                if self._reverse is None:
                    self._reverse = self._builder.reverse_relations()
        return self._reverse.get(info.qualname, ())


def _preference(info: ModelInfo) -> tuple[bool, bool, bool]:
    return (info.installed, info.swapped is None, not info.abstract)


def build_models(project: ProjectModel) -> ModelsIndex:
    """Every model class of the project's facts (indexed library modules included)."""
    with Recording():  # answers carry their keys; building must not leak into a rule's record
        builder = _Builder(project)
        builder.discover()
        return ModelsIndex(builder)


# -- the simulation's state ------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Decl:
    """A field as written in one class body."""

    name: str
    kind: FieldKind
    field_class: str
    internal_type: str | None
    inferred: bool
    options: dict[str, Value]
    declarer: ClassRef
    counter: tuple


@dataclass(slots=True, eq=False)
class _Inst:
    """A field as it belongs to one model class (Django's Field instance after contribute)."""

    name: str
    owner: str  # qualname of the model class whose _meta holds it
    counter: tuple  # creation order: auto-created fields first, then by import order
    decl: _Decl | None = None
    auto: str = ""  # "id" | "ptr" | "order" for the fields Django creates
    target: str = ""  # ptr: the parent's qualname

    @property
    def kind(self) -> FieldKind:
        if self.decl is not None:
            return self.decl.kind
        return knowledge.FIELD_KINDS["OneToOneField" if self.auto == "ptr" else "OrderWrt"]


@dataclass(slots=True, eq=False)
class _Head:
    """A model class before its fields: names, Meta and app."""

    ref: ClassRef
    index: int  # position among its module's classes
    chain: tuple[str, ...] = ()  # the C3 MRO
    meta: dict[str, Value] = field(default_factory=dict)  # the Meta Options reads
    abstract: bool = False
    proxy: bool = False
    app_label: str = ""
    installed: bool = True
    swapped: str | None = None

    @property
    def qualname(self) -> str:
        return self.ref.qualname

    @property
    def name(self) -> str:
        return self.ref.fact.name

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.ref.fact.name}"


@dataclass(slots=True, eq=False)
class _Sim:
    """A model class as ModelBase leaves it."""

    head: _Head
    concrete: str  # qualname of the concrete model
    proxy_for: str | None = None
    local: list[_Inst] = field(default_factory=list)
    m2m: list[_Inst] = field(default_factory=list)
    private: list[_Inst] = field(default_factory=list)
    contributed_m2m: list[_Inst] = field(default_factory=list)  # m2m in contribute order
    parents: dict[str, _Inst | None] = field(default_factory=dict)  # concrete parent -> link
    pk: _Inst | None = None
    managers: list[tuple[str, tuple]] | None = None  # local (name, counter); None: not decided


@dataclass(frozen=True, slots=True)
class _Details:
    fields: tuple[FieldInfo, ...]
    pk: str | None
    proxy_for: str | None
    concrete_model: str | None
    concrete_parents: tuple[str, ...]
    ancestors: tuple[str, ...]
    abstract_bases: tuple[str, ...]
    managers: tuple[str, ...]
    default_manager: str | None
    meta: Mapping[str, Value]
    ordering: tuple[str, ...] | None
    db_table: str | None
    unique_together: tuple[tuple[str, ...], ...] | None
    verbose_name: str | None
    verbose_name_plural: str | None
    has_str: bool | None
    keys: frozenset[Key]


@dataclass(slots=True, eq=False)
class _Rel:
    info: ReverseRelation
    target: str  # qualname of the model the forward field points to (Django's rel.model)


class _Env:
    """What the models need from settings and INSTALLED_APPS; Django's defaults without a
    settings module."""

    def __init__(self, project: ProjectModel) -> None:
        self.apps: tuple[tuple[str, str, str | None, str | None], ...] | None = None  # label, name, config, auto
        self.auth_user_model = DEFAULT_USER_MODEL
        self.default_auto_field = knowledge.DEFAULT_AUTO_FIELD
        self.keys: frozenset[Key] = frozenset()
        self._settings = None
        if not project.layout.settings_module:
            return
        self._settings = project.settings()
        self.keys = frozenset(self._settings.keys)
        # INSTALLED_APPS that cannot be read (built dynamically) count as unknown, not empty.
        self.apps = tuple((a.label, a.name, a.config_class, a.default_auto_field) for a in project.apps()) or None
        self.auth_user_model = self.setting_string(AUTH_USER_MODEL) or DEFAULT_USER_MODEL
        self.default_auto_field = self.setting_string("DEFAULT_AUTO_FIELD") or knowledge.DEFAULT_AUTO_FIELD

    def setting_string(self, name: str) -> str | None:
        """A string setting (environment reads resolved through `.env` and defaults)."""
        if self._settings is None:
            return None
        setting = self._settings.resolved(name)
        value = setting.value if setting is not None else None
        if isinstance(value, Env):
            value = value.default
        return string(value)


# -- the builder -----------------------------------------------------------------------------


class _Builder:
    """Simulates Django's model class creation over the facts, lazily and memoised. The
    public answers take `lock` (rules may run in threads)."""

    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.classes = project.classes
        self.facts = with_stubs(project.facts)  # third-party abstract bases known by their stubs
        self.env = _Env(project)
        self.lock = threading.RLock()
        self.heads: dict[str, _Head] = {}
        self._label_table: dict[tuple[str, str], _Head] = {}
        # The apps the packages show, by the package that holds them (a template's AppConfig
        # may name itself `home`). Without readable INSTALLED_APPS they give the labels (and
        # AppConfig options); with them, those not listed keep their models unregistered.
        inferred = project.inferred_apps()
        installed = self.env.apps
        self._apps_by_label = {app[0]: app for app in installed or (
            (a.label, a.name, a.config_class, a.default_auto_field) for a in inferred)}
        # app module -> label (the first of two apps of one module wins, as the scan did)
        self._installed_by_name: dict[str, str] = {}
        for app in installed or ():
            self._installed_by_name.setdefault(app[1], app[0])
        self._inferred_by_name: dict[str, str] = {}
        for app in inferred if installed is None else ():
            self._inferred_by_name.setdefault(app.entry, app.label)
        self._nested_apps: dict[str, str] = {} if installed is None else {
            app.entry: app.label for app in inferred
            if app.entry not in self._installed_by_name and app.name not in self._installed_by_name
            and (app.config_class is not None or f"{app.entry}.migrations" in project.facts)}
        self._app_of_module: dict[str, str | None] = {}
        self._maybe_model_base: dict[str, bool] = {}
        self._c3: dict[str, tuple[str, ...]] = {}
        self._ranks: dict[str, int] | None = None
        self._kinds: dict[str, tuple[FieldKind, str, str | None, bool] | None] = {}
        self._manager_calls: dict[str, bool] = {}
        self._decls: dict[str, tuple[dict[str, _Decl], list[tuple[str, tuple]], set[str]]] = {}
        self._sims: dict[str, _Sim] = {}
        self._in_progress: set[str] = set()
        self._infos: dict[int, tuple[FieldInfo, frozenset[Key]]] = {}
        self._registration: list[_Head] | None = None

    # -- discovery: which classes are models, their labels and Meta flags

    def discover(self) -> None:
        classes = self.classes
        for module, facts in self.facts.items():
            for index, fact in enumerate(facts.classes):
                if not fact.bases or not any(self._may_be_model_base(b) for b in fact.bases):
                    continue
                qualname = f"{module}.{fact.name}"
                chain = classes.mro(qualname)
                if chain[0] != qualname or MODEL not in chain:
                    continue
                ref = classes.resolve(qualname)
                if ref is not None and ref.fact is fact:  # of two same-named classes Python keeps one
                    self.heads[qualname] = _Head(ref, index)
        for head in self.heads.values():
            self._fill_head(head)
        for head in self.heads.values():
            key = (head.app_label, head.name.lower())
            known = self._label_table.get(key)
            if known is None or (head.installed, not head.abstract) > (known.installed, not known.abstract):
                self._label_table[key] = head

    def _may_be_model_base(self, base: str) -> bool:
        """False for a base that cannot lead to Model: a class of a module nobody indexed
        (views, serializers, admin, tests, migrations) other than Model itself."""
        answer = self._maybe_model_base.get(base)
        if answer is None:
            module = base.rpartition(".")[0]
            answer = not module or module in self.facts or ALIASES.get(base, base) == MODEL
            self._maybe_model_base[base] = answer
        return answer

    def _fill_head(self, head: _Head) -> None:
        own = head.ref.fact.meta is not None
        if own:
            head.meta = self._meta_attrs(head.ref)
        else:
            head.chain = self.c3(head.qualname)
            for ancestor in head.chain[1:]:  # Python finds `Meta` on the nearest class that has one
                ref = self.classes.resolve(ancestor)
                if ref is None or ref.fact.meta is None:
                    continue
                if ancestor in self.heads and not self._is_abstract(ref):
                    continue  # ModelBase consumes a concrete model's Meta
                head.meta = self._meta_attrs(ref, reset_abstract=ancestor in self.heads)
                break
        explicit = string(head.meta.get("app_label"))
        if explicit:
            head.app_label = explicit
            head.installed = self.env.apps is None or explicit in self._apps_by_label
        else:
            found = self._app_for_module(head.ref.module)
            # Without INSTALLED_APPS every model counts; with them, Django refuses the others.
            head.app_label = found or self._inferred_label(head.ref.module) or \
                _app_package(head.ref.module, self.facts).rpartition(".")[2]
            head.installed = self.env.apps is None or found is not None and not self._in_other_app(head.ref.module)
        head.abstract = own and self._meta_flag(head.meta.get("abstract"), head, when_installed=False)
        head.proxy = not head.abstract and self._meta_flag(head.meta.get("proxy"), head, when_installed=True)
        swappable = string(head.meta.get("swappable")) if not head.abstract else None
        if swappable:
            value = self.env.setting_string(swappable) if swappable != AUTH_USER_MODEL else self.env.auth_user_model
            if value:
                app_label, _, model_name = value.rpartition(".")
                if (app_label, model_name.lower()) != (head.app_label, head.name.lower()):
                    head.swapped = value

    def _meta_flag(self, value: Value | None, head: _Head, when_installed: bool) -> bool:
        """A boolean Meta option. One the analyser cannot evaluate is read as the idiom it is
        in practice (DRF's authtoken: `abstract = "rest_framework.authtoken" not in
        settings.INSTALLED_APPS`): it follows whether the model's own package is installed."""
        if isinstance(value, Unknown) and self.env.apps is not None:
            package = _app_package(head.ref.module, self.facts)
            installed = any(app[1] == package for app in self.env.apps)
            return installed if when_installed else not installed
        return _truthy(value)

    def _app_for_module(self, module: str) -> str | None:
        """The label of the installed app whose package holds `module` (longest match)."""
        if module not in self._app_of_module:
            self._app_of_module[module] = _longest_prefix(module, self._installed_by_name)
        return self._app_of_module[module]

    def _in_other_app(self, module: str) -> bool:
        """Whether `module` lies in an app of its own (a package with an AppConfig or
        migrations) nested in the installed app its name falls under, and not installed
        itself: `wagtail.test.basepage` under `wagtail`. Nothing imports an app that is not
        installed, so its models are never registered."""
        installed = _longest_prefix_name(module, self._installed_by_name)
        own = _longest_prefix_name(module, self._nested_apps)
        return own is not None and installed is not None and len(own) > len(installed)

    def app_label_of(self, module: str) -> str:
        return self._app_for_module(module) or self._inferred_label(module) or \
            _app_package(module, self.facts).rpartition(".")[2]

    def _inferred_label(self, module: str) -> str | None:
        """The label of the inferred app holding `module` (longest match), when INSTALLED_APPS
        is not known."""
        return _longest_prefix(module, self._inferred_by_name)

    def _meta_attrs(self, ref: ClassRef, reset_abstract: bool = False, depth: int = 0) -> dict[str, Value]:
        """The attributes a class's `Meta` exposes: its own, then its bases' (`Meta(Base.Meta)`)."""
        items: dict[str, Value] = {}
        for base in reversed(ref.fact.meta_bases if depth < 8 else ()):
            owner_name, _, attr = base.rpartition(".")
            owner = self.classes.resolve(owner_name) if attr == "Meta" else None
            if owner is not None and owner.fact.meta is not None:
                items.update(self._meta_attrs(owner, owner.qualname in self.heads, depth + 1))
                continue
            plain = self.classes.resolve(base)
            if plain is not None:
                items.update(plain.fact.attrs)
        items.update(ref.fact.meta or ())
        if reset_abstract and self._is_abstract(ref):
            items["abstract"] = Const(False)  # ModelBase sets Meta.abstract = False on abstract models
        return items

    def _is_abstract(self, ref: ClassRef) -> bool:
        head = self.heads.get(ref.qualname)
        if head is not None and (head.meta or head.chain):
            return head.abstract
        return ref.fact.meta is not None and _truthy(self._meta_attrs(ref).get("abstract"))

    # -- class hierarchy and import order

    def c3(self, qualname: str) -> tuple[str, ...]:
        """The C3 linearisation Python computes (the index's order if the bases conflict)."""
        if qualname in self._c3:
            return self._c3[qualname]
        self._c3[qualname] = (qualname,)  # a class inheriting from itself ends here
        bases = [b for b in self.classes.bases(qualname) if b != qualname]
        sequences = [list(self.c3(b)) for b in bases] + [bases]
        order = [qualname]
        while sequences := [s for s in sequences if s]:
            candidate = next((s[0] for s in sequences if not any(s[0] in other[1:] for other in sequences)), None)
            if candidate is None:
                order = list(self.classes.mro(qualname))
                break
            order.append(candidate)
            for sequence in sequences:
                if sequence[0] == candidate:
                    del sequence[0]
        self._c3[qualname] = tuple(order)
        return self._c3[qualname]

    def chain(self, head: _Head) -> tuple[str, ...]:
        if not head.chain:
            head.chain = self.c3(head.qualname)
        return head.chain

    @property
    def ranks(self) -> dict[str, int]:
        """Modules in the order Python first finishes importing them when Django starts:
        INSTALLED_APPS' packages and `apps` modules, then their `models`, each after its own
        imports. Field creation counters, and so field order, follow it."""
        if self._ranks is None:
            self._ranks = {}
            roots: list[str] = []
            for _label, name, config, _auto in self.env.apps or ():
                roots += [name, f"{name}.apps", (config or "").rpartition(".")[0]]
            roots += [f"{app[1]}.models" for app in self.env.apps or ()]
            roots += sorted(self.facts)
            seen: set[str] = set()
            for root in roots:
                if root in self.facts and root not in seen:
                    self._import(root, seen)
        return self._ranks

    def _import(self, root: str, seen: set[str]) -> None:
        seen.add(root)
        stack = [(root, iter(self._dependencies(root)))]
        while stack:
            module, pending = stack[-1]
            for dependency in pending:
                if dependency not in seen:
                    seen.add(dependency)
                    stack.append((dependency, iter(self._dependencies(dependency))))
                    break
            else:
                stack.pop()
                self._ranks[module] = len(self._ranks)  # type: ignore[index]

    def _dependencies(self, module: str) -> Iterable[str]:
        facts = self.facts
        parts = module.split(".")
        for end in range(1, len(parts)):  # parent packages are imported first
            parent = ".".join(parts[:end])
            if parent in facts:
                yield parent
        for imported in facts[module].imports:
            target = imported.target
            if target in facts:
                yield target
            elif imported.local != "*" and (parent := target.rpartition(".")[0]) in facts:
                yield parent

    def _creation_key(self, head: _Head) -> tuple[int, int]:
        return (self.ranks.get(head.ref.module, len(self.ranks)), head.index)

    # -- field and manager declarations of one class body

    def declarations(self, ref: ClassRef) -> tuple[dict[str, _Decl], list[tuple[str, tuple]], set[str]]:
        """Fields (by name, body order), managers and every name the class body binds."""
        found = self._decls.get(ref.qualname)
        if found is not None:
            return found
        fact = ref.fact
        latest: dict[str, tuple[int, Value]] = {}
        for position, (name, value) in enumerate(fact.attrs):
            latest[name] = (position, value)  # the last assignment wins, at its first position
        rank = self.ranks.get(ref.module, len(self.ranks))
        head = self.heads.get(ref.qualname)
        index = head.index if head is not None else self._class_index(ref)
        fields: dict[str, _Decl] = {}
        managers: list[tuple[str, tuple]] = []
        for name, (position, value) in latest.items():
            if not isinstance(value, Call) or value.receiver is not None or not value.func:
                continue
            counter = (1, rank, index, position)
            func = self._qualify_bare(value.func, ref.module)
            kind = self.kind_of(func)
            if kind is not None:
                field_kind, field_class, internal, inferred = kind
                fields[name] = _Decl(name, field_kind, field_class, internal, inferred,
                                     _options(value, field_kind), ref, counter)
            elif self.is_manager(func):
                managers.append((name, counter))
        names = set(latest) | {m.name for m in fact.methods}
        self._decls[ref.qualname] = (fields, managers, names)
        return self._decls[ref.qualname]

    def _qualify_bare(self, name: str, module: str) -> str:
        """A name the extractor left unqualified: a module-level assignment
        (`AliveManager = Manager.from_queryset(...)`) or one bound by `from x import *`."""
        if "." in name:
            return name
        facts = self.facts.get(module)
        if facts is None:
            return name
        if any(s.kind == "assign" and s.name == name for s in facts.statements):
            return f"{module}.{name}"
        for imported in facts.imports:
            if imported.local == "*":
                candidate = f"{imported.target}.{name}"
                if self.classes.resolve(candidate) is not None or knowledge.field_kind(candidate) is not None:
                    return self.classes.canonical(candidate)
        return name

    def _class_index(self, ref: ClassRef) -> int:
        facts = self.facts.get(ref.module)
        return next((i for i, c in enumerate(facts.classes) if c is ref.fact), 0) if facts else 0

    def kind_of(self, func: str) -> tuple[FieldKind, str, str | None, bool] | None:
        """The Django field a callee denotes: (kind, resolved class, internal type, guessed)."""
        if func in self._kinds:
            return self._kinds[func]
        chain = self.classes.mro(func)
        field_class = chain[0]
        own_name = field_class.rpartition(".")[2]
        internal: str | None = None
        answer = None
        for name in chain:
            kind = knowledge.field_kind(name)
            if kind is None and self.classes.resolve(name) is None and not name.startswith("django."):
                kind = knowledge.guess_field_kind(name.rpartition(".")[2])  # a class nobody indexed
                guessed = kind is not None
            else:
                guessed = False
            if kind is not None:
                if internal is None:
                    internal = own_name if kind.named_by_class else kind.internal_type
                answer = (kind, field_class, internal, guessed)
                break
            ref = self.classes.resolve(name)
            method = ref.fact.method("get_internal_type") if ref is not None else None
            if method is not None and internal is None:
                internal = string(method.returns)
        self._kinds[func] = answer
        return answer

    def is_manager(self, func: str) -> bool:
        answer = self._manager_calls.get(func)
        if answer is None:
            answer = func.endswith(".as_manager") or any(
                name in knowledge.MANAGER_CLASSES for name in self.classes.mro(func))
            if not answer:  # `AliveManager = Manager.from_queryset(AliveQuerySet)`
                module, _, name = func.rpartition(".")
                facts = self.facts.get(module)
                for statement in facts.statements if facts is not None else ():
                    if statement.kind == "assign" and statement.name == name and not statement.path:
                        answer = isinstance(statement.value, Call) and statement.value.func.endswith(".from_queryset")
            self._manager_calls[func] = answer
        return answer

    # -- relation targets

    def resolve_target(self, value: Value | None, scope: _Head) -> tuple[str | None, str | None, frozenset[Key]]:
        """(qualname, label, keys) of the model a relation target denotes, resolved the way
        Django's `resolve_relation` does against the model that holds the field. The answer
        depends on which classes exist and are models ("classes"), not on the target's body."""
        keys: set[Key] = {("classes",)}
        match value:
            case Const(value=str() as text):
                if text == "self":
                    return scope.qualname, scope.label, frozenset()
                label = text if "." in text else f"{scope.app_label}.{text}"
            case Ref(name=name) if name in _AUTH_USER_REFS:
                label = self.env.auth_user_model
                keys |= self.env.keys
            case Call(func=func) if func in _GET_USER_MODEL:
                label = self.env.auth_user_model
                keys |= self.env.keys
            case Ref(name=name):
                canonical = self.classes.canonical(name)
                head = self.heads.get(canonical)
                if head is not None:
                    return canonical, head.label, frozenset(keys)
                constant = self._module_constant(name)  # `USER_MODEL = "accounts.User"`
                if constant is None:
                    return None, None, frozenset(keys)
                keys.add(("module", name.rpartition(".")[0]))
                label = constant if "." in constant else f"{scope.app_label}.{constant}"
            case _:
                return None, None, frozenset()
        app_label, _, model_name = label.rpartition(".")
        head = self._label_table.get((app_label, model_name.lower()))
        return (head.qualname, head.label, frozenset(keys)) if head is not None else (None, label, frozenset(keys))

    def _module_constant(self, name: str) -> str | None:
        module, _, attr = name.rpartition(".")
        facts = self.facts.get(module)
        found = None
        for statement in facts.statements if facts is not None else ():
            if statement.kind == "assign" and statement.name == attr and not statement.path:
                found = string(statement.value)
        return found

    # -- ModelBase.__new__ and Options._prepare

    def sim(self, qualname: str) -> _Sim | None:
        found = self._sims.get(qualname)
        if found is not None:
            return found
        head = self.heads.get(qualname)
        if head is None or qualname in self._in_progress:
            return None
        self._in_progress.add(qualname)
        try:
            sim = self._simulate(head)
        finally:
            self._in_progress.discard(qualname)
        self._sims[qualname] = sim
        return sim

    def _simulate(self, head: _Head) -> _Sim:
        qualname = head.qualname
        fields, _managers, _names = self.declarations(head.ref)
        direct = [b for b in self.classes.bases(qualname) if b in self.heads and b != qualname]
        parents = {b: s for b in direct if (s := self.sim(b)) is not None}
        sim = _Sim(head, concrete=qualname)
        if head.proxy:
            first = next((p for p in parents.values() if not p.head.abstract), None)
            if first is not None:
                sim.proxy_for, sim.concrete = first.head.qualname, first.concrete
        present: set[str] = set()
        for name, decl in fields.items():  # own fields, contributed in body order
            self._add(sim, _Inst(name, qualname, decl.counter, decl))
            present.add(name)
        declared = set(present)
        links = self._parent_links(sim, parents)
        inherited: set[str] = set()
        autos = 0
        for base in self.chain(head):
            parent = parents.get(base)
            if parent is None:
                inherited |= self._dict_names(base)
                continue
            if not parent.head.abstract:
                inherited |= {i.name for i in parent.local + parent.m2m}
                link: _Inst | None = None
                if parent.concrete in links:
                    link = next((i for i in sim.local if i.name == links[parent.concrete]), None)
                elif not head.proxy:
                    ptr = f"{self.heads[parent.concrete].name.lower()}_ptr"
                    link = next((i for i in sim.local if i.name == ptr), None)
                    if link is None:
                        autos += 1  # auto-created fields count down: later ones sort first
                        link = _Inst(ptr, qualname, (0, -autos), auto="ptr", target=parent.concrete)
                        self._add(sim, link)
                        present.add(ptr)
                sim.parents[parent.concrete] = link
            else:
                base_parents = dict(parent.parents)
                for inst in parent.local + parent.m2m:
                    if inst.name in declared or inst.name in present or inst.name in inherited:
                        continue
                    copy = _Inst(inst.name, qualname, inst.counter, inst.decl, inst.auto, inst.target)
                    self._add(sim, copy)
                    present.add(inst.name)
                    for key, value in base_parents.items():
                        if value is inst:
                            base_parents[key] = copy
                sim.parents.update(base_parents)
            for inst in parent.private:  # private fields are recopied from every direct base
                if inst.name not in declared and inst.name not in present:
                    sim.private.append(_Inst(inst.name, qualname, inst.counter, inst.decl))
                    present.add(inst.name)
        for concrete, link in sim.parents.items():  # a parent link copied from a later abstract base
            if link is None and concrete in links:
                sim.parents[concrete] = next((i for i in sim.local if i.name == links[concrete]), None)
        sim.local.sort(key=_counter)
        sim.m2m.sort(key=_counter)
        if head.abstract:
            return sim
        if head.meta.get("order_with_respect_to") is not None and "_order" not in present:
            self._add(sim, _Inst("_order", qualname, (2, 0), auto="order"))
        if sim.proxy_for is not None:
            concrete = self.sim(sim.concrete)
            sim.pk = concrete.pk if concrete is not None else None
            return sim
        own_pk = [i for i in sim.local if i.decl is not None and _truthy(i.decl.options.get("primary_key"))]
        own_pk.sort(key=lambda i: i.decl.declarer.qualname != qualname)  # the body's own first
        links_made = [link for link in sim.parents.values() if link is not None]
        if own_pk:
            sim.pk = own_pk[0]
        elif links_made:
            sim.pk = links_made[0]  # Options._prepare promotes the first parent link
        elif not sim.parents:
            sim.pk = _Inst("id", qualname, (0, -(autos + 1)), auto="id")
            self._add(sim, sim.pk)
            sim.local.sort(key=_counter)
        return sim

    def _parent_links(self, sim: _Sim, parents: dict[str, _Sim]) -> dict[str, str]:
        """OneToOneFields declared with parent_link=True on the class or its abstract bases:
        concrete parent qualname -> field name."""
        links: dict[str, str] = {}
        for base_sim in [*reversed(list(parents.values())), sim]:
            if base_sim is not sim and not base_sim.head.abstract:
                continue
            for inst in base_sim.local:
                decl = inst.decl
                if decl is not None and decl.kind.relation == knowledge.ONE_TO_ONE \
                        and _truthy(decl.options.get("parent_link")):
                    target, _label, _keys = self.resolve_target(decl.options.get("to"), sim.head)
                    if target is not None:
                        target_sim = self.sim(target)
                        links[target_sim.concrete if target_sim is not None else target] = inst.name
        return links

    def _add(self, sim: _Sim, inst: _Inst) -> None:
        kind = inst.kind
        if kind.private:
            sim.private.append(inst)
        elif kind.relation == knowledge.MANY_TO_MANY:
            sim.m2m.append(inst)
            sim.contributed_m2m.append(inst)
        else:
            sim.local.append(inst)

    def _dict_names(self, qualname: str) -> set[str]:
        """Names in a class's `__dict__` that keep an abstract base's field from being copied."""
        ref = self.classes.resolve(qualname)
        if ref is None:
            return set()
        fields, _managers, names = self.declarations(ref)
        return names | {f"{name}_id" for name, decl in fields.items() if decl.kind.relation in _TRACKED}

    def _concrete_of(self, qualname: str) -> str:
        sim = self.sim(qualname)
        return sim.concrete if sim is not None else qualname

    # -- managers

    def _local_managers(self, sim: _Sim) -> list[tuple[str, tuple]]:
        if sim.managers is None:
            declared = self.declarations(sim.head.ref)[1]
            sim.managers = list(declared)
            if not declared and not sim.head.abstract and not any(i.name == "objects" for i in sim.local):
                # ModelBase._prepare adds `objects` when no model class of the MRO has a manager.
                ancestors = (self.sim(a) for a in self.chain(sim.head)[1:] if a in self.heads)
                if not any(a is not None and self._local_managers(a) for a in ancestors):
                    sim.managers = [("objects", (3, 0))]
        return sim.managers

    def _managers(self, sim: _Sim) -> tuple[tuple[str, ...], str | None]:
        found: list[tuple[int, tuple, str]] = []
        seen: set[str] = set()
        model_classes = [s for s in (self.sim(a) for a in self.chain(sim.head) if a in self.heads) if s is not None]
        for depth, ancestor in enumerate(model_classes):
            for name, counter in self._local_managers(ancestor):
                if name not in seen:
                    seen.add(name)
                    found.append((depth, counter, name))
        names = tuple(name for _depth, _counter, name in sorted(found))
        default = string(sim.head.meta.get("default_manager_name"))
        if not default and not self._local_managers(sim) and len(model_classes) > 1:
            default = string(model_classes[1].head.meta.get("default_manager_name"))
        return names, default or (names[0] if names else None)

    # -- fields

    def _forward(self, sim: _Sim, top: bool = True) -> list[_Inst]:
        """`_meta.get_fields()` without reverse relations: parents' fields first."""
        out: list[_Inst] = []
        seen: set[int] = set()
        for parent in sim.parents:
            parent_sim = self.sim(parent)
            if parent_sim is None or parent_sim is sim:
                continue
            for inst in self._forward(parent_sim, top=False):
                if id(inst) not in seen:
                    seen.add(id(inst))
                    out.append(inst)
        out += sim.local + sim.m2m
        if top:
            out += sim.private
        return out

    def field_info(self, inst: _Inst) -> tuple[FieldInfo, frozenset[Key]]:
        found = self._infos.get(id(inst))
        if found is None:
            owner = self._sims[inst.owner]
            found = self._auto_id(inst, owner) if inst.auto == "id" else self._field_info(inst, owner)
            self._infos[id(inst)] = found
        return found

    def _field_info(self, inst: _Inst, owner: _Sim) -> tuple[FieldInfo, frozenset[Key]]:
        head = owner.head
        decl = inst.decl
        kind = inst.kind
        relation = kind.relation
        name = inst.name
        keys: frozenset[Key] = frozenset()
        if inst.auto == "ptr":
            options: dict[str, Value] = {"to": Ref(inst.target), "on_delete": Ref("django.db.models.CASCADE"),
                                         "parent_link": Const(True)}
        else:
            options = decl.options if decl is not None else {}
        flags = _flags(options, kind)
        primary_key = owner.pk is inst or flags["primary_key"]
        blank = flags["blank"] or (kind.name in _DATE_KINDS and (flags["auto_now"] or flags["auto_now_add"]))
        attname = f"{name}_id" if relation in _TRACKED else name
        target_q = target_label = related_name = related_query_name = accessor = None
        on_delete = through = through_auto = symmetrical = None
        if relation is not None and relation != knowledge.GENERIC_FOREIGN_KEY:
            if inst.auto == "ptr":  # the parent is in the model's MRO, so in its keys already
                target_q, target_label = inst.target, self.heads[inst.target].label
            else:
                target_q, target_label, keys = self.resolve_target(options.get("to"), head)
            related_name, related_query_name, symmetrical = self._related_names(options, relation, head, name)
            model_name = head.name.lower()
            multiple = relation != knowledge.ONE_TO_ONE
            if not (multiple and symmetrical and target_q == head.qualname):
                accessor = related_name or model_name + ("_set" if multiple else "")
            related_query_name = related_query_name or related_name or model_name
            if relation == knowledge.GENERIC_RELATION:
                on_delete = "DO_NOTHING"
            elif relation != knowledge.MANY_TO_MANY:
                on_delete = _callable_name(options.get("on_delete"))
            else:
                explicit = options.get("through")
                if explicit is not None:
                    _through_q, through, through_keys = self.resolve_target(explicit, head)
                    keys |= through_keys
                    through_auto = False
                elif not head.abstract and head.swapped is None:
                    through, through_auto = f"{head.app_label}.{head.name}_{name}", True
        declarer = decl.declarer if decl is not None else head.ref
        info = FieldInfo(
            name=name,
            attname=attname,
            column=(string(options.get("db_column")) or attname) if kind.has_column else None,
            field_class=decl.field_class if decl is not None else _AUTO_CLASSES[inst.auto],
            kind=kind.name,
            internal_type=self._internal_type(decl, kind),
            options=options,
            null=flags["null"],
            blank=blank,
            unique=flags["unique"] or primary_key,
            primary_key=primary_key,
            db_index=flags["db_index"],
            max_length=_max_length(options, kind),
            has_default="default" in options,
            is_relation=relation is not None,
            many_to_one=relation in (knowledge.MANY_TO_ONE, knowledge.GENERIC_FOREIGN_KEY, knowledge.FOREIGN_OBJECT),
            one_to_one=relation == knowledge.ONE_TO_ONE,
            many_to_many=relation == knowledge.MANY_TO_MANY,
            one_to_many=relation == knowledge.GENERIC_RELATION,
            private=kind.private,
            concrete=kind.has_column,
            auto_created=inst.auto in ("ptr", "id"),
            related_model=target_label,
            related_qualname=target_q,
            related_name=related_name,
            related_query_name=related_query_name,
            reverse_accessor=accessor,
            on_delete=on_delete,
            to_field=string(options.get("to_field")),
            through=through,
            through_auto_created=through_auto,
            symmetrical=symmetrical,
            parent_link=relation == knowledge.ONE_TO_ONE and flags["parent_link"],
            defined_in=head.label,
            declared_in=declarer.qualname,
            module=declarer.module,
            location_key=f"{declarer.name}.{name}" if decl is not None else declarer.name,
            inferred=decl.inferred if decl is not None else False,
        )
        return info, keys

    def _related_names(self, options: Mapping[str, Value], relation: str, head: _Head,
                       name: str) -> tuple[str | None, str | None, bool | None]:
        """(related_name, related_query_name, symmetrical) as the field's contribute_to_class
        leaves them."""
        raw_to = options.get("to")
        related_name = string(options.get("related_name"))
        related_query_name = string(options.get("related_query_name"))
        symmetrical = None
        if relation == knowledge.MANY_TO_MANY:
            explicit = options.get("symmetrical")
            symmetrical = bool(explicit.value) if isinstance(explicit, Const) else raw_to == Const("self")
            if symmetrical and raw_to in (Const("self"), Const(head.name)):
                related_name = f"{name}_rel_+"
            elif related_name and related_name.endswith("+"):
                related_name = f"_{head.app_label}_{head.name.lower()}_{name}_+"
        elif relation == knowledge.GENERIC_RELATION:
            related_name = related_query_name or "+"
        if not head.abstract:
            related_name = _interpolate(related_name or string(head.meta.get("default_related_name")), head, True)
            related_query_name = _interpolate(related_query_name, head, False)
        return related_name, related_query_name, symmetrical

    def _internal_type(self, decl: _Decl | None, kind: FieldKind) -> str | None:
        if decl is None:
            return kind.internal_type
        if kind.name == "GeneratedField":  # GeneratedField reports its output field's type
            output = decl.options.get("output_field")
            found = self.kind_of(output.func) if isinstance(output, Call) else None
            if found is not None:
                return found[2]
        return decl.internal_type

    def _auto_id(self, inst: _Inst, owner: _Sim) -> tuple[FieldInfo, frozenset[Key]]:
        head = owner.head
        path, keys = self._default_auto_field(head)
        found = self.kind_of(path)
        kind, field_class, internal = found[:3] if found else (knowledge.FIELD_KINDS["AutoField"], path, "AutoField")
        info = FieldInfo(
            name="id", attname="id", column="id", field_class=field_class, kind=kind.name, internal_type=internal,
            options={}, null=False, blank=True, unique=True, primary_key=True, db_index=False, max_length=None,
            has_default=False, is_relation=False, many_to_one=False, one_to_one=False, many_to_many=False,
            one_to_many=False, private=False, concrete=True, auto_created=True, related_model=None,
            related_qualname=None, related_name=None, related_query_name=None, reverse_accessor=None,
            on_delete=None, to_field=None, through=None, through_auto_created=None, symmetrical=None,
            parent_link=False, defined_in=head.label, declared_in=head.qualname, module=head.ref.module,
            location_key=head.name,
        )
        return info, keys

    def _default_auto_field(self, head: _Head) -> tuple[str, frozenset[Key]]:
        """The app config's `default_auto_field`, else DEFAULT_AUTO_FIELD, else AutoField."""
        keys: set[Key] = set(self.env.keys)
        app = self._apps_by_label.get(head.app_label)
        if app is not None and app[3]:
            return app[3], frozenset(keys)
        for ancestor in self.classes.mro(app[2]) if app is not None and app[2] else ():
            if ancestor == APP_CONFIG:
                break
            ref = self.classes.resolve(ancestor)
            value = ref.fact.attr("default_auto_field") if ref is not None else None
            if ref is not None:
                keys |= {("class", ref.qualname), ("module", ref.module)}
            text = string(value) or (value.name if isinstance(value, Ref) else None)
            if text:
                return text, frozenset(keys)
        return self.env.default_auto_field, frozenset(keys)

    # -- model details

    def details(self, head: _Head) -> _Details:
        with self.lock:
            sim = self.sim(head.qualname)
            if sim is None:  # only while the class is being simulated (a cycle)
                sim = _Sim(head, concrete=head.qualname)
            keys: set[Key] = set(self.env.keys)
            for ancestor in self.chain(head):
                keys.add(("class", ancestor))
                ref = self.classes.resolve(ancestor)
                if ref is not None:
                    keys.add(("module", ref.module))
            infos = []
            for inst in self._forward(sim):
                info, field_keys = self.field_info(inst)
                infos.append(info)
                keys |= field_keys
            managers, default_manager = self._managers(sim)
            meta = head.meta
            verbose_name = _text(meta.get("verbose_name")) if "verbose_name" in meta else _verbose(head.name)
            plural = _text(meta.get("verbose_name_plural")) if "verbose_name_plural" in meta else (
                f"{verbose_name}s" if verbose_name is not None else None)
            return _Details(
                fields=tuple(infos),
                pk=sim.pk.name if sim.pk is not None else None,
                proxy_for=self.heads[sim.proxy_for].label if sim.proxy_for else None,
                concrete_model=None if head.abstract else self.heads[sim.concrete].label,
                concrete_parents=tuple(self.heads[p].label for p, link in sim.parents.items() if link is not None),
                ancestors=tuple(self.heads[p].label for p in self._ancestors(sim)),
                abstract_bases=tuple(a for a in self.chain(head)[1:] if a in self.heads and self.heads[a].abstract),
                managers=managers,
                default_manager=default_manager,
                meta=dict(meta),
                ordering=self._ordering(sim),
                db_table=self._db_table(sim),
                unique_together=_together(meta.get("unique_together")),
                verbose_name=verbose_name,
                verbose_name_plural=plural,
                has_str=self._has_str(head),
                keys=frozenset(keys),
            )

    def _ancestors(self, sim: _Sim, depth: int = 0) -> list[str]:
        """Django's `get_parent_list()`: direct parents, then theirs."""
        out = list(sim.parents)
        for parent in sim.parents:
            parent_sim = self.sim(parent)
            if parent_sim is not None and parent_sim is not sim and depth < 32:
                out += [a for a in self._ancestors(parent_sim, depth + 1) if a not in out]
        return out

    def _ordering(self, sim: _Sim, depth: int = 0) -> tuple[str, ...] | None:
        head = sim.head
        if head.meta.get("order_with_respect_to") is not None and not head.abstract:
            return ("_order",)
        if "ordering" in head.meta:
            return _strings_or_none(head.meta.get("ordering"))
        if not head.abstract:  # a concrete child inherits ordering from a concrete nearest base
            base = next((self.sim(a) for a in self.chain(head)[1:] if a in self.heads), None)
            if base is not None and not base.head.abstract and depth < 32:
                return self._ordering(base, depth + 1)
        return ()

    def _db_table(self, sim: _Sim) -> str | None:
        if sim.proxy_for is not None:
            concrete = self._sims.get(sim.concrete)
            return self._db_table(concrete) if concrete is not None and concrete is not sim else None
        head = sim.head
        explicit = head.meta.get("db_table")
        if explicit is not None:
            return string(explicit)
        return None if head.abstract else f"{head.app_label}_{head.name.lower()}"

    def _has_str(self, head: _Head) -> bool | None:
        for ancestor in self.chain(head):
            if ancestor == MODEL:
                return False  # Model.__str__ comes first
            ref = self.classes.resolve(ancestor)
            if ref is None:
                if ancestor.startswith("django.") or ancestor == "object":
                    continue
                return None
            if ref.fact.method("__str__") is not None or ref.fact.attr("__str__") is not None:
                return True
        return False

    # -- registration order and the relation tree

    def registration_order(self) -> list[_Head]:
        """Models as `apps.get_models()` lists them: by installed app, then creation order."""
        if self._registration is None:
            app_index = {app[0]: i for i, app in enumerate(self.env.apps or ())}
            heads = [h for h in self.heads.values() if not h.abstract and h.installed and h.swapped is None]
            heads.sort(key=lambda h: (app_index.get(h.app_label, len(app_index)), self._creation_key(h)))
            self._registration = heads
        return self._registration

    def reverse_relations(self) -> dict[str, tuple[ReverseRelation, ...]]:
        """Django's `_populate_directed_relation_graph`, then each model's reverse fields."""
        graph: dict[str, list[_Rel]] = {}
        registered = [s for s in (self.sim(h.qualname) for h in self.registration_order()) if s is not None]
        for sim in registered:
            for inst in sim.contributed_m2m:  # auto-created through models register before their owner
                info = self.field_info(inst)[0]
                if info.through_auto_created and info.related_qualname is not None:
                    self._through_relations(sim, info, graph)
            for inst in sim.local + sim.m2m + sim.private:
                info = self.field_info(inst)[0]
                if info.related_qualname is None or info.kind == "GenericForeignKey":
                    continue
                relation = ReverseRelation(
                    name=info.related_query_name or "",
                    accessor=info.reverse_accessor,
                    related_model=sim.head.label,
                    field=info.name,
                    target=info.related_model or "",
                    rel_class=knowledge.REL_CLASSES.get(inst.kind.relation or "", "ForeignObjectRel"),
                    related_name=info.related_name,
                    related_query_name=info.related_query_name,
                    many_to_many=info.many_to_many,  # a rel's flags mirror its field's
                    one_to_one=info.one_to_one,
                    one_to_many=info.many_to_one,
                    hidden=info.hidden,
                    parent_link=info.parent_link,
                    forward=info,
                )
                graph.setdefault(self._concrete_of(info.related_qualname), []).append(
                    _Rel(relation, info.related_qualname))
        memo: dict[str, list[_Rel]] = {}
        return {sim.head.qualname: tuple(r.info for r in self._reverse_of(sim, graph, memo)) for sim in registered}

    def _through_relations(self, sim: _Sim, info: FieldInfo, graph: dict[str, list[_Rel]]) -> None:
        """The two foreign keys of an auto-created through model (`Product_tags`)."""
        target = info.related_qualname or ""
        from_name = sim.head.name.lower()
        to_name = self.heads[target].name.lower() if target in self.heads else ""
        if to_name == from_name:
            to_name, from_name = f"to_{to_name}", f"from_{from_name}"
        hidden = f"{(info.through or '').rpartition('.')[2]}+"
        for field_name, points_at in ((from_name, sim.head.qualname), (to_name, target)):
            relation = ReverseRelation(
                name=hidden, accessor=hidden, related_model=info.through or "", field=field_name,
                target=self.heads[points_at].label if points_at in self.heads else "", rel_class="ManyToOneRel",
                related_name=hidden, related_query_name=hidden, many_to_many=False, one_to_one=False,
                one_to_many=True, hidden=True, through_auto_created=True,
            )
            graph.setdefault(self._concrete_of(points_at), []).append(_Rel(relation, points_at))

    def _reverse_of(self, sim: _Sim, graph: dict[str, list[_Rel]], memo: dict[str, list[_Rel]]) -> list[_Rel]:
        qualname = sim.head.qualname
        if qualname in memo:
            return memo[qualname]
        memo[qualname] = []  # cycle guard
        out: list[_Rel] = []
        seen: set[int] = set()
        for parent in sim.parents:
            parent_sim = self.sim(parent)
            for relation in self._reverse_of(parent_sim, graph, memo) if parent_sim is not None else ():
                # A parent's link to another child is not this model's relation.
                if (not relation.info.parent_link or relation.target == sim.concrete) and id(relation) not in seen:
                    seen.add(id(relation))
                    out.append(relation)
        if sim.proxy_for is None:
            out += graph.get(sim.concrete, [])
        memo[qualname] = out
        return out


# -- small helpers ---------------------------------------------------------------------------

_AUTO_CLASSES = {"ptr": "django.db.models.OneToOneField", "order": "django.db.models.fields.proxy.OrderWrt"}
_FLAGS = ("null", "blank", "unique", "primary_key", "db_index", "parent_link", "auto_now", "auto_now_add")
_KIND_FLAGS: dict[str, tuple[dict[str, bool], dict[str, bool]]] = {}


def _flags(options: Mapping[str, Value], kind: FieldKind) -> dict[str, bool]:
    """The boolean options as Django's constructor leaves them: forced, else given, else default."""
    known = _KIND_FLAGS.get(kind.name)
    if known is None:
        defaults = {name: False for name in _FLAGS}
        defaults.update((k, bool(v)) for k, v in kind.defaults if k in defaults)
        forced = {k: bool(v) for k, v in kind.forced if k in defaults}
        known = _KIND_FLAGS[kind.name] = (defaults, forced)
    flags = dict(known[0])
    for name, value in options.items():
        if name in flags and isinstance(value, Const):
            flags[name] = bool(value.value)
    flags.update(known[1])
    return flags


def _max_length(options: Mapping[str, Value], kind: FieldKind) -> int | None:
    for name, value in kind.forced:
        if name == "max_length":
            return value  # type: ignore[return-value]
    given = options.get("max_length")
    if isinstance(given, Const) and type(given.value) is int:
        return given.value
    return next((v for n, v in kind.defaults if n == "max_length"), None)  # type: ignore[return-value]


def _counter(inst: _Inst) -> tuple:
    return inst.counter


def _options(call: Call, kind: FieldKind) -> dict[str, Value]:
    options: dict[str, Value] = dict(zip(kind.positional, call.args, strict=False))
    for name, value in call.kwargs:
        if name != "**":
            options[name] = value
    return options


def _truthy(value: Value | None) -> bool:
    return isinstance(value, Const) and bool(value.value)


def _callable_name(value: Value | None) -> str | None:
    if isinstance(value, Ref):
        return value.name.rpartition(".")[2]
    if isinstance(value, Call) and value.func:
        return value.func.rpartition(".")[2]
    return None


def _interpolate(text: str | None, head: _Head, with_model_name: bool) -> str | None:
    """`%(class)s`, `%(app_label)s` (and for related_name `%(model_name)s`), as Django does."""
    if not text or "%(" not in text:
        return text
    names = {"class": head.name.lower(), "app_label": head.app_label.lower()}
    if with_model_name:
        names["model_name"] = head.name.lower()
    try:
        return text % names
    except (KeyError, ValueError, TypeError):
        return text


def _text(value: Value | None) -> str | None:
    """A string constant, also inside `_("...")` / `gettext_lazy("...")`."""
    if isinstance(value, Call) and value.args and value.func.rpartition(".")[2] in _GETTEXT:
        value = value.args[0]
    return string(value)


def _strings_or_none(value: Value | None) -> tuple[str, ...] | None:
    if isinstance(value, Seq) and all(isinstance(i, Const) and isinstance(i.value, str) for i in value.items):
        return tuple(i.value for i in value.items)  # type: ignore[union-attr]
    return None


def _together(value: Value | None) -> tuple[tuple[str, ...], ...] | None:
    """`unique_together` normalised as Django does: a flat pair becomes one group."""
    if value is None or (isinstance(value, Seq) and not value.items):
        return ()
    flat = _strings_or_none(value)
    if flat is not None:
        return (flat,)
    if not isinstance(value, Seq):
        return None
    groups = tuple(_strings_or_none(item) for item in value.items)
    return None if any(g is None for g in groups) else groups  # type: ignore[return-value]


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _verbose(name: str) -> str:
    """Django's default verbose_name: "OrderItem" -> "order item", "HTTPLog" -> "http log"."""
    return _CAMEL.sub(" ", name).lower().strip()


def _longest_prefix(module: str, labels: dict[str, str]) -> str | None:
    """The label of the longest package of `module` (itself included) found in `labels`."""
    name = _longest_prefix_name(module, labels)
    return labels[name] if name is not None else None


def _longest_prefix_name(module: str, names: dict[str, str]) -> str | None:
    """The longest package of `module` (itself included) that is a key of `names`."""
    while module:
        if module in names:
            return module
        module = module.rpartition(".")[0]
    return None


def _app_package(module: str, facts: Mapping) -> str:
    """The package of the app holding `module`: the package before a `models` module or
    package, else the module's own package."""
    parts = module.split(".")
    if "models" in parts[1:]:
        parts = parts[: len(parts) - 1 - parts[::-1].index("models")]
    elif len(parts) > 1 and not getattr(facts.get(module), "is_package", False):
        parts = parts[:-1]
    return ".".join(parts) or module
