"""Time and peak memory of dedupe at scale: documents only vs documents + passages, and rensa.

    .venv/bin/python benchmarks/bench_scale.py --jsonl CORPUS.jsonl [--jsonl BIGGER.jsonl] [--jobs 2]
    .venv/bin/python benchmarks/bench_scale.py --mb 10          # a synth corpus of about 10 MB

``CORPUS.jsonl`` holds ``{"id", "text"}`` records (for example a labelled corpus
made by the devkit's ``make_dup_corpus.py --mb 10``; this script never reads the
devkit itself). Every configuration runs in a fresh process; the wall time is
measured inside it (reading the corpus excluded), the peak RSS of the whole
process tree (the run and its worker processes) by sampling ``/proc`` every
50 ms. Prints a markdown table. Figures are noisy on a shared machine: run it
when the machine is idle, or say what else was running.

Prints the stage breakdown of the documents + passages run (documents, passage
candidates, alignment incl. the per-match planning that overlaps it, span planning)
from the progress marks, and the load average before each run.

Last run (branch perf8: batch winnowing, lines counted while the workers key, faster per-match planning,
k-gram hashes by doubling; load 2.8-3.2 on 2 cores shared with another agent's jobs, jobs=2): devkit 10 MB
documents 2.2 s / 3.2 CPU s, documents + passages 13.3 s / 13.4 CPU s, rensa 2.7 s; 100 MB documents 23.5 s /
20.5 CPU s, documents + passages 63.3 s / 63.0 CPU s (3.1x in CPU), rensa 12.7 s, peak RSS 1.64 GB; main
4727710 right after (--root): 10 MB 2.9 s / 3.7 and 9.4 s / 14.9; 100 MB 18.8 s / 19.5 and 59.1 s / 70.4 CPU s.
On a quiet machine, HEAD with the window scan in a thread (load 2.0): 10 MB 2.5 s and 8.3 s (3.3x, 3.7x in
CPU), 100 MB 11.7 s and 37.1 s (3.2x, 3.3x in CPU), rensa 15.6 s, peak RSS 1.78 GB; 4727710 (load 0.1-1.6):
10 MB 2.7 s and 8.3 s, 100 MB 11.2 s and 42.7 s (3.8x), rensa 12.4 s, peak RSS 1.63 GB.

Run before (crowded windows give no pairs, common-text passages are boilerplate, shared fingerprint
sort; load 1.2-1.4 on 2 cores, jobs=2): devkit 10 MB documents 1.2 s, documents + passages 4.5 s
(21,279 pairs aligned), rensa 1.0 s, peak RSS 0.41 GB; 100 MB documents 5.6 s, documents + passages
22.5 s (38,522 pairs), rensa 6.2 s, peak RSS 1.65 GB (at load 3.4-4.0: 4.9 s and 34.0 s; 0ded99e
at load 1.1-4.0: 6.9 s / 27,841 pairs at 10 MB, 153 s / 573,700 pairs / 2.08 GB at 100 MB).

Run before that (one_band_docs = 5, --no-rensa, load 2.1-4.9 on 2 cores, jobs=2): devkit 10 MB documents
2.2 s, documents + passages 12.5 s (27,841 pairs aligned), peak RSS 0.42 GB; 100 MB documents 14.7 s,
documents + passages 222 s (573,700 pairs), peak RSS 2.04 GB (main 22ee517 just before, load 1.7-3.1:
14.4 s / 37,190 pairs at 10 MB, 260 s / 1,598,353 pairs / 2.47 GB at 100 MB).

Run before (batched alignment, planning overlapped, load 4-5 on 2 cores, jobs=2): devkit 10 MB corpus
documents 5.0 s, documents + passages 25.5 s (5.1x), rensa 3.2 s, peak RSS 0.42 GB; devkit 100 MB
(--mb 100 --seed 1): documents 17.1 s, documents + passages 509 s (29.7x; 646 s before at load 2),
peak RSS 2.46 GB (2.98 GB before), rensa 17.3 s. See the README's Benchmarks section.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import importlib.util, inspect, json, sys, time
sys.path.insert(0, sys.argv[1])


class Checkout:
    # seedsift's packages from the checkout at sys.argv[1]: an editable install maps
    # seedsift.dedupe (and .cleaners, .reports) to its own folders whatever sys.path says
    ROOT = sys.argv[1]
    MAP = {"seedsift": "seedsift", "seedsift.cleaners": "cleaners", "seedsift.dedupe": "dedupe", "seedsift.reports": "reports"}

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in cls.MAP:
            return None
        folder = f"{cls.ROOT}/{cls.MAP[name]}"
        return importlib.util.spec_from_file_location(name, folder + "/__init__.py", submodule_search_locations=[folder])


sys.meta_path.insert(0, Checkout)
mode, path, jobs = sys.argv[2], sys.argv[3], int(sys.argv[4])
docs = [(str(r["id"]), r["text"]) for r in map(json.loads, open(path, encoding="utf-8"))]
t0 = time.perf_counter()
if mode == "rensa":
    from rensa import RMinHash, RMinHashLSH
    from seedsift.dedupe import match_key
    from seedsift.dedupe.verify import cluster
    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)
    mhs = []
    for i, (_, text) in enumerate(docs):
        key = match_key(text)[0]
        sh = [key[j:j + 5] for j in range(max(1, len(key) - 4))] if key else []
        m = RMinHash(num_perm=128, seed=1)
        m.update(sh)
        mhs.append(m if sh else None)
        if sh:
            lsh.insert(i, m)
    pairs = [(i, j) for i, m in enumerate(mhs) if m is not None for j in lsh.query(m) if j > i and m.jaccard(mhs[j]) >= 0.5]
    roots = cluster(len(docs), pairs, [(i,) for i in range(len(docs))])
    extra = {"clusters": len(set(roots))}
else:
    from concurrent.futures import ProcessPoolExecutor
    from seedsift.dedupe import DedupeConfig, find_duplicates
    from seedsift.dedupe.keys import warm
    warm()
    cfg = DedupeConfig(lsh_backend="numpy", passages=(mode == "passages"))
    marks = {}
    def progress(stage, done, total):
        now = time.perf_counter() - t0
        marks.setdefault(stage, [now, now, total])[1] = now
    with ProcessPoolExecutor(jobs) as ex:
        r = find_duplicates(docs, cfg, map_fn=ex.map, progress=progress,
                             **({'threads': jobs} if 'threads' in inspect.signature(find_duplicates).parameters else {}))
    end = time.perf_counter() - t0
    # stage wall times from the progress marks: each stage ends when the next one starts
    stages = {"documents": marks["verify"][1]}
    if "align" in marks:
        stages.update(candidates=marks["align"][0] - marks["verify"][1], align=marks["align"][1] - marks["align"][0],
                      planning=end - marks["align"][1], pairs=marks["align"][2])
    extra = {"clusters": len(set(r.clusters.values())), "passages": len({getattr(s, "passage", n) for n, s in enumerate(r.spans)}),
             "copies": len(r.spans), "stages": stages}
print(json.dumps({"seconds": time.perf_counter() - t0, **extra}))
"""


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 when gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for descendants of this process."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(mode: str, path: Path, jobs: int, root: Path = ROOT) -> dict:
    cpu0 = children_cpu()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(root), mode, str(path), str(jobs)],
                            stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {path} failed (exit {proc.returncode})")
    # the run's process tree (its pool workers are waited for by the run): steadier than wall on a shared machine
    return {**json.loads(out.strip().splitlines()[-1]), "peak_gb": peak / 2**30, "cpu": children_cpu() - cpu0}


