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


@pytest.mark.parametrize("text, bad", [
    # a noun pair word (人人) whose first copy ends the word on its left, before a
    # preposition: no compound can open there
    ("两位年轻人人从住所出发。\n", "人人"),
    # a lone verb before a longer word it opens: no AAB reduplication (见见面 is one)
    ("我们对这个提法的可可行性有疑问。\n", "可可"),
])
def test_pair_and_yi_reduplication_out_of_step_flagged(text, bad):
    assert flagged(text, bad)


@pytest.mark.parametrize("bad, good", [
    # 一 before a doubled verb or function character is no 一AA classifier reduplication:
    # 一是|是, 统一|考|考核 are weighed as any other double
    ("开展活动，一是是可以扩大影响。\n", "开展活动，一是可以扩大影响。\n"),
    ("实行统一考考核、统一管理。\n", "实行统一考核、统一管理。\n"),
])
def test_yi_before_verb_or_function_double_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", [
    "像一头头小牛。\n", "拥有了一份份温暖。\n", "我们见见面再说。\n", "大家聊聊天吧。\n",
    "数字字元在这里。\n",
])
def test_reduplications_still_kept(text):
    assert unchanged(text)


def test_overlapping_repeat_found():
    # 支队支队 (交警支队|支队长) stands; the echo 队长|队长 starts inside it
    r = clean("交警支队支队长队长李明出席。\n")
    assert r.text == "交警支队支队长李明出席。\n"


@pytest.mark.parametrize("text", ["炸弹啪啪啪。\n", "注意注意注意：有些选项已过时。\n", "庭院深深深几许？\n"])
def test_runs_of_three_copies_weighed_once(text):
    r = clean(text)
    assert r.text == text and not [x for x in r.repairs if x.kind == "stutter"][1:]


@pytest.mark.parametrize("bad, good", [
    # a verb or noun repeated ABAB before an aspect particle or an attributive 的
    ("目前我国这一行业具备具备了一定的规模。\n", "目前我国这一行业具备了一定的规模。\n"),
    ("由他率领率领的考察组今天到达。\n", "由他率领的考察组今天到达。\n"),
    ("请检查服务器服务器的配置文件。\n", "请检查服务器的配置文件。\n"),
    # a resultative or relational verb does not reduplicate
    ("这里已经成为成为华东最大的港口。\n", "这里已经成为华东最大的港口。\n"),
    ("这种做法使得使得农民的收入增加。\n", "这种做法使得农民的收入增加。\n"),
])
def test_abab_that_cannot_be_reduplication_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text, bad", [
    # verb reduplication: a tentative action, with or without an object
    ("老了，照顾照顾后代也好。\n", "照顾照顾"), ("也要跟家人商量商量。\n", "商量商量"),
    # state words and names before 的; what is left to a reader
    ("田里的庄稼黑绿黑绿的，长势很好。\n", "黑绿黑绿"), ("你不想见识见识什么是好戏吗？\n", "见识见识"),
])
def test_abab_reduplications_only_flagged(text, bad):
    assert flagged(text, bad)


@pytest.mark.parametrize("bad, good", [
    # a character seldom a word alone, echoed after the word it ends, before a whole word
    ("联合国人员核对可疑的武器器基地名单。\n", "联合国人员核对可疑的武器基地名单。\n"),
    ("一些企业从支持国防防建设的大局出发。\n", "一些企业从支持国防建设的大局出发。\n"),
    ("对抓典型工作作提出了更高的要求。\n", "对抓典型工作提出了更高的要求。\n"),
])
def test_bound_echo_before_a_whole_word_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text, bad", [
    # a classifier may open a compound the lexicon lacks (位元組 "byte" in Taiwan usage)
    ("忽略高位位元組的值。\n", "位位"),
])
def test_classifier_echo_before_a_word_flagged(text, bad):
    assert flagged(text, bad)


@pytest.mark.parametrize("bad, good", [
    # seldom a word alone (入 0.17, 外 0.19), between two words in a clause of prose
    ("请使用命令，并在提示时输入入用户账号和口令。\n", "请使用命令，并在提示时输入用户账号和口令。\n"),
    ("要继续敞开山门，进一步扩大对外外开放的程度。\n", "要继续敞开山门，进一步扩大对外开放的程度。\n"),
])
def test_seldom_free_echo_between_words_in_prose_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", ["人不治水水害人。\n", "一往情深深几许？\n", "国际悲歌歌一曲，\n"])
def test_free_character_between_words_in_verse_kept(text):
    assert clean(text).text == text


@pytest.mark.parametrize("bad, good", [
    # a classifier doubled after a numeral other than 一: the numeral takes one classifier
    ("地质部抽调６２个个各种类型的地质队。\n", "地质部抽调６２个各种类型的地质队。\n"),
    ("游客可以品尝到三种种不同的咖啡。\n", "游客可以品尝到三种不同的咖啡。\n"),
])
def test_classifier_doubled_after_numeral_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", ["一个个难题都解决了。\n", "他们个个都是好样的。\n", "二十三日日经指数下跌。\n"])
def test_classifier_reduplication_kept(text):
    assert clean(text).text == text


