"""The ``seedsift`` command line: parse, call the pipeline, format; errors become exit codes.

Exit codes (one mapping, :func:`seedsift.cli.options.exit_code_for`; the codes are
:mod:`seedsift.errors`'): 0 everything processed; 1 some input could not be
processed (each named on stderr in one line) or, for ``check``, something was
found or fixed; 2 usage errors only (bad options, output inside the input, an
unusable --out); 3 an output could not be written (disk full); 4 a worker
process died; 5 the output directory is busy; 129/130/143 SIGHUP/Ctrl-C/SIGTERM.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from seedsift import __version__
from seedsift.cli.options import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    Ui,
    close_all_bars,
    config_dict,
    default_corpus,
    error_message,
    exit_code_for,
    output_options,
    with_configs,
)
from seedsift.errors import InputError, UsageProblem, WorkerDied
from seedsift.pipeline import atomic, outputs, rundir
from seedsift.pipeline import stages as pipeline
from seedsift.pipeline.corpus import MAX_CORPUS_BYTES, Corpus, CorpusTooLarge, Doc, read_corpus, shown

#: Per-document lines in a text summary before "… N more" (``--json`` lists every one).
MAX_DOC_LINES = 20


def max_corpus_option(f):
    return click.option("--max-corpus-mb", type=click.IntRange(1), default=None,
                        help=f"Refuse inputs larger than this (default {MAX_CORPUS_BYTES // 2**20} MiB).")(f)


def check_paths(inputs: list[Path], out: Path) -> None:
    """Refuse an output directory that is, contains or lies inside an input: never overwrite inputs."""
    for p in inputs:
        if not os.path.lexists(p):
            continue
        if p.is_dir() and atomic.is_within(out, p):
            raise UsageProblem(f"output directory {shown(out)} is inside the input {shown(p)}; choose another --out")
        if atomic.is_within(p, out):
            raise UsageProblem(f"input {shown(p)} is inside the output directory {shown(out)}; choose another --out")


def load(ui: Ui, inputs: list[Path], max_corpus_mb: int | None = None) -> Corpus:
    limit = max_corpus_mb * 2**20 if max_corpus_mb else MAX_CORPUS_BYTES
    try:
        corpus = read_corpus(inputs, limit, progress=ui.progress)
    except CorpusTooLarge as err:
        raise UsageProblem(str(err)) from None
    for problem in corpus.errors:
        ui.error(problem)
    return corpus


def finish(ui: Ui, summary: dict, errors: list, lines: list[str], advice: Sequence[str] = ()) -> int:
    """Print the result (text or JSON) and the closing advice; the exit code (1 when an input failed)."""
    summary["errors"] = [str(e) for e in errors]
    ui.result(summary, lines)
    if errors:
        ui.error(f"{len(errors)} input(s) could not be processed (see above)")
        return 1
    if not ui.as_json:
        for line in advice:
            ui.note(line)
    return EXIT_OK


def capped(lines: list[str], what: str, limit: int = MAX_DOC_LINES) -> list[str]:
    """At most ``limit`` lines, then one line saying how many more and where they are."""
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [f"  … {len(lines) - limit} more {what} (--json lists all)"]


def clean_lines(s: dict) -> list[str]:
    lines = [f"clean: {s['documents']} documents, {s['repairs']} repairs, {s['flags']} flags to review"]
    for kind, n in s["repairs_by_kind"].items():
        lines.append(f"  repaired  {kind:<16} {n:>6}")
    for kind, n in s["flags_by_kind"].items():
        lines.append(f"  flagged   {kind:<16} {n:>6}")
    return lines + capped([f"  {shown(doc)}: {n} repairs" for doc, n in s["repairs_by_document"].items()], "documents")


def dedupe_lines(s: dict) -> list[str]:
    return [
        f"dedupe: {s['documents']} documents in {s['clusters']} clusters, "
        f"{s['documents_removed']} documents removed, {s['passages_found']} repeated passages found "
        f"({s.get('passage_copies', s['passages_found'])} copies), {s['passages_removed']} copies removed, "
        f"{s['characters_removed']:,} of {s['characters_in']:,} characters removed",
    ]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def what_next(out: Path, clean: dict | None, dedupe: dict | None, report: bool) -> list[str]:
    """The closing line: which file to open and what waits there."""
    parts = []
    if dedupe is not None:
        if dedupe["documents_removed"]:
            parts.append(f"{plural(dedupe['documents_removed'], 'document')} removed")
        parts.append(f"{plural(dedupe['passages_removed'], 'passage')} removed")
    if clean is not None:
        parts.append(f"{plural(clean['flags'], 'flag')} to review")
    where = shown(out / "report.html") if report else shown(out) + "/"
    return [f"open {where}: {', '.join(parts)}" if parts else f"wrote {where}"]


def run_dedupe(ui: Ui, docs: Sequence[Doc], config, jobs: int | None, engine: str = "local",
               scheduler: str | None = None):
    """Run the deduplicator on the documents' texts (engine and processes chosen by the pipeline), a bar per stage."""
    from seedsift.pipeline.engine import run_find_duplicates

    try:
        return run_find_duplicates([(d.id, d.text) for d in docs], config, engine=engine, jobs=jobs,
                                   scheduler=scheduler, progress=ui.stage_progress("dedupe"))
    finally:
        ui.close_bars()


