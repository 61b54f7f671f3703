"""Lookup paths (`customer__orders__total__gte`) resolved against the project's models the
way Django's `Query.names_to_path` and `build_lookup` do, for completion, hover, definition
and the unknown-lookup rule.

A path is split on `__`; each segment is looked up on the current model (forward fields by
name or attname, reverse relations by query name, `pk`, and the queryset's annotations at
the root); a relation moves on to its target model; after a plain field only transforms of
its type and, at the end, one lookup may follow; after a relation, one related lookup. What
the walk cannot know for sure — a model with a base nobody indexed, reverse relations other
apps may add, a JSON key, a field class with its own lookups — makes the rest of the path
*open*: it is never reported. Modes follow what each API accepts (`filter` ends with a
lookup, `order_by` and `values` take transforms but no lookup, `select_related` only
single-valued relations, ...).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers import files
from django_expert.analyzers.facts.values import Call, string
from django_expert.analyzers.knowledge import lookups as knowledge
from django_expert.analyzers.knowledge.bases import ALIASES, EXTERNAL_BASES

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import FieldInfo, ModelInfo, ReverseRelation

SEP = "__"
# Modes: what an API accepts after the fields of a path.
FILTER = "filter"  # filter/exclude/get/Q keywords: fields, relations, transforms, one final lookup
ORDER = "order"  # order_by, values, F(), aggregates: fields, relations, transforms (no lookup)
ONLY = "only"  # only/defer: fields and relations
SELECT = "select"  # select_related: forward foreign keys / one-to-ones and reverse one-to-ones
PREFETCH = "prefetch"  # prefetch_related / Prefetch: relation accessors
FIELDS = "fields"  # admin list_filter, django-filter fields: the field names only
SEARCH = "search"  # search_fields: like FIELDS, after an optional ^ = @ $ prefix

# Step kinds.
FIELD, RELATION, REVERSE, ANNOTATION, TRANSFORM, LOOKUP, OPEN = (
    "field", "relation", "reverse", "annotation", "transform", "lookup", "open")
_PK = "pk"
_KNOWN_BASES = frozenset({"object", "django.db.models.Model", "typing.Generic", "abc.ABC"})
_BENIGN_DECORATORS = frozenset({"python_2_unicode_compatible", "total_ordering", "deconstructible", "dataclass",
                                "final", "register"})


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    start: int  # offset in the path string
    end: int


@dataclass(frozen=True, slots=True)
class Step:
    """One resolved segment: `model` is the model it was looked up on; `field` the forward
    field, `reverse` the reverse relation; `target` the model a relation leads to; `kind_after`
    the Django field class of the value after this step (for transforms and lookups)."""

    segment: Segment
    kind: str
    model: ModelInfo | None = None
    field: FieldInfo | None = None
    reverse: ReverseRelation | None = None
    target: ModelInfo | None = None
    kind_after: str | None = None
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A segment Django would reject: `suggestion` is the closest valid name, if any."""

    index: int
    segment: Segment
    message: str
    suggestion: str | None = None


@dataclass(slots=True)
class Resolution:
    path: str
    model: ModelInfo
    steps: list[Step] = field(default_factory=list)
    problem: Problem | None = None
    open: bool = False  # the walk met something it cannot read: the rest is not checked

    def step_at(self, offset: int) -> Step | None:
        """The step whose segment holds a path offset (its end included)."""
        return next((s for s in self.steps if s.segment.start <= offset <= s.segment.end), None)


@dataclass(frozen=True, slots=True)
class Option:
    """A completion candidate for the next segment."""

    label: str
    kind: str  # FIELD, RELATION, REVERSE, ANNOTATION, TRANSFORM, LOOKUP
    detail: str
    documentation: str = ""
    sort: str = ""


@dataclass(frozen=True)
class Source:
    """What a path is resolved against: the model of a queryset and the names its
    annotations add (`open_names`: annotations or fields that cannot be listed)."""

    model: ModelInfo
    annotations: frozenset[str] = frozenset()
    open_names: bool = False


def split(path: str) -> list[Segment]:
    segments, start = [], 0
    for name in path.split(SEP):
        segments.append(Segment(name, start, start + len(name)))
        start += len(name) + len(SEP)
    return segments


