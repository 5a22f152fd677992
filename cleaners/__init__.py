"""seedsift cleaners: a pure library that repairs Chinese newspaper text and explains each repair.

``clean(text) -> Cleaned(text, repairs)``; every :class:`Repair` indexes the original text,
and :func:`apply_repairs` replays them. :func:`decode` turns bytes into text. ``FIXERS`` maps
each repair kind to the small ``str -> str`` function that does that fix (its docstring is
the explanation, with a doctest).
"""

from __future__ import annotations

from ._lexicon import install as install_lexicon
from ._lexicon import snapshot as lexicon_snapshot
from .blocks import drop_boilerplate
from .config import CleanConfig
from .decoding import DecodeError, decode
from .joins import join_broken_paragraphs
from .pipeline import apply_repairs, clean
from .punctuation import normalize_punctuation
from .records import Cleaned, Decoded, Repair
from .script import convert_script
from .stutter import remove_stutters
from .whitespace import fix_whitespace

#: repair kind -> fixer. ``join``, ``boundary_double`` and ``heading_move`` are all made by
#: :func:`join_broken_paragraphs` (``gap`` is a flag it raises); ``boilerplate`` repairs are
#: flags unless ``CleanConfig.drop_boilerplate``.
FIXERS = {
    "whitespace": fix_whitespace,
    "boilerplate": drop_boilerplate,
    "join": join_broken_paragraphs,
    "boundary_double": join_broken_paragraphs,
    "heading_move": join_broken_paragraphs,
    "stutter": remove_stutters,
    "punctuation": normalize_punctuation,
    "script": convert_script,
}

__all__ = [
    "install_lexicon",
    "lexicon_snapshot",
    "decode",
    "DecodeError",
    "clean",
    "CleanConfig",
    "apply_repairs",
    "Repair",
    "Cleaned",
    "Decoded",
    "FIXERS",
]