class PipelineGroup(click.Group):
    """Lists the commands in pipeline order (the order they are added), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog="Options of run, dedupe, check and index can also come from .seedsift.toml or "
                    "[tool.seedsift] in pyproject.toml (the nearest from the corpus upwards). "
                    "Shell completion: eval \"$(_SEEDSIFT_COMPLETE=bash_source seedsift)\" "
                    "(zsh_source, fish_source for other shells).")
@click.version_option(__version__, prog_name="seedsift")
def cli() -> None:
    """Clean and deduplicate Chinese news corpora, explaining every change.

    \b
    seedsift run                  clean + dedupe + report ./seeds into out/
    seedsift clean IN... --out D  repair OCR and line-break damage
    seedsift dedupe IN... --out D remove duplicated documents and passages
    seedsift report D             write D/report.html for review
    """


def input_options(f):
    """``--max-corpus-mb``, ``--format`` and ``--dry-run``: what the reading and writing commands share."""
    f = click.option("--dry-run", is_flag=True, help="Do everything but write: print which output files would be "
                     "new, changed or removed.")(f)
    f = click.option("--format", "fmt", type=click.Choice(["auto", "jsonl"]), default="auto", show_default=True,
                     help="Output texts as files (text input) or JSONL records like the input (auto), or always as "
                          "JSONL records {\"id\", \"text\"} (jsonl). Gzipped input gives gzipped output.")(f)
    return max_corpus_option(f)


def as_records(docs: list[Doc]) -> list[Doc]:
    """``--format jsonl``: file documents become ``{"id", "text"}`` records (written to one JSONL file)."""
    return [d if d.record is not None else dataclasses.replace(d, rel=None, record={"id": d.id, "text": d.text})
            for d in docs]


def read_inputs(ui: Ui, inputs: list[Path], max_corpus_mb: int | None, fmt: str) -> Corpus:
    corpus = load(ui, inputs, max_corpus_mb)
    if fmt == "jsonl":
        corpus.docs = as_records(corpus.docs)
    return corpus


def is_stdout(out: Path) -> bool:
    return os.fspath(out) == "-"


def check_output(out: Path) -> None:
    """What :func:`seedsift.pipeline.atomic.staged_directory` refuses, refused before any work (also for --dry-run)."""
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"{shown(out)}: exists and is not a directory; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / atomic.MARKER).exists():
        raise UsageProblem(f"{shown(out)}: exists and is not a seedsift output directory (no {atomic.MARKER}); "
                           "refusing to replace it")


class Output:
    """Where a command writes: ``--out DIR`` (staged, swapped in at the end), a dry run, or ``--out -``.

    A dry run and ``-`` stage into a temporary directory that is removed
    afterwards; ``changes`` then lists what a real run would have changed in
    DIR, and ``records()`` gives the JSONL that ``-`` prints.
    """

    def __init__(self, out: Path, *, dry_run: bool, keep_existing: bool = True) -> None:
        self.out, self.dry_run, self.keep_existing = out, dry_run, keep_existing
        self.to_stdout = is_stdout(out)
        self.changes: dict[str, list[str]] = {}
        self.stdout_body = b""

    @contextlib.contextmanager
    def stage(self):
        if not (self.dry_run or self.to_stdout):
            with atomic.staged_directory(self.out, keep_existing=self.keep_existing) as stage:
                yield stage
            return
        with tempfile.TemporaryDirectory(prefix="seedsift-") as tmp:
            stage = Path(tmp) / "out"
            if self.keep_existing and not self.to_stdout and self.out.is_dir():
                shutil.copytree(self.out, stage, symlinks=True)
            else:
                stage.mkdir()
            yield stage
            if self.to_stdout:
                self.stdout_body = self._records(stage)
            else:
                self.changes = tree_changes(self.out, stage)

    @staticmethod
    def _records(stage: Path) -> bytes:
        for name in ("dedup.jsonl", "cleaned.jsonl"):
            if (stage / name).is_file():
                return (stage / name).read_bytes()
            if (stage / f"{name}.gz").is_file():
                return gzip.decompress((stage / f"{name}.gz").read_bytes())
        return b""

    def emit_records(self) -> None:
        sys.stdout.flush()
        sys.stdout.buffer.write(self.stdout_body)
        sys.stdout.flush()

    def lines(self, wrote: bool = False) -> list[str]:
        """The dry run's list of changes; ``wrote`` adds "wrote DIR/" after a real run."""
        if not self.dry_run:
            return [f"wrote {shown(self.out)}/"] if wrote and not self.to_stdout else []
        c = self.changes
        head = (f"dry run, nothing written: {shown(self.out)}/ would get {len(c['new'])} new, "
                f"{len(c['changed'])} changed and {len(c['removed'])} removed files")
        rows = [f"  {what:<8} {shown(rel)}" for what in ("new", "changed", "removed") for rel in c[what]]
        return [head] + capped(rows, "files")


