"""Errors the app layer reports to users as one line naming the file, and their exit codes.

Exit codes (README, "Hostile input"; :func:`seedsift.cli.options.exit_code_for`
maps exceptions to them): 0 done; 1 an input could not be
processed (or ``check`` found something); 2 usage error (bad option, ``--out``
that is, contains or lies in an input, a non-seedsift directory);
3 an output could not be written (disk full, quota, I/O error: the line
names the file; previous outputs left as they were);
4 a worker process died (killed, most likely by the out-of-memory killer);
5 the output directory is being written by another seedsift process;
128+N a signal: 129 SIGHUP, 130 SIGINT (Ctrl-C), 143 SIGTERM.
"""

from __future__ import annotations

import errno

# 0, 1, 2 and the signal codes are seedsift.cli.options'; these are the failures named here.
EXIT_WRITE = 3
EXIT_WORKER = 4
EXIT_BUSY = 5

#: errno values that mean "the output cannot be written here right now" rather than "you asked for
#: something impossible": the disk, the quota or the device is at fault, not the command line.
#: (A read-only or forbidden --out is an unusable path: exit 2, as for any other bad --out.)
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


class InputError(Exception):
    """A single input (file, record, path) that cannot be processed.

    ``str(err)`` is the one line shown to the user: ``path: what is wrong``.
    Other inputs are still processed; the command exits non-zero at the end.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class UsageProblem(Exception):
    """The command was called in a way that cannot work (exit code 2)."""


class WriteFailed(OSError):
    """An output file could not be written (exit code 3). ``str()`` names the file."""

    def __init__(self, path: str, err: OSError | str) -> None:
        reason: str
        if isinstance(err, WriteFailed):
            reason = str(err.reason)
        else:
            reason = err if isinstance(err, str) else (err.strerror or str(err))
        super().__init__(getattr(err, "errno", None), f"{path}: cannot write ({reason}); previous outputs left as they were")
        self.path = path
        self.reason: str = reason

    def __str__(self) -> str:
        return self.strerror or self.reason


class WorkerDied(Exception):
    """A worker process ended abruptly (exit code 4): SIGKILL, in practice the out-of-memory killer."""


class OutputBusy(OSError):
    """Another process holds the output directory's lock (exit code 5)."""

    def __str__(self) -> str:
        return self.args[0]


def is_write_failure(err: OSError) -> bool:
    """True for a disk-full / read-only / I/O error (exit 3) as opposed to an unusable path (exit 2)."""
    return isinstance(err, WriteFailed) or err.errno in WRITE_ERRNOS


def describe(err: BaseException) -> str:
    """The one line for an error: OSErrors from the standard library name their file."""
    if isinstance(err, (WriteFailed, OutputBusy)) or not isinstance(err, OSError):
        return str(err)
    if err.filename is not None and is_write_failure(err):
        return f"{err.filename}: cannot write ({err.strerror}); previous outputs left as they were"
    if err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
    if err.errno is not None and err.strerror and len(err.args) == 2:
        return err.strerror  # OSError(errno, "path: message") raised by seedsift itself
    return str(err)
