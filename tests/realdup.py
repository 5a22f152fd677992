"""A labelled duplicate corpus made from real news text (People's Daily 1998, development half).

Used by ``benchmarks/bench_dedupe_quality.py`` and ``tests/test_dedupe_realtext.py``. The
pages are the articles of :func:`realtext.pd_articles` (never past ``DEV_LINES``); the damage
model is this module's own (written for it, not taken from any other generator):

Whole-document copies (``Corpus.kinds``; truth: the copy belongs to its base's cluster)
    ``exact``     the same text under another id;
    ``ocr``       look-alike character substitutions (己/已, 末/未, 士/土 ...), dropped
                  characters, full/half-width punctuation swaps and stutters (a character
                  printed twice), about 2-4 % of the characters in all;
    ``rebreak``   paragraphs hard-wrapped into lines of 18-40 characters (breaks mid-sentence)
                  or neighbouring paragraphs merged into one;
    ``s2t`` / ``s2twp``  OpenCC traditional script (s2twp also converts Taiwan vocabulary).
    A copy may carry another paper's masthead line (a reprint).

Copied report sections (``Corpus.sections``; truth: both copies' characters)
    2-6 consecutive paragraphs of a donor article inserted at a paragraph boundary of a host
    article, damaged ``exact`` / ``ocr`` / ``trad`` / ``rebreak``.
    ``repeat``: one paragraph of an article printed again later on the same page.

Hard negatives (``Corpus.negatives``: pairs that must not be merged; their shared text must
not be claimed as a passage)
    ``template``  3-10 different articles under one page template: masthead, date and page
                  line, a 编者按 editor's-note paragraph and a footer line;
    ``stock``     different articles sharing official stock phrases (深入学习贯彻…) inserted
                  into their own sentences;
    ``quote``     a one-sentence quotation of one article inserted into a paragraph of another.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from realtext import pd_articles

#: Look-alike characters an OCR engine confuses (each group: any member may become another).
LOOKALIKE = [
    "己已巳", "未末", "士土", "日曰", "戊戌戍", "人入八", "天夭", "大太犬", "王玉主", "刀力",
    "木本术", "千干于", "田由甲申", "免兔", "折拆", "候侯", "拨拔", "壁璧", "辩辨辫", "晴睛",
    "洁浩", "仑仓", "贝见", "会全", "今令", "孑子", "问间", "处外", "吕品", "即既", "历厉",
    "市币", "休体", "侍待", "未来", "治冶", "员贡", "准淮", "商啇", "复夏", "部郭", "设没",
]
_SWAP = {c: g for g in LOOKALIKE for c in g}
#: full width <-> ASCII punctuation
WIDTH = {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"}
WIDTH.update({v: k for k, v in list(WIDTH.items())})
PUNCT = set("，。：；！？、（）“”《》,.:;!?()")

MASTHEADS = ["人民日报　1998年1月{d}日　第{p}版", "人民日报海外版　1998年1月{d}日　第{p}版",
             "光明日报　1998年1月{d}日　第{p}版", "经济日报　1998年1月{d}日　第{p}版"]
EDITOR_NOTES = [
    "编者按：岁末年初，本报开辟专栏，记录各地干部群众贯彻落实党的十五大精神、推进改革开放的实践，"
    "欢迎广大读者来稿。",
    "编者按：为迎接新春佳节，本版从今日起陆续刊登记者在基层采写的一组报道，反映普通劳动者的工作和生活，"
    "敬请关注。",
    "编者按：国有企业改革是经济体制改革的中心环节。本报今起推出系列报道，介绍一些企业转换经营机制、"
    "走出困境的做法。",
    "编者按：本栏目旨在交流各地精神文明建设的经验，稿件请注明“文明新风”字样，来稿一经采用即付稿酬。",
]
FOOTERS = ["（本版责任编辑：{n}）", "本版编辑：{n}　美术编辑：{m}", "（新华社供稿）　责任编辑：{n}"]
NAMES = ["王建国", "李晓红", "张卫东", "刘海燕", "陈志强", "杨丽华", "赵文明", "黄春生"]
STOCK = [
    "深入学习贯彻党的十五大精神",
    "高举邓小平理论伟大旗帜",
    "坚持以经济建设为中心",
    "把建设有中国特色社会主义事业全面推向二十一世纪",
    "进一步解放思想、实事求是",
    "抓住机遇、深化改革、扩大开放、促进发展、保持稳定",
    "全心全意为人民服务的宗旨",
    "坚持两手抓、两手都要硬的方针",
]


@dataclass
class Section:
    """A copied passage: ``(doc, start, end)`` of every copy (source first) and its damage kind."""

    kind: str
    copies: list[tuple[str, int, int]]


@dataclass
class Corpus:
    docs: list[tuple[str, str]]
    clusters: dict[str, str]            # doc id -> id of the base article it copies (itself for a base)
    kinds: dict[str, str]               # doc id -> base | exact | ocr | rebreak | s2t | s2twp | host | ...
    sections: list[Section] = field(default_factory=list)
    negatives: list[tuple[str, str, str]] = field(default_factory=list)  # (a, b, kind)
    shared: list[tuple[str, int, int, str]] = field(default_factory=list)  # negative shared text: doc, s, e, kind


def ocr(text: str, rng: random.Random, rate: float) -> str:
    """Look-alike substitutions, dropped characters, punctuation width swaps and stutters."""
    out = []
    for ch in text:
        r = rng.random()
        if ch in "\n #":
            out.append(ch)
        elif r < rate * 0.45 and ch in _SWAP:
            out.append(rng.choice([c for c in _SWAP[ch] if c != ch]))
        elif r < rate * 0.65 and ch not in PUNCT:
            continue  # dropped
        elif r < rate * 0.85 and ch in WIDTH:
            out.append(WIDTH[ch])
        elif r < rate and ch not in PUNCT:
            out.append(ch * 2)  # stutter
        else:
            out.append(ch)
    return "".join(out)


def rebreak_paragraphs(paras: list[str], rng: random.Random) -> list[str]:
    """Hard-wrap paragraphs into short lines (mid-sentence breaks) or merge neighbours."""
    if rng.random() < 0.5 or len(paras) < 2:
        width = rng.randint(18, 40)
        return ["\n".join(p[i:i + width] for i in range(0, len(p), width)) for p in paras]
    out: list[str] = []
    for p in paras:
        if out and not out[-1].startswith("#") and not p.startswith("#") and rng.random() < 0.5:
            out[-1] = out[-1] + p
        else:
            out.append(p)
    return out


_CC: dict[str, object] = {}


def convert(text: str, how: str) -> str:
    import opencc

    if how not in _CC:
        _CC[how] = opencc.OpenCC(how)
    return _CC[how].convert(text)  # type: ignore[attr-defined]


def paragraphs(article: str) -> list[str]:
    return [p for p in article.strip("\n").split("\n\n") if p]


def join(paras: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text of paragraphs separated by blank lines, with each paragraph's ``(start, end)``."""
    spans, pos = [], 0
    for p in paras:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    return "\n\n".join(paras) + "\n", spans