def tree_changes(old: Path, new: Path) -> dict[str, list[str]]:
    """Files of ``new`` that ``old`` lacks, that differ, and files of ``old`` that ``new`` lacks (relative POSIX paths)."""
    def files(root: Path) -> dict[str, Path]:
        if not root.is_dir():
            return {}
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}

    a, b = files(old), files(new)
    same = lambda x, y: x.stat().st_size == y.stat().st_size and x.read_bytes() == y.read_bytes()  # noqa: E731
    ignore = {atomic.MARKER}  # run.json always differs (it records the run)
    return {"new": [k for k in b if k not in a and k not in ignore],
            "changed": [k for k in b if k in a and k not in ignore and not same(a[k], b[k])],
            "removed": [k for k in a if k not in b]}


def read_for_command(ui: Ui, command: str, inputs: list, out, max_corpus_mb, fmt, config_file,
                     options: dict) -> tuple[Corpus, dict]:
    """What ``clean`` and ``dedupe`` do first: check the paths (unless writing to stdout),
    read the corpus, and start the run summary with the command, inputs and options."""
    if not is_stdout(out):
        check_paths(inputs, out)
        check_output(out)
    corpus = read_inputs(ui, inputs, max_corpus_mb, fmt)
    stdout_needs_records(out, corpus)
    summary: dict = {"seedsift": __version__, "command": command, "inputs": [str(p) for p in inputs],
                     "config_file": str(config_file) if config_file else None, "options": options}
    return corpus, summary


def stdout_needs_records(out: Path, corpus: Corpus) -> None:
    if is_stdout(out) and any(d.record is None for d in corpus.docs):
        raise UsageProblem("--out - writes JSONL records to stdout; the input has text files: add --format jsonl")


