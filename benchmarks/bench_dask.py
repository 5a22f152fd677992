"""Benchmark: the Dask engine (LocalCluster, 2 workers) against the local engine on a ~100 MB corpus.

    .venv/bin/python benchmarks/bench_dask.py                 # 100 MB, prints a markdown table
    .venv/bin/python benchmarks/bench_dask.py --mb 10         # quicker

The corpus comes from ``synth.make_corpus`` (cached as JSONL under
benchmarks/_data/). Each engine runs in a fresh child process; the parent
samples the summed RSS of the child and all its descendants (the Dask
scheduler and worker processes included) every 0.1 s. Engines:

* ``local 1 proc``: ``find_duplicates`` in one process;
* ``local 2 procs``: ``find_duplicates`` with a 2-process pool, as ``seedsift dedupe`` runs it;
* ``dask 2 workers``: ``find_duplicates_dask`` on a LocalCluster of 2 single-threaded workers
  (cluster start-up included).

All engines must return the same result (a digest is compared). Stage times
of the Dask run come from its progress callback.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # synth.py, the labelled test-data generator
DATA = ROOT / "benchmarks" / "_data"


def corpus_path(mb: int, seed: int) -> Path:
    """Generate (once) a synthetic corpus of about ``mb`` MB of UTF-8 text."""
    path = DATA / f"dask-{mb}mb-{seed}.jsonl.gz"
    if path.exists():
        return path
    from synth import make_corpus

    n = max(100, int(mb * 1e6 / 1890))  # synthetic pages average ~1,890 bytes
    docs = make_corpus(n, seed=seed).docs
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def load(path: Path) -> list[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [(r["id"], r["text"]) for r in map(json.loads, f)]


def digest(result) -> str:
    """Order-sensitive hash of everything a result holds."""
    h = hashlib.sha256()
    h.update(json.dumps(sorted(result.clusters.items())).encode())
    h.update(json.dumps(sorted(result.doc_matches.items())).encode())
    h.update(json.dumps([list(s) for s in result.spans]).encode())
    return h.hexdigest()[:16]


def child(engine: str, path: Path) -> None:
    """Run one engine and print a JSON line: wall time, stage finish times, digest."""
    from seedsift.dedupe import DedupeConfig, find_duplicates

    docs = load(path)
    cfg = DedupeConfig()
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:
            marks[stage] = round(time.perf_counter() - t0, 2)

    if engine == "local-1":
        result = find_duplicates(docs, cfg, progress=progress)
    elif engine == "local-2":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(2) as pool:
            result = find_duplicates(docs, cfg, map_fn=lambda f, *its: pool.map(f, *its, chunksize=16), progress=progress)
    else:
        from seedsift.dask_engine import find_duplicates_dask

        result = find_duplicates_dask(docs, cfg, n_workers=2, progress=progress)
    wall = time.perf_counter() - t0
    print(json.dumps({"engine": engine, "wall": round(wall, 2), "stages": marks, "digest": digest(result),
                      "docs": len(docs), "dropped": len(result.doc_matches), "spans": len(result.spans)}))


def tree_rss(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(engine: str, path: Path) -> dict:
    """Run ``engine`` in a child process, sampling the RSS of its process tree."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, str(path)], stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode:
        raise SystemExit(f"{engine} failed with exit code {proc.returncode}")
    rec = json.loads(out.strip().splitlines()[-1])
    rec["peak_rss_mb"] = round(peak / 2**20)
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--engines", nargs="+", default=["local-1", "local-2", "dask-2"])
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    path = corpus_path(args.mb, args.seed)
    mb = sum(len(t.encode()) for _, t in load(path)) / 1e6
    rows = [measure(e, path) for e in args.engines]
    names = {"local-1": "local, 1 process", "local-2": "local, 2 processes", "dask-2": "dask, LocalCluster 2 workers"}
    print(f"\n{rows[0]['docs']:,} documents, {mb:.1f} MB of text; {rows[0]['dropped']:,} dropped, {rows[0]['spans']:,} spans\n")
    print("| engine | wall s | MB/s | peak RSS (tree) MB | stage finished at (s) | same result |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
        same = "yes" if r["digest"] == rows[0]["digest"] else "NO"
        print(f"| {names.get(r['engine'], r['engine'])} | {r['wall']} | {mb / r['wall']:.2f} | {r['peak_rss_mb']:,} | {stages} | {same} |")


if __name__ == "__main__":
    main()
