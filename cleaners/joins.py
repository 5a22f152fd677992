"""Rejoin sentences split across column/page breaks: ordered rules over block types, punctuation, quote balance and the lexicon."""

from __future__ import annotations

import re

from . import _lexicon
from ._edits import Edit, Flag, splice
from .blocks import MARKER, split_blocks
from .stutter import Verdict, classify_double

_TERMINAL = set("。！？!?…")
_CLOSERS = "”’）)】》」』\"'"
_NON_INITIAL = set("，、。；：！？）”’》】」』,;:!?)")
_IN_SENTENCE = set("，,、")
#: block-final marks that introduce what follows (a list, code, a quotation) or close a list
#: item: the next block starts a new unit, so they are no evidence for a join
_INTRODUCING = set("：:；;")
_DANGLING = set("的地得和与及或在对把被将向从以为于之其并而且但跟同给让由按据经"
                "已曾正还都就才又再仍尚均未很太最更却"  # and adverbs that stand before their verb (not 不: 说不)
                "这那此该各每某"  # and determiners that wait for their measure word or noun
                "令使")  # and causatives, which wait for what they cause
_PARTICLE = set("的了着地得们之")  # 之 alone (之差, 之一) never opens a sentence; 之后, 之所以 are words
_NUMBERED = re.compile(r"(?:[0-9]+(?:[.．][0-9]+)+[.．]?[ \u3000]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十百\d]+[章节部分篇编条]|\d+[、.．]\D)")
_BULLET = re.compile(r"[ \t\u3000]*(?:[-*+•●▪◆■□◇][ \t\u3000])")
_ALL_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_PUNCT = re.compile("[，,、；;：:。！？!?]")
_LIST_OPENER = re.compile(
    r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十百\d]+[，,、是条章节项部分]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|[一二三四五六七八九十]+、|\d+[、．]|\d+\.(?!\d)|——|【|〔|▲|●|■|◆|◇|□|★|☆|•|·|-\s|\*\s|※|#)")
_DATELINE = re.compile(
    r"(?:本报讯|本报[^，,。\n]{0,16}?[电讯]|新华社[^，,。\n]{0,16}?电|中新社[^，,。\n]{0,16}?电|据新华社|[（(]记者"
    r"|(?:本报|特约)?记者[ \u3000]|通讯员[ \u3000]|[^\s，,。]{2,8}[0-9０-９一二三四五六七八九十]{1,2}月[0-9０-９一二三四五六七八九十]{1,3}日[电讯])")
_HAN_END = re.compile("[\u3400-\u4dbf\u4e00-\u9fff0-9A-Za-z０-９“‘（(《〈「『·.—%％‰℃∶/]")
_SPACED_TITLE = re.compile(r"[^\x00-\x7f][ \u3000]+[^\x00-\x7f]")
_QUOTED = re.compile(r"“[^“”]*”|（[^（）]*）|\([^()]*\)|《[^《》]*》")


_TRAILING_CREDIT = re.compile(r"(?<=[。！？…!?])[ \u3000]*[（(][^（）()\n]{1,30}[)）]$")


def _core_end(a: str) -> str:
    return a.rstrip(_CLOSERS)


def unterminated(a: str) -> bool:
    """True when the block does not end a sentence (closing quotes/brackets ignored).

    A block-final ASCII ``.`` after anything but a digit ends a sentence too: mixed
    Chinese/English text (manuals, technical news) often closes Chinese sentences with it,
    while ``版本 2.`` (a digit before it) is a number cut by the break.

    >>> unterminated("据不完全统计"), unterminated("他说：“好。”"), unterminated("2020年。")
    (True, False, False)
    >>> unterminated("显示出所有有效信息."), unterminated("参见 accept(2))."), unterminated("版本 2.")
    (False, False, True)

    A bracketed credit after the full stop (``……渐入佳境。（王国平）``) does not reopen the sentence.

    >>> unterminated("活动举行。（记者 张三）"), unterminated("使用超文本传输协议（HTTP）")
    (False, True)
    """
    core = _TRAILING_CREDIT.sub("", a) if a[-1:] in ")）" else a
    core = _core_end(core)
    if not core:
        return False
    if core[-1] == "." and len(core) >= 2 and not core[-2].isdigit():
        return False
    return core[-1] not in _TERMINAL


def _closes_list_item(b: str) -> bool:
    """Whether ``b`` ends with the semicolon that closes an item of a list (……报警器；): the
    items of such a list each end so, so a body block before it that stops on a Han
    character is the item's beginning, cut by the break, and not an item of its own.

    >>> _closes_list_item("无线电防盗防劫报警器；"), _closes_list_item("进行了大量的校对")
    (True, False)
    """
    core = _core_end(b)
    return bool(core) and core[-1] in "；;"


def _open_depth(a: str) -> int:
    depth = 0
    for ch in a:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
    return depth


def _bracket_open_at_end(a: str) -> bool:
    """Whether ``a`` ends inside a bracket or a pair of title marks it opened
    (何慧娴（国家体委宣传|司司长）：…, 罗马《欧|华时报》): no title or sentence ends there.

    >>> _bracket_open_at_end("何慧娴（国家体委宣传"), _bracket_open_at_end("他（左）说"), _bracket_open_at_end("受委托，罗马《欧")
    (True, False, True)
    """
    depth = 0
    for ch in a:
        if ch in "（(《":
            depth += 1
        elif ch in "）)》":
            depth = max(0, depth - 1)
    return depth > 0


def _bracket_closed_first(b: str) -> bool:
    """Whether ``b`` closes a bracket (or title marks) before it opens one: it continues a
    bracketed gloss or a title."""
    for ch in b:
        if ch in "（(《":
            return False
        if ch in "）)》":
            return True
    return False


def _unmatched_close(b: str) -> bool:
    depth = 0
    for ch in b:
        if ch == "“":
            depth += 1
        elif ch == "”":
            if depth == 0:
                return True
            depth -= 1
    return False


def _spanning_word(a: str, b: str, min_freq: int = 10):
    """A dictionary word that jieba puts across the break (or a frequent word inside the
    token that crosses it: 中|学语文 -> 中学)."""
    tail, head = a[-4:], b[:4]
    window = tail + head
    j = len(tail)
    pos = 0
    for tok in _lexicon.cut(window):
        s, e = pos, pos + len(tok)
        pos = e
        if s < j < e:
            if _lexicon.freq(tok) >= min_freq:
                return tok
            best = None
            for x in range(max(s, j - 3), j):
                for y in range(j + 1, min(e, x + 4) + 1):
                    w = window[x:y]
                    f = _lexicon.freq(w)
                    if f >= max(min_freq, 50) and (best is None or f > best[0]):
                        best = (f, w)
            return best[1] if best else None
    return None


#: openers of running text (attribution, time and purpose adverbials) that headlines do not use
#: (not 通过/经过: how-to titles open with them, 通过挂载选项优化文件系统)
_RUNNING_OPENER = re.compile(r"(?:据|记者从|记者在|随着|近日|日前|截至|根据|为了|由于|今年以来|近年来|目前|对于)")


#: a number, or a number and a measure word, waiting for its noun (只有86名|学生)
_MEASURE = "名个位项件家台座条种次人元米岁户所批只头辆艘架栋间支场届篇部张吨套份株颗枚块册首幅股笔封亩队倍"
_COUNT_END = re.compile(rf"(?:[0-9０-９][0-9０-９.]*[万亿千百]?|[一二三四五六七八九十两几百千万]+(?=[{_MEASURE}]$))[{_MEASURE}]?$")
#: a demonstrative and its measure word (这一声明…, 这位农民…, 那些…) refer back to what the
#: text said before: a sentence opens so, a headline names its subject outright; a headline
#: may be the demonstrative phrase alone, and a sentence goes on after it with more
#: text, so short blocks (这一天, 那些年) are left to the other cues
#: a subject, the day of an event and the event (哥本哈根警方６日晨接到…, 部分人员１月８日经…):
#: reports date what they tell, headlines seldom do (1 of 2,922 in People's Daily's
#: development half; date lines and signatures open with their date, which this leaves alone)
_DATED_EVENT = re.compile(r"(?<=[\u4e00-\u9fff])(?<![年月至到])(?:[０-９0-9]{2,4}年)?(?:[０-９0-9]{1,2}月)?[０-９0-9]{1,2}日"
                          r"(?:[上下]午|晚|晨|早|凌晨|夜)?[\u4e00-\u9fff]")
def _open_when_clause(a: str) -> bool:
    """A block that opens with the preposition 当 and has not yet reached the 时 that
    closes its clause (当一束束鲜花献给机组|人员时…): a sentence that goes on. A title with
    当 has its clause complete (当它倒下，有山峰生长); 当好, 当选 are other words.

    >>> _open_when_clause("当一束束鲜花献给机组"), _open_when_clause("当好排头兵"), _open_when_clause("当冬天来临时")
    (True, False, False)
    """
    toks = _lexicon.cut(a)
    return toks[0] == "当" and len(toks) > 3 and not _WHEN_CLOSED.search(a)


#: what closes a 当 clause, or shows it closed (a comma after it)
_WHEN_CLOSED = re.compile("时|之际|的时候|以后|之后|[，,。；;！？]")
#: words that open a sentence by referring back to what was said (以上这一幕, 上述问题的…);
#: as the first token (以上海… is 以 + 上海); no headline of People's Daily's development
#: half opens with one, 72 first halves do
_BACK_REFERENCE = frozenset(("以上", "上述"))
_ANAPHORIC_OPENER = re.compile(f"[这那](?:[一些是]|[{_MEASURE}]).{{6}}")


