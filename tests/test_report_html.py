"""The HTML report without a browser: self-contained, escaped, and built from the run directory.

The hypothesis test is the core safety property: whatever text the corpus
holds, it adds no markup to the page and cannot end the JSON data block.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_review_support import HOSTILE_DOC, PAYLOADS, SEED_003, make_run, read_jsonl, removed_003_span

from seedsift.pipeline.rundir import load_run
from seedsift.reports.html import CSP, render_report
from seedsift.reports.review import reconstruct_original, segment_texts
from seedsift.review.model import ELIDE_OVER, build_report_data

DATA_OPEN = '<script type="application/json" id="report-data">'


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def html(run_dir) -> str:
    return (run_dir / "report.html").read_text(encoding="utf-8")


def split_data_block(page: str) -> tuple[str, str]:
    """(page without the JSON block, the JSON text): the block ends at the first '</script' after it."""
    start = page.index(DATA_OPEN) + len(DATA_OPEN)
    end = page.index("</script", start)
    return page[: start] + page[end:], page[start:end]


def test_report_is_self_contained(html):
    assert '<html lang="zh-CN">' in html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "default-src 'none'" in CSP
    outside = split_data_block(html)[0]
    assert not re.search(r"https?:|ftp:|wss?:", outside), "no URL may appear in the markup"
    assert not re.search(r"""(src|href)\s*=\s*["']?(//|\w+:)""", html), "no external src/href"
    assert not re.search(r"<(link|iframe|object|embed|img|base|form)\b", outside)
    assert not re.search(r"https?:", html)  # the seeds hold no URL, so neither may any part of the page
    assert "@import" not in html and "url(" not in html


def test_hostile_text_is_escaped_everywhere(html):
    outside, block = split_data_block(html)
    for payload in (PAYLOADS[0], PAYLOADS[2]):
        assert payload not in outside and payload not in block
    assert html.count("</script>") == 2  # the page's own two script elements, none from the corpus
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in block
    assert outside.count("<script") == 2  # the data block and the page's own code, nothing else
    data = json.loads(block)
    assert any(PAYLOADS[0] in g[1] for card in data["cards"] for c in card["copies"] for g in c["seg"] if g[0] in "=-+")
    assert any("alert(1)</script>" in r["pre"] and "<img src=x" in r["post"] for r in data["repairs"])


def test_report_data_matches_the_run(run_dir):
    run = load_run(run_dir)
    data = build_report_data(run)
    texts = run.dedupe_input()
    assert data["docs"] == [d["id"] for d in read_jsonl(run_dir / "docs.jsonl")]
    span = removed_003_span(run_dir)
    suffix = f":{span['start']}:{span['end']}:{SEED_003}:{span['src_start']}:{span['src_end']}"
    card, copy = next((k, c) for k in data["cards"] for c in k["copies"] if c["key"].endswith(suffix))
    assert copy["status"] == "removed" and card["kind"] == "passage"
    assert data["docs"][copy["a"]["doc"]] == data["docs"][card["kept"]["doc"]] == SEED_003
    assert segment_texts(copy["seg"])[0] == texts[SEED_003][span["start"]:span["end"]]
    assert copy["a"]["line"] == texts[SEED_003].count("\n", 0, span["start"]) + 1
    spans = read_jsonl(run_dir / "spans.jsonl")
    passages = [k for k in data["cards"] if k["kind"] == "passage"]
    # one card per repeated passage, all its copies on it, each against the kept copy
    assert len(passages) == len({(s["passage"], s["src_doc_id"], s["src_start"]) for s in spans})
    assert sum(len(k["copies"]) for k in passages) == len(spans)
    for k in passages:
        kept = k["kept"]
        kept_text = texts[data["docs"][kept["doc"]]][kept["start"]:kept["end"]]
        for c in k["copies"]:  # both texts rebuilt from the segments, exactly (the kept text travels only there)
            a = c["a"]
            assert segment_texts(c["seg"]) == (texts[data["docs"][a["doc"]]][a["start"]:a["end"]], kept_text)
    # default order: characters removed, descending; the 003 block first among the passages
    assert [k["removed"] for k in passages] == sorted((k["removed"] for k in passages), reverse=True)
    assert passages[0] is card
    hostile_card = next(k for k in data["cards"] if k["kind"] == "document")
    hostile = hostile_card["copies"][0]
    assert data["docs"][hostile["a"]["doc"]] == HOSTILE_DOC and hostile["status"] == "removed"
    # copies inside the dropped document offer no decision of their own: the document's card decides
    inside = [c for k in passages for c in k["copies"] if data["docs"][c["a"]["doc"]] == HOSTILE_DOC]
    assert inside and all(c["status"] == "doc-removed" and c["within"] == f"document:{HOSTILE_DOC}" for c in inside)
    # A reprinted document keeps its differences but not every identical character.
    assert {g[0] for g in hostile["seg"]} >= {"~", "-"}
    assert all(len(g[1]) <= ELIDE_OVER for g in hostile["seg"] if g[0] == "=")
    assert any(PAYLOADS[0] in g[1] for g in hostile["seg"] if g[0] == "-")
    assert data["counts"]["documents"] == 6 and data["counts"]["documents_removed"] == 1
    assert data["counts"]["characters_removed"] == sum(len(m["text"]) for m in read_jsonl(run_dir / "manifest.jsonl"))
    # the numbers of the CLI's summary (run.json holds what it printed)
    cli = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["dedupe"]
    assert (data["counts"]["passages"], data["counts"]["copies"], data["counts"]["passages_removed"],
            data["counts"]["characters_removed"], data["counts"]["documents_removed"]) == (
        cli["passages_found"], cli["passage_copies"], cli["passages_removed"], cli["characters_removed"],
        cli["documents_removed"])


