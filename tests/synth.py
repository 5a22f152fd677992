"""Labelled synthetic Chinese news corpus for deduplication tests and benchmarks.

Pure and deterministic from a seed: no file is read. Base text is synthesised
from a pseudo-vocabulary of words built from the GB2312 level-1 characters
(the 3,755 most common simplified characters, decoded from their code points),
drawn with Zipf weights, so sentences share common words but almost never a
long exact run. Callers may pass their own base paragraphs instead.

Every document has a page template (masthead, page line, dateline, byline,
footer). Document kinds (``SynthCorpus.kinds``):

- ``base``: a new article.
- ``exact``: an exact copy of an earlier base article.
- ``noisy``: a copy with OCR substitutions, punctuation width flips and
  whitespace/line-break jitter.
- ``script``: a copy converted with OpenCC s2t, s2tw or s2hk (maybe noisy too).
- ``resegment``: a copy whose paragraphs are split and merged differently.
- ``embed``: a new article with a passage (1-3 paragraphs or a run of sentences,
  150-600 chars) of an earlier base article inserted, maybe noisy,
  re-segmented or script-converted.
- ``repeat``: a new article that repeats one of its own blocks later,
  re-segmented (like a page that prints a report twice).
- ``negative``: a hard negative: the same template lines (masthead, page line,
  dateline, byline, footer) as an earlier base article, a different short body.

Ground truth: ``clusters`` (doc id -> id of the base article it copies, itself
for base/embed/repeat/negative docs) and ``passages`` (the later copy's char
range and the source range of every copied passage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

__all__ = ["SynthCorpus", "PassageTruth", "common_chars", "make_corpus", "ocr_noise", "flip_width",
           "jitter_whitespace", "resegment", "convert_script"]

_WIDTH = {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"}
_SCRIPTS = ("s2t", "s2tw", "s2hk")


@dataclass(frozen=True)
class PassageTruth:
    """``doc_id[start:end]`` is a copy of ``src_doc_id[src_start:src_end]``."""

    doc_id: str
    start: int
    end: int
    src_doc_id: str
    src_start: int
    src_end: int
    kind: str


@dataclass
class SynthCorpus:
    """Texts in input order plus their ground truth."""

    docs: list[tuple[str, str]] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    passages: list[PassageTruth] = field(default_factory=list)
    negatives: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def common_chars() -> str:
    """The 3,755 GB2312 level-1 hanzi (most frequent simplified characters)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                c = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.append(c)
    return "".join(out[:3755])


@lru_cache(maxsize=8)
def _vocab(seed: int, size: int = 6000) -> tuple[tuple[str, ...], np.ndarray]:
    rng = np.random.default_rng(seed)
    chars = common_chars()
    # character frequency ~ Zipf, words of 1-4 chars (mostly 2)
    cw = 1.0 / np.arange(1, len(chars) + 1) ** 0.9
    cw /= cw.sum()
    lens = rng.choice([1, 2, 3, 4], size=size, p=[0.12, 0.62, 0.18, 0.08])
    idx = rng.choice(len(chars), size=int(lens.sum()), p=cw)
    words, pos = [], 0
    for n in lens.tolist():
        words.append("".join(chars[i] for i in idx[pos : pos + n]))
        pos += n
    ww = 1.0 / np.arange(1, size + 1) ** 1.0
    return tuple(words), ww / ww.sum()


def _sentence(rng: np.random.Generator, vocab: tuple[str, ...], p: np.ndarray) -> str:
    n = int(rng.integers(6, 18))
    words = [vocab[i] for i in rng.choice(len(vocab), size=n, p=p)]
    out = []
    for k, w in enumerate(words):
        out.append(w)
        if k < n - 1 and rng.random() < 0.12:
            out.append("，" if rng.random() < 0.85 else "、")
    if rng.random() < 0.1:
        out.insert(0, f"{int(rng.integers(2, 2030))}年")
    return "".join(out) + ("。" if rng.random() < 0.92 else "！")


def _paragraph(rng, vocab, p, base: list[str] | None) -> str:
    if base:
        return base[int(rng.integers(len(base)))]
    return "".join(_sentence(rng, vocab, p) for _ in range(int(rng.integers(2, 6))))


# --------------------------------------------------------------------------- mutations


def ocr_noise(text: str, rng: np.random.Generator, rate: float) -> str:
    """Replace about ``rate`` of the hanzi with another common hanzi (same length)."""
    chars = list(text)
    pool = common_chars()
    for i, c in enumerate(chars):
        if "\u4e00" <= c <= "\u9fff" and rng.random() < rate:
            chars[i] = pool[int(rng.integers(len(pool)))]
    return "".join(chars)


