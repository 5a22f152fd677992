"""``seedsift report``, ``apply`` and ``restore``: the review commands.

Exit codes follow seedsift.cli: 0 done, 1 the data in DIR or the decisions
file is unusable (one line on stderr naming the file; nothing written),
2 usage errors (click's own, or an output path that cannot be used), 3 an output
could not be written (disk full), 5 another seedsift is writing DIR.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import InputError, UsageProblem, describe, exit_code


def _fail(err: Exception) -> None:
    """One line naming the file, and the exit code seedsift.cli.main gives the same error:
    1 the data is at fault (InputError), 2 an unusable path (e.g. --out is a non-seedsift
    directory or the input itself), 3 disk full, 5 the directory is busy (seedsift.errors)."""
    click.echo(f"seedsift: {describe(err)}", err=True)
    sys.exit(exit_code(err))


def _emit(as_json: bool, summary: dict, line: str) -> None:
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2) if as_json else line)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def report(directory: Path, as_json: bool) -> None:
    """Write DIRECTORY/report.html: one self-contained page to review duplicates and repairs.

    Reads what `clean` and `dedupe` (or `run`) wrote in DIRECTORY. The page
    needs no network; mail it, open it offline, export decisions for `apply`.
    """
    from .atomic import output_lock
    from .review import write_report

    try:
        with output_lock(directory):  # not while a run swaps the directory
            path = write_report(directory)
    except (InputError, UsageProblem, OSError) as err:
        _fail(err)
    _emit(as_json, {"report": str(path), "bytes": path.stat().st_size}, f"wrote {path}")


@click.command()
@click.argument("decisions", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def apply(decisions: Path, directory: Path, as_json: bool) -> None:
    """Rewrite DIRECTORY's deduplicated corpus and manifest honouring reviewer DECISIONS.

    DECISIONS is the JSON exported from report.html:
    {"seedsift_decisions": 1, "decisions": {"<pair key>": "remove" | "keep"}}.
    Unknown keys or values are refused and nothing is written. Decisions
    accumulate over successive applies; the report is rewritten if present.
    """
    from .review import apply_decisions

    try:
        summary = apply_decisions(decisions, directory)
    except (InputError, UsageProblem, OSError) as err:
        _fail(err)
    _emit(as_json, summary, (
        f"apply: {summary['decisions_new']} decisions from {decisions}; now {summary['documents_removed']} documents "
        f"and {summary['passages_removed']} passages removed ({summary['characters_removed']:,} characters)"
    ))


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="Directory for the restored corpus.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def restore(directory: Path, out: Path, as_json: bool) -> None:
    """Rebuild the texts dedupe was given from DIRECTORY's dedup corpus and manifest into OUT."""
    from .review import restore_dir

    try:
        summary = restore_dir(directory, out)
    except (InputError, UsageProblem, OSError) as err:
        _fail(err)
    _emit(as_json, summary, f"restored {summary['documents']} documents into {out}/")


def register(cli: click.Group) -> None:
    """Attach the review commands to the seedsift group (called by seedsift.cli)."""
    for command in (report, apply, restore):
        cli.add_command(command)