def strip_prefix(path: str, mode: str) -> tuple[str, int]:
    """The path without its ordering sign (`-name`) or search prefix (`^name`), and the offset."""
    if mode == ORDER and path[:1] in "-+":
        return path[1:], 1
    if mode == SEARCH and path[:1] in "^=@$":
        return path[1:], 1
    return path, 0


# -- what the project knows about a model ------------------------------------------------------


class _ProjectFacts:
    """Per-project answers the walk needs again and again (a new ProjectModel: a new cache)."""

    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.complete: dict[str, bool] = {}
        self.attrs: dict[str, frozenset[str]] = {}
        self._unindexed_apps: bool | None = None
        self._user: str | None | bool = False
        self._lookups: frozenset[str] | None | bool = False

    def fields_complete(self, model: ModelInfo) -> bool:
        """Every class the model derives from is indexed (or Django's Model): its fields are all known."""
        known = self.complete.get(model.qualname)
        if known is None:
            known = True
            for name in self.project.mro(model.qualname):
                name = ALIASES.get(name, name)
                if name in _KNOWN_BASES or name in EXTERNAL_BASES or name.startswith("typing."):
                    continue
                if self.project.resolve_class(name) is None:
                    known = False
                    break
            self.complete[model.qualname] = known
        return known

    def decorated(self, model: ModelInfo) -> bool:
        """A class of the model's MRO has a decorator that may add relations (django-hierarkey's
        `@settings_hierarkey.add()` creates a model pointing at it)."""
        for name in self.project.mro(model.qualname):
            ref = self.project.resolve_class(name)
            if ref is None:
                continue
            for decorator in ref.fact.decorators:
                callee = decorator.func if isinstance(decorator, Call) else getattr(decorator, "name", "")
                if callee.rpartition(".")[2] not in _BENIGN_DECORATORS:
                    return True
        return False

    def class_attrs(self, model: ModelInfo) -> frozenset[str]:
        """Names any class of the model's MRO binds (attributes and methods)."""
        names = self.attrs.get(model.qualname)
        if names is None:
            found: set[str] = set()
            for name in self.project.mro(model.qualname):
                ref = self.project.resolve_class(name)
                if ref is not None and name != "django.db.models.Model":
                    found.update(key for key, _ in ref.fact.attrs)
                    found.update(method.name for method in ref.fact.methods)
            names = self.attrs[model.qualname] = frozenset(found)
        return names

    def reverse_open(self, model: ModelInfo) -> bool:
        """Apps nobody indexed are installed and may point relations at this model (the user
        model, or a model of a library)."""
        if self._unindexed_apps is None:
            try:
                self._unindexed_apps = any(app.resolved is not True for app in self.project.apps())
            except Exception:  # settings that cannot be read: assume the worst
                self._unindexed_apps = True
        if not self._unindexed_apps:
            return False
        if self._user is False:
            user = self.project.model("settings.AUTH_USER_MODEL")
            self._user = user.qualname if user is not None else None
        if model.qualname == self._user:
            return True
        path = self.project.path_of(model.module)
        return path is None or not Path(path).is_relative_to(self.project.layout.root)

    def registered_lookups(self) -> frozenset[str]:
        """Lookup names the project registers itself (`lookup_name = ...` classes,
        `Field.register_lookup(...)` anywhere in its files)."""
        if self._lookups is False:
            names: set[str] = set()
            for facts in self.project.facts.values():
                for cls in facts.classes:
                    value = string(cls.attr("lookup_name"))
                    if value:
                        names.add(value)
            root = self.project.layout.root
            for path in self.project.paths.values():
                if Path(path).is_relative_to(root):
                    names.update(_registered_in(Path(path)))
            self._lookups = frozenset(names)
        return self._lookups  # type: ignore[return-value]


_REGISTER = re.compile(r"\.register_lookup\(\s*([A-Za-z_][\w.]*)(?:\s*,\s*(?:lookup_name\s*=\s*)?[\"']([^\"']+)[\"'])?")
_FILE_LOOKUPS: dict[str, tuple[tuple[int, int], frozenset[str]]] = {}


