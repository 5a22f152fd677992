"""``seedsift check`` (the pre-commit hook) and ``seedsift index build|update|stats``.

Thin: parse options, call :mod:`seedsift.check` / :mod:`seedsift.index`, print.
Exit codes of ``check``: 0 clean, 1 something found or fixed, 2 usage error.
Output is quiet: nothing when clean, one line per finding otherwise
(``path:line: kind: before → after``, ``path:A-B duplicates other:C-D (similarity X)``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

#: Findings printed per file and category before "... N more" (``--verbose`` prints all).
MAX_LINES_PER_FILE = 30


def _warn(msg: str) -> None:
    click.echo(f"seedsift: {msg}", err=True)


def dedupe_config_options(f):
    f = click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="Document MinHash-LSH Jaccard threshold.")(f)
    f = click.option("--num-perm", type=click.IntRange(16, 1024), default=None, help="MinHash permutations.")(f)
    f = click.option("--ngram", type=click.IntRange(1, 32), default=None, help="Character n-gram size of the match keys.")(f)
    f = click.option("--min-passage-chars", type=click.IntRange(1), default=None, help="Shortest passage that counts as a duplicate.")(f)
    return f


def index_option(f):
    """``--index PATH``: where the SQLite index lives (default ``<corpus>/.seedsift/index.sqlite``)."""
    return click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Index file (default: CORPUS/.seedsift/index.sqlite).")(f)


def make_config(threshold, num_perm, ngram, min_passage_chars):
    from .cli import make_dedupe_config

    return make_dedupe_config("first", threshold, num_perm, ngram, min_passage_chars)


def sync_index(corpus: Path, config, index_path: Path | None = None, *, rebuild: bool = False,
               progress=None, jobs: int | None = None) -> dict:
    """Bring the index of ``corpus`` up to date (for ``seedsift dedupe --index`` and ``index build|update``).

    Returns the update statistics. Fingerprints of new pages are computed on
    ``jobs`` processes when there are many.
    """
    from .index import fingerprints, open_corpus_index

    with open_corpus_index(corpus, config, index_path, check=True, rebuild=rebuild, warn=_warn) as ix:
        fp_many = None
        jobs = jobs or os.cpu_count() or 1
        with contextlib.ExitStack() as stack:
            if jobs > 1:
                from functools import partial

                from .workers import worker_pool

                pool = stack.enter_context(worker_pool(jobs))

                def fp_many(texts):
                    chunk = max(1, len(texts) // jobs + 1)
                    parts = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
                    return [fp for part in pool.map(partial(fingerprints, config=config), parts) for fp in part]

            st = ix.update(progress=progress, fingerprint_many=fp_many)
        return {"index": str(ix.path), **st.as_dict()}


def _default_corpus() -> Path:
    p = Path("seeds")
    if p.is_dir():
        return p
    raise click.UsageError("no --corpus given and no seeds/ directory here")


def register(cli) -> None:
    from .cli import clean_options, make_clean_config

    @cli.command()
    @click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--fix", is_flag=True, help="Rewrite the files with the repairs applied (then exit 1).")
    @click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
                  help="Corpus to compare with (default: the directory each file lives in).")
    @index_option
    @click.option("--allow-flags", is_flag=True, help="Show flags that need a person but do not fail on them.")
    @click.option("--accept", is_flag=True, help="Record the current flags of FILES as reviewed in the baseline.")
    @click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Accepted-flags file (default: .seedsift-baseline.json at the repository root).")
    @click.option("--no-clean", is_flag=True, help="Only look for duplicates.")
    @click.option("--no-duplicates", is_flag=True, help="Only look for repairs and flags.")
    @click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report on stdout.")
    @click.option("--verbose", "-v", is_flag=True, help=f"Print every finding (default: at most {MAX_LINES_PER_FILE} per file and kind of finding).")
    @clean_options
    @dedupe_config_options
    def check(files, fix, corpus, index_path, allow_flags, accept, baseline_path, no_clean, no_duplicates,
              as_json, verbose, keep_punctuation, script, drop_boilerplate, threshold, num_perm, ngram,
              min_passage_chars):
        """Check new seed pages before they are committed (the pre-commit hook).

        \b
        For each FILE: the repairs the cleaner would make (fails; --fix applies
        them and exits 1, pre-commit's fixer convention), flags a person must
        review (fail unless --allow-flags or accepted with --accept), and
        near-duplicates against the corpus and the other FILES, e.g.
            seeds/new.txt:12-30 duplicates seeds/003.txt:40-58 (similarity 0.97)
        The corpus is indexed incrementally in CORPUS/.seedsift/index.sqlite.
        Exit: 0 clean, 1 found or fixed, 2 usage error.
        """
        from . import baseline as bl
        from .check import CheckOptions, check_files, format_finding

        if not files:
            return
        opts = CheckOptions(
            fix=fix, allow_flags=allow_flags, accept=accept, clean=not no_clean, duplicates=not no_duplicates,
            corpus=corpus, index_path=index_path,
            clean_config=make_clean_config(keep_punctuation, script, drop_boilerplate),
            dedupe_config=make_config(threshold, num_perm, ngram, min_passage_chars),
            baseline_path=baseline_path or bl.default_path())
        try:
            report = check_files(list(files), opts, warn=_warn)
        except bl.BaselineError as err:
            raise click.UsageError(str(err)) from None
        code = report.exit_code(allow_flags)
        if as_json:
            click.echo(json.dumps(report.as_dict(allow_flags), ensure_ascii=False, indent=1))
            sys.exit(code)
        for line in _lines(report, fix, verbose):
            click.echo(line)
        sys.exit(code)

    @cli.group()
    def index():
        """Build, update or inspect the corpus index used by `seedsift check` (SQLite, CORPUS/.seedsift/)."""

    def _index_cmd(name: str, rebuild: bool, doc: str):
        @index.command(name=name, help=doc)
        @click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
                      help="Corpus directory (default: ./seeds).")
        @index_option
        @click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes (default: all cores).")
        @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
        @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
        @dedupe_config_options
        def cmd(corpus, index_path, jobs, as_json, quiet, threshold, num_perm, ngram, min_passage_chars):
            from tqdm import tqdm

            corpus = corpus or _default_corpus()
            cfg = make_config(threshold, num_perm, ngram, min_passage_chars)
            bar = None

            def progress(done, total):
                nonlocal bar
                if quiet:
                    return
                if bar is None:
                    bar = tqdm(total=total, desc=f"index {name}", disable=None, file=sys.stderr, unit="page", leave=False)
                bar.n = done
                bar.refresh()

            try:
                st = sync_index(corpus, cfg, index_path, rebuild=rebuild, progress=progress, jobs=jobs)
            finally:
                if bar is not None:
                    bar.close()
            for e in st["errors"]:
                _warn(e)
            if as_json:
                click.echo(json.dumps(st, ensure_ascii=False, indent=1))
            else:
                click.echo(f"index {name}: {st['pages']} pages, {st['added']} added, {st['changed']} changed, "
                           f"{st['removed']} removed, {st['unchanged'] + st['touched']} unchanged "
                           f"in {st['seconds']:.1f} s ({st['index']})")
            if st["errors"]:
                sys.exit(1)

        return cmd

    _index_cmd("build", True, "Build the index of CORPUS from scratch.")
    _index_cmd("update", False, "Index new and changed pages of CORPUS; drop removed ones.")

    @index.command()
    @click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
                  help="Corpus directory (default: ./seeds).")
    @index_option
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @dedupe_config_options
    def stats(corpus, index_path, as_json, threshold, num_perm, ngram, min_passage_chars):
        """Show what the index holds, and check its integrity."""
        from .index import index_path_for, list_pages, open_corpus_index

        corpus = corpus or _default_corpus()
        cfg = make_config(threshold, num_perm, ngram, min_passage_chars)
        path = index_path or index_path_for(corpus, cfg)
        if not path.exists():
            raise click.UsageError(f"{path}: no index yet; run `seedsift index build --corpus {corpus}`")
        with open_corpus_index(corpus, cfg, path, check=True, warn=_warn) as ix:
            s = ix.stats(integrity=True)
            state = ix.state()
            pages = list_pages(corpus)
            s["stale"] = sum(1 for p in pages if p.rel not in state or state[p.rel][1:3] != (p.size, p.mtime_ns))
            s["stale"] += len(set(state) - {p.rel for p in pages})
        if as_json:
            click.echo(json.dumps(s, ensure_ascii=False, indent=1))
        else:
            click.echo(f"{s['index']}: {s['pages']} pages, {s['characters']:,} characters, {s['band_keys']:,} band keys, "
                       f"{s['bytes'] / 2**20:.1f} MiB, integrity {s['integrity']}, {s['stale']} pages to update")


def _lines(report, fix: bool, verbose: bool) -> list[str]:
    from .check import format_finding

    out = []
    shown: Counter = Counter()
    hidden: Counter = Counter()
    # identical repairs on one line (13 ASCII commas in a paragraph) are one output line with a count
    groups: list[list] = []
    for f in report.findings:
        if f.category in ("accepted", "fixed"):
            continue
        same = (f.path, f.line, f.category, f.kind, f.before, f.after)
        if f.category == "repair" and groups and groups[-1][0] == same:
            groups[-1][2] += 1
        else:
            groups.append([same, f, 1])
    for _, f, n in groups:
        key = (f.path, f.category)
        if not verbose and shown[key] >= MAX_LINES_PER_FILE:
            hidden[key] += n
            continue
        shown[key] += 1
        out.append(format_finding(f) + (f" (×{n})" if n > 1 else ""))
    for (path, cat), n in hidden.items():
        out.append(f"{path}: … {n} more {cat}s (--verbose shows all)")
    fixed = Counter((f.path, f.kind) for f in report.findings if f.category == "fixed")
    for path in report.fixed:
        kinds = ", ".join(f"{k} {n}" for (p, k), n in sorted(fixed.items()) if p == path)
        out.append(f"{path}: fixed {sum(n for (p, _), n in fixed.items() if p == path)} repairs ({kinds})")
    cats = Counter(f.category for f in report.findings)
    if cats["repair"] and not fix:
        files = len({f.path for f in report.findings if f.category == "repair"})
        out.append(f"seedsift check: {cats['repair']} repairs in {files} file(s); "
                   f"`seedsift check --fix` applies them")
    if cats["flag"]:
        out.append(f"seedsift check: {cats['flag']} flag(s) to review; after review, `seedsift check --accept FILE` "
                   f"records them in the baseline (or pass --allow-flags)")
    return out
