"""Reduplication vs stutter, decided with the jieba lexicon: a repeat is dropped only where the lexicon is sure (precision first), otherwise flagged."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import _lexicon
from ._edits import Edit, Flag, splice
from .blocks import classify_block

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_DOUBLE = re.compile(f"([{HAN}]{{1,4}})\\1")
_PARTICLES = set("的了们")
#: classifiers reduplicate (件件有着落, 台台运转): a suffix echo on one of them may be AA
_CLASSIFIERS = set("个件条张次天年月日位名台只头本把根枝朵片块颗粒座栋间家户场项门辆艘架匹封首篇句声步层段节排行双对批群种样")
#: function characters that do not reduplicate (的的, 在在); content characters do (说说, 年年)
_FUNCTION = set("的了在是和与及或把被将从向给为于以之其并而但跟同让由按据经这那也都就还又所")
#: free-ness (see :func:`_lexicon.free_ratio`) above which a character is a word of its own:
#: an echo of it may start the next phrase (可以|以任何顺序, 现在|在 Debian 上)
_FREE = 0.3
_CLAUSE_END = set("，。、；：！？…）”’\n")
#: free-ness below which a lone character before a word that starts with it is a bound
#: morpheme that cannot stand alone (的方|方法, 检|检查)
_BOUND = 0.1
#: free-ness below which a character is so rarely a word of its own that a lone copy of it
#: after a word already ending in it is an echo (建议|议, 变化|化, 自己|己). Measured on
#: People's Daily and Debian text: the free characters that legitimately stand alone
#: there (行 0.070, 位 0.12, 值 0.11, 设 0.16) lie above it; the one exception, a noun
#: before a localizer (代表|表|中), is kept apart by the localizer itself.
_ECHO_BOUND = 0.06
#: free-ness below which a character is seldom a word of its own (one use in five or
#: fewer: 家 0.12, 器 0.07, 外 0.19); a lone copy of it after a word ending in it, before
#: a whole word of two or more characters, has no neighbour to form a word with
#: (专家|家|认为). Verse repeats characters between words on purpose (治水|水|害人,
#: 情深|深|几许), so a clause no longer than a line of verse is left alone.
_ECHO_WORD = 0.2
#: a repeated phrase that is followed by one of these does not run on into the clause
_PHRASE_STOP = set("的地得着了")
#: degree adverbs: 很X很X, 最X最X intensify by repetition
_DEGREE = set("很最好太真越更多")
#: tags of words that reduplicate as ABAB: verbs (商量商量), state words (雪白雪白),
#: adverbs (非常非常), numerals (一步一步), names, idioms, and jieba's b (which holds
#: 高兴 as well as 主要). Plain adjectives (a, ad, an) reduplicate as AABB (详详细细,
#: 干干净净); an adjective repeated ABAB is a verb use that closes its clause or takes a
#: particle (让大家热闹热闹。, 热闹热闹吧), which :func:`_runs_on` leaves alone.
_REDUPLICATES = ("v", "z", "d", "m", "nr", "l", "i", "b")
#: modal particles and interjections close the phrase before them (商量商量吧, 热闹热闹啊)
_PARTICLE_TAGS = ("y", "e")
#: gain in segmentation log-probability (nats) from dropping a repeat of 2-4 characters
#: that is no token of its own in either copy, above which the repeat is an echo
#: (不管怎|管怎|么样). Measured on People's Daily and Debian text: legitimate text
#: reaching this rule stays below it.
_GAIN = {2: 12.0, 3: 10.0, 4: 10.0}
#: the same gain for a doubled character that is a word (小小, 光光), above which the pair
#: word is out of place among its neighbours (周光|光|召, 杨小|小|平: names) and is flagged.
#: Measured on People's Daily, Debian and fortunes text: pair words that belong there gain
#: less (紧紧巴巴 9.1, 源源注入 9.5), save one line of verse (上山弯弯腰 10.3).
_GAIN_PAIR = 10.0
#: the same gain for a repeat of 2-4 characters whose junction is covered by a short word
#: of its own (去年|一年|一些 8.9, 的|目的|目录 8.8 on undamaged text; echoes such as
#: 用户账|户账|号, 自动更|动更|新 gain 11.7-25)
_GAIN_STEP = 10.5


class Verdict(NamedTuple):
    """``action`` is ``keep`` (legitimate), ``drop`` (a stutter: drop one copy) or ``flag``."""

    action: str
    reason: str


def _tokens_with_offsets(window: str):
    out, pos = [], 0
    for tok in _lexicon.cut(window):
        out.append((pos, pos + len(tok), tok))
        pos += len(tok)
    return out


def _drop_gain(text: str, i: int, size: int) -> float:
    """How much more probable (log, jieba unigram segmentation) the line around the repeat
    at ``i`` becomes when one copy is dropped: large when the copy breaks words apart.

    >>> _drop_gain("不管怎管怎么样", 1, 2) > 12 > _drop_gain("一天一天地过去", 0, 2)
    True
    """
    ls = text.rfind("\n", 0, i) + 1
    le = text.find("\n", i)
    le = len(text) if le == -1 else le
    lo, hi = max(ls, i - 6), min(le, i + 2 * size + 6)
    with_copy = text[lo:hi]
    without = text[lo:i + size] + text[i + 2 * size:hi]
    return _lexicon.segment_score(without) - _lexicon.segment_score(with_copy)


def _runs_on(text: str, end: int, unit: str) -> bool:
    """Whether a repeated phrase ``unit`` (ending at ``end``) runs on into its clause and is
    none of the forms Chinese repeats on purpose. Reduplication (商量商量, 很紧很紧,
    读着读着, 一步一步, 不敢当不敢当！) closes a clause or is followed by 的/地/得/着/了; a
    stutter sits inside running text (利用利用源代码).

    >>> _runs_on("利用利用源代码", 4, "利用"), _runs_on("商量商量，再说", 4, "商量")
    (True, False)
    >>> _runs_on("很多很多人", 4, "很多"), _runs_on("说着说着就哭了", 4, "说着")
    (False, False)
    >>> _runs_on("热闹热闹吧", 4, "热闹")
    False
    """
    if end >= len(text) or not ("\u3400" <= text[end] <= "\u9fff") or text[end] in _PHRASE_STOP:
        return False
    if _lexicon.tag(text[end]).startswith(_PARTICLE_TAGS):
        return False
    if unit[0] in _DEGREE or unit[0] == "一" or unit[-1] in _PHRASE_STOP or unit[0] in "的之":
        return False
    return True


#: resultative and relational second morphemes of two-character verbs (看见, 达到, 使得,
#: 做好, 成为, 属于): a verb-result or verb-relation compound names an outcome, not an action
#: that can be done "a little", and does not reduplicate (看见看见, 成为成为)
_RESULT = set("到得成完好住掉见为于")
#: aspect particles: a reduplicated verb takes none (研究研究了 is no Chinese; 研究了研究 is)
_ASPECT = set("了着过")


def _abab_impossible(text: str, end: int, unit: str) -> str:
    """Why a word repeated ABAB (ending at ``end``) cannot be a reduplication, or ``""``.

    ABAB reduplication is for action verbs done briefly or tentatively (商量商量, 照顾照顾后代),
    state words (雪白雪白的), numeral phrases (一步一步地) and adverbs (非常非常). It takes no
    aspect particle, modifies no noun through 的 and is no noun head after 的, so a verb or
    noun repeated before 了/着/过, before an attributive 的 (的 followed by more Han text)
    or after 的 is an echo (具备具备了一定的, 率领率领的小组, 岁月的流逝流逝); a resultative
    or relational verb (达到, 使得, 成为) does not reduplicate at all, so running on into its
    clause it is an echo too; nor does a bare number (九百九百, unlike 一步一步). Names
    (jieba ``nr``, which also tags some adjectives such as 香甜) are left alone.

    >>> _abab_impossible("具备具备了一定", 4, "具备") != "", _abab_impossible("率领率领的小组", 4, "率领") != ""
    (True, True)
    >>> _abab_impossible("成为成为华东", 4, "成为") != "", _abab_impossible("商量商量，再说", 4, "商量")
    (True, '')
    >>> _abab_impossible("雪白雪白的衣服", 4, "雪白"), _abab_impossible("照顾照顾后代", 4, "照顾")
    ('', '')
    >>> _abab_impossible("岁月的流逝流逝显得", 7, "流逝") != "", _abab_impossible("一千九百九百五十", 6, "九百") != ""
    (True, True)
    """
    start = end - 2 * len(unit)
    if all(c in _NUMERALS for c in unit):
        return "a bare number does not reduplicate"
    t = _lexicon.tag(unit)
    if not t.startswith(("v", "n")) or t.startswith("nr") or end >= len(text):
        return ""
    nxt = text[end]
    if start > 0 and text[start - 1] == "的" and "\u3400" <= nxt <= "\u9fff":
        # (running on into Chinese text: a copy closing a line or before a name such as
        # 文件1 may be a label)
        return f"after 的 a {t} heads a noun phrase and does not reduplicate"
    han_after = end + 1 < len(text) and "\u3400" <= text[end + 1] <= "\u9fff"
    if nxt in _ASPECT:
        return f"a reduplicated {t} takes no {nxt}"
    if nxt == "的" and han_after:
        return f"a reduplicated {t} modifies no noun through 的"
    if t.startswith("v") and len(unit) == 2 and unit[1] in _RESULT and "\u3400" <= nxt <= "\u9fff" \
            and nxt not in _PHRASE_STOP and not _lexicon.tag(nxt).startswith(_PARTICLE_TAGS):
        return f"a resultative verb ({unit[1]}) does not reduplicate"
    return ""


def _may_end_left_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` may close a word or name on its left (两国|国防, 农村司|司长): a
    dictionary word ends there, or the character before it is a bound Han character and
    ``text[i]`` is one that mostly closes words (司 in 公司, 度 in 程度). A free function
    word before it (的|方|方法) or no Han character at all leaves it alone.

    >>> _may_end_left_word("农村司司长", 2), _may_end_left_word("使用的方方法", 3)
    (True, False)
    """
    if i == 0 or not ("\u3400" <= text[i - 1] <= "\u9fff"):
        return False
    if any(_lexicon.freq(text[i - k:i + 1]) for k in (1, 2, 3) if i >= k):
        return True
    return _lexicon.free_ratio(text[i - 1]) < _FREE and _lexicon.end_ratio(text[i]) >= 0.5


