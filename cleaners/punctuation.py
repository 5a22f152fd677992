"""GB/T 15834-2011 punctuation normaliser: ASCII marks in Chinese context become full width."""

from __future__ import annotations

import re

from ._edits import Edit, splice

#: characters that make a neighbouring ASCII mark "Chinese context": Han, CJK symbols and
#: punctuation, full-width forms, curly quotes, em dash and ellipsis.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
_CJK_CHAR = re.compile(f"[{CJK}]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）", "~": "～"}
_RUN = re.compile(r"[,;:!?]+")
_TILDE = re.compile("(?<=[0-9%\u3400-\u4dbf\u4e00-\u9fff])~(?=[0-9\u3400-\u4dbf\u4e00-\u9fff])")
_LINE = re.compile(r"[^\n]+")
_PARENS = re.compile(r"[()]")
_NUM_LEFT = re.compile(r"[0-9.%‰℃]+$")
_NUM_RIGHT = re.compile(r"[0-9.%‰℃]+")
#: closing quotes: an ASCII mark between a Latin word and one of these ends quoted English
_CLOSE_QUOTE = "”’\"'"
#: converted marks that take their own spacing: a space after them is part of the ASCII style
_ABSORBS_SPACE = set(",;:!?)")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def _left(line: str, i: int) -> str:
    """The character left of ``line[i]``, looking past one space (``字符 , 这里``).

    >>> _left("字符 ,", 3), _left("a  ,", 3), _left(",", 0)
    ('符', ' ', '')
    """
    if i >= 2 and line[i - 1] == " " and line[i - 2] != " ":
        return line[i - 2]
    return line[i - 1] if i else ""


def _right(line: str, i: int) -> str:
    """The character at ``line[i]`` or, when that is one space, the one after it
    (``unstable, 因为``: the comma's context is 因).

    >>> _right(", 因为", 1), _right(",  x", 1), _right(",", 1)
    ('因', ' ', '')
    """
    n = len(line)
    if i < n and line[i] == " " and i + 1 < n and line[i + 1] != " ":
        return line[i + 1]
    return line[i] if i < n else ""


def _ends_quoted_latin(line: str, s: int, e: int) -> bool:
    """True when the run ``line[s:e]`` sits between a Latin word and a closing quote:
    it ends a quoted English sentence (``“See you tomorrow!”``) and stays ASCII.

    >>> _ends_quoted_latin("说“tomorrow!”", 10, 11), _ends_quoted_latin("真的吗?”", 3, 4)
    (True, False)
    """
    return s > 0 and line[s - 1].isascii() and line[s - 1].isalpha() and e < len(line) and line[e] in _CLOSE_QUOTE


def _line_edits(line: str, base: int, edits: list) -> None:
    # a converted mark is itself Chinese context for its neighbours ("好((" -> "好（（"):
    # repeat on the converted line until nothing new converts (replacements keep offsets)
    convert: dict = {}
    current = line
    for _ in range(len(line) + 1):
        new = {k: v for k, v in _conversions(current).items() if k not in convert}
        if not new:
            break
        convert.update(new)
        chars = list(current)
        for k in new:
            chars[k] = _FULL[line[k]]
        current = "".join(chars)
    n = len(line)
    for k in sorted(convert):
        end = k + 1
        if (line[k] in _ABSORBS_SPACE and end + 1 < n and line[end] == " "
                and (end + 1) not in convert and _is_cjk(current[end + 1])):
            end += 1  # "包, 你" -> "包，你": the full-width mark carries its own space
        reason = convert[k] + (" (and the space after it)" if end > k + 1 else "")
        edits.append(Edit(base + k, base + end, _FULL[line[k]], "punctuation", reason))


