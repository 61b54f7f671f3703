"""Guidance documents for the engagement: the context library shipped in the package
(`memory/library/*.md`) plus a project's own documents, served within a file budget.

`ContextProvider` is the interface of engagement step 3; `LibraryContextProvider` is the
default. Every document starts with front matter (see `frontmatter.py`)::

    ---
    id: security-auth
    title: Authentication, permissions and sessions
    domain: python
    conditions: [django, drf]
    topics: [security, auth]
    rules: [DJE401, DJE402]
    ---

`rules` links rule codes to the document that explains them (`guidance_for_rule`), which is
what a hover on a finding shows. A malformed document is skipped and the reason recorded.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django_expert.memory.frontmatter import parse_front_matter
from django_expert.memory.paths import safe_join, slugify_project

DEFAULT_DOMAIN = "python"
DEFAULT_BUDGET = 12
MAX_DOCUMENT_BYTES = 200_000
MAX_PROJECT_DOCUMENTS = 200
LIBRARY = "library"
PROJECT = "project"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_WORD = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RULE = re.compile(r"^DJE\d{3}$")


@dataclass(frozen=True)
class ContextDocMeta:
    """What the index says about a document; `path` is where it is read from (a file path when
    the package is installed as files), `summary` its first paragraph (for hovers)."""

    id: str
    title: str
    domain: str
    conditions: tuple[str, ...]
    topics: tuple[str, ...]
    rules: tuple[str, ...]
    source: str  # "library" or "project"
    path: str
    summary: str
    priority: int = 100


@dataclass(frozen=True)
class ContextDoc:
    meta: ContextDocMeta
    body: str  # the Markdown after the front matter

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class ContextCall:
    """One call of the provider: what it asked for, which documents it returned and which it
    had to skip because the budget was spent."""

    method: str
    arguments: tuple[str, ...]
    returned: tuple[str, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class ContextLoadRecord:
    """What the engagement's "Context loaded" section reports."""

    budget: int
    loaded: tuple[str, ...]
    skipped: tuple[str, ...]
    calls: tuple[ContextCall, ...]
    problems: tuple[str, ...]
    overrides: tuple[str, ...]


class ContextProvider(Protocol):
    """The context interface of the engagement (step 3)."""

    def get_domain_index(self, domain: str) -> list[ContextDocMeta]: ...

    def get_conditional_context(self, domain: str, condition: str) -> list[ContextDoc]: ...

    def get_cross_domain_context(self, domain: str, topics: list[str]) -> list[ContextDoc]: ...


# -- reading documents ------------------------------------------------------------------------


def _words(fields: dict, key: str, pattern: re.Pattern[str] = _WORD, *, upper: bool = False) -> tuple[str, ...]:
    value = fields.get(key, [])
    items = [value] if isinstance(value, str) else value
    items = [item.upper() if upper else item.lower() for item in items if item]
    for item in items:
        if not pattern.match(item):
            raise ValueError(f"'{key}' has an invalid entry {item!r}")
    return tuple(dict.fromkeys(items))


def _summary(body: str) -> str:
    paragraph: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not paragraph:
            continue
        if not stripped:
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = " ".join(paragraph)
    return text if len(text) <= 300 else text[:297].rstrip() + "..."


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def read_document(text: str, *, source: str, path: str, default_id: str | None = None) -> ContextDoc:
    """Parse one guidance document. Raises ValueError (FrontMatterError included) naming the problem.

    `default_id` (project documents) lets a document without front matter load with
    defaults: that id, domain python, condition django, no topics.
    """
    fields, body = parse_front_matter(text)
    if not fields:
        if default_id is None:
            raise ValueError("no front matter (a '---' header with id, domain, topics)")
        fields = {"id": default_id, "domain": DEFAULT_DOMAIN, "conditions": ["django"]}
    doc_id = fields.get("id")
    if not isinstance(doc_id, str) or not _ID.match(doc_id):
        raise ValueError(f"'id' must be lowercase letters, digits and '-', got {doc_id!r}")
    domain = fields.get("domain")
    if not isinstance(domain, str) or not _WORD.match(domain.lower()):
        raise ValueError(f"'domain' is missing or invalid ({domain!r})")
    title = fields.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError("'title' must be text")
    priority = fields.get("priority", "100")
    if not isinstance(priority, str) or not priority.isdigit():
        raise ValueError(f"'priority' must be a whole number, got {priority!r}")
    meta = ContextDocMeta(
        id=doc_id,
        title=title or _first_heading(body) or doc_id,
        domain=domain.lower(),
        conditions=_words(fields, "conditions"),
        topics=_words(fields, "topics"),
        rules=_words(fields, "rules", _RULE, upper=True),
        source=source,
        path=path,
        summary=_summary(body),
        priority=int(priority),
    )
    return ContextDoc(meta, body)


