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
tuple of field values instead, rebuilt by the class itself. The facts and locations of all
files are pickled apart, as one list, and unpickled only when a file's are first read
(`Deferred`): a start whose findings all hold never reads them (0.35 s of a warm start on
3,743 files). An unchanged cache is not written again.

A cache is written atomically: pickled into a temporary file of the cache folder, then
renamed over the old one, so a reader sees the old cache or the new one, never half of one.
A process killed mid-write (an editor that does not wait for its server to exit) leaves its
temporary file behind: the next load removes the ones whose writer is gone.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import logging
import operator
import os
import pickle
import tempfile
import time
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
    fixes: tuple = ()  # (finding, fix, deps of the fix) for the fixes computed of `findings`


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
    remove_stale_temporaries(path.parent)
    try:
        with path.open("rb") as stream:
            stored = pickle.load(stream)
        return _loaded(stored)
    except FileNotFoundError:
        return Contents()
    except Exception as error:  # a corrupt or foreign cache is only a cold start
        log.warning("ignoring unreadable cache %s: %s", path, error)
        return Contents()


@dataclass(frozen=True, slots=True)
class Pending:
    """A cache to write: taken on the engine's thread (it holds only frozen facts and copies),
    so `write()` may run on any other."""

    path: Path
    contents: Contents

    def write(self) -> bool:
        """Write the cache atomically; False (logged) when it cannot be written."""
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False,
                                             prefix=f"{self.path.name}.{os.getpid()}.", suffix=TEMPORARY) as stream:
                temporary = Path(stream.name)
                _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(_stored(self.contents))
            os.replace(temporary, self.path)
            return True
        except Exception as error:  # a full disk, or an object pickle refuses: only a colder start
            log.warning("cannot write cache %s: %s", self.path, error)
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            return False


def prepare(cache_dir: Path | None, roots: Iterable[Path], states: Iterable, digest: Callable[[object], str],
            projects: dict[str, str] | None = None, previous: Contents | None = None) -> Pending | None:
    """The cache of `states` to write, unless it would say what `previous` (the cache loaded
    or last written) says already."""
    contents = Contents(_entries(states, digest, previous), dict(projects or {}))
    if previous is not None and _same(contents, previous):
        return None
    return Pending(_cache_file(cache_dir, roots), contents)


def save(cache_dir: Path | None, roots: Iterable[Path], states: Iterable, digest: Callable[[object], str],
         projects: dict[str, str] | None = None, previous: Contents | None = None) -> Contents | None:
    """Write the cache of `states` now (see `prepare`). Returns what was written, None when
    nothing was."""
    pending = prepare(cache_dir, roots, states, digest, projects, previous)
    return pending.contents if pending is not None and pending.write() else None


TEMPORARY = ".tmp"
STALE_AFTER = 3600.0  # seconds: no write takes an hour, whatever the pid says


def remove_stale_temporaries(folder: Path) -> int:
    """Remove the temporary files of cache writes that will never end (their process is
    gone, or they are an hour old); returns how many were removed."""
    removed = 0
    try:
        candidates = [entry for entry in os.scandir(folder)
                      if entry.name.startswith("facts-") and entry.name.endswith(TEMPORARY)]
    except OSError:
        return 0
    for entry in candidates:
        try:
            if _writer_alive(entry.name) and time.time() - entry.stat().st_mtime < STALE_AFTER:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def _writer_alive(name: str) -> bool:
    """Whether the process named in a temporary file's name (`facts-...pickle.<pid>.xxx.tmp`)
    still runs (a name without a pid was written by an older version: not alive)."""
    pid = name.partition(".pickle.")[2].split(".")[0]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid() or os.name == "nt":  # on Windows, signal 0 is CTRL_C_EVENT: trust the age
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: keep it
    return True