#: clause connectives: a segment that opens with one is part of a sentence, not a headline
#: and openers that start a sentence of their own: a topic shift (至于), a "when" clause with
#: its subject (当你, 当我们), a discourse marker or a "in … case" adverbial set off by a
#: comma (注意，, 例如，, 此外，, 默认情况下，).
#: Words that contain them (不至于, 应当, 相当) are words across the break and join first.
_CONNECTIVE = re.compile(r"(?:^|[，,、：:])[ \u3000]*(?:如果|假如|要是|虽然|尽管|因为|所以|但是|而且|并且|即使|只要|除非|然而|不过|因此|否则"
                         r"|至于|当(?=[你您我他她它咱])"
                         r"|(?:注意|例如|比如|首先|其次|另外|此外|然后|最后|总之|其实|当然|同时|通常|一般来说|事实上|对此|为此|看来|其[一二三四五六七八九十]"
                         r"|(?:默认|一般|通常|正常|这种|某些|多数|大多数|很多)情况下)[，,：:])")


_NUM = "0-9０-９一二三四五六七八九十〇零"
#: a time adverbial set off by a comma (１９９１年，…, 去年底，…, ５日，…) or a "when" clause
#: (在谈到…时，, 当…时，) opens a sentence; headlines state the news without such a frame
_FRAME_OPENER = re.compile(
    rf"(?:(?:[{_NUM}]{{2,4}}年(?:[{_NUM}]{{1,2}}月(?:[{_NUM}]{{1,3}}日)?)?|[{_NUM}]{{1,2}}月(?:[{_NUM}]{{1,3}}日)?|[{_NUM}]{{1,3}}日"
    rf"|(?:本|上|下)月(?:[{_NUM}]{{1,2}}日)?|(?:本|上|下)周|今晨|今晚|昨晚|今日|昨日|当日"
    rf"|(?:今年|去年|明年|前年)(?:[{_NUM}]{{1,2}}月(?:[{_NUM}]{{1,3}}日)?)?|今天|昨天|明天|当天|当晚|近年)"
    rf"(?:以来|来|初|底|末|上半年|下半年|上旬|中旬|下旬)?|[在当][^，,。；;]{{1,14}}时|(?:按|按照|依照|根据)[^，,。；;]{{1,12}}"
    rf"|[^，,。；;：:\s]{{1,10}}(?:以后|之后|以来|期间|前夕|后|前))[，,]")
#: the number of a list item (２、, （三）, 1.), after which the item's own text opens
_ITEM_NUMBER = re.compile(r"(?:[0-9０-９]+[、.．]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9０-９]+[)）])[ \u3000]*")
#: a dateline cut before its 电/讯 (本报重庆１月９日|电…)
_DATELINE_CUT = re.compile(rf"(?:本报|新华社|中新社)[^，,。\n]{{0,12}}?[{_NUM}]{{1,2}}月[{_NUM}]{{1,3}}日$")


def _running_text(a: str) -> bool:
    """Cues that a short block is the start of a sentence, not a title.

    >>> _running_text("１９９１年，国际商业信贷"), _running_text("在谈到周边关系时，巴希"), _running_text("国际商业信贷")
    (True, True, False)
    >>> _running_text("本届比赛共有７６支"), _running_text("本报北京１月１３日讯"), _running_text("本报重庆１月９日")
    (True, True, True)
    >>> _running_text("建国后，他担任华北局"), _running_text("会见后，中国中联"), _running_text("２、１月２日，纽约")
    (True, True, True)
    >>> _running_text("哥本哈根警方６日晨接到"), _running_text("１９９７年３月６日于北京")
    (True, False)
    """
    body = a[m.end():] if (m := _ITEM_NUMBER.match(a)) else a
    if len(body) >= 8 and _lexicon.cut(body[:6])[0] in _BACK_REFERENCE:
        return True
    if _DATED_EVENT.search(body) or _open_when_clause(body):
        return True
    if (_RUNNING_OPENER.match(body) or _ANAPHORIC_OPENER.match(body) or _FRAME_OPENER.match(body) or _COUNT_END.search(a) or _CONNECTIVE.search(a)
            or _DATELINE.search(a) or _DATELINE_CUT.search(a)):
        return True
    return any(tok in _SENTENCE_TOKENS for tok in _lexicon.cut(a))


#: tokens of clauses, rare in headings: aspect 了 and 正在/曾经, modals, adverbs that need a verb, pronouns
#: that address the reader or refer back, reported speech (…你已经准备好在,
#: 许可证必须允许对其所属作品的修改, 黎可漂说), time adverbs relative to the day of writing
#: (…公司最近开发出); a dateline inside the block marks running text too
_SENTENCE_TOKENS = frozenset("了 已经 正在 曾经 必须 应该 能够 可以 将其 如果 只要 就 也 还 并 被 您 你 它 它们 他们 其 说".split()
                             # time told from the day of writing: reports say when, headlines
                             # state the news without it (not 今日: 今日谈, 面貌新 in titles)
                             + "最近 近日 日前 近来 不久前 前不久 此前 目前 今天 昨天 今晚 昨晚 今晨 当天 当晚 "
                               "今天上午 今天下午 昨天上午 昨天下午".split())


_LATIN_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+\-/]*")
_TITLE_SEGMENT = re.compile("[，、：:]")


def _visual_length(a: str) -> int:
    """Length with each Latin word or number counted as one character (``TrueType 和 OpenType
    字体列表`` is as short a title as ``字体列表`` with two names)."""
    return len(_LATIN_WORD.sub("x", a).replace(" ", ""))


def _title_like(a: str) -> bool:
    """A short unpunctuated block, or a headline of short segments split by ``，``/``、``/``：``
    (``共享，拷贝和存档``, ``第四阶段：常规 Debian 系统``), that does not open like running text.

    >>> _title_like("TrueType 和 OpenType 字体列表"), _title_like("监控、控制和启动程序活动")
    (True, True)
    >>> _title_like("配置网络接口：系统管理员 Linux 推荐做法")  # a kicker and its headline, up to 25
    True
    >>> _title_like("据统计，今年全国共有"), _title_like("如果你要指定 IRQ 值的话，0 可以")
    (False, False)
    """
    if _open_depth(a) != 0:
        return False
    n = _visual_length(a)
    if n <= 25 and not _PUNCT.search(a):
        return not _running_text(a) and not _dangling(a)
    colon_title = n <= 25 and a.count("：") == 1 and not re.search("[，,、:]", a)
    if (n <= 14 or colon_title) and not re.search("[，,、；;：:。！？!?]$", a) and not re.search("[；;。！？!?]", a):
        parts = _TITLE_SEGMENT.split(a)
        if all(0 < _visual_length(p.strip()) <= (12 if colon_title else 10) for p in parts) and not _running_text(a) \
                and not _lone_han_after_comma(parts[-1]):
            return not any(_dangling(p) for p in parts if p.strip())
    if len(a) <= 60:
        stripped = _QUOTED.sub("", a)
        if _SPACED_TITLE.search(stripped) and not re.search("[，,；;。！？]", stripped):
            return True
    return False


#: one-character tokens that join what stands before them to what follows: after a bracketed
#: gloss ``（通常是空格）`` they continue the phrase. Not 与 or 或: 与 shell 不同, 或 between
#: two commands open a block of their own; nor 等 (jieba misses 等号 in 等号后面…).
_BRACKET_CONTINUERS = set("和及的了")


def _continues_after_bracket(b: str) -> bool:
    """Whether ``b`` opens with a conjunction or particle token of its own (和紧随的…,
    及其他…, 的用法), which continues a phrase a bracketed gloss ended; a word that
    merely starts with such a character (和平, 等待) opens a sentence as usual.

    >>> _continues_after_bracket("和紧随的非空字符组成的序列。"), _continues_after_bracket("和平是人类的愿望。")
    (True, False)
    """
    return b[0] in _BRACKET_CONTINUERS and _lexicon.cut(b[:6])[0] == b[0]


def _word_closing_b_clause(a: str, b: str) -> str | None:
    """A word across the break whose second part is all of B's first clause (伪文件 /
    系统，分别加载于…): a paragraph under a title never opens with a bare word fragment set
    off by a comma, so even a rarer word (frequency >= 10) is evidence against the title.

    >>> _word_closing_b_clause("两个伪文件", "系统，分别加载于"), _word_closing_b_clause("安装", "系统，然后重启")
    ('文件系统', None)
    """
    if not any(c in "，,、；;" for c in b[1:5]):
        return None  # B's first clause is longer than any word's second part
    word = _spanning_word(a, b, 10)
    if not word:
        return None
    for n in range(1, len(word)):
        if a.endswith(word[:n]) and b.startswith(word[n:]):
            rest = b[len(word) - n:len(word) - n + 1]
            return word if rest and rest in "，,、；;" else None
    return None


def _word_completing_bound_tail(a: str, b: str) -> str | None:
    """A word across the break (frequency >= 10) when ``a`` ends in a bound character that
    stands alone (二进|制包: 进 is a word on its own in a tenth of its uses): no title ends in a
    fragment of a word, so the rarer word is evidence enough.

    >>> _word_completing_bound_tail("编译个性化的内核二进", "制包"), _word_completing_bound_tail("安装", "系统")
    ('二进制', None)
    """
    toks = _lexicon.cut(a[-6:])
    if len(toks[-1]) != 1 or not _ALL_HAN.fullmatch(toks[-1]) or _lexicon.free_ratio(toks[-1]) >= _BOUND_RATIO:
        return None
    return _spanning_word(a, b, 10)


#: free_ratio below which a one-character token is a fragment of a word (统 0.02, 进 0.12)
_BOUND_RATIO = 0.2


#: tokens before 一个/一种 that make it a pronoun phrase, complete on its own
_ONE_OF = frozenset("上 下 另 其中 任何 同 哪".split())


def _lone_han_after_comma(segment: str) -> bool:
    """A last headline segment of one Han character (１９９５年冬的一天，|我): a subject or a
    word cut off by the break, not a segment of a title.

    >>> _lone_han_after_comma("我"), _lone_han_after_comma(" umask"), _lone_han_after_comma("新局")
    (True, False, False)
    """
    return bool(_ALL_HAN.fullmatch(segment.strip())) and len(segment.strip()) == 1


