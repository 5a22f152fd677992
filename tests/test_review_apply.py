"""``seedsift apply`` and ``seedsift restore`` on a real run, and the diffs ``patch`` must accept.

Refusals are checked byte for byte: a bad decisions file leaves the run
directory exactly as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import slow_after
from test_review_support import (
    HOSTILE_DOC,
    SEED_003,
    make_inputs,
    make_run,
    read_jsonl,
    removed_003_span,
    seedsift,
    snapshot,
)

from seedsift.reports.dedup_output import document_key


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("apply"))


@pytest.fixture
def run_dir(pristine, tmp_path) -> Path:
    """A private copy of the run, so each test may rewrite it."""
    out = tmp_path / "out"
    shutil.copytree(pristine, out)
    return out


def key_of(s: dict) -> str:
    return f"passage:{s['doc_id']}:{s['start']}:{s['end']}:{s['src_doc_id']}:{s['src_start']}:{s['src_end']}"


def write_decisions(path: Path, decisions: dict, fmt: int = 1) -> Path:
    path.write_text(json.dumps({"seedsift_decisions": fmt, "decisions": decisions}, ensure_ascii=False), encoding="utf-8")
    return path


def test_keep_decision_puts_the_passage_back(run_dir, tmp_path):
    span = removed_003_span(run_dir)
    before = (run_dir / "dedup" / SEED_003).read_text(encoding="utf-8")
    cleaned = (run_dir / "cleaned" / SEED_003).read_text(encoding="utf-8")
    passage = cleaned[span["start"]:span["end"]]
    assert passage not in before
    res = seedsift("apply", write_decisions(tmp_path / "d.json", {key_of(span): "keep"}), run_dir, "--json")
    assert res.returncode == 0, res.stderr
    after = (run_dir / "dedup" / SEED_003).read_text(encoding="utf-8")
    assert passage in after
    manifest = read_jsonl(run_dir / "manifest.jsonl")
    assert not any(m["doc_id"] == SEED_003 and m["start"] <= span["start"] < m["end"] for m in manifest)
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert run["apply"]["decisions"] == {key_of(span): "keep"}
    assert json.loads(res.stdout)["passages_removed"] == run["dedupe"]["passages_removed"]
    assert key_of(span) in (run_dir / "report.html").read_text(encoding="utf-8")  # report rewritten too
    # Decisions accumulate: an empty second file keeps the first one's verdict.
    assert seedsift("apply", write_decisions(tmp_path / "e.json", {}), run_dir).returncode == 0
    assert passage in (run_dir / "dedup" / SEED_003).read_text(encoding="utf-8")


def test_document_decisions_keep_and_drop(run_dir, tmp_path):
    assert not (run_dir / "dedup" / HOSTILE_DOC).exists()
    key = document_key(HOSTILE_DOC)
    assert seedsift("apply", write_decisions(tmp_path / "k.json", {key: "keep"}), run_dir).returncode == 0
    assert (run_dir / "dedup" / HOSTILE_DOC).is_file()
    assert not any(m["doc_id"] == HOSTILE_DOC for m in read_jsonl(run_dir / "manifest.jsonl"))
    assert seedsift("apply", write_decisions(tmp_path / "r.json", {key: "remove"}), run_dir).returncode == 0
    assert not (run_dir / "dedup" / HOSTILE_DOC).exists()
    dropped = [m for m in read_jsonl(run_dir / "manifest.jsonl") if m["doc_id"] == HOSTILE_DOC]
    assert dropped and dropped[0]["src_doc_id"] == SEED_003 and dropped[0]["decided_by"] == "reviewer"


def test_remove_decision_cuts_a_reported_passage(tmp_path):
    # with --remove-similarity 1.0 the 003 block (similarity 0.9994) is only reported
    out = tmp_path / "out"
    res = seedsift("run", make_inputs(tmp_path / "in", False), "--out", out, "-q", "--remove-similarity", "1.0")
    assert res.returncode == 0, res.stderr
    kept = [s for s in read_jsonl(out / "spans.jsonl") if s["action"] == "kept"]
    manifest = read_jsonl(out / "manifest.jsonl")
    span = next(s for s in kept if not any(m["doc_id"] == s["doc_id"] and m["start"] <= s["start"] < m["end"] for m in manifest))
    assert seedsift("apply", write_decisions(tmp_path / "d.json", {key_of(span): "remove"}), out).returncode == 0
    cut = [m for m in read_jsonl(out / "manifest.jsonl") if m["doc_id"] == span["doc_id"] and m["start"] <= span["start"] < m["end"]]
    assert cut and cut[0]["decided_by"] == "reviewer"


@pytest.mark.parametrize("content, message", slow_after([
    ({"seedsift_decisions": 1, "decisions": {"passage:nope:1:2:nope:3:4": "keep"}}, "unknown pair key"),
    ({"seedsift_decisions": 1, "decisions": {"document:000_ad3ab43bd09cb39d.txt": "keep"}}, "unknown pair key"),
    ({"seedsift_decisions": 1, "decisions": {"k": "maybe"}}, "expected \"remove\" or \"keep\""),
    ({"seedsift_decisions": 2, "decisions": {}}, "not a seedsift decisions file"),
    ({"decisions": {}}, "not a seedsift decisions file"),
    ([1, 2], "not a seedsift decisions file"),
    ({"seedsift_decisions": 1, "decisions": []}, "must be an object"),
    ("{not json", "not valid JSON"),
], keep=2))
def test_bad_decisions_are_refused_and_nothing_is_written(run_dir, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    before = snapshot(run_dir)
    res = seedsift("apply", path, run_dir)
    assert res.returncode == 1
    assert message in res.stderr and str(path) in res.stderr
    assert res.stderr.strip().count("\n") == 0
    assert snapshot(run_dir) == before


def test_apply_usage_and_missing_files(run_dir, tmp_path):
    assert seedsift("apply").returncode == 2
    assert seedsift("apply", tmp_path / "missing.json", run_dir).returncode == 1
    assert seedsift("apply", write_decisions(tmp_path / "d.json", {}), tmp_path / "nodir").returncode == 2
    clean_only = tmp_path / "c"
    clean_only.mkdir()
    shutil.copytree(run_dir / "cleaned", clean_only / "cleaned")
    res = seedsift("apply", tmp_path / "d.json", clean_only)
    assert res.returncode == 1 and "no dedupe outputs" in res.stderr


def test_restore_rebuilds_what_dedupe_was_given(run_dir, tmp_path):
    res = seedsift("restore", run_dir, "--out", tmp_path / "r")
    assert res.returncode == 0, res.stderr
    for p in (run_dir / "cleaned").iterdir():
        assert (tmp_path / "r" / p.name).read_bytes() == p.read_bytes()
    assert seedsift("restore", run_dir, "--out", tmp_path / "r").returncode == 0  # replaceable
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    assert seedsift("restore", run_dir, "--out", tmp_path / "mine").returncode == 2
    assert (tmp_path / "mine" / "notes.txt").read_text() == "x"


# ---------------------------------------------------------------- diffs/ round-trip through patch

def _patch(tree: Path, diff: Path) -> None:
    res = subprocess.run(["patch", "-p1", "--quiet", "--batch", "-i", str(diff)], cwd=tree, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch not installed (.ci/run installs it)")
def test_diffs_apply_with_patch(pristine, run_dir, tmp_path):
    """diffs/clean turns the input into cleaned/, diffs/dedup turns cleaned/ into dedup/."""
    src = pristine.parent / "in"
    tree = tmp_path / "tree"
    shutil.copytree(src, tree)
    clean_diffs = sorted((run_dir / "diffs" / "clean").glob("*.diff"))
    assert clean_diffs
    for diff in clean_diffs:
        _patch(tree, diff)
    for p in (run_dir / "cleaned").iterdir():
        assert (tree / p.name).read_bytes() == p.read_bytes(), p.name
    dedup_diffs = sorted((run_dir / "diffs" / "dedup").glob("*.diff"))
    assert any(d.name == f"{SEED_003}.diff" for d in dedup_diffs)
    for diff in dedup_diffs:
        _patch(tree, diff)
    for p in (run_dir / "dedup").iterdir():
        assert (tree / p.name).read_bytes() == p.read_bytes(), p.name


def test_keep_inside_another_removal_is_refused_until_that_removal_is_decided(run_dir, tmp_path):
    """A copy inside a dropped document: "keep" alone cannot be honoured (the document goes anyway),
    so apply refuses it and names the key to decide; with the document kept too, it is honoured."""
    inside = next(s for s in read_jsonl(run_dir / "spans.jsonl") if s["doc_id"] == HOSTILE_DOC)
    before = snapshot(run_dir)
    res = seedsift("apply", write_decisions(tmp_path / "d.json", {key_of(inside): "keep"}), run_dir)
    assert res.returncode == 1
    assert "cannot be honoured" in res.stderr and document_key(HOSTILE_DOC) in res.stderr
    assert res.stderr.strip().count("\n") == 0 and snapshot(run_dir) == before
    both = {key_of(inside): "keep", document_key(HOSTILE_DOC): "keep"}
    assert seedsift("apply", write_decisions(tmp_path / "k.json", both), run_dir).returncode == 0
    cleaned = (run_dir / "cleaned" / HOSTILE_DOC).read_text(encoding="utf-8")
    assert cleaned[inside["start"]:inside["end"]] in (run_dir / "dedup" / HOSTILE_DOC).read_text(encoding="utf-8")


PUNCT = set("。，、；：！？,.;:!?")


def assert_clean_seams(out: Path) -> int:
    """Every cut joins text without doubled punctuation or an empty paragraph (cut_range's job)."""
    from seedsift.pipeline.rundir import load_run

    run = load_run(out)
    texts = run.dedupe_input()
    cuts = [m for m in run.manifest if m.type == "passage"]
    for m in cuts:
        t = texts[m.doc_id]
        left, right = t[:m.start], t[m.end:]
        assert not (left[-1:] in PUNCT and right[:1] in PUNCT), (m.doc_id, left[-5:], right[:5])
        assert "\n\n\n" not in left[-2:] + right[:2] or "\n\n\n" in t, m["doc_id"]
    for doc_id, d in run.dedup.items():
        assert d.count("\n\n\n") <= texts[doc_id].count("\n\n\n")
    return len(cuts)


def test_removals_and_reviewer_cuts_leave_clean_seams(pristine, tmp_path):
    from test_review_support import make_three_page_run

    assert assert_clean_seams(pristine) >= 2
    out, _, _ = make_three_page_run(tmp_path)
    assert assert_clean_seams(out) == 2
    # a reviewer's "remove" on the copies dedupe only reported (3-page run: keep one copy, then cut it again)
    spans = read_jsonl(out / "spans.jsonl")
    assert seedsift("apply", write_decisions(tmp_path / "k.json", {key_of(spans[0]): "keep"}), out).returncode == 0
    assert assert_clean_seams(out) == 1
    assert seedsift("apply", write_decisions(tmp_path / "r.json", {key_of(spans[0]): "remove"}), out).returncode == 0
    assert assert_clean_seams(out) == 2


def test_apply_keeps_the_shared_phrases(run_dir, tmp_path):
    """Decisions do not change the shared phrases: apply carries phrases.jsonl and its counts over (it used
    to write an empty file and zero counts)."""
    from seedsift.review.apply import apply_decisions

    before = (run_dir / "phrases.jsonl").read_bytes()
    counts = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["dedupe"]
    decisions = tmp_path / "decisions.json"
    decisions.write_text('{"seedsift_decisions": 1, "decisions": {}}', encoding="utf-8")
    apply_decisions(decisions, run_dir)
    assert before.strip() and (run_dir / "phrases.jsonl").read_bytes() == before
    after = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["dedupe"]
    assert (after["shared_phrases"], after["boilerplate"]) == (counts["shared_phrases"], counts["boilerplate"])
