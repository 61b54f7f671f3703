"""The class index: find a class by qualified name across modules, through re-exports,
and walk its bases (project classes and known Django/DRF names alike)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django_expert.analyzers.facts.types import ClassFact, FileFacts
from django_expert.analyzers.knowledge.bases import ALIASES, EXTERNAL_BASES


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class of the project (or of an indexed library) with where it lives."""

    module: str
    fact: ClassFact

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.fact.name}"

    @property
    def name(self) -> str:
        return self.fact.name


class ClassIndex:
    """Resolves qualified names to classes; every answer is memoised (facts are immutable)."""

    def __init__(self, facts_by_module: Mapping[str, FileFacts]) -> None:
        self._facts = facts_by_module
        self._resolved: dict[str, ClassRef | None] = {}
        self._mro: dict[str, tuple[str, ...]] = {}

    def resolve(self, qualname: str) -> ClassRef | None:
        """The class a qualified name denotes, following `from x import Y` re-exports."""
        if qualname not in self._resolved:
            self._resolved[qualname] = None  # guards import cycles
            self._resolved[qualname] = self._resolve(qualname, depth=0)
        return self._resolved[qualname]

    def _resolve(self, qualname: str, depth: int) -> ClassRef | None:
        if depth > 8:
            return None
        module, _, name = qualname.rpartition(".")
        facts = self._facts.get(module)
        if facts is None:
            return None
        fact = facts.class_(name)
        if fact is not None:
            return ClassRef(module, fact)
        for imported in facts.imports:
            if imported.local == name and imported.target != qualname:
                return self._resolve(imported.target, depth + 1)
        for imported in facts.imports:
            if imported.local == "*":
                found = self._resolve(f"{imported.target}.{name}", depth + 1)
                if found:
                    return found
        return None

    def canonical(self, qualname: str) -> str:
        """The defining qualified name of a class; for a class no indexed module defines, the
        name an indexed module re-exports it from (`common.db.Model` -> `django.db.models.Model`
        after `from django.db.models import Model`), else the name itself."""
        ref = self.resolve(qualname)
        return ref.qualname if ref else self._imported_name(qualname)

    def _imported_name(self, qualname: str, depth: int = 0) -> str:
        module, _, name = qualname.rpartition(".")
        facts = self._facts.get(module)
        if facts is None or depth > 8:
            return qualname
        for imported in facts.imports:
            if imported.local == name and imported.target != qualname:
                return self._imported_name(imported.target, depth + 1)
        for imported in facts.imports:
            if imported.local == "*":
                starred = f"{imported.target}.{name}"
                if ALIASES.get(starred, starred) in EXTERNAL_BASES:
                    return starred
        return qualname

    def mro(self, qualname: str) -> tuple[str, ...]:
        """Qualified names of the class and all its ancestors, nearest first (C3-ish, cycle-safe).

        Ancestors that are not indexed (Django, DRF, third parties) appear as written.
        """
        qualname = ALIASES.get(qualname, qualname)
        qualname = self.canonical(qualname)
        qualname = ALIASES.get(qualname, qualname)
        if qualname in self._mro:
            return self._mro[qualname]
        self._mro[qualname] = (qualname,)  # a class inheriting from itself ends here
        order = [qualname]
        ref = self.resolve(qualname)
        bases = [self._base_name(ref, b) for b in ref.fact.bases] if ref else EXTERNAL_BASES.get(qualname, ())
        for base in bases:
            for ancestor in self.mro(base):
                if ancestor not in order:
                    order.append(ancestor)
        self._mro[qualname] = tuple(order)
        return self._mro[qualname]

    def bases(self, qualname: str) -> tuple[str, ...]:
        """The direct bases of a class, named as `mro` names them (canonical, aliases applied);
        for a class that is not indexed, its bases from the knowledge table."""
        qualname = self.mro(qualname)[0]
        ref = self.resolve(qualname)
        names = [self._base_name(ref, b) for b in ref.fact.bases] if ref else EXTERNAL_BASES.get(qualname, ())
        return tuple(self.mro(name)[0] for name in names)

    def _base_name(self, ref: ClassRef, base: str) -> str:  # noqa: D401
        # An unqualified base that the extractor could not qualify may be a star import.
        if "." not in base:
            candidate = f"{ref.module}.{base}"
            if self.resolve(candidate):
                return candidate
            # `from django.db.models import *` of a module nobody indexed: a known name there.
            facts = self._facts.get(ref.module)
            for imported in facts.imports if facts is not None else ():
                if imported.local == "*":
                    starred = f"{imported.target}.{base}"
                    if ALIASES.get(starred, starred) in EXTERNAL_BASES:
                        return starred
        return base

    def is_subclass(self, qualname: str, *bases: str) -> bool:
        ancestors = self.mro(qualname)
        return any(base in ancestors for base in bases)

    def classes(self) -> Iterator[ClassRef]:
        for module, facts in self._facts.items():
            for fact in facts.classes:
                yield ClassRef(module, fact)