def _registered_in(path: Path) -> frozenset[str]:
    """Lookup names a file registers with `register_lookup` (memoised by mtime and size)."""
    try:
        stat = os.stat(path)
    except OSError:
        return frozenset()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _FILE_LOOKUPS.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    names: set[str] = set()
    try:
        text = files.read_text(path)
    except OSError:
        text = ""
    if "register_lookup" in text:
        for match in _REGISTER.finditer(text):
            names.add(match.group(2) or match.group(1).rpartition(".")[2].lower())
    _FILE_LOOKUPS[str(path)] = (stamp, frozenset(names))
    return frozenset(names)


def project_facts(project: ProjectModel) -> _ProjectFacts:
    return project.derived(_ProjectFacts)


# -- the walk ----------------------------------------------------------------------------------


def resolve(project: ProjectModel, source: Source | ModelInfo, path: str, mode: str = FILTER) -> Resolution:
    """Resolve a whole path (without its `-`/`^` prefix) against a model."""
    if not isinstance(source, Source):
        source = Source(source)
    return _Walk(project, source, mode).run(path)


class _Walk:
    def __init__(self, project: ProjectModel, source: Source, mode: str) -> None:
        self.project = project
        self.source = source
        self.mode = mode
        self.known = project_facts(project)

    def run(self, path: str) -> Resolution:
        result = Resolution(path, self.source.model)
        segments = split(path)
        model: ModelInfo | None = self.source.model
        index = 0
        relation_before = False
        while index < len(segments):
            segment = segments[index]
            if model is None:
                result.open = True
                return result
            step = self._on_model(model, segment, root=index == 0)
            if step is None:  # not a name of the model
                if relation_before and self.mode == FILTER:
                    return self._after_relation(result, segments, index)
                return self._unknown(result, model, segments, index, relation_before)
            result.steps.append(step)
            index += 1
            if step.kind in (RELATION, REVERSE):
                if step.field is not None and step.field.kind == "GenericForeignKey" and self.mode in (FILTER, ORDER):
                    result.problem = Problem(index - 1, segment, f"'{segment.name}' is a GenericForeignKey: it "
                                             f"cannot be used in queries (add a GenericRelation on the other side)")
                    return result
                if step.target is None or (step.field is not None and step.field.kind == "GenericForeignKey"):
                    if index < len(segments):
                        result.open = True
                    return result
                if self.mode == SELECT and not _single(step):
                    result.problem = Problem(index - 1, segment, f"'{segment.name}' is not a single-valued relation: "
                                             f"select_related() follows foreign keys and one-to-one relations only")
                    return result
                model, relation_before = step.target, True
                continue
            if step.kind in (ANNOTATION, OPEN):
                if index < len(segments):
                    result.open = True
                return result
            # A plain field: transforms and a lookup may follow.
            if self.mode == SELECT:
                result.problem = Problem(index - 1, segment, f"'{segment.name}' is not a relation: select_related() "
                                         f"follows foreign keys and one-to-one relations only")
                return result
            return self._after_field(result, step, segments, index)
        return result

    # -- one segment on a model

    def _on_model(self, model: ModelInfo, segment: Segment, root: bool) -> Step | None:
        name = segment.name
        if root and name in self.source.annotations and self.mode not in (SELECT, PREFETCH):
            return Step(segment, ANNOTATION, model, meaning="an annotation of the queryset")
        if self.mode == PREFETCH:
            return self._prefetch_step(model, segment)
        if name == _PK and self.mode not in (SELECT,):
            pk = model.field(model.pk) if model.pk else None
            if pk is None:
                return Step(segment, OPEN, model)
            return self._field_step(model, segment, pk)
        found = model.field(name)
        if found is not None and (found.name == name or self.mode != SELECT):
            return self._field_step(model, segment, found)
        relation = next((r for r in model.reverse_relations() if r.name == name and not r.hidden), None)
        if relation is not None:
            target = self.project.model(relation.related_model)
            return Step(segment, REVERSE, model, reverse=relation, target=target)
        return None

    def _field_step(self, model: ModelInfo, segment: Segment, found: FieldInfo) -> Step:
        if found.is_relation:
            target = self.project.model(found.related_model) if found.related_model else None
            return Step(segment, RELATION, model, field=found, target=target)
        return Step(segment, FIELD, model, field=found, kind_after=_lookup_kind(self.project, found))

    def _prefetch_step(self, model: ModelInfo, segment: Segment) -> Step | None:
        name = segment.name
        found = model.field(name)
        if found is not None and found.name == name:
            if found.is_relation:
                target = self.project.model(found.related_model) if found.related_model else None
                return Step(segment, RELATION, model, field=found, target=target)
            return Step(segment, OPEN, model, field=found)
        relation = next((r for r in model.reverse_relations() if r.accessor == name and not r.hidden), None)
        if relation is not None:
            return Step(segment, REVERSE, model, reverse=relation, target=self.project.model(relation.related_model))
        if name in self.known.class_attrs(model):
            return Step(segment, OPEN, model)  # a property or manager the prefetcher may follow
        return None

    # -- what follows a relation or a field

    def _after_relation(self, result: Resolution, segments: list[Segment], index: int) -> Resolution:
        """Names after a relation that are not fields of its target: Django reads them as
        lookups on the relation, and accepts exactly one related lookup."""
        segment = segments[index]
        model = result.steps[-1].target
        if model is not None and self._names_open(model, segment.name):
            result.open = True
            return result
        extra = self.known.registered_lookups()
        if segment.name in extra:
            result.open = True
            return result
        if segment.name in knowledge.RELATED_LOOKUPS:
            result.steps.append(Step(segment, LOOKUP, model, meaning=_related_meaning(segment.name)))
            if index < len(segments) - 1:
                result.problem = _after_lookup(index + 1, segments)
            return result
        choices = [*self._names(model), *knowledge.RELATED_LOOKUPS] if model is not None else list(
            knowledge.RELATED_LOOKUPS)
        relation = result.steps[-1]
        what = relation.field.kind if relation.field is not None else "reverse relation"
        hint = _reverse_hint(model, segment.name) if model is not None else None
        result.problem = Problem(index, segment, f"'{segment.name}' is neither a field of "
                                 f"{_label(model)} nor a lookup a relation accepts ({what} "
                                 f"'{relation.segment.name}')", hint or _closest(segment.name, choices))
        return result

    def _after_field(self, result: Resolution, step: Step, segments: list[Segment], index: int) -> Resolution:
        kind = step.kind_after
        extra = self.known.registered_lookups()
        while index < len(segments):
            segment = segments[index]
            last = index == len(segments) - 1
            if kind is None or kind in knowledge.OPEN_KINDS or self.mode in (FIELDS, SEARCH, ONLY, PREFETCH):
                result.open = True
                return result
            transforms = _transforms(self.project, kind)
            if segment.name in transforms:
                output, meaning = transforms[segment.name]
                result.steps.append(Step(segment, TRANSFORM, step.model, kind_after=output, meaning=meaning))
                kind = output
                index += 1
                continue
            if segment.name in extra:
                result.open = True  # a lookup or transform the project registers
                return result
            if self.mode == FILTER and segment.name in knowledge.LOOKUPS:
                result.steps.append(Step(segment, LOOKUP, step.model, kind_after=kind,
                                         meaning=knowledge.LOOKUPS[segment.name]))
                if not last:
                    result.problem = _after_lookup(index + 1, segments)
                return result
            choices = [*transforms, *(knowledge.LOOKUPS if self.mode == FILTER else ())]
            if self.mode == FILTER:
                message = f"'{segment.name}' is not a lookup or transform of {kind} ('{_path_before(segments, index)}')"
            else:
                message = (f"'{segment.name}' is not a transform of {kind} ('{_path_before(segments, index)}'): "
                           f"this API takes fields and transforms, not lookups")
            result.problem = Problem(index, segment, message, _closest(segment.name, choices))
            return result
        return result

    def _unknown(self, result: Resolution, model: ModelInfo, segments: list[Segment], index: int,
                 relation_before: bool) -> Resolution:
        segment = segments[index]
        if self._names_open(model, segment.name) or (index == 0 and self.source.open_names):
            result.open = True
            return result
        if self.mode == PREFETCH:
            choices = self._accessors(model)
            message = f"'{segment.name}' is not a relation of {model.label} that prefetch_related() can follow"
        elif self.mode == SELECT:
            choices = [o.label for o in self._select_options(model)]
            message = f"{model.label} has no relation named '{segment.name}' for select_related()"
        else:
            choices = [*self._names(model), *(self.source.annotations if index == 0 else ())]
            message = f"{model.label} has no field or relation named '{segment.name}'"
            if relation_before and self.mode != FILTER:
                message += f" (after '{_path_before(segments, index)}')"
        suggestion = _closest(segment.name, choices)
        accessor = next((r for r in model.reverse_relations() if r.accessor == segment.name and not r.hidden), None)
        if accessor is not None and self.mode != PREFETCH:
            suggestion = accessor.name
            message += f": `{segment.name}` is the attribute on instances; queries use '{accessor.name}'"
        elif self.mode != PREFETCH:
            suggestion = _reverse_hint(model, segment.name) or suggestion
        result.problem = Problem(index, segment, message, suggestion)
        return result

    def _names_open(self, model: ModelInfo, name: str) -> bool:
        """Whether a name missing from the model's known fields might still exist."""
        known = self.known
        # An abstract model's `Meta.ordering = ["id"]` is read on its concrete children, which
        # get the automatic primary key unless they declare one.
        implicit_pk = model.abstract and name == "id" and not any(f.primary_key for f in model.fields)
        return (implicit_pk or not known.fields_complete(model) or known.reverse_open(model)
                or name in known.class_attrs(model) or known.decorated(model)
                or _unproven_reverse(self.project, model, name)
                or (name.endswith("_id") and _unknown_attribute(model, name[:-3], known.class_attrs(model))))

    # -- completion

    def _names(self, model: ModelInfo) -> list[str]:
        names = [f.name for f in model.fields if f.kind != "GenericForeignKey" or self.mode == PREFETCH]
        names += [r.name for r in model.reverse_relations() if not r.hidden]
        return names

    def _accessors(self, model: ModelInfo) -> list[str]:
        names = [f.name for f in model.fields if f.is_relation]
        names += [r.accessor for r in model.reverse_relations() if not r.hidden and r.accessor]
        return names

    def _select_options(self, model: ModelInfo) -> list[Option]:
        options = [_field_option(f) for f in model.fields
                   if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model]
        options += [_reverse_option(r, r.name) for r in model.reverse_relations() if r.one_to_one and not r.hidden]
        return options

    def options(self, resolution: Resolution) -> list[Option]:
        """Candidates for the segment after a resolved path ('' for the root)."""
        if resolution.problem is not None or resolution.open:
            return []
        steps = resolution.steps
        last = steps[-1] if steps else None
        if last is None:
            return self._model_options(self.source.model, root=True)
        if last.kind in (RELATION, REVERSE):
            if last.target is None:
                return []
            options = self._model_options(last.target, root=False)
            if self.mode == FILTER:
                options += [Option(name, LOOKUP, f"lookup on the relation: {_related_meaning(name)}",
                                   sort=f"3{i:02d}") for i, name in enumerate(knowledge.RELATED_LOOKUPS)]
            return options
        if last.kind in (FIELD, TRANSFORM) and last.kind_after and self.mode in (FILTER, ORDER):
            return self._value_options(last.kind_after)
        return []

    def _model_options(self, model: ModelInfo, root: bool) -> list[Option]:
        if self.mode == SELECT:
            return self._select_options(model)
        options: list[Option] = []
        if self.mode == PREFETCH:
            options += [_field_option(f) for f in model.fields if f.is_relation]
            options += [_reverse_option(r, r.accessor) for r in model.reverse_relations()
                        if not r.hidden and r.accessor]
            return options
        if root:
            options += [Option(name, ANNOTATION, "annotation", sort=f"0{name}") for name in sorted(self.source.annotations)]
        for found in model.fields:
            if found.kind == "GenericForeignKey":
                continue
            options.append(_field_option(found))
            if found.attname != found.name and self.mode in (FILTER, ORDER, ONLY):
                options.append(Option(found.attname, FIELD, f"{found.name} id (column {found.column or found.attname})",
                                      sort=f"2{found.attname}"))
        if self.mode in (FILTER, ORDER, FIELDS, SEARCH):
            options += [_reverse_option(r, r.name) for r in model.reverse_relations() if not r.hidden]
        if self.mode in (FILTER, ORDER, ONLY):
            options.append(Option(_PK, FIELD, f"primary key ({model.pk})", sort="1~pk"))
        return options

    def _value_options(self, kind: str) -> list[Option]:
        if kind in knowledge.OPEN_KINDS:
            if kind == "JSONField" and self.mode == FILTER:
                return [Option(name, LOOKUP, meaning, sort=f"3{name}") for name, meaning in knowledge.JSON_LOOKUPS.items()]
            return []
        options = [Option(name, TRANSFORM, f"→ {output}: {meaning}", sort=f"4{name}")
                   for name, (output, meaning) in _transforms(self.project, kind).items()]
        if self.mode == FILTER:
            text = knowledge.is_text(kind) or kind in knowledge.TEXT_KINDS
            first = knowledge.TEXT_FIRST if text else knowledge.NUMBER_FIRST
            for name, meaning in knowledge.LOOKUPS.items():
                if not text and name in knowledge.TEXT_ONLY:
                    continue
                rank = first.index(name) if name in first else 50
                options.append(Option(name, LOOKUP, meaning, sort=f"3{rank:02d}{name}"))
            if _postgres(self.project) and knowledge.is_text(kind):
                options += [Option(name, LOOKUP, meaning, sort=f"5{name}")
                            for name, (is_transform, meaning) in knowledge.POSTGRES_TEXT.items() if not is_transform]
        return options


