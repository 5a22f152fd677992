"""Read a corpus from files, directories and JSONL(.gz) into documents.

This is the only place that turns user paths into text. Every problem with
one input becomes an :class:`InputError` naming that input; the other inputs
are still read, so one bad page never stops a corpus run.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from seedsift.cleaners import DecodeError, decode
from seedsift.errors import InputError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")

#: Largest single document read into memory. Bigger inputs are refused with a
#: clear message rather than risking an out-of-memory kill: one document costs
#: ~210 bytes of RSS per input byte in ``run`` (dedupe aligns it with itself;
#: measured 1.0 GB and 26 s for a 5 MB page), so 16 MiB stays near 3.5 GB.
MAX_DOC_BYTES = 16 * 1024 * 1024
#: Longest line accepted. Real pages have lines of a few thousand characters;
#: a multi-megabyte line is a broken export (or an attack on the joiner).
MAX_LINE_CHARS = 1_000_000


#: Largest corpus the local engine reads into memory (sum of input file sizes).
#: Beyond it the run is refused up front with a pointer to ``--engine dask``
#: instead of risking an out-of-memory kill half way through.
MAX_CORPUS_BYTES = 512 * 1024 * 1024


class CorpusTooLarge(Exception):
    """The inputs add up to more than the local engine holds in memory."""


@dataclass
class Doc:
    """One document: where it came from, its id and its text at this point of the pipeline.

    The reader makes it with the decoded input text; a stage that changes the
    text hands on :meth:`with_text` copies (``clean_stage`` the cleaned text),
    so a document and its text travel together and never as parallel lists.

    ``rel`` is the relative output path for file inputs (None for JSONL
    records, which are written back as records with ``record`` as template:
    its fields in their order, its ``"text"`` the same string as ``text``).
    """

    id: str
    text: str
    source: str
    encoding: str = "utf-8"
    rel: str | None = None
    record: dict | None = field(default=None, repr=False)
    jsonl: str | None = None

    def with_text(self, text: str) -> Doc:
        """The same document with another text (its record's ``"text"`` too); the old text is not kept.

        >>> d = Doc(id="7", text="甲，", source="p.jsonl:1", record={"id": 7, "text": "甲，", "page": "A3"})
        >>> d.with_text("甲,").record
        {'id': 7, 'text': '甲,', 'page': 'A3'}
        """
        return replace(self, text=text, record=None if self.record is None else {**self.record, "text": text})


@dataclass
class Corpus:
    docs: list[Doc]
    errors: list[InputError]


#: How standard input is named in messages; ``-`` as an INPUT reads JSONL records from it.
STDIN = "<stdin>"


def is_stdin(path: str | os.PathLike) -> bool:
    return os.fspath(path) == "-"


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES) or is_stdin(path)


def _is_text_file(path: Path) -> bool:
    return path.suffix in TEXT_SUFFIXES or is_jsonl(path)


def shown(path: str | os.PathLike) -> str:
    """A path as one printable line for messages: undecodable bytes and control characters escaped.

    >>> shown("seeds/a\\nb.txt"), shown(os.fsdecode(b"\\xb9\\xa4.txt"))
    ('seeds/a\\\\nb.txt', '\\\\xb9\\\\xa4.txt')
    """
    s = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)


def _name_problem(path: Path) -> InputError | None:
    """File names that are not UTF-8 (e.g. GBK names from an old archive) cannot be written to any output."""
    if _SURROGATE.search(str(path)):
        return InputError(shown(path), "file name is not valid UTF-8; rename it (e.g. `convmv -f gbk -t utf-8 --notest`)")
    return None


def expand_inputs(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[InputError]]:
    """Expand files and directories into ``(file, id)`` pairs in a stable order.

    Directories are walked recursively for ``*.txt``, ``*.md`` and JSONL
    files, without following symlinked directories (no symlink loops), and
    symlinked files leading outside the directory are refused
    (:func:`link_outside`); the id is the POSIX path relative to the
    directory. A file argument's id is its name.
    """
    found: list[tuple[Path, str]] = []
    errors: list[InputError] = []
    for p in paths:
        if is_stdin(p):
            found.append((p, STDIN))
        elif not os.path.lexists(p):
            errors.append(InputError(shown(p), "no such file or directory"))
        elif p.is_dir():
            hits = _walk_dir(p, errors)
            if not hits:
                errors.append(InputError(shown(p), "directory holds no .txt, .md or .jsonl files"))
            found.extend(hits)
        elif p.is_file():
            if (bad := _name_problem(p)) is not None:
                errors.append(bad)
                continue
            found.append((p, p.name))
        else:
            errors.append(InputError(shown(p), "not a regular file (broken link, loop or device)"))
    return found, errors


def link_outside(path: Path, root: Path) -> InputError | None:
    """A symbolic link in an input directory that leads out of it is refused, not read.

    The rule: inside a directory input, links are followed only when they stay
    inside that directory (a page linked from another folder of the corpus);
    one that leads elsewhere (``x.txt -> /etc/os-release``) would copy an
    unrelated file into the outputs and the report. Name such a file on the
    command line to read it on purpose. Linked directories are never followed.
    """
    if not os.path.islink(path) and not any(os.path.islink(p) for p in _parents_below(path, root)):
        return None
    target = os.path.realpath(path)
    top = os.path.realpath(root)
    if os.path.commonpath([target, top]) == top:
        return None
    return InputError(shown(path), f"symbolic link to {shown(target)}, outside the input directory; not read "
                      "(links are followed only inside the input; name the file itself to read it)")


def _parents_below(path: Path, root: Path):
    p = path.parent
    root = Path(root)
    while p != root and root in p.parents:
        yield p
        p = p.parent


def _walk_dir(root: Path, errors: list[InputError]) -> list[tuple[Path, str]]:
    hits = []

    def onerror(err: OSError) -> None:
        errors.append(InputError(shown(err.filename or root), f"cannot read directory ({err.strerror})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or not _is_text_file(path):
                continue
            if not path.is_file():
                errors.append(InputError(shown(path), "not a regular file (broken link or loop)"))
                continue
            if (bad := link_outside(path, root)) is not None:
                errors.append(bad)
                continue
            if (bad := _name_problem(path)) is not None:
                errors.append(bad)
                continue
            hits.append((path, path.relative_to(root).as_posix()))
    return hits


def read_corpus(paths: list[Path], max_total_bytes: int = MAX_CORPUS_BYTES, progress=None) -> Corpus:
    """Read every input; collect problems instead of stopping at the first.

    ``progress(files, desc=, total=)`` (the CLI's bar) wraps the file loop.

    Raises :class:`CorpusTooLarge` before reading anything when the files add
    up to more than ``max_total_bytes``.
    """
    files, errors = expand_inputs(paths)
    total = sum(_size(p) for p, _ in files)
    if total > max_total_bytes:
        raise CorpusTooLarge(
            f"inputs add up to {total / 2**20:,.0f} MiB, more than the {max_total_bytes / 2**20:,.0f} MiB "
            "the local engine holds in memory; split the corpus, raise --max-corpus-mb, or use --engine dask"
        )
    docs: list[Doc] = []
    seen: dict[str, str] = {}
    for path, doc_id in (progress(files, desc="read", total=len(files)) if progress else files):
        try:
            new = _read_jsonl(path, max_total_bytes) if is_jsonl(path) else [_read_text_file(path, doc_id)]
        except InputError as err:
            errors.append(err)
            continue
        for doc in new:
            if isinstance(doc, InputError):
                errors.append(doc)
            elif doc.id in seen:
                errors.append(InputError(doc.source, f"duplicate document id {doc.id!r} (also in {seen[doc.id]})"))
            else:
                seen[doc.id] = doc.source
                docs.append(doc)
    return Corpus(docs, errors)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_DOC_BYTES:
            raise InputError(shown(path), f"file is {size / 2**20:.0f} MiB; documents over {MAX_DOC_BYTES // 2**20} MiB are refused")
        return path.read_bytes()
    except PermissionError:
        raise InputError(shown(path), "permission denied") from None
    except IsADirectoryError:
        raise InputError(shown(path), "is a directory") from None
    except OSError as err:
        raise InputError(shown(path), f"cannot read ({err.strerror or err})") from None


def check_text(text: str, where: str) -> None:
    """Refuse texts the cleaner must not be fed: empty, NUL bytes, huge lines."""
    if not text.strip():
        raise InputError(where, "empty document (no text)")
    if "\x00" in text:
        raise InputError(where, "contains NUL bytes (binary data?)")
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise InputError(where, f"a line of {longest:,} characters; lines over {MAX_LINE_CHARS:,} are refused")


def _read_text_file(path: Path, doc_id: str) -> Doc:
    data = _read_bytes(path)
    if not data:
        raise InputError(shown(path), "empty file")
    try:
        decoded = decode(data)
    except DecodeError as err:
        raise InputError(shown(path), str(err)) from None
    check_text(decoded.text, shown(path))
    return Doc(id=doc_id, text=decoded.text, source=str(path), encoding=decoded.encoding, rel=doc_id)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: object) -> str | None:
    """The first lone UTF-16 surrogate (as ``\\udXXX``) in a decoded JSON value, or None."""
    if isinstance(value, str):
        m = _SURROGATE.search(value)
        return None if m is None else f"\\u{ord(m.group()):04x}"
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        bad = _lone_surrogate(item)
        if bad is not None:
            return bad
    return None


def _name(path: Path) -> str:
    return STDIN if is_stdin(path) else shown(path)


def _jsonl_lines(path: Path, max_total_bytes: int):
    """Yield ``(lineno, line)`` of a JSONL(.gz) file, streaming: one record in memory at a time.

    Lines are split on ``\\n`` only (a raw U+2028 or U+0085 inside a JSON string,
    as ``json.dumps(ensure_ascii=False)`` writes them, is not a line break). A
    line over :data:`MAX_DOC_BYTES` yields an :class:`InputError` instead of being
    read; a file that decompresses to more than ``max_total_bytes`` (a gzip bomb)
    or is not UTF-8 raises one.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    total = 0
    try:
        with (contextlib.nullcontext(sys.stdin.buffer) if is_stdin(path) else opener(path, "rb")) as fh:
            lineno = 0
            while True:
                # read in 1 MiB pieces; an over-long record is dropped as soon as it passes the limit,
                # so memory stays at one accepted record however long the line is
                pieces: list[bytes] = []
                size = 0
                while True:
                    piece = fh.readline(1 << 20)
                    if not piece:
                        break
                    size += len(piece)
                    if total + size > max_total_bytes:
                        raise InputError(_name(path), f"decompresses to more than {max_total_bytes / 2**20:,.0f} MiB, "
                                         "the limit of the local engine; split the file or raise --max-corpus-mb")
                    if size <= MAX_DOC_BYTES:
                        pieces.append(piece)
                    else:
                        pieces.clear()
                    if piece.endswith(b"\n"):
                        break
                if not size:
                    return
                lineno += 1
                if size > MAX_DOC_BYTES:
                    total += size
                    yield lineno, InputError(f"{_name(path)}:{lineno}", f"record is {size / 2**20:.0f} MiB; documents "
                                             f"over {MAX_DOC_BYTES // 2**20} MiB are refused")
                    continue
                raw = b"".join(pieces)
                del pieces
                total += len(raw)
                if total > max_total_bytes:
                    raise InputError(_name(path), f"decompresses to more than {max_total_bytes / 2**20:,.0f} MiB, the "
                                     "limit of the local engine; split the file or raise --max-corpus-mb")
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise InputError(_name(path), f"JSONL must be UTF-8 (bad byte in line {lineno}, "
                                     f"column {err.start + 1})") from None
                yield lineno, line
    except PermissionError:
        raise InputError(_name(path), "permission denied") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise InputError(_name(path), f"not valid gzip ({err or type(err).__name__})") from None
    except OSError as err:
        raise InputError(_name(path), f"cannot read ({err.strerror or err})") from None


def parse_json(text: str, where: str):
    """``json.loads`` for untrusted text: every way it can fail is one InputError naming ``where``.

    Besides malformed JSON, ``json.loads`` raises RecursionError for deep nesting
    (``[`` × 100,000) and ValueError for integers of more than 4,300 digits.

    >>> parse_json("[" * 100_000, "d.json")
    Traceback (most recent call last):
    seedsift.errors.InputError: d.json: not valid JSON (nested too deeply)
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(where, f"not valid JSON ({err.msg})") from None
    except RecursionError:
        raise InputError(where, "not valid JSON (nested too deeply)") from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise InputError(where, f"not valid JSON ({err})") from None


def _read_jsonl(path: Path, max_total_bytes: int = MAX_CORPUS_BYTES) -> list[Doc | InputError]:
    if not is_stdin(path) and not path.is_file():
        raise InputError(_name(path), "not a regular file")
    out: list[Doc | InputError] = []
    for lineno, line in _jsonl_lines(path, max_total_bytes):
        if isinstance(line, InputError):
            out.append(line)
            continue
        if not line.strip():
            continue
        where = f"{_name(path)}:{lineno}"
        try:
            rec = parse_json(line, where)
        except InputError as err:
            out.append(err)
            continue
        if not isinstance(rec, dict):
            out.append(InputError(where, "record is not a JSON object"))
        elif "\\u" in line and (bad := _lone_surrogate(rec)) is not None:
            # json.loads turns "\ud800" escapes into lone surrogates, which no output can encode
            out.append(InputError(where, f"contains a lone surrogate escape ({bad}); not valid Unicode text"))
        elif "text" not in rec:
            out.append(InputError(where, 'record has no "text" field'))
        elif not isinstance(rec["text"], str):
            out.append(InputError(where, f'"text" is {type(rec["text"]).__name__}, not a string'))
        elif not isinstance(rec.get("id"), (str, int)) or isinstance(rec.get("id"), bool):
            out.append(InputError(where, 'record has no string "id" field'))
        else:
            try:
                check_text(rec["text"], where)
            except InputError as err:
                out.append(err)
                continue
            out.append(Doc(id=str(rec["id"]), text=rec["text"], source=where, record=rec, jsonl=str(path)))
    if not out:
        raise InputError(_name(path), "no records")
    return out
