"""Held-out quality: damage clean paragraphs (tests/data/clean_heldout.txt) and measure the repairs.

The paragraphs were composed for this project, not taken from the seeds. A seeded damage
generator inserts column breaks (blank line mid-sentence), units doubled at a break, in-text
stutters, ASCII punctuation and trailing whitespace, and puts titles, bylines and datelines
between paragraphs (they must never be joined). Every artifact is recorded in damaged-text
coordinates, and each applied repair is attributed to an artifact or counted as a false repair.

Run ``python tests/test_cleaners_heldout.py`` to print the figures.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from seedsift.cleaners import apply_repairs, clean

DATA = Path(__file__).resolve().parent / "data" / "clean_heldout.txt"
HAN = re.compile("[\u4e00-\u9fff]")
TO_ASCII = {"，": ",", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")"}
TERMINATORS = set("。！？…")
SEEDS = range(12)

#: short block types that sit between paragraphs on a page and must stay apart
INTERLUDES = [
    "春耕时节备耕忙", "科技赋能传统产业", "一座城市的绿色转型", "小巷里的“大民生”", "让“数据多跑路”",
    "守护碧水蓝天 共建美丽家园", "奋进新征程 建功新时代", "——来自基层一线的调研报告", "本报记者 李明 张华",
    "本报通讯员 王刚", "新华社记者 赵亮 摄", "本报讯（记者 周敏）", "（上接第3版）", "## 稳就业 惠民生",
    "## 聚焦“三农”", "全年粮食产量再创新高", "校园里的科学课", "老街新生", "夜经济点亮城市烟火气",
    "【现场】", "一是强化组织保障。", "（二）推进制度创新",
]


DATA2 = DATA.with_name("clean_heldout2.txt")


def load(path=DATA):
    """(paragraphs, controls text, interludes) from a held-out file."""
    raw = path.read_text(encoding="utf-8")
    body = "\n".join(line for line in raw.split("\n") if not line.startswith("%%"))
    sections = dict(re.findall(r"=== (\w+) ===\n(.*?)(?=\n=== \w+ ===\n|\Z)", body, re.S))
    paras = [line for line in sections["paragraphs"].split("\n") if line]
    controls = sections["controls"].rstrip("\n") + "\n"
    interludes = [line for line in sections.get("interludes", "").split("\n") if line] or INTERLUDES
    return paras, controls, interludes


def _break_points(p: str):
    out = []
    for i in range(2, len(p) - 2):
        prev, nxt = p[i - 1], p[i]
        if prev in TERMINATORS or (prev in "”’" and p[i - 2] in TERMINATORS):
            continue
        if prev == nxt and prev in "—…":
            continue
        out.append(i)
    return out


def damage(paras, seed, interludes=INTERLUDES):
    """Build (clean document, damaged document, artifacts) for one seed."""
    rng = random.Random(seed)
    clean_parts, dmg = [], []
    arts = []  # (kind, start, end, extra) in damaged coordinates
    pos = 0

    def emit(s):
        nonlocal pos
        dmg.append(s)
        pos += len(s)

    order = list(paras)
    rng.shuffle(order)
    for n, p in enumerate(order):
        if rng.random() < 0.35:
            title = rng.choice(interludes)
            clean_parts.append(title)
            emit(title)
            emit(rng.choice(["\n\n", "\n\n", " \n\n", "\n\u3000\n\n"]))
        clean_parts.append(p)
        # in-text stutter: double 1-2 Han chars somewhere
        stutter_at = None
        if rng.random() < 0.25:
            for _ in range(20):
                k = rng.choice((1, 1, 2))
                i = rng.randrange(1, len(p) - k - 1)
                unit = p[i:i + k]
                if HAN.fullmatch(unit[0]) and all(HAN.match(c) for c in unit) and p[i + k:i + 2 * k] != unit and p[i - k:i] != unit:
                    stutter_at = (i + k, unit)
                    break
        breaks = sorted(rng.sample(_break_points(p), k=rng.choice((0, 1, 1, 2))))
        ascii_punct = rng.random() < 0.5
        i = 0
        for cut in breaks + [len(p)]:
            seg_start = i
            while i < cut:
                ch = p[i]
                if stutter_at and i == stutter_at[0]:
                    emit(stutter_at[1])
                    arts.append(("stutter", pos - len(stutter_at[1]), pos, stutter_at[1]))
                if ascii_punct and ch in TO_ASCII:
                    arts.append(("punct", pos, pos + 1, ch))
                    emit(TO_ASCII[ch])
                else:
                    emit(ch)
                i += 1
            if cut == len(p):
                break
            # the break itself, maybe with trailing whitespace before it
            trail = rng.choice(["", "", "", " ", "\t", "\u3000 "])
            sep_start = pos
            emit(trail + "\n\n" + ("\n" if rng.random() < 0.1 else ""))
            arts.append(("break", sep_start, pos, ""))
            seg = p[seg_start:cut]
            k = rng.choice((1, 2))
            if rng.random() < 0.2 and len(seg) > k and all(HAN.match(c) for c in seg[-k:]) and p[cut:cut + k] != seg[-k:]:
                emit(seg[-k:])
                arts.append(("double", pos - k, pos, seg[-k:]))
        emit(rng.choice(["\n\n", "\n\n", "  \n\n", "\t\n\n"]))
    clean_doc = "\n\n".join(clean_parts) + "\n"
    return clean_doc, "".join(dmg), arts


def evaluate(seeds=SEEDS, path=DATA):
    """Counts per artifact class over all seeds."""
    paras, _, interludes = load(path)
    c = Counter()
    for seed in seeds:
        clean_doc, damaged, arts = damage(paras, seed, interludes)
        r = clean(damaged)
        assert apply_repairs(damaged, r.repairs) == r.text
        applied = [x for x in r.repairs if x.applied]
        breaks = [(a, b) for k, a, b, _ in arts if k == "break"]
        doubles = {a: (b, u) for k, a, b, u in arts if k == "double"}
        stutters = [(a, b, u) for k, a, b, u in arts if k == "stutter"]
        puncts = {a: ch for k, a, b, ch in arts if k == "punct"}
        c["breaks"] += len(breaks)
        c["doubles"] += len(doubles)
        c["stutters"] += len(stutters)
        c["punct"] += len(puncts)
        covered = set()
        for x in applied:
            if x.kind in ("join", "boundary_double"):
                c["join_repairs"] += 1
                hit = [(a, b) for a, b in breaks if x.start <= a and b <= x.end]
                if hit:
                    c["join_correct"] += 1
                    covered.update(hit)
                else:
                    c["join_wrong"] += 1
                    c.setdefault("wrong_joins", []).append(damaged[max(0, x.start - 12):x.end + 12])
            if x.kind == "boundary_double":
                c["double_repairs"] += 1
                dup = [a for a in doubles if a >= x.start and doubles[a][0] == x.end]
                # a stutter inserted right at the start of B is the same artifact
                dup += [a for a, b, u in stutters if a >= x.start and b == x.end]
                if dup:
                    c["double_correct"] += 1
                else:
                    c.setdefault("wrong_doubles", []).append(damaged[max(0, x.start - 8):x.end + 8])
            if x.kind == "stutter":
                c["stutter_repairs"] += 1
                ok = False
                for a, b, u in stutters:
                    if x.before == u and a - len(u) <= x.start <= a + len(u):
                        d1 = damaged[:x.start] + damaged[x.end:]
                        d2 = damaged[:a] + damaged[b:]
                        lo = min(a, x.start) - 5
                        ok = d1[lo:lo + 20] == d2[lo:lo + 20]
                        if ok:
                            break
                if ok:
                    c["stutter_correct"] += 1
                else:
                    c.setdefault("wrong_stutters", []).append((damaged[max(0, x.start - 8):x.end + 8], x.reason))
            if x.kind == "punctuation":
                if len(x.before) == 1 and x.start in puncts:
                    c["punct_repairs"] += 1
                    if puncts[x.start] == x.after:
                        c["punct_correct"] += 1
                        puncts[x.start] = None
                else:
                    c["punct_repairs"] += 1
                    c.setdefault("wrong_punct", []).append((x.before, x.after, damaged[max(0, x.start - 6):x.end + 6]))
        c["join_found"] += len(covered)
        c["missed_breaks"] = c.get("missed_breaks", 0) + 0
        for a, b in breaks:
            if (a, b) not in covered:
                c.setdefault("missed", []).append(damaged[max(0, a - 14):b + 10])
        c["double_fixed"] += sum(1 for a in doubles if damaged[a:doubles[a][0]] and any(
            x.kind == "boundary_double" and x.start <= a and doubles[a][0] <= x.end for x in applied))
        c["stutter_fixed"] += sum(1 for a, b, u in stutters if any(
            (x.kind == "stutter" and a - len(u) <= x.start <= a + len(u))
            or (x.kind == "boundary_double" and x.start <= a and b == x.end) for x in applied))
        flags = [x for x in r.repairs if not x.applied and x.kind in ("stutter", "boundary_double")]
        c["stutter_flagged"] += sum(1 for a, b, u in stutters if any(x.start <= a and b <= x.end for x in flags))
        c["punct_fixed"] += sum(1 for v in puncts.values() if v is None)
        c["docs_exact"] += r.text == clean_doc
        c["docs"] += 1
        lines = r.text.split("\n")
        c["trailing_ws_left"] += sum(1 for line in lines if line != line.rstrip())
    return c


def metrics(c):
    def ratio(a, b):
        return c[a] / c[b] if c[b] else 1.0

    return {
        "join_precision": ratio("join_correct", "join_repairs"),
        "join_recall": ratio("join_found", "breaks"),
        "boundary_double_precision": ratio("double_correct", "double_repairs"),
        "boundary_double_recall": ratio("double_fixed", "doubles"),
        "stutter_precision": ratio("stutter_correct", "stutter_repairs"),
        "stutter_recall": ratio("stutter_fixed", "stutters"),
        "stutter_flagged_share": ratio("stutter_flagged", "stutters"),
        "punct_precision": ratio("punct_correct", "punct_repairs"),
        "punct_recall": ratio("punct_fixed", "punct"),
    }


_RESULTS: dict = {}


def _result(path=DATA):
    if path not in _RESULTS:
        c = evaluate(path=path)
        _RESULTS[path] = dict(counts=c, metrics=metrics(c))
    return _RESULTS[path]


FILES = [DATA, DATA2]
IDS = ["heldout1", "heldout2"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_join_precision_recall(path):
    res = _result(path)
    m = res["metrics"]
    assert m["join_precision"] >= 0.99, res["counts"].get("wrong_joins")
    assert m["join_recall"] >= 0.95, res["counts"].get("missed")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_stutter_precision(path):
    res = _result(path)
    assert res["metrics"]["stutter_precision"] >= 0.98, res["counts"].get("wrong_stutters")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_boundary_double_precision(path):
    res = _result(path)
    assert res["metrics"]["boundary_double_precision"] >= 0.98, res["counts"].get("wrong_doubles")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_punctuation_precision_recall(path):
    res = _result(path)
    assert res["metrics"]["punct_precision"] >= 0.99, res["counts"].get("wrong_punct")
    assert res["metrics"]["punct_recall"] >= 0.99


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_no_whitespace_left(path):
    assert _result(path)["counts"]["trailing_ws_left"] == 0


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_clean_paragraphs_unchanged(path):
    paras, _, _ = load(path)
    doc = "\n\n".join(paras) + "\n"
    r = clean(doc)
    assert r.text == doc
    assert not [x for x in r.repairs if x.applied]
    for p in paras:  # alone, too (no neighbours to lean on)
        r = clean(p + "\n")
        assert r.text == p + "\n", [x for x in r.repairs if x.applied]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_controls_unchanged(path):
    _, controls, _ = load(path)
    r = clean(controls)
    assert r.text == controls, [x for x in r.repairs if x.applied]
    assert not [x for x in r.repairs if x.applied]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_interludes_with_paragraphs_unchanged(path):
    paras, _, interludes = load(path)
    rng = random.Random(7)
    parts = []
    for p in paras:
        parts.append(rng.choice(interludes))
        parts.append(p)
    doc = "\n\n".join(parts) + "\n"
    r = clean(doc)
    assert r.text == doc, [x for x in r.repairs if x.applied][:5]


if __name__ == "__main__":
    for path in FILES:
        res = _result(path)
        print(path.name)
        for k, v in res["metrics"].items():
            print(f"  {k:28s} {v:.4f}")
        cnt = res["counts"]
        print(" ", {k: v for k, v in cnt.items() if isinstance(v, int)})
        for key in ("wrong_joins", "missed", "wrong_doubles", "wrong_stutters", "wrong_punct"):
            for item in cnt.get(key, [])[:12]:
                print("  ", key, repr(item))
