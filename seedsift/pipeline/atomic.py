"""Write outputs so that a crash or Ctrl-C never leaves a half-written file.

Single files are written to a temporary sibling and moved into place with
``os.replace`` (atomic on POSIX). A whole output directory is built in a
staging sibling and swapped in at the end, so an interrupted run leaves the
previous outputs (or none) — never a mixture.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from seedsift.errors import OutputBusy, WriteFailed, is_write_failure
from seedsift.records import jsonl_line

MARKER = "run.json"
#: Signals held back while an output swap or a clean-up runs (SIGHUP: the terminal was closed).
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())


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
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(err, OSError) and not isinstance(err, WriteFailed) and is_write_failure(err):
            raise WriteFailed(str(path), err) from None  # a full disk names no file by itself
        raise


def write_text(path: Path, text: str) -> None:
    """Atomically write UTF-8 text (no newline translation)."""
    write_bytes(path, text.encode("utf-8"))


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write one JSON object per line (:func:`seedsift.records.jsonl_line`); returns the count."""
    return write_lines(path, (jsonl_line(r) for r in records))


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Atomically write ``lines`` (each ending in its line break); returns the count."""
    lines = list(lines)
    write_text(path, "".join(lines))
    return len(lines)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def deferred_signals(signums: tuple[int, ...] = HELD_SIGNALS) -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP back while the block runs, then act on the first one that came.

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


# ---------------------------------------------------------------- who owns what

def _start_time(pid: int) -> str:
    """The start time of process ``pid`` (clock ticks since boot, /proc), "" where unknown.

    Recorded with a pid so that a recycled pid is not mistaken for the owner.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        return stat[stat.rindex(")") + 2:].split()[19]
    except (OSError, ValueError, IndexError):
        return ""


def _alive(pid: int, start: str) -> bool:
    """Is the process that recorded ``pid``/``start`` still running?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    now = _start_time(pid)
    return not (start and now and now != start)


def _owner_tag() -> str:
    """``<pid>-<start time>``: the owner part of staging and old-directory names."""
    return f"{os.getpid()}-{_start_time(os.getpid()) or 0}"


_OWNED = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|old)-(?P<pid>\d+)-(?P<start>\d+)(?:-.*)?")


def remove_stale(out: Path) -> list[Path]:
    """Remove staging and old directories of ``out`` left by seedsift processes that no longer run.

    A ``kill -9`` (or the OOM killer) gives a process no chance to clean up; its
    staging directory, as large as the output, would stay forever. Each name
    records its owner's pid and start time, so only dead owners' leftovers go.
    An old directory whose swap was cut short (``out`` missing) is put back.
    Returns what was removed or restored.
    """
    out = Path(out)
    done: list[Path] = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return done
    for e in entries:
        m = _OWNED.fullmatch(e.name)
        if m is None or m["name"] != out.name or not e.is_dir(follow_symlinks=False):
            continue
        if _alive(int(m["pid"]), "" if m["start"] == "0" else m["start"]):
            continue
        path = Path(e.path)
        with deferred_signals():
            if m["kind"] == "old" and not os.path.lexists(out):
                os.replace(path, out)
            else:
                shutil.rmtree(path, ignore_errors=True)
        done.append(path)
    return done


_held_locks: dict[str, int] = {}


def _cannot_create(out: Path, err: OSError) -> OSError:
    """A full disk is a write failure (exit 3); a forbidden or read-only place an unusable --out (exit 2)."""
    if is_write_failure(err):
        return WriteFailed(str(out), err)
    return OSError(f"{out}: cannot create the output directory ({err.strerror or err})")


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the advisory lock of output directory ``out`` (re-entrant within one process).

    The lock is ``flock`` on a sibling file ``.<name>.lock`` (a lock inside ``out``
    would be swapped away with it), so the kernel releases it when the holder
    dies, even by SIGKILL. A second writer is refused at once with
    :class:`~seedsift.errors.OutputBusy` naming the holder (pid and command,
    written into the lock file). The file is removed on release.
    """
    out = Path(out)
    key = os.path.abspath(out)
    if key in _held_locks:
        yield
        return
    path = _lock_path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _cannot_create(out, err) from None
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as err:
            raise _cannot_create(out, err) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise OutputBusy(f"{out}: being written by another seedsift process ({holder}); "
                             "wait for it to finish or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed the file between our open and our lock: take the new one
    try:
        command = "seedsift " + " ".join(sys.argv[1:])
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command[:300]}\n".encode("utf-8", "backslashreplace"))
    except OSError:
        pass  # a full disk: the lock holds all the same, only the holder's description is missing
    _held_locks[key] = fd
    try:
        yield
    finally:
        with deferred_signals():
            del _held_locks[key]
            with contextlib.suppress(OSError):
                os.unlink(path)
            os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 400).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    if not pid.isdigit():
        return "pid unknown"
    return f"pid {pid}: {command}" if command else f"pid {pid}"


def _shown_path(path: str, stage: Path, out: Path) -> str:
    """A path inside the staging directory as the user will find it: under ``out``."""
    try:
        return str(out / Path(path).relative_to(stage))
    except ValueError:
        return path


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

    The whole time, ``out``'s :func:`output_lock` is held (one writer at a time),
    and leftovers of dead writers are removed first (:func:`remove_stale`).
    A disk-full or I/O error becomes :class:`~seedsift.errors.WriteFailed`
    naming the file as it would have been under ``out``.
    """
    out = Path(out)
    with output_lock(out):
        remove_stale(out)
        with _staged(out, keep_existing) as stage:
            yield stage


@contextlib.contextmanager
def _staged(out: Path, keep_existing: bool) -> Iterator[Path]:
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
            with deferred_signals():
                stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-{_owner_tag()}-", dir=out.parent))
                os.chmod(stage, 0o777 & ~_current_umask())  # mkdtemp makes 0700; out/ gets a plain mkdir's mode
        except OSError as err:
            raise _cannot_create(out, err) from None
        try:
            if keep_existing and out.is_dir():
                shutil.copytree(out, stage, copy_function=_link_or_copy, dirs_exist_ok=True)
            yield stage
        except OSError as err:
            if isinstance(err, OutputBusy) or not is_write_failure(err):
                raise
            where = getattr(err, "path", None) or err.filename or stage
            raise WriteFailed(_shown_path(os.fspath(where), stage, out), err) from None
        with deferred_signals():  # the swap and the clean-up are not interruptible half way
            old = None
            try:
                if out.exists():
                    old = out.parent / f".{out.name}.old-{_owner_tag()}"
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
