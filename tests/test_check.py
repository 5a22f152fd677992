"""``seedsift check``: repairs, --fix, flags and the baseline, duplicates that agree with ``dedupe``, exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_seeds, seedsift, wait_for_index_rows

from seedsift import cleaners
from seedsift.check.findings import CheckOptions, check_files, format_finding, line_range
from seedsift.dedupe import DedupeConfig, find_duplicates

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SOURCE = "003_8f12c63a8ee1537d.txt"
CLEAN = ("港口货运量创新高\n\n"
         "今年前十个月，沿海港口集装箱吞吐量同比增长百分之八，多条新航线相继开通。"
         "港口集团负责人介绍，自动化码头投入使用后，装卸效率明显提高，船舶平均在港时间缩短。\n\n"
         "业内人士认为，外贸订单回暖和物流成本下降是货运量增长的主要原因。\n")
OTHER = ("社区食堂开门迎客\n\n"
         "街道新开的社区食堂昨天正式营业，老年人凭卡就餐可以享受八折优惠，午饭时间座无虚席。"
         "食堂负责人说，菜单每周更新，兼顾老人口味清淡和营养均衡的需要。\n")


@pytest.fixture
def repo(tmp_path):
    """A directory with seeds/ (a copy of the shipped seeds) and no git (so the baseline lives here)."""
    copy_seeds(tmp_path / "seeds")
    return tmp_path


def test_pages_are_really_clean():
    for text in (CLEAN, OTHER):
        assert cleaners.clean(text).repairs == ()


def test_clean_page_passes_silently(repo):
    (repo / "seeds" / "new.txt").write_text(CLEAN, encoding="utf-8")
    res = seedsift("check", "seeds/new.txt", cwd=repo)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_repairs_are_listed_then_fixed(repo):
    damaged = CLEAN.replace("，", ",", 3).replace("创新高\n", "创新高   \n")
    page = repo / "seeds" / "new.txt"
    page.write_text(damaged, encoding="utf-8")
    res = seedsift("check", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1
    # same repair, one line; the text around it shown (at most 8 characters, not past the line)
    assert 'seeds/new.txt:3: punctuation: "…今年前十个月,沿海港口集装箱吞…" → "…今年前十个月，沿海港口集装箱吞…" (×3)' \
        in res.stdout.splitlines()
    assert 'seeds/new.txt:1: whitespace: "…港口货运量创新高   ⏎⏎今年前十个月,沿…" → "…港口货运量创新高⏎⏎今年前十个月,沿…"' \
        in res.stdout.splitlines()
    assert "--fix" in res.stdout
    assert page.read_text(encoding="utf-8") == damaged  # not modified without --fix
    res = seedsift("check", "--fix", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1  # pre-commit's fixer convention: modified -> exit 1
    assert "seeds/new.txt: fixed 4 repairs" in res.stdout
    assert page.read_text(encoding="utf-8") == cleaners.clean(damaged).text
    res = seedsift("check", "--fix", "seeds/new.txt", cwd=repo)
    assert (res.returncode, res.stdout) == (0, "")


@pytest.mark.slow  # six real check processes in a row (~6 s); tests/test_precommit.py accepts a flag through the real hook too
def test_flags_block_until_allowed_or_accepted_and_the_baseline_survives_edits(repo):
    page = repo / "seeds" / "new.txt"
    text = "（上接第1版）\n\n" + CLEAN
    page.write_text(text, encoding="utf-8")
    res = seedsift("check", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1
    assert "seeds/new.txt:1: boilerplate (flag, review): \"（上接第1版）\"" in res.stdout
    assert seedsift("check", "--allow-flags", "seeds/new.txt", cwd=repo).returncode == 0
    assert seedsift("check", "--fix", "seeds/new.txt", cwd=repo).returncode == 1  # flags are not fixable
    res = seedsift("check", "--accept", "seeds/new.txt", cwd=repo)
    assert res.returncode == 0, res.stdout
    baseline = json.loads((repo / ".seedsift-baseline.json").read_text(encoding="utf-8"))
    assert [(e["path"], e["kind"]) for e in baseline["accepted"]] == [("seeds/new.txt", "boilerplate")]
    assert seedsift("check", "seeds/new.txt", cwd=repo).returncode == 0
    # an unrelated edit (new paragraph above, punctuation of the marker) keeps it accepted
    page.write_text("（上接第1版)\n\n补充说明：本文有删节。\n\n" + CLEAN, encoding="utf-8")
    res = seedsift("check", "--fix", "seeds/new.txt", cwd=repo)
    assert "boilerplate" not in res.stdout
    assert seedsift("check", "seeds/new.txt", cwd=repo).returncode == 0
    # a new flag in the same file is not covered
    page.write_text(page.read_text(encoding="utf-8").replace("港口集团", "针对对港口集团"), encoding="utf-8")
    res = seedsift("check", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1 and "stutter (flag, review)" in res.stdout


def _copy_page(repo: Path) -> tuple[str, int, int]:
    source = (SEEDS / SOURCE).read_text(encoding="utf-8")
    lines = source.split("\n")
    section = "\n".join(lines[10:15])
    text = OTHER + "\n" + section + "\n"
    (repo / "seeds" / "new.txt").write_text(text, encoding="utf-8")
    return text, OTHER.count("\n") + 2, OTHER.count("\n") + 2 + section.count("\n")


def test_copied_section_is_reported_with_lines_and_agrees_with_dedupe(repo):
    text, a, b = _copy_page(repo)
    res = seedsift("check", "--no-clean", "--json", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1
    report = json.loads(res.stdout)
    dups = [f for f in report["findings"] if f["category"] == "duplicate"]
    assert [(d["path"], d["line"], d["end_line"], d["src_path"], d["src_line"], d["src_end_line"]) for d in dups] == [
        ("seeds/new.txt", a, b, f"seeds/{SOURCE}", 11, 15)]
    # a full dedupe run of the same corpus (the new page last) finds the same span and similarity
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((repo / "seeds").glob("*.txt")) if p.name != "new.txt"]
    result = find_duplicates(docs + [("new.txt", text)], DedupeConfig())
    spans = [s for s in result.spans if s.doc_id == "new.txt" and s.action == "removed"]
    assert [(s.start, s.end, s.src_doc_id, s.src_start, s.src_end, round(s.similarity, 4)) for s in spans] == [
        (d["start"], d["end"], SOURCE, d["src_start"], d["src_end"], d["similarity"]) for d in dups]
    res = seedsift("check", "--no-clean", "seeds/new.txt", cwd=repo)
    assert res.stdout.splitlines()[0] == f"seeds/new.txt lines {a}-{b} duplicate seeds/{SOURCE} lines 11-15 (similarity 1.00)"


def test_whole_page_copy_with_other_punctuation_is_a_document_duplicate(repo):
    source = (SEEDS / SOURCE).read_text(encoding="utf-8")
    (repo / "seeds" / "copy.txt").write_text(cleaners.clean(source).text, encoding="utf-8")
    res = seedsift("check", "--no-clean", "seeds/copy.txt", cwd=repo)
    assert res.returncode == 1
    assert re.fullmatch(rf"seeds/copy\.txt duplicates seeds/{SOURCE} as a whole \(similarity (0\.9\d|1\.00)\)",
                        res.stdout.splitlines()[0]), res.stdout


def test_new_pages_are_compared_with_each_other_even_outside_the_corpus(repo, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("incoming")
    (elsewhere / "a.txt").write_text(CLEAN, encoding="utf-8")
    (elsewhere / "b.txt").write_text(OTHER + "\n" + CLEAN, encoding="utf-8")
    res = seedsift("check", "--corpus", "seeds", elsewhere / "a.txt", elsewhere / "b.txt", cwd=repo)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert len(lines) == 2 and re.fullmatch(r".*b\.txt lines 5-9 duplicate .*a\.txt lines 1-5 \(similarity 1\.00\)", lines[0])
    assert lines[1].startswith("seedsift check: 1 duplicate(s)") and "a.txt" not in lines[1], lines


def test_second_run_reuses_the_index(repo):
    _copy_page(repo)
    first = json.loads(seedsift("check", "--json", "seeds/new.txt", cwd=repo).stdout)["index"][0]
    second = json.loads(seedsift("check", "--json", "seeds/new.txt", cwd=repo).stdout)["index"][0]
    assert first["added"] == 6 and second["added"] == 0 and second["unchanged"] == 6
    assert "cached" not in first and second["cached"] is True  # nothing new: the lookup is not redone
    page = repo / "seeds" / "new.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\n又一段新内容。\n", encoding="utf-8")
    third = json.loads(seedsift("check", "--json", "seeds/new.txt", cwd=repo).stdout)
    assert third["index"][0]["changed"] == 1 and "cached" not in third["index"][0]
    assert [f for f in third["findings"] if f["category"] == "duplicate"]
    assert (repo / "seeds" / ".seedsift" / "index.sqlite").exists()


def test_index_commands(repo):
    res = seedsift("index", "build", "--corpus", "seeds", "-q", cwd=repo)
    assert res.returncode == 0 and "5 pages, 5 added" in res.stdout
    res = seedsift("index", "update", "--corpus", "seeds", "-q", cwd=repo)
    assert res.returncode == 0 and "0 added" in res.stdout and "5 unchanged" in res.stdout
    stats = json.loads(seedsift("index", "stats", "--corpus", "seeds", "--json", cwd=repo).stdout)
    assert stats["pages"] == 5 and stats["integrity"] == "ok" and stats["stale"] == 0
    (repo / "seeds" / ".seedsift" / "index.sqlite").write_bytes(b"garbage" * 1000)
    res = seedsift("index", "update", "--corpus", "seeds", "-q", cwd=repo)
    assert res.returncode == 0 and "5 added" in res.stdout
    assert res.stderr.count("\n") == 1 and "rebuilding" in res.stderr


def test_usage_errors_exit_2(repo):
    assert seedsift("check", "seeds/missing.txt", cwd=repo).returncode == 2
    assert seedsift("check", "--bogus", cwd=repo).returncode == 2
    assert seedsift("check", cwd=repo).returncode == 0  # pre-commit may pass no file


def test_line_range_ignores_trailing_whitespace():
    text = "a\nbb\n\ncc\n\n"
    assert line_range(text, 2, len(text)) == (2, 4)
    assert line_range(text, 0, 1) == (1, 1)


def test_worker_api_without_cli(repo):
    _copy_page(repo)
    report = check_files([repo / "seeds" / "new.txt"], CheckOptions(dedupe_config=DedupeConfig(), clean=False),
                         cwd=repo)
    assert report.exit_code(False) == 1
    assert [format_finding(f) for f in report.findings][0].startswith("seeds/new.txt lines ")


def test_corrupt_index_is_rebuilt_by_check(repo):
    _copy_page(repo)
    assert seedsift("check", "--no-clean", "seeds/new.txt", cwd=repo).returncode == 1
    idx = repo / "seeds" / ".seedsift" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{idx}{suffix}").unlink(missing_ok=True)
    data = idx.read_bytes()
    idx.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # header page intact, the rest garbage
    res = seedsift("check", "--no-clean", "seeds/new.txt", cwd=repo)
    assert res.returncode == 1 and "duplicate seeds/" in res.stdout
    assert "rebuilding" in res.stderr and res.stderr.count("\n") == 1, res.stderr


@pytest.mark.slow  # a 400-page corpus indexed, SIGKILLed mid-way and indexed again: ~11 s
def test_killing_a_check_mid_update_leaves_a_usable_index(tmp_path):
    """SIGKILL the real ``seedsift check`` while it indexes a corpus; the next check works and agrees."""
    import signal
    import sqlite3

    corpus = tmp_path / "seeds"
    corpus.mkdir()
    # the corpus repeats the other seeds: a section found in more than boilerplate_docs pages would be
    # recurring text (crowded windows give no pairs), not the copy this test looks for
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if p.name != SOURCE]
    for i in range(400):
        lines = seeds[i % len(seeds)].split("\n")
        (corpus / f"p{i:04d}.txt").write_text(f"第{i}号页面\n\n" + "\n".join(lines[i % 11:]), encoding="utf-8")
    text, a, b = _copy_page(tmp_path)  # seeds/new.txt with a section of SOURCE ...
    shutil.copy(SEEDS / SOURCE, corpus / SOURCE)  # ... which is in this corpus too
    idx = corpus / ".seedsift" / "index.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "seedsift", "check", "--no-clean", "seeds/new.txt"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    n = wait_for_index_rows(idx, 50, timeout=120, proc=proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert 50 <= n < 402, "the check was not caught mid-update"
    with sqlite3.connect(idx) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    res = seedsift("check", "--no-clean", "--json", "seeds/new.txt", cwd=tmp_path)
    assert res.returncode == 1 and "rebuilding" not in res.stderr, res.stderr
    report = json.loads(res.stdout)
    assert report["index"][0]["pages"] == 402 and report["index"][0]["added"] == 402 - report["index"][0]["unchanged"]
    dups = [(f["line"], f["end_line"], f["src_path"], f["src_line"], f["src_end_line"]) for f in report["findings"]]
    assert (a, b, f"seeds/{SOURCE}", 11, 15) in dups


def test_hook_declaration():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"seedsift-check", "seedsift-fix", "seedsift-accept"}
    for h in hooks.values():
        assert h["language"] == "python" and h["require_serial"] is True
        assert h["entry"].split()[:2] == ["seedsift", "check"]
        pattern = re.compile(h["files"])
        assert pattern.search("seeds/001_x.txt") and pattern.search("seeds/sub/a.md")
        assert not pattern.search("docs/a.txt") and not pattern.search("seeds/a.json")
    assert "--fix" in hooks["seedsift-fix"]["entry"] and "--fix" not in hooks["seedsift-check"]["entry"]
    assert "--accept" in hooks["seedsift-accept"]["entry"] and hooks["seedsift-accept"]["stages"] == ["manual"]


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st


@given(st.text(alphabet="ab\n 。", max_size=40), st.data())
def test_line_range_matches_a_naive_count(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    a, b = line_range(text, start, end)
    assert a == text[:start].count("\n") + 1
    stripped = text[start:end].rstrip()
    assert b == (a + stripped.count("\n") if stripped else a)


@given(st.text(max_size=60))
def test_show_is_one_line(s):
    from seedsift.check.findings import show

    out = show(s)
    assert "\n" not in out and "\r" not in out and out.startswith('"') and out.endswith('"')


def _full_run_findings(corpus: Path, name: str, text: str) -> list[tuple]:
    """What a full ``find_duplicates`` over the corpus pages, then the new page, reports about the new page."""
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt")) if p.name != name]
    result = find_duplicates(docs + [(name, text)], DedupeConfig())
    if name in result.doc_matches:
        src, sim = result.doc_matches[name]
        return [("document", 0, len(text), src, sim)]
    return [("passage", s.start, s.end, s.src_doc_id, round(s.similarity, 4))
            for s in result.spans if s.doc_id == name and s.action == "removed"]


@pytest.mark.parametrize("kind", ["section", "short_paragraph", "whole_page", "repeat_inside"])
def test_check_findings_equal_a_full_runs_on_the_same_pages(repo, kind):
    """check asks dedupe.find_new_duplicates, so its findings are a full run's: copied sections, a copy
    too short for the passage windows (found by exact fingerprints), a whole page, a paragraph repeated
    inside the new page."""
    source = (SEEDS / SOURCE).read_text(encoding="utf-8")
    paragraphs = [p for p in source.split("\n") if p.strip()]
    short = min((p for p in paragraphs if 36 <= len(p) <= 60), key=len)  # under one passage window
    text = {
        "section": OTHER + "\n" + "\n".join(source.split("\n")[10:15]) + "\n",
        "short_paragraph": OTHER + "\n" + short + "\n",
        "whole_page": cleaners.clean(source).text,
        "repeat_inside": CLEAN + "\n" + CLEAN.split("\n")[2] + "\n",
    }[kind]
    (repo / "seeds" / "new.txt").write_text(text, encoding="utf-8")
    report = check_files([repo / "seeds" / "new.txt"], CheckOptions(dedupe_config=DedupeConfig(), clean=False),
                         cwd=repo)
    found = [(f.kind, f.start, f.end, Path(f.src_path).name, f.similarity) for f in report.findings
             if f.category == "duplicate"]
    expected = _full_run_findings(repo / "seeds", "new.txt", text)
    assert found == expected and expected, (found, expected)
