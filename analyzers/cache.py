"""The on-disk cache of facts and findings, so a second start parses nothing unchanged.

One file per workspace (a pickle: fast to load whole), in the user cache directory, keyed
by the workspace roots and the analyzer version. Entries are keyed by path and checked
against the file's content digest; findings also carry the config digest and the
fingerprints of the fact keys they read, which the engine re-validates.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("DJANGO_EXPERT_CACHE_DIR") or user_cache_dir("django-expert"))


def _cache_file(cache_dir: Path | None, roots: Iterable[Path]) -> Path:
    key = hashlib.blake2b("\n".join(sorted(str(r) for r in roots)).encode(), digest_size=10).hexdigest()
    return (cache_dir or default_cache_dir()) / f"facts-{ANALYZER_VERSION}-{code_digest()}-{key}.pickle"


def load(cache_dir: Path | None, roots: Iterable[Path]) -> dict[str, CachedFile]:
    path = _cache_file(cache_dir, roots)
    try:
        with path.open("rb") as stream:
            entries = pickle.load(stream)
        return entries if isinstance(entries, dict) else {}
    except FileNotFoundError:
        return {}
    except Exception as error:  # a corrupt or foreign cache is only a cold start
        log.warning("ignoring unreadable cache %s: %s", path, error)
        return {}


def save(cache_dir: Path | None, roots: Iterable[Path], states: Iterable, digest: Callable[[object], str]) -> None:
    path = _cache_file(cache_dir, roots)
    entries = {}
    for state in states:
        if state.facts is None or not state.digest:
            continue
        # An unsaved buffer's findings are not the file's, and findings computed while a rule
        # crashed are incomplete: neither is kept.
        keep = state.text is None and not state.crashed
        entries[str(state.path)] = CachedFile(
            state.digest, state.module, state.facts, state.locations,
            state.findings if keep else None, tuple(state.deps.items()), digest(state.config),
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as stream:
            pickle.dump(entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            temporary = Path(stream.name)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("cannot write cache %s: %s", path, error)