def _dangling(a: str) -> bool:
    """The block ends with a function character that needs a continuation (的, 和, 在, 对),
    as a one-character token of its own: 据 in 数据, 和 in 总和 or 的 in 目的 do not dangle.
    A final determiner, quantifier, modal or conjunction token (那些, 几个, 只有, 可以, 或者)
    also waits for what it governs: no title or sentence ends with one.

    >>> _dangling("发展的"), _dangling("二进制数据"), _dangling("一个目的")
    (True, False, False)
    >>> _dangling("权限被赋予那些"), _dangling("中有且只有"), _dangling("管理那些事")
    (True, True, False)
    >>> _dangling("单独的分区是一个好"), _dangling("这是一个好人"), _dangling("查找下一个")
    (True, False, False)
    """
    toks = _lexicon.cut(a[-6:])
    last = toks[-1]
    if last in ("一个", "一种") and len(toks) >= 2 and toks[-2] in _ONE_OF:
        return False  # 下一个, 另一个, 其中一个 are "the next / another / one of them"
    if len(toks) >= 2 and toks[-2] in _DANGLING_WORDS and len(last) == 1 and _lexicon.tag(last).startswith("a"):
        return True  # a quantity phrase and a lone adjective wait for their noun (是一个好|习惯)
    if _lexicon.tag(last).startswith("c") and len(a.strip()) > len(last):
        return True  # a conjunction links to what follows (既, 不仅, 之所以); alone, it sits between two displayed items
    return (a[-1] in _DANGLING and last == a[-1]) or last in _DANGLING_WORDS


def _de_before_verb(a: str, b: str) -> bool:
    """Whether A's final 的 has nothing to govern in B: B opens with a one-character verb
    (看京剧…) where a noun phrase would follow an attributive 的, so the 的 closes a
    是…的 predicate whose full stop is missing (岂不是一样的). Of the 27,379 的 tokens in
    People's Daily's development half, 94 are followed by such a verb (0.3 %); 是 and 有 are
    left out, since ``X的是…`` and ``X的有…`` are common sentence patterns (值得注意的|是), and
    the verb must take a whole word after it (看|京剧): a verb character before a lone one is as
    likely a word the lexicon lacks (的|爱孙).

    >>> _de_before_verb("与鸡鸭的下场岂不是一样的", "看京剧《沙家浜》，郭建光同沙奶奶有一段对唱"), _de_before_verb("值得注意的", "是，今年的产量")
    (True, False)
    >>> _de_before_verb("这是我们的", "看法，不是个人的意见"), _de_before_verb("总统扎耶德的", "爱孙小扎耶德。")
    (False, False)
    """
    if a[-1] != "的" or not b:
        return False
    toks = _lexicon.cut(b[:8])
    return (len(toks) >= 2 and len(toks[0]) == 1 and toks[0] not in "是有" and _lexicon.tag(toks[0]) == "v"
            and len(toks[1]) >= 2 and _ALL_HAN.fullmatch(toks[1]) is not None)


#: localizers that close a 在… phrase of place or time (在会上, 在谈判中, 在会谈结束后)
_LOCALIZERS = frozenset("中 上 里 内 下 期间 时 之际 前 后 以来 之外 以外 之中 之内 之前 之后 以前 以后".split())
#: prepositions that name the agent or the patient of the verb still to come; unlike 从, 向 or
#: 对 (从生活的缝隙间, a title) they open no phrase that stands alone, so a block that opens
#: with one and a noun phrase (由中国现代史学会与西南师范大学等|单位联合举办…) is cut as well
_AGENT_MARKERS = frozenset("由 把 被".split())
#: modal verbs that may stand between the subject and its 在… phrase (经营者不得在标价之外|加价):
#: they govern the verb still to come, so the phrase is as open as without them
_MODALS = frozenset("不得 应 应当 应该 要 必须 可以 不能 能 能够 会 愿意 敢于".split())
#: prepositions whose object comes before the verb they introduce (由…主办, 把…交给, 向…致意)
_PREVERBAL = frozenset("由 把 被 对 向 从 自 跟 将 按照".split())
#: words set apart by spaces, as manual pages set them (在 X 下 用 Emacs): no sentence to judge
_SPACED_HAN = re.compile("[\u4e00-\u9fff] +[\u4e00-\u9fff]")
#: tags of the words an object noun phrase is made of (nouns, pronouns, numerals, measure
#: words, localizers, places and times)
_NOMINAL = ("n", "r", "m", "q", "f", "s", "t")
#: the particle and conjunctions that hold a noun phrase together (日本的金融业和日本)
_NP_LINKS = frozenset("的 和 与 及 等".split())


def _predicate_pending(a: str) -> bool:
    """A short unpunctuated block that is a subject and a closed 在… phrase and nothing else
    (李铁映在颁证会上, 代表们在讨论决议草案中): the phrase stands before the verb it frames,
    so the predicate is still to come and the block is a sentence cut by the break. After
    a verb, 在 heads a complement (蹲在窑洞的土炕上, 雪落在黄河石上), which titles and verse
    use.

    >>> _predicate_pending("美国选手穆勒尔在女子仰泳决赛中"), _predicate_pending("十八台作品在京亮相")
    (True, False)
    >>> _predicate_pending("蹲在窑洞的土炕上"), _predicate_pending("在寒风冷雪里")
    (False, False)

    The same holds for a preposition that brings its object before the verb (由, 把, 向, 对,
    按照): a subject, the preposition and a noun phrase that ends the block (此次音乐会由北京音乐厅,
    中国政府向马达加斯加政府, 校验和按照 RFC 1321 描述的方式) wait for the verb. A one-character
    remainder is a name (记者向兵).

    >>> _predicate_pending("此次音乐会由北京音乐厅"), _predicate_pending("本报记者向兵"), _predicate_pending("中国向灾区捐款")
    (True, False, False)
    """
    if _PUNCT.search(a) or _SPACED_HAN.search(a):
        return False
    toks = _lexicon.cut(a)
    for i in range(len(toks) - 1):
        if toks[i] in _PREVERBAL and _lexicon.tag(toks[i]).startswith("p"):
            obj = [t for t in toks[i + 1:] if not t.isspace()]
            if i == 0 and toks[0] not in _AGENT_MARKERS:
                return False  # 从生活的缝隙间, 向新世纪: a title may be a phrase of place or aim
            return (len("".join(obj)) >= (2 if i else 3) and not (i and _lexicon.tag(toks[i - 1]).startswith("v"))
                    and _noun_phrase(obj))
    if "在" not in toks[1:-1]:
        return False
    i = toks.index("在", 1)
    closed = (toks[-1] in _LOCALIZERS and i <= len(toks) - 3) or (
        i == len(toks) - 2 and len(toks[-1]) >= 2 and toks[-1][-1] in "上中里内下")  # 在|会上, 在|家里
    if not closed:
        return False
    before = toks[i - 1]
    return before in _MODALS or not _lexicon.tag(before).startswith("v")


def _noun_phrase(toks: list[str]) -> bool:
    """Whether the tokens form a noun phrase: nominal words, Latin names and numbers, held
    together by 的/和, with a verb only inside a relative clause closed by 的
    (RFC 1321 描述的方式). It ends with a nominal word or the 等 that closes a list.

    >>> _noun_phrase(["RFC", "1321", "描述", "的", "方式"]), _noun_phrase(["灾区", "捐款"])
    (True, False)
    """
    def nominal(t: str) -> bool:
        return _lexicon.tag(t).startswith(_NOMINAL) or bool(_LATIN_WORD.fullmatch(t))
    for k, t in enumerate(toks):
        if not (nominal(t) or t in _NP_LINKS or (_lexicon.tag(t).startswith("v") and toks[k + 1:k + 2] == ["的"])):
            return False
    return bool(toks) and (nominal(toks[-1]) or toks[-1] == "等")


#: words for a post or a profession that a news text puts before a person's name
#: (局长何光暐, 记者陈祖甲); a word ending in one (市委书记, 副主席), in 长 (局长, 秘书长,
#: 董事长) or 员 (研究员, 运动员), or a longer one in 师 (农艺师, 工程师) is one too
_TITLES = frozenset("主任 主席 书记 总理 总统 首相 经理 总经理 委员 代表 记者 教授 研究员 工程师 司令员 "
                    "政委 大使 总裁 主编 律师 总监 顾问 将军 中将 少将 上将 总书记".split())
#: common surnames (百家姓): after a title, one of them alone is the start of a name
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
                      "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
                      "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁"
                      "岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
                      "蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
                      "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞"
                      "敖巩明佘池查麻苑迟邝")


def _name_cut_after_title(a: str) -> bool:
    """The block ends with a post and a lone surname (国家旅游局局长何|光…, 部长刘|福印): a
    news text names a person by post and full name, so the given name is in the next block.
    In People's Daily's development half no headline ends so, while 1,141 first halves of
    paragraphs cut after their eighth character do.

    >>> _name_cut_after_title("国家旅游局局长何"), _name_cut_after_title("市委书记张"), _name_cut_after_title("局长何光暐")
    (True, True, False)
    >>> _name_cut_after_title("市长说"), _name_cut_after_title("工作的代表"), _name_cut_after_title("已退休的饲养员左")
    (False, False, True)
    """
    toks = _lexicon.cut(a[-10:])
    if len(toks) < 2 or len(toks[-1]) != 1 or toks[-1] not in _SURNAMES:
        return False
    post = toks[-2]
    if len(post) < 2 or not _lexicon.tag(post).startswith("n"):
        return False
    if post.endswith(("长", "员")) or (len(post) >= 3 and post.endswith("师")):
        return True  # 局长, 研究员, 运动员, 农艺师, 工程师
    return any(post.endswith(t) for t in _TITLES)  # 市委书记, 副主席


#: tags of the words a subject noun phrase is made of (nouns, pronouns, numerals, measure
#: words, localizers, places, times, abbreviations, attributives: 加拿大政府, 各级分行, 县级良种场)
_SUBJECT_TAGS = ("n", "r", "m", "q", "f", "s", "t", "j", "b")


