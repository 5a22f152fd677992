"""The ``seedsift`` command line: parse, call the pipeline, translate errors into exit codes.

Exit codes: 0 everything processed; 1 some input could not be processed (each
named on stderr in one line) or, for ``check``, something was found or fixed;
2 usage errors (bad options, output inside the input, unusable output dir).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from tqdm import tqdm

from seedsift.cleaners import CleanConfig

from . import __version__, atomic, pipeline
from .corpus import MAX_CORPUS_BYTES, Corpus, CorpusTooLarge, Doc, read_corpus
from .errors import InputError, UsageProblem

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def default_seeds() -> Path:
    """The shipped seed pages: the default corpus of ``seedsift run`` (in the checkout, next to the package)."""
    if not SEEDS_DIR.is_dir():
        raise UsageProblem(
            f"no INPUT given and the shipped seeds/ directory is not at {SEEDS_DIR} "
            "(it comes with a checkout installed with `pip install -e .`); name the pages to process"
        )
    return SEEDS_DIR


class Ui:
    """Output policy shared by the commands: stdout for results, stderr for progress and errors."""

    def __init__(self, quiet: bool, as_json: bool) -> None:
        self.quiet = quiet
        self.as_json = as_json

    def progress(self, it: Iterable, desc: str = "", total: int | None = None) -> Iterable:
        # tqdm(disable=None) turns itself off when stderr is not a terminal.
        return tqdm(it, desc=desc, total=total, disable=True if self.quiet else None, file=sys.stderr, unit="doc", leave=False)

    def error(self, err: Exception) -> None:
        click.echo(f"seedsift: {err}", err=True)


def common_output_options(f):
    f = click.option("--max-corpus-mb", type=click.IntRange(1), default=None, help=f"Refuse inputs larger than this (default {MAX_CORPUS_BYTES // 2**20} MiB).")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")(f)
    return f


def clean_options(f):
    f = click.option("--keep-punctuation", is_flag=True, help="Do not convert ASCII punctuation in Chinese text to full width.")(f)
    f = click.option("--script", type=click.Choice(["keep", "simplified", "traditional", "taiwan"]), default="keep", show_default=True, help="Convert the script with OpenCC.")(f)
    f = click.option("--drop-boilerplate", is_flag=True, help="Remove continuation markers, 广告 and photo credits instead of only recording them.")(f)
    return f


def dedupe_options(f):
    f = click.option("--keep", type=click.Choice(["first", "longest"]), default="first", show_default=True, help="Which copy of a duplicate survives.")(f)
    f = click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None, help="Jaccard threshold of the document MinHash-LSH (default 0.5; candidates are verified).")(f)
    f = click.option("--similarity", type=click.FloatRange(0.0, 1.0, min_open=True), default=None, help="Verified similarity that makes two documents duplicates (default 0.85).")(f)
    f = click.option("--num-perm", type=click.IntRange(16, 1024), default=None, help="MinHash permutations (default 128).")(f)
    f = click.option("--ngram", type=click.IntRange(1, 32), default=None, help="Character n-gram size of the match keys (default 5).")(f)
    f = click.option("--min-passage-chars", type=click.IntRange(1), default=None, help="Shortest copy of whole paragraphs that is a passage, in letters and digits (default 32); shorter shared text is a shared phrase.")(f)
    f = click.option("--remove-similarity", type=click.FloatRange(0.0, 1.0, min_open=True), default=None, help="Passages at least this similar are removed (default 0.95); less similar ones are only reported.")(f)
    f = click.option("--lsh-backend", type=click.Choice(["datasketch", "numpy"]), default=None, help="Document candidates from datasketch's MinHashLSH (default) or numpy band keys (faster, same pairs).")(f)
    f = click.option("--boilerplate", type=click.Choice(["keep", "remove"]), default=None, help="Passages whose copies lie in more than 5 document clusters (footers, licences, templates): keep them (default; one shared-text record) or remove them like other passages.")(f)
    f = click.option("--no-passages", is_flag=True, default=False, help="Documents only: find no repeated passages (faster).")(f)
    f = click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes (default: all cores).")(f)
    return f


def make_clean_config(keep_punctuation: bool, script: str, drop_boilerplate: bool) -> CleanConfig:
    return CleanConfig(fix_punctuation=not keep_punctuation, script=script, drop_boilerplate=drop_boilerplate)


def make_dedupe_config(keep, threshold, num_perm, ngram, min_passage_chars, similarity=None,
                       remove_similarity=None, lsh_backend=None, no_passages=False, boilerplate=None):
    from seedsift.dedupe import DedupeConfig

    given = {"keep": keep, "doc_threshold": threshold, "num_perm": num_perm, "ngram": ngram,
             "min_passage_chars": min_passage_chars, "doc_similarity": similarity,
             "remove_similarity": remove_similarity, "lsh_backend": lsh_backend,
             "passages": False if no_passages else None, "boilerplate": boilerplate}
    try:
        return DedupeConfig(**{k: v for k, v in given.items() if v is not None})
    except ValueError as err:
        raise click.UsageError(str(err)) from None


def config_dict(cfg) -> dict:
    """The dedupe options as recorded in run.json (so a run can be reproduced)."""
    import dataclasses

    return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)}


def check_paths(inputs: list[Path], out: Path) -> None:
    """Refuse an output directory that is, contains or lies inside an input: never overwrite inputs."""
    for p in inputs:
        if not os.path.lexists(p):
            continue
        if p.is_dir() and atomic.is_within(out, p):
            raise UsageProblem(f"output directory {out} is inside the input {p}; choose another --out")
        if atomic.is_within(p, out):
            raise UsageProblem(f"input {p} is inside the output directory {out}; choose another --out")


def load(ui: Ui, inputs: list[Path], max_corpus_mb: int | None = None) -> Corpus:
    limit = max_corpus_mb * 2**20 if max_corpus_mb else MAX_CORPUS_BYTES
    try:
        corpus = read_corpus(inputs, limit)
    except CorpusTooLarge as err:
        raise UsageProblem(str(err)) from None
    for err in corpus.errors:
        ui.error(err)
    return corpus


def finish(ui: Ui, summary: dict, corpus: Corpus, lines: list[str]) -> None:
    summary["errors"] = [str(e) for e in corpus.errors]
    if ui.as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for line in lines:
            click.echo(line)
    if corpus.errors:
        click.echo(f"seedsift: {len(corpus.errors)} input(s) could not be processed (see above)", err=True)
        sys.exit(1)


def clean_lines(s: dict) -> list[str]:
    lines = [f"clean: {s['documents']} documents, {s['repairs']} repairs, {s['flags']} flags to review"]
    for kind, n in s["repairs_by_kind"].items():
        lines.append(f"  repaired  {kind:<16} {n:>6}")
    for kind, n in s["flags_by_kind"].items():
        lines.append(f"  flagged   {kind:<16} {n:>6}")
    for doc, n in s["repairs_by_document"].items():
        lines.append(f"  {doc}: {n} repairs")
    return lines


def dedupe_lines(s: dict) -> list[str]:
    return [
        f"dedupe: {s['documents']} documents in {s['clusters']} clusters, "
        f"{s['documents_removed']} documents removed, {s['passages_found']} repeated passages found "
        f"({s.get('passage_copies', s['passages_found'])} copies), {s['passages_removed']} copies removed, "
        f"{s['characters_removed']:,} of {s['characters_in']:,} characters removed",
    ]


def run_dedupe(ui: Ui, docs: list[Doc], texts: list[str], config, jobs: int | None, engine: str = "local", scheduler: str | None = None):
    """Run the deduplicator with both cores (or a Dask cluster) and a progress bar per stage."""
    from seedsift.dedupe import find_duplicates

    pairs = [(d.id, t) for d, t in zip(docs, texts)]
    progress, bars = stage_progress(ui, "dedupe")
    try:
        if engine == "dask":
            from .dask_engine import find_duplicates_dask

            return find_duplicates_dask(pairs, config, scheduler=scheduler, progress=progress)
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and len(pairs) >= 64:
            from concurrent.futures import ProcessPoolExecutor

            from seedsift.dedupe.keys import warm

            warm()  # build the script-folding table once; forked workers inherit it

            pool = ProcessPoolExecutor(jobs, initializer=ignore_interrupts)
            try:
                return find_duplicates(pairs, config, map_fn=lambda f, *its: pool.map(f, *its, chunksize=16), progress=progress)
            finally:
                # On Ctrl-C do not wait for queued work: cancel it and let the workers go.
                pool.shutdown(wait=True, cancel_futures=True)
        return find_duplicates(pairs, config, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seedsift")
def cli() -> None:
    """Clean and deduplicate Chinese news corpora, explaining every change.

    \b
    seedsift run                  clean + dedupe + report the shipped seeds/ into out/
    seedsift clean IN... --out D  repair OCR and line-break damage
    seedsift dedupe IN... --out D remove duplicated documents and passages
    seedsift report D             write D/report.html for review
    """


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Output directory.")
@clean_options
@dedupe_options
@common_output_options
def run(inputs, out, keep_punctuation, script, drop_boilerplate, keep, threshold, similarity, num_perm, ngram, min_passage_chars, remove_similarity, lsh_backend, jobs, as_json, quiet, max_corpus_mb, no_passages=False, boilerplate=None):
    """Run the whole pipeline: clean, then deduplicate the cleaned text, then write the report.

    With no INPUT the shipped seeds/ directory is processed.

    \b
    Example:
        seedsift run                       # seeds/ -> out/
        seedsift run pages/ --out review/
    """
    ui = Ui(quiet, as_json)
    inputs = list(inputs) or [default_seeds()]
    check_paths(inputs, out)
    clean_cfg = make_clean_config(keep_punctuation, script, drop_boilerplate)
    dedupe_cfg = make_dedupe_config(keep, threshold, num_perm, ngram, min_passage_chars, similarity, remove_similarity, lsh_backend, no_passages, boilerplate)
    corpus = load(ui, inputs, max_corpus_mb)
    if not corpus.docs:
        finish(ui, {"documents": 0}, corpus, ["nothing to do: no readable documents"])
        return
    with atomic.staged_directory(out, keep_existing=False) as stage:
        pipeline.write_doc_index(stage, corpus.docs)
        texts, clean_summary = pipeline.clean_stage(stage, corpus.docs, clean_cfg, lambda it: ui.progress(it, "clean"))
        result = run_dedupe(ui, corpus.docs, texts, dedupe_cfg, jobs)
        _, dedupe_summary = pipeline.dedupe_stage(stage, corpus.docs, texts, result)
        summary = {"seedsift": __version__, "command": "run", "inputs": [str(p) for p in inputs],
                   "options": {"clean": clean_cfg._asdict(), "dedupe": config_dict(dedupe_cfg)},
                   "clean": clean_summary, "dedupe": dedupe_summary}
        pipeline.write_run_summary(stage, summary)
        report_lines = write_report_if_available(stage)
    finish(ui, summary, corpus, clean_lines(clean_summary) + dedupe_lines(dedupe_summary) + report_lines + [f"wrote {out}/"])


def write_report_if_available(stage: Path) -> list[str]:
    from .review import write_report

    write_report(stage)
    return ["report: report.html"]


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="Output directory.")
@clean_options
@common_output_options
def clean(inputs, out, keep_punctuation, script, drop_boilerplate, as_json, quiet, max_corpus_mb):
    """Repair OCR and line-break damage; write cleaned/, repairs.jsonl and diffs/.

    INPUT: files, directories (recursively *.txt, *.md) or JSONL(.gz) with {"id", "text"} records.
    """
    ui = Ui(quiet, as_json)
    inputs = list(inputs)
    check_paths(inputs, out)
    cfg = make_clean_config(keep_punctuation, script, drop_boilerplate)
    corpus = load(ui, inputs, max_corpus_mb)
    summary: dict = {"seedsift": __version__, "command": "clean", "inputs": [str(p) for p in inputs],
                     "options": {"clean": cfg._asdict()}}
    if corpus.docs:
        with atomic.staged_directory(out) as stage:
            pipeline.write_doc_index(stage, corpus.docs)
            _, summary["clean"] = pipeline.clean_stage(stage, corpus.docs, cfg, lambda it: ui.progress(it, "clean"))
            pipeline.write_run_summary(stage, summary)
    finish(ui, summary, corpus, clean_lines(summary["clean"]) if "clean" in summary else ["nothing to do: no readable documents"])


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", "-o", type=click.Path(path_type=str), required=True, help="Output directory (a URL such as s3://… with --engine dask and JSONL/Parquet input).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Run on this machine or on a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster on 127.0.0.1).")
@click.option("--index", "index_path", is_flag=False, flag_value="default", default=None, metavar="[PATH]",
              help="Also bring the persistent index of each input directory up to date (default location "
                   "DIR/.seedsift/index.sqlite), so later `seedsift check` runs need no re-run.")
@dedupe_options
@common_output_options
def dedupe(inputs, out, engine, scheduler, index_path, keep, threshold, similarity, num_perm, ngram, min_passage_chars, remove_similarity, lsh_backend, jobs, as_json, quiet, max_corpus_mb, no_passages=False, boilerplate=None):
    """Find duplicated documents and passages; write dedup/, clusters, spans and a manifest.

    Matching ignores punctuation width, whitespace, paragraph breaks and
    simplified/traditional script; offsets refer to the real text.
    """
    ui = Ui(quiet, as_json)
    cfg = make_dedupe_config(keep, threshold, num_perm, ngram, min_passage_chars, similarity, remove_similarity, lsh_backend, no_passages, boilerplate)
    if engine == "dask" and all(is_dataset_path(p) for p in inputs):
        run_dask_dataset(ui, list(inputs), out, cfg, scheduler)
        return
    inputs, out = [Path(p) for p in inputs], Path(out)
    check_paths(inputs, out)
    corpus = load(ui, inputs, max_corpus_mb)
    summary: dict = {"seedsift": __version__, "command": "dedupe", "inputs": [str(p) for p in inputs],
                     "options": {"dedupe": config_dict(cfg)}}
    if corpus.docs:
        texts = [d.text for d in corpus.docs]
        result = run_dedupe(ui, corpus.docs, texts, cfg, jobs, engine, scheduler)
        with atomic.staged_directory(out) as stage:
            pipeline.write_doc_index(stage, corpus.docs)
            _, summary["dedupe"] = pipeline.dedupe_stage(stage, corpus.docs, texts, result)
            pipeline.write_run_summary(stage, summary)
        if index_path is not None:
            summary["index"] = update_indexes(inputs, cfg, None if index_path == "default" else Path(index_path), jobs)
    finish(ui, summary, corpus, dedupe_lines(summary["dedupe"]) if "dedupe" in summary else ["nothing to do: no readable documents"])


DATASET_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet", ".pq")


def is_dataset_path(p: str) -> bool:
    """JSONL(.gz)/Parquet files or URLs: what Dask workers can read themselves."""
    return "://" in p or p.endswith(DATASET_SUFFIXES)


def run_dask_dataset(ui: Ui, inputs: list[str], out: str, cfg, scheduler: str | None) -> None:
    """Dataset mode: the workers read the records, dedupe them and write part files.

    Nothing passes through this process, so the corpus may be larger than this
    machine. A local ``out`` is staged and swapped in like every other output;
    a remote one (``s3://…``) is written in place by the workers.
    """
    from .dask_engine import dask_client
    from .dask_engine.dataset import dedupe_dataset

    remote_out = "://" in out
    if not remote_out:
        check_paths([Path(p) for p in inputs if "://" not in p], Path(out))
    progress, bars = stage_progress(ui, "dask")
    summary: dict = {"seedsift": __version__, "command": "dedupe", "engine": "dask", "inputs": inputs,
                     "options": {"dedupe": config_dict(cfg)}}
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: [bar.close() for bar in bars.values()])
        client = stack.enter_context(dask_client(scheduler))
        target = out
        if not remote_out:
            stage = stack.enter_context(atomic.staged_directory(Path(out)))
            for sub in ("dedup", "clusters", "spans", "manifest"):
                shutil.rmtree(stage / sub, ignore_errors=True)
            target = str(stage)
        try:
            summary["dedupe"] = dedupe_dataset(client, inputs, target, cfg, progress)
        except (ValueError, OSError) as err:
            raise UsageProblem(f"dask dataset: {err}") from None
        if not remote_out:
            pipeline.write_run_summary(Path(target), summary)
    s = summary["dedupe"]
    finish(ui, summary, Corpus([], []), [
        f"dedupe (dask): {s['documents']} documents, {s['dropped']} documents removed, "
        f"{s['passages']} passages removed, {s['chars_removed']:,} characters removed", f"wrote {out}/",
    ])


def ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C and SIGTERM to the parent, which cancels their work.

    At a terminal Ctrl-C reaches the whole process group; without this every
    worker would print its own KeyboardInterrupt traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def stage_progress(ui: Ui, prefix: str):
    """A ``progress(stage, done, total)`` callback drawing one tqdm bar per stage on stderr.

    Returns the callback and the dict of bars, which the caller closes.
    """
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if ui.quiet:
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=f"{prefix} {stage}", disable=None, file=sys.stderr, leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()

    return progress, bars


def update_indexes(inputs: list[Path], cfg, index_path: Path | None, jobs: int | None) -> dict:
    """Sync the check index of every directory input (incremental: only new or changed pages are hashed)."""
    from .cli_check import sync_index

    dirs = [p for p in inputs if p.is_dir()]
    if index_path is not None and len(dirs) != 1:
        raise UsageProblem("--index PATH needs exactly one input directory")
    return {str(d): sync_index(d, cfg, index_path, jobs=jobs) for d in dirs}


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so staged outputs are discarded cleanly."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def _interrupted(code: int) -> None:
    """Report an interrupt and exit; a second Ctrl-C or SIGTERM meanwhile cannot cut this short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    click.echo("seedsift: interrupted; previous outputs left as they were", err=True)
    sys.exit(code)


def main() -> None:
    """Console entry point: UsageProblem and OSError become one line and exit code 2.

    SIGTERM is turned into an exception so that, like Ctrl-C, it unwinds through
    :func:`seedsift.atomic.staged_directory` and leaves the previous outputs.
    """
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        cli.main(standalone_mode=False, prog_name="seedsift")
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.Abort:  # click turns KeyboardInterrupt into Abort
        _interrupted(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except UsageProblem as e:
        click.echo(f"seedsift: {e}", err=True)
        sys.exit(2)
    except InputError as e:
        click.echo(f"seedsift: {e}", err=True)
        sys.exit(1)
    except OSError as e:
        click.echo(f"seedsift: {e}", err=True)
        sys.exit(2)
    except (KeyboardInterrupt, Terminated) as e:
        _interrupted(143 if isinstance(e, Terminated) else 130)


def _register_command_modules() -> None:
    """Commands that live in their own modules (review, check/index) attach themselves here."""
    from . import cli_check, cli_review

    cli_review.register(cli)
    cli_check.register(cli)


_register_command_modules()
