"""Options of :func:`cleaners.clean`."""

from __future__ import annotations

from typing import NamedTuple

SCRIPTS = ("keep", "simplified", "traditional", "taiwan")


class CleanConfig(NamedTuple):
    """Which fixers run. Defaults are conservative: they only repair what is clearly damaged.

    - ``fix_whitespace``: trailing spaces/tabs/U+3000, whitespace-only lines, blank-line runs,
      CR/CRLF, leading blank lines; the text ends in exactly one newline. Table tabs stay.
    - ``join_paragraphs``: rejoin sentences split by a blank line (column/page breaks), drop a
      character doubled at the break, rejoin over an injected heading; suspected text gaps are
      flagged (kind ``gap``). Turn off for text whose blank lines are meaningful verse or lists.
    - ``fix_stutters``: drop doubled units (的的, 针对对) only where the jieba lexicon is
      confident; uncertain ones are flagged.
    - ``fix_punctuation``: ASCII ``, ; : ! ? ( ) ~`` in Chinese context to full width
      (GB/T 15834-2011). Turn off to keep punctuation exactly as it is.
    - ``script``: ``keep`` (default) | ``simplified`` | ``traditional`` | ``taiwan`` (OpenCC
      t2s / s2t / s2tw). Output conversion, one ``script`` repair per changed run.
    - ``final_newline``: end the text with exactly one newline (files). Off for texts that are
      values rather than files (JSONL records): trailing whitespace is then removed instead.
    - ``drop_boilerplate``: remove continuation markers ``(上接第1版)``, ``广告`` and photo
      credits instead of only flagging them.
    """

    fix_whitespace: bool = True
    join_paragraphs: bool = True
    fix_stutters: bool = True
    fix_punctuation: bool = True
    script: str = "keep"
    drop_boilerplate: bool = False
    final_newline: bool = True

    def validate(self) -> "CleanConfig":
        """Raise ValueError on an unknown option value.

        >>> CleanConfig(script="klingon").validate()
        Traceback (most recent call last):
        ...
        ValueError: script must be one of keep, simplified, traditional, taiwan (got 'klingon')
        """
        if self.script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)} (got {self.script!r})")
        return self
