"""Write outputs so that a crash or Ctrl-C never leaves a half-written file.

Single files are written to a temporary sibling and moved into place with
``os.replace`` (atomic on POSIX). A whole output directory is built in a
staging sibling and swapped in at the end, so an interrupted run leaves the
previous outputs (or none) — never a mixture.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

MARKER = "run.json"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: mkstemp creates 0600 files; outputs get the permissions a plain open() would give.
_FILE_MODE = 0o666 & ~_current_umask()


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data`` (parents created).

    A symlink is written through (its target is replaced, the link stays) and an
    existing file keeps its permission bits, so fixing a page in place
    (``check --fix``) changes its content and nothing else.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = _FILE_MODE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    """Atomically write UTF-8 text (no newline translation)."""
    write_bytes(path, text.encode("utf-8"))


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write one JSON object per line; returns the count."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def read_jsonl(path: Path) -> Iterator[dict]:
    """Read a JSONL file written by seedsift (skips blank lines)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def deferred_signals(signums: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Hold SIGINT/SIGTERM back while the block runs, then act on the first one that came.

    Python runs signal handlers in the main thread between bytecodes, so a
    Ctrl-C could otherwise land between the two renames of the output swap (no
    ``out`` at all) or half way through removing a staging directory (left
    over). Handlers are swapped for a recorder, not masked, because a signal
    masked in the main thread is still delivered to any other thread. Outside
    the main thread (where handlers cannot be set) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    old = {}
    for s in signums:
        try:
            old[s] = signal.signal(s, lambda signum, frame: pending.append(signum))
        except (ValueError, OSError):  # pragma: no cover - not settable here
            pass
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if pending:
            handler = old.get(pending[0])
            if callable(handler):
                handler(pending[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), pending[0])


def is_within(child: Path, parent: Path) -> bool:
    """True when ``child`` is ``parent`` or lies below it (after resolving links)."""
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@contextlib.contextmanager
def staged_directory(out: Path, *, keep_existing: bool = True) -> Iterator[Path]:
    """Yield a staging directory that replaces ``out`` on success.

    With ``keep_existing`` the stage starts as a hard-linked copy of ``out``,
    so one stage (``dedupe``) can add its files beside another's (``clean``)
    while the old directory stays untouched until the swap; files are always
    replaced with ``os.replace``, never written through a shared link.

    ``out`` must be absent, empty, or a previous seedsift output (it holds
    ``run.json``); anything else is refused so that user files are never
    deleted. On any exception (including KeyboardInterrupt) the staging
    directory is removed and ``out`` is left as it was.
    """
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise OSError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise OSError(
                f"{out}: exists and is not a seedsift output directory (no {MARKER}); "
                "refusing to replace it"
            )
    stage: Path | None = None
    try:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with deferred_signals():
                stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
                os.chmod(stage, 0o777 & ~_current_umask())  # mkdtemp makes 0700; out/ gets a plain mkdir's mode
        except OSError as err:
            raise OSError(f"{out}: cannot create the output directory ({err.strerror or err})") from None
        if keep_existing and out.is_dir():
            shutil.copytree(out, stage, copy_function=_link_or_copy, dirs_exist_ok=True)
        yield stage
        with deferred_signals():  # the swap and the clean-up are not interruptible half way
            old = None
            try:
                if out.exists():
                    old = out.parent / f".{out.name}.old-{os.getpid()}"
                    os.replace(out, old)
                os.replace(stage, out)
            except BaseException:
                if old is not None and not out.exists():
                    os.replace(old, out)
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        # also when a signal held back above is acted on as its block ends: the stage never outlives us
        # (after a completed swap it no longer exists and this does nothing)
        if stage is not None:
            with deferred_signals():
                shutil.rmtree(stage, ignore_errors=True)
        raise