@functools.lru_cache(maxsize=1)
def _library() -> tuple[tuple[ContextDoc, ...], tuple[str, ...]]:
    docs: list[ContextDoc] = []
    problems: list[str] = []
    seen: set[str] = set()
    root = importlib.resources.files("django_expert.memory") / LIBRARY
    try:
        entries = sorted((e for e in root.iterdir() if e.name.endswith(".md")), key=lambda e: e.name)
    except (OSError, FileNotFoundError) as error:  # pragma: no cover - broken installation
        return (), (f"context library cannot be read: {error}",)
    for entry in entries:
        try:
            doc = read_document(entry.read_text(encoding="utf-8"), source=LIBRARY, path=str(entry))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(f"library/{entry.name}: {error}; skipped")
            continue
        if doc.id in seen:
            problems.append(f"library/{entry.name}: id '{doc.id}' is used twice; skipped")
            continue
        seen.add(doc.id)
        docs.append(doc)
    return tuple(docs), tuple(problems)


def library_documents() -> list[ContextDoc]:
    """Every document of the shipped context library, in file-name order."""
    return list(_library()[0])


def guidance_for_rule(code: str) -> ContextDocMeta | None:
    """The shipped document that backs rule `code` (its hover and docs link), or None."""
    code = code.upper()
    return next((doc.meta for doc in _library()[0] if code in doc.meta.rules), None)


def _read_project_documents(workspace: Path, folder: str) -> tuple[list[ContextDoc], list[str]]:
    docs: list[ContextDoc] = []
    problems: list[str] = []
    directory = safe_join(workspace, folder)
    if not directory.is_dir():
        return docs, [f"{folder}: no such folder; no project documents loaded"]
    seen: dict[str, str] = {}
    paths = sorted(p for p in directory.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(directory).parts))
    for path in paths[:MAX_PROJECT_DOCUMENTS]:
        relative = path.relative_to(workspace).as_posix()
        try:
            safe_join(workspace, relative)
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise ValueError(f"larger than {MAX_DOCUMENT_BYTES} bytes")
            text = path.read_bytes().decode("utf-8")
            default_id = "project-" + slugify_project(path.stem)
            doc = read_document(text, source=PROJECT, path=str(path), default_id=default_id)
            if doc.id in seen:
                raise ValueError(f"id '{doc.id}' is already used by {seen[doc.id]}")
            seen[doc.id] = relative
            docs.append(doc)
        except UnicodeDecodeError:
            problems.append(f"{relative}: not valid UTF-8; skipped")
        except (OSError, ValueError) as error:
            problems.append(f"{relative}: {error}; skipped")
    if len(paths) > MAX_PROJECT_DOCUMENTS:
        problems.append(f"{folder}: only the first {MAX_PROJECT_DOCUMENTS} documents are read")
    return docs, problems


# -- the provider -----------------------------------------------------------------------------