def options_at(project: ProjectModel, source: Source | ModelInfo, prefix: str, mode: str = FILTER) -> list[Option]:
    """Completion candidates for the last segment of `prefix` (the text before the cursor,
    without any `-`/`^` sign): the names that may follow its complete segments."""
    if not isinstance(source, Source):
        source = Source(source)
    walk = _Walk(project, source, mode)
    head = prefix.rpartition(SEP)[0] if SEP in prefix else ""
    resolution = walk.run(head) if head else Resolution("", source.model)
    return walk.options(resolution)


# -- helpers -----------------------------------------------------------------------------------


def _single(step: Step) -> bool:
    if step.field is not None:
        return bool(step.field.many_to_one or step.field.one_to_one)
    return step.reverse is not None and step.reverse.one_to_one


def _lookup_kind(project: ProjectModel, found: FieldInfo) -> str | None:
    """The Django field class whose lookups apply to a field, or None when its class may
    register its own (a library class nobody indexed, a project class overriding lookups)."""
    if found.inferred:
        return None
    field_class = found.field_class
    if field_class.startswith("django."):
        return found.kind
    for name in project.mro(field_class):
        if name.startswith("django."):
            return found.kind
        ref = project.resolve_class(name)
        if ref is None:
            return None
        fact = ref.fact
        if any(fact.method(m) is not None for m in ("get_lookup", "get_transform", "get_lookups")) or \
                fact.attr("class_lookups") is not None:
            return None
    return found.kind


