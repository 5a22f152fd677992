"""Whitespace fixer: line ends, blank lines, file start and end."""

from __future__ import annotations

import re

from ._edits import Edit, splice

_WS = "[ \\t\\u3000\\f\\v]"
_NL = "(?:\\r\\n|\\r(?!\\n)|\\n)"
_PATTERN = re.compile(
    r"(?=[ \t\u3000\f\v\r\n])"
    rf"(?:(?P<lead>\A(?:{_WS}*{_NL})+)"
    rf"|(?P<end>(?:{_WS}|\r|\n)+\Z)"
    rf"|(?P<blank>{_WS}*{_NL}(?:{_WS}*{_NL})+)"
    rf"|(?P<trail>{_WS}+{_NL}|\r\n?))"
)


def find_whitespace(text: str, final_newline: bool = True):
    """Edits for :func:`fix_whitespace` (current coordinates) and no flags.

    With ``final_newline=False`` (JSONL records, where a text is a value and
    not a file) no newline is added; trailing whitespace at the end is reduced
    to the single line end the text already had, if any.
    """
    edits = []
    for m in _PATTERN.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        if kind == "lead":
            new, why = "", "leading blank lines"
        elif kind == "end":
            if final_newline:
                new, why = ("" if s == 0 else "\n"), "file end: exactly one final newline"
            else:  # keep one line end if the text had one, add none
                new = "\n" if ("\n" in m.group() or "\r" in m.group()) and s > 0 else ""
                why = "text end: trailing whitespace"
        elif kind == "blank":
            new, why = "\n\n", "blank-line run / whitespace-only lines"
        else:
            new, why = "\n", "trailing whitespace" if m.group().strip("\r\n") else "CR line end"
        if text[s:e] != new:
            edits.append(Edit(s, e, new, "whitespace", why))
    if final_newline and text and text[-1] not in " \t\u3000\f\v\r\n":
        edits.append(Edit(len(text), len(text), "\n", "whitespace", "file end: missing final newline"))
    return edits, []


def fix_whitespace(text: str) -> str:
    """Remove trailing spaces, tabs and U+3000 at line ends, empty whitespace-only lines,
    collapse runs of blank lines to one, drop blank lines at the start, turn CR/CRLF into
    LF, and end non-empty text with exactly one newline.

    Tabs *inside* a line (table cells) and indentation at the start of a line are kept.

    >>> fix_whitespace("\\n\\n标题 \\u3000\\n \\n\\n\\n正文\\t一\\t二\\t\\n")
    '标题\\n\\n正文\\t一\\t二\\n'
    >>> fix_whitespace("")
    ''
    """
    edits, _ = find_whitespace(text)
    return splice(text, edits)