def damage_section(paras: list[str], kind: str, rng: random.Random) -> list[str]:
    if kind == "ocr":
        return [ocr(p, rng, 0.03) for p in paras]
    if kind == "trad":
        how = rng.choice(["s2t", "s2twp"])
        return [convert(p, how) for p in paras]
    if kind == "rebreak":
        return rebreak_paragraphs(paras, rng)
    return list(paras)


def unique_articles(articles: list[str], run: int = 30) -> list[str]:
    """The articles that share no run of ``run`` non-space characters with an earlier one.

    The newspaper itself repeats text (a speech printed in full and quoted at length in a
    report, a regulation and the article about it); such natural copies are unlabelled, so
    they are left out rather than scored as false finds."""
    seen: set[int] = set()
    out = []
    for art in articles:
        flat = re.sub(r"\s+", "", art)
        grams = {hash(flat[i:i + run]) for i in range(max(0, len(flat) - run + 1))}
        if not grams & seen:
            out.append(art)
        seen |= grams
    return out


def make_corpus(n_base: int = 400, seed: int = 1, articles: list[str] | None = None) -> Corpus:
    """A labelled corpus from ``n_base`` real articles (deterministic for a seed)."""
    rng = random.Random(seed)
    pool = unique_articles([a for a in (articles or pd_articles()) if len(paragraphs(a)) >= 3 and len(a) >= 300])
    rng.shuffle(pool)
    pool = pool[:n_base]
    n = len(pool)
    # roles: 20 % copied whole, 15 % donors + 15 % hosts of sections, 5 % repeats, 15 % templated,
    # 10 % stock phrases, 5 % quotations, the rest plain
    cut = [int(n * x) for x in (0.20, 0.35, 0.50, 0.55, 0.70, 0.80, 0.85)]
    copied, donors, hosts = pool[:cut[0]], pool[cut[0]:cut[1]], pool[cut[1]:cut[2]]
    repeats, templated = pool[cut[2]:cut[3]], pool[cut[3]:cut[4]]
    stocked, quoted, plain = pool[cut[4]:cut[5]], pool[cut[5]:cut[6]], pool[cut[6]:]

    docs: list[tuple[str, str]] = []
    clusters: dict[str, str] = {}
    kinds: dict[str, str] = {}
    corpus = Corpus(docs, clusters, kinds)
    counter = iter(range(10**6))

    def add(text: str, kind: str, base: str | None = None) -> str:
        doc_id = f"pd{next(counter):05d}"
        docs.append((doc_id, text))
        clusters[doc_id] = base or doc_id
        kinds[doc_id] = kind
        return doc_id

    later: list[tuple[str, str, str]] = []  # copies, added after all bases (text, kind, base)
    for art in copied:
        base = add(art, "base")
        for kind in rng.sample(["exact", "ocr", "rebreak", "s2t", "s2twp"], rng.randint(1, 2)):
            paras = paragraphs(art)
            if kind == "ocr":
                paras = [ocr(p, rng, rng.uniform(0.02, 0.04)) for p in paras]
            elif kind == "rebreak":
                paras = rebreak_paragraphs(paras, rng)
            elif kind in ("s2t", "s2twp"):
                paras = [convert(p, kind) for p in paras]
            if kind != "exact" and rng.random() < 0.3:
                paras.insert(0, rng.choice(MASTHEADS).format(d=rng.randint(1, 31), p=rng.randint(1, 12)))
            later.append((join(paras)[0], kind, base))

    # sections: donor paragraphs i..j inserted into a host
    for donor, host in zip(donors, hosts):
        dparas = paragraphs(donor)
        body = [k for k, p in enumerate(dparas) if not p.startswith("#")]
        if len(body) < 2:
            add(donor, "base")
            add(host, "base")
            continue
        size = rng.randint(2, min(6, len(body)))
        first = rng.randint(0, len(body) - size)
        idx = body[first:first + size]
        dtext, dspans = join(dparas)
        donor_id = add(dtext, "base")
        kind = rng.choice(["exact", "ocr", "trad", "rebreak"])
        piece = damage_section([dparas[k] for k in idx], kind, rng)
        hparas = paragraphs(host)
        at = rng.randint(1, len(hparas))
        new = hparas[:at] + piece + hparas[at:]
        htext, hspans = join(new)
        host_id = add(htext, "host")
        corpus.sections.append(Section(kind, [(donor_id, dspans[idx[0]][0], dspans[idx[-1]][1]),
                                              (host_id, hspans[at][0], hspans[at + len(piece) - 1][1])]))

    for art in repeats:
        paras = paragraphs(art)
        body = [k for k, p in enumerate(paras) if not p.startswith("#") and len(p) >= 40]
        if not body or body[0] >= len(paras) - 1:
            add(art, "base")
            continue
        k = rng.choice(body[:-1] or body)
        at = rng.randint(k + 2, len(paras)) if k + 2 <= len(paras) else len(paras)
        new = paras[:at] + [paras[k]] + paras[at:]
        text, spans = join(new)
        doc_id = add(text, "repeat")
        corpus.sections.append(Section("repeat", [(doc_id, *spans[k]), (doc_id, *spans[at])]))

    # template groups: masthead + date/page line + editor's note + footer around different articles
    i = 0
    while i < len(templated):
        size = rng.randint(3, 10)
        group = templated[i:i + size]
        i += size
        mast = rng.choice(MASTHEADS).format(d=rng.randint(1, 31), p=rng.randint(1, 12))
        note = rng.choice(EDITOR_NOTES)
        foot = rng.choice(FOOTERS).format(n=rng.choice(NAMES), m=rng.choice(NAMES))
        ids = []
        for art in group:
            paras = [mast, note] + paragraphs(art) + [foot]
            text, spans = join(paras)
            doc_id = add(text, "template")
            ids.append(doc_id)
            for k in (0, 1, len(paras) - 1):
                corpus.shared.append((doc_id, *spans[k], "template"))
        corpus.negatives += [(a, b, "template") for x, a in enumerate(ids) for b in ids[x + 1:]]

    # stock phrases: 2-5 articles each get 2-3 of the same stock phrases inserted into sentences
    i = 0
    while i < len(stocked):
        size = rng.randint(2, 5)
        group = stocked[i:i + size]
        i += size
        phrases = rng.sample(STOCK, rng.randint(2, 3))
        ids = []
        for art in group:
            paras = paragraphs(art)
            marks = []
            for ph in phrases:
                k = rng.choice([x for x, p in enumerate(paras) if not p.startswith("#")])
                ends = [m.end() for m in re.finditer("[，。]", paras[k])] or [len(paras[k])]
                at = rng.choice(ends)
                paras[k] = paras[k][:at] + "要" + ph + "，" + paras[k][at:]
                marks.append((k, ph))
            text, spans = join(paras)
            doc_id = add(text, "stock")
            ids.append(doc_id)
            for k, ph in marks:
                pos = text.find(ph, spans[k][0])
                corpus.shared.append((doc_id, pos, pos + len(ph), "stock"))
        corpus.negatives += [(a, b, "stock") for x, a in enumerate(ids) for b in ids[x + 1:]]

    # quotations: one sentence (20-80 chars) of article A quoted inside a paragraph of article B
    for a, b in zip(quoted[0::2], quoted[1::2]):
        sentences = [s for p in paragraphs(a) if not p.startswith("#")
                     for s in re.findall(r"[^。！？]{20,80}。", p)]
        a_id = add(a, "quote-source")
        if not sentences:
            add(b, "base")
            continue
        sent = rng.choice(sentences)
        paras = paragraphs(b)
        k = rng.choice([x for x, p in enumerate(paras) if not p.startswith("#")])
        paras[k] = paras[k].rstrip("。") + "。正如有关负责人所说：“" + sent + "”"
        text, _ = join(paras)
        b_id = add(text, "quote")
        corpus.negatives.append((a_id, b_id, "quote"))
        pos = a.find(sent)
        corpus.shared.append((a_id, pos, pos + len(sent), "quote"))
        pos = text.find(sent)
        corpus.shared.append((b_id, pos, pos + len(sent), "quote"))

    for art in plain:
        add(art, "base")
    # copies are interleaved with later pages (never before their base)
    for text, kind, base in later:
        where = next(x for x, (d, _) in enumerate(docs) if d == base)
        doc_id = f"pd{next(counter):05d}"
        docs.insert(rng.randint(where + 1, len(docs)), (doc_id, text))
        clusters[doc_id] = base
        kinds[doc_id] = kind
    return corpus