def _transforms(project: ProjectModel, kind: str) -> dict[str, tuple[str, str]]:
    found = dict(knowledge.transforms_of(kind))
    if _postgres(project) and knowledge.is_text(kind):
        found.update({name: (kind, meaning) for name, (is_transform, meaning) in knowledge.POSTGRES_TEXT.items()
                      if is_transform})
    return found


def _postgres(project: ProjectModel) -> bool:
    try:
        return any(app.name == "django.contrib.postgres" for app in project.apps())
    except Exception:
        return False


def _label(model: ModelInfo | None) -> str:
    return model.label if model is not None else "the related model"


def _path_before(segments: list[Segment], index: int) -> str:
    return SEP.join(s.name for s in segments[:index])


def _reverse_hint(model: ModelInfo, name: str) -> str | None:
    """The query name of a reverse relation that `name` spells the way Django would by default
    (the related model's name, or its accessor)."""
    for relation in model.reverse_relations():
        if relation.hidden or relation.name == name:
            continue
        if relation.accessor == name or relation.related_model.rpartition(".")[2].lower() == name:
            return relation.name
    return None


def _after_lookup(index: int, segments: list[Segment]) -> Problem:
    lookup = segments[index - 1].name
    return Problem(index, segments[index], f"'{segments[index].name}' follows the lookup '{lookup}': "
                   f"a lookup ends the path")


