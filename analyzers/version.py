"""The analyzer version: part of every cache key, so facts or findings computed by other code
are never read back.

ANALYZER_VERSION is the release; `code_digest()` fingerprints the analyzer's own source
(facts, project model, rules, knowledge), so a development checkout or an upgrade that
changes what facts or findings mean starts from a cold cache instead of stale results.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

ANALYZER_VERSION = "0.1.0"


@cache
def code_digest() -> str:
    digest = hashlib.blake2b(ANALYZER_VERSION.encode(), digest_size=8)
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
