"""find_duplicates on the five seed pages, against tests/data/dedup_seed_expectations.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seedsift.dedupe import DedupeConfig, apply_removals, find_duplicates

ROOT = Path(__file__).resolve().parent.parent
EXPECT = json.loads((ROOT / "tests" / "data" / "dedup_seed_expectations.json").read_text(encoding="utf-8"))
FOLD = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def load_seeds() -> list[tuple[str, str]]:
    docs = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        m = re.match(r"(\d{3})_", p.name)
        if m:
            docs.append((m.group(1), p.read_text(encoding="utf-8")))
    return docs


@pytest.fixture(scope="module")
def result():
    docs = load_seeds()
    if len(docs) != 5:
        pytest.skip("seed pages not present")
    return dict(docs), find_duplicates(docs, DedupeConfig())


def test_no_document_is_dropped(result):
    _, r = result
    assert all(k == v for k, v in r.clusters.items()) and not r.doc_matches


@pytest.mark.parametrize("doc", sorted(EXPECT["counts"]))
def test_marker_phrase_counts(result, doc):
    texts, r = result
    out = apply_removals(texts[doc], r.removed(doc)).translate(FOLD)
    got = {ph: out.count(ph.translate(FOLD)) for ph in EXPECT["counts"][doc]}
    assert got == EXPECT["counts"][doc]


def test_only_003_loses_text(result):
    texts, r = result
    for doc in EXPECT["no_removal"]:
        assert r.removed(doc) == []
    removed = r.removed("003")
    assert removed and all(s.src_doc_id == "003" for s in removed)
    # the repeated block (about 2,000 chars in the original) is cut once, not more
    cut = sum(s.end - s.start for s in removed)
    assert 1500 <= cut <= 2500
    assert len(apply_removals(texts["003"], removed)) == len(texts["003"]) - cut


def test_cross_document_pairs_reported_not_removed(result):
    _, r = result
    reported = {tuple(sorted((s.doc_id, s.src_doc_id))) for s in r.spans if s.doc_id != s.src_doc_id}
    for a, b in EXPECT["reported_pairs"]:
        assert (a, b) in reported
    assert all(s.action == "kept" for s in r.spans if s.doc_id != s.src_doc_id)
