"""What every seedsift command shares: output policy, option decorators, the config file, exit codes.

The command modules (:mod:`seedsift.cli.app`, :mod:`seedsift.cli.check`,
:mod:`seedsift.cli.review`) import from here and never from each other's
helpers, so there is no import circle.

Options that say *how* to clean or deduplicate are declared once here and
turned into a :class:`cleaners.CleanConfig` / :class:`dedupe.DedupeConfig` by
:func:`with_configs`. Their values come, in this order, from the command
line, from the config file (``.seedsift.toml``, or ``[tool.seedsift]`` in a
``pyproject.toml``, the nearest one found from the corpus upwards), and from
the library defaults, so ``run``, ``dedupe``, ``check`` and ``index`` share one
set of options without repeating them.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
from click.core import ParameterSource
from tqdm import tqdm

from seedsift.errors import (
    EXIT_BUSY,
    EXIT_WORKER,
    EXIT_WRITE,
    InputError,
    OutputBusy,
    UsageProblem,
    WorkerDied,
    WriteFailed,
    is_write_failure,
)
from seedsift.errors import describe as describe_error
from seedsift.pipeline.corpus import shown

# --------------------------------------------------------------------------- exit codes
# The numbers are documented once, in seedsift.errors and the README ("Hostile input").

#: Everything processed, nothing found.
EXIT_OK = 0
#: Something could not be processed (an input, a file vanishing while working), or ``check`` found something.
EXIT_FAILED = 1
#: The command line cannot work as given (unknown option, bad value, unusable --out). Only usage errors.
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


#: errno values that say the path given cannot be used as an output (a usage error, exit 2).
UNUSABLE_PATH_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST})


def exit_code_for(err: BaseException) -> int:
    """The one mapping from an exception to the exit code.

    An output that cannot be written (disk full, quota, I/O error) is 3, a
    worker process that died (the out-of-memory killer) 4, an output directory
    locked by another seedsift 5. An output location that cannot be used as
    given (permission denied, read-only file system, a file in the way) and an
    ``OSError`` without an ``errno`` (seedsift's own refusal: exists and is not
    a seedsift directory) are usage errors, 2, like :class:`UsageProblem` and
    click's own. Any other ``OSError`` is a failure while working (a file
    vanishing): 1.

    >>> [exit_code_for(OSError(n, "x")) for n in (errno.ENOSPC, errno.EACCES, errno.ENOENT)]
    [3, 2, 1]
    """
    if isinstance(err, WorkerDied):
        return EXIT_WORKER
    if isinstance(err, OutputBusy):
        return EXIT_BUSY
    if isinstance(err, OSError) and is_write_failure(err):
        return EXIT_WRITE
    if isinstance(err, click.exceptions.Exit):
        return err.exit_code
    if isinstance(err, (click.UsageError, UsageProblem)):
        return EXIT_USAGE
    if isinstance(err, click.ClickException):
        return err.exit_code
    if isinstance(err, OSError):
        return EXIT_USAGE if err.errno is None or err.errno in UNUSABLE_PATH_ERRNOS else EXIT_FAILED
    if isinstance(err, InputError):
        return EXIT_FAILED
    if isinstance(err, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def error_message(err: BaseException) -> str:
    """One line for the user (an OSError with a path names it, escaped)."""
    if isinstance(err, click.ClickException):
        return err.format_message()
    if isinstance(err, (WriteFailed, OutputBusy, WorkerDied)) or (isinstance(err, OSError) and is_write_failure(err)):
        return describe_error(err)
    if isinstance(err, OSError) and err.errno is not None:
        what = err.strerror or errno.errorcode.get(err.errno, str(err.errno))
        if err.filename is not None:
            return f"{shown(err.filename)}: {what}"
        if len(err.args) == 2 and err.strerror:
            return err.strerror  # OSError(errno, "path: message") raised by seedsift itself
        return f"cannot write or read: {what}"
    return str(err)


# --------------------------------------------------------------------------- output policy


#: Every bar still on screen, whichever command drew it: :func:`close_all_bars` clears them (Ctrl-C).
_LIVE_BARS: list[tqdm] = []


def close_all_bars() -> None:
    """Remove every progress bar from the terminal, so none stays behind after an error or Ctrl-C."""
    while _LIVE_BARS:
        _LIVE_BARS.pop().close()


class Ui:
    """Output policy shared by the commands: stdout for results, stderr for progress and errors.

    ``quiet`` silences progress bars and the closing advice (results and
    errors stay); ``as_json`` replaces the text summary with one JSON object.
    """

    def __init__(self, quiet: bool = False, as_json: bool = False) -> None:
        self.quiet = quiet
        self.as_json = as_json
        self._bars: list[tqdm] = []

    def bar(self, desc: str, total: int | None = None, unit: str = "doc", unit_scale: bool = False) -> tqdm:
        """A progress bar on stderr (off when quiet or stderr is not a terminal); closed by :meth:`close_bars`."""
        # tqdm(disable=None) turns itself off when stderr is not a terminal.
        b = tqdm(total=total, desc=desc, disable=True if self.quiet else None, file=sys.stderr, unit=unit,
                 unit_scale=unit_scale, leave=False, dynamic_ncols=True)
        self._bars.append(b)
        _LIVE_BARS.append(b)
        return b

    @contextlib.contextmanager
    def step(self, desc: str):
        """A one-step bar for a stage that cannot count its work (rendering the report)."""
        b = self.bar(desc, 1)
        try:
            yield
            b.update(1)
        finally:
            b.close()

    def progress(self, it: Iterable, desc: str = "", total: int | None = None) -> Iterator:
        """Iterate ``it`` with a bar counting documents."""
        if total is None and hasattr(it, "__len__"):
            total = len(it)  # type: ignore[arg-type]
        b = self.bar(desc, total)
        try:
            for x in it:
                yield x
                b.update(1)
        finally:
            b.close()

    def stage_progress(self, prefix: str):
        """A ``progress(stage, done, total)`` callback drawing one bar (in documents) per stage."""
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if self.quiet:
                return
            b = bars.get(stage)
            if b is None:
                b = bars[stage] = self.bar(f"{prefix} {stage}", total)
            b.total = total
            b.n = done
            b.refresh()

        return progress

    def close_bars(self) -> None:
        """Remove this command's bars from the screen."""
        for b in self._bars:
            b.close()
            if b in _LIVE_BARS:
                _LIVE_BARS.remove(b)
        self._bars.clear()

    def error(self, err: Exception | str) -> None:
        click.echo(f"seedsift: {err}", err=True)

    def note(self, msg: str) -> None:
        """Advice on stderr (what is going on, what to do next); silenced by --quiet."""
        if not self.quiet:
            click.echo(f"seedsift: {msg}", err=True)

    def result(self, summary: dict, lines: Iterable[str]) -> None:
        if self.as_json:
            click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            for line in lines:
                click.echo(line)


