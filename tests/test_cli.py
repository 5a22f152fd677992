"""The command line: outputs, exit codes and one-line errors for bad input.

Everything goes through the real console entry point in a subprocess, as a
user (or pre-commit) would call it, so exit codes and stderr are the real ones.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import seedsift, slow_after

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CLEAN_PARAGRAPH = "全国总工会今天召开会议，部署今年的职工服务工作。会议要求各级工会把服务职工放在首位。\n"


def test_help_lists_every_command():
    res = seedsift("--help")
    assert res.returncode == 0
    for command in ("run", "clean", "dedupe", "report", "apply", "restore", "check", "index"):
        assert f"  {command}" in res.stdout


def test_clean_writes_cleaned_repairs_and_diffs(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("会议指出,要加强服务。  \n", encoding="utf-8")
    res = seedsift("clean", src, "--out", tmp_path / "out", "--json")
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["clean"]["repairs"] >= 2
    assert (tmp_path / "out/cleaned/a.txt").read_text(encoding="utf-8") == "会议指出，要加强服务。\n"
    kinds = {json.loads(l)["kind"] for l in (tmp_path / "out/repairs.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {"punctuation", "whitespace"} <= kinds
    assert (tmp_path / "out/diffs/clean/a.txt.diff").exists()
    assert (src / "a.txt").read_text(encoding="utf-8") == "会议指出,要加强服务。  \n"  # input untouched


def test_clean_jsonl_keeps_other_fields(tmp_path):
    src = tmp_path / "c.jsonl.gz"
    recs = [{"id": "x1", "text": "会议指出,要加强服务。", "source": "报纸"}, {"id": "x2", "text": CLEAN_PARAGRAPH}]
    src.write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()))
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    out = [json.loads(l) for l in gzip.decompress((tmp_path / "out/cleaned.jsonl.gz").read_bytes()).decode().splitlines()]
    assert out[0] == {"id": "x1", "text": "会议指出，要加强服务。", "source": "报纸"}
    assert out[1]["text"] == CLEAN_PARAGRAPH


@pytest.mark.parametrize(
    "name,content,message",
    slow_after([
        ("empty.txt", b"", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("nul.txt", "会议\x00召开".encode(), "NUL"),
        ("blank.txt", b"  \n\n\t\n", "empty document"),
    ]),
    ids=["empty", "binary", "nul", "whitespace-only"],
)
def test_bad_file_gets_one_line_and_others_are_still_cleaned(tmp_path, name, content, message):
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_bytes(content)
    (src / "good.txt").write_text(CLEAN_PARAGRAPH, encoding="utf-8")
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 1
    lines = [l for l in res.stderr.splitlines() if name in l]
    assert len(lines) == 1 and message in lines[0], res.stderr
    assert (tmp_path / "out/cleaned/good.txt").read_text(encoding="utf-8") == CLEAN_PARAGRAPH
    assert not (tmp_path / "out/cleaned" / name).exists()


def test_encodings_are_decoded_and_written_as_utf8(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "gbk.txt").write_bytes(CLEAN_PARAGRAPH.encode("gb18030"))
    (src / "utf16.txt").write_bytes(CLEAN_PARAGRAPH.encode("utf-16"))
    (src / "bom.txt").write_bytes(CLEAN_PARAGRAPH.encode("utf-8-sig"))
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    for name in ("gbk.txt", "utf16.txt", "bom.txt"):
        assert (tmp_path / "out/cleaned" / name).read_text(encoding="utf-8") == CLEAN_PARAGRAPH


def test_missing_path_and_empty_directory(tmp_path):
    (tmp_path / "nothing").mkdir()
    res = seedsift("clean", tmp_path / "nope", tmp_path / "nothing", "--out", tmp_path / "out")
    assert res.returncode == 1
    assert "nope: no such file or directory" in res.stderr
    assert "nothing: directory holds no" in res.stderr
    assert not (tmp_path / "out").exists()


def test_huge_single_line_is_refused_clearly(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "huge.txt").write_text("字" * (17 * 1024 * 1024), encoding="utf-8")  # one 50 MB line
    (src / "good.txt").write_text(CLEAN_PARAGRAPH, encoding="utf-8")
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 1
    lines = [l for l in res.stderr.splitlines() if "huge.txt" in l]
    assert len(lines) == 1 and "refused" in lines[0], res.stderr
    assert (tmp_path / "out/cleaned/good.txt").exists()


def test_long_line_under_the_size_limit_is_refused_by_line_length(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "wide.txt").write_text("字" * 1_200_000, encoding="utf-8")  # 3.6 MB, one line
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 1
    assert "wide.txt: a line of 1,200,000 characters" in res.stderr


@pytest.mark.parametrize("where", ["same", "inside"])
def test_output_inside_input_is_refused(tmp_path, where):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CLEAN_PARAGRAPH, encoding="utf-8")
    out = src if where == "same" else src / "out"
    res = seedsift("clean", src, "--out", out)
    assert res.returncode == 2
    assert "inside the input" in res.stderr
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]


def test_jsonl_record_problems_name_the_line(tmp_path):
    src = tmp_path / "r.jsonl"
    src.write_text(
        '{"id": "a", "text": "会议召开。"}\n{"id": "b"}\n{"id": "c", "text": 5}\n{"id": "a", "text": "又一篇。"}\nnot json\n',
        encoding="utf-8",
    )
    res = seedsift("clean", src, "--out", tmp_path / "out")
    assert res.returncode == 1
    assert f"{src}:2: record has no \"text\" field" in res.stderr
    assert f"{src}:3: \"text\" is int, not a string" in res.stderr
    assert f"{src}:4: duplicate document id 'a'" in res.stderr
    assert f"{src}:5: not valid JSON" in res.stderr
    out = [json.loads(l) for l in (tmp_path / "out/cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == ["a"]


def test_unknown_option_is_a_usage_error(tmp_path):
    res = seedsift("clean", SEEDS, "--out", tmp_path / "o", "--script", "klingon")
    assert res.returncode == 2


def test_dedupe_options_reach_the_deduplicator_and_are_recorded(tmp_path):
    res = seedsift("dedupe", SEEDS, "--out", tmp_path / "o", "-q", "--threshold", "0.6", "--similarity", "0.9",
                   "--remove-similarity", "0.97", "--min-passage-chars", "150", "--lsh-backend", "numpy", "--keep", "longest")
    assert res.returncode == 0, res.stderr
    recorded = json.loads((tmp_path / "o/run.json").read_text(encoding="utf-8"))["options"]["dedupe"]
    assert recorded["doc_threshold"] == 0.6 and recorded["doc_similarity"] == 0.9
    assert recorded["remove_similarity"] == 0.97 and recorded["min_passage_chars"] == 150
    assert recorded["lsh_backend"] == "numpy" and recorded["keep"] == "longest"


def test_invalid_dedupe_option_combination_is_a_usage_error(tmp_path):
    res = seedsift("dedupe", SEEDS, "--out", tmp_path / "o", "--remove-similarity", "0.5")
    assert res.returncode == 2
    assert "remove_similarity" in res.stderr
    assert not (tmp_path / "o").exists()
