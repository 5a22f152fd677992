"""``clean``: run the fixers in order over an edit log; ``apply_repairs``: replay them."""

from __future__ import annotations

from . import _lexicon
from ._edits import EditLog
from .blocks import find_boilerplate
from .config import CleanConfig
from .joins import find_joins
from .punctuation import find_punctuation
from .records import Cleaned, Repair  # noqa: F401 (used by the doctests)
from .script import find_script
from .stutter import find_stutters
from .whitespace import find_whitespace

#: Rounds of all fixers before giving up on reaching a fixed point. Real pages
#: settle in one or two; chains of joins where each join enables the next
#: (found by fuzzing) need a few more. The cap guarantees termination; the
#: property tests and the fuzzer check that real and random inputs settle
#: well before it.
MAX_ROUNDS = 12


def _steps(config: CleanConfig):
    if config.fix_whitespace:
        yield lambda t: find_whitespace(t, final_newline=config.final_newline)
    yield lambda t: find_boilerplate(t, drop=config.drop_boilerplate)
    if config.join_paragraphs:
        yield find_joins
    if config.fix_stutters:
        yield find_stutters
    if config.fix_punctuation:
        yield find_punctuation
    if config.script != "keep":
        yield lambda t: find_script(t, config.script)


def clean(text: str, config: CleanConfig = CleanConfig()) -> Cleaned:
    """Clean ``text`` and explain every change.

    Order (each fixer needs the one before it: joins need clean lines, stutters whole
    sentences, punctuation its final neighbours): whitespace → boilerplate (flag or drop) → joins (with boundary
    doubles, headings moved, gaps flagged) → stutters → punctuation → script. Each fixer
    sees the output of the previous one; the edit log maps every change back onto ``text``,
    so each :class:`Repair` indexes the original and ``apply_repairs(text, repairs)``
    reproduces the cleaned text. If a second round still changes something (a fixer exposed
    work for an earlier one), that round is folded in too, so the result is a fixed point.

    >>> r = clean("据不完全统计\\n\\n计,协同政府追回工资。  \\n")
    >>> r.text
    '据不完全统计，协同政府追回工资。\\n'
    >>> [(x.kind, x.start, x.end, x.before, x.after) for x in r.repairs]
    [('boundary_double', 6, 9, '\\n\\n计', ''), ('punctuation', 9, 10, ',', '，'), ('whitespace', 19, 22, '  \\n', '\\n')]
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() needs str, got {type(text).__name__}; decode bytes with cleaners.decode")
    config.validate()
    _lexicon.forget_cuts()
    log = EditLog(text)
    for _round in range(MAX_ROUNDS):
        changed = False
        for step in _steps(config):
            edits, flags = step(log.text)
            if _round:
                flags = []  # flags come from the first round only
            if edits:
                changed = True
            log.apply(edits, flags)
        if not changed:
            break
    return Cleaned(log.text, log.repairs())


def apply_repairs(original: str, repairs) -> str:
    """Replay the applied repairs (flags are skipped) on the original text.

    >>> apply_repairs("ab,c", [Repair("punctuation", 2, 3, ",", "，", True, "ASCII ','")])
    'ab，c'
    """
    out, pos = [], 0
    for r in sorted((r for r in repairs if r.applied), key=lambda r: (r.start, r.end)):
        if r.start < pos:
            raise ValueError(f"overlapping repairs at {r.start} (previous ends at {pos})")
        if original[r.start:r.end] != r.before:
            raise ValueError(f"repair at {r.start} does not match the original text")
        out.append(original[pos:r.start])
        out.append(r.after)
        pos = r.end
    out.append(original[pos:])
    return "".join(out)