@cli.command(short_help="Clean, deduplicate and write the review report (all stages).")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Output directory.")
@with_configs(clean=True, dedupe=True, jobs=True)
@input_options
@output_options
def run(inputs, out, clean_config, dedupe_config, jobs, config_file, as_json, quiet, max_corpus_mb, fmt, dry_run):
    """Run the whole pipeline: clean, then deduplicate the cleaned text, then write the report.

    INPUT: files, directories (recursively *.txt, *.md), JSONL(.gz) files of
    {"id", "text"} records, or - for JSONL on stdin. With no INPUT ./seeds is
    processed, or, where there is none, the demo pages shipped with seedsift.

    \b
    Example:
        seedsift run                       # seeds/ -> out/
        seedsift run pages/ --out review/
        seedsift run pages/ --dry-run      # what would change in out/
    """
    ui = Ui(quiet, as_json)
    if is_stdout(out):
        raise UsageProblem("run writes a directory (with report.html); use `seedsift clean` or `dedupe` for --out -")
    inputs = list(inputs) or [default_corpus(ui, demo=True)]
    check_paths(inputs, out)
    check_output(out)
    corpus = read_inputs(ui, inputs, max_corpus_mb, fmt)
    if not corpus.docs:
        return finish(ui, {"documents": 0}, corpus.errors, ["nothing to do: no readable documents"])
    output = Output(out, dry_run=dry_run, keep_existing=False)
    notes: list[str] = []
    with output.stage() as stage:
        previous = outputs.previous_summary(out)  # read under the output lock
        rundir.write_doc_index(stage, corpus.docs)
        given = outputs.fingerprint(corpus.docs)
        # the cleaned documents replace the read ones: one text per document stays in memory
        corpus.docs, clean_summary = pipeline.clean_stage(stage, corpus.docs, clean_config, ui.progress)
        result = run_dedupe(ui, corpus.docs, dedupe_config, jobs)
        kept, dropped = outputs.carry_decisions(previous, result)
        _, dedupe_summary = pipeline.dedupe_stage(stage, corpus.docs, result, kept or None, progress=ui.progress)
        summary = {"seedsift": __version__, "command": "run", "inputs": [str(p) for p in inputs],
                   "config_file": str(config_file) if config_file else None,
                   "options": {"clean": clean_config._asdict(), "dedupe": config_dict(dedupe_config)},
                   "clean": clean_summary, "dedupe": dedupe_summary,
                   "stage_inputs": {"clean": given, "dedupe": outputs.fingerprint(corpus.docs)}}
        if kept or dropped:
            summary["apply"] = outputs.decisions_summary(kept, dropped, result, dedupe_summary, os.fspath(out / atomic.MARKER))
            notes.append(outputs.decisions_line(out, kept, dropped))
        rundir.write_run_summary(stage, summary)
        from seedsift.review.model import write_report

        with ui.step("write report.html"):
            write_report(stage)
    summary["dry_run"] = output.changes if dry_run else None
    return finish(ui, summary, corpus.errors,
                  clean_lines(clean_summary) + dedupe_lines(dedupe_summary) + notes + output.lines(wrote=True),
                  [] if dry_run else what_next(out, clean_summary, dedupe_summary, report=True))


def refresh_report(ui: Ui, stage: Path) -> None:
    """A report left by an earlier stage would describe outputs that just changed: rewrite it."""
    if (stage / "report.html").exists():
        from seedsift.review.model import write_report

        with ui.step("write report.html"):
            write_report(stage)


@cli.command(short_help="Repair OCR and line-break damage; record every repair.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True,
              help="Output directory, or - for the cleaned JSONL records on stdout (the summary then goes to stderr).")
