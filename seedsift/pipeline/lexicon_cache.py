"""Keep the cleaner's lexicon between processes, so short commands start fast.

Building the jieba-derived lexicon takes ~0.5-0.8 s per process; for the
pre-commit ``check`` of one page that is a third of the run. The app layer
(the cleaner itself does no I/O) stores :func:`cleaners.lexicon_snapshot` in
the user's cache directory with :mod:`marshal` -- plain dicts of str and int,
no pickle, nothing executed on load -- keyed by the jieba version, and
validates it on load. Any problem (missing, stale, corrupt, unwritable)
falls back to building it, silently: the cache only ever saves time.
"""

from __future__ import annotations

import marshal
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from seedsift import cleaners
from seedsift.pipeline import atomic

FORMAT = 1


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        jieba_version = version("jieba")
    except PackageNotFoundError:
        jieba_version = "unknown"
    return Path(base) / "seedsift" / f"lexicon-jieba{jieba_version}-v{FORMAT}.marshal"


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
