"""Stage 1: match keys and shingle hashes.

The match key of a text keeps only its letters and digits (Unicode categories
L* and N*), folded per character: NFKC (full-width -> ASCII), lower case, and
traditional / Taiwan / Hong Kong variants -> one simplified representative
(OpenCC t2s, tw2s, hk2s and their inverses, applied to single characters so that
one original character gives exactly one key character). Punctuation, spaces and
line breaks are dropped, so punctuation width, whitespace and paragraph
re-segmentation do not change the key. ``offsets[i]`` is the index in the
original text of key character ``i``.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import NamedTuple

import numpy as np

__all__ = ["KeyedDoc", "match_key", "keyed", "keyed_many", "shingle_hashes", "shingle_hashes_many", "kgram_hashes", "fmix32", "fmix64",
           "script_table", "install_script_table"]

_DROP = np.uint32(0)
_UNKNOWN = np.uint32(0xFFFFFFFF)
_TABLE = np.full(0x110000, _UNKNOWN, dtype=np.uint32)
_LOCK = threading.Lock()
_CJK_DONE = False
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _script_classes() -> dict[str, str]:
    """Map each CJK ideograph to the representative of its script class.

    Characters linked by any single-character OpenCC conversion (t2s, tw2s,
    hk2s, s2t, s2tw, s2hk) form one class; the representative is the t2s form
    of the class member with the smallest code point. Computed once per process.
    """
    import opencc

    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi)]
    joined = "\n".join(chars)
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        root = c
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(c, c) != root:
            parent[c], c = root, parent[c]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb

    t2s = None
    for name in ("t2s", "tw2s", "hk2s", "s2t", "s2tw", "s2hk"):
        out = opencc.OpenCC(name).convert(joined).split("\n")
        if len(out) != len(chars):  # pragma: no cover - OpenCC keeps line breaks
            continue
        if name == "t2s":
            t2s = out
        for c, o in zip(chars, out):
            if len(o) == 1 and o != c:
                union(c, o)
    simple = dict(zip(chars, t2s)) if t2s else {}
    result = {}
    for c in chars:
        root = find(c)
        rep = simple.get(root, root)
        result[c] = rep if len(rep) == 1 else root
    return result


def _fold_char(c: str, classes: dict[str, str]) -> int:
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    n = n.lower() if len(n.lower()) == 1 else n
    if unicodedata.category(n)[0] not in "LN":
        return 0
    n = classes.get(n, n)
    return ord(n)


def _ensure(cps: np.ndarray, mapped: np.ndarray) -> np.ndarray:
    global _CJK_DONE
    unknown = mapped == _UNKNOWN
    if not unknown.any():
        return mapped
    uniq = np.unique(cps[unknown])
    missing = uniq[_TABLE[uniq] == _UNKNOWN]
    with _LOCK:
        classes: dict[str, str] = {}
        cjk = any(lo <= int(cp) < hi for cp in missing for lo, hi in _CJK_RANGES)
        if cjk and not _CJK_DONE:
            classes = _script_classes()
            for c in classes:
                _TABLE[ord(c)] = _fold_char(c, classes)
            _CJK_DONE = True
        for cp in missing.tolist():
            if _TABLE[cp] == _UNKNOWN:
                _TABLE[cp] = _fold_char(chr(cp), classes) if 0xD800 > cp or cp > 0xDFFF else 0
    return _TABLE[cps]


def warm() -> None:
    """Build the per-process character table now (about 0.2 s: OpenCC over all
    CJK ideographs) instead of on the first CJK text. The app calls it before
    it forks worker processes, so they inherit the table; importing the module
    stays cheap for commands that never build a key."""
    _ensure(np.array([0x4E00], dtype=np.uint32), _TABLE[np.array([0x4E00])])


def script_table() -> np.ndarray:
    """The folded value of every CJK ideograph (the slow part of the character table), for a
    caller that keeps it between processes: building it runs OpenCC over ~28k characters
    (about 0.2-0.4 s), a third of a one-page ``seedsift check``."""
    warm()
    return np.concatenate([_TABLE[lo:hi] for lo, hi in _CJK_RANGES])


def install_script_table(values: np.ndarray) -> bool:
    """Use a table from :func:`script_table` of an earlier process instead of building it.

    Returns False and changes nothing when ``values`` does not look like one: wrong size, a
    hole, or a traditional character that does not fold to its simplified form.

    >>> install_script_table(np.zeros(3, dtype=np.uint32))
    False
    """
    global _CJK_DONE
    arr = np.asarray(values)
    size = sum(hi - lo for lo, hi in _CJK_RANGES)
    if arr.dtype != np.uint32 or arr.shape != (size,) or bool((arr == _UNKNOWN).any()):
        return False
    if arr[ord("國") - 0x3400 - _GAP] != ord("国") or arr[ord("一") - 0x3400 - _GAP] != ord("一"):
        return False
    with _LOCK:
        if not _CJK_DONE:
            pos = 0
            for lo, hi in _CJK_RANGES:
                _TABLE[lo:hi] = arr[pos:pos + hi - lo]
                pos += hi - lo
            _CJK_DONE = True
    return True


#: code points between the first two CJK ranges, absent from :func:`script_table`
_GAP = _CJK_RANGES[1][0] - _CJK_RANGES[0][1]


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def match_key(text: str) -> tuple[str, np.ndarray]:
    """Return ``(key, offsets)``: the normalised match key of ``text`` and, for
    each key character, its index in ``text`` (``int32`` array, ``int64`` for
    texts of 2**31 characters or more; strictly increasing).

    >>> key, off = match_key("後來，ABC 1２3!")
    >>> key, off.tolist()
    ('后来abc123', [0, 1, 3, 4, 5, 7, 8, 9])
    """
    return _match_key(_codepoints(text))


def _match_key(cps: np.ndarray) -> tuple[str, np.ndarray]:
    if cps.size == 0:
        return "", np.zeros(0, dtype=np.int32)
    mapped = _ensure(cps, _TABLE[cps])
    keep = mapped != _DROP
    offsets = np.flatnonzero(keep).astype(np.int32 if cps.size < 2**31 else np.int64)
    key = mapped[keep].astype("<u4").tobytes().decode("utf-32-le")
    return key, offsets


class KeyedDoc(NamedTuple):
    """A document's match key with its offset map and line structure.

    ``line_starts`` are the key indices where a line of the original text
    starts (first line at 0), used to tell template lines from body.
    """

    key: str
    offsets: np.ndarray
    line_starts: np.ndarray


def keyed(text: str) -> KeyedDoc:
    """Compute :class:`KeyedDoc` for ``text`` (``match_key`` plus line starts)."""
    cps = _codepoints(text)
    key, offsets = _match_key(cps)
    nl = np.flatnonzero(cps == 10)
    starts = np.unique(np.concatenate([[0], np.searchsorted(offsets, nl)]))
    starts = starts[starts < max(len(key), 1)]
    return KeyedDoc(key, offsets, starts.astype(np.int32))


def keyed_many(texts: list[str] | tuple[str, ...]) -> list[KeyedDoc]:
    """:func:`keyed` of many texts in one vectorised pass (identical results)."""
    if not texts:
        return []
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    tb = np.concatenate([[0], np.cumsum(lens)])
    cps = _codepoints("".join(texts))
    if cps.size == 0:
        return [keyed(t) for t in texts]
    mapped = _ensure(cps, _TABLE[cps])
    keep = mapped != _DROP
    kept = np.flatnonzero(keep)
    kb = np.searchsorted(kept, tb)
    allkey = mapped[keep].astype("<u4").tobytes().decode("utf-32-le")
    gl = np.searchsorted(kept, np.flatnonzero(cps == 10))
    nb = np.searchsorted(np.flatnonzero(cps == 10), tb)
    out = []
    wide = cps.size >= 2**31
    for d in range(len(texts)):
        k0, k1 = int(kb[d]), int(kb[d + 1])
        key = allkey[k0:k1]
        off = kept[k0:k1] - tb[d]
        off = off.astype(np.int64 if wide else np.int32)
        local = gl[nb[d] : nb[d + 1]] - k0
        starts = np.unique(np.concatenate([[0], local]))
        starts = starts[starts < max(k1 - k0, 1)]
        out.append(KeyedDoc(key, off, starts.astype(np.int32)))
    return out


_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finaliser (element-wise, wraps modulo 2**64)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _fmix64_inplace(h: np.ndarray) -> np.ndarray:
    """:func:`fmix64` overwriting ``h`` (a fresh array): the same values, two temporaries fewer."""
    t = np.empty_like(h)
    for mult in (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)):
        np.right_shift(h, np.uint64(33), out=t)
        h ^= t
        h *= mult
    np.right_shift(h, np.uint64(33), out=t)
    h ^= t
    return h


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 32-bit finaliser (element-wise on uint32, as datasketch's affine32 pre-mix)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


_P = np.uint64(0x100000001B3)


def kgram_hashes(key: str, k: int) -> np.ndarray:
    """64-bit hash of every ``k``-character substring of ``key`` (``len(key)-k+1``
    values, ``uint64``): a polynomial over the code points, finalised with fmix64."""
    cps = _codepoints(key).astype(np.uint64)
    m = cps.size - k + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    if k >= _DOUBLING_K:
        return _fmix64_inplace(_polynomials_by_doubling(cps, k))
    with np.errstate(over="ignore"):
        h = np.full(m, np.uint64(k), dtype=np.uint64)
        for j in range(k):
            # in place: no new array per character of the k-gram
            h *= _P
            h += cps[j : j + m]
        return _fmix64_inplace(h)


#: from this k on, :func:`kgram_hashes` composes the polynomials of power-of-two lengths
#: (log k passes over the text instead of k; about 30 % faster at k = 8 and 13, slower at 5)
_DOUBLING_K = 8


def _polynomials_by_doubling(cps: np.ndarray, k: int) -> np.ndarray:
    """The unfinalised :func:`kgram_hashes` polynomials ``k * P**k + sum(cps[i + j] * P**(k - 1 - j))``
    (modulo 2**64, so exactly the values of the character-by-character loop),
    from those of power-of-two lengths: the polynomial of ``a + s`` characters at
    ``i`` is that of ``a`` characters at ``i`` times ``P**s`` plus that of ``s`` at ``i + a``."""
    n = cps.size
    full = 1 << 64
    with np.errstate(over="ignore"):
        acc, a = cps[:0], 0  # polynomials of the first a characters of each k-gram (lowest bits of k first)
        g, s = cps, 1  # polynomials of s characters (a power of two) at every position
        rest = k
        while True:
            if rest & 1:
                if a == 0:
                    acc, a = g, s
                else:
                    acc = acc[: n - a - s + 1] * np.uint64(pow(int(_P), s, full)) + g[a : n - s + 1]
                    a += s
            rest >>= 1
            if not rest:
                break
            g = g[: n - 2 * s + 1] * np.uint64(pow(int(_P), s, full)) + g[s : n - s + 1]
            s *= 2
        return acc[: n - k + 1] + np.uint64(k * pow(int(_P), k, full) % full)


def shingle_hashes_many(keys: list[str], ngram: int) -> list[np.ndarray]:
    """:func:`shingle_hashes` of many keys in one vectorised pass (identical results)."""
    joined = "".join(keys)
    allh = (kgram_hashes(joined, ngram) >> np.uint64(32)).astype(np.uint32)
    out = []
    pos = 0
    for key in keys:
        n = len(key)
        if n >= ngram:
            out.append(allh[pos : pos + n - ngram + 1])
        else:
            out.append(shingle_hashes(key, ngram))
        pos += n
    return out


def shingle_hashes(key: str, ngram: int) -> np.ndarray:
    """32-bit hashes (``uint32``) of the character ``ngram``-shingles of a match key,
    in key order (shingle ``i`` starts at key index ``i``). A non-empty key
    shorter than ``ngram`` gives one shingle (the whole key); an empty key none.
    """
    if not key:
        return np.zeros(0, dtype=np.uint32)
    k = min(ngram, len(key))
    h = kgram_hashes(key, k)
    return (h >> np.uint64(32)).astype(np.uint32)