def _closest(name: str, choices: Iterable[str]) -> str | None:
    unique = list(dict.fromkeys(c for c in choices if c and c != name))
    found = difflib.get_close_matches(name, unique, n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in unique}
        found = [lowered[name.lower()]] if name.lower() in lowered else []
    return found[0] if found else None


def _related_meaning(name: str) -> str:
    return {
        "exact": "the related object (or its primary key) equals the value",
        "in": "the related object (or primary key) is in the iterable or subquery",
        "isnull": "no related object when True",
    }.get(name, f"compares the related primary key ({knowledge.LOOKUPS.get(name, name)})")


def field_summary(found: FieldInfo) -> str:
    """`ForeignKey → catalog.Category`, `CharField(max_length=200)`."""
    name = found.field_class.rpartition(".")[2]
    if found.is_relation:
        return f"{name} → {found.related_model or '?'}"
    if found.max_length is not None:
        return f"{name}(max_length={found.max_length})"
    return name


def reverse_summary(relation: ReverseRelation) -> str:
    kind = "one-to-one" if relation.one_to_one else "many-to-many" if relation.many_to_many else "one-to-many"
    return f"reverse {kind} from {relation.related_model}.{relation.field}"


def _field_option(found: FieldInfo) -> Option:
    rank = "1" if not found.is_relation else "2"
    return Option(found.name, RELATION if found.is_relation else FIELD, field_summary(found), sort=f"{rank}{found.name}")


