"""Stutter rules on hand-written excerpts of news text: what a rule drops, flags or keeps.

Each case is written by hand in the manner of newsprint (People's Daily) and of Debian's
manuals; none is copied from a benchmark.
"""

from __future__ import annotations

import pytest

from seedsift.cleaners import clean


def flagged(text: str, bad: str) -> bool:
    r = clean(text)
    return r.text == text and any(not x.applied and x.kind == "stutter" and bad in x.before for x in r.repairs)


def unchanged(text: str) -> bool:
    r = clean(text)
    return r.text == text and not [x for x in r.repairs if x.kind == "stutter"]


@pytest.mark.parametrize("text, bad", [
    # a free content character after a word that ends in it: as often an echo as the start
    # of the next phrase, so it is flagged (before: kept as "a free word")
    ("他在总结过去去工作经验时说。\n", "去去"),
    ("当时镇上只有有一所中学。\n", "有有"),
    ("节日的街上上到处挂着灯笼。\n", "上上"),
])
def test_free_content_echo_flagged(text, bad):
    assert flagged(text, bad)


@pytest.mark.parametrize("text", [
    # a free function character or particle after a word ending in it opens the next phrase
    "各省及其其他地区。\n", "可选参数可以以任意顺序写。\n", "大家脚踏实地地工作。\n",
])
def test_free_function_echo_kept(text):
    assert unchanged(text)
