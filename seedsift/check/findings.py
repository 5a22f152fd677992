"""The worker behind ``seedsift check``: is a new page clean, and is it already in the corpus?

Pure-ish: functions over texts and an open :class:`seedsift.check.index.Index`,
returning :class:`Finding` records; the only writes are ``--fix`` rewriting a
checked file (atomically) and the index update. :mod:`seedsift.cli.check`
parses options and prints.

Duplicates are found the way :func:`dedupe.find_duplicates` finds them, but
only for the pairs that involve a checked page: the index returns the pages
that share a document or passage-window LSH band key with it, then the
deduplicator's own stage functions verify the document pair
(``verify_pair``), find window candidates (``window_candidates``), align
(``align_passages``) and plan the spans (``plan_spans``) on the real texts, read
fresh from disk. A checked page is always the later copy (it is the one that
would be removed), so the reported spans and similarities are those a full
``dedupe`` run with the page last would report.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from seedsift import cleaners
from seedsift.check.baseline import Baseline
from seedsift.check.index import (
    Index,
    _warn_default,
    fingerprints,
    list_pages,
    open_corpus_index,
    sha256_text,
)
from seedsift.cleaners import CleanConfig
from seedsift.errors import InputError
from seedsift.pipeline import atomic
from seedsift.pipeline.corpus import _read_text_file, shown
from seedsift.pipeline.lexicon_cache import warm_lexicon

#: Most candidate pages verified per checked page (most shared band keys first).
MAX_CANDIDATES = 200


class Finding(NamedTuple):
    """One thing ``check`` reports.

    ``category``: ``repair`` (the cleaner would change this; fixable),
    ``fixed`` (``--fix`` changed this), ``flag`` (needs a person; blocks unless
    ``--allow-flags`` or accepted in the baseline), ``accepted`` (a baselined
    flag; never blocks, not printed), ``duplicate``, ``error`` (unreadable).
    """

    path: str
    line: int
    end_line: int
    category: str
    kind: str
    before: str = ""
    after: str = ""
    reason: str = ""
    src_path: str = ""
    src_line: int = 0
    src_end_line: int = 0
    similarity: float = 0.0
    start: int = 0
    end: int = 0
    src_start: int = 0
    src_end: int = 0
    left: str = ""  # text just before ``before`` on its line (context for a reader)
    right: str = ""  # text just after it
    exact: bool = False  # a document duplicate whose text equals its source's

    def as_dict(self) -> dict:
        d = self._asdict()
        if not self.src_path:
            for k in ("src_path", "src_line", "src_end_line", "similarity", "src_start", "src_end"):
                d.pop(k)
        return d

    def blocking(self, allow_flags: bool) -> bool:
        if self.category == "flag":
            return not allow_flags
        return self.category in ("repair", "fixed", "duplicate", "error")


#: Characters of context shown on each side of a repair or flag.
CONTEXT_CHARS = 8


def show(s: str, limit: int = 40, quote: str = '"') -> str:
    """A repair's text for one output line: quoted, newlines visible, CJK as is, long text cut."""
    if len(s) > limit:
        s = s[: limit // 2] + "…" + s[-(limit // 2):]
    out = [quote]
    for c in s:
        if c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif c == '"':
            out.append('\\"')
        elif c == "\u3000":
            out.append("\\u3000")
        elif ord(c) < 32 or c in "\x7f\x85\xa0\u200b\u200c\u200d\u2028\u2029\ufeff":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append(quote)
    return "".join(out)


def show_in_context(left: str, mid: str, right: str, limit: int = 40) -> str:
    """``"…left⏎⏎right…"``: a change with the text around it; line breaks drawn as ⏎, other controls escaped.

    >>> show_in_context("据不完全统计", "\\n\\n", "计，协同推进")
    '"…据不完全统计⏎⏎计，协同推进…"'
    >>> show_in_context("", ",", "")
    '","'
    """
    def vis(t: str, n: int) -> str:
        return show(t, n, quote="").replace("\\n", "⏎")

    return ('"' + ("…" if left else "") + vis(left, limit) + vis(mid, limit) + vis(right, limit)
            + ("…" if right else "") + '"')


def context_of(text: str, start: int, end: int, n: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Up to ``n`` characters on each side of ``text[start:end]``, not reaching past the neighbouring line breaks.

    >>> context_of("第一行\\n据不完全统计\\n\\n计，协同推进\\n末行", 10, 12, 4)
    ('完全统计', '计，协同')
    """
    lo = max(0, start - n)
    left = text[lo:start]
    left = left[left.rfind("\n") + 1:]
    right = text[end:end + n]
    cut = right.find("\n")
    return left, right if cut < 0 else right[:cut]


def where(path: str, a: int, b: int) -> str:
    """``path line 5`` or ``path lines 5-9`` (paths escaped)."""
    return f"{shown(path)} line {a}" if a == b else f"{shown(path)} lines {a}-{b}"


def format_finding(f: Finding) -> str:
    if f.category in ("duplicate", "accepted") and f.src_path:
        if f.kind == "document":
            if f.exact:
                return f"{shown(f.path)} is a copy of {shown(f.src_path)}"
            return f"{shown(f.path)} duplicates {shown(f.src_path)} as a whole (similarity {f.similarity:.2f})"
        verb = "duplicates" if f.line == f.end_line else "duplicate"
        return f"{where(f.path, f.line, f.end_line)} {verb} {where(f.src_path, f.src_line, f.src_end_line)} (similarity {f.similarity:.2f})"
    if f.category == "error":
        return f"{shown(f.path)}: {f.reason}"
    if f.category in ("flag", "accepted"):
        return f"{shown(f.path)}:{f.line}: {f.kind} (flag, review): {show_in_context(f.left, f.before, f.right)} — {f.reason}"
    return (f"{shown(f.path)}:{f.line}: {f.kind}: {show_in_context(f.left, f.before, f.right)} → "
            f"{show_in_context(f.left, f.after, f.right)}")


# --------------------------------------------------------------------------- line numbers


def line_of(text: str, offset: int) -> int:
    """1-based line of ``offset`` in ``text``."""
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """1-based first and last line of ``text[start:end]`` (trailing whitespace ignored)."""
    last = end - 1
    while last > start and text[last].isspace():
        last -= 1
    return line_of(text, start), line_of(text, max(start, last))


# --------------------------------------------------------------------------- cleanliness


def flag_key_text(before: str) -> str:
    """What a baseline hash covers: the flagged text's match key (so fixing its punctuation keeps it accepted)."""
    from seedsift.dedupe.keys import match_key

    return match_key(before)[0] or before.strip()


def duplicate_key_text(f: Finding, text: str, cwd: Path, baseline: Baseline | None) -> str:
    """What a baseline entry of an accepted duplicate covers, so it survives unrelated edits.

    A passage: the match key of the copied text (edits elsewhere in either
    page, moving the passage, or fixing its punctuation keep it accepted; a
    change inside it needs a new review). A whole document: the source page
    it duplicates (edits that keep it a duplicate of that page keep it accepted).
    """
    if f.kind == "document":
        src = baseline.rel(cwd / f.src_path) if baseline is not None else f.src_path
        return f"document\0{src}"
    return "passage\0" + flag_key_text(text[f.start:f.end])


def clean_findings(display: str, file: Path, text: str, config: CleanConfig, baseline: Baseline | None,
                   *, fix: bool, clean: Callable[[str, CleanConfig], Sequence] | None = None) -> tuple[list[Finding], str]:
    """Repairs and flags of one page; returns ``(findings, text after --fix)``.

    Without ``fix`` every applied repair is a ``repair`` finding. With ``fix``
    they become ``fixed`` findings and the flags are re-computed on the fixed
    text so their line numbers match the file as rewritten. ``clean(text,
    config) -> repairs`` defaults to :func:`cleaners.clean` (a cache can stand in).
    """
    if clean is None:
        warm_lexicon()
        clean = lambda t, c: cleaners.clean(t, c).repairs  # noqa: E731
    repairs = clean(text, config)
    findings = []
    applied = [r for r in repairs if r.applied]
    flags = [r for r in repairs if not r.applied]
    new_text = text
    if applied:
        cat = "fixed" if fix else "repair"
        for r in applied:
            line = r.line or line_of(text, r.start)
            left, right = context_of(text, r.start, r.end)
            findings.append(Finding(display, line, line, cat, r.kind, r.before, r.after, r.reason,
                                    start=r.start, end=r.end, left=left, right=right))
        if fix:
            new_text = cleaners.apply_repairs(text, applied)
            flags = [r for r in clean(new_text, config) if not r.applied]
    for r in flags:
        accepted = baseline is not None and baseline.accepts(file, r.kind, flag_key_text(r.before))
        ln = r.line or line_of(new_text, r.start)
        left, right = context_of(new_text, r.start, r.end)
        findings.append(Finding(display, ln, ln, "accepted" if accepted else "flag", r.kind, r.before, r.after,
                                r.reason, start=r.start, end=r.end, left=left, right=right))
    return findings, new_text


def _code_hash(package) -> str:
    """Hash of a package's source and data files: part of every cache key, so new code never reuses old results."""
    from importlib import metadata

    base = Path(package.__file__).parent
    h = hashlib.sha256()
    for dist in ("jieba", "opencc"):  # the cleaner's lexicon and script tables come from these
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    for p in sorted(base.rglob("*")):
        if p.is_file() and p.suffix not in (".pyc",) and "__pycache__" not in p.parts:
            h.update(p.relative_to(base).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def cached_clean(ix: Index) -> Callable[[str, CleanConfig], tuple]:
    """:func:`cleaners.clean`'s repairs, remembered in the index by (text sha256, config, cleaner code).

    A second check of an unchanged page then neither runs the cleaner nor
    loads its lexicon. Repairs are stored as JSON lists.
    """
    code = _code_hash(cleaners)

    def clean(text: str, config: CleanConfig) -> tuple:
        key = "clean:" + hashlib.sha256(json.dumps([code, list(config), sha256_text(text)]).encode()).hexdigest()
        hit = ix.cache_get(key)
        if isinstance(hit, list):
            try:
                return tuple(cleaners.Repair(*r) for r in hit)
            except TypeError:
                pass
        warm_lexicon()  # only on a cache miss: an unchanged page never loads the lexicon
        repairs = cleaners.clean(text, config).repairs
        ix.cache_put(key, [list(r) for r in repairs])
        return repairs

    return clean


# --------------------------------------------------------------------------- duplicates


class Target(NamedTuple):
    """A checked page: how it is shown, its path, its id in the corpus (None outside it), its text."""

    display: str
    path: Path
    rel: str | None
    text: str
    encoding: str = "utf-8"


def _display(path: Path, cwd: Path) -> str:
    rel = os.path.relpath(os.path.abspath(path), cwd)
    return Path(rel).as_posix()


def duplicate_findings(targets: Sequence[Target], ix: Index, config, cwd: Path,
                       *, max_candidates: int = MAX_CANDIDATES) -> list[Finding]:
    """Near-duplicates of each target against the indexed corpus and the earlier targets.

    The index only narrows the corpus down to the pages that share a lookup
    key with the target; what is a duplicate is decided by
    :func:`dedupe.find_new_duplicates` (a full run over those pages, in corpus
    order, then the earlier targets, then the target), so a finding is exactly
    what ``seedsift dedupe`` finds on the same pages.
    """
    from seedsift.dedupe import find_new_duplicates
    from seedsift.pipeline.lexicon_cache import warm_script_table

    warm_script_table()

    fps = fingerprints([t.text for t in targets], config)
    target_rels = {t.rel for t in targets if t.rel is not None}
    findings: list[Finding] = []
    for ti, (t, fp) in enumerate(zip(targets, fps)):
        if fp.keys.size == 0:
            continue
        hits = ix.candidates(fp.keys, exclude=target_rels)[:max_candidates]
        cands: list[tuple[str, str, str]] = []  # (doc id, display, text)
        for rel, _ in sorted(hits, key=lambda h: h[0]):  # corpus order
            try:
                text = _read_text_file(ix.corpus / rel, rel).text
            except InputError:
                continue  # vanished or unreadable since indexing: not a duplicate source
            cands.append((f"corpus:{rel}", _display(ix.corpus / rel, cwd), text))
        for tj in range(ti):  # earlier targets: the later of two new pages is the copy
            if np.intersect1d(fp.keys, fps[tj].keys).size:
                cands.append((f"target:{tj}", targets[tj].display, targets[tj].text))
        me = f"target:{ti}"  # also alone: a passage repeated inside the page is a finding too
        texts = {c[0]: c[2] for c in cands} | {me: t.text}
        shown = {c[0]: c[1] for c in cands} | {me: t.display}
        result = find_new_duplicates([(c[0], c[2]) for c in cands], [(me, t.text)], config)
        if me in result.doc_matches:
            src, sim = result.doc_matches[me]
            a, b = line_range(t.text, 0, len(t.text))
            c, d = line_range(texts[src], 0, len(texts[src]))
            findings.append(Finding(t.display, a, b, "duplicate", "document", src_path=shown[src],
                                    src_line=c, src_end_line=d, similarity=sim, start=0, end=len(t.text),
                                    src_start=0, src_end=len(texts[src]),
                                    exact=t.text.strip() == texts[src].strip()))
            continue
        for sp in result.removed(me):
            src_text = texts[sp.src_doc_id]
            a, b = line_range(t.text, sp.start, sp.end)
            c, d = line_range(src_text, sp.src_start, sp.src_end)
            findings.append(Finding(t.display, a, b, "duplicate", "passage", src_path=shown[sp.src_doc_id],
                                    src_line=c, src_end_line=d, similarity=round(float(sp.similarity), 4),
                                    start=sp.start, end=sp.end, src_start=sp.src_start, src_end=sp.src_end))
    return findings


# --------------------------------------------------------------------------- the whole check


@dataclass
class CheckOptions:
    fix: bool = False
    allow_flags: bool = False
    accept: bool = False
    clean: bool = True
    duplicates: bool = True
    corpus: Path | None = None
    index_path: Path | None = None
    clean_config: CleanConfig = field(default_factory=CleanConfig)
    dedupe_config: object = None
    baseline_path: Path | None = None
    dry_run: bool = False  # with fix: compute the fixed text, write nothing (report.diffs); with accept: save nothing


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    accepted_now: int = 0
    accepted_duplicates: int = 0
    index: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    diffs: dict[str, str] = field(default_factory=dict)  # --fix --dry-run: what --fix would change, per file

    def blocking(self, allow_flags: bool) -> list[Finding]:
        return [f for f in self.findings if f.blocking(allow_flags)]

    def exit_code(self, allow_flags: bool) -> int:
        return 1 if self.fixed or self.blocking(allow_flags) else 0

    def as_dict(self, allow_flags: bool) -> dict:
        counts = Counter(f.category for f in self.findings)
        return {"files": self.files, "exit_code": self.exit_code(allow_flags), "fixed": self.fixed,
                "counts": dict(sorted(counts.items())), "accepted_now": self.accepted_now, "diffs": self.diffs,
                "findings": [f.as_dict() for f in self.findings], "index": self.index,
                "seconds": round(self.seconds, 3)}


def corpus_of(path: Path) -> Path:
    """The default corpus of a checked file: the directory it lives in."""
    return Path(os.path.abspath(path)).parent


def check_files(paths: Sequence[Path], opts: CheckOptions, *, cwd: Path | None = None,
                warn: Callable[[str], None] | None = None) -> CheckReport:
    """Run the check on ``paths``; with ``opts.fix`` rewrite them; with ``opts.accept`` baseline their flags."""
    t0 = time.perf_counter()
    cwd = Path(os.path.abspath(cwd or os.getcwd()))
    report = CheckReport()
    baseline = Baseline.load(opts.baseline_path) if opts.baseline_path else None
    groups: dict[Path | None, list[Target]] = {}
    seen: set[str] = set()
    for p in paths:
        disp = _display(p, cwd)
        if os.path.abspath(p) in seen:
            continue
        seen.add(os.path.abspath(p))
        report.files.append(disp)
        try:
            doc = _read_text_file(Path(p), disp)
            text, encoding = doc.text, doc.encoding
        except InputError as err:
            report.findings.append(Finding(disp, 0, 0, "error", "unreadable", reason=err.message))
            continue
        root = None
        if opts.duplicates:
            root = Path(os.path.abspath(opts.corpus)) if opts.corpus else corpus_of(Path(p))
        groups.setdefault(root, []).append(Target(disp, Path(p), None if root is None else _rel_in(Path(p), root), text, encoding))
    for root, group in groups.items():
        if root is None:
            _check_group(None, group, opts, cwd, report, baseline)
            continue
        for attempt in range(2):
            try:
                with open_corpus_index(root, opts.dedupe_config, opts.index_path, check=False,
                                       rebuild=bool(attempt), **({"warn": warn} if warn else {})) as ix:
                    _check_group(ix, group, opts, cwd, report, baseline)
                break
            except sqlite3.DatabaseError as err:
                if attempt:
                    raise
                (warn or _warn_default)(f"{opts.index_path or root}: index failed ({err}); rebuilding it")
    if opts.accept and baseline is not None and report.accepted_now and not opts.dry_run:
        baseline.save()
    report.seconds = time.perf_counter() - t0
    return report


def _check_group(ix: Index | None, group: list[Target], opts: CheckOptions, cwd: Path, report: CheckReport,
                 baseline: Baseline | None) -> None:
    """Clean (and fix) the pages of one corpus, then look for their duplicates; results go into ``report``.

    Everything is computed before ``report`` is touched, so a database error
    part-way (the caller then rebuilds the index and calls again) adds nothing twice.
    """
    findings: list[Finding] = []
    fixed: list[str] = []
    diffs: dict[str, str] = {}
    accepted_now: list[tuple[Path, str, str, str]] = []
    targets = []
    clean = cached_clean(ix) if ix is not None else None
    for t in group:
        text = t.text
        if opts.clean:
            found, new_text = clean_findings(t.display, t.path, text, opts.clean_config, baseline, fix=opts.fix,
                                             clean=clean)
            if opts.accept and baseline is not None:
                accepted_now += [(t.path, f.kind, flag_key_text(f.before), f.before) for f in found if f.category == "flag"]
                found = [f._replace(category="accepted") if f.category == "flag" else f for f in found]
            findings.extend(found)
            if opts.fix and new_text != text and opts.dry_run:
                from seedsift.reports.diff import unified_diff

                diffs[t.display] = unified_diff(text, new_text, t.display)
            elif opts.fix and new_text != text:
                try:
                    atomic.write_bytes(t.path, new_text.encode(t.encoding))
                except UnicodeEncodeError as err:
                    findings.append(Finding(t.display, 0, 0, "error", "unfixable",
                                            reason=f"the fixed text cannot be written back in {t.encoding} ({err.reason}); "
                                                   "convert the page to UTF-8 first"))
                else:
                    fixed.append(t.display)
                    text = new_text
        targets.append(t._replace(text=text))
    info = None
    if ix is not None and opts.duplicates:
        pages = list_pages(ix.corpus)
        st = ix.update(pages, texts={t.rel: t.text for t in targets if t.rel is not None})
        info = {"corpus": _display(ix.corpus, cwd), "index": str(ix.path), **st.as_dict()}
        info.pop("errors")
        key = "dup:" + hashlib.sha256(json.dumps(
            [ix.header, ix.generation(), repr(opts.dedupe_config), str(cwd),
             [(t.display, t.rel, sha256_text(t.text)) for t in targets]]).encode()).hexdigest()
        hit = ix.cache_get(key)
        if isinstance(hit, list):
            found = [Finding(**d) for d in hit]
            info["cached"] = True
        else:
            found = duplicate_findings(targets, ix, opts.dedupe_config, cwd)
            ix.cache_put(key, [f._asdict() for f in found])
        by_display = {t.display: t for t in targets}
        for f in found:
            t = by_display[f.path]
            key_text = duplicate_key_text(f, t.text, cwd, baseline)
            if baseline is not None and baseline.accepts(t.path, "duplicate", key_text):
                f = f._replace(category="accepted")
            elif opts.accept and baseline is not None:
                accepted_now.append((t.path, "duplicate", key_text, f"{f.kind} of {baseline.rel(cwd / f.src_path)}"))
                f = f._replace(category="accepted")
            findings.append(f)
    report.findings.extend(findings)
    report.fixed.extend(fixed)
    report.diffs.update(diffs)
    if info is not None:
        report.index.append(info)
    for file, kind, key_text, note in accepted_now:
        assert baseline is not None  # accepted_now is only filled when a baseline is open
        if baseline.add(file, kind, key_text, note):
            report.accepted_now += 1
            report.accepted_duplicates += kind == "duplicate"


def _rel_in(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return None