class LibraryContextProvider:
    """The shipped library plus the project's documents in `project_dir` (relative to
    `workspace`; ValueError if it leaves it), at most `budget` documents loaded in all.

    A project document with the id of a library document replaces it. Documents come
    project first, then by `priority` and id. The index is free; documents returned by
    `get_conditional_context` / `get_cross_domain_context` count against the budget once
    each, and those that do not fit are recorded in `skipped`.
    """

    def __init__(
        self,
        workspace: str | os.PathLike[str] | None = None,
        project_dir: str | None = None,
        *,
        budget: int = DEFAULT_BUDGET,
        include_library: bool = True,
    ) -> None:
        if budget < 0:
            raise ValueError("the context budget cannot be negative")
        self.budget = budget
        problems: list[str] = []
        overrides: list[str] = []
        library: list[ContextDoc] = []
        if include_library:
            library_docs, library_problems = _library()
            library = list(library_docs)
            problems += library_problems
        project: list[ContextDoc] = []
        if project_dir:
            if workspace is None:
                raise ValueError("a project context folder needs the workspace it is relative to")
            project, project_problems = _read_project_documents(Path(workspace).resolve(), project_dir)
            problems += project_problems
        by_id: dict[str, ContextDoc] = {doc.id: doc for doc in project}
        for doc in library:
            if doc.id in by_id:
                overrides.append(doc.id)
                continue
            by_id[doc.id] = doc
        self._docs = sorted(by_id.values(), key=lambda d: (d.meta.source != PROJECT, d.meta.priority, d.id))
        self._problems = tuple(problems)
        self._overrides = tuple(overrides)
        self._loaded: list[str] = []
        self._skipped: list[str] = []
        self._calls: list[ContextCall] = []

    @property
    def loaded(self) -> tuple[str, ...]:
        """Ids of the documents loaded so far, in the order they were loaded."""
        return tuple(self._loaded)

    @property
    def skipped(self) -> tuple[str, ...]:
        """Ids of documents that matched a request but did not fit in the budget."""
        return tuple(self._skipped)

    @property
    def problems(self) -> tuple[str, ...]:
        return self._problems

    @property
    def overrides(self) -> tuple[str, ...]:
        """Library ids replaced by a project document with the same id."""
        return self._overrides

    def record(self) -> ContextLoadRecord:
        return ContextLoadRecord(
            self.budget, self.loaded, self.skipped, tuple(self._calls), self._problems, self._overrides
        )

    def catalogue(self) -> list[ContextDocMeta]:
        """Every document available, whatever its domain (free: loads nothing)."""
        return [doc.meta for doc in self._docs]

    def document(self, doc_id: str) -> ContextDoc | None:
        """One document by id, outside the engagement (a hover): not counted in the budget."""
        return next((doc for doc in self._docs if doc.id == doc_id), None)

    def guidance_for_rule(self, code: str) -> ContextDocMeta | None:
        """The document backing rule `code`: the project's own first, then the library's."""
        code = code.upper()
        return next((doc.meta for doc in self._docs if code in doc.meta.rules), None)

    # -- the interface --------------------------------------------------------------------------

    def get_domain_index(self, domain: str) -> list[ContextDocMeta]:
        domain = domain.lower()
        return [doc.meta for doc in self._docs if doc.meta.domain == domain]

    def get_conditional_context(self, domain: str, condition: str) -> list[ContextDoc]:
        domain, condition = domain.lower(), condition.lower()
        matching = [d for d in self._docs if d.meta.domain == domain and condition in d.meta.conditions]
        return self._deliver("get_conditional_context", (domain, condition), matching)

    def get_cross_domain_context(self, domain: str, topics: list[str]) -> list[ContextDoc]:
        """Documents on any of `topics`, from every domain: most topics matched first, then
        `domain`'s own before other domains'."""
        domain = domain.lower()
        wanted = [topic.lower() for topic in topics]
        order = {doc.id: index for index, doc in enumerate(self._docs)}
        matching = [d for d in self._docs if any(topic in d.meta.topics for topic in wanted)]
        matching.sort(key=lambda d: (-sum(t in d.meta.topics for t in wanted), d.meta.domain != domain, order[d.id]))
        return self._deliver("get_cross_domain_context", (domain, *wanted), matching)

    def _deliver(self, method: str, arguments: tuple[str, ...], candidates: list[ContextDoc]) -> list[ContextDoc]:
        returned: list[ContextDoc] = []
        skipped: list[str] = []
        for doc in candidates:
            if doc.id not in self._loaded:
                if len(self._loaded) >= self.budget:
                    skipped.append(doc.id)
                    if doc.id not in self._skipped:
                        self._skipped.append(doc.id)
                    continue
                self._loaded.append(doc.id)
            returned.append(doc)
        self._calls.append(ContextCall(method, arguments, tuple(d.id for d in returned), tuple(skipped)))
        return returned