@pytest.mark.parametrize("bad, good", [
    # a doubled function word: adverb that is a word of its own, localizer, particle,
    # conjunction; or a classifier after a numeral
    ("双方努力可以达到更更高的水平。\n", "双方努力可以达到更高的水平。\n"),
    ("他名义上上拥有四十二家公司。\n", "他名义上拥有四十二家公司。\n"),
    ("他握着我的手热情地地说。\n", "他握着我的手热情地说。\n"),
    ("企业中的近７０００名名离退休人员。\n", "企业中的近７０００名离退休人员。\n"),
])
def test_doubled_function_word_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", [
    # classifier and name reduplications, and a date followed by a word that opens with its unit
    "羊群吃草，只只肥壮。\n", "他的女儿李特特捐了款。\n", "这是１９９８年年主题。\n", "收入也年年攀升。\n",
])
def test_reduplicated_classifiers_names_dates_not_dropped(text):
    assert clean(text).text == text


@pytest.mark.parametrize("bad, good", [
    # a lone copy opening a phrase, before the word it starts
    ("进入九十年代以后，城城市缺水问题日益突出。\n", "进入九十年代以后，城市缺水问题日益突出。\n"),
    ("针对《周周易》算命热的问题。\n", "针对《周易》算命热的问题。\n"),
])
def test_lone_copy_opening_a_phrase_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", ["运行 updown 包包含两个命令。\n", "苍蝇嘬着，营营地叫着。\n"])
def test_lone_copy_after_code_or_before_di_not_dropped(text):
    assert clean(text).text == text


@pytest.mark.parametrize("text, bad", [
    # a pair word (光光, 小小) out of place: the text reads far better without one copy
    ("中国科协主席周光光召为丛书题词。\n", "光光"),
    ("帮助贫困山区的妇女。（杨小小平）\n", "小小"),
])
def test_pair_word_out_of_place_flagged(text, bad):
    assert flagged(text, bad)


@pytest.mark.parametrize("text", ["生活紧紧巴巴的。\n", "资金源源注入商场。\n", "他们统统走了。\n"])
def test_pair_words_in_place_kept(text):
    assert unchanged(text)


@pytest.mark.parametrize("bad, good", [
    # after 的 a verb or noun heads a noun phrase: no ABAB reduplication; nor of a bare number
    ("岁月的流逝流逝显得凄美而沉毅。\n", "岁月的流逝显得凄美而沉毅。\n"),
    ("并减少储蓄所一千九百九百五十八个。\n", "并减少储蓄所一千九百五十八个。\n"),
])
def test_abab_after_de_or_bare_number_dropped(bad, good):
    assert clean(bad).text == good


def test_abab_after_de_before_a_name_not_dropped():
    text = "比较已排序的文件文件1 和文件2。\n"
    assert clean(text).text == text


@pytest.mark.parametrize("bad, good", [
    # modal verbs do not reduplicate (能能, 要要); action verbs do (看看, 试试)
    ("它具有双向沟通能力，能能积极调动人们的参与。\n", "它具有双向沟通能力，能积极调动人们的参与。\n"),
    ("但每次路过，总要要在心底问候一声。\n", "但每次路过，总要在心底问候一声。\n"),
])
def test_doubled_modal_verb_dropped(bad, good):
    assert clean(bad).text == good


@pytest.mark.parametrize("text", ["其贤者使使贤主。\n", "九有有截。\n"])
def test_classical_you_shi_not_dropped(text):
    assert clean(text).text == text


def test_noun_echo_with_overlapping_word_on_the_left_dropped():
    # 控制区 overlaps 区域 on the left, but a noun character forms no descriptive AA (域域)
    bad = "用户靠近基站控制区域域边缘时，手机会自动切换。\n"
    assert clean(bad).text == "用户靠近基站控制区域边缘时，手机会自动切换。\n"


def test_verb_echo_with_overlapping_word_on_the_left_flagged():
    assert flagged("低眉信手续续弹，说尽心中无限事。\n", "续续")


def test_bound_echo_closing_a_prose_clause_dropped():
    # a character almost never a word alone (择), echoed at the end of a clause longer than
    # a line of verse; in a short verse line the doubled character stays flagged (烝徒增增。)
    bad = "如果你只是想试一试，这个软件包是不错的选择择。\n"
    assert clean(bad).text == "如果你只是想试一试，这个软件包是不错的选择。\n"
    assert flagged("烝徒增增。\n", "增增")


@pytest.mark.parametrize("line", [
    # a table's caption run together with its column headers: neighbouring cells repeat words
    "表２：各省农村劳动力构成外出务工人员人员（万人）比重（％）\n",
    "地区\t外出务工人员人员\t比重\n",
])
def test_repeat_in_a_table_line_is_flagged_not_dropped(line):
    r = clean(line)
    assert r.text == line
    assert any(not x.applied and x.kind == "stutter" for x in r.repairs)


def test_same_repeat_in_prose_is_still_dropped():
    r = clean("今年外出务工人员人员增加了三成。\n")
    assert r.text == "今年外出务工人员增加了三成。\n"
