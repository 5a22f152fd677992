"""Run the deduplicator on a Dask cluster (``seedsift dedupe --engine dask``).

Import-light on purpose: this package is imported by the CLI only when the
Dask engine is asked for, and each submodule imports ``dask`` lazily, so the
local engine never needs Dask installed.
"""

from __future__ import annotations

from .cluster import INSTALL_HINT, dask_client, require_dask


def find_duplicates_dask(docs, config=None, *, scheduler=None, progress=None, **kwargs):
    """``dedupe.find_duplicates`` on Dask; see :func:`seedsift.dask_engine.engine.find_duplicates_dask`."""
    require_dask()
    from .engine import find_duplicates_dask as run

    return run(docs, config, scheduler=scheduler, progress=progress, **kwargs)


__all__ = ["INSTALL_HINT", "dask_client", "find_duplicates_dask", "require_dask"]
