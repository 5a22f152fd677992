"""Quality of find_duplicates on labelled synthetic corpora (synth, not built from the seeds)."""

from __future__ import annotations

from itertools import combinations

import pytest
from synth import make_corpus

from seedsift.dedupe import DedupeConfig, find_duplicates


def same_cluster_pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for d, k in labels.items():
        groups.setdefault(k, []).append(d)
    return {p for g in groups.values() for p in combinations(sorted(g), 2)}


def passage_scores(corpus, result, kinds=None):
    """Character recall and precision of removed passage text (whitespace not counted)."""
    texts = dict(corpus.docs)

    def chars(doc, s, e):
        return {i for i in range(s, e) if not texts[doc][i].isspace()}

    truth: dict[str, set[int]] = {}
    for p in corpus.passages:
        if kinds is None or p.kind in kinds:
            truth.setdefault(p.doc_id, set()).update(chars(p.doc_id, p.start, p.end))
    removed: dict[str, set[int]] = {}
    for s in result.spans:
        if s.action == "removed":
            removed.setdefault(s.doc_id, set()).update(chars(s.doc_id, s.start, s.end))
    hit = sum(len(v & removed.get(k, set())) for k, v in truth.items())
    if kinds is not None:
        return hit / max(1, sum(map(len, truth.values()))), None
    all_truth = {}
    for p in corpus.passages:
        all_truth.setdefault(p.doc_id, set()).update(chars(p.doc_id, p.start, p.end))
    good = sum(len(v & all_truth.get(k, set())) for k, v in removed.items())
    return hit / max(1, sum(map(len, truth.values()))), good / max(1, sum(map(len, removed.values())))


@pytest.fixture(scope="module", params=[11, 12])
def run(request):
    corpus = make_corpus(1500, seed=request.param)
    return corpus, find_duplicates(corpus.docs, DedupeConfig())


def test_document_clusters_f1(run):
    corpus, r = run
    truth, found = same_cluster_pairs(corpus.clusters), same_cluster_pairs(r.clusters)
    tp = len(truth & found)
    precision, recall = tp / max(1, len(found)), tp / max(1, len(truth))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    assert f1 >= 0.97, (precision, recall)


def test_hard_negatives_not_merged(run):
    corpus, r = run
    merged = sum(r.clusters[a] == r.clusters[b] for a, b in corpus.negatives)
    assert len(corpus.negatives) > 20
    assert merged <= len(corpus.negatives) * 0.01


def test_script_converted_copies_found(run):
    corpus, r = run
    script = [d for d, k in corpus.kinds.items() if k == "script"]
    found = sum(r.clusters[d] == r.clusters[corpus.clusters[d]] for d in script)
    assert found / len(script) >= 0.95
    recall, _ = passage_scores(corpus, r, kinds={"embed-script"})
    assert recall >= 0.95


def test_copied_passages_recall_precision(run):
    corpus, r = run
    recall, precision = passage_scores(corpus, r)
    assert recall >= 0.95
    assert precision >= 0.98


def test_synth_is_deterministic_and_consistent():
    a, b = make_corpus(200, seed=5), make_corpus(200, seed=5)
    assert a.docs == b.docs and a.passages == b.passages
    assert make_corpus(200, seed=6).docs != a.docs
    texts = dict(a.docs)
    for p in a.passages:
        assert 0 <= p.start < p.end <= len(texts[p.doc_id])
        assert 0 <= p.src_start < p.src_end <= len(texts[p.src_doc_id])
        if p.kind == "embed":
            assert texts[p.doc_id][p.start : p.end] == texts[p.src_doc_id][p.src_start : p.src_end]
    kinds = set(a.kinds.values())
    assert {"base", "exact", "noisy", "script", "resegment", "embed", "repeat", "negative"} <= kinds


def test_synth_accepts_base_paragraphs():
    paras = ["第一段文字内容比较长，用来检验生成器。" * 3, "第二段也有一些文字，内容不同。" * 3]
    c = make_corpus(30, seed=1, base_paragraphs=paras)
    assert all(("第一段" in t or "第二段" in t) for _, t in c.docs)