def output_options(f):
    """``--json`` and ``--quiet``: on every command."""
    f = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result (or error) on stdout.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="No progress bars and no advice; results and errors only.")(f)
    return f


# --------------------------------------------------------------------------- worker processes


# --------------------------------------------------------------------------- shared options and the config file

CONFIG_NAME = ".seedsift.toml"

_SCRIPTS = ["keep", "simplified", "traditional", "taiwan"]

#: Clean options: (option, click type, help). Flags are booleans.
CLEAN_OPTIONS = [
    ("--keep-punctuation", bool, "Do not convert ASCII punctuation in Chinese text to full width."),
    ("--script", click.Choice(_SCRIPTS), "Convert the script with OpenCC (default keep)."),
    ("--drop-boilerplate", bool, "Remove continuation markers, 广告 and photo credits instead of only recording them."),
]
#: Dedupe options and the DedupeConfig field each one sets (None: not a DedupeConfig field).
DEDUPE_OPTIONS = [
    ("--keep", click.Choice(["first", "longest"]), "keep", "Which copy of a duplicate survives (default first)."),
    ("--threshold", click.FloatRange(0.0, 1.0, min_open=True), "doc_threshold",
     "Jaccard threshold of the document MinHash-LSH (default 0.5; candidates are verified)."),
    ("--similarity", click.FloatRange(0.0, 1.0, min_open=True), "doc_similarity",
     "Verified similarity that makes two documents duplicates (default 0.85)."),
    ("--num-perm", click.IntRange(16, 1024), "num_perm", "MinHash permutations (default 128)."),
    ("--ngram", click.IntRange(1, 32), "ngram", "Character n-gram size of the match keys (default 5)."),
    ("--min-passage-chars", click.IntRange(1), "min_passage_chars",
     "Shortest copy of whole paragraphs that is a passage, in letters and digits (default 32); "
     "shorter shared text is a shared phrase."),
    ("--remove-similarity", click.FloatRange(0.0, 1.0, min_open=True), "remove_similarity",
     "Passages at least this similar are removed (default 0.95); less similar ones are only reported."),
    ("--lsh-backend", click.Choice(["datasketch", "numpy"]), "lsh_backend",
     "Document candidates from numpy band keys (default, faster) or datasketch's MinHashLSH (the reference; same pairs)."),
    ("--boilerplate", click.Choice(["keep", "remove"]), "boilerplate",
     "Passages whose copies lie in more than 5 document clusters (footers, licences, templates): keep them "
     "(default; one shared-text record) or remove them like other passages."),
    ("--no-passages", bool, "passages", "Documents only: find no repeated passages (faster)."),
]
#: Flags that switch a DedupeConfig field *off* (``--no-passages`` sets ``passages=False``).
NEGATED_FLAGS = {"--no-passages"}
JOBS_OPTION = ("--jobs", click.IntRange(1), None, "Worker processes (default: all cores).")


