"""The cleaner on the five seed pages: every expectation in tests/data/seed_expectations.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seedsift.cleaners import apply_repairs, clean

ROOT = Path(__file__).resolve().parent.parent
EXPECT = json.loads((ROOT / "tests" / "data" / "seed_expectations.json").read_text(encoding="utf-8"))
FOLD = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
ASCII_IN_CJK = re.compile(rf"(?<=[{CJK}])[,;:!?()]|[,;:!?()](?=[{CJK}])")
HAN = re.compile(r"[\u4e00-\u9fff]")


def fold(s: str) -> str:
    return s.translate(FOLD)


_CACHE: dict = {}


def cleaned(key: str):
    if key not in _CACHE:
        name = EXPECT["files"][key]["name"]
        original = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        _CACHE[key] = (original, clean(original))
    return _CACHE[key]


KEYS = sorted(EXPECT["files"])


@pytest.mark.parametrize("key", KEYS)
def test_joins_present(key):
    _, r = cleaned(key)
    txt = fold(r.text)
    missing = [j for j in EXPECT["files"][key]["joins"] if fold(j["tail"]) + fold(j["head"]) not in txt]
    assert not missing


@pytest.mark.parametrize("key", KEYS)
def test_keep_apart(key):
    _, r = cleaned(key)
    txt = fold(r.text)
    for k in EXPECT["files"][key]["keep_apart"]:
        pat = re.escape(fold(k["tail"])) + r"[ \t]*\n[\s#>]*" + re.escape(fold(k["head"]))
        assert re.search(pat, txt), k


@pytest.mark.parametrize("key", KEYS)
def test_gaps_not_joined_and_flagged(key):
    original, r = cleaned(key)
    txt = fold(r.text)
    gap_flags = [x for x in r.repairs if x.kind == "gap" and not x.applied]
    for g in EXPECT["files"][key]["gaps"]:
        assert fold(g["tail"]) + fold(g["head"]) not in txt, g
        assert any(g["tail"][-2:] in x.before and g["head"][:2] in x.before for x in gap_flags), g


@pytest.mark.parametrize("key", KEYS)
def test_hygiene_and_text_kept(key):
    original, r = cleaned(key)
    lines = r.text.split("\n")
    assert not any(line != line.rstrip() for line in lines)
    assert not any(line and not line.strip() for line in lines)
    assert "\n\n\n" not in r.text
    assert not ASCII_IN_CJK.findall(r.text)
    for s in EXPECT["decimals_and_symbols_kept"].get(key, []):
        assert s in r.text
    for s in EXPECT["legit_repeats"].get(key, []):
        assert fold(s) in fold(r.text), s
    assert len(HAN.findall(r.text)) >= 0.98 * len(HAN.findall(original))


@pytest.mark.parametrize("key", KEYS)
def test_replay_and_idempotence(key):
    original, r = cleaned(key)
    assert apply_repairs(original, r.repairs) == r.text
    again = clean(r.text)
    assert not [x for x in again.repairs if x.applied]


def test_boundary_double_fixed():
    for b in EXPECT["boundary_doubles"]:
        original, r = cleaned(b["file"])
        assert fold(b["expect"]) in fold(r.text)
        assert any(x.kind == "boundary_double" and x.applied for x in r.repairs)


def test_heading_injection_rejoined():
    for h in EXPECT["heading_injections"]:
        _, r = cleaned(h["file"])
        txt = fold(r.text)
        assert fold(h["expect_joined"]) in txt
        assert re.search(r"(^|\n)[#\s]*" + re.escape(h["heading"]), txt)


@pytest.mark.parametrize("s", EXPECT["stutters"], ids=lambda s: s["bad"])
def test_stutter_fixed_or_flagged(s):
    _, r = cleaned(s["file"])
    txt = fold(r.text)
    fixed = fold(s["good"]) in txt and fold(s["bad"]) not in txt
    flagged = any(fold(s["bad"]) in fold(x.before) for x in r.repairs if not x.applied)
    assert fixed or flagged
