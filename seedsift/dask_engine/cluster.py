"""Connecting to a Dask cluster, or starting a private one on loopback, and reporting progress.

Everything here imports ``distributed`` lazily: the local engine must keep
working on a machine without Dask, and the import alone costs ~0.5 s.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int, int], None]

INSTALL_HINT = "--engine dask needs Dask; install seedsift[dask] (pip install 'seedsift[dask]')"


def require_dask():
    """Import ``distributed`` or fail with one actionable line (the CLI prints it, exit 2)."""
    from ..errors import UsageProblem

    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise UsageProblem(INSTALL_HINT) from None
    return distributed


#: glibc malloc settings of the private cluster's worker processes. Dask's nanny sets
#: ``MALLOC_TRIM_THRESHOLD_=65536`` (``distributed.nanny.pre-spawn-environ``) so that a
#: worker hands freed memory back at once; setting it also switches off glibc's adaptive
#: mmap threshold, so every numpy array above 128 KB -- every per-batch temporary of the
#: MinHash, winnowing and alignment stages -- was a fresh ``mmap`` whose pages fault in
#: again (measured at 100 MB: 2 M minor faults and 10 s of kernel time a worker, the same
#: ``align_task`` calls took 15.6 s of CPU against 6.4 s in the local engine's processes).
#: Arrays up to 32 MB now come from the heap, and up to 256 MB of freed heap stays with the
#: worker (the per-batch arrays are reused, not faulted in again).
WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": 32 << 20, "MALLOC_TRIM_THRESHOLD_": 256 << 20}


@contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None,
                memory_limit: str | float | None = "auto") -> Iterator[object]:
    """Yield a ``distributed.Client``; always close what we opened, also on error or Ctrl-C.

    With ``scheduler`` we only connect (the cluster belongs to its operator).
    Without it we start a ``LocalCluster`` of one single-threaded process per
    core -- MinHash and verification hold the GIL, so threads would not help --
    and bind every listener, the dashboard included, to 127.0.0.1: a dedupe run
    must not open ports to the network. ``dashboard_address=None`` is not
    enough (it still listens on :8787), so the dashboard gets a loopback port.
    Work stealing is off on that cluster: the engine places each task next to
    the document state it reads (``engine.beside_state``), and a stolen task
    drags a whole state partition (~26 MB) to the thief -- measured, 2.5 KB
    a document moved for nothing at 100 MB. Its workers get :data:`WORKER_MALLOC`.
    A cluster we only connect to keeps its operator's settings.
    """
    import dask

    distributed = require_dask()
    if scheduler:
        client = distributed.Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_MALLOC}
    with dask.config.set({"distributed.scheduler.work-stealing": False, "distributed.nanny.pre-spawn-environ": environ}):
        cluster = distributed.LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address="127.0.0.1:0", memory_limit=memory_limit,
            silence_logs=logging.CRITICAL,
        )
    try:
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def no_progress(stage: str, done: int, total: int) -> None:
    """Default progress callback: say nothing."""


def persist_with_progress(client, collection, stage: str, progress: Progress = no_progress):
    """Start computing ``collection`` on the cluster and report finished partitions until all are done.

    Returns the persisted collection (its partitions stay on the workers), so
    later stages build on it without recomputation and the client never holds
    the data. Errors surface here, naming the failing task.
    """
    distributed = require_dask()
    persisted = client.persist(collection)
    futures = distributed.futures_of(persisted)
    total = len(futures)
    progress(stage, 0, total)
    for done, fut in enumerate(distributed.as_completed(futures), 1):
        if fut.status == "error":
            fut.result()  # re-raises the worker's exception on the client
        progress(stage, done, total)
    return persisted


def listening_addresses(client) -> list[tuple[str, int]]:
    """Every TCP listener of the client's process and of the cluster's processes (tests: loopback only)."""
    import psutil

    pids = {os.getpid()}
    pids.update(p.pid for p in psutil.Process().children(recursive=True))
    out: list[tuple[str, int]] = []
    for pid in pids:
        try:
            conns = psutil.Process(pid).net_connections(kind="inet")
        except psutil.Error:
            continue
        out.extend((c.laddr.ip, c.laddr.port) for c in conns if c.status == psutil.CONN_LISTEN)
    return out


def moved_bytes(client) -> dict[str, int]:
    """Bytes the cluster's workers have moved so far, by Dask's own counters (benchmarks, tests).

    ``p2p``: the serialised shards every P2P shuffle cut (its ``p2p-shards``
    metric, summed over workers: rows sent to the worker itself included, so
    this is what the shuffles move on a cluster of many workers);
    ``transfer``: task results a worker sent to another worker or the client
    (``Worker.transfer_outgoing_bytes_total``: joins, tree reductions,
    ``compute``). The client's ``scatter`` of the input is not counted.
    """

    def counters(dask_worker) -> tuple[int, int]:
        p2p = sum(v for k, v in dask_worker.digests_total.items()
                  if isinstance(k, tuple) and k and k[0] == "p2p" and k[-2:] == ("shards", "bytes"))
        return int(p2p), int(dask_worker.transfer_outgoing_bytes_total)

    got = client.run(counters).values()
    return {"p2p": sum(p for p, _ in got), "transfer": sum(t for _, t in got)}
