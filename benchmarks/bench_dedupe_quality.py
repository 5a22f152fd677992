"""Document and passage dedup quality on real news text with this project's own damage model.

    .venv/bin/python benchmarks/bench_dedupe_quality.py [--base 1200] [--seeds 1 2] [--json OUT] [--show 10]

Pages: People's Daily 1998, development half (``tests/realtext.py``); the labelled corpus
(whole-document copies, copied report sections, same-page repeats, hard negatives) is built
by ``tests/realdup.py`` (see its docstring for the damage model). Runs
``seedsift.dedupe.find_duplicates`` with the default ``DedupeConfig`` (what ``seedsift
dedupe`` runs) and prints document pairwise P/R/F1, recall per copy kind, hard-negative
merges, passage character P/R over all rows of the spans (and over ``removed`` rows), per
section kind, and which negative text the wrongly claimed characters fall in.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from realdup import make_corpus, missed_sections, score, wrong_rows  # noqa: E402

from seedsift.dedupe import DedupeConfig, find_duplicates  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=1200, help="real articles to build from (about 1,070 qualify)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print this many wrong rows and missed sections")
    args = ap.parse_args()
    report = {}
    for seed in args.seeds:
        corpus = make_corpus(args.base, seed=seed)
        t0 = time.perf_counter()
        result = find_duplicates(corpus.docs, DedupeConfig())
        took = time.perf_counter() - t0
        s = score(corpus, result)
        s["removed_only"] = score(corpus, result, actions=("removed",))["passages"]
        s["docs"], s["chars"], s["seconds"] = len(corpus.docs), sum(len(t) for _, t in corpus.docs), round(took, 2)
        report[seed] = s
        d, p, r = s["documents"], s["passages"], s["removed_only"]
        print(f"== seed {seed}: {s['docs']} docs, {s['chars']:,} chars, {took:.1f} s")
        print(f"documents  P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f} "
              f"({d['truth']} true pairs, {d['claimed']} found)")
        print("  recall per copy kind: " + ", ".join(f"{k} {v:.3f}" for k, v in s["documents_per_kind"].items()))
        print("hard negatives merged: " + ", ".join(f"{k} {v['merged']}/{v['pairs']}"
                                                    for k, v in s["hard_negatives"].items()))
        print(f"passages (all {s['rows']} rows)  char P {p['precision']:.3f} R {p['recall']:.3f} "
              f"({p['truth']:,} truth chars, {p['claimed']:,} claimed; {s['rows_ignored']} doc-copy rows ignored)")
        print(f"passages (removed rows)  char P {r['precision']:.3f} R {r['recall']:.3f}")
        for k, v in s["passages_per_kind"].items():
            print(f"  {k:8s} P {v['precision']:.3f} R {v['recall']:.3f} ({v['truth']:,} chars)")
        print("  wrongly claimed chars: " + ", ".join(f"{k} {v}" for k, v in s["false_claims"].items()))
        if args.show:
            for row in wrong_rows(corpus, result, args.show):
                print("  WRONG", row)
            for row in missed_sections(corpus, result, args.show):
                print("  MISSED", row)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
