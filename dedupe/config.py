"""Configuration of the deduplicator (validated, immutable)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

__all__ = ["DedupeConfig", "optimal_bands"]


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return ``(bands, rows)`` with ``bands * rows <= num_perm`` that minimise
    the equally weighted false-positive and false-negative areas of the LSH
    S-curve ``1 - (1 - s**rows)**bands`` around ``threshold``.

    This is the rule ``datasketch.MinHashLSH`` applies (``_optimal_param``),
    re-implemented with a fixed numeric integration so that every engine
    derives the same parameters.
    """
    import numpy as np

    xs_lo = np.linspace(0.0, threshold, 201)
    xs_hi = np.linspace(threshold, 1.0, 201)
    best = (1, num_perm)
    best_err = float("inf")
    for b in range(1, num_perm + 1):
        max_r = num_perm // b
        for r in range(1, max_r + 1):
            fp = np.trapezoid(1 - (1 - xs_lo**r) ** b, xs_lo)
            fn = np.trapezoid(1 - (1 - (1 - xs_hi**r) ** b), xs_hi)
            err = float(0.5 * fp + 0.5 * fn)
            if err < best_err - 1e-12:
                best_err = err
                best = (b, r)
    return best


@dataclass(frozen=True)
class DedupeConfig:
    """Options of :func:`dedupe.find_duplicates`.

    Every default was chosen by a measurement on the labelled synthetic corpus
    of ``tests/synth.py`` (never on the seed pages); the figures are quoted next
    to each field and reproduced by ``tests/test_dedupe_quality.py`` and
    ``benchmarks/bench_dedupe.py``.

    Document level
        ngram (5): characters per shingle of the match key: what the peers use
        for Chinese, so benchmarks compare like with like.
        On 2,000 synthetic docs 4-, 5- and 6-grams gave the same quality (doc
        F1 1.0, passage recall 0.997, precision 0.998); verification, not the
        n-gram size, decides.
        num_perm (128): MinHash permutations; LSH bands/rows are derived.
        seed (1): seed of the permutations (``numpy.random.RandomState``, the
        same generator datasketch uses, so signatures equal a datasketch
        ``MinHash(scheme="affine32")`` fed with our shingle hashes).
        doc_threshold (0.5): Jaccard threshold of the document LSH (25 bands x 5
        rows); candidates are then verified, so this only trades recall of
        candidates for work. At 0.7, copies with 2 % OCR substitutions (5-gram
        Jaccard 0.72-0.83) were missed (doc recall 0.972 on 1,000 synthetic
        docs); at 0.5 recall was 1.0 at the same precision.
        doc_similarity (0.85): minimum verified similarity (rapidfuzz Indel
        ratio of the match keys, and of the bodies without shared short
        header/footer lines) to put two documents into one cluster. On 2,000
        synthetic docs the true copies (noisy, re-segmented, s2t/s2tw/s2hk)
        scored >= 0.966 and the template-sharing hard negatives <= 0.26.
        doc_length_ratio (0.8): two documents are near-duplicates only when
        the shorter match key is at least this share of the longer. An Indel
        similarity of 0.85 lets the longer document hold up to 35 % of the
        shorter's length of its own text: on the People's Daily benchmark
        pages made of one article's whole body plus 400-500 key chars of
        another article (key length ratio 0.75-0.78, similarity 0.85-0.87)
        were dropped whole, their own text with them, and the copied section
        was never reported. Copies change the length by a few per cent (OCR
        drops and stutters, an added masthead line); on the devkit corpora
        every labelled copy pair that is merged has a ratio >= 0.85 (the
        only lower ones, 0.67-0.78, are man-page versions not merged anyway).
        boilerplate_line_chars (40): lines shorter than this (in key chars) that
        two documents share at their start or end are template (masthead,
        dateline, byline, "(上接第1版)", footer) and do not count as body.
        common_line_docs (2): a longer line that two documents share at their
        start or end is template too when it occurs in more than this many
        documents of the corpus (:func:`dedupe.verify.common_lines`): a
        template's long footer or licence paragraph. Pages made from one
        template (header, a different short text, the same 100-character
        footer) scored 0.85-0.9 and were merged: devkit 1 MB 3 of 32
        same-template pairs, 10 MB 19 of 400; discounting lines found in a
        third document merged none (1 MB and 10 MB), and document pairwise F1
        rose (0.9894 -> 0.9911, 0.9723 -> 0.9895: the copies of those pages
        were clustered with the wrong source before). A third document is
        evidence beyond the pair that the line is shared material; true
        copies keep their differences elsewhere and still score high. ``check``
        counts over the documents it compares (the candidates and the page).
        The count is of distinct *contexts* (the nearest non-shared line before
        and after, :func:`dedupe.verify.common_lines`), not of documents: the
        lines of an article copied twice are in three documents but in one
        context, and counting documents made a third copy that only adds a
        masthead line lose its body and score 0 (People's Daily benchmark,
        ``benchmarks/bench_dedupe_quality.py``: document recall 0.959 -> 1.000,
        traditional-script copies 0.914 -> 1.000; devkit unchanged: 0 of 32 and
        0 of 400 same-template pairs merged).

    Passage level
        passage_block (24): content-defined block length in key chars
        (boundaries where a shingle hash is 0 modulo the block length, so copies
        get the same blocks wherever they sit). A window is two consecutive
        blocks (about 50 key chars); windows are MinHashed with
        passage_num_perm (48) permutations and banded by passage_rows (4) rows
        (12 bands). On 3,000 synthetic docs, block 32 / 6 rows found 96 % of the
        characters of OCR-noisy embedded passages, block 24 / 4 rows 99.6 % at
        the same precision (0.997) and less time; block 16 found no more.
        passage_min_bands (2): document pairs whose windows collide in at least
        this many bands are aligned whole; pairs that collide in one band only
        (mostly windows sharing common phrases) are aligned only within
        passage_margin (100) key chars around the colliding windows, falling
        back to the whole documents when a match reaches that border. Aligning
        every one-band pair whole made the passage stage grow 24x from 5,000 to
        51,000 synthetic docs (1,904 -> 45,180 pairs); skipping them lost the
        weak cross-document pairs of real pages.
        one_band_docs (5): a one-band window pair (fewer than
        passage_min_bands hits) is aligned only when its two colliding windows
        share a winnowed fingerprint (see fingerprint_k) held by at most this
        many documents (:func:`dedupe.core.with_rare_shared_fingerprint`); 0
        aligns all. Windows of a recurring sentence collide in one band across
        many documents: on the devkit's 100 MB corpus 65 % of the 1.6 M window
        pairs collided in one band and 31 % had a window shared by more than 5
        documents, and the passage stage took 30x the document stage. The rule
        cut the pairs aligned to about a third (1,598,353 -> 573,700; 260 ->
        222 s, peak RSS 2.47 -> 2.04 GB) with devkit 1 MB and 10 MB block P/R,
        doc F1 and real-text scores unchanged within 0.001 (the span scorer's
        document-pair F1 at 10 MB fell 0.357 -> 0.347; README, Benchmarks): a
        copied passage shares many rare fingerprints with its source, a shared
        stock sentence none.
        fingerprint_k (13) / fingerprint_window (8): exact candidates for
        short copies (:func:`dedupe.passages.fingerprint_pairs`): winnowed
        13-gram hashes of the key, so every exact run of >= 20 key chars shared
        by at most ``boilerplate_docs`` documents makes their pair a candidate
        (aligned whole) when they share at least fingerprint_min (5)
        fingerprints (a shared 20-char sentence holds one or two; at 10 MB
        requiring 3 cut the fingerprint pairs from 40,125 to 21,371, and 5 kept
        the devkit 1 MB block recall at 0.9945; 8 lost 4 points). The windows alone missed 34 % of the characters of the
        devkit's short traditional-script section copies.
        align_k (8): length of the exact key k-gram seeds that are chained into
        aligned passages; max_gap (24) key chars between seeds on one diagonal
        (bridges OCR substitutions); max_drift (3) diagonal shift between seeds
        (insertions/deletions).
        min_report_chars (12): shorter aligned matches are not reported (not
        even as shared phrases).
        report_similarity (0.8): aligned matches below this are not reported.

    Passages (the paragraph is the unit, see :mod:`dedupe.findings`)
        paragraph_match (0.8): a paragraph belongs to a copy when at least this
        share of its key characters is aligned with equal characters of the
        other copy. OCR-noisy copies (devkit noisy_med: a few % substitutions)
        keep >= 0.9 of their paragraphs' characters; a paragraph whose date,
        name or sentence differs falls below and splits the passage.
        snap_slack (0.25): the other copy's ends are snapped to its own
        paragraph boundaries when within this share of the paragraph (at most
        ``align_k`` key chars); otherwise that end is ragged.
        min_passage_chars (32): a copy of whole paragraphs (on both sides) is a
        passage from this many key characters (letters and digits). On the
        devkit's labelled copies the shortest copied block has 26 key chars and
        the copied paragraphs of 1-3 short sentences 30-60, while a repeated
        heading or dateline line has < 20; mid-paragraph sentences are never
        passages at this length (the seeds' stock phrases, 12-85 key chars,
        are all inside paragraphs that differ).
        passage_similarity (0.95): every passage, complete or ragged, must
        reach this (or remove_similarity when that is lower; a passage between
        the two is reported as kept): below it the copies are rewritten or
        templated paragraphs (on the devkit
        10 MB corpus the complete copies scoring 0.80-0.95 held 1,554
        characters that are not copies and 1,502 that are, all of them also
        found through other copies), and what they share is a shared phrase.
        Before, complete copies from ragged_min_chars were reported (as kept)
        from report_similarity.
        name_row_chars (40) / row_slack (1): in a line shorter than
        name_row_chars key chars (a table row, a list item, a date, a
        maintainer or attribution line) the letter / digit tokens (names,
        numbers, dates, versions: ``vprintf`` against ``vfprintf``,
        ``2001/8/30`` against ``2001/9/13``) must be equal on both sides, and
        the aligned text may be longer or shorter by at most row_slack key
        chars (an added word: an attribution ``论语`` against ``论语学而``); else
        the paragraph differs and splits the passage. Such rows score
        0.91-0.97 (one letter or word in 17-35 key chars), as high as an OCR
        copy with one substituted ideograph, so similarity cannot tell them
        apart; one dropped or doubled character (OCR) stays within row_slack.
        On the devkit 1 MB corpus these rows held 168 (names) and 209
        (attributions) of the 507 characters outside copied blocks. Long lines
        are not tested (a number that differs there may be noise, and the rest
        of the line is the evidence).
        ragged_min_chars (100): a copy that starts or ends inside a paragraph
        is a passage only from this many key chars and at remove_similarity
        (a block cut out of a damaged page, like the seeds' 003 block, 1,578
        key chars); shorter ones are shared phrases: the one or two sentences
        of official wording that separate reports quote (up to 85 key chars in
        a duplication inventory of real pages).
        ragged_similarity (0.98): the similarity a ragged copy needs (a
        cut-out block is a verbatim copy: the seeds' two ragged blocks score
        0.9994 and 1.0; log or table lines that differ in a number or a name
        score 0.95-0.97 on the devkit's man pages).
        ragged_min_sentences (3): a ragged copy between two documents that
        stays inside one line must hold at least this many sentences (ends
        。！？!?… or ". "); a copy that crosses a line break always may. One or
        two long sentences shared inside otherwise different paragraphs are a
        quotation, not a section: on the devkit 10 MB corpus 105 ragged copies
        of 100-150 key chars held 6,395 characters outside any copied block,
        nearly all single-line one- or two-sentence copies, and dropping them
        cost no recall. Within one document the rule does not apply: a run of
        100+ key chars repeated inside a page is a repetition artefact (the
        seeds' 155-character paragraph tail, two sentences, in 003).
        boilerplate_docs (5) / boilerplate ("keep"): a passage whose copies lie
        in more than this many document clusters is boilerplate (man-page
        translator footers, licence blocks, page templates: the devkit's
        footer recurs in every one of its man pages): one shared-text record
        with all its locations, kept ("keep") or handled as a passage ("remove").
        The same count bounds the candidate search: a window band bucket held by
        more than boilerplate_docs documents pairs none of them
        (:func:`dedupe.minhash.band_collisions`; on the devkit's 100 MB corpus
        the pairs to align fell 573,700 -> 38,522), and so that a passage is not
        judged on the few copies of such text that were still aligned, a
        passage between documents with a copy made only of fingerprints held by
        more than boilerplate_docs kept documents is boilerplate too
        (:meth:`dedupe.findings.MatchCopies.common_only`; devkit 1 MB block P
        0.9838 -> 0.9840, 10 MB P 0.9882 -> 0.9884, R 0.9668 -> 0.9672; real
        text template characters wrongly claimed 178 -> 132).
        template_docs (2): a passage that opens or closes every document it
        is in (it holds the first or the last paragraph of each) and lies in
        more than this many document clusters is page template too (a
        masthead with an editor's note, a footer with a notice), handled like
        boilerplate. Pages of one template are usually more than a pair, and a
        copied report section sits at the start or end of every copy only by
        chance. On the People's Daily benchmark
        (``benchmarks/bench_dedupe_quality.py``) groups of 3-5 pages sharing a
        masthead and a 50-70 character 编者按 were removed as passages (2,752
        and 1,048 wrongly claimed characters on seeds 1 and 2; groups of 6 or
        more were already boilerplate); a pair sharing them is still reported.
        remove_similarity (0.95): a passage is removed only when its copy scores
        at least this (OCR copies with <= 3 % substitutions score >= 0.97;
        rewritten sentences in different reports score 0.90-0.93: shared phrases).
        Copies in different scripts are compared after OpenCC tw2sp phrase
        conversion when the per-character folding scores below it.

    Policy
        keep ("first"): which document of a cluster, and which copy of a
        passage, stays: "first" in input order, or "longest" text (ties: first).
        lsh_backend ("numpy"): where document candidates come from: band keys
        (:func:`dedupe.minhash.band_keys`) grouped by sorting, or "datasketch":
        a datasketch ``MinHashLSH`` fed with ``LeanMinHash`` es (filled while the
        workers compute signatures), the reference the tests compare the numpy
        pairs against (identical up to a 64-bit hash collision). On 10,000 docs
        (18.8 MB, 2 processes, shared machine) documents took 1.39-3.40 s with
        "datasketch" and 0.65-1.95 s with "numpy" (rensa loop: 0.89-1.66 s in
        the same runs); the Dask engine uses band keys.
        passages (True): also find duplicated passages (False: documents only).
        batch_size (256): documents per task handed to ``map_fn``.
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    doc_threshold: float = 0.5
    doc_similarity: float = 0.85
    doc_length_ratio: float = 0.8
    boilerplate_line_chars: int = 40
    common_line_docs: int = 2
    passage_block: int = 24
    passage_num_perm: int = 48
    passage_rows: int = 4
    passage_min_bands: int = 2
    passage_margin: int = 100
    one_band_docs: int = 5
    fingerprint_k: int = 13
    fingerprint_window: int = 8
    fingerprint_min: int = 5
    align_k: int = 8
    max_gap: int = 24
    max_drift: int = 3
    min_report_chars: int = 12
    report_similarity: float = 0.8
    paragraph_match: float = 0.8
    snap_slack: float = 0.25
    min_passage_chars: int = 32
    ragged_min_chars: int = 100
    ragged_similarity: float = 0.98
    ragged_min_sentences: int = 3
    name_row_chars: int = 40
    row_slack: int = 1
    boilerplate_docs: int = 5
    template_docs: int = 2
    boilerplate: str = "keep"
    remove_similarity: float = 0.95
    passage_similarity: float = 0.95
    keep: str = "first"
    lsh_backend: str = "numpy"
    passages: bool = True
    batch_size: int = 256

    def __post_init__(self) -> None:
        def positive(name: str) -> None:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                msg = f"{name} must be a positive integer, got {value!r}"
                raise ValueError(msg)

        def unit(name: str) -> None:
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.0 < value <= 1.0:
                msg = f"{name} must be a number in (0, 1], got {value!r}"
                raise ValueError(msg)

        for name in (
            "ngram", "num_perm", "boilerplate_line_chars", "common_line_docs", "passage_block", "passage_num_perm",
            "passage_rows", "passage_min_bands", "passage_margin", "align_k", "max_gap", "min_report_chars", "min_passage_chars", "ragged_min_chars", "ragged_min_sentences", "name_row_chars", "boilerplate_docs", "template_docs", "fingerprint_k", "fingerprint_window", "fingerprint_min", "batch_size",
        ):
            positive(name)
        for name in ("doc_threshold", "doc_similarity", "doc_length_ratio", "report_similarity", "remove_similarity", "passage_similarity", "paragraph_match", "snap_slack", "ragged_similarity"):
            unit(name)
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or not 0 <= self.seed < 2**32:
            msg = f"seed must be an integer in [0, 2**32), got {self.seed!r}"
            raise ValueError(msg)
        if not isinstance(self.one_band_docs, int) or isinstance(self.one_band_docs, bool) or self.one_band_docs < 0:
            msg = f"one_band_docs must be a non-negative integer, got {self.one_band_docs!r}"
            raise ValueError(msg)
        if not isinstance(self.row_slack, int) or isinstance(self.row_slack, bool) or self.row_slack < 0:
            msg = f"row_slack must be a non-negative integer, got {self.row_slack!r}"
            raise ValueError(msg)
        if not isinstance(self.max_drift, int) or self.max_drift < 0:
            msg = f"max_drift must be a non-negative integer, got {self.max_drift!r}"
            raise ValueError(msg)
        if self.passage_block < 4:
            msg = f"passage_block must be at least 4 key chars, got {self.passage_block}"
            raise ValueError(msg)
        if self.passage_rows > self.passage_num_perm:
            msg = (f"passage_rows ({self.passage_rows}) must not exceed passage_num_perm "
                   f"({self.passage_num_perm})")
            raise ValueError(msg)
        if self.remove_similarity < self.report_similarity:
            msg = (f"remove_similarity ({self.remove_similarity}) must be >= report_similarity "
                   f"({self.report_similarity}): a removed passage is always a reported one")
            raise ValueError(msg)
        if not isinstance(self.passages, bool):
            msg = f"passages must be True or False, got {self.passages!r}"
            raise ValueError(msg)
        if self.lsh_backend not in ("datasketch", "numpy"):
            msg = f'lsh_backend must be "datasketch" or "numpy", got {self.lsh_backend!r}'
            raise ValueError(msg)
        if self.boilerplate not in ("keep", "remove"):
            msg = f'boilerplate must be "keep" or "remove", got {self.boilerplate!r}'
            raise ValueError(msg)
        if self.keep not in ("first", "longest"):
            msg = f'keep must be "first" or "longest", got {self.keep!r}'
            raise ValueError(msg)

    @cached_property
    def doc_bands(self) -> tuple[int, int]:
        """``(bands, rows)`` of the document LSH, derived from doc_threshold and num_perm."""
        return optimal_bands(self.doc_threshold, self.num_perm)

    @property
    def passage_bands(self) -> int:
        """Number of bands of the window LSH (``passage_num_perm // passage_rows``)."""
        return self.passage_num_perm // self.passage_rows