def synth_corpus(mb: int, dest: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from synth import make_corpus

    n = max(100, int(mb * 2**20 / 1900))  # about 1.9 kB of UTF-8 per synthetic document
    corpus = make_corpus(n, seed=1)
    with dest.open("w", encoding="utf-8") as f:
        for d, t in corpus.docs:
            f.write(json.dumps({"id": d, "text": t}, ensure_ascii=False) + "\n")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsonl", type=Path, action="append", default=[], help="corpus of {id, text} records")
    ap.add_argument("--mb", type=int, action="append", default=[], help="synthetic corpus of about this many MB")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-rensa", action="store_true")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="checkout whose code runs (default: this one), to compare two versions back to back; its "
                         "seedsift/, dedupe/, cleaners/ and reports/ are imported as seedsift, seedsift.dedupe, ... "
                         "whatever the installed seedsift maps them to")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpora = list(a.jsonl) + [synth_corpus(mb, Path(tmp) / f"synth_{mb}mb.jsonl") for mb in a.mb]
        if not corpora:
            ap.error("give --jsonl or --mb")
        modes = ["documents", "passages"] + ([] if a.no_rensa else ["rensa"])
        print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores), jobs={a.jobs}\n")
        print(f"code: {a.root}\n")
        print("| corpus | MB | mode | seconds | CPU s (process tree) | peak RSS (GB, process tree) | clusters | passages (copies) | load before |")
        print("|---|---|---|---|---|---|---|---|---|")
        for path in corpora:
            mb = path.stat().st_size / 2**20
            res = {}
            for m in modes:
                load = os.getloadavg()[0]
                res[m] = {**run(m, path, a.jobs, a.root), "load": load}
            for m, r in res.items():
                pc = f"{r['passages']} ({r['copies']})" if m == "passages" else ""
                print(f"| {path.name} | {mb:.1f} | {m} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_gb']:.2f} | {r['clusters']} | {pc} "
                      f"| {r['load']:.1f} |")
            st = res["passages"].get("stages", {})
            if st:
                print(f"\n{path.name} stages (documents + passages, wall s): documents {st['documents']:.1f}, "
                      f"passage candidates {st.get('candidates', 0):.1f}, alignment of {st.get('pairs', 0):,} pairs "
                      f"{st.get('align', 0):.1f}, span planning {st.get('planning', 0):.1f}")
            ratio = res["passages"]["seconds"] / max(1e-9, res["documents"]["seconds"])
            cpu_ratio = res["passages"]["cpu"] / max(1e-9, res["documents"]["cpu"])
            line = f"\n{path.name}: documents + passages = {ratio:.2f}x documents only ({cpu_ratio:.2f}x in CPU)"
            if "rensa" in res:
                line += f", {res['passages']['seconds'] / max(1e-9, res['rensa']['seconds']):.2f}x rensa (documents only)"
            print(line + "\n")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
