"""The cyclic garbage collector's schedule for analysis.

Analysis allocates millions of small objects that live until the process ends or the model
is rebuilt (trees, facts, the model), and almost none of them form garbage cycles. With
CPython's default schedule (a young collection every 700 allocations, a full one every
100 young ones) the collector re-scans those live objects again and again: 35-45 % of a
cold check's CPU time on the benchmark corpora. Collecting far less often keeps the
collector (cycles are still freed, in the server too) at a few percent, for about 10-15 %
more peak memory. Measured in `tests/benchmarks/run.py` (see the README's figures).

The language server collects as CPython does, except while it indexes a folder: a long-lived
process that rebuilds the model on edits makes garbage cycles all the time (each replaced
ProjectModel and its indexes), and with the analysis schedule a full collection almost never
comes. The garbage piles up, and pymalloc keeps the arenas it filled: over 10,000 fuzz edits
on healthchecks (tests/benchmarks/fuzz_lsp.py, seed 11) RSS went 167 -> 345 MB (x2.07, 1.24
million objects collected at the end) with the analysis schedule, 163 -> 212 MB (x1.30)
with CPython's; on the shop sample without jedi requests x1.36 against x1.08.

A cold `check` indexes without collecting at all (`indexing`): everything indexing builds
lives until the run ends (facts, the trees rules read, the model) and it makes no garbage
cycles, so each young collection only re-scanned live objects, and the young collections
grew with the project (0.36 s of 3.9 on 4,000 model files, 0.09 s of 1.3 on 1,000). What it
built is then frozen out of the collector's sight; checking collects on the analysis schedule.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A young collection every 100,000 net allocations; the full one as CPython schedules it
# (and skips while fewer than a quarter of long-lived objects are new).
ANALYSIS_THRESHOLDS = (100_000, 50, 1000)


# CPython's own schedule: a young collection every 700 net allocations.
SERVER_THRESHOLDS = (700, 10, 10)


def tune_for_analysis() -> None:
    """Collect rarely: called once by each front end's entry point, before any analysis."""
    gc.set_threshold(*ANALYSIS_THRESHOLDS)


def tune_for_server() -> None:
    """Collect as CPython does: the language server's entry point, before anything runs."""
    gc.set_threshold(*SERVER_THRESHOLDS)


@contextmanager
def bulk_analysis() -> Iterator[None]:
    """The analysis schedule for a bulk job in the server (indexing and checking a folder),
    then the previous schedule back and the garbage of the job collected."""
    previous = gc.get_threshold()
    gc.set_threshold(*ANALYSIS_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.collect()


@contextmanager
def indexing() -> Iterator[None]:
    """A batch run's indexing: no collection while it runs, then everything alive frozen
    (`gc.freeze`), so the collections of the rest of the run scan only what comes after.
    Frozen objects are still freed when no reference is left (a released tree), but a
    frozen garbage cycle is not: call `thaw()` when the run ends in a process that goes on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def thaw() -> None:
    """What `indexing()` froze back under the collector (a run ends, the process goes on)."""
    gc.unfreeze()
