"""Engine choice: the deduplicator on all cores of this machine, or on a Dask cluster."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from seedsift.pipeline.lexicon_cache import warm_script_table

#: Below this many documents the worker pool costs more than it saves.
MIN_POOL_DOCS = 64


#: Most tasks a worker takes at a time: fewer round trips for a large corpus.
MAX_CHUNK = 16


def chunksize_for(tasks: int, jobs: int) -> int:
    """Tasks per hand-over to a worker: up to :data:`MAX_CHUNK`, but small enough that every
    worker gets about four hand-overs. With a fixed 16, a corpus of fewer than 16 batches
    (4,096 documents) went to one worker whole, and the other cores idled.

    >>> chunksize_for(14, 2), chunksize_for(124, 2), chunksize_for(10_000, 2)
    (1, 15, 16)
    """
    return max(1, min(MAX_CHUNK, tasks // (4 * max(1, jobs))))


def run_find_duplicates(pairs: Sequence[tuple[str, str]], config, *, engine: str = "local", jobs: int | None = None,
                        scheduler: str | None = None, progress: Callable | None = None):
    """``dedupe.find_duplicates`` of ``(doc_id, text)`` pairs on ``jobs`` processes (all cores by default),
    or with ``engine="dask"`` on a Dask cluster (``scheduler`` address, else a local one)."""
    from seedsift.dedupe import find_duplicates

    if engine == "dask":
        from seedsift.dask_engine import find_duplicates_dask

        return find_duplicates_dask(pairs, config, scheduler=scheduler, progress=progress)
    jobs = jobs or os.cpu_count() or 1
    warm_script_table()  # the folding table from the cache (or built once); forked workers inherit it
    if jobs > 1 and len(pairs) >= MIN_POOL_DOCS:
        from seedsift.pipeline.workers import worker_pool

        with worker_pool(jobs) as pool:
            def map_fn(f, tasks):
                tasks = list(tasks)
                return pool.map(f, tasks, chunksize=chunksize_for(len(tasks), jobs))

            return find_duplicates(pairs, config, map_fn=map_fn, progress=progress, threads=jobs)
    return find_duplicates(pairs, config, progress=progress, threads=jobs)
