"""``seedsift report``, ``apply`` and ``restore``: the review commands.

Exit codes are seedsift.cli.app's (one mapping, :func:`seedsift.cli.options.exit_code_for`):
0 done, 1 the data in DIR or the decisions file is unusable (one line on
stderr naming the file; nothing written), 2 usage errors (click's own, or an
output path that cannot be used, e.g. restore's --out in its input), 3 disk
full, 5 another seedsift is writing DIR. Errors propagate to
:func:`seedsift.cli.app.main`, which prints and maps them.
"""

from __future__ import annotations

from pathlib import Path

import click

from seedsift.cli.options import Ui, output_options
from seedsift.pipeline.corpus import shown


def _emit(ui: Ui, summary: dict, line: str) -> int:
    ui.result(summary, [line])
    return 0


@click.command(short_help="Write DIR/report.html to review duplicates and repairs.")
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@output_options
def report(directory: Path, as_json: bool, quiet: bool) -> int:
    """Write DIRECTORY/report.html: one self-contained page to review duplicates and repairs.

    Reads what `clean` and `dedupe` (or `run`) wrote in DIRECTORY. The page
    needs no network; mail it, open it offline, export decisions for `apply`.
    """
    from seedsift.pipeline.atomic import output_lock
    from seedsift.review.model import write_report

    with output_lock(directory):  # not while a run swaps the directory
        path = write_report(directory)
    return _emit(Ui(quiet, as_json), {"report": str(path), "bytes": path.stat().st_size}, f"wrote {shown(path)}")


@click.command(short_help="Apply a reviewer's decisions to the deduplicated corpus.")
@click.argument("decisions", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@output_options
def apply(decisions: Path, directory: Path, as_json: bool, quiet: bool) -> int:
    """Rewrite DIRECTORY's deduplicated corpus and manifest honouring reviewer DECISIONS.

    DECISIONS is the JSON exported from report.html:
    {"seedsift_decisions": 1, "decisions": {"<pair key>": "remove" | "keep"}}.
    Unknown keys or values are refused and nothing is written. Decisions
    accumulate over successive applies; the report is rewritten if present.
    """
    from seedsift.review.apply import apply_decisions

    summary = apply_decisions(decisions, directory)
    return _emit(Ui(quiet, as_json), summary, (
        f"apply: {summary['decisions_new']} decisions from {shown(decisions)}; now {summary['documents_removed']} documents "
        f"and {summary['passages_removed']} passages removed ({summary['characters_removed']:,} characters)"
    ))


@click.command(short_help="Rebuild the texts dedupe was given from dedup/ + manifest.")
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="Directory for the restored corpus.")
@output_options
def restore(directory: Path, out: Path, as_json: bool, quiet: bool) -> int:
    """Rebuild the texts dedupe was given from DIRECTORY's dedup corpus and manifest into OUT."""
    from seedsift.review.restore import restore_dir

    summary = restore_dir(directory, out)
    return _emit(Ui(quiet, as_json), summary, f"restored {summary['documents']} documents into {shown(out)}/")