def flip_width(text: str, rng: np.random.Generator, share: float = 1.0) -> str:
    """Turn full-width punctuation into ASCII (each mark with probability ``share``)."""
    return "".join(_WIDTH[c] if c in _WIDTH and rng.random() < share else c for c in text)


def jitter_whitespace(text: str, rng: np.random.Generator, rate: float = 0.03) -> str:
    """Insert spaces and hard line breaks inside lines (never at existing breaks)."""
    out = []
    for c in text:
        out.append(c)
        if c != "\n" and rng.random() < rate:
            out.append(" " if rng.random() < 0.6 else "\n")
    return "".join(out)


def resegment(paragraphs: list[str], rng: np.random.Generator) -> list[str]:
    """Split paragraphs at sentence ends and merge neighbours, differently from the input."""
    sentences: list[str] = []
    for para in paragraphs:
        cur = ""
        for c in para:
            cur += c
            if c in "。！？.!?":
                sentences.append(cur)
                cur = ""
        if cur:
            sentences.append(cur)
    out, cur = [], ""
    for s in sentences:
        cur += s
        if rng.random() < 0.45:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    if out == paragraphs and len(out) > 1:
        out = ["".join(out[:2])] + out[2:]
    return out


@lru_cache(maxsize=4)
def _converter(name: str):
    import opencc

    return opencc.OpenCC(name)


def convert_script(text: str, name: str) -> str:
    """OpenCC conversion (``s2t``, ``s2tw`` or ``s2hk``)."""
    return _converter(name).convert(text)


# --------------------------------------------------------------------------- corpus


_KINDS = ("base", "exact", "noisy", "script", "resegment", "embed", "repeat", "negative")
_DEFAULT_RATES = (0.50, 0.05, 0.09, 0.09, 0.06, 0.10, 0.05, 0.06)


@dataclass
class _Article:
    header: list[str]
    body: list[str]
    footer: list[str]


def _template(rng, vocab, p, n_templates: int, k: int) -> tuple[list[str], list[str]]:
    trng = np.random.default_rng(10_000 + k)
    paper = "".join(vocab[i] for i in trng.choice(200, size=2)) + "日报"
    page = f"第{int(trng.integers(1, 17)):02d}版：" + vocab[int(trng.integers(50, 400))]
    header = [paper, page]
    footer = ["责任编辑：" + "".join(vocab[i] for i in trng.choice(len(vocab), size=2))]
    return header, footer


def _article(rng, vocab, p, base, n_templates) -> _Article:
    k = int(rng.integers(n_templates))
    header, footer = _template(rng, vocab, p, n_templates, k)
    date = f"{int(rng.integers(2000, 2025))}年{int(rng.integers(1, 13))}月{int(rng.integers(1, 29))}日 星期{'一二三四五六日'[int(rng.integers(7))]}"
    byline = "本报记者 " + "".join(vocab[i] for i in rng.choice(len(vocab), size=2))
    body = [_paragraph(rng, vocab, p, base) for _ in range(int(rng.integers(3, 9)))]
    return _Article(header + [date, byline], body, list(footer))