#: free-ness below which a content character is seldom a word of its own (传 0.15, 详 0.16);
#: adjectives that are (难 0.27 in 蜀道之难|难于上青天) lie above it
_LONE = 0.2
#: jieba tags of content characters that are rarely words on their own: nouns, adjectives
#: and their bound morphemes (传, 详, 稀); verbs are left out (该包|包含, 使|使用者)
_CONTENT_TAGS = ("n", "a", "ag", "ng", "vg", "an")
#: tags of function characters that close nothing on their right: particles, prepositions,
#: pronouns, conjunctions, adverbs
_FUNCTION_TAGS = ("u", "p", "r", "c", "d")


def _lone_content_after_function(text: str, i: int) -> bool:
    """A lone copy of a content character right after a function character, before a word
    that starts with it (而是传|传递, 我详|详细, 的稀|稀疏): nothing on the left can own the
    copy, and a noun or adjective character is seldom a word of its own, so the copy is an
    echo. A character a word on the left may end (两国|国内, 命令列|列出) or a verb (该包|包含)
    stays flagged.

    >>> _lone_content_after_function("而是传传递", 2), _lone_content_after_function("展示该包包含的", 3)
    (True, False)
    >>> _lone_content_after_function("两国国内", 1), _lone_content_after_function("其营营地叫", 1)
    (False, False)
    """
    unit = text[i]
    if i == 0 or _lexicon.free_ratio(unit) >= _LONE or _lexicon.tag(unit) not in _CONTENT_TAGS:
        return False
    if i + 2 < len(text) and text[i + 2] in _PHRASE_STOP:
        return False  # AA + 地/的 is an adverbial reduplication (营营地叫)
    left = text[i - 1]
    if not ("\u3400" <= left <= "\u9fff") or _may_end_left_word(text, i):
        return False
    return _lexicon.tag(left).startswith(_FUNCTION_TAGS) or left in "是有"


