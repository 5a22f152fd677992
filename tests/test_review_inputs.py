"""Review commands on other shapes of run directory: JSONL corpora, dedupe-only runs; and the doctests.

(The project's testpaths do not collect doctests from seedsift/ and reports/,
so the review modules' examples are run here.)
"""

from __future__ import annotations

import doctest
import json

import pytest
from test_review_support import SEED_003, SEEDS, read_jsonl, seedsift

from seedsift.pipeline import rundir
from seedsift.reports import html, review
from seedsift.review import apply, model, restore


@pytest.mark.parametrize("module", [model, apply, restore, rundir, review, html])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0


def test_jsonl_corpus_report_apply_restore(tmp_path):
    """JSONL records keep their other fields through apply and restore; ids may be numbers."""
    text = (SEEDS / SEED_003).read_text(encoding="utf-8")
    records = [{"id": 7, "text": text, "page": "A3"}, {"id": "copy", "text": text + "\n补记。", "page": "B1"}]
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    res = seedsift("run", src, "--out", out, "-q")
    assert res.returncode == 0, res.stderr
    assert (out / "report.html").is_file()
    manifest = read_jsonl(out / "manifest.jsonl")
    dropped = [m for m in manifest if m["type"] == "document"]
    assert [m["doc_id"] for m in dropped] == ["copy"]
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps({"seedsift_decisions": 1, "decisions": {"document:copy": "keep"}}), encoding="utf-8")
    res = seedsift("apply", decisions, out)
    assert res.returncode == 0, res.stderr
    kept = {r["id"]: r for r in read_jsonl(out / "dedup.jsonl")}
    assert kept["copy"]["page"] == "B1" and "补记。" in kept["copy"]["text"]
    res = seedsift("restore", out, "--out", tmp_path / "r")
    assert res.returncode == 0, res.stderr
    restored = {r["id"]: r for r in read_jsonl(tmp_path / "r" / "restored.jsonl")}
    cleaned = {r["id"]: r for r in read_jsonl(out / "cleaned.jsonl")}
    assert restored == cleaned


def test_report_on_a_dedupe_only_directory(tmp_path):
    out = tmp_path / "d"
    res = seedsift("dedupe", SEEDS, "--out", out, "-q")
    assert res.returncode == 0, res.stderr
    res = seedsift("report", out, "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["bytes"] == (out / "report.html").stat().st_size
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "No cleaning outputs" in page and SEED_003 in page


def test_damaged_run_files_are_named(tmp_path):
    out = tmp_path / "d"
    assert seedsift("dedupe", SEEDS, "--out", out, "-q").returncode == 0
    with open(out / "spans.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    res = seedsift("report", out)
    assert res.returncode == 1
    assert "spans.jsonl:" in res.stderr and res.stderr.strip().count("\n") == 0