def _render(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


def _noisy(text: str, rng: np.random.Generator) -> str:
    text = ocr_noise(text, rng, float(rng.uniform(0.005, 0.02)))
    text = flip_width(text, rng, float(rng.uniform(0.0, 1.0)))
    return jitter_whitespace(text, rng, float(rng.uniform(0.0, 0.03)))


def make_corpus(
    n_docs: int = 1000,
    seed: int = 0,
    *,
    base_paragraphs: list[str] | None = None,
    rates: tuple[float, ...] = _DEFAULT_RATES,
    n_templates: int = 8,
) -> SynthCorpus:
    """Generate ``n_docs`` documents (ids ``d000000``...) with ground truth.

    ``rates`` are the probabilities of the kinds ``base, exact, noisy, script,
    resegment, embed, repeat, negative``; the first document is always a base.
    """
    if len(rates) != len(_KINDS):
        msg = f"rates needs {len(_KINDS)} probabilities"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    vocab, p = _vocab(seed)
    probs = np.asarray(rates, dtype=float) / sum(rates)
    corpus = SynthCorpus()
    bases: list[tuple[str, _Article, str]] = []  # (id, article, text)
    for n in range(n_docs):
        doc_id = f"d{n:06d}"
        kind = "base" if not bases else _KINDS[int(rng.choice(len(_KINDS), p=probs))]
        label = doc_id
        if kind == "base":
            art = _article(rng, vocab, p, base_paragraphs, n_templates)
            text = _render(art.header + art.body + art.footer)
            bases.append((doc_id, art, text))
        elif kind in ("exact", "noisy", "script", "resegment"):
            src_id, art, src_text = bases[int(rng.integers(len(bases)))]
            label = corpus.clusters[src_id]
            if kind == "exact":
                text = src_text
            elif kind == "noisy":
                text = _noisy(src_text, rng)
            elif kind == "script":
                text = convert_script(src_text, _SCRIPTS[int(rng.integers(3))])
                if rng.random() < 0.5:
                    text = _noisy(text, rng)
            else:
                text = _render(art.header + resegment(art.body, rng) + art.footer)
        elif kind == "negative":
            src_id, art, _ = bases[int(rng.integers(len(bases)))]
            body = [_paragraph(rng, vocab, p, base_paragraphs) for _ in range(int(rng.integers(1, 3)))]
            text = _render(art.header + body + art.footer)
            corpus.negatives.append((src_id, doc_id))
        elif kind == "embed":
            src_id, src_art, src_text = bases[int(rng.integers(len(bases)))]
            for _ in range(20):  # a source with a body of at least 150 chars
                if sum(len(b) for b in src_art.body) >= 150:
                    break
                src_id, src_art, src_text = bases[int(rng.integers(len(bases)))]
            art = _article(rng, vocab, p, base_paragraphs, n_templates)
            # the passage: whole paragraphs or a run of sentences of the source body
            i = int(rng.integers(len(src_art.body)))
            j = min(len(src_art.body), i + int(rng.integers(1, 4)))
            while j < len(src_art.body) and sum(len(b) + 2 for b in src_art.body[i:j]) < 150:
                j += 1
            while i > 0 and sum(len(b) + 2 for b in src_art.body[i:j]) < 150:
                i -= 1
            block = "\n\n".join(src_art.body[i:j])
            if len(block) > 600:
                cut = max(block.rfind("。", 0, 600), block.rfind("！", 0, 600))
                block = block[: cut + 1] if cut >= 150 else block[:600]
            src_start = src_text.index(block)
            src_end = src_start + len(block)
            mode = int(rng.integers(4))
            copy = block
            if mode == 1:
                copy = _noisy(copy, rng)
            elif mode == 2:
                copy = "\n\n".join(resegment(copy.split("\n\n"), rng))
            elif mode == 3:
                copy = convert_script(copy, _SCRIPTS[int(rng.integers(3))])
            at = int(rng.integers(0, len(art.body) + 1))
            parts = art.header + art.body[:at]
            prefix = _render(parts)
            text = prefix + copy + "\n\n" + _render(art.body[at:] + art.footer)
            corpus.passages.append(PassageTruth(doc_id, len(prefix), len(prefix) + len(copy), src_id,
                                                src_start, src_end, ("embed", "embed-noisy", "embed-resegment", "embed-script")[mode]))
        else:  # repeat
            art = _article(rng, vocab, p, base_paragraphs, n_templates)
            while sum(len(b) for b in art.body) < 300:
                art.body.append(_paragraph(rng, vocab, p, base_paragraphs))
            i = int(rng.integers(len(art.body)))
            j = min(len(art.body), i + int(rng.integers(1, 4)))
            while j < len(art.body) and sum(len(b) for b in art.body[i:j]) < 150:
                j += 1
            while i > 0 and sum(len(b) for b in art.body[i:j]) < 150:
                i -= 1
            block_paras = art.body[i:j]
            first = _render(art.header + art.body[:i])
            block = "\n\n".join(block_paras)
            middle = [_paragraph(rng, vocab, p, base_paragraphs) for _ in range(int(rng.integers(0, 3)))]
            copy = "\n\n".join(resegment(block_paras, rng))
            before_copy = first + block + "\n\n" + (_render(art.body[j:] + middle) if art.body[j:] or middle else "")
            text = before_copy + copy + "\n\n" + _render(art.footer)
            corpus.passages.append(PassageTruth(doc_id, len(before_copy), len(before_copy) + len(copy), doc_id,
                                                len(first), len(first) + len(block), "repeat"))
        corpus.docs.append((doc_id, text))
        corpus.clusters[doc_id] = label
        corpus.kinds[doc_id] = kind
    return corpus