#: tags of function characters that open a phrase of their own after any word (可以|以任何顺序,
#: 现在|在 Debian 上, 及其|其): prepositions, conjunctions, pronouns, adverbs
_OPENERS = ("p", "c", "r", "d")


#: the longest line of classical verse (seven characters) plus the echo: a clause this
#: short may be verse, where a character doubled at the end is descriptive (烝徒增增。)
_VERSE_LINE = 8


def _clause_start(text: str, i: int) -> int:
    """Offset where the clause holding ``text[i]`` starts: after the last clause-ending
    punctuation or line break before it.

    >>> _clause_start("烝徒增增。天地", 6), _clause_start("abc", 1)
    (5, 0)
    """
    lo = max(0, i - 2 * _VERSE_LINE)  # only the length up to a verse line matters
    return max([text.rfind(c, lo, i) for c in _CLAUSE_END] + [lo - 1]) + 1


def _clause_end(text: str, j: int) -> int:
    """Offset of the first clause-ending punctuation or line break at or after ``j``.

    >>> _clause_end("人不治水水害人。", 5), _clause_end("abc", 1)
    (7, 3)
    """
    hi = min(len(text), j + 2 * _VERSE_LINE)  # only the length up to a verse line matters
    return min([k for k in (text.find(c, j, hi) for c in _CLAUSE_END) if k >= 0] or [hi])


