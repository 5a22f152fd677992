"""Helpers shared by the test modules."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path


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