def _entries(states: Iterable, digest: Callable[[object], str],
             previous: Contents | None = None) -> dict[str, CachedFile]:
    entries = {}
    old_files = previous.files if previous is not None else {}
    config_digests: dict[int, tuple[object, str]] = {}  # one digest per Config, not per file
    for state in states:
        if state.raw_facts is None or not state.digest:
            continue
        config = state.config
        known = config_digests.get(id(config))
        if known is None or known[0] is not config:
            known = config_digests[id(config)] = (config, digest(config))
        # An unsaved buffer's findings are not the file's, and findings computed while a rule
        # crashed are incomplete: neither is kept.
        keep = state.text is None and not state.crashed
        path = str(state.path)
        findings = state.findings if keep else None
        fixes = state.fixes if findings is not None and state.fixes_of is findings else {}
        old = old_files.get(path)
        # The entry a start loaded, when the file still holds its very objects: the engine
        # assigns deps only together with findings (from the cache, or by a check), so the
        # same findings object means the same deps; an unchanged warm start builds nothing
        # and `_same` compares by identity (0.1 s of a warm start on 3,743 files).
        if (old is not None and findings is not None and old.findings is findings and old.facts is state.raw_facts
                and old.locations is state.raw_locations and old.digest == state.digest
                and old.module == state.module and old.config == known[1] and len(old.fixes) == len(fixes)):
            entries[path] = old
            continue
        entries[path] = CachedFile(
            state.digest, state.module, state.raw_facts, state.raw_locations,
            findings, tuple(state.deps.items()), known[1],
            tuple((finding, fix, deps) for finding, (fix, deps) in fixes.items()),
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
                or entry.deps != other.deps or entry.fixes != other.fixes):
            return False
        for mine, theirs in ((entry.facts, other.facts), (entry.locations, other.locations),
                             (entry.findings, other.findings)):
            if mine is not theirs and value(mine) != value(theirs):
                return False
    return True


# -- facts read on first use -------------------------------------------------------------------

_FORMAT = "django-expert facts cache 3"


class _Heap:
    """The facts and locations of every file of a loaded cache, one pickle unpickled when
    the first of them is read (a start whose findings all hold never reads one)."""

    __slots__ = ("_blob", "_count", "_values")

    def __init__(self, blob: list[bytes], count: int) -> None:
        self._blob, self._count, self._values = blob, count, None

    def values(self) -> list:
        if self._values is None:
            enabled = gc.isenabled()
            gc.disable()  # a million objects that all live: nothing for the collector to find
            try:
                values = [value for chunk in self._blob for value in pickle.loads(chunk)]
                if len(values) != self._count:
                    raise ValueError("not the facts of this cache")
            except Exception as error:  # a damaged cache: those files have no facts until parsed again
                log.warning("ignoring unreadable facts in the cache: %s", error)
                from django_expert.analyzers.facts.types import Locations

                values = [None, Locations()] * (self._count // 2)
            finally:
                if enabled:
                    gc.enable()
            self._values, self._blob = values, None
        return self._values


class Deferred:
    """One file's facts or locations in a loaded cache, read on first use (`value`)."""

    __slots__ = ("_heap", "_index")

    def __init__(self, heap: _Heap, index: int) -> None:
        self._heap, self._index = heap, index

    def value(self) -> object:
        return self._heap.values()[self._index]


def value(item: object) -> object:
    """`item`, or what it stands for when it is `Deferred`."""
    return item.value() if type(item) is Deferred else item


def values(mapping: dict) -> dict:
    """`mapping` with every `Deferred` value read."""
    return {key: item.value() if type(item) is Deferred else item for key, item in mapping.items()}


CHUNK = 512  # facts and locations pickled together, 256 files' worth


def _stored(contents: Contents) -> tuple:
    """What is pickled: the entries with their facts and locations as indexes into one list,
    pickled on its own (so a load can leave it unread), in chunks: a pickler remembers every
    object it wrote, and one memo of a million facts objects was the peak memory of a cold
    check."""
    heap: list = []
    files = {}
    for path, entry in contents.files.items():
        heap += (value(entry.facts), value(entry.locations))
        files[path] = CachedFile(entry.digest, entry.module, len(heap) - 2, len(heap) - 1, entry.findings,
                                 entry.deps, entry.config, entry.fixes)
    chunks = []
    for start in range(0, len(heap), CHUNK):
        blob = io.BytesIO()
        _Pickler(blob, protocol=pickle.HIGHEST_PROTOCOL).dump(heap[start:start + CHUNK])
        chunks.append(blob.getvalue())
    return (_FORMAT, files, contents.projects, chunks, len(heap))


def _loaded(stored: object) -> Contents:
    if not (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == _FORMAT):
        return Contents()
    _, files, projects, blob, count = stored
    heap = _Heap(blob, count)
    return Contents({path: CachedFile(entry.digest, entry.module, Deferred(heap, entry.facts),
                                      Deferred(heap, entry.locations), entry.findings, entry.deps, entry.config,
                                      entry.fixes)
                     for path, entry in files.items()}, projects)


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
