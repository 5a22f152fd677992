"""``seedsift check`` (the pre-commit hook) and ``seedsift index build|update|stats``.

Thin: parse options, call :mod:`seedsift.check.findings` / :mod:`seedsift.check.index`, print.
Exit codes of ``check``: 0 clean, 1 something found or fixed, 2 usage error.
Output is quiet: nothing when clean, one line per finding otherwise
(``path:line: kind: …context… → …context…``, ``path lines A-B duplicate other lines C-D (similarity X)``),
then one closing line per kind of finding saying what to do, in commands that
work where the check runs (inside pre-commit: its hook ids).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import click

from seedsift.cli.options import Ui, default_corpus, output_options, with_configs
from seedsift.pipeline.corpus import shown

#: Findings printed per file and category before "... N more" (``--verbose`` prints all).
MAX_LINES_PER_FILE = 30


def _warn(msg: str) -> None:
    click.echo(f"seedsift: {msg}", err=True)


def index_option(f):
    """``--index PATH``: where the SQLite index lives (default ``<corpus>/.seedsift/index.sqlite``)."""
    return click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Index file (default: CORPUS/.seedsift/index.sqlite).")(f)


def corpus_option(f):
    return click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
                        help="Corpus directory (default: ./seeds).")(f)


@click.command(short_help="Check new pages before a commit (the pre-commit hook).")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fix", is_flag=True, help="Rewrite the files with the repairs applied (then exit 1).")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Corpus to compare with (default: the directory each file lives in).")
@index_option
@click.option("--allow-flags", is_flag=True, help="Show flags that need a person but do not fail on them.")
@click.option("--accept", is_flag=True, help="Record the current flags and duplicates of FILES as reviewed in the baseline.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Accepted flags and duplicates (default: .seedsift-baseline.json at the repository root).")
@click.option("--no-clean", is_flag=True, help="Only look for duplicates.")
@click.option("--no-duplicates", is_flag=True, help="Only look for repairs and flags.")
@click.option("--dry-run", is_flag=True, help="With --fix: print the diff --fix would apply, write nothing; with --accept: save nothing.")
@click.option("--verbose", "-v", is_flag=True, help=f"Print every finding (default: at most {MAX_LINES_PER_FILE} per file and kind of finding).")
@with_configs(clean=True, dedupe=True)
@output_options
def check(files, fix, corpus, index_path, allow_flags, accept, baseline_path, no_clean, no_duplicates,
          dry_run, verbose, clean_config, dedupe_config, config_file, as_json, quiet):
    """Check new seed pages before they are committed (the pre-commit hook).

    \b
    For each FILE: the repairs the cleaner would make (fails; --fix applies
    them and exits 1, pre-commit's fixer convention), flags a person must
    review (fail unless --allow-flags or accepted with --accept), and
    near-duplicates against the corpus and the other FILES, e.g.
        seeds/new.txt lines 12-30 duplicate seeds/003.txt lines 40-58 (similarity 0.97)
    A reviewed duplicate is accepted with --accept like a flag.
    The corpus is indexed incrementally in CORPUS/.seedsift/index.sqlite.
    Exit: 0 clean, 1 found or fixed, 2 usage error.
    """
    from seedsift.check import baseline as bl
    from seedsift.check.findings import CheckOptions, check_files

    if not files:
        return 0
    opts = CheckOptions(
        fix=fix, allow_flags=allow_flags, accept=accept, clean=not no_clean, duplicates=not no_duplicates,
        corpus=corpus, index_path=index_path, clean_config=clean_config, dedupe_config=dedupe_config,
        baseline_path=baseline_path or bl.default_path(), dry_run=dry_run)
    try:
        report = check_files(list(files), opts, warn=_warn)
    except bl.BaselineError as err:
        raise click.UsageError(str(err)) from None
    code = report.exit_code(allow_flags)
    if as_json:
        click.echo(json.dumps(report.as_dict(allow_flags), ensure_ascii=False, indent=1))
        return code
    for line in finding_lines(report, verbose):
        click.echo(line)
    for diff in report.diffs.values():
        click.echo(diff, nl=False)
    if not quiet:
        for line in closing_lines(report, opts):
            click.echo(f"seedsift check: {line}")
    return code


@click.group(short_help="Build, update or inspect the corpus index used by check.")
def index():
    """Build, update or inspect the corpus index used by `seedsift check` (SQLite, CORPUS/.seedsift/)."""


def _index_cmd(name: str, rebuild: bool, doc: str):
    @index.command(name=name, help=doc)
    @corpus_option
    @index_option
    @with_configs(dedupe=True, jobs=True)
    @output_options
    def cmd(corpus, index_path, dedupe_config, jobs, config_file, as_json, quiet):
        from seedsift.check.sync import sync_index

        ui = Ui(quiet, as_json)
        corpus = corpus or default_corpus()
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = ui.bar(f"index {name}", total, unit="doc")
            bar.n = done
            bar.refresh()

        try:
            st = sync_index(corpus, dedupe_config, index_path, rebuild=rebuild, progress=progress, jobs=jobs, warn=_warn)
        finally:
            ui.close_bars()
        for e in st["errors"]:
            _warn(e)
        ui.result(st, [f"index {name}: {st['pages']} pages, {st['added']} added, {st['changed']} changed, "
                       f"{st['removed']} removed, {st['unchanged'] + st['touched']} unchanged "
                       f"in {st['seconds']:.1f} s ({shown(st['index'])})"])
        return 1 if st["errors"] else 0

    return cmd


build = _index_cmd("build", True, "Build the index of CORPUS from scratch.")
update = _index_cmd("update", False, "Index new and changed pages of CORPUS; drop removed ones.")


@index.command()
@corpus_option
@index_option
@with_configs(dedupe=True)
@output_options
def stats(corpus, index_path, dedupe_config, config_file, as_json, quiet):
    """Show what the index holds, and check its integrity."""
    from seedsift.check.index import index_path_for, list_pages, open_corpus_index

    ui = Ui(quiet, as_json)
    corpus = corpus or default_corpus()
    path = index_path or index_path_for(corpus, dedupe_config)
    if not path.exists():
        raise click.UsageError(f"{shown(path)}: no index yet; run `seedsift index build --corpus {shown(corpus)}`")
    with open_corpus_index(corpus, dedupe_config, path, check=True, warn=_warn) as ix:
        s = ix.stats(integrity=True)
        state = ix.state()
        pages = list_pages(corpus)
        s["stale"] = sum(1 for p in pages if p.rel not in state or state[p.rel][1:3] != (p.size, p.mtime_ns))
        s["stale"] += len(set(state) - {p.rel for p in pages})
    ui.result(s, [f"{shown(s['index'])}: {s['pages']} pages, {s['characters']:,} characters, {s['band_keys']:,} band keys, "
                  f"{s['bytes'] / 2**20:.1f} MiB, integrity {s['integrity']}, {s['stale']} pages to update"])
    return 0


# --------------------------------------------------------------------------- what check prints


def finding_lines(report, verbose: bool = False) -> list[str]:
    """One line per finding (identical repairs on one line grouped with a count), capped per file and kind."""
    from seedsift.check.findings import format_finding

    out = []
    shown_n: Counter = Counter()
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
        if not verbose and shown_n[key] >= MAX_LINES_PER_FILE:
            hidden[key] += n
            continue
        shown_n[key] += 1
        out.append(format_finding(f) + (f" (×{n})" if n > 1 else ""))
    for (path, cat), n in hidden.items():
        out.append(f"{shown(path)}: … {n} more {cat}s (--verbose shows all)")
    fixed = Counter((f.path, f.kind) for f in report.findings if f.category == "fixed")
    for path in report.fixed:
        kinds = ", ".join(f"{k} {n}" for (p, k), n in sorted(fixed.items()) if p == path)
        out.append(f"{shown(path)}: fixed {sum(n for (p, _), n in fixed.items() if p == path)} repairs ({kinds})")
    return out


def in_pre_commit() -> bool:
    """pre-commit runs hooks with PRE_COMMIT=1 in their environment."""
    return os.environ.get("PRE_COMMIT") == "1"


def seedsift_on_path() -> bool:
    """Whether the committer can type ``seedsift`` (inside pre-commit, not counting the hook's own environment)."""
    if not in_pre_commit():
        return True
    own = os.path.realpath(sys.prefix)
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not os.path.realpath(d).startswith(own + os.sep)]
    return shutil.which("seedsift", path=os.pathsep.join(dirs)) is not None


def closing_lines(report, opts) -> list[str]:
    """What to do about each kind of blocking finding, in commands that work where the check ran."""
    cats = Counter(f.category for f in report.findings)
    hook = in_pre_commit()
    plain = seedsift_on_path()

    def how(hook_id: str, option: str, *categories: str) -> str:
        files = list(dict.fromkeys(shown(f.path) for f in report.findings if f.category in categories))
        names = " ".join(files) if len(files) <= 3 else "FILE…"
        ways = []
        if hook:
            ways.append(f"`pre-commit run --hook-stage manual {hook_id} --files {names}`")
        if plain:
            ways.append(f"`seedsift check {option} {names}`")
        return " or ".join(ways)

    out = []
    if opts.dry_run:
        would = [f"{len(report.diffs)} file(s) would be fixed (diff above)"] if report.diffs else []
        if opts.accept and report.accepted_now:
            n_dup = report.accepted_duplicates
            would.append(f"{report.accepted_now - n_dup} flag(s) and {n_dup} duplicate(s) would be accepted")
        return [f"dry run, nothing written: {'; '.join(would) or 'nothing would change'}"]
    if cats["repair"] and not opts.fix:
        nfiles = len({f.path for f in report.findings if f.category == "repair"})
        out.append(f"{cats['repair']} repairs in {nfiles} file(s); {how('seedsift-fix', '--fix', 'repair')} applies them")
    if report.fixed:
        out.append(f"fixed {len(report.fixed)} file(s); review the change (`git diff`), then `git add` it")
    after = f"; then commit {shown(os.path.relpath(opts.baseline_path))}"
    if cats["flag"] and not opts.allow_flags:
        out.append(f"{cats['flag']} flag(s) to review; after review {how('seedsift-accept', '--accept', 'flag')} "
                   f"records them as accepted{after}")
    if cats["duplicate"]:
        out.append(f"{cats['duplicate']} duplicate(s) of text already in the corpus; remove the copied text, "
                   f"or, when the copy is wanted, {how('seedsift-accept', '--accept', 'duplicate')} accepts it{after}")
    if report.accepted_now:
        n_dup = report.accepted_duplicates
        out.append(f"accepted {report.accepted_now - n_dup} flag(s) and {n_dup} duplicate(s) in "
                   f"{shown(os.path.relpath(opts.baseline_path))}; commit that file")
    elif opts.accept and not report.blocking(opts.allow_flags):
        out.append("nothing new to accept")
    if hook and out and not report.accepted_now:
        out.append("to commit anyway: `SKIP=seedsift-check git commit …`")
    return out
