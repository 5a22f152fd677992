"""Block typing (heading, table, caption, credit, list item, body: what the join rules ask first) and the boilerplate fixer."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import _lexicon
from ._edits import Edit, Flag, splice

_NUM = "0-9０-９一二三四五六七八九十百"
#: continuation markers: (上接第1版) (下转第2版) （转第3版）
MARKER = re.compile(rf"[（(]\s*(?:[上下]接|[下]?转)\s*第?\s*[{_NUM}]+\s*版\s*[)）]")
_AD = re.compile(r"(?:(?<=[。！？”）)])|[ \t\u3000]+)广告[ \t\u3000]*$", re.M)
_CREDIT = re.compile(
    r"^(?:(?:新华社|中新社|本报|人民网|央视)?(?:记者|通讯员|特约记者|摄影记者)?[ \u3000]*[^\s，。,；;！？]{1,12}(?:[ \u3000]+[^\s，。,；;！？]{1,12}){0,3}[ \u3000]*摄(?:影)?(?:/[^\s]{1,12})?"
    r"|(?:[（(][^()（）]{0,30}摄[)）]))$")
_BYLINE = re.compile(r"^(?:(?:本报|新华社|特约)(?:记者|通讯员)[ \u3000]*|(?:记者|通讯员)[ \u3000]+)[\u4e00-\u9fff·]{2,4}(?:[ \u3000、，,]+(?:(?:本报)?(?:记者|通讯员))?[ \u3000]*[\u4e00-\u9fff·]{2,4})*$")
#: page metadata lines: 责任编辑：李四, 来源：新华社, 图片来源：…
_META = re.compile(r"^[（(【]?(?:责任编辑|本版编辑|编辑|作者|来源|图片来源|校对|审核|监制|统筹|策划|制图|美编|出品|主编|原标题|电话|邮箱|地址|网址|文|图|文/图|图/文)[ \u3000]*[:：/|｜]")
_CAPTION = re.compile(r"^(?:▲|△|图为|图[:：]|上图|下图|左图|右图)")
#: numbered captions of tables and figures: 表 6.10. 其它平台上的客户端列表, 图 3 网络拓扑, 表1-2：…
_NUMBERED_CAPTION = re.compile(r"^[表图][ \u3000]?[0-9０-９]+(?:[.．\-－][0-9０-９]+)*(?:[.．:：][ \u3000]?|[ \u3000])\S")
#: definition-list items of manuals: a term without Han, then a tab or a run of spaces, then its
#: description (``-L     遍历符号链接``, ``%e     日，以空格填充``, ``c, u   创建文件``), or an option
#: glued to its description (``-x显示系统关机记录``)
_ITEM = re.compile(r"^[ \t]*(?:[^\s\u3400-\u9fff][^\u3400-\u9fff\n]{0,40}?(?:\t| {2,}|\u3000)(?=\S)|--?[A-Za-z][\w-]*(?=[\u3400-\u9fff]))")
#: attribution lines under a quotation: —— 鲁迅《故乡》, -- Debian 《行为准则》, ——摘自… (short and
#: without clause punctuation: ``——制定《意见》，面向…`` is a dash-led list item of running text)
_ATTRIBUTION = re.compile(r"^(?:—{1,2}|-{2})[ \u3000]*[^\s—\-]")
#: sentence-final marks (full-width, or an ASCII one after a letter) that make a Latin-heavy block prose
_SENTENCE_END = re.compile(r"(?:[。！？…]|(?<=[^\d\s.])[.!?])[”’）)」』\"']*$")
_BRACKET_ALONE = re.compile(r"^【[^】]{1,12}】$")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile("[A-Za-z]")


class Block(NamedTuple):
    start: int
    end: int
    text: str
    kind: str


def classify_block(text: str) -> str:
    """Block type: heading, table, marker, credit, caption, attribution, item, byline, meta,
    multi, latin, or body.

    Numbered table/figure captions (``表 6.10. …``, ``图 3 …``) are captions, not text that a
    sentence could run into; an attribution line under a quotation (``—— 出处``, ``-- 出处``)
    closes the quotation above it. A Latin-heavy block is ``latin`` (English, commands) unless it
    contains Han and ends a sentence: then it is prose with embedded names (``如 gnome-core。``)
    and may be the second half of a split sentence.

    >>> [classify_block(t) for t in ["## 标题", "(上接第1版)", "新华社记者 孙瑞博 摄", "▲这是火星", "正文，好。"]]
    ['heading', 'marker', 'credit', 'caption', 'body']
    >>> [classify_block(t) for t in ["表 6.10. 其它平台上免费 SSH 客户端列表", "图 3 网络拓扑", "-- Debian 《行为准则》第一条"]]
    ['caption', 'caption', 'attribution']
    >>> [classify_block(t) for t in ["如 gnome-core。", "see gnome-core 包", "remote hosts are permitted."]]
    ['body', 'latin', 'latin']
    >>> [classify_block(t) for t in ["-L     遍历每一个符号链接", "%e     日，以空格填充", "-x显示关机记录", "Linux 系统是一个平台。"]]
    ['item', 'item', 'item', 'body']
    """
    t = text.strip(" \t\u3000")
    if t.startswith("#"):
        return "heading"
    if "\t" in t:
        return "table"
    if len(t) <= 40:
        if MARKER.fullmatch(t) or t == "广告" or _BRACKET_ALONE.match(t):
            return "marker"
        if _CREDIT.match(t):
            return "credit"
    if t[:1] in _CAPTION_START and (_CAPTION.match(t) or _NUMBERED_CAPTION.match(t)):
        return "caption"
    if t[:1] in "—-" and len(t) <= 40 and _ATTRIBUTION.match(t) and not re.search("[\n，,。；;！？]", t):
        return "attribution"
    if _ITEM.match(text) and _HAN.search(t):
        return "item"
    if "\n" in t:
        return "multi"
    if len(t) <= 40:
        if _BYLINE.match(t) and not re.search("[，。,；;！？]", t):
            return "byline"
        if _META.match(t):
            return "meta"
    if _LATIN.search(t) and len(_LATIN.findall(t)) > 2 * len(_HAN.findall(t)):
        if _HAN.search(t) and _SENTENCE_END.search(t):
            return "body"
        return "latin"
    return "body"


_CAPTION_START = set("▲△图表上下左右")
_SEP = re.compile(r"\n(?:[ \t\u3000]*\n)+")


_LAST_SPLIT: list = [None]


def split_blocks(text: str) -> list[Block]:
    """Blank-line separated blocks with their type and offsets in ``text``.

    >>> [(b.kind, b.text) for b in split_blocks("## 标题\\n\\n正文，好。\\n \\n本报记者 李明\\n")]
    [('heading', '## 标题'), ('body', '正文，好。'), ('byline', '本报记者 李明')]
    """
    last = _LAST_SPLIT[0]  # one atomic read: (text, blocks) of the previous call
    if last is not None and last[0] is text:  # the boilerplate and join fixers often see the same string
        return list(last[1])
    out = _split_blocks(text)
    _LAST_SPLIT[0] = (text, tuple(out))
    return out


def _split_blocks(text: str) -> list[Block]:
    out, pos = [], 0
    for m in _SEP.finditer(text):
        if m.start() > pos:
            t = text[pos:m.start()]
            out.append(Block(pos, m.start(), t, classify_block(t)))
        pos = m.end()
    if pos < len(text):
        t = text[pos:].rstrip("\n")
        if t:
            out.append(Block(pos, pos + len(t), t, classify_block(t)))
    return out


def find_boilerplate(text: str, drop: bool = False):
    """Flags (or, with ``drop``, removals) for continuation markers, ``广告`` and photo credits.

    Blocks are typed on the simplified key of the text (same offsets), so a traditional page's
    ``（轉第二版）``, ``廣告`` and ``記者 李明攝`` are found like their simplified twins.

    >>> [f.reason for f in find_boilerplate("正文。\\n\\n（轉第二版）\\n")[1]]
    ['continuation marker / advertisement']
    """
    edits, flags = [], []
    spans = []
    for b in split_blocks(_lexicon.simplified(text)):
        if b.kind in ("marker", "credit") and (b.kind == "credit" or not _BRACKET_ALONE.match(b.text.strip())):
            what = "photo credit" if b.kind == "credit" else "continuation marker / advertisement"
            spans.append((b.start, b.end, what, True))
            continue
        for m in MARKER.finditer(b.text):
            spans.append((b.start + m.start(), b.start + m.end(), "continuation marker", False))
        if b.kind not in ("table",):
            for m in _AD.finditer(b.text):
                s = b.start + m.start()
                spans.append((s, b.start + m.end(), "advertisement tag", False))
    spans.sort()
    last = -1
    for s, e, what, whole in spans:
        if s < last:
            continue
        last = e
        if not drop:
            flags.append(Flag(s, e, "boilerplate", what))
            continue
        if whole:
            # remove the block and one separator next to it
            if text.startswith("\n\n", e):
                e += 2
            elif s >= 2 and text[s - 2:s] == "\n\n":
                s -= 2
        else:
            while e < len(text) and text[e] in " \t\u3000":
                e += 1
            while s > 0 and text[s - 1] in " \t\u3000" and (e >= len(text) or text[e] == "\n"):
                s -= 1
        edits.append(Edit(s, e, "", "boilerplate", f"dropped {what}"))
    # merge touching edits
    merged: list[Edit] = []
    for ed in edits:
        if merged and ed.start < merged[-1].end:
            continue
        merged.append(ed)
    return merged, flags


def drop_boilerplate(text: str) -> str:
    """Remove continuation markers ``(上接第1版)`` / ``(下转第2版)``, a trailing ``广告`` tag and
    photo-credit lines (``新华社记者 孙瑞博 摄``). By default :func:`cleaners.clean` only flags
    them (``CleanConfig.drop_boilerplate=False``), because they are part of the page.

    >>> drop_boilerplate("正文一。\\n\\n新华社记者 孙瑞博 摄\\n\\n(上接第1版)正文二。(中光) 广告\\n")
    '正文一。\\n\\n正文二。(中光)\\n'
    """
    edits, _ = find_boilerplate(text, drop=True)
    return splice(text, edits)