def _nominal_segment(seg: str) -> bool:
    """Whether a comma segment is Han text made of nominal words only, ending in a noun."""
    if not _HAN_SEGMENT.fullmatch(seg):
        return False
    toks = _lexicon.cut(seg)
    return (all(_lexicon.tag(t).startswith(_SUBJECT_TAGS) or t in _NP_LINKS or t == "、" for t in toks)
            and _lexicon.tag(toks[-1]).startswith(("n", "j", "s")))


_HAN_SEGMENT = re.compile("[\u4e00-\u9fff、]+")


def _subject_awaits_predicate(a: str) -> bool:
    """The block's last comma segment is a bare noun phrase after a segment that is not one
    (据统计，全省的乡镇企业 / 会议认为，各级政府部门): a clause that has its subject and
    not yet its predicate, which B holds. Parallel noun phrases (科学的评价，历史的定位) and
    a short call (再见，香港) are titles. In People's Daily's development half 3 of 2,922
    headlines end so and 4.9 % of first halves do.

    >>> _subject_awaits_predicate("会议认为，各级政府部门"), _subject_awaits_predicate("科学的评价，历史的定位")
    (True, False)
    >>> _subject_awaits_predicate("再见，香港"), _subject_awaits_predicate("会议指出，要加强管理")
    (False, False)
    """
    segs = re.split("[，,]", a)
    if len(segs) < 2:
        return False
    last, before = segs[-1].strip(), re.split("[：:。；;！？]", segs[-2])[-1].strip()
    return len(last) >= 3 and _nominal_segment(last) and not _nominal_segment(before)


#: verbs that never end a clause without their object or verb (表示欢迎, 加以解决, 给予支持,
#: 作出贡献): a block that ends with one is cut before it; in People's Daily's development
#: half no headline ends with one, 413 first halves do
_LIGHT_VERBS = frozenset("表示 加以 予以 给予 作出 做出".split())


def _ends_with_light_verb(a: str) -> bool:
    """The block ends with a light verb that waits for its object (大会对四方会谈表示|欢迎).
    表示 after 的 is the noun "representation" (数值的表示), a heading.

    >>> _ends_with_light_verb("大会对朝鲜半岛问题四方会谈表示"), _ends_with_light_verb("数值的表示")
    (True, False)
    >>> _ends_with_light_verb("有关部门对文化遗产进行"), _ends_with_light_verb("比赛正在进行")
    (True, False)

    进行 waits only after the preposition 对 in its clause (对藏族文化遗产进行|抢救): 对…进行
    names the thing and B what is done to it; 进行 alone ends a clause (对话在华盛顿进行).

    >>> _ends_with_light_verb("中美两国军方对话在华盛顿进行")
    False
    """
    toks = _lexicon.cut(a[-8:])
    if toks[-1] == "进行":
        clause = _lexicon.cut(_CLAUSE_MARK.split(a)[-1])
        return any(t == "对" and _lexicon.tag(t).startswith("p") for t in clause[:-1])
    return toks[-1] in _LIGHT_VERBS and len(toks) >= 2 and toks[-2] != "的"


#: marks that end a clause; the last clause of a block is what its final word belongs to
_CLAUSE_MARK = re.compile("[，,。；;！？：:]")


def _ends_with_copula(a: str) -> bool:
    """The block ends with 是 as a token of its own after some text (当务之急是, 这些商船是):
    the copula waits for its complement. Alone or before code (下面是 / ``/etc/…``) it may
    introduce a display, which is why :func:`decide` asks for Han text in B that ends a
    sentence (写法是 / ``名称=值`` is a display line).

    >>> _ends_with_copula("他强调，当务之急是"), _ends_with_copula("实事求是"), _ends_with_copula("是")
    (True, False, False)
    """
    return len(a.strip()) > 1 and _lexicon.cut(a[-6:])[-1] == "是"


def _clause_cues(a: str) -> bool:
    """A long unpunctuated block that holds a clause (了, 的, a dateline, an opener) is running
    text cut by the break, not a list of names or titles run together.

    >>> _clause_cues("今天上午在人民大会堂会见了塔吉克斯坦国防部长"), _clause_cues("天津科学技术出版社河北省科委河北省心连心艺术团")
    (True, False)
    """
    return "的" in a or _running_text(a)


def _numbering_style(text: str) -> str | None:
    """The style of the number a block opens with, glued to its text (``二、责成…`` is
    ``N、``, ``１、新疆…`` is ``D、``, ``（一）架空…`` is ``（N）``), or None. Headings set off by
    a space (``10.3.5. MD5``) have no style here.

    >>> _numbering_style("二、责成有关部门"), _numbering_style("（３）检查"), _numbering_style("第一条 总则")
    ('N、', '（D）', None)
    """
    m = _NUMBERED.match(text)
    if not m or m.end() >= len(text) or text[m.end() - 1].isspace() or text[m.end()].isspace():
        return None
    return re.sub("[一二三四五六七八九十百]+", "N", re.sub("[0-9０-９]+", "D", m.group()))


def sentence_item_styles(texts) -> frozenset:
    """Numbering styles whose numbered blocks in this document are mostly sentences (closed
    by 。, ；, ！ or ？, as no heading is): a list of decisions or facts, each item a
    paragraph. Then a short unpunctuated item of the same style was cut by a break, while in
    a document whose items of that style are all short labels it is a heading. Needs two
    such sentences, more than the short items.

    >>> sorted(sentence_item_styles(["一、会议决定撤销该运动员的参赛资格，并通报全国各地。", "二、责成有关部门",
    ...                              "三、要求各单位认真学习文件精神，加强对运动员的教育。", "（一）总则"]))
    ['N、']
    """
    counts: dict = {}
    for t in texts:
        style = _numbering_style(t)
        if style is None:
            continue
        t = t.rstrip()
        sentence = _core_end(t)[-1:] in "。；;！？"
        s, h = counts.get(style, (0, 0))
        counts[style] = (s + sentence, h + (not sentence))
    return frozenset(style for style, (s, h) in counts.items() if s >= 2 and s > h)


def _numbered_run_on(a: str, b: str = "") -> bool:
    """A numbered block that is the start of a sentence, not a heading: the number is glued to
    its text (a legal article ``第二十三条电力管理部门应将…``, a news list item ``１、今年４８岁的``;
    headings set their number off with a space, ``10.3.5. MD5 校验和``, ``第一条 错误信息…``) and
    the block ends with a character that waits for its continuation, or in a common word
    that ``b`` completes (第十五条各类中介机|构…).

    >>> _numbered_run_on("第二十三条电力管理部门应将经批准的"), _numbered_run_on("第一条 错误信息才是最重要的")
    (True, False)
    >>> _numbered_run_on("第十五条各类中介机", "构提供有偿服务"), _numbered_run_on("第十五条各类中介机构", "提供有偿服务")
    (True, False)
    """
    m = _NUMBERED.match(a)
    if not m or m.end() >= len(a) or a[m.end() - 1].isspace() or a[m.end()].isspace():
        return False
    return _dangling(a) or bool(b and _spanning_word(a[m.end():], b, 100))


