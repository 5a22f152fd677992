"""``seedsift check`` of one new page against a 30,000-page index, side by side with a full ``dedupe``.

    .venv/bin/python benchmarks/bench_check.py                 # 30,000 pages (corpus cached in benchmarks/_data/)
    .venv/bin/python benchmarks/bench_check.py --pages 3000    # quicker

The corpus comes from ``synth.make_corpus`` (labelled synthetic news
pages with exact, noisy, script-converted, re-segmented and embedded copies),
written one page per file. Every step runs the real console command in a fresh
process, so the times include interpreter start-up and imports, as a
pre-commit hook pays them:

1. ``seedsift index build --corpus C``: the whole index from scratch;
2. a new page is written into C: a fresh article with a passage (a few hundred
   characters) copied from an indexed page;
3. ``seedsift check C/new.txt``: cleans it, updates the index (only the new
   page is read and hashed) and reports the copied passage;
4. the same check again with nothing new;
5. ``seedsift dedupe C --out OUT``: the full run that ``check`` avoids.

Targets (issue): step 3 < 2 s and <= 5 % of step 5; step 4 faster still.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # synth.py, the labelled test-data generator

DATA = ROOT / "benchmarks" / "_data"
NEW = "zz_new_page.txt"


CPU: dict[float, float] = {}  # wall time of a run -> CPU seconds (user + sys) of it and its worker processes


def seedsift(*args: str, check_rc: tuple[int, ...] = (0,)) -> tuple[float, subprocess.CompletedProcess]:
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "seedsift", *args], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[dt] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if res.returncode not in check_rc:
        raise SystemExit(f"seedsift {' '.join(args)} exited {res.returncode}:\n{res.stdout}\n{res.stderr}")
    return dt, res


def write_corpus(pages: int, seed: int) -> tuple[Path, list[tuple[str, str]]]:
    from synth import make_corpus

    base = DATA / f"check-{pages}-{seed}"
    corpus = base / "corpus"
    marker = base / "complete.json"
    if not marker.exists():
        shutil.rmtree(base, ignore_errors=True)
        corpus.mkdir(parents=True)
        for doc_id, text in make_corpus(pages, seed=seed).docs:
            (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        marker.write_text(json.dumps({"pages": pages, "seed": seed}), encoding="utf-8")
    docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("d*.txt"))]
    return corpus, docs


def new_page(docs: list[tuple[str, str]], seed: int) -> tuple[str, str]:
    """A fresh article (from another synthetic corpus) with a paragraph block of an indexed page inserted."""
    from synth import make_corpus

    fresh = make_corpus(3, seed=seed + 1_000_003).docs[0][1]
    src_id, src = max(docs[len(docs) // 2: len(docs) // 2 + 50], key=lambda d: len(d[1]))
    paras = src.split("\n\n")
    body = sorted(paras, key=len)[-3:]
    block = "\n\n".join(p for p in paras if p in body)
    parts = fresh.split("\n\n")
    cut = len(parts) // 2
    return src_id, "\n\n".join(parts[:cut] + [block] + parts[cut:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="New pages checked (each twice); min and median shown.")
    ap.add_argument("--skip-dedupe", action="store_true", help="Do not run the full dedupe (no ratio).")
    args = ap.parse_args()

    t0 = time.perf_counter()
    corpus, docs = write_corpus(args.pages, args.seed)
    gen = time.perf_counter() - t0
    (corpus / NEW).unlink(missing_ok=True)
    chars = sum(len(t) for _, t in docs)
    print(f"corpus: {args.pages:,} pages, {chars:,} characters in {corpus} (prepared in {gen:.1f} s)", file=sys.stderr)

    startups = [seedsift("--version")[0] for _ in range(args.repeat)]
    t_build, res = seedsift("index", "build", "--corpus", str(corpus), "-q", "--json")
    build = json.loads(res.stdout)
    first: list[tuple[float, float, dict]] = []  # (wall, cpu, report)
    second: list[tuple[float, float, dict]] = []
    plain = None
    try:
        for i in range(args.repeat):
            src_id, text = new_page(docs, args.seed + 17 * i)
            (corpus / NEW).write_text(text, encoding="utf-8")
            t1, res1 = seedsift("check", str(corpus / NEW), "--json", check_rc=(0, 1))
            t2, res2 = seedsift("check", str(corpus / NEW), "--json", check_rc=(0, 1))
            r1, r2 = json.loads(res1.stdout), json.loads(res2.stdout)
            dups = [f for f in r1["findings"] if f["category"] == "duplicate"]
            assert any(src_id in f["src_path"] for f in dups), f"the copied passage of {src_id} was not found"
            assert r1["index"][0]["added"] + r1["index"][0]["changed"] == 1 and r2["index"][0]["added"] == 0
            first.append((t1, CPU[t1], r1))
            second.append((t2, CPU[t2], r2))
            if plain is None:
                _, plain = seedsift("check", str(corpus / NEW), check_rc=(0, 1))
    finally:
        (corpus / NEW).unlink(missing_ok=True)
    seedsift("index", "update", "--corpus", str(corpus), "-q")  # leave the index as built

    t_dedupe = None
    if not args.skip_dedupe:
        out = DATA / f"check-{args.pages}-{args.seed}" / "dedupe-out"
        shutil.rmtree(out, ignore_errors=True)
        t_dedupe, _ = seedsift("dedupe", str(corpus), "--out", str(out), "-q", check_rc=(0, 1))
        shutil.rmtree(out, ignore_errors=True)

    def ratio(t: float) -> str:
        return f"{100 * t / t_dedupe:.1f} %" if t_dedupe else "n/a"

    def best(runs):
        return min(runs, key=lambda r: r[0])

    def med(xs):
        return statistics.median(xs)

    idx = corpus / ".seedsift" / "index.sqlite"
    size = sum(os.path.getsize(f"{idx}{s}") for s in ("", "-wal") if os.path.exists(f"{idx}{s}"))
    c1, c2 = best(first), best(second)
    n_dups = len([f for f in c1[2]["findings"] if f["category"] == "duplicate"])
    print(f"\n### seedsift check vs full dedupe: {args.pages:,} synthetic pages ({chars / args.pages:.0f} chars/page), "
          f"{os.cpu_count()} cores\n")
    print(f"Wall and CPU (user+sys, with worker processes) of the real console command; check rows: best of "
          f"{args.repeat} (median in the notes).\n")
    print("| step | wall time | of full dedupe | CPU time | notes |")
    print("|---|---:|---:|---:|---|")
    st = min(startups)
    print(f"| `seedsift --version` (interpreter start-up + imports) | {st:.2f} s | {ratio(st)} | {CPU[st]:.2f} s | "
          f"floor of every command |")
    print(f"| `index build` ({build['pages']:,} pages) | {t_build:.1f} s | {ratio(t_build)} | {CPU[t_build]:.1f} s | "
          f"once; {size / 2**20:.0f} MiB SQLite |")
    print(f"| `check` one new page | **{c1[0]:.2f} s** | **{ratio(c1[0])}** | {c1[1]:.2f} s | median "
          f"{med([r[0] for r in first]):.2f} s; in-process {c1[2]['seconds']:.2f} s; the page is cleaned, "
          f"indexed and {n_dups} copied passages reported |")
    print(f"| `check` again, nothing new | **{c2[0]:.2f} s** | {ratio(c2[0])} | {c2[1]:.2f} s | median "
          f"{med([r[0] for r in second]):.2f} s; in-process {c2[2]['seconds']:.2f} s; "
          f"{c2[2]['index'][0]['unchanged']:,} pages unchanged, results cached |")
    if t_dedupe:
        print(f"| full `dedupe` of the same corpus | {t_dedupe:.1f} s | 100 % | {CPU[t_dedupe]:.1f} s | all cores; "
              f"check's CPU is {100 * c1[1] / CPU[t_dedupe]:.1f} % of it |")
    print("\ncheck output (paths shortened):\n```\n" + plain.stdout.replace(str(corpus.relative_to(ROOT)) + "/", "").strip()
          + "\n```")
    print(f"\nload average after the run: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"(1/5/15 min, {os.cpu_count()} cores; other jobs on the machine inflate wall times)")
    targets = [("check < 2 s", c1[0] < 2.0),
               ("check <= 5 % of full dedupe", t_dedupe is None or c1[0] <= 0.05 * t_dedupe),
               ("second run faster", c2[0] < c1[0])]
    print("targets: " + ", ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets))


if __name__ == "__main__":
    main()
