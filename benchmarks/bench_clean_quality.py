"""Cleaning quality on real text: per-class precision/recall on damaged pages, repair rates on undamaged ones.

    .venv/bin/python benchmarks/bench_clean_quality.py [--pages 150] [--seed 11] [--devkit PATH] [--json OUT]

Real text: the development half of People's Daily, January 1998 (``tests/realtext.py``;
needs the ``test`` extra). Two measurements:

1. **Damaged pages.** Articles are damaged with this script's own generator, one artifact
   class per page, with exact truth: a mid-sentence break (a), a break with the character(s)
   before it doubled (b), a heading dropped into a split sentence (c), a stutter of 1-4
   characters (d), ASCII punctuation for full width, sometimes with a space after commas
   (e), trailing whitespace and whitespace-only lines (f). Scored from the repairs: a truth
   region is *fixed* when the applied repairs touching it turn it into an accepted text; a
   repair that touches no region is *unwanted*. precision = fixed / (regions touched +
   unwanted repairs), recall = fixed / regions; stutters also report fixed-or-flagged.
2. **Undamaged text.** Every article as published: repairs per 100,000 characters by kind.
   On edited text every join, boundary double, heading move or stutter is a false positive.
   ``--devkit PATH`` adds the development kit's ``data/external.jsonl.gz`` (Debian manuals
   and fortunes, simplified and traditional) by source; the project itself never needs it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from realtext import pd_articles  # noqa: E402

from seedsift.cleaners import clean  # noqa: E402

STRUCTURAL = ("join", "boundary_double", "heading_move", "stutter")
HAN = re.compile("[\u4e00-\u9fff]")
#: full width -> ASCII, the reverse of what the cleaner does
TO_ASCII = {"，": ",", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")"}
CLASSES = {"a": "mid-sentence break", "b": "break + doubled char", "c": "heading in split sentence",
           "d": "stutter", "e": "ASCII punctuation", "f": "whitespace"}


class Page:
    """A damaged page under construction: text pieces plus truth regions in its coordinates."""

    def __init__(self):
        self.parts: list[str] = []
        self.regions: list[tuple[int, int, tuple[str, ...]]] = []
        self.size = 0

    def text(self, s: str) -> None:
        self.parts.append(s)
        self.size += len(s)

    def region(self, damaged: str, *accepted: str) -> None:
        self.regions.append((self.size, self.size + len(damaged), accepted))
        self.text(damaged)

    def build(self) -> str:
        return "".join(self.parts)


def split_article(article: str) -> tuple[str, list[str]]:
    blocks = article.rstrip("\n").split("\n\n")
    return blocks[0], blocks[1:]


def cut_point(par: str, rng: random.Random, margin: int = 8) -> int | None:
    """A position between two Han characters, away from the paragraph ends."""
    cands = [k for k in range(margin, len(par) - 4) if HAN.match(par[k - 1]) and HAN.match(par[k])]
    return rng.choice(cands) if cands else None


def stutter_point(par: str, rng: random.Random) -> tuple[int, int] | None:
    """(position, unit length) for a repeat of 1-4 Han characters inside a sentence."""
    for _ in range(30):
        u = rng.choices((1, 2, 3, 4), (40, 35, 15, 10))[0]
        k = rng.randint(u + 1, max(u + 1, len(par) - 2))
        unit = par[k - u:k]
        if len(unit) == u and all(HAN.match(c) for c in unit) and k < len(par) and HAN.match(par[k]) \
                and par[k - 2 * u:k - u] != unit and par[k:k + u] != unit:
            return k, u
    return None


def damage(cls: str, article: str, heading: str, rng: random.Random) -> Page | None:
    """One damaged page of class ``cls`` (None when the article offers no place for it)."""
    title, pars = split_article(article)
    pars = [p for p in pars if len(p) >= 30]
    if len(pars) < 2:
        return None
    page = Page()
    page.text(title + "\n\n")
    chosen = set(rng.sample(range(len(pars)), min(len(pars), rng.randint(1, 2))))
    for n, par in enumerate(pars):
        last = n == len(pars) - 1
        sep = "\n" if last else "\n\n"
        if n not in chosen:
            page.text(par + sep)
            continue
        if cls in "abc":
            k = cut_point(par, rng)
            if k is None:
                page.text(par + sep)
                continue
            if cls == "a":
                page.text(par[:k])
                page.region("\n\n", "")
                page.text(par[k:] + sep)
            elif cls == "b":
                u = 2 if rng.random() < 0.3 and HAN.match(par[k - 2]) else 1
                page.text(par[:k])
                page.region("\n\n" + par[k - u:k], "")
                page.text(par[k:] + sep)
            else:
                page.region(par[:k] + "\n\n" + heading + "\n\n" + par[k:],
                            par + "\n\n" + heading, heading + "\n\n" + par)
                page.text(sep)
        elif cls == "d":
            sp = stutter_point(par, rng)
            if sp is None:
                page.text(par + sep)
                continue
            k, u = sp
            page.text(par[:k])
            page.region(par[k - u:k], "")
            page.text(par[k:] + sep)
        elif cls == "e":
            every = rng.random() < 0.5
            spaced = rng.random() < 0.25
            pos = 0
            for m in re.finditer("[，；：！？（）]", par):
                if not (every or rng.random() < 0.5):
                    continue
                page.text(par[pos:m.start()])
                mark = TO_ASCII[m.group()]
                if spaced and mark == "," and HAN.match(par[m.end():m.end() + 1]):
                    mark = ", "
                page.region(mark, m.group())
                pos = m.end()
            page.text(par[pos:] + sep)
        else:  # f
            page.text(par)
            page.region(rng.choice([" ", "  ", "\t", " \t", "\u3000"]), "")
            if last:
                page.text("\n")
            else:
                page.text("\n")
                if rng.random() < 0.5:
                    page.region(rng.choice([" ", "\t", "\u3000", "  "]) + "\n", "")
                page.text("\n")
    return page if page.regions else None


def apply_span(text: str, a: int, b: int, repairs) -> str:
    out, pos = [], a
    for r in sorted(repairs, key=lambda r: r.start):
        out.append(text[pos:r.start])
        out.append(r.after)
        pos = r.end
    out.append(text[pos:b])
    return "".join(out)


def expected(text: str, a: int, b: int, replacements) -> str:
    """``text[a:b]`` with the truth regions in it replaced by their accepted text."""
    out, pos = [], a
    for s, e, acc in sorted(replacements):
        out.append(text[pos:s])
        out.append(acc)
        pos = e
    out.append(text[pos:b])
    return "".join(out)


def score_page(text: str, regions, repairs) -> Counter:
    """Counts for one page: regions, fixed, touched, flagged, unwanted (by kind)."""
    c = Counter(regions=len(regions))
    applied = [r for r in repairs if r.applied]
    used = set()
    for start, end, accepted in regions:
        hit = [k for k, r in enumerate(applied) if r.start <= end and start <= r.end]
        if not hit:
            if any(not r.applied and r.start <= end and start <= r.end for r in repairs):
                c["flagged"] += 1
            continue
        used.update(hit)
        c["touched"] += 1
        rs = [applied[k] for k in hit]
        a, b = min([start] + [r.start for r in rs]), max([end] + [r.end for r in rs])
        got = apply_span(text, a, b, rs)
        others = [(s, e, acc[0]) for s, e, acc in regions if a <= s and e <= b and (s, e) != (start, end)]
        if any(got == expected(text, a, b, others + [(start, end, acc)]) for acc in accepted):
            c["fixed"] += 1
    for k, r in enumerate(applied):
        if k not in used:
            c["unwanted:" + r.kind] += 1
    return c


def damaged_scores(articles, pages: int, seed: int, classes: str = "".join(CLASSES)) -> dict:
    """Per-class figures on ``pages`` damaged pages per class (a fresh generator per class)."""
    headings = ["## " + a.split("\n", 1)[0].lstrip("# ") for a in articles]
    out = {}
    for cls in classes:
        rng = random.Random(f"{seed}-{cls}")
        total = Counter()
        pool = list(articles)
        rng.shuffle(pool)
        made = 0
        for art in pool:
            if made >= pages:
                break
            page = damage(cls, art, rng.choice(headings), rng)
            if page is None:
                continue
            made += 1
            text = page.build()
            total += score_page(text, page.regions, clean(text).repairs)
        unwanted = sum(v for k, v in total.items() if k.startswith("unwanted:"))
        denom = total["touched"] + unwanted
        out[cls] = {
            "pages": made, "regions": total["regions"],
            "recall": round(total["fixed"] / total["regions"], 3) if total["regions"] else None,
            "precision": round(total["fixed"] / denom, 3) if denom else None,
            "fixed_or_flagged": round((total["fixed"] + total["flagged"]) / total["regions"], 3) if total["regions"] else None,
            "unwanted": {k.split(":", 1)[1]: v for k, v in sorted(total.items()) if k.startswith("unwanted:")},
        }
    return out


def undamaged_rates(texts) -> dict:
    """Applied repairs and flags per 100,000 characters, by kind."""
    chars, applied, flags = 0, Counter(), Counter()
    for t in texts:
        chars += len(t)
        for r in clean(t).repairs:
            (applied if r.applied else flags)[r.kind] += 1
    per = 1e5 / max(chars, 1)
    return {"chars": chars,
            "structural_per_100k": round(sum(applied[k] for k in STRUCTURAL) * per, 2),
            "applied_per_100k": {k: round(v * per, 2) for k, v in sorted(applied.items())},
            "flags_per_100k": {k: round(v * per, 2) for k, v in sorted(flags.items())}}


def devkit_texts(path: Path) -> dict:
    groups: dict = {}
    with gzip.open(path / "data" / "external.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            groups.setdefault(f"{rec['source']} ({rec['script']})", []).append(rec["text"])
    return groups


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=150, help="damaged pages per class (default 150)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--devkit", type=Path, help="development kit directory (adds its external text)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--traditional", action="store_true",
                    help="convert the People's Daily text to traditional script (OpenCC s2t) first: the "
                         "cleaner must take the same decisions in both scripts")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    articles = pd_articles()
    if a.traditional:
        from seedsift.cleaners.script import convert_script
        articles = [convert_script(art, "traditional") for art in articles]
    result = {"damaged": damaged_scores(articles, a.pages, a.seed), "undamaged": {}}
    script = ", traditional script" if a.traditional else ""
    print(f"damaged People's Daily pages (seed {a.seed}, {a.pages} per class{script})")
    print(f"{'class':<30}{'regions':>8}{'recall':>8}{'prec':>8}{'fix|flag':>9}  unwanted repairs")
    for cls, row in result["damaged"].items():
        print(f"{cls + ' ' + CLASSES[cls]:<30}{row['regions']:>8}{row['recall']:>8}{row['precision']:>8}"
              f"{row['fixed_or_flagged']:>9}  {row['unwanted'] or ''}")
    corpora = {"People's Daily 1998 (dev half)" + (" s2t" if a.traditional else ""): articles}
    if a.devkit:
        corpora.update(devkit_texts(a.devkit))
    print("\nundamaged text: repairs per 100k characters (structural = join + boundary_double + heading_move + stutter)")
    for name, texts in corpora.items():
        row = undamaged_rates(texts)
        result["undamaged"][name] = row
        print(f"{name:<34}{row['chars']:>10} chars  structural {row['structural_per_100k']:>6}  "
              f"applied {row['applied_per_100k']}  flags {row['flags_per_100k']}")
    print(f"\n{time.perf_counter() - t0:.0f} s")
    if a.json:
        a.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