def _suffix_echo_one(text: str, word: str, unit: str, following: str = "", *,
                     closes_clause: bool = False, overlapped: bool = False, prose: bool = False,
                     verse: bool = False) -> Verdict:
    """A word followed by one copy of its last character (针对|对, 可以|以, 它们|们);
    ``following`` is the token after the copy, ``closes_clause`` whether punctuation
    follows it, ``overlapped`` whether a dictionary word also ends inside ``word`` just
    before the first copy (信手|续 in 信手续续弹: the copies may be a reduplication 续续).

    The copy is a suffix that cannot start anything (们) -> drop; a bound character that is
    almost never a word of its own (建议|议你, 变化|化的) -> drop, unless a localizer follows,
    which turns a bound noun into a place phrase (代表|表中 "in the table"), or the pair
    closes a clause no longer than a line of verse (``prose`` false) or the word is
    ambiguous on its left (descriptive reduplication in
    verse: 烝徒增增。, 信手续续弹); a character that is seldom a word alone between the word
    and a whole word of two or more characters (武器|器|基地) -> drop, unless the clause is
    no longer than a line of ``verse`` (治水|水|害人。) or the character is a
    classifier, which may open a compound the lexicon lacks (單位|位元組); a preposition
    after a preposition (针对|对) is ungrammatical but the lexicon cannot be sure -> flag; a
    free function character (preposition, conjunction, pronoun, adverb, particle) starts the
    next phrase in correct Chinese (可以|以任何顺序, 现在|在 Debian 上, 但是|是, 脚踏实地|地)
    -> keep, unless punctuation follows it, when it starts no phrase at all (最后|后，); a
    free content character may start the next phrase too (没想到|到北京), but a verb, noun,
    localizer or numeral after a word that ends in it is as often an echo (过去|去科普工作,
    只有|有防城港, 街上|上不时) -> flag, as is anything else (从严治党|党).

    >>> _suffix_echo_one("", "建议", "议", "你").action, _suffix_echo_one("", "代表", "表", "中").action
    ('drop', 'flag')
    >>> _suffix_echo_one("", "可以", "以", "任何").action, _suffix_echo_one("", "最后", "后", closes_clause=True).action
    ('keep', 'flag')
    >>> _suffix_echo_one("", "过去", "去", "科普").action, _suffix_echo_one("", "及其", "其", "市").action
    ('flag', 'keep')
    >>> _suffix_echo_one("", "武器", "器", "基地").action, _suffix_echo_one("", "单位", "位", "元组").action
    ('drop', 'flag')
    """
    if _lexicon.tag(unit) == "k":
        return Verdict("drop", f"suffix echo {word}|{unit} (a suffix cannot stand alone)")
    if _lexicon.free_ratio(unit) < _ECHO_BOUND and not _lexicon.tag(following).startswith("f") \
            and (prose or not closes_clause) and not overlapped:
        return Verdict("drop", f"suffix echo {word}|{unit} ({unit} is almost never a word alone)")
    if _lexicon.free_ratio(unit) < _ECHO_WORD and len(following) >= 2 and not _lexicon.tag(following).startswith("f") \
            and not _lexicon.tag(unit).startswith("q") and not closes_clause and not overlapped and not verse:
        # the copy stands between two whole words (武器|器|基地, 国防|防|建设): a character
        # that is seldom a word of its own has nothing to join there. A classifier may open
        # a compound the lexicon lacks (單位|位元組 "byte" in Taiwan usage): flagged below
        return Verdict("drop", f"suffix echo {word}|{unit} before the word {following} ({unit} is seldom a word alone)")
    if _lexicon.free_ratio(unit) < _FREE and (following == "的" or following in _PARTICLES
                                              and not _lexicon.tag(unit).startswith("v")) and not overlapped:
        # a bound character standing alone would have to be a word of its own that takes
        # 的 (描述|述的, 单独|独的); before 了 a verb character may be one (工作|作了部署)
        return Verdict("drop", f"suffix echo {word}|{unit}: the bound {unit} cannot take {following}")
    if _lexicon.tag(word) == "p" and _lexicon.tag(unit) == "p":
        return Verdict("flag", f"suffix echo {word}|{unit}: preposition after preposition")
    if _lexicon.free_ratio(unit) >= _FREE and not closes_clause and (
            unit in _FUNCTION or unit in _PHRASE_STOP or _lexicon.tag(unit).startswith(_OPENERS)):
        return Verdict("keep", f"{unit} after {word} is a free function word starting the next phrase")
    return Verdict("flag", f"suffix echo {word}|{unit}, or {unit} starts the next phrase")


def _verb_object(word: str) -> bool:
    """Whether ``word`` could be a verb-object compound that a lone verb before it
    reduplicates (见|见面, 聊|聊天, 帮|帮忙: the AAB form 见见面 is ordinary Chinese). Such
    compounds are two characters, and none is a preposition or conjunction: a verb alone
    before a longer word (可|可行性) or before 通|通过 does not reduplicate it.

    >>> _verb_object("见面"), _verb_object("可行性"), _verb_object("通过")
    (True, False, False)
    """
    return len(word) == 2 and not _lexicon.tag(word).startswith(("p", "c"))


def _pair_out_of_step(text: str, i: int) -> str:
    """Whether a doubled character that is a word (统统, 软软, 远远) is out of step with the
    words around it, so that the lexicon's "word" is no evidence the pair was meant. jieba's
    own segmentation of the window decides, as it weighs the pair word against its neighbours:

    ``"left"``: the first copy ends a word on its left and the second copy is left alone
    (系统|统|重新): a word plus an echo of its last character, the pair word a coincidence.
    ``"right"``: the first copy is left alone and the second opens a longer word on its right
    (软|软件包, 远|远程, 工作人|人员, 好一|一些), and the pair is an adverb or adjective (远远,
    软软) or the lone copy is no verb (人, 一, 日): jieba itself prefers the word on the right,
    so the pair word is no evidence and the text is flagged for review, not changed. A verb
    alone before a word it starts is ordinary text (来|看看, 见|见面) and stays; jieba tags a
    few verbs as nouns (问 in 问|问题), which are flagged too, at ~0.2 flags per 100k characters
    of undamaged news text.
    ``""``: jieba keeps the pair (他们|统统|走了, 来|看看), or ``一`` opens a classifier
    reduplication (一头头, 一个个).

    >>> _pair_out_of_step("每次系统统重新启动", 3), _pair_out_of_step("替软软件包", 1)
    ('left', 'right')
    >>> _pair_out_of_step("工作人人员老李", 2), _pair_out_of_step("解决好一一些难题", 3)
    ('right', 'right')
    >>> _pair_out_of_step("他们统统走了", 2), _pair_out_of_step("来看看更传统", 1)
    ('', '')
    """
    freq = _lexicon.freq
    left = any(freq(text[a:i + 1]) for a in range(max(0, i - 3), i))
    right = any(freq(text[i + 1:b]) for b in range(i + 3, min(len(text), i + 9) + 1))
    if not (left or right):
        return ""  # no word can take either copy: jieba keeps the pair
    lo = max(0, i - 6)
    ci, cj = i - lo, i + 1 - lo
    spans = {}
    pos = 0
    for tok in _lexicon.cut(text[lo:i + 8]):
        spans[pos] = pos + len(tok)
        pos += len(tok)
    starts = {e: s for s, e in spans.items()}
    if starts.get(cj, ci) < ci and spans.get(cj) == cj + 1 and text[i - 1] != "一":
        return "left"
    if spans.get(ci) == cj and spans.get(cj, cj) > cj + 1 and (
            _lexicon.tag(text[i] * 2)[:1] in ("d", "a") or not _lexicon.tag(text[i]).startswith("v")
            or not _verb_object(text[i + 1:lo + spans[cj]])):
        return "right"
    return ""


