"""Bring a corpus's check index up to date (``seedsift index build|update``, ``seedsift dedupe --index``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def sync_index(corpus: Path, config, index_path: Path | None = None, *, rebuild: bool = False,
               progress=None, jobs: int | None = None, warn: Callable[[str], None] | None = None) -> dict:
    """Bring the index of ``corpus`` up to date; ``warn`` gets the one-line warnings (a rebuilt index).

    Returns the update statistics. Fingerprints of new pages are computed on
    ``jobs`` processes when there are many.
    """
    from seedsift.check.index import fingerprints, open_corpus_index

    kw = {} if warn is None else {"warn": warn}
    with open_corpus_index(corpus, config, index_path, check=True, rebuild=rebuild, **kw) as ix:
        fp_many = None
        jobs = jobs or os.cpu_count() or 1
        with contextlib.ExitStack() as stack:
            if jobs > 1:
                from functools import partial

                from seedsift.pipeline.workers import worker_pool

                pool = stack.enter_context(worker_pool(jobs))

                def fp_many(texts):
                    chunk = max(1, len(texts) // jobs + 1)
                    parts = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
                    return [fp for part in pool.map(partial(fingerprints, config=config), parts) for fp in part]

            st = ix.update(progress=progress, fingerprint_many=fp_many)
        return {"index": str(ix.path), **st.as_dict()}