def _dest(opt: str) -> str:
    return opt.lstrip("-").replace("-", "_")




def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest ``.seedsift.toml`` or ``pyproject.toml`` with ``[tool.seedsift]`` at or above ``start``.

    Returns ``(file, table)``; None when there is none. A ``pyproject.toml``
    without a ``[tool.seedsift]`` table does not stop the search.
    """
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for d in (here, *here.parents):
        for name in (CONFIG_NAME, "pyproject.toml"):
            p = d / name
            if not p.is_file():
                continue
            data = _read_toml(p)
            table = data.get("tool", {}).get("seedsift") if name == "pyproject.toml" else data
            if table is not None:
                if not isinstance(table, dict):
                    raise UsageProblem(f"{shown(p)}: [tool.seedsift] must be a table")
                return p, table
    return None


def _read_toml(p: Path) -> dict:
    try:
        with open(p, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UsageProblem(f"{shown(p)}: not valid TOML ({err})") from None
    except OSError as err:
        raise UsageProblem(f"{shown(p)}: cannot read ({err.strerror or err})") from None


def _option_types() -> dict:
    types = {_dest(o): t for o, t, _ in CLEAN_OPTIONS}
    types |= {_dest(o): t for o, t, _, _ in DEDUPE_OPTIONS}
    types[_dest(JOBS_OPTION[0])] = JOBS_OPTION[1]
    return types


def config_values(path: Path, table: dict, ctx: click.Context) -> dict:
    """The config file's values, checked and converted by the options' own click types.

    Every key is checked, also those the running command does not use (the
    file is shared: ``keep`` means nothing to ``check`` but a typo is still refused).
    """
    types = _option_types()
    out = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in types:
            known = ", ".join(sorted(k.replace("_", "-") for k in types))
            raise UsageProblem(f"{shown(path)}: unknown option {key!r} (known: {known})")
        typ = types[name]
        if typ is bool:
            if not isinstance(value, bool):
                raise UsageProblem(f"{shown(path)}: {key} must be true or false")
            out[name] = value
            continue
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise UsageProblem(f"{shown(path)}: {key}: {value!r} is not a valid value")
        try:
            out[name] = typ.convert(value, None, ctx)
        except click.BadParameter as err:
            raise UsageProblem(f"{shown(path)}: {key}: {err.message}") from None
    return out


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)


def _start_of(kw: dict) -> Path:
    """Where the config search starts: the first local path the command was given (the corpus), else here."""
    for key in ("corpus", "inputs", "files", "directory"):
        v = kw.get(key)
        for p in (v if isinstance(v, (tuple, list)) else [v]):
            if p is None or str(p) == "-" or "://" in str(p):
                continue
            return Path(p)
    return Path.cwd()


def with_configs(*, clean: bool = False, dedupe: bool = False, jobs: bool = False):
    """Add the clean and/or dedupe options; the command receives ``clean_config`` / ``dedupe_config`` built from them.

    Also adds ``--config FILE`` (an explicit config file) and passes
    ``config_file`` (the file used, or None) so it can be recorded. With
    ``jobs`` the command also receives ``jobs``.
    """

    def deco(f):
        names: list[str] = []

        @functools.wraps(f)
        def wrapper(*args, **kw):
            ctx = click.get_current_context()
            explicit = kw.pop("config_path")
            given = {n: kw.pop(n) for n in names}
            found = None
            if explicit is not None:
                found = (explicit, _read_toml(explicit) if explicit.name != "pyproject.toml"
                         else _read_toml(explicit).get("tool", {}).get("seedsift", {}))
            else:
                found = find_config(_start_of(kw))
            values = config_values(*found, ctx) if found else {}
            for n in names:
                if _given(ctx, n) or n not in values:
                    values[n] = given[n]
            if clean:
                kw["clean_config"] = make_clean_config(values)
            if dedupe:
                kw["dedupe_config"] = make_dedupe_config(values)
            if jobs:
                kw["jobs"] = values.get("jobs")
            kw["config_file"] = found[0] if found else None
            return f(*args, **kw)

        opts = []
        if clean:
            opts += [(o, t, h) for o, t, h in CLEAN_OPTIONS]
        if dedupe:
            opts += [(o, t, h) for o, t, _, h in DEDUPE_OPTIONS]
        if jobs:
            opts.append((JOBS_OPTION[0], JOBS_OPTION[1], JOBS_OPTION[3]))
        for opt, typ, help_ in reversed(opts):
            names.append(_dest(opt))
            decls = [opt, "-j"] if opt == "--jobs" else [opt]
            if typ is bool:
                wrapper = click.option(*decls, is_flag=True, default=False, help=help_)(wrapper)
            else:
                wrapper = click.option(*decls, type=typ, default=None, help=help_)(wrapper)
        wrapper = click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                               default=None, help=f"Options file (default: the nearest {CONFIG_NAME} or pyproject.toml "
                               "[tool.seedsift] from the corpus upwards).")(wrapper)
        return wrapper

    return deco


def make_clean_config(values: dict):
    from seedsift.cleaners import CleanConfig

    return CleanConfig(fix_punctuation=not values.get("keep_punctuation"), script=values.get("script") or "keep",
                       drop_boilerplate=bool(values.get("drop_boilerplate")))


def make_dedupe_config(values: dict):
    """A DedupeConfig from option values (None = the library default); an impossible combination is a usage error."""
    from seedsift.dedupe import DedupeConfig

    fields = {}
    for opt, typ, field, _ in DEDUPE_OPTIONS:
        value = values.get(_dest(opt))
        if typ is bool:  # a flag not given leaves the library default
            value = (opt not in NEGATED_FLAGS) if value else None
        fields[field] = value
    try:
        return DedupeConfig(**{k: v for k, v in fields.items() if v is not None})
    except ValueError as err:
        raise click.UsageError(str(err)) from None


def config_dict(cfg) -> dict:
    """The dedupe options as recorded in run.json (so a run can be reproduced)."""
    import dataclasses

    return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)}


# --------------------------------------------------------------------------- default corpus

#: Demo pages shipped inside the package (a wheel has no checkout's seeds/).
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


def default_corpus(ui: Ui | None = None, *, demo: bool = False) -> Path:
    """The one rule for a command given no corpus: ``./seeds`` when it exists.

    Otherwise ``run`` (``demo=True``) processes the demo pages shipped in the
    package and says so on stderr; the other commands refuse.
    """
    here = Path("seeds")
    if here.is_dir():
        return here
    if demo and DEMO_DIR.is_dir():
        # said even with --quiet: the results would otherwise look like the user's own pages
        click.echo(f"seedsift: no INPUT and no ./seeds here: processing the {len(list(DEMO_DIR.glob('*.txt')))} "
                   f"demo pages shipped with seedsift ({shown(DEMO_DIR)})", err=True)
        return DEMO_DIR
    raise UsageProblem("no corpus given and no seeds/ directory here; name the pages or directory to use")
