"""Unit tests of the dedupe stage functions."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from synth import common_chars, make_corpus

from seedsift import dedupe
from seedsift.dedupe import (
    DedupeConfig,
    Span,
    align_passages,
    apply_removals,
    band_keys,
    candidate_pairs,
    cluster,
    find_duplicates,
    keyed,
    match_key,
    shingle_hashes,
    signatures,
    verify_pair,
    window_candidates,
)
from seedsift.dedupe.core import keep_rank
from seedsift.dedupe.minhash import EMPTY, content_blocks, window_signatures

TEXT = "国务院新闻办公室今天举行发布会，介绍二〇二一年经济运行情况。国家统计局局长表示，全年国内生产总值比上年增长百分之八点一。"


def words(n: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    chars = common_chars()
    return "".join(chars[i] for i in rng.integers(0, 2000, n))


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"ngram": 0}, "ngram must be a positive integer"),
        ({"num_perm": -1}, "num_perm"),
        ({"doc_threshold": 1.5}, "doc_threshold must be a number in (0, 1]"),
        ({"keep": "last"}, 'keep must be "first" or "longest"'),
        ({"remove_similarity": 0.5, "report_similarity": 0.8}, "remove_similarity"),
        ({"passage_rows": 64, "passage_num_perm": 32}, "passage_rows"),
        ({"seed": -1}, "seed must be"),
        ({"one_band_docs": -1}, "one_band_docs must be a non-negative integer"),
        ({"passages": "yes"}, "passages must be True or False"),
    ],
)
def test_config_rejects_bad_values(kwargs, fragment):
    with pytest.raises(ValueError, match=None) as err:
        DedupeConfig(**kwargs)
    assert fragment in str(err.value)


def test_config_derives_bands():
    cfg = DedupeConfig()
    b, r = cfg.doc_bands
    assert b * r <= cfg.num_perm and (b, r) == (25, 5)
    assert cfg.passage_bands == cfg.passage_num_perm // cfg.passage_rows


# ---------------------------------------------------------------- match keys


def test_match_key_drops_punctuation_and_space_with_exact_offsets():
    text = "（一）认真 学习，\n贯彻ＡＢＣ12!"
    key, off = match_key(text)
    assert key == "一认真学习贯彻abc12"
    assert all(text[o] in "一认真学习贯彻ＡＢＣ12" for o in off)
    assert off.tolist() == sorted(set(off.tolist()))
    assert len(key) == len(off)


def test_match_key_width_and_resegmentation_invariant():
    a = TEXT
    b = TEXT.replace("，", ",").replace("。", ".\n\n")
    c = "\n".join(TEXT[i : i + 7] for i in range(0, len(TEXT), 7))
    assert match_key(a)[0] == match_key(b)[0] == match_key(c)[0]


@pytest.mark.parametrize("conv", ["s2t", "s2tw", "s2hk"])
def test_match_key_folds_traditional_variants(conv):
    import opencc

    text = "经济发展后，里面的头发干了，着手研究台湾与香港的软件产业发展情况。"
    converted = opencc.OpenCC(conv).convert(text)
    assert converted != text
    ka, kb = match_key(text)[0], match_key(converted)[0]
    # per-character folding: equal length, (almost) equal content
    assert len(ka) == len(kb)
    assert sum(x != y for x, y in zip(ka, kb)) <= 1


def test_keyed_line_starts():
    kd = keyed("标题一\n\n正文第一段。\n第二段")
    assert kd.line_starts.tolist() == [0, 3, 8]


# ---------------------------------------------------------------- minhash


def test_shingle_hashes_shapes():
    assert shingle_hashes("", 5).size == 0
    assert shingle_hashes("abc", 5).size == 1
    h = shingle_hashes("abcdefg", 5)
    assert h.dtype == np.uint32 and h.size == 3
    assert shingle_hashes("abcdefg", 5).tolist() == h.tolist()


def test_signatures_equal_datasketch_affine32():
    key = match_key(TEXT)[0]
    h = shingle_hashes(key, 5)
    ours = signatures([h], 64, 7)[0]
    mh = MinHash(num_perm=64, seed=7, hashfunc=int, scheme="affine32")
    for v in h.tolist():
        mh.update(v)
    assert ours.tolist() == mh.hashvalues.tolist()
    lean = LeanMinHash(seed=7, hashvalues=ours, scheme="affine32")
    assert lean.jaccard(LeanMinHash(mh)) == 1.0


def test_signatures_batching_and_empty():
    hs = [shingle_hashes(match_key(words(n, n))[0], 5) for n in (0, 3, 50, 400, 40_000)]
    sigs = signatures(hs, 32, 1)
    assert sigs.shape == (5, 32) and sigs.dtype == np.uint32
    assert np.all(sigs[0] == EMPTY)
    for i, h in enumerate(hs):
        assert sigs[i].tolist() == signatures([h], 32, 1)[0].tolist()


def test_candidate_pairs_match_band_keys():
    texts = [words(300, s) for s in range(6)]
    texts.append(texts[2][:290] + "某某某某某某某某某某")
    texts.append("")
    sigs = signatures([shingle_hashes(match_key(t)[0], 5) for t in texts], 128, 1)
    pairs = candidate_pairs(sigs, 25, 5, 1)
    assert (2, 6) in pairs
    bk = band_keys(sigs, 25, 5)
    live = [i for i in range(len(texts)) if texts[i]]
    expected = {
        (i, j) for i in live for j in live if i < j and np.any(bk[i] == bk[j])
    }
    assert pairs == expected


def test_content_blocks_are_position_independent():
    body = match_key(words(600, 3))[0]
    a = shingle_hashes(body, 5)
    b = shingle_hashes("前缀" * 17 + body, 5)
    sa = set(int(x) for x in a[content_blocks(a, 24)[2:]])
    sb = set(int(x) for x in b[content_blocks(b, 24)[2:]])
    assert len(sa & sb) >= len(sa) - 2
    sigs, ws, we = window_signatures(a, 16, 1, 24)
    assert sigs.shape == (ws.size, 16) and np.all(we > ws)


def test_window_candidates_self_and_cross():
    from seedsift.dedupe.minhash import window_pairs

    win_doc = np.array([0, 0, 0, 1, 2])
    win_idx = np.array([0, 1, 5, 0, 0])
    bk = np.array([[1, 7], [1, 8], [1, 6], [9, 9], [1, 8]], dtype=np.uint64)
    assert window_candidates(win_doc, win_idx, bk, min_bands=1) == {(0, 0), (0, 2)}
    assert window_candidates(win_doc, win_idx, bk, min_bands=2) == {(0, 2)}
    a, b, wa, wb, hits = window_pairs(win_doc, win_idx, bk)
    rows = {(x, y): (p, q, h) for x, y, p, q, h in zip(*(v.tolist() for v in (a, b, wa, wb, hits)))}
    assert rows[(0, 0)] == (1, 5, 1)
    assert rows[(0, 2)][2] == 2


def test_crowded_window_bucket_gives_no_pairs():
    """A band bucket held by windows of more than ``max_docs`` documents is recurring text:
    it pairs none of them (the pairs would grow with the square of its recurrence), while
    a bucket of ``max_docs`` documents still pairs them all; windows of one document count once."""
    from seedsift.dedupe.minhash import band_collisions, window_pairs

    def pairs(n_docs: int, max_docs: int) -> set:
        win_doc = np.repeat(np.arange(n_docs), 2)  # every document holds the window twice
        win_idx = np.tile(np.array([0, 3]), n_docs)
        bk = np.full((win_doc.size, 1), 42, dtype=np.uint64)
        a, b, _, _, _ = window_pairs(win_doc, win_idx, bk, max_docs)
        return set(zip(a.tolist(), b.tolist()))

    assert {(d, d) for d in range(5)} | {(0, d) for d in range(1, 5)} <= pairs(5, 5)  # each with itself and the first
    assert pairs(6, 5) == set()
    assert len(pairs(6, 0)) > 0  # 0: no limit
    # the other bands of a copy still pair it
    win_doc = np.arange(8)
    win_idx = np.zeros(8, dtype=np.int64)
    bk = np.array([[1, 2]] * 2 + [[1, 3]] * 6, dtype=np.uint64)  # band 0: 8 documents; band 1: 2 and 6
    a, b, _, _, hits = window_pairs(win_doc, win_idx, bk, 5)
    assert list(zip(a.tolist(), b.tolist(), hits.tolist())) == [(0, 1, 1)]
    _, _, _, lists = band_collisions(bk[:, 0], win_doc, win_idx, 5)
    assert all(left.size == 0 for left, _ in lists)


def test_passage_of_common_text_is_boilerplate():
    """Two documents sharing a paragraph that recurs all over the corpus (its winnowed
    fingerprints held by more than ``boilerplate_docs`` documents: a footer) give a boilerplate
    record, not a removal, even when only these two copies were aligned (crowded windows pair no
    documents, so the others may never be); the same pair with rare text is a passage, and a
    repeat inside one page stays a passage."""
    from seedsift.dedupe.core import align_task
    from seedsift.dedupe.findings import plan_findings
    from seedsift.dedupe.passages import common_fingerprints, winnow

    cfg = DedupeConfig()
    footer = "本页面中文版由中文手册页计划提供，欢迎访问项目主页报告翻译错误并参与翻译工作。"
    texts = [words(300, 1) + "\n\n" + footer + "\n\n" + words(200, 2),
             words(250, 3) + "\n\n" + footer + "\n\n" + words(220, 4)]
    kds = [keyed(t) for t in texts]
    found = align_task(([(0, 1, kds[0].key, kds[1].key)], cfg))
    ids, rank = ["a", "b"], [(0,), (1,)]

    def plan(common_fp):
        return plan_findings(ids, texts, kds, found, rank, cfg, common_fp=common_fp)

    spans, phrases = plan(None)
    assert [s.action for s in spans] == ["removed"] and not any(p.kind == "boilerplate" for p in phrases)
    others = [winnow(match_key(words(100, 10 + n) + footer)[0], cfg) for n in range(cfg.boilerplate_docs)]
    common = common_fingerprints([winnow(k.key, cfg) for k in kds] + others, cfg)
    assert common.size and np.isin(winnow(match_key(footer)[0], cfg)[0], common).all()
    spans, phrases = plan(common)
    assert spans == [] and [p.kind for p in phrases if p.kind == "boilerplate"] == ["boilerplate"]
    # held by 5 documents: no longer common
    assert plan(common_fingerprints([winnow(k.key, cfg) for k in kds] + others[2:], cfg))[0][0].action == "removed"
    # a repeat inside one page is a repetition, however common its text
    page = [words(300, 5) + "\n\n" + footer + "\n\n" + words(200, 6) + "\n\n" + footer + "\n\n" + words(100, 7)]
    pk = [keyed(page[0])]
    self_found = align_task(([(0, 0, pk[0].key, None)], cfg))
    spans, _ = plan_findings(["p"], page, pk, self_found, [(0,)], cfg, common_fp=common)
    assert [s.action for s in spans] == ["removed"]


# ---------------------------------------------------------------- verify / cluster


def test_verify_pair_rejects_shared_template():
    header = "人民日报\n\n第03版：要闻\n\n2021年1月5日 星期二\n\n本报记者 张三\n\n"
    footer = "\n\n责任编辑：李四\n"
    a = keyed(header + words(120, 1) + footer)
    b = keyed(header + words(120, 2) + footer)
    assert verify_pair(a, b) < 0.7
    assert verify_pair(a, a) == 1.0
    noisy = keyed((header + words(120, 1) + footer).replace("的", "白"))
    assert verify_pair(a, noisy) > 0.9


def test_cluster_keep_policies():
    edges = [(1, 2), (0, 3), (3, 2)]
    assert cluster(5, edges, [(i,) for i in range(5)]) == [0, 0, 0, 0, 4]
    rank = keep_rank(["a", "bbb", "cc", "dddd", "e"], "longest")
    assert cluster(5, edges, rank) == [3, 3, 3, 3, 4]


# ---------------------------------------------------------------- passages


def test_align_passages_self_repeat():
    cfg = DedupeConfig()
    block = match_key(words(200, 9))[0]
    key = match_key(words(100, 1))[0] + block + match_key(words(80, 2))[0] + block
    ms = align_passages(key, None, cfg)
    assert any(m.b_end - m.b_start >= 195 and m.similarity == 1.0 for m in ms)
    assert all(m.a_end <= m.b_start for m in ms)


def test_align_passages_noisy_cross():
    cfg = DedupeConfig()
    block = words(300, 4)
    noisy = "".join("错" if i % 60 == 30 else c for i, c in enumerate(block))
    a = match_key(words(80, 5) + block)[0]
    b = match_key(noisy + words(50, 6))[0]
    ms = align_passages(a, b, cfg)
    best = max(ms, key=lambda m: m.a_end - m.a_start)
    assert best.a_end - best.a_start >= 290 and 0.95 <= best.similarity < 1.0


def test_apply_removals_and_overlap_error():
    spans = [Span("d", 2, 4, "s", 0, 2, 1.0, "removed"), Span("d", 5, 6, "s", 0, 1, 1.0, "kept")]
    assert apply_removals("abcdefgh", spans) == "abefgh"
    with pytest.raises(ValueError, match="overlaps"):
        apply_removals("abcdefgh", [spans[0], Span("d", 3, 5, "s", 0, 2, 1.0, "removed")])


# ---------------------------------------------------------------- find_duplicates


def test_find_duplicates_basic_contract():
    base = words(400, 11)
    other = words(400, 12)
    block = words(200, 13)
    docs = [
        ("a", base),
        ("b", other + "\n\n" + block),
        ("c", base.replace("的", "白", 2)),
        ("d", words(300, 14) + "\n\n" + block + "\n\n" + words(50, 15)),
        ("e", ""),
    ]
    r = find_duplicates(docs)
    assert r.clusters == {"a": "a", "b": "b", "c": "a", "d": "d", "e": "e"}
    assert set(r.doc_matches) == {"c"} and r.doc_matches["c"][0] == "a"
    removed = r.removed("d")
    assert len(removed) == 1 and removed[0].src_doc_id == "b"
    out = apply_removals(docs[3][1], removed)
    assert block not in out and len(out) < len(docs[3][1]) - 190


def test_find_duplicates_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="unique"):
        find_duplicates([("a", "x"), ("a", "y")])


def test_find_duplicates_empty_and_short():
    assert find_duplicates([]).clusters == {}
    r = find_duplicates([("a", ""), ("b", ""), ("c", "。"), ("d", "好")])
    assert r.clusters == {"a": "a", "b": "b", "c": "c", "d": "d"}


def test_progress_and_map_fn_give_same_result():
    corpus = make_corpus(120, seed=3)
    calls = []
    cfg = DedupeConfig(batch_size=16)
    r1 = find_duplicates(corpus.docs, cfg, progress=lambda *a: calls.append(a))
    with ProcessPoolExecutor(2) as pool:
        r2 = find_duplicates(corpus.docs, cfg, map_fn=pool.map)
    assert r1 == r2
    stages = {c[0] for c in calls}
    assert {"signatures", "verify", "align"} <= stages
    assert ("signatures", 120, 120) in calls


def test_public_api():
    for name in dedupe.__all__:
        assert hasattr(dedupe, name)
    assert dedupe.__doc__ and "match_key" in dedupe.__doc__


def test_lsh_rebuild_from_signatures():
    """Signatures persist as plain arrays and rebuild a datasketch index (no pickle)."""
    sigs = signatures([shingle_hashes(match_key(words(200, s))[0], 5) for s in range(3)], 128, 1)
    lsh = MinHashLSH(num_perm=128, params=(25, 5))
    for i, s in enumerate(sigs):
        lsh.insert(f"k{i}", LeanMinHash(seed=1, hashvalues=s, scheme="affine32"))
    assert lsh.query(LeanMinHash(seed=1, hashvalues=sigs[1], scheme="affine32")) == ["k1"]


def test_batch_stage_functions_equal_single():
    from seedsift.dedupe.keys import keyed_many, shingle_hashes_many
    from seedsift.dedupe.passages import passage_units, passage_units_many

    texts = ["", "\n\n", "短", "第一行\n\n" + words(300, 1), words(40, 2) + "\n" + words(900, 3) + "\n"]
    many = keyed_many(texts)
    cfg = DedupeConfig()
    for t, kd in zip(texts, many):
        one = keyed(t)
        assert kd.key == one.key
        assert kd.offsets.tolist() == one.offsets.tolist()
        assert kd.line_starts.tolist() == one.line_starts.tolist()
    keys = [kd.key for kd in many]
    sh = shingle_hashes_many(keys, 5)
    for k, h in zip(keys, sh):
        assert h.tolist() == shingle_hashes(k, 5).tolist()
    for k, u in zip(keys, passage_units_many(keys, sh, cfg)):
        one = passage_units(k, cfg)
        assert u.start.tolist() == one.start.tolist() and np.array_equal(u.bands, one.bands)


def test_lsh_backends_give_identical_results():
    corpus = make_corpus(300, seed=8)
    r1 = find_duplicates(corpus.docs, DedupeConfig())
    r2 = find_duplicates(corpus.docs, DedupeConfig(lsh_backend="numpy"))
    assert r1 == r2
    sigs = signatures([shingle_hashes(match_key(t)[0], 5) for _, t in corpus.docs], 128, 1)
    assert candidate_pairs(sigs, 25, 5, 1, "numpy") == candidate_pairs(sigs, 25, 5, 1, "datasketch")


def test_no_passages_flag_gives_documents_only(tmp_path):
    """``seedsift dedupe --no-passages``: the same clusters, no passage rows, no passage cut."""
    import json
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    para = "全国总工会召开会议，部署今年的职工服务工作，要求各级工会把服务职工的各项措施落到实处，切实维护职工合法权益。"
    a = "春节前夕，记者走访了多家企业，看到生产线上一派繁忙景象，工人们正在加紧赶制订单。" * 2
    b = "今年以来，该市持续推进老旧小区改造，新增停车位三千余个，居民出行更加便利。" * 2
    (src / "a.txt").write_text(f"{a}\n\n{para}\n\n{a[::-1]}\n", encoding="utf-8")
    (src / "b.txt").write_text(f"{b}\n\n{para}\n\n{b[::-1]}\n", encoding="utf-8")
    outs = {}
    for flag in ([], ["--no-passages"]):
        out = tmp_path / ("docs" if flag else "full")
        res = subprocess.run([sys.executable, "-m", "seedsift", "dedupe", str(src), "--out", str(out), "-q", *flag],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        outs[bool(flag)] = out
    def spans(o):
        return (o / "spans.jsonl").read_text(encoding="utf-8").splitlines()

    assert len(spans(outs[False])) == 1 and spans(outs[True]) == []
    assert (outs[False] / "clusters.jsonl").read_bytes() == (outs[True] / "clusters.jsonl").read_bytes()
    assert json.loads(spans(outs[False])[0])["action"] == "removed"


def _brute_seeds(a: str, b: str, k: int, cap: int) -> set[tuple[int, int]]:
    """Every (i, j) where a and b share a k-gram that occurs at most ``cap`` times in b."""
    grams_b: dict[str, list[int]] = {}
    for j in range(len(b) - k + 1):
        grams_b.setdefault(b[j:j + k], []).append(j)
    return {(i, j) for i in range(len(a) - k + 1) for j in grams_b.get(a[i:i + k], ()) if len(grams_b[a[i:i + k]]) <= cap}


def test_alignment_seeds_equal_brute_force():
    """The table-prefiltered lookup of b's k-grams in a's sorted index finds exactly the
    shared k-grams, with the occurrence cap counted in b (a k-gram repeated 9 times in b gives none)."""
    from seedsift.dedupe import passages as P

    corpus = make_corpus(6, seed=3)
    a, b = (match_key(t)[0] for _, t in corpus.docs[:2])
    shared = a[40:200]
    b = b[:50] + shared + b[50:] + shared[:30] + "甲乙丙丁戊己庚辛" * 9
    a = a + "甲乙丙丁戊己庚辛"
    kh = dedupe.keys.kgram_hashes
    ii, jj = P._seeds(P.kgram_index(kh(a, 8)), P.kgram_lookup(kh(b, 8)), 8)
    got = set(zip(ii.tolist(), jj.tolist()))
    assert got and got == _brute_seeds(a, b, 8, P._MAX_OCC)
    assert len(got) == ii.size  # no pair twice


def test_align_task_equals_align_passages():
    """align_task hashes a batch's keys in one pass and slices them for regions: the same
    matches as aligning every pair (and every region of a pair) on its own."""
    from seedsift.dedupe.core import align_task
    from seedsift.dedupe.passages import Match

    cfg = DedupeConfig()
    keys = [match_key(t)[0] for _, t in make_corpus(10, seed=4).docs]
    shared = keys[0][30:260]
    keys[1] = keys[1][:70] + shared + keys[1][70:]
    keys[2] = shared[:120] + keys[2] + shared + "短"
    keys[3] = keys[3] + keys[3][10:150]  # a repeat inside one document
    tasks = [(0, 1, keys[0], keys[1]), (0, 2, keys[0], keys[2]), (1, 2, keys[1], keys[2]), (3, 3, keys[3], None),
             (0, 1, keys[0], keys[1], (0, 320, 40, 360)), (2, 1, keys[2], keys[1], (90, 400, 60, 300)),
             (3, 3, keys[3], None, (0, 200, len(keys[3]) - 160, len(keys[3]))), (4, 5, keys[4], keys[5])]
    want = []
    for t in tasks:
        i, j, a, b = t[:4]
        if len(t) == 5:
            a0, a1, b0, b1 = t[4]
            bb = a if b is None else b
            ms = align_passages(a[a0:a1], bb[b0:b1], cfg)
            edge = cfg.align_k
            if all((m.a_start >= edge or a0 == 0) and (m.a_end <= a1 - a0 - edge or a1 == len(a))
                   and (m.b_start >= edge or b0 == 0) and (m.b_end <= b1 - b0 - edge or b1 == len(bb)) for m in ms):
                want += [(i, j, Match(m.a_start + a0, m.a_end + a0, m.b_start + b0, m.b_end + b0, m.similarity)) for m in ms]
                continue
        want += [(i, j, m) for m in align_passages(a, b, cfg)]
    got = align_task((tasks, cfg))
    assert got == want
    assert len({(i, j) for i, j, _ in got}) >= 4  # the shared text and the repeat were found


def test_paragraph_units_whitespace_classes_and_line_starts():
    """Paragraph cutting reads every whitespace class of ``findings._SPACE`` (a line of
    ideographic spaces or U+2028 is blank, 、 just above U+3000 and characters beyond
    the BMP are ink) and gives each line start once, ascending, also when lines without
    a key character map to the same key position."""
    from seedsift.dedupe.findings import paragraph_units

    text = "甲乙。\n\u3000\u3000\n丙、\n。\n丁\U00020000\n\u2028\n戊\t己\n"
    u = paragraph_units(text, match_key(text)[1])
    assert (u.kstart.tolist(), u.kend.tolist()) == ([0, 2, 5], [2, 5, 7])
    assert (u.ostart.tolist(), u.oend.tolist()) == ([0, 7, 17], [3, 14, 20])
    assert u.lstart.tolist() == [0, 2, 3, 5]


def test_line_counter_added_in_batches_equals_common_lines():
    """``find_duplicates`` counts the lines batch by batch as the documents come
    (``LineCounter``); that gives exactly ``common_lines`` of all documents: a
    footer in many contexts is common, the lines of an article copied four times
    (same context in every copy) are not, and a short line never is."""
    from seedsift.dedupe.verify import LineCounter, common_lines, line_hash

    foot = "本栏目所有文章均可自由转载但请注明出处和作者姓名谢谢合作祝大家阅读愉快"
    article = words(60, 7) + "\n" + words(50, 8)
    texts = [f"第{i}期\n{words(40, 20 + i)}\n{foot}\n短行" for i in range(6)] + [article + "\n短行"] * 4 + ["", "甲"]
    docs = [keyed(t) for t in texts]
    counter = LineCounter()
    for s in range(0, len(docs), 5):
        counter.add(docs[s : s + 5])
    got = counter.common(20, 3)
    assert got == common_lines(docs, 20, 3) == {line_hash(match_key(foot)[0])}
    assert counter.common(20, 6) == frozenset()


def test_match_copies_prefilter_never_drops_a_segment():
    """``MatchCopies`` skips a match that ``may_hold_passage`` rejects; that test
    must only reject matches for which ``match_segments`` finds no segment
    (too short, no paragraph covered, or too little of one), and reject some."""
    import random

    from seedsift.dedupe.findings import MatchCopies, match_segments
    from seedsift.dedupe.passages import Match

    paras = [words(n, 30 + n) for n in (12, 45, 80, 33, 150, 60, 25, 90)]
    texts = ["\n\n".join(paras), "\n\n".join(paras[2:] + paras[:2])]
    docs = [keyed(t) for t in texts]
    cfg = DedupeConfig()
    ev = MatchCopies(texts, docs, cfg)
    rnd = random.Random(5)
    la, lb = len(docs[0].key), len(docs[1].key)
    rejected = kept = 0
    for _ in range(3000):
        a0, b0 = rnd.randrange(la), rnd.randrange(lb)
        ln = rnd.choice([10, 30, 60, 120, 300, 600])
        m = Match(a0, min(la, a0 + ln), b0, min(lb, b0 + ln + rnd.randint(-5, 5)), rnd.choice([0.9, 0.99, 1.0]))
        if m.b_end <= m.b_start:
            continue
        segs = match_segments(docs[0].key, docs[1].key, ev.unit(0), ev.unit(1), m, cfg, False)
        if not ev.may_hold_passage(0, m):
            assert segs == [], m
            rejected += 1
        kept += bool(segs)
    assert rejected > 100 and kept > 100


def test_passage_candidates_in_a_thread_equal_the_stages_in_turn():
    """``find_duplicates`` scans the window bands in a thread beside the fingerprint
    stages (``core._passage_candidates``); the pairs and common fingerprints are those
    of calling the stages one after the other."""
    from seedsift.dedupe.core import _passage_candidates, doc_task, with_fingerprint_pairs, with_rare_shared_fingerprint
    from seedsift.dedupe.minhash import window_pairs
    from seedsift.dedupe.passages import common_fingerprints, fingerprint_pairs, fingerprint_table

    cfg = DedupeConfig(boilerplate_docs=3)
    texts = [t for _, t in make_corpus(150, seed=4).docs]
    kd, _, units = doc_task((texts, cfg))
    live = [i for i in range(len(texts)) if units[i].start.size]
    wp, common = _passage_candidates(kd, units, live, cfg)
    fps = [(units[i].fp_hash, units[i].fp_pos) for i in live]
    table = fingerprint_table(live, fps)
    win_doc = np.concatenate([np.full(units[i].start.size, i, dtype=np.int64) for i in live])
    win_idx = np.concatenate([np.arange(units[i].start.size, dtype=np.int64) for i in live])
    want = with_fingerprint_pairs(
        with_rare_shared_fingerprint(window_pairs(win_doc, win_idx, np.concatenate([units[i].bands for i in live]), 3),
                                            {i: units[i] for i in live}, cfg, table),
        fingerprint_pairs([kd[i].key for i in live], live, cfg, fps, table), cfg)
    assert wp[0].size > 0 and all(np.array_equal(a, b) for a, b in zip(wp, want))
    assert np.array_equal(common, common_fingerprints(fps, cfg, table))


@pytest.mark.parametrize("passages", [True, False])
def test_doc_batch_unpacks_to_what_doc_task_returned(passages):
    """The workers send ``doc_task``'s result back as a few flat arrays
    (``core.DocBatch``, pickled as the pool would); unpacked it holds the same
    keys, offsets, line starts, signatures, windows, band keys and fingerprints,
    with the same dtypes and shapes, also for empty and one-window texts."""
    import pickle

    from seedsift.dedupe.core import doc_task, pack_docs, unpack_docs

    cfg = DedupeConfig(passages=passages)
    texts = [t for _, t in make_corpus(60, seed=5).docs] + ["", "短", words(30, 1), "\n\n", TEXT]
    want = doc_task((texts, cfg))
    got = unpack_docs(pickle.loads(pickle.dumps(pack_docs(*want))))

    def same(a, b):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)

    assert same(got[1], want[1]) and len(got[0]) == len(want[0]) == len(texts)
    assert [d.key for d in got[0]] == [d.key for d in want[0]]
    assert all(same(g.offsets, w.offsets) and same(g.line_starts, w.line_starts) for g, w in zip(got[0], want[0]))
    assert len(got[2]) == len(want[2]) == (len(texts) if passages else 0)
    assert all(same(getattr(g, f), getattr(w, f)) for g, w in zip(got[2], want[2]) for f in w._fields)
    if passages:  # the corpus exercises windows and fingerprints, and a text without either
        assert any(u.start.size for u in got[2]) and any(u.fp_hash.size == 0 for u in got[2])


@pytest.mark.parametrize("workers", [1, 2])
def test_verify_pairs_scores_every_pair_as_verify_pair(workers):
    """``find_duplicates`` verifies its candidate pairs in one ``verify_pairs`` call
    per 10,000 (rapidfuzz's ``cpdist`` on several threads); every score equals
    ``verify_pair`` of the same pair: equal keys, lengths too far apart, scores
    under the cutoff, template lines stripped from both bodies, a body that is
    nothing but template."""
    from seedsift.dedupe.verify import common_lines, verify_pairs

    head, foot = "本报讯\n", "\n" + "本栏目所有文章均可自由转载但请注明出处和作者姓名谢谢合作祝大家阅读愉快" * 2
    texts = [t for _, t in make_corpus(40, seed=6).docs]
    texts += [head + t + foot for t in texts[:10]] + [head + words(200, s) + foot for s in range(6)] + ["", "", head + foot]
    docs = [keyed(t) for t in texts]
    rng = np.random.default_rng(2)
    pairs = [tuple(int(x) for x in rng.integers(0, len(docs), 2)) for _ in range(300)]
    pairs += [(i, i + 40) for i in range(10)] + [(50, 51), (52, 53), (56, 57), (58, 40)]
    common = common_lines(docs, 20, 3)
    assert common  # the footer is template text
    for cutoff, ratio in [(0.0, 0.0), (0.8, 0.0), (0.5, 0.6)]:
        want = [verify_pair(docs[i], docs[j], 20, cutoff, common, ratio) for i, j in pairs]
        got = verify_pairs(docs, pairs, 20, cutoff, common, ratio, workers)
        assert got.tolist() == want
        assert 0.0 in want and 1.0 in want and any(0.0 < w < 1.0 for w in want)