def decide(a: str, b: str, last: str | None = None, sentence_items: frozenset = frozenset()):
    """Decide whether body block ``b`` continues unterminated body block ``a``.

    Returns ``(action, reason)`` with action ``join``, ``refuse`` or ``gap``. ``last`` is the
    last block of ``a`` when ``a`` is a chain of blocks joined already: whether the text before
    the break looks like a title is judged on that block alone, so that a long accumulated
    paragraph does not make the next title look like running text. ``sentence_items`` are
    the numbering styles whose items are sentences in this document
    (:func:`sentence_item_styles`): a short unpunctuated block numbered so is a cut item,
    not a heading.

    >>> decide("有个例子可以用邮件形式发送信息给root：", "语言环境的重新配置")
    ('refuse', "A ends with '：' (introduces a list, code or a quotation)")
    >>> decide("给root发信。语言环境的重新配置", "虽然我们有变量", last="语言环境的重新配置")[0]
    'refuse'

    >>> decide("发挥科技创新的关键和中坚作", "用。他勉励广大科技工作者")
    ('join', 'word across break: 作用')
    >>> decide("工会搭鹊桥", "2月12日，“会聚良缘”活动举行。")
    ('refuse', 'A looks like a title (short, no punctuation)')
    >>> decide("开展职工演讲、劳模宣讲、党史知识", "维护职工权益杰出律师”表彰，深化")[0]
    'gap'
    """
    b = b.lstrip(" \t\u3000")
    if not b:
        return "refuse", "empty B"
    if _BULLET.match(a):
        return "refuse", "A is a bullet item"
    cut_item = _numbering_style(a) in sentence_items
    if len(a) <= 25 and _NUMBERED.match(a) and not re.search("[，,；;：:。！？!?]", a) and not _numbered_run_on(a, b) \
            and not cut_item:
        return "refuse", "A is a numbered section heading"
    if _LIST_OPENER.match(b):
        return "refuse", "B opens a list item/section"
    if MARKER.match(b):
        return "refuse", "B starts with a continuation marker"
    if _DATELINE.match(b):
        return "refuse", "B starts with a dateline/byline"
    depth = _open_depth(a)
    closes = _unmatched_close(b)
    if closes and depth == 0:
        return "gap", "text missing? B has an unmatched ” and A has no open “"
    if closes and depth > 0:
        return "join", "A has an open “ closed in B"
    core = _core_end(a)
    if a[-1] in ")）" and _continues_after_bracket(b):
        return "join", f"B continues the phrase before the bracket with '{b[0]}'"
    if core != a and core and core[-1] in ")）":
        if b[0] not in _NON_INITIAL:
            return "refuse", "A ends with a closing bracket"
    if b[0] in _NON_INITIAL and not _CODE_START.match(b):
        return "join", f"B starts with non-initial '{b[0]}'"
    if b[0] in _PARTICLE:
        first = _lexicon.cut(b[:6])[0]
        if len(first) == 1:
            return "join", f"B starts with particle '{b[0]}'"
    if b.startswith("说") and b[1:2] in ("：", ":", "，", ","):
        return "join", "B opens with 说 and no speaker: the speaker ends A"
    if b[0] in _LINKING and _lexicon.cut(b[:6])[0] == b[0]:
        return "join", f"B opens with the conjunction '{b[0]}', which links it to what A ended with"
    if _opens_with_alternative(b):
        return "join", "B opens with 或 and its second alternative: the first one ends A"
    if _ONE_OF_GROUP.match(b):
        return "join", f"B opens with '{b[:2]}' (one of …), which needs the group A names"
    if _verb_not_verb(a, b):
        return "join", "A's last verb and B's 不/没 + the same verb ask a yes-no question (想|不想)"

    if a[-1] in _IN_SENTENCE:
        return "join", f"A ends with in-sentence punctuation '{a[-1]}'"
    if a[-1] in _INTRODUCING:
        return "refuse", f"A ends with '{a[-1]}' (introduces a list, code or a quotation)"
    if a.endswith("——"):
        return "refuse", "A ends with a dash (kicker)"
    if _bracket_open_at_end(a) and _bracket_closed_first(b):
        return "join", "A has an open bracket that B closes"
    if _LOCALIZER_CLAUSE.match(b) and _lexicon.cut(b[:4])[0] == b[0]:
        return "join", f"B opens with the localizer '{b[0]}' that closes A's phrase"
    title = _title_like(last if last is not None else a) and not _predicate_pending(last if last is not None else a) \
        and not cut_item
    word = _spanning_word(a, b, 100 if title else 10)
    if word:
        return "join", f"word across break: {word}"
    if title:
        word = _word_closing_b_clause(a, b) or _word_completing_bound_tail(a, b)
        if word:
            return "join", f"word across break: {word} (B's first clause is its rest, or A ends in a fragment)"
    dbl = _boundary_double(a, b)
    if dbl is not None and dbl[1].action == "drop" and not (title and _whole_word_repeat(a, b, dbl[0])):
        return "join", "unit doubled at the break"
    if _de_before_verb(a, b):
        return "refuse", "A's final 的 closes a 是…的 predicate: B opens with a verb, not the noun 的 would govern"
    if _dangling(a):
        return "join", f"A ends with dangling '{a[-1]}'"
    if _name_cut_after_title(a):
        return "join", "A ends with a post and a lone surname: the name goes on in B"
    if _ends_with_light_verb(a):
        return "join", "A ends with a light verb that waits for its object"
    if _subject_awaits_predicate(a):
        return "join", "A ends with a subject after a comma: its predicate is in B"
    if _ends_with_copula(a) and _ALL_HAN.match(b[0]) and not unterminated(b):
        return "join", "A ends with the copula 是, which waits for its complement in B"
    if _QUESTION_END.search(last if last is not None else a):
        return "refuse", "A ends with a question word (a question, or a question heading, without its mark)"
    if title:
        return "refuse", "A looks like a title (short, no punctuation)"
    if _CONNECTIVE.match(b) or _RUNNING_OPENER.match(b):
        return "refuse", "B opens a new sentence (connective or opener) and nothing links A to it"
    if not _PUNCT.search(tail := (last if last is not None else a)) and _visual_length(tail) >= 40 and not _clause_cues(tail):
        return "refuse", "A is a long unpunctuated run (a list of names), not a sentence"
    if a[-1] == "." and a[-2:-1].isdigit() and not b[0].isdigit():
        return "refuse", "A ends a sentence with '.' after a number (B does not continue a decimal)"
    if unterminated(b) and not (_closes_list_item(b) and _HAN_END.match(a[-1])):
        return "refuse", "neither A nor B ends a sentence (list items, not one broken sentence)"
    if _HAN_END.match(a[-1]) or _LATIN_GLOSS_END.search(a):
        return "join", _WEAK
    return "refuse", f"A ends with '{a[-1]}'"


_WEAK = "A is body text ending mid-sentence"
#: a Latin abbreviation or name glossing the Han word before it (超文本传输协议（HTTP）, 世界贸易
#: 组织（ＷＴＯ）) leaves the sentence open as the word alone would; a credit or a note in
#: brackets (（王国平）, （附图片１张）) is Han text and ends the block
_LATIN_GLOSS_END = re.compile(r"[\u4e00-\u9fff][（(][A-Za-zＡ-Ｚａ-ｚ0-9０-９][A-Za-zＡ-Ｚａ-ｚ0-9０-９ .\-/]{0,30}[）)]$")
#: conjunctions that only join two things and never open a paragraph (和突破，…; 及其他…);
#: not 与 (与去年相比，… opens sentences) nor 或
_LINKING = set("和及")

#: 之一, 之二…: "one of" the group named before it; no sentence opens so
_ONE_OF_GROUP = re.compile("之[一二三四五六七八九十]")


def _verb_not_verb(a: str, b: str) -> bool:
    """Whether the break splits a verb-not-verb question (想|不想去, 有|没有): ``b`` opens with
    不 or 没 and the very word ``a`` ends with. In People's Daily's development half no
    paragraph is followed by one that opens so.

    >>> _verb_not_verb("有人问他想", "不想到中国去玩。"), _verb_not_verb("他想", "不到会这样。")
    (True, False)
    """
    last = _lexicon.cut(a[-6:])[-1]
    return len(last) <= 2 and bool(_ALL_HAN.fullmatch(last)) and b.startswith(("不" + last, "没" + last))


def _opens_with_alternative(b: str) -> bool:
    """Whether ``b`` is a sentence that opens with a bare 或 and the second of two
    alternatives (或“/opt”目录，这样可以…): modern Chinese opens no sentence with 或 (或者,
    或许 are other words; none of the 8,098 paragraphs of People's Daily's development half
    opens with it). A 或 alone or before a space sits between displayed alternatives
    (``或 --texinfo=CMD``), and before a verb it is the classical "someone" (或曰, 或问).

    >>> _opens_with_alternative("或“/opt”目录，这样可以避免撞车。"), _opens_with_alternative("或")
    (True, False)
    >>> _opens_with_alternative("或 --texinfo=CMD"), _opens_with_alternative("或曰：“雍也，仁而不佞。”")
    (False, False)
    """
    toks = _lexicon.cut(b[:8])
    if len(toks) < 2 or toks[0] != "或" or not (_ALL_HAN.match(toks[1][0]) or toks[1][0] in "“‘《（(\""):
        return False
    return not _lexicon.tag(toks[1]).startswith("v") and not unterminated(b)


#: a lone localizer set off by a comma (后，, 时，, 中，) closes a time or place phrase begun
#: before it (退休|后，…): no paragraph opens with one
_LOCALIZER_CLAUSE = re.compile("[后前时中里内外间上下][，,]")
#: ASCII marks that start code, not a clause: ``::html::init``, ``:q``, ``!important``
_CODE_START = re.compile(r"[:;!?,)](?:[:;!?,)]|[A-Za-z_$])")
#: a block that ends with a question word asks a question (到现在为止我们学了些什么): the sentence
#: is over even though the question mark is missing; a break inside 什么样 is a word across it
_QUESTION_END = re.compile(r"(?:什么|吗|呢|如何|怎样|怎么样|为什么|为何|多少|哪些|何在)$")
#: a paragraph that ends in a byline (…活动举行。本报记者 李明) is complete even without a full stop
_ENDS_IN_BYLINE = re.compile(r"(?:(?:记者|通讯员|撰稿人?)[ \u3000]*|(?:文|图|摄影)[ \u3000]*[/：:][ \u3000]*)[\u4e00-\u9fff·]{2,4}[)）]?$")


def _plain_heading(a: str, last: str, b: str, c: str):
    """Decide a short title-like block ``b`` (a heading written without ``#``) that sits after
    unterminated ``a`` and before ``c``. Returns ``(action, reason)``: ``over`` (join ``a`` to
    ``c``, keep ``b`` as a heading), or :func:`decide`'s verdict on ``a`` → ``b``.

    Such a block is transparent when ``a`` continues into ``c`` and either ``b`` does not run
    on into ``c`` (a title is complete) or the evidence for ``a`` → ``c`` (a particle, a
    non-initial mark, a word across the gap) beats the bare "no full stop" of ``a`` → ``b``.
    When ``b`` is complete and nothing but the missing full stop links ``a`` to it, ``a`` is
    not continued at all.

    >>> _plain_heading("计算。默认", "计算。默认", "交互式移植", "模式是输出一行文字。")[0]
    'over'
    >>> a = "飞行表演队又将不可思议地在天空中跳起更美"
    >>> _plain_heading(a, a, "朱梦魁", "的“芭蕾”。")[0]
    'over'
    >>> _plain_heading("报道称，它们", "报道称，它们", "网络安全", "如果条件允许，即将发布。")[0]
    'refuse'
    >>> _plain_heading("报道称，它们", "报道称，它们", "网络安全", "，即将发布。")[0]
    'over'
    >>> _plain_heading("报道称，它们", "报道称，它们", "网络安全", "而后发布。")
    ('over', 'A is body text ending mid-sentence')

    Evidence that ties ``b`` to ``a`` (a bracket ``a`` opens and ``b`` closes, a word across
    the break) beats the bare "no full stop" of ``a`` → ``c``: ``b`` is then the rest of a
    caption or sentence that merely looks like a title.

    >>> _plain_heading("图为开馆仪式。（新华社记", "图为开馆仪式。（新华社记", "者李学仁摄）", "１日上午９时，大使馆开馆。")
    ('join', 'A has an open bracket that B closes')
    """
    ab = decide(a, b, last)
    runs_on = decide(b, c)[0] == "join"
    why = _across_heading(a, last, c)
    if ab[0] == "join" and ab[1] != _WEAK and why == _WEAK:
        return ab  # B closes A's bracket or quote, or completes its word: B is A's rest, not a heading
    if why and (not runs_on or ((ab[0] != "join" or ab[1] == _WEAK) and why != _WEAK)):
        return "over", why
    if ab[1] == _WEAK and not runs_on:
        return "refuse", "B is a title (short, does not run into the next block) and nothing links A to it"
    return ab