#: the date units: after a numeral they close a date, and the next word may start with the
#: same unit (１９９８年|年初, ５月|月底)
_DATE = set("年月日")
#: numerals that take a classifier; 一 is left out, as 一AA is a reduplication (一个个)
_NUMERALS = set("0123456789０１２３４５６７８９两二三四五六七八九十百千万几")


def _numeral_classifier(text: str, i: int) -> bool:
    """Whether the pair ``text[i:i+2]`` is a classifier doubled after a numeral other than
    一 (６２个|个, 三种|种): a numeral takes one classifier, and the reduplicated classifier
    (个个 "every one", 种种 "all kinds") follows no numeral, so the second copy is an echo.

    >>> _numeral_classifier("抽调62个个各种", 4), _numeral_classifier("一个个", 1), _numeral_classifier("他们个个", 2)
    (True, False, False)
    >>> _numeral_classifier("1998年年主题", 4)
    False
    """
    unit = text[i]
    if i == 0 or text[i - 1] not in _NUMERALS or unit in _DATE:
        return False  # a date unit may open a word of its own (１９９８年|年主题, 年初, 月底)
    return unit in _CLASSIFIERS or _lexicon.tag(unit).startswith("q")


#: modal verbs: one-character verbs that reduplicate are
#: action verbs (看看, 说说, 试试); modal verbs never do (能能, 要要). (有 and 使 are left out:
#: in classical Chinese they are also a noun prefix and the noun "envoy": 九有有截, 使使)
_AUXILIARIES = set("能要应该敢肯愿")


def _function_like(unit: str) -> bool:
    """Whether the character ``unit`` is a function word that does not reduplicate:
    a preposition, conjunction, particle or localizer (则, 地, 后, 上), an adverb that is
    a word of its own (不, 更, 便), or a modal verb (能, 要). Classifiers that jieba
    tags as adverbs (只 in 只只肥壮) and bound characters of names (特 in 李特特) are not.

    >>> _function_like("更"), _function_like("后"), _function_like("只"), _function_like("特"), _function_like("年")
    (True, True, False, False, False)
    >>> _function_like("能"), _function_like("看")
    (True, False)
    """
    if unit in _AUXILIARIES:
        return True
    if unit in _CLASSIFIERS:
        return False
    t = _lexicon.tag(unit)
    return t.startswith(("p", "c", "u", "f")) or (t.startswith("d") and _lexicon.free_ratio(unit) >= _FREE)


def _opens_phrase(text: str, i: int) -> bool:
    """Whether ``text[i]`` opens a phrase: it starts the text or a line, or follows
    punctuation. After a letter, digit or space it may belong to a name or code on its left
    (updown 包 "the updown package").

    >>> _opens_phrase("，城城市", 1), _opens_phrase("《周周易》", 1), _opens_phrase("updown 包包含", 7)
    (True, True, False)
    """
    if i == 0 or text[i - 1] == "\n":
        return True
    left = text[i - 1]
    return not left.isalnum() and not left.isspace() and left not in "_-./\\"


def _opens_nothing(text: str, end: int) -> bool:
    """Whether the character at ``end`` cannot close a compound that the character before it
    opens: the text ends, or a non-Han character or a function character follows
    (领导人|人|对, 年轻人|人|从; 數字|字|元 may be the compound 字元).

    >>> _opens_nothing("领导人人对", 4), _opens_nothing("数字字元", 3)
    (True, False)
    """
    if end >= len(text) or not ("\u3400" <= text[end] <= "\u9fff"):
        return True
    return text[end] in _FUNCTION or _lexicon.tag(text[end]).startswith(_FUNCTION_TAGS)


def _measure_like(unit: str) -> bool:
    """Whether ``unit`` may be the classifier of a 一AA reduplication (一个个, 一份份, 一叶叶
    "leaf after leaf"): classifiers and nouns used as measures reduplicate after 一; a verb or
    a function character does not (一考|考核, 一是|是).

    >>> _measure_like("份"), _measure_like("叶"), _measure_like("考"), _measure_like("是")
    (True, True, False, False)
    """
    return unit not in _FUNCTION and not _lexicon.tag(unit).startswith("v")