@with_configs(clean=True)
@input_options
@output_options
def clean(inputs, out, clean_config, config_file, as_json, quiet, max_corpus_mb, fmt, dry_run):
    """Repair OCR and line-break damage; write cleaned/, repairs.jsonl and diffs/.

    INPUT: files, directories (recursively *.txt, *.md), JSONL(.gz) files of
    {"id", "text"} records, or - for JSONL on stdin.
    """
    ui = Ui(quiet, as_json)
    inputs = list(inputs)
    corpus, summary = read_for_command(ui, "clean", inputs, out, max_corpus_mb, fmt, config_file,
                                       {"clean": clean_config._asdict()})
    if not corpus.docs:
        return finish(ui, summary, corpus.errors, ["nothing to do: no readable documents"])
    output = Output(out, dry_run=dry_run)
    with output.stage() as stage:
        rundir.write_doc_index(stage, corpus.docs)
        given = outputs.fingerprint(corpus.docs)
        cleaned, summary["clean"] = pipeline.clean_stage(stage, corpus.docs, clean_config, ui.progress)
        settled, removed = outputs.settle_generations(stage, "clean", given, outputs.fingerprint(cleaned))
        if removed:
            ui.error(outputs.describe_removed(out, "clean", removed))
        summary.update(settled)
        rundir.write_run_summary(stage, summary)
        refresh_report(ui, stage)
    summary["dry_run"] = output.changes if dry_run else None
    lines = clean_lines(summary["clean"]) + output.lines()
    if output.to_stdout:
        return finish_stdout(ui, output, summary, corpus.errors, lines, "repairs.jsonl and diffs")
    return finish(ui, summary, corpus.errors, lines, [] if dry_run else
                  [f"`seedsift report {shown(out)}` writes the review page: "
                   f"{plural(summary['clean']['flags'], 'flag')} to review"])


def finish_stdout(ui: Ui, output: Output, summary: dict, errors: list, lines: list[str], dropped: str) -> int:
    """``--out -``: the records on stdout; the summary (text or JSON) on stderr; say what was not kept."""
    output.emit_records()
    summary["errors"] = [str(e) for e in errors]
    for line in ([json.dumps(summary, ensure_ascii=False)] if ui.as_json else lines):
        click.echo(line, err=True)
    ui.note(f"--out - keeps only the records; {dropped} were not written (use --out DIR to keep them)")
    if errors:
        ui.error(f"{len(errors)} input(s) could not be processed (see above)")
        return 1
    return EXIT_OK


@cli.command(short_help="Find duplicated documents and passages; remove them.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--out", "-o", type=click.Path(path_type=str), required=True,
              help="Output directory (a URL such as s3://… with --engine dask and JSONL/Parquet input), "
                   "or - for the deduplicated JSONL records on stdout.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Run on this machine or on a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster on 127.0.0.1).")
@click.option("--index", "index_path", is_flag=False, flag_value="default", default=None, metavar="[PATH]",
              help="Also bring the persistent index of each input directory up to date (default location "
                   "DIR/.seedsift/index.sqlite), so later `seedsift check` runs need no re-run.")
@with_configs(dedupe=True, jobs=True)
@input_options
@output_options
def dedupe(inputs, out, engine, scheduler, index_path, dedupe_config, jobs, config_file, as_json, quiet, max_corpus_mb,
           fmt, dry_run):
    """Find duplicated documents and passages; write dedup/, clusters, spans and a manifest.

    Matching ignores punctuation width, whitespace, paragraph breaks and
    simplified/traditional script; offsets refer to the real text.
    INPUT as for clean (- reads JSONL from stdin).
    """
    ui = Ui(quiet, as_json)
    cfg = dedupe_config
    if engine == "dask" and all(is_dataset_path(p) for p in inputs) and out != "-" and not dry_run:
        return run_dask_dataset(ui, list(inputs), out, cfg, scheduler)
    inputs, out = [Path(p) for p in inputs], Path(out)
    corpus, summary = read_for_command(ui, "dedupe", inputs, out, max_corpus_mb, fmt, config_file,
                                       {"dedupe": config_dict(cfg)})
    if not corpus.docs:
        return finish(ui, summary, corpus.errors, ["nothing to do: no readable documents"])
    result = run_dedupe(ui, corpus.docs, cfg, jobs, engine, scheduler)
    output = Output(out, dry_run=dry_run)
    notes: list[str] = []
    with output.stage() as stage:
        previous = outputs.previous_summary(stage)
        kept, dropped = outputs.carry_decisions(previous, result)
        rundir.write_doc_index(stage, corpus.docs)
        _, summary["dedupe"] = pipeline.dedupe_stage(stage, corpus.docs, result, kept or None, progress=ui.progress)
        settled, removed = outputs.settle_generations(stage, "dedupe", outputs.fingerprint(corpus.docs))
        if removed:
            ui.error(outputs.describe_removed(out, "dedupe", removed))
        summary.update(settled)
        if kept or dropped:
            summary["apply"] = outputs.decisions_summary(kept, dropped, result, summary["dedupe"], os.fspath(out / atomic.MARKER))
            notes.append(outputs.decisions_line(out, kept, dropped))
        rundir.write_run_summary(stage, summary)
        refresh_report(ui, stage)
    if index_path is not None and not dry_run:
        summary["index"] = update_indexes(inputs, cfg, None if index_path == "default" else Path(index_path), jobs)
    summary["dry_run"] = output.changes if dry_run else None
    lines = dedupe_lines(summary["dedupe"]) + notes + output.lines()
    if output.to_stdout:
        return finish_stdout(ui, output, summary, corpus.errors, lines, "the manifest, spans and diffs")
    return finish(ui, summary, corpus.errors, lines, [] if dry_run else
                  [f"`seedsift report {shown(out)}` writes the review page: "
                   f"{plural(summary['dedupe']['passages_removed'], 'passage')} removed"])