def _title_block(b: str) -> bool:
    b = b.strip(" \t\u3000")
    return bool(b) and _visual_length(b) <= 25 and _title_like(b)


def _across_heading(a: str, last: str, c: str):
    """Reason to join ``a`` with ``c`` over a heading between them, or None.

    A heading (``#`` or plain) that sits between two halves of a sentence carries no evidence
    either way: judge ``a`` → ``c`` exactly as if the heading were not there (:func:`decide`),
    and keep the heading on its own line (it is moved after the repaired paragraph). A
    paragraph that ends in a byline is complete and is never continued across a heading.

    >>> _across_heading("有许多可供选择的前端用户程序，它们", "有许多可供选择的前端用户程序，它们", "和后端访问方式。")
    "B opens with the conjunction '和', which links it to what A ended with"
    >>> _across_heading("活动举行。本报记者 李明", "活动举行。本报记者 李明", "下午，会议开幕。") is None
    True
    >>> _across_heading("报告指出：“我国文化的发展", "报告指出：“我国文化的发展", "，不能离开共同成果。”")
    'A has an open “ closed in B'

    """
    if _ENDS_IN_BYLINE.search(last):
        return None
    action, reason = decide(a, c, last)
    return reason if action == "join" else None


def _strong(a: str, c: str):
    """Continuation strong enough to join across an interrupting heading/credit/marker."""
    c = c.lstrip(" \t\u3000")
    if not c or _LIST_OPENER.match(c) or _DATELINE.match(c) or MARKER.match(c):
        return None
    if _open_depth(a) > 0 and _unmatched_close(c):
        return "open “ closed after the interruption"
    if c[0] in _NON_INITIAL and c[0] != "”" and not _title_like(a):
        # a title is complete: a block opening with a stray mark after the title and a
        # caption lost its own beginning, it does not continue the title
        return f"C starts with non-initial '{c[0]}'"
    word = _spanning_word(a, c)
    if word and len(word) >= 2 and _lexicon.freq(word) >= 10 and not _title_like(a):
        return f"word across break: {word}"
    return None


_FREE_FUNCTION = set("在对是有和与的了把被将从向给为也都就还又")
#: tokens that govern what follows them (determiners, quantifiers, modals, conjunctions,
#: two-character prepositions): a block that ends with one as a whole token is unfinished
_DANGLING_WORDS = frozenset(
    "那些 这些 一些 有些 某些 那个 这个 每个 各个 几个 一个 一种 各种 所有 许多 很多 只有 只要 除了 "
    "可以 能够 应该 必须 需要 可能 如果 因为 虽然 但是 并且 而且 或者 以及 还是 对于 关于 通过 根据 "
    "按照 作为 为了 由于 随着 就是 还有 于是 比如 例如 整个 是指".split())


def _boundary_double(a: str, b: str):
    """Size and verdict for a unit doubled across the break (``统计|计``), or None.

    At a break the prior favours an artifact (a doubled unit is rare in edited text and common where
    OCR'd columns are rejoined): besides the in-text
    drops, the second copy is dropped when the first copy is a whole token, or when the lexicon
    only could not decide, unless both copies sit inside different words (两国|国歌), a word
    spans both copies (常|常), or the unit is a free function character (在, 对).
    """
    for size in (3, 2, 1):
        if len(a) >= size and len(b) >= size and a[-size:] == b[:size] and _ALL_HAN.fullmatch(b[:size]):
            tail = a[-8:]
            joined = tail + b[:8]
            i = len(tail) - size
            v = classify_double(joined, i, size)
            if v.action == "flag" and not (size == 1 and b[0] in _FREE_FUNCTION and not _free_copy_stands_alone(a, b)) \
                    and not v.reason.startswith(("echo of particle", "rare token")):
                v = Verdict("drop", f"at a break: {v.reason}")
            elif v.action == "keep" and v.reason.startswith("both copies") and size >= 2:
                if _lexicon.cut(tail)[-1] == a[-size:]:
                    v = Verdict("drop", f"at a break, whole word repeated: {v.reason}")
            if v.action == "keep":
                v = _recheck_kept_double(joined, i, size, v)
            if size == 1 and _year_holds_both(joined, i):
                v = Verdict("keep", f"a year written in Chinese numerals holds both copies of {b[0]}")
            word = _lexicon_support(v) if v.action == "keep" or size == 1 else ""
            if word and size == 1 and not word.startswith("一" + b[0]) and not _reduplication_dominates(b[0], word) \
                    and not _reduplicated_word_needs_both(word, b[0]):
                v = Verdict("drop", f"at a break, {b[0]} is rarely doubled: {v.reason}")
            elif word and size >= 2 and b[:size] * 2 not in word:
                v = Verdict("drop", f"at a break, the word {word} holds only part of the doubled {b[:size]}")
            return size, v
    return None


_HAN_NUMERALS = "〇零一二三四五六七八九"
#: a year in Chinese numerals (一九九七年, 二〇〇〇年): four of them, then 年
_HAN_YEAR = re.compile(f"[{_HAN_NUMERALS}]{{4}}年")


def _year_holds_both(joined: str, i: int) -> bool:
    """Whether the numeral doubled at position ``i`` of ``joined`` is inside a year written in
    Chinese numerals (在一九|九七年): a year has four numerals, so with one copy less it is no
    year (一九七年), whatever the lexicon says about 一九七.

    >>> _year_holds_both("在一九九七年的考核中", 2), _year_holds_both("一九九九七年", 2)
    (True, False)
    """
    if joined[i] not in _HAN_NUMERALS:
        return False
    start = i
    while start > 0 and joined[start - 1] in _HAN_NUMERALS:
        start -= 1
    return bool(_HAN_YEAR.match(joined, start)) and (start == 0 or joined[start - 1] not in _HAN_NUMERALS)


def _free_copy_stands_alone(a: str, b: str) -> bool:
    """Whether a free function character doubled at a break (对|对, 在|在) is a token of its own
    at the end of ``a`` while the clause goes on in ``b``. Two such tokens in a row are no
    Chinese (公司对对中国…); the pair is legitimate only when the first copy ends a word
    (现在|在做) or the doubled character is an interjection set off by a mark (对对，).

    >>> _free_copy_stands_alone("美邦公司对", "对中国的发展前景"), _free_copy_stands_alone("现在", "在做什么")
    (True, False)
    >>> _free_copy_stands_alone("他说对", "对，就这样")
    False
    """
    if len(b) < 2 or not _ALL_HAN.fullmatch(b[1]):
        return False
    return _lexicon.cut(a[-8:])[-1] == a[-1]


def _lexicon_support(v: Verdict) -> str:
    """The word across the junction for which the in-text rules kept a doubled unit
    (``lexicon: 往往(7443)`` or ``token spans both copies: 数数``) or only flagged it (a rare
    pair word such as 零零), or ``""``."""
    for action, prefix in (("keep", "lexicon: "), ("keep", "token spans both copies: "), ("flag", "rare token spans both copies: ")):
        if v.action == action and v.reason.startswith(prefix):
            return v.reason[len(prefix):].split("(")[0]
    return ""


#: share of a character's uses inside the word that doubles it (纷 in 纷纷) from which a pair
#: split by a break is read as that word; see :func:`_reduplication_dominates`
_REDUPLICATION_SHARE = 2 / 3


def _reduplication_dominates(unit: str, word: str) -> bool:
    """Whether a break between two copies of ``unit`` is likelier to split ``word`` (往往, 常常,
    万万年), which holds the pair, than to follow a character the break doubled.

    A break falls between the two copies inside 往往 about as often as the text holds 往往;
    the artifact doubles whatever character ends the line, so it shows 往|往 about as often as
    the text holds a 往 outside 往往. With breaks and doubled breaks equally likely, the pair is
    the word only when most of the character's uses are inside it: 纷 (0.73 of its uses are in
    纷纷) stays doubled; 往 (0.27), 常 (0.08) and 数 are echoes. Context cannot tell these apart
    (写往|往标准输出 and 我常|常用 read well either way), the frequencies can.

    >>> _reduplication_dominates("纷", "纷纷"), _reduplication_dominates("往", "往往"), _reduplication_dominates("常", "常常")
    (True, False, False)
    """
    total = _lexicon.char_freq(unit)
    return bool(total) and 2 * _lexicon.freq(word) / total >= _REDUPLICATION_SHARE


def _reduplicated_word_needs_both(word: str, unit: str) -> bool:
    """Whether ``word`` (齐刷刷, 偷偷摸摸, 扎扎实实) holds the doubled ``unit`` together with more
    text on either side and, with one copy less, is no commoner word (齐刷, 偷摸摸 are none;
    咬咬牙 is rarer than 咬牙). Then the break split the reduplication: an echo of the line's
    last character recreates a longer reduplicated word only by chance, and the share of the
    character's uses (:func:`_reduplication_dominates`) is no measure of that.

    >>> _reduplicated_word_needs_both("齐刷刷", "刷"), _reduplicated_word_needs_both("偷偷摸摸", "偷")
    (True, True)
    >>> _reduplicated_word_needs_both("咬咬牙", "咬"), _reduplicated_word_needs_both("紧紧", "紧")
    (False, False)
    """
    pair = unit * 2
    if len(word) <= len(pair) or pair not in word:
        return False
    return _lexicon.freq(word.replace(pair, unit, 1)) < _lexicon.freq(word)


#: time units and measure words that close a number (１４日, 三项, ５个)
_NUMBER_UNIT = set("日月年时分秒号个项名位件次台家元岁")


