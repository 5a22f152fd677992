"""The jieba lexicon, loaded lazily, once per process, without jieba's temp-dir cache.

jieba's own ``initialize()`` writes a marshal cache to ``tempfile.gettempdir()``.
We build the same prefix dictionary ourselves from the packaged ``dict.txt``
(about 0.5 s, 498k keys) and hand it to a private ``jieba.Tokenizer``, which
then never touches the file system. Only small boundary windows are segmented.
"""

from __future__ import annotations

import importlib.resources
import threading
import time

_LOCK = threading.Lock()
_STATE: dict = {}


def _load() -> dict:
    with _LOCK:
        if _STATE:
            return _STATE
        t0 = time.perf_counter()
        data = importlib.resources.files("jieba").joinpath("dict.txt").read_bytes().decode("utf-8")
        freq: dict[str, int] = {}
        chars: dict[str, int] = {}
        total = 0
        for line in data.splitlines():
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            w = parts[0]
            try:
                f = int(parts[1])
            except ValueError:
                continue
            freq[w] = f
            total += f
            for i in range(1, len(w)):
                p = w[:i]
                if p not in freq:
                    freq[p] = 0
            for c in w:
                chars[c] = chars.get(c, 0) + f
        _install(freq, chars, total, t0)
        return _STATE


def _install(freq: dict, chars: dict, total: int, t0: float) -> None:
    import jieba  # imported lazily: costs ~0.1 s

    tk = jieba.Tokenizer()
    tk.FREQ = freq
    tk.total = total
    tk.initialized = True
    _STATE.update(freq=freq, chars=chars, total=total, tokenizer=tk, load_seconds=time.perf_counter() - t0)


def snapshot() -> tuple[dict, dict, int]:
    """The built lexicon ``(word frequencies, character frequencies, total)``, for a caller
    that wants to cache it between processes (building it from dict.txt takes ~0.5-0.8 s)."""
    state = _load()
    return state["freq"], state["chars"], state["total"]


def install(freq: dict, chars: dict, total: int) -> bool:
    """Use a lexicon from :func:`snapshot` of an earlier process instead of building it.

    Returns False (and changes nothing) when the data does not look like a snapshot.

    >>> install({}, {}, "x")
    False
    """
    ok = (isinstance(freq, dict) and isinstance(chars, dict) and isinstance(total, int)
          and len(freq) > 1000 and isinstance(freq.get("作用"), int))
    if not ok:
        return False
    with _LOCK:
        if not _STATE:
            _install(freq, chars, total, time.perf_counter())
    return True


def freq(word: str) -> int:
    """Frequency of ``word`` in jieba's dictionary (0 for prefixes and unknown words).

    >>> freq("作用") > 1000, freq("的的")
    (True, 0)
    """
    return _load()["freq"].get(word, 0)


def char_freq(ch: str) -> int:
    """Summed frequency of the dictionary words containing ``ch``."""
    return _load()["chars"].get(ch, 0)


def cut(text: str) -> list[str]:
    """Segment a short window with jieba (HMM off).

    >>> cut("广播电视台台承办")
    ['广播', '电视台', '台', '承办']
    """
    return list(_load()["tokenizer"].cut(text, HMM=False))


def load_seconds() -> float:
    """Seconds the lexicon took to load (loads it if needed)."""
    return _load()["load_seconds"]