DATASET_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet", ".pq")


def is_dataset_path(p: str) -> bool:
    """JSONL(.gz)/Parquet files or URLs: what Dask workers can read themselves."""
    return "://" in p or p.endswith(DATASET_SUFFIXES)


def run_dask_dataset(ui: Ui, inputs: list[str], out: str, cfg, scheduler: str | None) -> int:
    """Dataset mode: the workers read the records, dedupe them and write part files.

    Nothing passes through this process, so the corpus may be larger than this
    machine. A local ``out`` is staged and swapped in like every other output;
    a remote one (``s3://…``) is written in place by the workers.
    """
    from seedsift.dask_engine import dask_client
    from seedsift.dask_engine.dataset import dedupe_dataset

    remote_out = "://" in out
    if not remote_out:
        check_paths([Path(p) for p in inputs if "://" not in p], Path(out))
    progress = ui.stage_progress("dask")
    summary: dict = {"seedsift": __version__, "command": "dedupe", "engine": "dask", "inputs": inputs,
                     "options": {"dedupe": config_dict(cfg)}}
    with contextlib.ExitStack() as stack:
        stack.callback(ui.close_bars)
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
            rundir.write_run_summary(Path(target), summary)
    s = summary["dedupe"]
    return finish(ui, summary, [], [
        f"dedupe (dask): {s['documents']} documents, {s['dropped']} documents removed, "
        f"{s['passages']} passages removed, {s['chars_removed']:,} characters removed", f"wrote {out}/",
    ])


def update_indexes(inputs: list[Path], cfg, index_path: Path | None, jobs: int | None) -> dict:
    """Sync the check index of every directory input (incremental: only new or changed pages are hashed)."""
    from seedsift.check.sync import sync_index

    dirs = [p for p in inputs if p.is_dir()]
    if index_path is not None and len(dirs) != 1:
        raise UsageProblem("--index PATH needs exactly one input directory")
    return {str(d): sync_index(d, cfg, index_path, jobs=jobs, warn=lambda m: click.echo(f"seedsift: {m}", err=True))
            for d in dirs}


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so staged outputs are discarded cleanly."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


#: signals that reached :func:`main`'s handlers during the current command
_RECEIVED: list[int] = []


def _raise_terminated(signum, frame) -> None:
    _RECEIVED.append(signum)
    raise Terminated(signum)


def _raise_interrupt(signum, frame) -> None:
    """Ctrl-C, raised as Python does, but remembered: a library may catch the
    KeyboardInterrupt and raise something else in its place (OpenCC's import
    falls back to another loader and fails with ImportError when Ctrl-C lands
    inside it)."""
    _RECEIVED.append(signum)
    raise KeyboardInterrupt


