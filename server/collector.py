"""The cyclic garbage collector's schedule for analysis.

Analysis allocates millions of small objects that live until the process ends or the model
is rebuilt (trees, facts, the model), and almost none of them form garbage cycles. With
CPython's default schedule (a young collection every 700 allocations, a full one every
100 young ones) the collector re-scans those live objects again and again: 35-45 % of a
cold check's CPU time on the benchmark corpora. Collecting far less often keeps the
collector (cycles are still freed, in the server too) at a few percent, for about 10-15 %
more peak memory. Measured in `tests/benchmarks/run.py` (see the README's figures).
"""

from __future__ import annotations

import gc

# A young collection every 100,000 net allocations; the full one as CPython schedules it
# (and skips while fewer than a quarter of long-lived objects are new).
ANALYSIS_THRESHOLDS = (100_000, 50, 1000)


def tune_for_analysis() -> None:
    """Collect rarely: called once by each front end's entry point, before any analysis."""
    gc.set_threshold(*ANALYSIS_THRESHOLDS)
