"""The jieba lexicon, loaded lazily, once per process, without jieba's temp-dir cache.

jieba's own ``initialize()`` writes a marshal cache to ``tempfile.gettempdir()``.
We build the same prefix dictionary ourselves from the packaged ``dict.txt``
(about 0.5 s, 498k keys) and hand it to a private ``jieba.Tokenizer``, which
then never touches the file system. Only small boundary windows are segmented.
"""

from __future__ import annotations

import importlib.resources
import math
import threading
import time

_LOCK = threading.Lock()
_STATE: dict = {}
_TAGS: dict = {}
_ENDS: dict = {}


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

    The rules ask for the same windows many times while they judge one text (the end of a
    block for every rule that reads it, each round of the fixed point), so segmentations are
    remembered until :func:`forget_cuts`, which :func:`cleaners.clean` calls for each text,
    or until :data:`_MAX_CUTS` of them are held (callers that never go through ``clean``):
    the memory is bounded by the text, not by the corpus.

    >>> cut("广播电视台台承办")
    ['广播', '电视台', '台', '承办']
    """
    toks = _CUTS.get(text)
    if toks is None:
        toks = tuple(_load()["tokenizer"].cut(text, HMM=False))
        if len(_CUTS) >= _MAX_CUTS:
            _CUTS.clear()
        _CUTS[text] = toks
    return list(toks)


#: segmentations asked for while one text is cleaned (see :func:`cut`)
_CUTS: dict[str, tuple[str, ...]] = {}
#: most segmentations :func:`cut` remembers (short windows: a few MB at most)
_MAX_CUTS = 50_000


def forget_cuts() -> None:
    """Drop the segmentations remembered by :func:`cut` (called once per cleaned text)."""
    _CUTS.clear()


def load_seconds() -> float:
    """Seconds the lexicon took to load (loads it if needed)."""
    return _load()["load_seconds"]


def tag(word: str) -> str:
    """jieba's part-of-speech tag of ``word`` (``""`` when unknown). The tags are read from
    dict.txt on first use (~0.3 s), apart from the frequencies, so the cached lexicon
    snapshot keeps its format.

    >>> tag("针对"), tag("资源"), tag("们"), tag("的的")
    ('p', 'n', 'k', '')
    """
    if not _TAGS:
        with _LOCK:
            if not _TAGS:
                data = importlib.resources.files("jieba").joinpath("dict.txt").read_bytes().decode("utf-8")
                tags = {}
                for line in data.splitlines():
                    parts = line.split(" ")
                    if len(parts) >= 3:
                        tags[parts[0]] = parts[2]
                _TAGS.update(tags or {"": ""})
    return _TAGS.get(word, "")


def free_ratio(ch: str) -> float:
    """How often ``ch`` is a word on its own rather than part of one: its frequency as a
    word over the summed frequency of all dictionary words that contain it. Free function
    characters score high (的 0.86, 在 0.86, 对 0.63), bound morphemes low (统 0.02, 检 0.02,
    方 0.05): a lone copy of a bound character is unlikely to be intended text.

    >>> free_ratio("在") > 0.5 > 0.1 > free_ratio("检")
    True
    """
    total = char_freq(ch)
    return freq(ch) / total if total else 0.0


def end_ratio(ch: str) -> float:
    """Share of the frequency of words containing ``ch`` that comes from words *ending* in
    it (of length 2+): high for characters that close words and names (度 in 程度/速度,
    司 in 公司), low for characters that mostly open them (详 in 详细). Built on first use.

    >>> end_ratio("度") > 0.4 > end_ratio("详")
    True
    """
    if not _ENDS:
        fr = _load()["freq"]
        ends: dict = {}
        with _LOCK:
            for w, f in fr.items():
                if f and len(w) > 1:
                    ends[w[-1]] = ends.get(w[-1], 0) + f
            _ENDS.update(ends or {"": 0})
    total = char_freq(ch)
    return _ENDS.get(ch, 0) / total if total else 0.0


def simplified(text: str) -> str:
    """``text`` in simplified script (OpenCC t2s) with the same length, so offsets carry
    over: a line whose phrase conversion changes its length is converted character by
    character, and a character that would change length stays as it is. The lexicon is
    simplified: looking traditional text up through this key gives both scripts the same
    decisions (紛紛 is 纷纷, a word).

    >>> simplified("紛紛響應，處處春"), simplified("abc")
    ('纷纷响应，处处春', 'abc')
    """
    if text.isascii():
        return text
    last = _LAST_KEY[0]  # one atomic read: the boilerplate, join and stutter fixers see the same string
    if last is not None and last[0] is text:
        return last[1]
    key = _simplified(text)
    _LAST_KEY[0] = (text, key)
    return key


#: (text, key) of the last :func:`simplified` call
_LAST_KEY: list = [None]


def _simplified(text: str) -> str:
    from .script import converter

    conv = converter("simplified").convert
    out = conv(text)
    if len(out) == len(text):
        return out
    lines = []
    for line in text.splitlines(keepends=True):
        new = conv(line)
        if len(new) != len(line):
            new = "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv(ch)) for ch in line))
        lines.append(new)
    return "".join(lines)


def segment_score(text: str) -> float:
    """Log-probability of the most probable segmentation of ``text`` under jieba's
    unigram model (the same scoring jieba's own DAG search uses; unknown characters get
    frequency 1). Comparing a window with and without a suspected repeat asks how much
    more natural the text becomes when the copy is dropped.

    >>> segment_score("的方法") > segment_score("的方方法")
    True
    """
    state = _load()
    fr, logtotal = state["freq"], math.log(state["total"])
    n = len(text)
    best = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        score = -logtotal + best[i + 1] + math.log(fr.get(text[i]) or 1)
        for j in range(i + 2, min(n, i + 8) + 1):
            f = fr.get(text[i:j])
            if f is None:
                break
            if f:
                score = max(score, math.log(f) - logtotal + best[j])
        best[i] = score
    return best[0]
