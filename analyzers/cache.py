"""The on-disk cache of facts and findings, so a second start parses nothing unchanged.

One file per workspace (a pickle: fast to load whole), in the user cache directory, keyed
by the workspace roots and the analyzer version. Entries are keyed by path and checked
against the file's content digest; findings also carry the config digest and the
fingerprints of the fact keys they read, which the engine re-validates. Each project's
signature (its layout, configuration and every file's digest) lets a start whose project is
unchanged skip that re-validation: its findings were valid for the very same facts.

Facts are frozen dataclasses with slots; pickle's default for them goes through
`dataclasses._dataclass_getstate`/`_setstate` (two Python calls and a `fields()` per
object, 4.6 of a 12 MB cache's 7 s save and load); they are stored as their class and a
tuple of field values instead, rebuilt by the class itself. An unchanged cache is not
written again.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import logging
import operator
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django_expert.analyzers.version import ANALYZER_VERSION, code_digest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CachedFile:
    digest: str
    module: str
    facts: object
    locations: object
    findings: tuple | None
    deps: tuple
    config: str


@dataclass
class Contents:
    """What a cache file holds: the entries by path, and each project's signature by root."""

    files: dict[str, CachedFile] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> CachedFile | None:
        return self.files.get(path)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("DJANGO_EXPERT_CACHE_DIR") or user_cache_dir("django-expert"))


def _cache_file(cache_dir: Path | None, roots: Iterable[Path]) -> Path:
    key = hashlib.blake2b("\n".join(sorted(str(r) for r in roots)).encode(), digest_size=10).hexdigest()
    return (cache_dir or default_cache_dir()) / f"facts-{ANALYZER_VERSION}-{code_digest()}-{key}.pickle"


def load(cache_dir: Path | None, roots: Iterable[Path]) -> Contents:
    path = _cache_file(cache_dir, roots)
    try:
        with path.open("rb") as stream:
            contents = pickle.load(stream)
        return contents if isinstance(contents, Contents) else Contents()
    except FileNotFoundError:
        return Contents()
    except Exception as error:  # a corrupt or foreign cache is only a cold start
        log.warning("ignoring unreadable cache %s: %s", path, error)
        return Contents()


def save(cache_dir: Path | None, roots: Iterable[Path], states: Iterable, digest: Callable[[object], str],
         projects: dict[str, str] | None = None, previous: Contents | None = None) -> Contents | None:
    """Write the cache of `states`, unless it would say what `previous` (the cache loaded or
    last written) says already. Returns what was written, None when nothing was."""
    path = _cache_file(cache_dir, roots)
    contents = Contents(_entries(states, digest), dict(projects or {}))
    if previous is not None and _same(contents, previous):
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as stream:
            temporary = Path(stream.name)
            _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(contents)
        os.replace(temporary, path)
        return contents
    except OSError as error:
        log.warning("cannot write cache %s: %s", path, error)
        return None


def _entries(states: Iterable, digest: Callable[[object], str]) -> dict[str, CachedFile]:
    entries = {}
    config_digests: dict[int, tuple[object, str]] = {}  # one digest per Config, not per file
    for state in states:
        if state.facts is None or not state.digest:
            continue
        config = state.config
        known = config_digests.get(id(config))
        if known is None or known[0] is not config:
            known = config_digests[id(config)] = (config, digest(config))
        # An unsaved buffer's findings are not the file's, and findings computed while a rule
        # crashed are incomplete: neither is kept.
        keep = state.text is None and not state.crashed
        entries[str(state.path)] = CachedFile(
            state.digest, state.module, state.facts, state.locations,
            state.findings if keep else None, tuple(state.deps.items()), known[1],
        )
    return entries


def _same(new: Contents, old: Contents) -> bool:
    """Whether two caches hold the same entries (objects taken from the loaded cache compare
    by identity first, so an unchanged start costs one pass of cheap comparisons)."""
    if new.projects != old.projects or new.files.keys() != old.files.keys():
        return False
    for path, entry in new.files.items():
        other = old.files[path]
        if entry is other:
            continue
        if (entry.digest != other.digest or entry.module != other.module or entry.config != other.config
                or entry.deps != other.deps):
            return False
        for mine, theirs in ((entry.facts, other.facts), (entry.locations, other.locations),
                             (entry.findings, other.findings)):
            if mine is not theirs and mine != theirs:
                return False
    return True


# -- a compact pickle of dataclasses ---------------------------------------------------------

_FIELDS: dict[type, Callable[[object], tuple] | None] = {}


def _field_values(cls: type) -> Callable[[object], tuple] | None:
    """A function from an instance of `cls` to its field values in `__init__` order, or None
    when `cls` is no dataclass its own `__init__` can rebuild from them."""
    if cls not in _FIELDS:
        getter = None
        if dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__"):
            fields = dataclasses.fields(cls)
            if all(f.init for f in fields):
                names = [f.name for f in fields]
                if len(names) == 1:
                    one = operator.attrgetter(names[0])
                    getter = lambda obj: (one(obj),)  # noqa: E731 - attrgetter of one name gives no tuple
                elif names:
                    getter = operator.attrgetter(*names)
                else:
                    getter = lambda obj: ()  # noqa: E731
        _FIELDS[cls] = getter
    return _FIELDS[cls]


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()

    def reducer_override(self, obj):  # called for every object that is not a builtin container or scalar
        cls = type(obj)
        values = _field_values(cls) if cls is not type else None
        if values is None:
            return NotImplemented
        return cls, values(obj)
