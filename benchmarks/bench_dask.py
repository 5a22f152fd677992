"""Benchmark: the Dask engine (LocalCluster, 2 workers) against the local engine on a ~100 MB corpus.

    .venv/bin/python benchmarks/bench_dask.py                 # 100 MB, prints a markdown table
    .venv/bin/python benchmarks/bench_dask.py --mb 10         # quicker
    .venv/bin/python benchmarks/bench_dask.py --corpus DUP10/docs.jsonl --engines local-1 dask-2   # DUP10: a devkit make_dup_corpus.py --mb 10 output

The corpus comes from ``synth.make_corpus`` (cached as JSONL under
benchmarks/_data/). Each engine runs in a fresh child process; the parent
samples the summed RSS of the child and all its descendants (the Dask
scheduler and worker processes included) every 0.1 s. Engines:

* ``local 1 proc``: ``find_duplicates`` in one process;
* ``local 2 procs``: ``find_duplicates`` with a 2-process pool, as ``seedsift dedupe`` runs it;
* ``dask 2 workers``: ``find_duplicates_dask`` on a LocalCluster of 2 single-threaded workers
  (cluster start-up included).

All engines must return the same result (a digest is compared). Stage times
of the Dask run come from its progress callback; so do the bytes the cluster
moved by the end of each stage (``cluster.moved_bytes``: the P2P shuffles'
shard bytes and the task results sent between processes, Dask's own counters),
reported per document. The load average is printed with the table: on a shared
machine compare engines within one run; the process tree's CPU seconds
(sampled with the RSS) are steadier than wall time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
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
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [(str(r["id"]), r["text"]) for r in map(json.loads, f)]


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
    moved: dict[str, dict[str, int]] = {}
    t0 = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:
            marks[stage] = round(time.perf_counter() - t0, 2)

    if engine == "local-1":
        result = find_duplicates(docs, cfg, progress=progress)
    elif engine == "local-2":
        from concurrent.futures import ProcessPoolExecutor

        from seedsift.pipeline.engine import chunksize_for

        with ProcessPoolExecutor(2) as pool:  # hand-overs as `seedsift dedupe` makes them
            result = find_duplicates(docs, cfg, map_fn=lambda f, tasks: pool.map(f, tasks, chunksize=chunksize_for(len(tasks), 2)),
                                     progress=progress, threads=2)
    else:
        from seedsift.dask_engine import dask_client
        from seedsift.dask_engine import engine as dask_engine
        from seedsift.dask_engine.cluster import moved_bytes

        with dask_client(n_workers=2) as client:
            def dask_progress(stage: str, done: int, total: int) -> None:
                if done >= total:
                    marks[stage] = round(time.perf_counter() - t0, 2)
                    moved[stage] = moved_bytes(client)

            result = dask_engine.run(client, docs, cfg, dask_progress)
            moved["end"] = moved_bytes(client)
    wall = time.perf_counter() - t0
    print(json.dumps({"engine": engine, "wall": round(wall, 2), "stages": marks, "digest": digest(result),
                      "docs": len(docs), "dropped": len(result.doc_matches), "spans": len(result.spans),
                      "moved": moved}))


def tree_rss(pid: int, cpu: dict[int, float] | None = None) -> int:
    """Summed RSS of ``pid`` and its descendants; records each one's CPU seconds so far in ``cpu``."""
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
            if cpu is not None:
                t = q.cpu_times()
                cpu[q.pid] = max(cpu.get(q.pid, 0.0), t.user + t.system)
        except psutil.Error:
            pass
    return total


def measure(engine: str, path: Path) -> dict:
    """Run ``engine`` in a child process, sampling the RSS of its process tree."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, str(path)], stdout=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid, cpu))
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
    rec["cpu_s"] = round(sum(cpu.values()), 1)  # sampled every 0.1 s: the last 0.1 s of each process is missing
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--corpus", type=Path, help="a JSONL(.gz) file of {id, text} records instead of a generated corpus")
    ap.add_argument("--repeat", type=int, default=1, help="run the engines this many times, interleaved")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--engines", nargs="+", default=["local-1", "local-2", "dask-2"])
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    path = args.corpus or corpus_path(args.mb, args.seed)
    mb = sum(len(t.encode()) for _, t in load(path)) / 1e6
    load_before = os.getloadavg()
    rows = []
    for _ in range(args.repeat):
        for e in args.engines:
            rows.append(measure(e, path))
            print(json.dumps(rows[-1]), file=sys.stderr)
    names = {"local-1": "local, 1 process", "local-2": "local, 2 processes", "dask-2": "dask, LocalCluster 2 workers"}
    print(f"\n{path}: {rows[0]['docs']:,} documents, {mb:.1f} MB of text; {rows[0]['dropped']:,} dropped, "
          f"{rows[0]['spans']:,} spans; load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after\n")
    print("| engine | wall s | MB/s | CPU s (tree) | peak RSS (tree) MB | stage finished at (s) | same result |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
        same = "yes" if r["digest"] == rows[0]["digest"] else "NO"
        print(f"| {names.get(r['engine'], r['engine'])} | {r['wall']} | {mb / r['wall']:.2f} | {r['cpu_s']} | "
              f"{r['peak_rss_mb']:,} | {stages} | {same} |")
    for r in rows:
        if r.get("moved"):
            print(f"\n{names.get(r['engine'], r['engine'])}: bytes moved per document, cumulative at the end of each stage "
                  "(P2P shuffle shards + task results sent between processes)\n")
            print("| stage | p2p KB/doc | transfer KB/doc | total KB/doc |")
            print("|---|---|---|---|")
            for stage, m in r["moved"].items():
                p, t = m["p2p"] / r["docs"] / 1e3, m["transfer"] / r["docs"] / 1e3
                print(f"| {stage} | {p:.1f} | {t:.1f} | {p + t:.1f} |")


if __name__ == "__main__":
    main()