def _reverse_option(relation: ReverseRelation, label: str | None) -> Option:
    return Option(label or relation.name, REVERSE, reverse_summary(relation), sort=f"2~{label}")


_RELATION_FIELDS = ("ForeignKey", "OneToOneField", "ManyToManyField", "ForeignObject", "ParentalKey",
                    "ParentalManyToManyField", "TreeForeignKey")


def _unknown_attribute(model: ModelInfo, name: str, attrs) -> bool:
    """`name` is a class attribute of the model but no field the analyser knows: a field class
    from outside Django, such as modelcluster's ParentalKey (a ForeignKey), so `<name>_id` may
    be its attname."""
    return name in attrs and model.field(name) is None


def _unproven_reverse(project, model: ModelInfo, name: str) -> bool:
    """Whether `name` may be the reverse query name a class the analyser cannot prove a
    model gives `model` (see `_unproven_relation_targets`)."""
    targets = {model.label, model.name, model.qualname}
    return any(target in targets and query == name for target, query in project.memo(_unproven_relation_targets))


def _unproven_relation_targets(project) -> frozenset[tuple[str, str]]:
    """(target as written — "app.Model", "Model", a qualified name —, reverse query name) of
    the relation fields declared in classes that are not known models:
    `class Test_Import(TimeStampedModel)` with a base from an unindexed library may well be
    a model, and give its target a reverse relation (`test_import`) nobody can see."""
    from django_expert.analyzers.facts.values import Call, Ref

    found: set[tuple[str, str]] = set()
    for module, facts in project.facts.items():
        for cls in facts.classes:
            relations = [v for _, v in cls.attrs if isinstance(v, Call) and v.func.rpartition(".")[2] in _RELATION_FIELDS]
            if not relations or project.model(f"{module}.{cls.name}") is not None:
                continue
            for call in relations:
                target = call.kwarg("to") or (call.args[0] if call.args else None)
                name = string(target) if string(target) else target.name if isinstance(target, Ref) else None
                query = string(call.kwarg("related_query_name")) or string(call.kwarg("related_name")) \
                    or cls.name.lower()
                if name:
                    found.update({(name, query), (name.rpartition(".")[2], query)})
    return frozenset(found)
