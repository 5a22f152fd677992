"""Output script conversion with OpenCC (official binding), one repair per changed run."""

from __future__ import annotations

import difflib
import threading

from ._edits import Edit, splice

#: CleanConfig.script value -> OpenCC config. s2tw (not s2t) so the output is Big5-safe
#: Taiwan standard; the phrase configs (s2twp, tw2sp) are avoided: they rewrite vocabulary.
CONFIGS = {"simplified": "t2s", "traditional": "s2t", "taiwan": "s2tw"}
_CONVERTERS: dict = {}
_LOCK = threading.Lock()


def converter(script: str):
    """The OpenCC converter for ``script`` (built once, lazily; s2t takes ~80 ms)."""
    cfg = CONFIGS[script]
    conv = _CONVERTERS.get(cfg)
    if conv is None:
        with _LOCK:
            conv = _CONVERTERS.get(cfg)
            if conv is None:
                import opencc

                conv = _CONVERTERS[cfg] = opencc.OpenCC(cfg)
    return conv


def _runs(old: str, new: str, base: int, reason: str, out: list) -> None:
    if len(old) == len(new):
        i, n = 0, len(old)
        while i < n:
            if old[i] != new[i]:
                j = i + 1
                while j < n and old[j] != new[j]:
                    j += 1
                out.append(Edit(base + i, base + j, new[i:j], "script", reason))
                i = j
            else:
                i += 1
        return
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            out.append(Edit(base + i1, base + i2, new[j1:j2], "script", reason))


def find_script(text: str, script: str):
    """Edits converting ``text`` to ``script`` (``keep`` makes none)."""
    if script == "keep" or not text:
        return [], []
    conv = converter(script)
    reason = f"OpenCC {CONFIGS[script]}"
    edits: list = []
    converted = conv.convert(text)
    if len(converted) == len(text):
        _runs(text, converted, 0, reason, edits)
        return edits, []
    pos = 0
    for line in text.splitlines(keepends=True):
        _runs(line, conv.convert(line), pos, reason, edits)
        pos += len(line)
    return edits, []


def convert_script(text: str, script: str = "simplified") -> str:
    """Convert Chinese script with OpenCC: ``simplified`` (t2s), ``traditional`` (s2t) or
    ``taiwan`` (s2tw). Character-level configs only: the phrase configs change vocabulary
    (建立→創建), which is not a script change.

    >>> convert_script("漢字轉換", "simplified")
    '汉字转换'
    >>> convert_script("汉字", "taiwan")
    '漢字'
    """
    edits, _ = find_script(text, script)
    return splice(text, edits)
