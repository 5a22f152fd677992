"""Throughput of cleaners.clean on the seed pages repeated to about 5 MB of UTF-8.

    .venv/bin/python benchmarks/bench_clean.py [--mb 5] [--pages]

Prints the lexicon load time, then MB/s (UTF-8 bytes of input per second of clean()) for one
call on the whole ~5 MB text and for page-sized calls (one clean() per seed page).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedsift.cleaners import _lexicon, clean  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="target size in MB (default 5)")
    a = ap.parse_args(argv)
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    t0 = time.perf_counter()
    _lexicon.load_seconds()
    print(f"lexicon load: {time.perf_counter() - t0:.2f} s")
    unit = "\n\n".join(pages) + "\n\n"
    reps = max(1, int(a.mb * 1e6 / len(unit.encode("utf-8"))))
    big = unit * reps
    size_mb = len(big.encode("utf-8")) / 1e6

    t0 = time.perf_counter()
    r = clean(big)
    dt = time.perf_counter() - t0
    print(f"one call: {size_mb:.2f} MB in {dt:.2f} s = {size_mb / dt:.2f} MB/s "
          f"({len(r.repairs)} repairs)")

    # the one-call result (tens of thousands of repairs) would otherwise stay alive and make
    # every garbage collection of the page loop walk it: the CLI holds no such object
    del r
    gc.collect()
    docs = pages * reps
    t0 = time.perf_counter()
    for d in docs:
        clean(d)
    dt = time.perf_counter() - t0
    print(f"per page: {len(docs)} pages, {size_mb:.2f} MB in {dt:.2f} s = {size_mb / dt:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
