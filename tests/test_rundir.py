"""The run directory's records: repairs.jsonl, spans.jsonl and manifest.jsonl come back as the records written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedsift import cleaners
from seedsift.dedupe import DedupeConfig, find_duplicates
from seedsift.errors import InputError
from seedsift.pipeline import rundir, stages
from seedsift.pipeline.corpus import read_corpus
from seedsift.pipeline.rundir import load_run
from seedsift.reports.dedup_output import ManifestEntry

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_repairs_and_spans_are_read_back_as_the_records_written(tmp_path):
    docs = read_corpus([SEEDS]).docs
    out = tmp_path / "out"
    cleaned, _ = stages.clean_stage(out, docs, cleaners.CleanConfig())
    result = find_duplicates([(d.id, d.text) for d in cleaned], DedupeConfig())
    stages.dedupe_stage(out, cleaned, result)
    rundir.write_doc_index(out, docs)
    run = load_run(out)
    expected = [(d.id, r) for d in docs for r in cleaners.clean(d.text).repairs]
    assert run.repairs == expected and expected
    assert all(type(r) is cleaners.Repair for _, r in run.repairs)
    assert run.spans == result.spans and result.spans
    built = stages.build_dedup_output([(d.id, d.text) for d in cleaned], result.clusters, result.doc_matches,
                                      result.spans)
    assert run.manifest == built.manifest and built.manifest
    assert all(type(m) is ManifestEntry for m in run.manifest)


def test_a_record_without_a_field_names_its_line(tmp_path):
    docs = read_corpus([SEEDS]).docs
    out = tmp_path / "out"
    stages.clean_stage(out, docs, cleaners.CleanConfig())
    rundir.write_doc_index(out, docs)
    rows = (out / "repairs.jsonl").read_text(encoding="utf-8").splitlines()
    broken = {k: v for k, v in json.loads(rows[1]).items() if k != "reason"}
    (out / "repairs.jsonl").write_text("\n".join([rows[0], json.dumps(broken)] + rows[2:]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_run(out)
    assert err.value.path.endswith("repairs.jsonl:2") and "'reason'" in err.value.message


def test_doc_index_and_run_summary_are_read_back_as_written(tmp_path):
    docs = read_corpus([SEEDS]).docs
    out = tmp_path / "out"
    out.mkdir()
    rundir.write_doc_index(out, docs)
    assert rundir.read_doc_index(out) == [rundir.doc_entry(d) for d in docs] and docs
    assert all(type(e) is rundir.DocEntry and e.rel == d.rel for e, d in zip(rundir.read_doc_index(out), docs))
    summary = {"seedsift": "x", "apply": {"decisions": {"document:b": "keep"}, "doc_matches": {"b": ["a", 1]}}}
    rundir.write_run_summary(out, summary)
    got = rundir.read_run_summary(out)
    assert got.data == summary and got.decisions == {"document:b": "keep"} and got.doc_matches == {"b": ("a", 1.0)}


def test_a_damaged_run_summary_fails_a_review_but_carries_nothing_into_a_run(tmp_path):
    (tmp_path / "run.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(InputError) as err:
        rundir.read_run_summary(tmp_path)
    assert err.value.path.endswith("run.json") and "not valid JSON" in err.value.message
    assert rundir.read_run_summary(tmp_path, strict=False) == rundir.RunSummary({})
    (tmp_path / "run.json").write_text("[1]", encoding="utf-8")
    assert rundir.read_run_summary(tmp_path).applied == {} and rundir.read_run_summary(tmp_path).decisions == {}


def test_a_doc_index_line_without_an_id_names_its_line(tmp_path):
    (tmp_path / "docs.jsonl").write_text('{"id": "a.txt", "rel": "a.txt"}\n{"rel": "b.txt"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        rundir.read_doc_index(tmp_path)
    assert err.value.path.endswith("docs.jsonl:2") and "'id'" in err.value.message


def test_the_record_files_are_written_by_rundir_and_read_back_as_written(tmp_path):
    """Each record file has one writer in rundir; load_run gives back what it was given."""
    docs = read_corpus([SEEDS]).docs
    cleaned, _ = stages.clean_stage(tmp_path / "made", docs, cleaners.CleanConfig())
    result = find_duplicates([(d.id, d.text) for d in cleaned], DedupeConfig())
    built = stages.build_dedup_output([(d.id, d.text) for d in cleaned], result.clusters, result.doc_matches,
                                      result.spans)
    out = tmp_path / "out"
    repairs = [(d.id, r) for d in docs for r in cleaners.clean(d.text).repairs]
    rundir.write_doc_index(out, cleaned)
    rundir.write_repairs(out, repairs)
    rundir.write_clusters(out, [d.id for d in cleaned], result.clusters)
    rundir.write_spans(out, result.spans)
    rundir.write_phrases(out, result.phrases)
    rundir.write_manifest(out, built.manifest)
    run = load_run(out)
    assert run.repairs == repairs and repairs
    assert run.clusters == {d.id: result.clusters.get(d.id, d.id) for d in cleaned}
    assert run.spans == result.spans and result.spans
    assert [rundir.read_phrase(p, "x") for p in run.phrases] == result.phrases and result.phrases
    assert run.manifest == built.manifest
    assert (out / rundir.REPAIRS).read_bytes() == (tmp_path / "made" / rundir.REPAIRS).read_bytes()  # what clean_stage writes


def test_clean_stage_hands_on_the_documents_with_their_cleaned_text(tmp_path):
    docs = read_corpus([SEEDS]).docs
    cleaned, _ = stages.clean_stage(tmp_path, docs, cleaners.CleanConfig())
    assert [d.id for d in cleaned] == [d.id for d in docs]
    assert [d.text for d in cleaned] == [cleaners.clean(d.text).text for d in docs]
    assert [d.text for d in cleaned] != [d.text for d in docs]
    for d in cleaned:
        assert (tmp_path / "cleaned" / d.rel).read_text(encoding="utf-8") == d.text
