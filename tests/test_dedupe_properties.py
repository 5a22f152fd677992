"""Property tests (hypothesis) of the dedupe stages."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from synth import common_chars

from seedsift.dedupe import (
    DedupeConfig,
    apply_removals,
    cut_range,
    cut_ranges,
    find_duplicates,
    keyed,
    match_key,
    shingle_hashes,
    signatures,
    verify_pair,
)

CHARS = common_chars()[:400] + "，。、；：？！ \n“”（）ABC123,.;"
text_st = st.text(alphabet=CHARS, min_size=0, max_size=400)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def corpora(draw):
    """A few base texts, some copied (maybe partly) into other documents."""
    bases = draw(st.lists(st.text(alphabet=CHARS, min_size=50, max_size=600), min_size=1, max_size=4))
    docs = []
    for n in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["base", "copy", "embed", "repeat"]))
        b = bases[draw(st.integers(0, len(bases) - 1))]
        if kind == "base":
            t = b
        elif kind == "copy":
            t = b.replace("，", ",")
        elif kind == "embed":
            other = bases[draw(st.integers(0, len(bases) - 1))]
            t = other[: len(other) // 2] + "\n\n" + b + "\n\n" + other[len(other) // 2 :]
        else:
            t = b + "\n\n" + b[::-1] + "\n\n" + b
        docs.append((f"doc{n}", t))
    return docs


@SETTINGS
@given(st.lists(text_st, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_signatures_deterministic_and_order_independent(texts, rnd):
    hs = [shingle_hashes(match_key(t)[0], 5) for t in texts]
    sigs = signatures(hs, 32, 3)
    perm = list(range(len(texts)))
    rnd.shuffle(perm)
    sigs_p = signatures([hs[i] for i in perm], 32, 3)
    assert np.array_equal(sigs_p, sigs[perm])
    # a document's signature depends only on its set of shingles
    shuffled = [np.array(rnd.sample(list(h), len(h)), dtype=np.uint32) for h in hs]
    assert np.array_equal(signatures(shuffled, 32, 3), sigs)


@SETTINGS
@given(text_st)
def test_match_key_offsets_point_at_kept_chars(text):
    key, off = match_key(text)
    assert len(key) == len(off)
    assert np.all(np.diff(off) > 0) if off.size > 1 else True
    assert all(text[o].isalnum() or not text[o].isascii() for o in off.tolist())


@SETTINGS
@given(text_st, text_st)
def test_verify_score_symmetric(a, b):
    ka, kb = keyed(a), keyed(b)
    s1, s2 = verify_pair(ka, kb), verify_pair(kb, ka)
    assert s1 == s2 and 0.0 <= s1 <= 1.0


@SETTINGS
@given(corpora())
def test_removed_spans_reconstruct_text(docs):
    cfg = DedupeConfig(min_passage_chars=20, min_report_chars=10)
    r = find_duplicates(docs, cfg)
    assert set(r.clusters) == {d for d, _ in docs}
    texts = dict(docs)
    for doc_id, text in docs:
        removed = sorted(r.removed(doc_id))
        for s in removed:
            assert 0 <= s.start < s.end <= len(text)
            assert s.src_doc_id in texts and 0 <= s.src_start < s.src_end <= len(texts[s.src_doc_id])
        for x, y in zip(removed, removed[1:]):
            assert x.end <= y.start
        out = apply_removals(text, removed)
        # put the cut pieces back: the original text returns
        rebuilt, pos, cur = [], 0, 0
        for s, (c0, c1) in zip(removed, cut_ranges(text, removed)):
            assert c0 < c1 and text[c0:s.start].strip() == "" and text[s.end:c1].strip() == ""
            assert (c0, c1) == cut_range(text, s) or c0 > cut_range(text, s)[0]
            rebuilt.append(out[cur : cur + (c0 - pos)])
            cur += c0 - pos
            rebuilt.append(text[c0:c1])
            pos = c1
        rebuilt.append(out[cur:])
        assert "".join(rebuilt) == text
        if removed:
            assert r.clusters[doc_id] == doc_id


def _partition(clusters):
    groups = {}
    for d, k in clusters.items():
        groups.setdefault(k, set()).add(d)
    return sorted(sorted(g) for g in groups.values())


@SETTINGS
@given(corpora(), st.randoms(use_true_random=False))
def test_result_independent_of_input_order(docs, rnd):
    shuffled = docs[:]
    rnd.shuffle(shuffled)
    r1 = find_duplicates(docs)
    r2 = find_duplicates(shuffled)
    assert _partition(r1.clusters) == _partition(r2.clusters)
    # with keep="longest" and distinct lengths, the kept documents are the same too
    if len({len(t) for _, t in docs}) == len(docs):
        cfg = DedupeConfig(keep="longest")
        assert find_duplicates(docs, cfg).clusters == find_duplicates(shuffled, cfg).clusters
    # the amount of duplicated text removed is the same whichever copy stays
    removed1 = sum(s.end - s.start for s in r1.spans if s.action == "removed")
    removed2 = sum(s.end - s.start for s in r2.spans if s.action == "removed")
    assert (removed1 == 0) == (removed2 == 0)


# keys from a few characters: repeats give equal k-gram hashes, so ties inside a window
few_st = st.text(alphabet="甲乙丙", min_size=0, max_size=80)


@SETTINGS
@given(st.lists(st.one_of(few_st, text_st.map(lambda t: match_key(t)[0])), min_size=1, max_size=8),
       st.integers(1, 12))
@example(["甲乙丙丁" * 6, "", "甲乙", "乙甲乙甲乙甲乙甲乙甲"], 8)
@example(["甲乙丙丁" * 6, "丙甲乙丙甲乙丙甲乙丙甲乙丙甲乙"], 5)
def test_winnow_many_equals_winnow_per_key(keys, window):
    """The batch winnowing of the document workers gives each key's :func:`winnow`
    exactly (hashes, positions and their dtypes), for keys shorter than one
    window or one k-gram too, and for windows that are not a power of two."""
    from seedsift.dedupe.passages import winnow, winnow_many

    cfg = DedupeConfig(fingerprint_k=3, fingerprint_window=window)
    for key, (fh, fp) in zip(keys, winnow_many(keys, cfg)):
        one_h, one_p = winnow(key, cfg)
        assert fh.dtype == one_h.dtype and fp.dtype == one_p.dtype
        assert fh.tolist() == one_h.tolist() and fp.tolist() == one_p.tolist()


@SETTINGS
@given(st.text(alphabet=CHARS + "\U00020000", min_size=0, max_size=60), st.integers(1, 20))
@example("甲乙丙丁戊己庚辛壬癸" * 3, 8)
@example("甲乙丙丁戊己庚辛壬癸" * 3, 13)
def test_kgram_hashes_equal_the_polynomial(key, k):
    """``kgram_hashes`` (character by character below k = 8, by doubling from 8 on)
    is ``fmix64(k * P**k + sum(c_j * P**(k-1-j)))`` modulo 2**64 for every k-gram."""
    from seedsift.dedupe.keys import fmix64, kgram_hashes

    p, full = 0x100000001B3, 1 << 64
    cps = [ord(c) for c in key]
    want = []
    for i in range(len(cps) - k + 1):
        h = k
        for c in cps[i : i + k]:
            h = (h * p + c) % full
        want.append(h)
    got = kgram_hashes(key, k)
    assert got.dtype == np.uint64
    assert got.tolist() == fmix64(np.array(want, dtype=np.uint64)).tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([16384, 20000, 70001]), st.sampled_from(["spread", "few", "low_bits", "repeats"]))
def test_stable_argsort_equals_numpy_stable(seed, n, kind):
    """``order.stable_argsort`` (one packed quicksort) gives exactly ``np.argsort(kind="stable")``:
    for hashes spread over 64 bits, for few distinct values, for values that differ only in
    the low bits the packing gives to the row number (the repaired runs), and for repeats."""
    from seedsift.dedupe.order import stable_argsort

    rng = np.random.default_rng(seed)
    if kind == "spread":
        v = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    elif kind == "few":
        v = rng.integers(0, 7, n).astype(np.uint64)
    elif kind == "low_bits":
        v = (rng.integers(0, 300, n).astype(np.uint64) << np.uint64(44)) | rng.integers(0, 8, n).astype(np.uint64)
    else:
        v = np.repeat(rng.integers(0, 2**64 - 1, n // 10 + 1, dtype=np.uint64, endpoint=True), 10)[:n]
        rng.shuffle(v)
    assert np.array_equal(stable_argsort(v), np.argsort(v, kind="stable"))


_SPACES = "\t\n\x0b\x0c\r \xa0\u3000\u2028\u2029"


def _paragraphs_by_reading(text: str) -> list[tuple[int, int]]:
    """The paragraphs ``findings.paragraph_units`` promises, read character by character:
    blocks of lines holding a non-space character, split at blank lines (or every such line
    when no blank line separates two of them), from the block's first line start to after
    its last non-space character."""
    lines, pos = [], 0
    for line in text.split("\n"):
        ink = [x for x, ch in enumerate(line) if ch not in _SPACES]
        lines.append((pos, pos + ink[-1] + 1) if ink else None)
        pos += len(line) + 1
    filled = [n for n, ln in enumerate(lines) if ln is not None]
    if not filled:
        return []
    if not any(b - a > 1 for a, b in zip(filled, filled[1:])):
        return [lines[n] for n in filled]
    blocks, cur = [], [filled[0]]
    for a, b in zip(filled, filled[1:]):
        if b - a > 1:
            blocks.append(cur)
            cur = []
        cur.append(b)
    blocks.append(cur)
    return [(lines[blk[0]][0], lines[blk[-1]][1]) for blk in blocks]


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("甲乙。ab ，\n\n\u3000\t\r\xa0\u2028") + ["\U00020000"]), max_size=60))
@example("甲\n\n乙\n丙\n\n\n丁 \u3000")
def test_paragraph_units_are_the_blocks_between_blank_lines(text):
    """``paragraph_units`` gives exactly the paragraphs read character by character (those
    without a key character left out), in original and in key coordinates."""
    from seedsift.dedupe.findings import paragraph_units

    key, offsets = match_key(text)
    u = paragraph_units(text, offsets)
    want = [(s, e) for s, e in _paragraphs_by_reading(text)
            if np.searchsorted(offsets, e) > np.searchsorted(offsets, s)]
    assert list(zip(u.ostart.tolist(), u.oend.tolist())) == want
    assert u.kstart.tolist() == [int(np.searchsorted(offsets, s)) for s, _ in want]
    assert u.kend.tolist() == [int(np.searchsorted(offsets, e)) for _, e in want]
