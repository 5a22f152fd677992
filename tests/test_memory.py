"""Memory: huge documents and corpora are refused up front with a clear line, never read into memory.

Files are sparse (``truncate``), so the tests allocate no disk and run in
seconds; the child's peak RSS (``resource.getrusage(RUSAGE_CHILDREN)`` in a
fresh wrapper process, whose only child is seedsift) shows nothing was read.

Measured peak RSS of whole runs (python -m seedsift run -j 1, this machine)
is recorded in the hardening report; ``test_moderate_run_peak_rss`` keeps a
generous ceiling on one so a regression to reading everything many times over
is caught.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import slow_after

from seedsift.pipeline.corpus import MAX_CORPUS_BYTES, MAX_DOC_BYTES

ROOT = Path(__file__).resolve().parent.parent
GOOD = "全国总工会今天召开会议，部署今年的职工服务工作。会议要求各级工会把服务职工放在首位。\n"
MiB = 2**20

WRAPPER = """
import json, resource, subprocess, sys
res = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kilobytes on Linux
print(json.dumps({"code": res.returncode, "stdout": res.stdout, "stderr": res.stderr, "peak": peak}))
"""


def measured(*args, timeout=600) -> dict:
    """Run seedsift in a fresh wrapper and return its exit code, output and peak RSS in bytes."""
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "seedsift", *map(str, args)]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.write(GOOD.encode())
        fh.truncate(size)
    return path


def baseline_peak(tmp_path: Path, command: str = "clean") -> int:
    """Peak RSS of the same command on a one-page corpus: what the refused input must not add to."""
    src = tmp_path / f"tiny-{command}"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    return measured(command, src, "--out", tmp_path / f"tiny-out-{command}", "-q", "-j", "1")["peak"]


def test_200mb_single_document_is_refused_before_it_is_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    sparse(src / "huge.txt", 200 * MiB)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    r = measured("run", src, "--out", tmp_path / "out", "-q", "-j", "1")
    assert r["code"] == 1
    lines = [l for l in r["stderr"].splitlines() if "huge.txt" in l]
    assert lines == [f"seedsift: {src / 'huge.txt'}: file is 200 MiB; documents over {MAX_DOC_BYTES // MiB} MiB are refused"]
    assert (tmp_path / "out/cleaned/good.txt").read_text(encoding="utf-8") == GOOD
    # not read: the run costs what a one-page run costs, far below the 200 MB file
    assert r["peak"] < baseline_peak(tmp_path, "run") + 40 * MiB, r["peak"]


def test_200mb_record_in_jsonl_is_refused_without_holding_it(tmp_path):
    """A JSONL record of 200 MB (gzip: 200 KB on disk, a 'gzip bomb') is refused while streaming."""
    src = tmp_path / "recs.jsonl.gz"
    with gzip.open(src, "wb", compresslevel=1) as fh:
        fh.write(b'{"id": "small", "text": "\xe4\xbc\x9a\xe8\xae\xae\xe5\x8f\xac\xe5\xbc\x80"}\n')
        fh.write(b'{"id": "huge", "text": "')
        block = b"a" * MiB
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}\n{"id": "after", "text": "\xe5\x8f\x88\xe4\xb8\x80\xe7\xaf\x87"}\n')
    r = measured("clean", src, "--out", tmp_path / "out", "-q")
    assert r["code"] == 1, r["stderr"]
    errs = [l for l in r["stderr"].splitlines() if "could not be processed" not in l]
    assert errs == [f"seedsift: {src}:2: record is 200 MiB; documents over {MAX_DOC_BYTES // MiB} MiB are refused"]
    # gzipped input gives gzipped output
    ids = [json.loads(l)["id"] for l in gzip.decompress((tmp_path / "out/cleaned.jsonl.gz").read_bytes()).decode().splitlines()]
    assert ids == ["small", "after"]
    # read in 1 MiB pieces and dropped once past the limit: at most one record's worth (MAX_DOC_BYTES) is
    # buffered before it is known to be too long (plus gzip and allocator slack), never the 200 MB
    assert r["peak"] < baseline_peak(tmp_path) + 100 * MiB, r["peak"]


def test_gzip_bomb_over_the_corpus_limit_is_refused(tmp_path):
    src = tmp_path / "bomb.jsonl.gz"
    line = json.dumps({"id": "x", "text": "会议" * 1000}, ensure_ascii=False).encode() + b"\n"
    with gzip.open(src, "wb") as fh:
        for n in range(3 * MiB // len(line) + 1):
            fh.write(line.replace(b'"x"', b'"x%d"' % n))
    r = measured("clean", src, "--out", tmp_path / "out", "--max-corpus-mb", "2", "-q")
    assert r["code"] == 1
    assert f"seedsift: {src}: decompresses to more than 2 MiB" in r["stderr"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", slow_after(["run", "clean", "dedupe"]))
def test_1gb_corpus_is_refused_up_front(tmp_path, command):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(17):  # 17 x 60 MiB sparse pages: each under the document limit, 1,020 MiB together
        sparse(src / f"page{n:02d}.txt", 60 * MiB)
    r = measured(command, src, "--out", tmp_path / "out", "-q")
    assert r["code"] == 2, r["stderr"]
    lines = [l for l in r["stderr"].splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("seedsift: inputs add up to 1,020 MiB, more than the "
                                                    f"{MAX_CORPUS_BYTES // MiB} MiB"), r["stderr"]
    assert "--max-corpus-mb" in lines[0]
    assert not (tmp_path / "out").exists()
    assert r["peak"] < baseline_peak(tmp_path, command) + 40 * MiB  # refused before reading a page


def test_max_corpus_mb_lowers_and_raises_the_limit(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"p{n}.txt").write_text(GOOD * (MiB // len(GOOD.encode()) + 1), encoding="utf-8")  # ~1 MiB each
    r = measured("clean", src, "--out", tmp_path / "o1", "--max-corpus-mb", "2", "-q")
    assert r["code"] == 2 and "more than the 2 MiB" in r["stderr"]
    assert not (tmp_path / "o1").exists()
    r = measured("clean", src, "--out", tmp_path / "o2", "--max-corpus-mb", "4", "-q")
    assert r["code"] == 0, r["stderr"]


@pytest.mark.slow
def test_moderate_run_peak_rss(tmp_path):
    """A 300-page corpus (~180k characters) through the whole pipeline stays well under 1 GB."""
    from synth import make_corpus

    src = tmp_path / "in"
    src.mkdir()
    for doc_id, text in make_corpus(300, seed=5).docs:
        (src / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    r = measured("run", src, "--out", tmp_path / "out", "-q", "-j", "1")
    assert r["code"] == 0, r["stderr"]
    print(f"peak RSS of `seedsift run` on 300 pages: {r['peak'] / MiB:.0f} MiB")
    assert r["peak"] < 1024 * MiB
