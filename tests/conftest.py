"""Helpers shared by the test modules: the real command in a subprocess, a tree snapshot, index polling."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: the child's stdout/stderr are UTF-8 whatever the locale
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def seedsift(*args, cwd: Path | None = None, timeout: float = 600, errors: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``python -m seedsift ARGS`` as a user would (from the repository unless ``cwd``)."""
    return subprocess.run([sys.executable, "-m", "seedsift", *map(str, args)], cwd=cwd or ROOT, capture_output=True,
                          text=True, errors=errors, timeout=timeout, env=ENV)


def copy_seeds(dest: Path) -> Path:
    """A copy of the shipped seed pages only, at ``dest``.

    A working tree where the README's ``seedsift check seeds/…`` example ran
    also holds ``seeds/.seedsift/`` (that corpus's index); it must not leak
    into a test, so nothing whose name starts with a dot is copied.
    """
    shutil.copytree(SEEDS, dest, ignore=shutil.ignore_patterns(".*"))
    return dest


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (POSIX relative path) with its bytes; symlinks and specials by name only."""
    out = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            p = Path(dirpath) / name
            out[p.relative_to(root).as_posix()] = p.read_bytes() if p.is_file() and not p.is_symlink() else b"<special>"
    return dict(sorted(out.items()))


def snapshot(d: Path) -> dict[str, bytes] | None:
    """:func:`tree` of ``d``, or None when it does not exist."""
    return tree(d) if d.exists() else None


def wait_for_index_rows(path: Path, rows: int, timeout: float, proc: subprocess.Popen | None = None) -> int:
    """Poll the SQLite index at ``path`` (read-only) until its ``docs`` table holds ``rows`` rows.

    Used to catch an index update mid-way before killing it. Gives up after
    ``timeout`` seconds or when ``proc`` ends; returns the last count seen.
    """
    n = 0
    deadline = time.time() + timeout
    while time.time() < deadline and (proc is None or proc.poll() is None):
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as con:
                n = con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= rows:
            break
        time.sleep(0.02)
    return n


def slow_after(rows: list, keep: int = 1) -> list:
    """The cases of a parametrized family, all but the first ``keep`` marked ``slow``.

    For families that start the real command once per case (each ~0.7 s of
    CPU): the fast lane still runs the family's code path, CI (which runs
    everything) every case. A case that already is a ``pytest.param`` keeps its
    id and marks.
    """
    out = []
    for i, row in enumerate(rows):
        if i < keep:
            out.append(row)
        elif isinstance(row, type(pytest.param())):
            out.append(pytest.param(*row.values, id=row.id, marks=[*row.marks, pytest.mark.slow]))
        else:
            out.append(pytest.param(*(row if isinstance(row, tuple) else (row,)), marks=pytest.mark.slow))
    return out