def classify_double(text: str, i: int, size: int, *, in_text: bool = False, _pair_ok: bool = True) -> Verdict:
    """Classify the doubled unit ``text[i:i+size] == text[i+size:i+2*size]`` (simplified script).

    ``in_text`` (the stutter fixer) weighs a word followed by a copy of its last character
    as running text, where that character usually starts the next phrase (可以|以任何顺序);
    without it (a doubled character across a paragraph break, where the prior favours an
    artifact) such a suffix echo is a drop.

    >>> classify_double("坚定不移不移在党的领导下", 2, 2)
    Verdict(action='drop', reason='suffix echo 坚定不移|不移')
    >>> classify_double("他常常加班", 1, 1).action, classify_double("可以以任何顺序", 1, 1, in_text=True).action
    ('keep', 'keep')
    >>> classify_double("电视台台长讲话", 2, 1).action, classify_double("针对对不同群体", 1, 1, in_text=True).action
    ('keep', 'flag')
    >>> classify_double("不管怎管怎么样", 1, 2).action, classify_double("使用的方方法", 3, 1).action
    ('drop', 'drop')
    >>> classify_double("客户端的用户的用户名", 3, 3).action, classify_double("研究研究再说", 0, 2).action
    ('flag', 'flag')
    """
    unit = text[i:i + size]
    j = i + size
    end = j + size
    freq = _lexicon.freq
    # 1. a dictionary word spans the junction: longer than the pair, or frequent (常常, 天天)
    for a in range(max(0, j - 4), j):
        for b in range(min(len(text), j + 4), j, -1):
            w = text[a:b]
            f = freq(w)
            if f and (len(w) > 2 * size or f >= 50) and (size == 1 or a <= i or b >= end):
                if in_text and w == unit * 2 and _numeral_classifier(text, i) \
                        and not any(freq(text[j:j + k]) >= 20 for k in (2, 3, 4)):
                    # (when the second copy opens a word, 二十三日|日经, the rules below decide)
                    return Verdict("drop", f"a numeral takes one classifier: {text[i - 1]}{unit}|{unit}")
                side = _pair_out_of_step(text, i) if _pair_ok and in_text and size == 1 and w == unit * 2 else ""
                if side == "right":
                    return Verdict("flag", f"{w} is a word, but the second {unit} starts the word after it")
                if side == "left":
                    v = classify_double(text, i, 1, in_text=True, _pair_ok=False)
                    if v.action == "drop" or (v.action == "flag" and (
                            not _lexicon.tag(unit).startswith("n") or _opens_nothing(text, end))):
                        return Verdict(v.action, f"{w} is a word, but the first {unit} ends the word before it; {v.reason}")
                    # a noun after a word ending in it often opens a compound the lexicon
                    # lacks (數字|字元 in Taiwan usage, 每天|天不亮): the pair word stands,
                    # unless what follows can close no compound (年轻人|人|从)
                if in_text and _pair_ok and w == unit * 2 and _drop_gain(text, i, 1) >= _GAIN_PAIR:
                    return Verdict("flag", f"{w} is a word, but the text reads far better without one {unit}")
                if _pair_ok or w != unit * 2:
                    return Verdict("keep", f"lexicon: {w}({f})")
    if size == 1 and end + 1 < len(text) and text[end] == text[end + 1] != unit:
        return Verdict("keep", f"AABB reduplication {text[i:end + 2]}")
    lo = max(0, i - 6)
    window = text[lo:min(len(text), end + 6)]
    toks = _tokens_with_offsets(window)
    ci, cj, ce = i - lo, j - lo, end - lo
    tok_at = {s: (s, e, t) for s, e, t in toks}
    tok_end = {e: (s, e, t) for s, e, t in toks}
    for s, e, t in toks:
        # one token covers both copies. A short token across the junction of longer copies
        # covers neither (用户账|户账|号 cut as 用户|账户|账号): it is evidence only while
        # the copy is cheap to keep (去年|一年|一些, 的|目的|目录); dropping a copy that
        # restores whole words (用户账号) gains more, and is left to the rules below, unless
        # the repeat closes its clause, as repeats in verse do (乐国乐国，爰得我直)
        if s < cj < e and (size == 1 or s <= ci or e >= ce or ce >= len(window) or window[ce] in _CLAUSE_END
                           or _drop_gain(text, i, size) < _GAIN_STEP):
            if freq(t) >= 10:
                return Verdict("keep", f"token spans both copies: {t}")
            return Verdict("flag", f"rare token spans both copies: {t}")
    first = tok_at.get(ci)
    second = tok_at.get(cj)
    before = tok_end.get(cj)
    cuts = {s for s, _, _ in toks} | {e for _, e, _ in toks}
    second_alone = cj in cuts and ce in cuts
    if size == 1 and i > 0 and text[i - 1] == "一" and _measure_like(unit):
        return Verdict("keep", f"一{unit}{unit} reduplication")
    starts_word = next((text[j:j + k] for k in range(size + 3, size, -1) if freq(text[j:j + k]) >= 20), None)
    if first and second and first[2] == unit and second[2] == unit:
        if starts_word:
            return Verdict("flag", f"second copy may start the word {starts_word}")
        if size == 1 and (unit in _FUNCTION or _function_like(unit) or _numeral_classifier(text, i)):
            if end == len(text) or text[end] in _CLAUSE_END:
                # a stutter sits inside a phrase; a doubled character that closes a clause
                # is descriptive reduplication (佩玉将将，)
                return Verdict("flag", f"{unit}{unit} closes a clause (reduplication?)")
            return Verdict("drop", f"identical adjacent tokens {unit}|{unit}")
        if size == 1:
            return Verdict("flag", f"identical adjacent tokens {unit}|{unit} (reduplication?)")
        if _runs_on(text, end, unit) and not _lexicon.tag(unit).startswith(_REDUPLICATES):
            return Verdict("drop", f"ABAB tokens {unit}|{unit} run on in the clause; a {_lexicon.tag(unit) or '?'} does not reduplicate")
        why = _abab_impossible(text, end, unit)
        if why:
            return Verdict("drop", f"ABAB tokens {unit}|{unit}: {why}")
        return Verdict("flag", f"ABAB tokens {unit}|{unit} (verb reduplication?)")
    if before and second_alone and before[2].endswith(unit) and len(before[2]) > size:
        if size == 1:
            if unit in _CLASSIFIERS and not starts_word:
                ends = next((text[a:i] for a in range(max(0, i - 4), i - 1) if freq(text[a:i]) >= 100), None)
                if ends:
                    return Verdict("flag", f"suffix echo {before[2]}|{unit}, or {ends}|{unit}{unit} (classifier reduplication?)")
            if starts_word:
                return Verdict("flag", f"suffix echo {before[2]}|{unit}, but {starts_word} is a word")
            if not in_text:
                return Verdict("drop", f"suffix echo {before[2]}|{unit}")
            after = tok_at.get(ce)
            ws = i + 1 - len(before[2])
            # (a noun character does not form the descriptive AA of verse: 控制区|域域 is no
            # alternative reading of 控制区域|域)
            overlapped = not _lexicon.tag(unit).startswith("n") and any(
                freq(text[a:b]) for a in range(max(0, ws - 3), ws) for b in range(ws + 1, i + 1))
            closes = end == len(text) or text[end] in _CLAUSE_END
            return _suffix_echo_one(text, before[2], unit, after[2] if after else "",
                                    closes_clause=closes, overlapped=overlapped,
                                    prose=closes and end - _clause_start(text, i) > _VERSE_LINE,
                                    verse=_clause_end(text, end) - _clause_start(text, i) <= _VERSE_LINE)
        if starts_word:
            return Verdict("flag", f"suffix echo {before[2]}|{unit}, but {starts_word} is a word")
        return Verdict("drop", f"suffix echo {before[2]}|{unit}")
    if before and len(before[2]) > size and second is not None and len(second[2]) > size:
        return Verdict("keep", f"both copies inside words {before[2]}|{second[2]}")
    if size == 1 and first and first[2] == unit and second and len(second[2]) > 1 and second[2][0] == unit:
        # a lone first copy before a word that starts with it (的方|方法)
        if _lexicon.free_ratio(unit) < _BOUND and not _may_end_left_word(text, i):
            return Verdict("drop", f"lone copy of the bound {unit} before {second[2]}")
        if _lone_content_after_function(text, i):
            return Verdict("drop", f"lone {unit} after a function word, before {second[2]}")
        if _opens_phrase(text, i) and _lexicon.free_ratio(unit) < _LONE and text[i + 2:i + 3] not in _PHRASE_STOP:
            # at the start of a phrase (after punctuation, a quote or a title mark) no word
            # on the left can own the copy, and a character seldom a word alone is no word
            # of its own there (，城|城市, 《周|周易》); AA + 地/的 is an adverbial
            # reduplication (，营营地叫)
            return Verdict("drop", f"lone {unit} opening a phrase, before {second[2]}")
        return Verdict("flag", f"lone {unit} before {second[2]} (or a word {unit}?)")
    bound_single = any(e - s == 1 and ci <= s and e <= ce and _lexicon.free_ratio(t) < _FREE for s, e, t in toks)
    if size >= 2 and not (ci in cuts and ce in cuts) and bound_single:
        # the copies cut through words and leave a bound character alone (不管|怎|管|怎么样);
        # an aligned phrase repeat (很紧很紧, 读着读着) or whole words (的用户|的用户名) are not this
        gain = _drop_gain(text, i, size)
        if gain >= _GAIN[size]:
            return Verdict("drop", f"echo {unit}|{unit} cuts through words (dropping it gains {gain:.0f})")
    if size >= 2 and not (ci in cuts and cj in cuts):
        # the first copy starts or ends inside a word (即便|这|便这样, 挤|堵|挤堵塞), and no
        # dictionary word spans the copies (忽闪忽闪, 大把大把 returned above): a repeat
        # that Chinese makes on purpose repeats whole words (商量商量, 很紧很紧, 的用户|的用户名),
        # so a repeat out of step with the words is an echo. Measured on People's Daily and
        # Debian text: no legitimate repeat reaches this point.
        return Verdict("drop", f"echo {unit}|{unit} starts or ends inside a word")
    if size >= 2 and _runs_on(text, end, unit) and len([t for s, e, t in toks if ci <= s and e <= cj]) > 1:
        return Verdict("drop", f"phrase {unit}|{unit} repeated inside the clause")
    if not second_alone:
        nxt = [t for s, e, t in toks if s <= cj < e]
        return Verdict("flag", f"second copy absorbed into {nxt[0] if nxt else '?'}")
    return Verdict("flag", "doubled unit, lexicon undecided")