def _recheck_kept_double(joined: str, i: int, size: int, v: Verdict) -> Verdict:
    """Second look at a unit doubled at a break that the in-text rules keep as legitimate.

    In running text 常常, 纷纷 or 一一 are words; at a break the break itself is the likelier
    cause when the context says so: the unit occurs three times (纷|纷纷), the first copy
    closes a number and the second starts no common word (１４日|日电), the pair
    is a word yet one copy belongs to its neighbour (非常|常, 第一|一次), or one copy leaves a
    longer word (大写字|字母). ``一XX`` reduplications (一个个, 一项项) stay.

    >>> _recheck_kept_double("居民纷纷纷迁移", 3, 1, Verdict("keep", "lexicon: 纷纷(4973)")).action
    'drop'
    >>> _recheck_kept_double("１月１４日日电", 4, 1, Verdict("keep", "lexicon: 日日(208)")).action
    'drop'
    """
    unit = joined[i:i + size]
    j, end = i + size, i + 2 * size
    word = v.reason[len("lexicon: "):].split("(")[0] if v.reason.startswith("lexicon: ") else ""
    if word.startswith("一") and len(word) == 2 * size + 1 and joined[i - 1:i] == "一":
        return v
    if joined[i - size:i] == unit or joined[end:end + size] == unit:
        return Verdict("drop", f"at a break, {unit} three times in a row")
    if size == 1 and unit in _NUMBER_UNIT and joined[i - 1:i].isdigit():
        if not any(_lexicon.freq(joined[j:y]) >= 100 for y in range(end + 1, min(len(joined), j + 4) + 1)):
            return Verdict("drop", f"at a break, {unit} closes the number before it")
    if word == unit * 2 or v.reason.startswith("both copies"):
        owner = _copy_owned_by_neighbour(joined, i, size)
        if owner:
            return Verdict("drop", f"at a break, the pair is a word but {owner}")
    through = _word_through_one_copy(joined, i, size)
    if through:
        return Verdict("drop", f"at a break, one copy leaves the word {through}")
    if size == 1 and v.reason.startswith("both copies inside words") and _one_copy_reads_better(joined, i):
        return Verdict("drop", f"at a break, the text reads far better with one {unit} ({v.reason})")
    return v


#: characters each side of a doubled unit that :func:`_one_copy_reads_better` reads
_PAIR_CONTEXT = 6
#: how much likelier (natural log, e^2 = 7.4 times) the segmentation with one copy must be
#: than with both for :func:`_one_copy_reads_better`
_READS_BETTER = 2.0


def _one_copy_reads_better(joined: str, i: int) -> bool:
    """Whether the text around a character doubled at a break, with both copies inside words
    (项目|目下的货币, 虽然|然后来, 入股|股金), segments far better with one copy: the break
    echoed the character and the echo happened to make a word with the next one. Real
    cross-word doubles often read better whole (坚持|持久战, 内部控制|制度).

    The threshold is a likelihood ratio, not a fit: in People's Daily's development half it
    drops 58 % of the real cross-word doubles that a break would split and 98 % of the echoes
    a doubled break makes there, and the echoes are far more numerous (every character that
    ends a line can be doubled; few lines end inside a real double), so dropping loses
    about 1 real pair for every 40 echoes it removes.

    >>> _one_copy_reads_better("中国还未实行资本项目目下的货币自由", 9), _one_copy_reads_better("健全内部控制制度。", 5)
    (True, False)
    """
    left, unit, right = joined[max(0, i - _PAIR_CONTEXT):i], joined[i], joined[i + 2:i + 2 + _PAIR_CONTEXT]
    one = _lexicon.segment_score(left + unit + right)
    return one - _lexicon.segment_score(left + unit * 2 + right) > _READS_BETTER


def _whole_word_repeat(a: str, b: str, size: int) -> bool:
    """Whether the unit doubled at a break is a whole word at the end of ``a`` and again at
    the start of ``b`` (内存使用 / 使用 X 协议…). After a title-like block that is how a
    heading and the paragraph under it often begin (a manual section "配置" opens with
    "配置文件…"), so the repeat alone is no evidence of a broken sentence.

    >>> _whole_word_repeat("内存使用", "使用 X 核心协议的远程应用", 2), _whole_word_repeat("软件包管理工具具", "具有", 1)
    (True, False)
    """
    unit = b[:size]
    tail = _lexicon.cut(a[-8:])
    head = _lexicon.cut(b[:8])
    return bool(tail and head) and tail[-1] == unit and head[0] == unit


def _copy_owned_by_neighbour(joined: str, i: int, size: int) -> str | None:
    """When the doubled pair at a break is itself a word (常常, 个个, 依依), segment the joined
    text: if no token spans both copies and one copy belongs to a word on its side (非常|常,
    这个|个, 依|依旧) while the other stands alone, the lone copy is the echo the break made.

    >>> _copy_owned_by_neighbour("非常常相像", 1, 1), _copy_owned_by_neighbour("它依依旧超出", 1, 1)
    ('the first copy belongs to 非常', 'the second copy belongs to 依旧')
    >>> _copy_owned_by_neighbour("我常常用电脑", 1, 1) is None
    True
    >>> _copy_owned_by_neighbour("当主机机系统支持", 2, 1), _copy_owned_by_neighbour("时间间隔", 1, 1)
    ('the second copy turns 系统 into the rarer 机系统', None)
    """
    j, end = i + size, i + 2 * size
    pos = 0
    spans = []
    for tok in _lexicon.cut(joined):
        spans.append((pos, pos + len(tok), tok))
        pos += len(tok)
    left = next((t for s, e, t in spans if e == j and s < i), None)
    first_alone = any(s == i and e == j for s, e, _ in spans)
    right = next((t for s, e, t in spans if s == j and e > end), None)
    second_alone = any(s == j and e == end for s, e, _ in spans)
    if any(s < j < e for s, e, _ in spans):
        return _likelier_word(joined, i, size)
    if left and second_alone and _lexicon.freq(left) >= 20:
        return f"the first copy belongs to {left}"
    if left and right and len(right) >= 3 and _lexicon.freq(right[size:]) > _lexicon.freq(right):
        # 主机|机系统: the second copy opens a rare word whose remainder is a commoner
        # word (系统); without the copy both words are whole. Cross-word doubles whose
        # second word loses a syllable (时间|间隔, 北京大学|学生会) are kept.
        return f"the second copy turns {right[size:]} into the rarer {right}"
    if right and first_alone and _lexicon.freq(right) >= 20:
        return f"the second copy belongs to {right}"
    return None


def _word_through_one_copy(joined: str, i: int, size: int) -> str | None:
    """A dictionary word of three or more characters that runs through the unit once, with
    text on both sides (大写字|字母 -> 大写字母): the break repeated a character inside a word.
    Cross-word doubles stay (时间|间隔 -> 时间隔, 两国|国歌 -> 两国歌 are no words).

    >>> _word_through_one_copy("是大写字字母", 3, 1), _word_through_one_copy("时间间隔", 1, 1)
    ('大写字母', None)
    """
    j, end = i + size, i + 2 * size
    once = joined[:j] + joined[end:]
    best = None
    for x in range(max(0, i - 3), i):
        for y in range(j + 1, min(len(once), j + 4) + 1):
            w = once[x:y]
            if len(w) >= 3 and _lexicon.freq(w) >= 10 and (best is None or len(w) > len(best)):
                best = w
    return best


def _likelier_word(joined: str, i: int, size: int) -> str | None:
    """The pair is a word that the segmenter prefers (仅仅, 把把, 见见), but a break more often
    splits a word than a reduplication: when a word ending in the first copy (一把, 能见) or
    starting with the second (把手) is more frequent than the pair, the second copy
    is the echo. 常常 stays in 我常|常用 (常用 is rarer than 常常).

    >>> _likelier_word("一把把手", 1, 1), _likelier_word("我常常用", 1, 1)
    ('一把 is likelier than 把把', None)
    """
    j, end = i + size, i + 2 * size
    pair = _lexicon.freq(joined[i:end])
    cands = [joined[a:j] for a in range(max(0, i - 3), i)] + [joined[j:b] for b in range(end + 1, min(len(joined), j + 4) + 1)]
    best = max(cands, key=_lexicon.freq, default="")
    if best and _lexicon.freq(best) > pair:
        return f"{best} is likelier than {joined[i:end]}"
    return None


def find_joins(text: str):
    """Edits and flags for :func:`join_broken_paragraphs` (text with blank-line separated blocks).

    Decisions are made on the simplified form of the text (same length, same offsets), as
    for stutters: the lexicon and the function-character sets are simplified, so a
    traditional-script page must get the decisions its simplified twin gets (對於 is 对于, a
    running-text opener; 對 alone dangles like 对). A heading moved after the paragraph is
    copied from the original text.

    >>> [(e.start, e.kind) for e in find_joins("各級幹部要認真對\\n\\n待群眾的來信。\\n")[0]]
    [(8, 'join')]
    """
    return _find_joins(_lexicon.simplified(text), original=text)


