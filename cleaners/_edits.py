"""Edit log: compose the edits of fixers that run in sequence back onto the original text.

Each fixer sees the *current* text and returns :class:`Edit` objects (spans in
current coordinates, sorted, non-overlapping) and :class:`Flag` objects. The
:class:`EditLog` keeps the current text as a list of pieces, each either an
unchanged slice of the original or the output of one (possibly merged) repair.
An edit that touches text produced by an earlier edit merges with it into one
repair over the union original span, so the final repairs always index the
original text and never overlap.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from .records import Repair


class Edit(NamedTuple):
    """Replace ``current[start:end]`` by ``after``; ``kind`` names the fixer."""

    start: int
    end: int
    after: str
    kind: str
    reason: str


class Flag(NamedTuple):
    """A suspicious span of the current text that is left alone."""

    start: int
    end: int
    kind: str
    reason: str
    after: str = ""


class _Piece:
    __slots__ = ("ostart", "oend", "text", "changed", "kind", "reasons")

    def __init__(self, ostart, oend, text, changed=False, kind="", reasons=()):
        self.ostart = ostart
        self.oend = oend
        self.text = text
        self.changed = changed
        self.kind = kind
        self.reasons = reasons


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


class EditLog:
    """The original text, the current text and the pieces that relate them."""

    def __init__(self, original: str):
        self.original = original
        self.pieces = [_Piece(0, len(original), original)] if original else []
        self.text = original
        self.flags: list[tuple[int, int, str, str, str]] = []

    # -- mapping ---------------------------------------------------------
    def _starts(self) -> list[int]:
        out, pos = [], 0
        for p in self.pieces:
            out.append(pos)
            pos += len(p.text)
        return out

    def to_original(self, pos: int, *, is_end: bool, starts: list[int] | None = None) -> int:
        """Map a current offset to an original offset (changed pieces map to their edges)."""
        if not self.pieces:
            return 0
        starts = starts if starts is not None else self._starts()
        i = bisect_right(starts, pos) - 1
        if is_end and i > 0 and starts[i] == pos:
            i -= 1  # an end offset belongs to the piece before the boundary
        i = max(i, 0)
        p = self.pieces[i]
        off = pos - starts[i]
        if not p.changed:
            return p.ostart + min(max(off, 0), p.oend - p.ostart)
        return p.oend if (is_end or off >= len(p.text)) and off > 0 else p.ostart

    # -- applying ----------------------------------------------------------
    def apply(self, edits, flags=()) -> None:
        """Apply one fixer's edits (sorted, non-overlapping, current coordinates) and flags."""
        if flags:
            starts = self._starts()
            for f in flags:
                a = self.to_original(f.start, is_end=False, starts=starts)
                b = self.to_original(f.end, is_end=True, starts=starts)
                if b < a:
                    b = a
                self.flags.append((a, b, f.kind, f.reason, f.after))
        edits = [e for e in edits if not (e.start == e.end and not e.after)]
        if not edits:
            return
        pieces = list(self.pieces)
        n = len(pieces)
        new: list[_Piece] = []
        i = 0
        ps = 0  # current offset of pieces[i]
        busy_until = -1  # old offset up to which the last merged piece still holds old text
        delta = 0
        deferred = []
        for k, ed in enumerate(edits):
            s, e = ed.start, ed.end
            if s < busy_until:
                # this edit falls inside a piece that an earlier edit of the batch just rebuilt:
                # apply it (and the rest) in a second pass, in the new coordinates
                deferred = [Edit(x.start + delta, x.end + delta, x.after, x.kind, x.reason) for x in edits[k:]]
                break
            delta += len(ed.after) - (e - s)
            busy_until = -1
            # copy pieces that lie wholly before the edit
            while i < n:
                p = pieces[i]
                pe = ps + len(p.text)
                if pe < s or (pe == s and not (s == e and p.changed and p.ostart == p.oend)):
                    new.append(p)
                    i += 1
                    ps = pe
                else:
                    break
            group = []
            while i < n:
                p = pieces[i]
                pe = ps + len(p.text)
                overlap = ps < e and s < pe
                touch = s == e and p.changed and p.ostart == p.oend and ps <= s <= pe
                if overlap or touch:
                    group.append((p, ps, pe))
                    i += 1
                    ps = pe
                else:
                    break
            if not group:
                pos = new[-1].oend if new else (pieces[i].ostart if i < n else 0)
                new.append(_Piece(pos, pos, ed.after, True, ed.kind, (ed.reason,)))
                continue
            f, fs, fe = group[0]
            l, ls, le = group[-1]
            prefix = suffix = ""
            if f.changed:
                ostart = f.ostart
                prefix = f.text[: max(0, s - fs)]
            else:
                cut = max(0, s - fs)
                ostart = f.ostart + cut
                if cut:
                    new.append(_Piece(f.ostart, ostart, f.text[:cut]))
            tail = None
            if l.changed:
                oend = l.oend
                suffix = l.text[max(0, e - ls):] if e < le else ""
                if e < le:
                    busy_until = le
            else:
                cut = min(len(l.text), max(0, e - ls))
                oend = l.ostart + cut
                if cut < len(l.text):
                    tail = _Piece(oend, l.oend, l.text[cut:])
            reasons = []
            for p, _, _ in group:
                if p.changed:
                    reasons.extend(p.reasons)
            reasons.append(ed.reason)
            new.append(_Piece(ostart, oend, prefix + ed.after + suffix, True, ed.kind, tuple(reasons)))
            if tail is not None:
                # the unchanged remainder stays available to the following edits
                i -= 1
                pieces[i] = tail
                ps = e
        new.extend(pieces[i:])
        self.pieces = new
        self.text = "".join(p.text for p in new)
        if deferred:
            self.apply(deferred)

    # -- results -------------------------------------------------------------
    def repairs(self) -> tuple[Repair, ...]:
        """Applied repairs (merged, in original coordinates) plus flags, sorted."""
        orig = self.original
        lines = _line_starts(orig)
        out = []
        for p in self.pieces:
            if not p.changed:
                continue
            before = orig[p.ostart:p.oend]
            if before == p.text:
                continue
            reason = " + ".join(dict.fromkeys(p.reasons))
            out.append(Repair(p.kind, p.ostart, p.oend, before, p.text, True, reason,
                              bisect_right(lines, p.ostart)))
        for a, b, kind, reason, after in self.flags:
            out.append(Repair(kind, a, b, orig[a:b], after, False, reason, bisect_right(lines, a)))
        out.sort(key=lambda r: (r.start, r.end, not r.applied))
        return tuple(out)


def splice(text: str, edits) -> str:
    """Apply sorted, non-overlapping edits (current coordinates) to ``text``.

    >>> splice("abcdef", [Edit(1, 2, "X", "k", ""), Edit(4, 4, "+", "k", "")])
    'aXcd+ef'
    """
    out, pos = [], 0
    for e in edits:
        out.append(text[pos:e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