def find_stutters(text: str):
    """Edits (drops) and flags for :func:`remove_stutters`.

    Decisions are made on the simplified form of the text (same length), so traditional
    script gets the same decisions as simplified: the lexicon is simplified (紛紛 = 纷纷).
    """
    edits, flags = [], []
    key = None
    pos = last_end = 0
    while (m := _DOUBLE.search(text, pos)) is not None:
        if key is None:
            key = _lexicon.simplified(text)
        i = m.start()
        size = len(m.group(1))
        if i < last_end and text[i - size:i] == m.group(1):
            # the second pair of a run of three copies (啪啪啪, 注意注意注意): the run
            # was weighed as a whole at its first pair
            pos = i + 1
            continue
        v = classify_double(key, i, size, in_text=True)
        j = i + size
        # a repeat that is kept or flagged may overlap the real one, which starts inside it
        # (交警支队|支队长|队长: 支队支队 stands, 队长队长 is the echo)
        pos = j + size if v.action == "drop" else i + 1
        last_end = max(last_end, j + size)
        if v.action == "keep":
            continue
        ls = text.rfind("\n", 0, i) + 1
        le = text.find("\n", j + size)
        le = len(text) if le == -1 else le
        if v.action == "drop" and _table_line(text[ls:le]):
            v = Verdict("flag", f"in a table line, repeated cells are no stutter: {v.reason}")
        if v.action == "drop":
            edits.append(Edit(j, j + size, "", "stutter", v.reason))
        else:
            a, b = max(ls, i - 3), min(le, j + size + 3)
            flags.append(Flag(a, b, "stutter", f"possible stutter {text[i:j + size]}: {v.reason}"))
    return edits, flags


