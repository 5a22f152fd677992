"""Keep the cleaner's lexicon and the deduplicator's script table between processes, so short commands start fast.

Building the jieba-derived lexicon takes ~0.5-0.8 s per process; for the
pre-commit ``check`` of one page that is a third of the run. The app layer
(the cleaner itself does no I/O) stores :func:`cleaners.lexicon_snapshot` in
the user's cache directory with :mod:`marshal` -- plain dicts of str and int,
no pickle, nothing executed on load -- keyed by the jieba version, and
validates it on load. Any problem (missing, stale, corrupt, unwritable)
falls back to building it, silently: the cache only ever saves time.

The deduplicator's character-folding table (every CJK ideograph folded to one
simplified representative, built with OpenCC in ~0.2-0.4 s per process) is kept
the same way: :func:`dedupe.keys.script_table` as raw little-endian uint32,
keyed by the OpenCC version, validated by :func:`dedupe.keys.install_script_table`.
"""

from __future__ import annotations

import marshal
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from seedsift import cleaners
from seedsift.pipeline import atomic

FORMAT = 1


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "seedsift"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def cache_path() -> Path:
    return _cache_dir() / f"lexicon-jieba{_version('jieba')}-v{FORMAT}.marshal"


def script_table_path() -> Path:
    return _cache_dir() / f"script-table-opencc{_version('opencc')}-v{FORMAT}.u32"


def warm_lexicon(path: Path | None = None) -> str:
    """Load the lexicon from the cache, or build it and store it. Returns "cached", "built" or "disabled"."""
    if os.environ.get("SEEDSIFT_NO_LEXICON_CACHE"):
        return "disabled"
    path = path or cache_path()
    try:
        freq, chars, total = marshal.loads(path.read_bytes())
        if cleaners.install_lexicon(freq, chars, total):
            return "cached"
    except (OSError, ValueError, EOFError, TypeError):
        pass
    snapshot = cleaners.lexicon_snapshot()
    try:
        atomic.write_bytes(path, marshal.dumps(snapshot))
    except OSError:
        pass
    return "built"


def warm_script_table(path: Path | None = None) -> str:
    """Load the deduplicator's script table from the cache, or build it and store it.
    Returns "cached", "built" or "disabled" (``SEEDSIFT_NO_LEXICON_CACHE`` turns both caches off)."""
    if os.environ.get("SEEDSIFT_NO_LEXICON_CACHE"):
        return "disabled"
    from seedsift.dedupe import keys

    path = path or script_table_path()
    try:
        if keys.install_script_table(np.frombuffer(path.read_bytes(), dtype="<u4").astype(np.uint32)):
            return "cached"
    except (OSError, ValueError):
        pass
    table = keys.script_table()
    try:
        atomic.write_bytes(path, table.astype("<u4").tobytes())
    except OSError:
        pass
    return "built"