# ---------------------------------------------------------------- scoring


def _chars(text: str, s: int, e: int) -> set[int]:
    return {i for i in range(s, e) if not text[i].isspace()}


def _pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for d, k in labels.items():
        groups.setdefault(k, []).append(d)
    return {(a, b) for g in groups.values() for x, a in enumerate(sorted(g)) for b in sorted(g)[x + 1:]}


def _pr(hit: int, claimed: int, truth: int) -> dict[str, float]:
    return {"precision": hit / claimed if claimed else 1.0, "recall": hit / truth if truth else 1.0,
            "claimed": claimed, "truth": truth}


def score(corpus: Corpus, result, actions: tuple[str, ...] | None = None) -> dict:
    """Document pairwise P/R/F1, hard-negative merges, and passage character P/R.

    Passage scoring is per character and side-agnostic: every row of ``result.spans``
    (or only those whose action is in ``actions``) claims both its copy and its source
    characters (whitespace ignored). Rows between two documents of one truth document
    cluster are whole-document copies (clusters, not passages) and are not counted.
    Per kind: recall over that kind's truth characters; precision over the rows that
    touch that kind's truth. ``false_claims`` splits wrongly claimed characters by the
    negative text they fall in (template, stock, quote, other).
    """
    texts = dict(corpus.docs)
    truth_pairs, found_pairs = _pairs(corpus.clusters), _pairs(result.clusters)
    tp = len(truth_pairs & found_pairs)
    doc = _pr(tp, len(found_pairs), len(truth_pairs))
    doc["f1"] = 2 * doc["precision"] * doc["recall"] / max(1e-9, doc["precision"] + doc["recall"])
    per_kind_doc = {}
    for kind in sorted({k for d, k in corpus.kinds.items() if corpus.clusters[d] != d}):
        ds = [d for d, k in corpus.kinds.items() if k == kind and corpus.clusters[d] != d]
        per_kind_doc[kind] = sum(result.clusters[d] == result.clusters[corpus.clusters[d]] for d in ds) / len(ds)
    neg = {}
    for a, b, kind in corpus.negatives:
        n = neg.setdefault(kind, {"pairs": 0, "merged": 0})
        n["pairs"] += 1
        n["merged"] += result.clusters[a] == result.clusters[b]

    truth: dict[str, set[int]] = {}
    kind_truth: dict[str, dict[str, set[int]]] = {}
    for sec in corpus.sections:
        for d, s, e in sec.copies:
            cs = _chars(texts[d], s, e)
            truth.setdefault(d, set()).update(cs)
            kind_truth.setdefault(sec.kind, {}).setdefault(d, set()).update(cs)
    shared: dict[str, dict[str, set[int]]] = {}
    for d, s, e, kind in corpus.shared:
        shared.setdefault(kind, {}).setdefault(d, set()).update(_chars(texts[d], s, e))
    claimed: dict[str, set[int]] = {}
    rows_by_kind: dict[str, dict[str, set[int]]] = {}
    ignored = 0
    for sp in result.spans:
        if actions is not None and sp.action not in actions:
            continue
        if sp.doc_id != sp.src_doc_id and corpus.clusters[sp.doc_id] == corpus.clusters[sp.src_doc_id]:
            ignored += 1
            continue
        row = [(sp.doc_id, _chars(texts[sp.doc_id], sp.start, sp.end)),
               (sp.src_doc_id, _chars(texts[sp.src_doc_id], sp.src_start, sp.src_end))]
        for d, cs in row:
            claimed.setdefault(d, set()).update(cs)
        for kind, kt in kind_truth.items():
            if any(cs & kt.get(d, set()) for d, cs in row):
                for d, cs in row:
                    rows_by_kind.setdefault(kind, {}).setdefault(d, set()).update(cs)

    def inter(x: dict[str, set[int]], y: dict[str, set[int]]) -> int:
        return sum(len(v & y.get(k, set())) for k, v in x.items())

    def size(x: dict[str, set[int]]) -> int:
        return sum(map(len, x.values()))

    passages = _pr(inter(claimed, truth), size(claimed), size(truth))
    per_kind = {}
    for kind, kt in sorted(kind_truth.items()):
        rk = rows_by_kind.get(kind, {})
        per_kind[kind] = {"recall": inter(kt, claimed) / max(1, size(kt)),
                          "precision": inter(rk, truth) / size(rk) if size(rk) else 1.0,
                          "truth": size(kt)}
    wrong = {d: v - truth.get(d, set()) for d, v in claimed.items()}
    false_claims = {kind: inter(wrong, sh) for kind, sh in shared.items()}
    false_claims["other"] = size(wrong) - sum(false_claims.values())
    return {"documents": doc, "documents_per_kind": per_kind_doc, "hard_negatives": neg,
            "passages": passages, "passages_per_kind": per_kind, "false_claims": false_claims,
            "rows": sum(1 for sp in result.spans if actions is None or sp.action in actions),
            "rows_ignored": ignored}


