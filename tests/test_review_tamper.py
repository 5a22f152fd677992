"""A tampered run directory must not make ``apply`` write outside it (as ``restore`` already refuses)."""

from __future__ import annotations

import json

import pytest
from conftest import slow_after
from test_review_support import SEEDS, seedsift


@pytest.mark.parametrize("rel", slow_after(["../escaped.txt", "/tmp/seedsift-escaped.txt", "a/../../escaped.txt"]))
def test_apply_refuses_document_paths_leaving_the_directory(tmp_path, rel):
    out = tmp_path / "out"
    assert seedsift("run", SEEDS, "--out", out, "-q").returncode == 0
    docs = [json.loads(line) for line in (out / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    docs[0]["rel"] = rel
    (out / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"seedsift_decisions": 1, "decisions": {}}), encoding="utf-8")

    res = seedsift("apply", decisions, out)

    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and "leaves the directory" in res.stderr and "docs.jsonl" in res.stderr
    assert not (tmp_path / "escaped.txt").exists() and not (out.parent.parent / "escaped.txt").exists()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