def test_repair_context_comes_from_the_reconstructed_original(run_dir):
    """Undoing the applied repairs on cleaned/ gives back the input page exactly."""
    run = load_run(run_dir)
    for doc_id, cleaned in run.cleaned.items():
        applied = [r for doc, r in run.repairs if doc == doc_id and r.applied]
        original = (run_dir.parent / "in" / doc_id).read_text(encoding="utf-8")
        assert reconstruct_original(cleaned, applied) == original, doc_id


def test_report_tolerates_a_clean_only_directory(tmp_path):
    from test_review_support import make_inputs, seedsift

    res = seedsift("clean", make_inputs(tmp_path / "in", hostile=False), "--out", tmp_path / "c", "-q")
    assert res.returncode == 0, res.stderr
    res = seedsift("report", tmp_path / "c")
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "c" / "report.html").read_text(encoding="utf-8")
    data = json.loads(split_data_block(page)[1])
    assert data["cards"] == [] and len(data["repairs"]) > 100
    assert "No dedupe outputs" in page


def test_report_on_a_directory_that_is_not_a_run_exits_1(tmp_path):
    from test_review_support import seedsift

    (tmp_path / "d").mkdir()
    res = seedsift("report", tmp_path / "d")
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and str(tmp_path / "d") in res.stderr


# ---------------------------------------------------------------- property: escaping

TOKEN = st.sampled_from(list("<>&\"'/=! \n-甲乙\u2028\u2029") + ["</script>", "</SCRIPT ", "<!--", "]]>", "<img src=x onerror=alert(1)>"])
TEXT = st.one_of(st.text(max_size=20), st.lists(TOKEN, max_size=12).map("".join))


def _data(texts: list[str]) -> dict:
    """Report data whose every corpus-derived string is taken from ``texts``."""
    t = (texts * 12)[:12]
    side = {"doc": 0, "line": 1, "start": 0, "end": len(t[0]), "pre": t[1], "post": t[2]}
    return {
        "title": t[3], "generated": "2026-01-01 00:00 UTC", "version": "0", "stages": {"clean": True, "dedupe": True},
        "counts": {k: 1 for k in ("documents", "clusters", "documents_removed", "passages", "copies", "passages_removed",
                                  "characters_in", "characters_removed", "repairs", "flags")},
        "repair_kinds": [{"kind": t[4], "applied": 1, "flags": 0}],
        "sim_hist": [{"label": "0.00–0.50", "n": 1}], "share_hist": [{"label": "0.0–0.1", "n": 0}],
        "top_docs": [{"id": t[5], "chars": 1, "dup": 1, "removed": 0, "share": 0.5}],
        "phrases": [{"kind": "phrase", "text": t[0], "key_chars": 3, "locations": 2, "documents": 1, "docs": [t[5]]}],
        "phrase_counts": {"phrase": 1, "boilerplate": 0},
        "docs": [t[5], t[6]],
        "cards": [{"key": t[7], "kind": "passage", "passage": 1, "ckind": "complete", "script": "same", "key_chars": 3,
                   "paragraphs": 1, "kept": dict(side), "removed": 0,
                   "copies": [{"key": t[7], "a": dict(side), "sim": 0.9, "status": "kept", "auto": "kept", "reason": t[3],
                               "decided": None, "removed": 0, "within": None,
                               "seg": [["=", t[0]], ["-", t[8]], ["+", t[9]], ["~", 5, t[10], t[11]]]}]}],
        "repairs": [{"doc": 0, "kind": t[4], "line": 1, "before": t[9], "after": t[10], "applied": False,
                     "reason": t[11], "pre": t[1], "post": t[2]}],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=12))
def test_render_report_escapes_any_text(texts):
    page = render_report(_data(texts))
    neutral = render_report(_data(["x"]))
    outside, block = split_data_block(page)
    # The data block ends where it should: its JSON parses back to exactly the data given.
    assert json.loads(block) == {k: _data(texts)[k] for k in ("docs", "cards", "repairs", "title", "generated")}
    # Corpus text adds no markup: as many '<' outside the block as with neutral text.
    assert outside.count("<") == split_data_block(neutral)[0].count("<")
    assert "<" not in block and ">" not in block