def interrupt_code(err: BaseException) -> int | None:
    """The exit code of an interrupted command when ``err`` is how an interrupt
    surfaced, else None: the interrupt exceptions themselves, and any other error
    raised after a signal reached seedsift's handlers (the signal is the cause, and
    the user asked to stop, so a traceback of whatever it broke would only confuse).
    """
    if isinstance(err, click.Abort | KeyboardInterrupt):  # click turns KeyboardInterrupt into Abort
        return EXIT_INTERRUPTED
    if isinstance(err, Terminated):
        return 128 + err.signum
    if _RECEIVED:
        return EXIT_INTERRUPTED if _RECEIVED[0] == signal.SIGINT else 128 + int(_RECEIVED[0])
    return None


#: Signals that end seedsift like SIGTERM: SIGHUP is what a closed terminal sends.
TERMINATING = (signal.SIGTERM,) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())
#: Exit codes of an interrupted command: Ctrl-C, and 128 + the signal for SIGTERM / SIGHUP.
INTERRUPT_CODES = frozenset({EXIT_INTERRUPTED, *(128 + int(s) for s in TERMINATING)})


def _interrupted(code: int) -> int:
    """Report an interrupt; a second Ctrl-C, SIGTERM or SIGHUP meanwhile cannot cut this short."""
    for s in (signal.SIGINT, *TERMINATING):
        signal.signal(s, signal.SIG_IGN)
    click.echo("seedsift: interrupted; previous outputs left as they were", err=True)
    return code


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit code (the console script exits with it).

    Every error becomes one line on stderr (and, with ``--json``, a JSON
    object ``{"error": ..., "exit_code": ...}`` on stdout) and the exit code of
    :func:`seedsift.cli.options.exit_code_for` (codes in :mod:`seedsift.errors`).
    SIGTERM and SIGHUP are turned into an exception so that, like Ctrl-C, they
    unwind through :func:`seedsift.pipeline.atomic.staged_directory` and leave the
    previous outputs.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    _RECEIVED.clear()
    previous = {s: signal.signal(s, _raise_terminated) for s in TERMINATING}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        rv = cli.main(argv, standalone_mode=False, prog_name="seedsift")
        return rv if isinstance(rv, int) else EXIT_OK
    except click.exceptions.Exit as e:
        return e.exit_code
    except BaseException as e:  # an interrupt, however it surfaced, or one of seedsift's errors
        # clear the bars before the message: a bar the unwinding did not close (one drawn an
        # instant before Ctrl-C) would otherwise share the message's line
        close_all_bars()
        if (code := interrupt_code(e)) is not None:
            return _interrupted(code)
        if not isinstance(e, click.ClickException | UsageProblem | InputError | OSError | WorkerDied):
            raise
        code = exit_code_for(e)
        if isinstance(e, click.UsageError) and not _wants_json(argv):
            e.show()
        else:
            click.echo(f"seedsift: {error_message(e)}", err=True)
        if _wants_json(argv):
            click.echo(json.dumps({"error": error_message(e), "exit_code": code}, ensure_ascii=False))
        return code
    finally:
        close_all_bars()
        for s, handler in previous.items():
            signal.signal(s, handler)


def console() -> NoReturn:
    """The ``seedsift`` console script: :func:`main`, then exit with its code.

    After an interrupt (Ctrl-C, SIGTERM, SIGHUP) everything that matters has
    already been unwound inside :func:`main`: the staging directory removed,
    the lock released, the worker pool stopped and its processes terminated.
    What is left are the pool's own helper threads, which the interpreter joins
    at exit; one of them can be blocked writing a task into a pipe that no
    process reads any more, and the command then never ends (seen once on a
    loaded machine with SIGTERM during the passage alignment). So an
    interrupted command flushes its streams and leaves with ``os._exit``.
    """
    code = main()
    if code in INTERRUPT_CODES:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _register_command_modules() -> None:
    """Commands in their own modules, added after the pipeline ones: review, then check/index."""
    from seedsift.cli import check as cli_check
    from seedsift.cli import review as cli_review
    for command in (cli_review.report, cli_review.apply, cli_review.restore, cli_check.check, cli_check.index):
        cli.add_command(command)


_register_command_modules()