#: sentence punctuation: a table caption with none of it holds flattened cells, not clauses
_SENTENCE_MARKS = re.compile("[，。；！？,;!?]")


def _table_line(line: str) -> bool:
    """Whether ``line`` is a table, or a table's caption run together with its column headers
    (``表１：…从业人员人员（万人）比重（％）人员（万人）``): without sentence punctuation such a
    line is a row of cells, and neighbouring cells repeat words (人员 | 人员（万人）) on purpose.
    There is no clause to judge, so a repeat there is flagged for review, never dropped.

    >>> _table_line("表１：农村从业人员行业结构从业人员人员（万人）比重（％）"), _table_line("表１：去年的的产量，比前年增长。")
    (True, False)
    >>> _table_line("图为工人们在在检修设备")
    False
    """
    kind = classify_block(line)
    if kind == "table":
        return True
    return kind == "caption" and line.lstrip(" \t\u3000")[:1] == "表" and not _SENTENCE_MARKS.search(line)


def remove_stutters(text: str) -> str:
    """Drop a doubled unit of 1-4 characters when the jieba lexicon says one copy is an echo:

    - two identical one-character function tokens (的|的);
    - a word followed by a copy of its last 2-4 characters (坚定不移|不移) or by a lone
      suffix (它们|们);
    - a lone copy of a bound character before the word it starts (的方|方法), or after the
      word it ends (建议|议你);
    - a partial-word echo, a 2-4 character repeat that is a token in neither copy and
      whose removal makes the words around it whole again (不管怎|管怎|么样), or whose
      first copy starts or ends inside a word (今天|天在);
    - a plain adjective repeated ABAB inside its clause (不同不同方法), and a repeat that
      ABAB reduplication cannot form: a verb or noun before 了/着/过 or an attributive 的
      (具备具备了), a resultative verb (成为成为);
    - a character seldom a word alone between the word it ends and a whole word
      (武器|器|基地), or opening a phrase before the word it starts (，城|城市);
    - a doubled function word (更更, 地地) and a classifier doubled after a numeral (６２个|个).

    Legitimate text stays: words in the lexicon that span both copies (常常, 依依不舍,
    的的确确, 一组组, 齐齐哈尔), AABB (方方面面), copies that each belong to a word
    (工作|作风, 时间|间隔, 学习|习近平), and a free function character that starts the next
    phrase (可以|以任何顺序, 现在|在 Debian 上). Anything undecided is only flagged
    (针对|对, 研究研究, 落落地, 过去|去科普). Repeats may overlap (交警支队|支队长|队长):
    each position is weighed, except the later pairs of a run of three (啪啪啪).

    >>> remove_stutters("发展的的工作，不管怎管怎么样，坚定不移不移在党的领导下")
    '发展的工作，不管怎么样，坚定不移在党的领导下'
    >>> remove_stutters("转变工作作风，有关人事事项，依依不舍，常常加班，的的确确")
    '转变工作作风，有关人事事项，依依不舍，常常加班，的的确确'
    """
    edits, _ = find_stutters(text)
    return splice(text, edits)
