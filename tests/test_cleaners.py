"""Unit tests for cleaners: API, decode, each fixer, repair invariants, properties, layering."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedsift import cleaners
from seedsift.cleaners import FIXERS, CleanConfig, DecodeError, Repair, apply_repairs, clean, decode

PKG = Path(cleaners.__file__).resolve().parent


# -- API --------------------------------------------------------------------------------------

def test_public_api():
    assert set(cleaners.__all__) == {"decode", "DecodeError", "clean", "CleanConfig", "apply_repairs",
                                     "Repair", "Cleaned", "Decoded", "FIXERS", "lexicon_snapshot", "install_lexicon"}
    assert issubclass(DecodeError, ValueError)
    assert Repair._fields == ("kind", "start", "end", "before", "after", "applied", "reason", "line")


@pytest.mark.parametrize("name", sorted(FIXERS))
def test_every_fixer_documented_with_doctest(name):
    doc = FIXERS[name].__doc__ or ""
    assert ">>>" in doc and len(doc) > 80


def test_kinds_are_fixers_or_flags():
    text = (PKG.parent / "seeds").glob("*.txt")
    kinds = set()
    for p in text:
        kinds |= {r.kind for r in clean(p.read_text(encoding="utf-8")).repairs}
    assert kinds <= set(FIXERS) | {"gap"}


def test_config_validation():
    with pytest.raises(ValueError):
        clean("文本", CleanConfig(script="martian"))
    with pytest.raises(TypeError):
        clean(b"bytes")  # type: ignore[arg-type]


# -- decode -----------------------------------------------------------------------------------

SNIPPETS = ["广告", "本报讯", "工会搭鹊桥", "全国劳模受表彰", "会议指出，", "新华社记者 孙瑞博 摄", "老街新生",
            "今年一季度，全省规模以上工业增加值同比增长6.8%，高于全国平均水平。",
            "科研人员在海拔4500米的高原湖泊中采集了大量水样和沉积物样本，初步分析显示，"
            "该湖泊近百年来的水位变化与区域气候变暖密切相关。" * 5]


@pytest.mark.parametrize("text", SNIPPETS)
@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_decode_roundtrip(text, enc):
    d = decode(text.encode(enc))
    assert d.text == text
    if enc in ("gb18030", "gbk"):
        assert d.encoding == "gb18030"
    else:
        assert d.encoding == enc


@pytest.mark.parametrize("text", SNIPPETS)
def test_decode_big5(text):
    from seedsift.cleaners.script import convert_script

    trad = convert_script(text, "taiwan")
    d = decode(trad.encode("big5"))
    assert (d.text, d.encoding) == (trad, "big5hkscs")


def test_decode_errors_and_empty():
    assert decode(b"") == ("", "utf-8")
    with pytest.raises(DecodeError, match="NUL"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DecodeError, match="control"):
        decode(bytes(range(1, 9)) * 20)
    with pytest.raises(DecodeError):
        decode(b"\xff\xfe\x00\xd8")  # UTF-16 BOM, lone surrogate
    for exc in (DecodeError("x"),):
        assert "\n" not in str(exc)


# -- whitespace -------------------------------------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("正文。  \n", "正文。\n"),
    ("正文。\u3000\t\n下一行。", "正文。\n下一行。\n"),
    ("\n\n \n标题\n\n\n\n正文。\n\n\n", "标题\n\n正文。\n"),
    ("甲\t乙\t丙\t\n1\t2\t3\n", "甲\t乙\t丙\n1\t2\t3\n"),
    ("a\r\nb\rc", "a\nb\nc\n"),
    ("   ", ""),
    ("\u3000\u3000段首缩进保留。\n", "\u3000\u3000段首缩进保留。\n"),
])
def test_whitespace(src, want):
    assert clean(src).text == want


# -- punctuation ------------------------------------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("会议指出,要坚持;好!对吗?", "会议指出，要坚持；好！对吗？"),
    ("在陕西,全省11个市(区)组织招聘", "在陕西，全省11个市（区）组织招聘"),
    ("时间为10:30,人数1,200人,增长32.48%", "时间为10:30，人数1,200人，增长32.48%"),
    ("“互联网+”行动,2022年~2024年", "“互联网+”行动，2022年～2024年"),
    ("世界卫生组织(WHO)发布", "世界卫生组织（WHO）发布"),
    ("代码print(x)不变", "代码print(x)不变"),
    ("版本v2.3.1,地址api.example.com:8080。", "版本v2.3.1，地址api.example.com:8080。"),
    ("He said: fine, thanks!", "He said: fine, thanks!"),
    ("真的吗?!", "真的吗？！"),
    ("-- 《围城》 (钱锺书, 1947)", "-- 《围城》 (钱锺书, 1947)"),  # an attribution in the ASCII style its dash chose
    ("—— 《围城》(钱锺书)", "—— 《围城》（钱锺书）"),
])
def test_punctuation(src, want):
    assert clean(src + "\n").text == want + "\n"


def test_punctuation_off():
    assert clean("会议指出,要坚持\n", CleanConfig(fix_punctuation=False)).text == "会议指出,要坚持\n"


# -- stutters ---------------------------------------------------------------------------------

LEGIT = ["工作作风", "人事事项", "农民工工资", "学习习近平", "齐齐哈尔", "两国国歌", "试验队队员", "依依不舍",
         "一组组", "常常", "的的确确", "研究研究", "一台台", "现在在家", "天天", "认认真真", "三三两两",
         "执委会会议", "工会会员", "职工工作", "项目目录", "青海海北", "滴滴", "慢慢地", "一个个",
         # general reduplication morphology (AA, AABB, ABAB, 一AA) and word|word overlaps
         "说说", "年年", "月月", "件件", "张张", "颗颗", "亮亮", "暖暖", "看看", "想想", "试试", "家家户户",
         "方方面面", "时时刻刻", "红红火火", "干干净净", "扎扎实实", "妈妈", "星星", "哈哈", "谢谢", "等等",
         "个个", "人人", "处处", "层层", "步步", "点点", "阵阵", "一天天", "一年年", "密密麻麻", "兢兢业业",
         "生生不息", "源源不断", "息息相关", "讨论讨论", "休息休息", "雪白雪白", "一步一步", "一点一点",
         "个体户户籍", "人民民主", "中国国家队", "银行行长", "工人人数", "今年年初", "国家家庭"]


@pytest.mark.parametrize("word", LEGIT)
def test_legit_repeats_untouched(word):
    text = f"他们说，{word}是这样的。\n"
    r = clean(text)
    assert r.text == text
    assert not [x for x in r.repairs if x.applied]


@pytest.mark.parametrize("bad, good", [
    ("工运事业发展的的工作优势", "工运事业发展的工作优势"),
    ("工会组织带领它们们前进", "工会组织带领它们前进"),
    ("工会组织坚定不移不移在党的领导下", "工会组织坚定不移在党的领导下"),
])
def test_stutter_fixed(bad, good):
    r = clean(bad + "。\n")
    assert r.text == good + "。\n"
    assert [x.kind for x in r.repairs if x.applied] == ["stutter"]


@pytest.mark.parametrize("text, bad", [
    ("广播电视台台承办。\n", "电视台台"),   # or 电视|台台: classifier reduplication (件件有着落) -> flag
    ("民生实事件件有着落。\n", "事件件"),
])
def test_classifier_echo_flagged(text, bad):
    r = clean(text)
    assert r.text == text
    assert any(bad in x.before for x in r.repairs if x.kind == "stutter" and not x.applied)


def test_stutter_flagged_with_context():
    r = clean("全面从严治党落落地上下足功夫。\n")
    assert r.text == "全面从严治党落落地上下足功夫。\n"
    flags = [x for x in r.repairs if not x.applied and x.kind == "stutter"]
    assert flags and "落落地" in flags[0].before
    assert flags[0].before == "全面从严治党落落地上下足功夫。\n"[flags[0].start:flags[0].end]


# -- joins ------------------------------------------------------------------------------------

@pytest.mark.parametrize("src, want", [
    ("据不完全统计\n\n计,协同政府追回工资。\n", "据不完全统计，协同政府追回工资。\n"),
    ("各级工会努力作为，不\n\n断提升职工获得感。\n", "各级工会努力作为，不断提升职工获得感。\n"),
    ("他说：“我们要把好\n\n事办好。”\n", "他说：“我们要把好事办好。”\n"),
    ("推动建立深度融合\n\n、相互促进机制。\n", "推动建立深度融合、相互促进机制。\n"),
    ("成为女职工\n\n的精神“充电站”。\n", "成为女职工的精神“充电站”。\n"),
    ("开展2022\n\n年服务季活动。\n", "开展2022年服务季活动。\n"),
])
def test_joins(src, want):
    assert clean(src).text == want


@pytest.mark.parametrize("src", [
    "工会搭鹊桥\n\n2月12日，活动举行。\n",
    "共克时艰中展现工会力量\n\n——2020年全国工会工作10个难忘瞬间\n\n本报记者 郑莉 张锐\n\n【前言】\n",
    "全国劳模受表彰\n\n【瞬间】2020年11月24日，大会召开。\n",
    "会议部署了以下工作，主要是\n\n一是加强组织领导。\n",
    "图为2月5日，居民返回社区\n\n新华社记者 孙瑞博 摄\n\n（上接第1版）\n",
    "（新华社乌鲁木齐6月28日电）\n\n## 抗疫情促发展\n",
    "截至目前“天问一号”\t已在轨飞行\n\n项目\t数量\n",
    "守护碧水蓝天 共建美丽家园\n\n近日，市里召开会议。\n",
    "The meeting was adjourned at\n\nnoon on Monday.\n",
    "全文完，感谢阅读\n\n责任编辑：李四\n\n来源：新华社\n\n下一篇文章开始。\n",
    "- 加强组织领导，完善制度\n\n各级党组织要抓好落实。\n",
    "二、主要措施\n\n各级党组织要抓好落实。\n",
])
def test_refusals(src):
    assert clean(src).text == src


def test_gap_flag():
    src = "开展职工演讲、劳模宣讲、党史知识\n\n维护职工权益杰出律师”表彰，深化活动。\n"
    r = clean(src)
    assert r.text == src
    gaps = [x for x in r.repairs if x.kind == "gap"]
    assert gaps and not gaps[0].applied and "知识" in gaps[0].before and "维护" in gaps[0].before


def test_repeated_block_trap():
    first = "举办特别节目及大型职工文艺演出，开展职工演讲、劳模宣讲、党史知识"
    src = (f"{first}\n\n维护职工权益杰出律师”表彰，深化活动。\n\n中间段落。\n\n"
           f"{first}\n\n面建设社会主义现代化国家新征程的第一年。\n")
    r = clean(src)
    assert "知识面建设" not in r.text
    assert len([x for x in r.repairs if x.kind == "gap"]) == 2


def test_join_over_heading():
    src = "积极推行民生网“三网融\n\n## 向全国各族人民致以新春祝福\n\n合”，提升了基层治理能力。\n\n下一段。\n"
    r = clean(src)
    assert r.text == "积极推行民生网“三网融合”，提升了基层治理能力。\n\n## 向全国各族人民致以新春祝福\n\n下一段。\n"
    assert {x.kind for x in r.repairs if x.applied} == {"join", "heading_move"}


# -- boilerplate ------------------------------------------------------------------------------

def test_boilerplate_flag_and_drop():
    src = "正文一。\n\n新华社记者 孙瑞博 摄\n\n(上接第1版)正文二。(中光) 广告\n"
    r = clean(src)
    flags = [x for x in r.repairs if x.kind == "boilerplate"]
    assert len(flags) == 3 and not any(x.applied for x in flags)
    d = clean(src, CleanConfig(drop_boilerplate=True))
    assert d.text == "正文一。\n\n正文二。（中光）\n"
    assert apply_repairs(src, d.repairs) == d.text
    assert not [x for x in clean(d.text, CleanConfig(drop_boilerplate=True)).repairs if x.applied]


# -- script -----------------------------------------------------------------------------------

def test_script_options():
    src = "汉字转换测试，简体中文。\n"
    t = clean(src, CleanConfig(script="traditional"))
    assert t.text == "漢字轉換測試，簡體中文。\n"
    runs = [x for x in t.repairs if x.kind == "script"]
    assert [x.before for x in runs] == ["汉", "转换测试", "简体"]  # 字 is the same in both scripts
    assert apply_repairs(src, t.repairs) == t.text
    assert clean(t.text, CleanConfig(script="simplified")).text == src
    assert clean(src, CleanConfig(script="taiwan")).text.startswith("漢字")
    assert clean(src).text == src


# -- repair invariants and properties ---------------------------------------------------------

def _check_invariants(original, result):
    applied = [x for x in result.repairs if x.applied]
    assert applied == sorted(applied, key=lambda x: (x.start, x.end))
    for a, b in zip(applied, applied[1:]):
        assert a.end <= b.start and (a.start, a.end) != (b.start, b.end)
    for x in result.repairs:
        assert 0 <= x.start <= x.end <= len(original)
        assert original[x.start:x.end] == x.before
        assert x.line == original.count("\n", 0, x.start) + 1
        assert x.reason
    assert apply_repairs(original, result.repairs) == result.text


PIECES = ["据不完全统计", "计", "，", ",", "。", "的", "的的", "针对对", "工作", "作风", "常常", "\n", "\n\n", "\n\n\n",
          " ", "\t", "\u3000", "## 标题", "(", ")", "（", "）", "“", "”", ":", ";", "!", "?", "~", "10", "32.48",
          "万", "互联网+", "abc", "一是", "【瞬间】", "——", "本报记者 李明", "新华社记者 孙瑞博 摄", "(上接第1版)",
          "广告", "漢字", "台台", "不移", "研究", "落落地", "\r\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40),
       st.sampled_from([CleanConfig(), CleanConfig(drop_boilerplate=True), CleanConfig(script="simplified"),
                        CleanConfig(fix_punctuation=False)]))
def test_replay_and_idempotence(parts, config):
    text = "".join(parts)
    r = clean(text, config)
    _check_invariants(text, r)
    again = clean(r.text, config)
    assert not [x for x in again.repairs if x.applied], (text, r.text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("Lo", "Po", "Zs", "Cc", "Nd", "Ps", "Pe")),
               max_size=60))
def test_replay_arbitrary_text(text):
    r = clean(text)
    _check_invariants(text, r)
    assert not [x for x in clean(r.text).repairs if x.applied]


# -- layering and side effects ----------------------------------------------------------------

def test_pure_library():
    forbidden_mods = {"dedupe", "seedsift", "reports", "click", "tqdm"}
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & forbidden_mods, path
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                assert (node.module or "").split(".")[0] not in forbidden_mods, path
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("open", "print"), (path, node.func.id)
            elif isinstance(node, ast.Attribute):
                assert node.attr not in ("write_text", "write_bytes", "mkdir", "open"), (path, node.attr)


def test_jieba_default_tokenizer_never_initialised():
    import jieba

    clean("据不完全统计\n\n计，协同。\n")
    assert not jieba.dt.initialized  # so jieba never wrote its cache to the temp dir


@pytest.mark.parametrize(
    "text,expected",
    [("会议指出,要加强服务。", "会议指出，要加强服务。"), ("会议。 \n\n", "会议。\n"), ("会议。\n", "会议。\n"), ("会议。  ", "会议。")],
    ids=["no-newline-added", "blank-run-to-one", "kept", "trailing-spaces"],
)
def test_record_texts_get_no_final_newline(text, expected):
    """JSONL record texts are values, not files: no newline is added at the end."""
    config = CleanConfig(final_newline=False)
    result = clean(text, config)
    assert result.text == expected
    assert apply_repairs(text, result.repairs) == expected
    assert clean(result.text, config).repairs == ()


@pytest.mark.parametrize("enc", ["utf-16", "utf-32"])
def test_real_text_behind_a_bom_still_decodes(enc):
    text = "全国总工会召开会议。Workers' union met today.\n"
    assert decode(text.encode(enc)) == (text, enc)


def test_garbage_behind_a_bom_is_refused():
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode(b"\xff\xfe" + bytes(range(0xE0, 0xF8)) * 20)
