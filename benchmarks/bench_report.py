"""How big and how fast is the review report at 10,000 duplicate pairs?

Builds a synthetic run directory (documents made of the seeds' characters,
passages copied between documents with a few edits, repairs and flags), writes
the report with :func:`seedsift.review.model.write_report`, then opens it in
Debian's headless Chromium and times: load until the page is interactive, a
text search over all pairs, and a page turn. Targets from the issue: file
<= 20 MB, open < 3 s.

    .venv/bin/python benchmarks/bench_report.py [--pairs 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz

from seedsift.dedupe import DedupeResult
from seedsift.dedupe.records import Span
from seedsift.pipeline import atomic, rundir
from seedsift.pipeline import stages as pipeline
from seedsift.pipeline.corpus import Doc
from seedsift.review.model import write_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _alphabet() -> str:
    chars = sorted({c for p in (ROOT / "seeds").glob("*.txt") for c in p.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"})
    return "".join(chars)


def _paragraph(rng: random.Random, alphabet: str, n: int) -> str:
    body = [rng.choice(alphabet) for _ in range(n)]
    for i in range(rng.randrange(12, 30), n, rng.randrange(12, 30)):
        body[i] = "，" if rng.random() < 0.7 else "。"
    return "".join(body) + "。\n\n"


def _mutate(rng: random.Random, alphabet: str, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randrange(0, 4)):
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)
    return "".join(chars)


def synthesize(out: Path, n_pairs: int, per_doc: int = 10, seed: int = 1) -> None:
    """Write a run directory with ``n_pairs`` passage pairs (every second one removed)."""
    rng = random.Random(seed)
    alphabet = _alphabet()
    n_targets = max(1, n_pairs // per_doc)
    sources = [_paragraph(rng, alphabet, rng.randrange(1200, 2400)) for _ in range(n_targets)]
    docs, spans = [], []
    for i, src in enumerate(sources):
        docs.append(Doc(id=f"src/{i:05d}.txt", text=src, source="bench", rel=f"src/{i:05d}.txt"))
    for t in range(n_targets):
        parts, pos = [], 0
        doc_id = f"dup/{t:05d}.txt"
        for k in range(per_doc):
            own = _paragraph(rng, alphabet, rng.randrange(40, 200))
            parts.append(own)
            pos += len(own)
            j = rng.randrange(n_targets)
            length = rng.randrange(30, 300)
            s0 = rng.randrange(0, len(sources[j]) - length - 3)
            copy = _mutate(rng, alphabet, sources[j][s0:s0 + length])
            parts.append(copy)
            sim = fuzz.ratio(copy, sources[j][s0:s0 + length]) / 100
            action = "removed" if (t * per_doc + k) % 2 == 0 else "kept"
            spans.append(Span(doc_id, pos, pos + len(copy), f"src/{j:05d}.txt", s0, s0 + length, sim, action))
            pos += len(copy)
        text = "".join(parts)
        docs.append(Doc(id=doc_id, text=text, source="bench", rel=doc_id))
    result = DedupeResult(clusters={d.id: d.id for d in docs}, doc_matches={}, spans=spans)
    with atomic.staged_directory(out, keep_existing=False) as stage:
        rundir.write_doc_index(stage, docs)
        for d in docs:
            atomic.write_text(stage / "cleaned" / d.rel, d.text)
        repairs = []
        for d in docs:
            text = d.text
            for _ in range(3):
                at = rng.randrange(len(text) - 1)
                repairs.append({"doc": d.id, "kind": "stutter", "start": at, "end": at + 1, "line": 1,
                                "before": text[at], "after": text[at], "applied": False, "reason": "synthetic flag"})
        atomic.write_jsonl(stage / "repairs.jsonl", repairs)
        pipeline.dedupe_stage(stage, docs, result)
        rundir.write_run_summary(stage, {"command": "bench", "pairs": n_pairs})


def open_in_chromium(report: Path) -> dict:
    """Seconds until the page is interactive, a search over every pair, and a page turn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.monotonic()
        page.goto(report.as_uri())
        page.wait_for_selector("html[data-ready='1']", timeout=60_000)
        opened = time.monotonic() - t0
        t1 = time.monotonic()
        page.fill("#q", "工会工作")
        page.inner_text("#count")
        search = time.monotonic() - t1
        page.fill("#q", "")
        t2 = time.monotonic()
        page.click("#next")
        page.inner_text("#page")
        turn = time.monotonic() - t2
        browser.close()
    return {"open_s": opened, "search_s": search, "page_turn_s": turn, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="write the run directory here instead of a temp dir")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "run"
        t0 = time.monotonic()
        synthesize(out, args.pairs)
        t1 = time.monotonic()
        report = write_report(out)
        t2 = time.monotonic()
        size = report.stat().st_size
        print(f"pairs {args.pairs:,}: synthesize {t1 - t0:.1f} s, write_report {t2 - t1:.1f} s, "
              f"report.html {size / 1e6:.1f} MB ({'ok' if size <= 20e6 else 'OVER'} <= 20 MB)")
        if not args.no_browser and os.path.exists(CHROMIUM):
            r = open_in_chromium(report)
            print(f"chromium: open {r['open_s']:.2f} s ({'ok' if r['open_s'] < 3 else 'OVER'} < 3 s), "
                  f"search {r['search_s']:.2f} s, page turn {r['page_turn_s']:.2f} s, page errors {len(r['errors'])}")


if __name__ == "__main__":
    main()