def _find_joins(text: str, original: str):
    """:func:`find_joins` deciding on ``text`` (the simplified key) and copying moved
    headings from ``original`` (same length and offsets)."""
    blocks = split_blocks(text)
    items = sentence_item_styles(b.text for b in blocks if b.kind == "body")
    edits, flags = [], []
    acc = None  # (merged text, last block)
    pending: list = []  # blocks to move after the paragraph
    history: dict[str, tuple] = {}  # block text -> (start of first copy, text of the block after it)

    def close(acc):
        if acc is not None and pending:
            end = acc[1].end
            edits.append(Edit(end, end, "\n\n" + "\n\n".join(original[h.start:h.end] for h in pending), "heading_move",
                              "heading that interrupted the sentence moved after the paragraph"))
            pending.clear()

    def do_join(acc, sep_start, b, reason, over=None):
        a_text = acc[0]
        b_lead = len(b.text) - len(b.text.lstrip(" \t\u3000"))
        b_text = b.text[b_lead:]
        end = b.start + b_lead
        kind = "join"
        dbl = _boundary_double(a_text, b_text)
        if dbl is not None:
            size, v = dbl
            if v.action == "drop":
                end += size
                kind = "boundary_double"
                reason = (f"{reason}; dropped {b_text[:size]} doubled at the break ({v.reason})"
                          if reason != "unit doubled at the break" else f"{b_text[:size]} doubled at the break: {v.reason}")
                b_text = b_text[size:]
            elif v.action == "flag":
                flags.append(Flag(acc[1].end - size, b.start + b_lead + size, "boundary_double",
                                  f"unit doubled at a break kept: {v.reason}"))
        if over is not None:
            reason = f"join over {over.kind}: {reason}; {over.kind} moved after the paragraph"
        edits.append(Edit(sep_start, end, "", kind, reason))
        return (a_text + b_text, b)

    n = len(blocks)
    k = 0
    while k < n:
        b = blocks[k]
        if acc is None or not unterminated(acc[0]):
            close(acc)
            nxt = blocks[k + 1] if k + 1 < n and b.kind == "heading" else None
            why = _heading_cut(b.text, nxt.text) if nxt is not None and nxt.kind == "body" else None
            if nxt is not None and why:
                edits.append(Edit(b.end, nxt.start, "", "join", why))
                acc = None
                _remember(history, blocks, k)
                _remember(history, blocks, k + 1)
                k += 2
                continue
            acc = (b.text, b) if b.kind == "body" or _bulleted_paragraph(b) else None
            _remember(history, blocks, k)
            k += 1
            continue
        last = acc[1]
        c = blocks[k + 1] if k + 1 < n and blocks[k + 1].kind == "body" else None
        if b.kind == "body":
            h = history.get(last.text)
            if h is not None and h[0] != last.start and len(last.text) >= 10 and h[1] != b.text:
                action, reason = "gap", "repeated block: its first copy was followed by other text"
            elif c is not None and _title_block(b.text):
                action, reason = _plain_heading(acc[0], last.text, b.text, c.text)
                if action == "over":
                    pending.append(b)
                    acc = do_join(acc, last.end, c, reason, over=b._replace(kind="title"))
                    _remember(history, blocks, k)
                    _remember(history, blocks, k + 1)
                    k += 2
                    continue
            else:
                action, reason = decide(acc[0], b.text, last.text, items)
                if action == "join" and reason == _WEAK and acc[0] == last.text and _in_unpunctuated_run(blocks, k - 1):
                    action, reason = "refuse", "A is one of a run of items without full stops"
            _remember(history, blocks, k)
            if action == "join":
                acc = do_join(acc, last.end, b, reason)
                k += 1
                continue
            if action == "gap":
                flags.append(Flag(max(last.start, last.end - 8), min(b.end, b.start + 8), "gap", reason))
            close(acc)
            acc = (b.text, b)
            k += 1
            continue
        if b.kind in ("heading", "credit", "marker", "caption") and c is not None:
            why = _across_heading(acc[0], last.text, c.text) if b.kind == "heading" else _strong(acc[0], c.text)
            if why:
                pending.append(b)
                acc = do_join(acc, last.end, c, why, over=b)
                _remember(history, blocks, k + 1)
                k += 2
                continue
        close(acc)
        acc = None
    close(acc)
    edits.sort(key=lambda e: (e.start, e.end))
    return edits, flags


#: free_ratio below which a character is mostly part of words (国 0.04, 待 0.34), unlike the free
#: function characters that open sentences on their own (在 0.86, 对 0.63)
_MOSTLY_BOUND = 0.5


def _heading_cut(heading: str, b: str) -> str | None:
    """Why the body block ``b`` is the rest of the markdown ``heading`` line a break cut, or
    None. Only evidence that no heading shows on its own counts: a bracket the heading opens
    and ``b`` closes (（…第二十|九次会议通过）), or a word across the break whose second part is
    a fragment that ``b`` opens with (参加中|国话剧: 国 alone is no token of 国话剧; 并存|在我国
    is no such case, 在 is a word of its own). A dangling last character is no evidence:
    headings end in names (吴锦才, 邵景均) and set phrases (说不, 了得).

    >>> _heading_cut("# 演出前会见了参加中", "国话剧９０年纪念活动的艺术家")
    'heading cut by a break: word across break: 中国'
    >>> _heading_cut("# 中国", "国家统计局今天发布公报。") is None, _heading_cut("## 第一章 总则", "本法的目的是保护环境。") is None
    (True, True)
    """
    title = heading.lstrip("#").strip()
    if not title or not b or b.lstrip()[:1] in ("", "#"):
        return None
    if _bracket_open_at_end(title) and _bracket_closed_first(b):
        return "heading cut by a break: a bracket it opened closes in the next block"
    word = _spanning_word(title, b, 100)
    if word and len(_lexicon.cut(b[:6])[0]) == 1 and _ALL_HAN.match(b[0]) and _lexicon.free_ratio(b[0]) < _MOSTLY_BOUND:
        return f"heading cut by a break: word across break: {word}"
    return None


def _bulleted_paragraph(block) -> bool:
    """A caption block that may be the first half of a join: a ``▲``-led block that is a
    paragraph, not a photo caption (it holds a finished sentence
    and then stops mid-sentence: ▲通知你的代理人。你的代理人会告诉你哪些…), or any caption that
    stops inside a bracket it opened (its credit was cut). A caption is a
    short label or ends with its sentence or credit; only running text breaks off like that (a
    long caption that stops mid-sentence was cut too), so the
    block may be the first half of a join (it is never the second: B rules are unchanged).

    >>> from seedsift.cleaners.blocks import split_blocks
    >>> [_bulleted_paragraph(b) for b in split_blocks("▲通知代理人。代理人会告诉你哪些\\n\\n▲这是火星\\n\\n▲会见外宾。新华社记者 李明摄\\n")]
    [True, False, False]
    >>> [_bulleted_paragraph(b) for b in split_blocks("图为花农在挑选花卉。（新华社记\\n\\n图为花农在挑选花卉。（新华社记者李明摄）\\n")]
    [True, False]
    """
    text = block.text.rstrip()
    if block.kind == "caption" and _bracket_open_at_end(text) and bool(_ALL_HAN.fullmatch(text[-1])):
        return True  # a caption that stops inside its own bracket was cut (图为…。（新华社记|者…摄）)
    return (block.kind == "caption" and text[:1] in "▲△"
            and (bool(_SENTENCE_END_INSIDE.search(text[:-1])) or _visual_length(text) >= _CAPTION_LABEL_MAX)
            and unterminated(text) and bool(_ALL_HAN.fullmatch(text[-1])) and not text.endswith("摄"))


#: a ▲ caption this long that stops mid-sentence was cut, not written as a label
_CAPTION_LABEL_MAX = 20


_SENTENCE_END_INSIDE = re.compile("[。！？!?]")


def _in_unpunctuated_run(blocks, k: int) -> bool:
    """Whether block ``k`` follows a body block of running text that also ends without a full
    stop and was not joined to it: a list of items written as paragraphs (credits, steps,
    table cells in a manual). There the missing full stop is the list's style, not a break,
    and the last item must not be glued to the paragraph after the list. A title before the
    block does not count: a heading is often followed by a broken first paragraph.

    >>> from seedsift.cleaners.blocks import split_blocks
    >>> bl = split_blocks("张三 对许多内容的更正提供了帮助\\n\\n李四 进行了大量的校对\\n\\n系统中的帮助页面被用作参考。\\n")
    >>> _in_unpunctuated_run(bl, 1), _in_unpunctuated_run(split_blocks("安装步骤\\n\\n首先下载镜像并\\n\\n写入 U 盘。\\n"), 1)
    (True, False)
    """
    if k < 1 or blocks[k - 1].kind != "body" or blocks[k].start - blocks[k - 1].end > 4:
        return False
    prev = blocks[k - 1].text.rstrip()
    # the item ends in a word, without any mark: a block ending in ：/；/， is punctuated
    # (a list introduced, a clause continued), not an item of such a list
    if not prev or not prev[-1].isalnum():
        return False
    # items are short single phrases; a long block or one that ends a sentence inside is
    # a fragment of running text (narrow newspaper columns, already partly rejoined)
    for item in (prev, blocks[k].text):
        if _visual_length(item) > _ITEM_MAX or _SENTENCE_INSIDE.search(item):
            return False
    if not unterminated(prev):
        return False
    if not _title_like(prev) and not _title_block(prev):
        return True
    # a short item reads as a title; three of them in a row before the block are a list
    # ("n" 查找下一个 / "N" 查找上一个 / …), not headings over a broken first paragraph
    # (a chapter and a section title, 第三章 系统管理 / 用户和组, are two)
    for j in (k - 2, k - 3):
        if j < 0 or blocks[j].kind != "body" or blocks[j + 1].start - blocks[j].end > 4:
            return False
        item = blocks[j].text.rstrip()
        if not item or not item[-1].isalnum() or not unterminated(item) or _visual_length(item) > _ITEM_MAX:
            return False
    return True


#: longest block (visual characters) read as a list item written as a paragraph
_ITEM_MAX = 50
_SENTENCE_INSIDE = re.compile("[。！？；!?;]")


def _remember(history, blocks, k):
    """Note where a block text first occurs and which block followed it (repeated-block trap)."""
    b = blocks[k]
    history.setdefault(b.text, (b.start, blocks[k + 1].text if k + 1 < len(blocks) else None))


def join_broken_paragraphs(text: str) -> str:
    """Rejoin a sentence that a column or page break split into two blank-line separated
    blocks, using only the text: punctuation, quote balance, block types and the jieba
    lexicon. Titles, bylines, datelines, captions, credits, tables and list openers are never
    joined; a block that opens with an unmatched ``”`` is a suspected gap (flag only). A unit
    doubled at the break is dropped when the lexicon is sure (统计|计); a heading that
    interrupted the sentence is moved after the repaired paragraph.

    >>> join_broken_paragraphs("据不完全统计\\n\\n计，协同政府追回工资。\\n")
    '据不完全统计，协同政府追回工资。\\n'
    >>> join_broken_paragraphs("推行“三网融\\n\\n## 新春祝福\\n\\n合”，提升了能力。\\n")
    '推行“三网融合”，提升了能力。\\n\\n## 新春祝福\\n'
    >>> join_broken_paragraphs("工会搭鹊桥\\n\\n2月12日，活动举行。\\n")
    '工会搭鹊桥\\n\\n2月12日，活动举行。\\n'
    """
    edits, _ = find_joins(text)
    return splice(text, edits)