def wrong_rows(corpus: Corpus, result, limit: int = 20) -> list[dict]:
    """Rows with characters outside the truth (for reading what fails)."""
    texts = dict(corpus.docs)
    truth: dict[str, set[int]] = {}
    for sec in corpus.sections:
        for d, s, e in sec.copies:
            truth.setdefault(d, set()).update(_chars(texts[d], s, e))
    out = []
    for sp in result.spans:
        if sp.doc_id != sp.src_doc_id and corpus.clusters[sp.doc_id] == corpus.clusters[sp.src_doc_id]:
            continue
        bad = len(_chars(texts[sp.doc_id], sp.start, sp.end) - truth.get(sp.doc_id, set()))
        bad += len(_chars(texts[sp.src_doc_id], sp.src_start, sp.src_end) - truth.get(sp.src_doc_id, set()))
        if bad:
            out.append({"bad_chars": bad, "doc": sp.doc_id, "kind": corpus.kinds[sp.doc_id],
                        "src": sp.src_doc_id, "action": sp.action, "similarity": round(sp.similarity, 3),
                        "text": texts[sp.doc_id][sp.start:sp.end][:120]})
    return sorted(out, key=lambda r: -r["bad_chars"])[:limit]


def missed_sections(corpus: Corpus, result, limit: int = 20) -> list[dict]:
    """Sections with less than 90 % of their characters claimed."""
    texts = dict(corpus.docs)
    claimed: dict[str, set[int]] = {}
    for sp in result.spans:
        claimed.setdefault(sp.doc_id, set()).update(_chars(texts[sp.doc_id], sp.start, sp.end))
        claimed.setdefault(sp.src_doc_id, set()).update(_chars(texts[sp.src_doc_id], sp.src_start, sp.src_end))
    out = []
    for sec in corpus.sections:
        for d, s, e in sec.copies:
            cs = _chars(texts[d], s, e)
            got = len(cs & claimed.get(d, set())) / max(1, len(cs))
            if got < 0.9:
                out.append({"kind": sec.kind, "doc": d, "kind_doc": corpus.kinds[d], "recall": round(got, 3),
                            "chars": len(cs), "text": texts[d][s:e][:100]})
    return out[:limit]