def _conversions(line: str) -> dict:
    n = len(line)
    # parentheses: pair them per line with a stack
    stack, pairs, lone = [], [], []
    for m in _PARENS.finditer(line):
        i, ch = m.start(), m.group()
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                pairs.append((stack.pop(), i))
            else:
                lone.append(i)
    lone.extend(stack)
    convert = {}
    for a, b in pairs:
        inner = line[a + 1:b]
        prev = line[a - 1] if a else ""
        nxt = line[b + 1] if b + 1 < n else ""
        if _CJK_CHAR.search(inner) or ((_is_cjk(prev) or _is_cjk(nxt)) and not (prev.isascii() and (prev.isalnum() or prev == "_"))):
            convert[a] = "paren pair in Chinese context"
            convert[b] = "paren pair in Chinese context"
    for i in lone:
        prev = _left(line, i)
        nxt = _right(line, i + 1)
        if _is_cjk(prev) or _is_cjk(nxt):
            convert[i] = "unpaired paren next to Chinese"
    for m in _RUN.finditer(line):
        s, e = m.span()
        prev = _left(line, s)
        nxt = _right(line, e)
        run = m.group()
        if _ends_quoted_latin(line, s, e):
            continue
        if run == "::" and e < n and line[e].isascii() and (line[e].isalpha() or line[e] == "_"):
            continue  # a scope operator in code (::html::init, std::string)
        if not (_is_cjk(prev) or _is_cjk(nxt)):
            # numbers between Chinese words: 增长32.48%,2022年 (look past the digits)
            left = _NUM_LEFT.search(line, 0, s)
            right = _NUM_RIGHT.match(line, e)
            li = left.start() if left else s
            ri = right.end() if right else e
            ctx = [line[li - 1] if li > 0 else None, line[ri] if ri < n else None]
            if not ((left or right) and all(c is None or _is_cjk(c) for c in ctx) and any(ctx)):
                continue
        if len(run) == 1 and s and e < n and line[s - 1].isdigit() and line[e].isdigit():
            if run == ":":
                continue  # time or ratio 10:30
            if run == "," and re.match(r"\d{3}(?!\d)", line[e:e + 4]):
                continue  # thousands separator 1,000
        for k in range(s, e):
            convert[k] = f"ASCII '{run}' next to Chinese"
    for m in _TILDE.finditer(line):
        convert[m.start()] = "range '~' between numbers/Han (GB/T 15834 4.13)"
    return convert


#: an attribution line opened with ASCII dashes and a space (fortunes, mailing-list signatures)
_ASCII_ATTRIBUTION = re.compile(r"[ \t]*--[ \t]+\S")


def find_punctuation(text: str):
    """Edits for :func:`normalize_punctuation`; only lines that contain a Han character are
    touched, and never a line with a tab: tab-separated rows are tables (package lists, option
    tables) whose cells mix code, English and Chinese, so ASCII there is usually literal. Nor an
    attribution line that its author opened with an ASCII ``-- `` (``-- 《日常》 (动画第4集)``): the
    source of a quotation is cited as written, in the ASCII style the dash chose.

    >>> find_punctuation("-- 《日常》 (动画第4集)\\n")[0], len(find_punctuation("—— 《日常》 (动画第4集)\\n")[0])
    ([], 2)
    """
    edits: list = []
    if not any(c in text for c in ",;:!?()~"):
        return edits, []
    for m in _LINE.finditer(text):
        line = m.group()
        if "\t" in line or not _HAN.search(line) or not any(c in line for c in ",;:!?()~") or _ASCII_ATTRIBUTION.match(line):
            continue
        _line_edits(line, m.start(), edits)
    return edits, []


def normalize_punctuation(text: str) -> str:
    """Turn ASCII ``, ; : ! ? ( )`` into full-width ``，；：！？（）`` when they sit in Chinese
    text, as GB/T 15834-2011 asks, and ``~`` between numbers or Han into ``～`` (a value range).

    A mark is in Chinese context when a neighbour (past any run of ASCII marks) is Han, CJK
    punctuation, a full-width form, a curly quote, an em dash or an ellipsis. Left alone:
    decimals (32.48万), times and ratios (10:30), thousands separators (1,000), ``互联网+``,
    lines without any Han character (English, code), tab-separated table rows, ``f(x)`` calls
    with Latin content, and ``!``/``?`` that end a quoted English sentence (``tomorrow!”``).
    Context looks past one space (``unstable, 因为``), and a converted mark absorbs the one
    space after it, since the full-width mark already carries its spacing (``包, 你`` → ``包，你``).

    >>> normalize_punctuation("会议指出,要坚持(一)项原则:好!时间10:30,共1,000人,增长32.48%")
    '会议指出，要坚持（一）项原则：好！时间10:30，共1,000人，增长32.48%'
    >>> normalize_punctuation("2022年~2024年; print(x) and f(a, b)")
    '2022年～2024年； print(x) and f(a, b)'
    >>> normalize_punctuation("Hello, world! (no Chinese here)")
    'Hello, world! (no Chinese here)'
    >>> normalize_punctuation("使用 unstable, 因为它新; 他说“See you tomorrow!”")
    '使用 unstable，因为它新；他说“See you tomorrow!”'
    >>> normalize_punctuation("cp\\t复制文件(递归)\\tcoreutils")
    'cp\\t复制文件(递归)\\tcoreutils'
    """
    edits, _ = find_punctuation(text)
    return splice(text, edits)
