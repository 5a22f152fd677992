"""Worker process pools that never hang, never outlive their parent and report a dead worker.

Three rules, each fixing a way a pool goes wrong:

* Workers ignore Ctrl-C (SIGINT reaches the whole process group at a terminal;
  the parent cancels their work) but keep SIGTERM at its default: the pool's
  own recovery (``terminate()``) is SIGTERM, and a worker that ignored it would
  make a broken pool hang forever.
* Workers die with their parent: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux,
  and on every platform a thread that polls ``getppid()``. A ``kill -9`` of
  seedsift (or the OOM killer choosing it) leaves no 180 MB orphans behind.
* A worker that vanishes (SIGKILL: in practice the out-of-memory killer) turns
  the pool's ``BrokenProcessPool`` into :class:`~seedsift.errors.WorkerDied`,
  reported as one line and exit code 4.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from seedsift.errors import WorkerDied

PR_SET_PDEATHSIG = 1
#: Seconds between two ``getppid()`` checks of the fallback watcher.
PARENT_POLL_SECONDS = 0.5

WORKER_DIED = ("a worker process was killed (most likely by the out-of-memory killer; "
               "try fewer --jobs or a smaller corpus); previous outputs left as they were")


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(PARENT_POLL_SECONDS)


def worker_init(parent_pid: int) -> None:
    """Pool initializer: Ctrl-C ignored, SIGTERM/SIGHUP at their defaults, die with the parent.

    A forked worker inherits the parent's Python handlers (seedsift turns SIGTERM
    into an exception), so the defaults are set explicitly.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="seedsift-parent-watch", daemon=True).start()


@contextlib.contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A ``ProcessPoolExecutor`` of ``jobs`` workers following the rules above.

    On success the pool is shut down normally. On any exception (Ctrl-C,
    SIGTERM, an error) queued work is cancelled and the workers are terminated
    before waiting for them, so the parent never waits for work nobody wants.
    Note: find_duplicates pulls results lazily, so the caller must consume them inside the block.
    """
    from seedsift.pipeline.atomic import deferred_signals

    pool = ProcessPoolExecutor(jobs, initializer=worker_init, initargs=(os.getpid(),))
    try:
        # With fork the first submit forks every worker. A signal handler that raises while fork's
        # own after-fork hooks run is swallowed ("Exception ignored in ..."), so hold signals back
        # until the workers exist and act on them here, where the pool is stopped properly.
        with deferred_signals():
            pool.submit(_noop)
        yield pool
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerDied(WORKER_DIED) from None
    except BaseException:
        _stop(pool)
        raise
    else:
        pool.shutdown(wait=True)


def _noop() -> None:
    pass


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # the call queue's feeder thread may be blocked writing a task into the pipe of workers
    # about to be terminated: do not let the interpreter wait for it at exit
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        with contextlib.suppress(Exception):
            call_queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(5)
