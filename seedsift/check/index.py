"""A persistent, incremental SQLite index of a corpus' dedupe fingerprints.

One file (``<corpus>/.seedsift/index.sqlite`` by default) holds, per page:
its path relative to the corpus, ``size``/``mtime_ns`` (to skip unchanged
files without reading them), the content sha256, the document MinHash
signature (``uint32[num_perm]`` as a BLOB) and the LSH band keys of the
document and of its passage windows (table ``keys``, indexed on ``key``
so a query is an index lookup). No pickle: every value is an
integer, text or a raw little-endian array.

The ``meta`` table holds a header: format version, the dedupe parameters and
the version of the keys they were computed with (:data:`dedupe.KEYS_VERSION`,
which ``dedupe/`` bumps when its lookup keys or fingerprints change). A
mismatch (other config, other keys version, older format), a file that is not an SQLite database or fails
``PRAGMA quick_check`` makes :func:`open_index` rebuild the index from scratch
with a one-line warning: it is a cache, never trusted blindly. An index of a
*newer* seedsift is never downgraded: this one keeps its own beside it. A full
disk or read-only location is :class:`IndexWriteError` (exit 3), and the index
is kept: it is not corrupt.

Writes run in WAL mode, one ``BEGIN IMMEDIATE`` transaction per batch of
pages, so a process killed mid-update leaves every page either fully indexed
(old or new version) or untouched, and concurrent runs serialise on the
SQLite write lock instead of corrupting the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

import numpy as np

from seedsift.errors import InputError, WriteFailed
from seedsift.pipeline.corpus import TEXT_SUFFIXES, _read_text_file

#: 4: the header names the dedupe keys version (``keys_version``) instead of a hash of dedupe's source files.
FORMAT_VERSION = 4
INDEX_DIR = ".seedsift"
INDEX_NAME = "index.sqlite"
BATCH = 200
#: Adding more pages than this (and more than the index holds) drops the key index and builds it once at
#: the end: sorting 7 M keys once is 5x faster than inserting them into a B-tree one by one.
BULK = 2000
BUSY_TIMEOUT_MS = 60_000


class Fingerprint(NamedTuple):
    """What the index stores for one page (:func:`fingerprints`, i.e. :func:`dedupe.lookup_keys`)."""

    sig: np.ndarray  # uint32[num_perm] document MinHash signature
    keys: np.ndarray  # int64, unique: LSH band keys of the document and its passage windows


class Page(NamedTuple):
    """One corpus file as listed on disk."""

    rel: str  # POSIX path relative to the corpus root (the document id)
    path: str  # os path (a str: building 30,000 Path objects costs more than listing them)
    size: int
    mtime_ns: int


class IndexedDoc(NamedTuple):
    rel: str
    sha256: str
    nchars: int
    sig: np.ndarray


@dataclass
class UpdateStats:
    pages: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    touched: int = 0  # stat changed but content identical: not re-hashed
    unchanged: int = 0
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"pages": self.pages, "added": self.added, "changed": self.changed, "removed": self.removed,
                "touched": self.touched, "unchanged": self.unchanged, "errors": [str(e) for e in self.errors],
                "seconds": round(self.seconds, 3)}


class IndexUnusable(Exception):
    """The index cannot be used (and could not be rebuilt)."""


class IndexWriteError(WriteFailed):
    """The index could not be written (disk full, read-only): exit code 3; the index file is kept.

    Kept apart from corruption on purpose: a healthy index on a full disk must
    not be taken for a damaged one and thrown away.
    """

    def __init__(self, path: Path, err: sqlite3.Error) -> None:
        reason = str(err)
        if "full" not in reason and _disk_nearly_full(path):
            reason = f"disk full; SQLite: {reason}"  # in WAL mode a full disk often surfaces as "disk I/O error"
        super().__init__(str(path), reason)
        self.strerror = f"{path}: cannot write the index ({reason}); the index was kept as it was"


def _disk_nearly_full(path: Path) -> bool:
    try:
        st = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


#: What SQLite says when the disk, not the database, is at fault.
_WRITE_FAILURES = ("database or disk is full", "readonly database", "disk i/o error", "unable to open database file")


def is_write_failure(err: sqlite3.Error) -> bool:
    """A full disk or read-only location (as opposed to a damaged or foreign database)."""
    code = getattr(err, "sqlite_errorcode", None)
    if code in (13, 8, 10, 14):  # SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN (primary codes)
        return True
    if code is not None and code & 0xFF in (13, 8, 10, 14):
        return True
    return any(m in str(err).lower() for m in _WRITE_FAILURES)


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    rel TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    nchars INTEGER NOT NULL,
    sig BLOB NOT NULL,
    keys BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (key INTEGER NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS keys_key ON keys (key);
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, at REAL NOT NULL);
"""

#: Entries kept in the results cache (JSON results of deterministic work keyed by a hash of its inputs).
CACHE_ENTRIES = 2000


def default_index_path(corpus: Path) -> Path:
    return Path(corpus) / INDEX_DIR / INDEX_NAME


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- listing


def _git_tracked(root: Path) -> list[str] | None:
    """Files git tracks (index, i.e. including staged) under ``root``, or None outside a work tree."""
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--", "."], cwd=root,
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def list_pages(root: Path, *, tracked_only: bool | None = None) -> list[Page]:
    """The ``.txt``/``.md`` pages of the corpus at ``root``, sorted by relative path.

    Inside a git work tree only tracked (committed or staged) files count, so
    scratch files lying around never enter the index; elsewhere, or when git
    tracks nothing under ``root`` (an ignored data directory), the directory
    is walked (hidden files and directories skipped, directory links not followed,
    file links leading outside ``root`` skipped).
    One ``stat`` per file and no read: 30,000 pages list in about 0.1 s.
    """
    root = Path(root)
    rels: list[str] | None = None
    if tracked_only is not False:
        rels = _git_tracked(root)
        if not rels and not tracked_only:
            rels = None
    base = os.fspath(root)
    pages = []
    if rels is None:
        stack = [("", base)]
        while stack:
            prefix, d = stack.pop()
            try:
                it = os.scandir(d)
            except OSError:
                continue
            with it:
                for e in it:
                    name = e.name
                    if name.startswith("."):
                        continue
                    try:
                        if e.is_dir(follow_symlinks=False):
                            stack.append((prefix + name + "/", e.path))
                            continue
                        if not name.endswith(TEXT_SUFFIXES):
                            continue
                        st = e.stat()
                    except OSError:
                        continue  # broken link, vanished
                    if S_ISREG(st.st_mode) and _utf8_name(e.path) and not (e.is_symlink() and _leaves(e.path, base)):
                        pages.append(Page(prefix + name, e.path, st.st_size, st.st_mtime_ns))
        pages.sort(key=lambda p: p.rel)
        return pages
    for rel in sorted(set(rels)):
        if not rel.endswith(TEXT_SUFFIXES) or any(part.startswith(".") for part in rel.split("/")):
            continue
        path = os.path.join(base, rel)
        try:
            st = os.stat(path)
        except OSError:
            continue  # tracked but deleted in the work tree
        if S_ISREG(st.st_mode) and _utf8_name(path) and not (os.path.islink(path) and _leaves(path, base)):
            pages.append(Page(rel, path, st.st_size, st.st_mtime_ns))
    return pages


def _leaves(path: str, base: str) -> bool:
    """A linked page whose target is outside the corpus is not indexed (the rule of seedsift.pipeline.corpus.link_outside)."""
    top = os.path.realpath(base)
    return os.path.commonpath([os.path.realpath(path), top]) != top


def _utf8_name(path: str) -> bool:
    """Pages whose names are not UTF-8 (old GBK archives) cannot be stored or reported: skip with a warning."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        from seedsift.pipeline.corpus import shown

        _warn_default(f"{shown(path)}: file name is not valid UTF-8; not indexed (rename it, e.g. with convmv)")
        return False
    return True


# --------------------------------------------------------------------------- the index


def _warn_default(msg: str) -> None:
    import sys

    print(f"seedsift: {msg}", file=sys.stderr)


class Index:
    """An open index. Use :func:`open_index`; close with :meth:`close` or ``with``."""

    def __init__(self, path: Path, corpus: Path, header: dict, fingerprint: Callable[[str], Fingerprint],
                 conn: sqlite3.Connection) -> None:
        self.path = path
        self.corpus = Path(corpus)
        self.header = header
        self.fingerprint = fingerprint
        self.conn = conn
        self.fingerprint_many: Callable[[list[str]], list[Fingerprint]] | None = None

    # -- lifecycle
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading
    def __len__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def state(self) -> dict[str, tuple[int, int, int, str]]:
        """``rel -> (id, size, mtime_ns, sha256)`` of every indexed page."""
        return {r[0]: (r[1], r[2], r[3], r[4])
                for r in self.conn.execute("SELECT rel, id, size, mtime_ns, sha256 FROM docs")}

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _stat_state(self) -> dict[str, tuple[int, int, int]]:
        """``rel -> (id, size, mtime_ns)``: all an update needs to skip unchanged pages."""
        cur = self.conn.execute("SELECT rel, id, size, mtime_ns FROM docs")
        return {r[0]: r[1:] for r in cur}

    def _sha(self, doc_id: int) -> str | None:
        row = self.conn.execute("SELECT sha256 FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    def get(self, rel: str) -> IndexedDoc | None:
        row = self.conn.execute("SELECT rel, sha256, nchars, sig FROM docs WHERE rel = ?", (rel,)).fetchone()
        return None if row is None else IndexedDoc(row[0], row[1], row[2], np.frombuffer(row[3], dtype="<u4"))

    def candidates(self, keys: np.ndarray, exclude: Iterable[str] = ()) -> list[tuple[str, int]]:
        """Pages sharing at least one band key with ``keys``: ``[(rel, hits)]``, most hits first."""
        keys = np.unique(np.asarray(keys, dtype=np.int64))
        if keys.size == 0:
            return []
        excluded = set(exclude)
        hits: dict[int, int] = {}
        cur = self.conn.cursor()
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS q (key INTEGER PRIMARY KEY)")
        cur.execute("DELETE FROM temp.q")
        cur.executemany("INSERT OR IGNORE INTO temp.q VALUES (?)", ((int(k),) for k in keys))
        # CROSS JOIN keeps the (small) query table outside: one index probe per query key
        for doc, n in cur.execute("SELECT k.doc, COUNT(*) FROM temp.q CROSS JOIN keys k ON k.key = q.key GROUP BY k.doc"):
            hits[doc] = n
        if not hits:
            return []
        ids = list(hits)
        out: list = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id, rel FROM docs WHERE id IN ({','.join('?' * len(chunk))})"
            out.extend((rel, hits[i_]) for i_, rel in self.conn.execute(q, chunk) if rel not in excluded)
        out.sort(key=lambda t: (-t[1], t[0]))
        return out

    def generation(self) -> int:
        """Bumped by every update that changed what the index holds (keys of cached lookups include it)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def cache_get(self, key: str):
        """A JSON value stored by :meth:`cache_put` (None when absent or unreadable)."""
        row = self.conn.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None

    def cache_put(self, key: str, value) -> None:
        """Remember a JSON-serialisable result; old entries beyond :data:`CACHE_ENTRIES` are dropped."""
        try:
            with self._write():
                self.conn.execute("INSERT OR REPLACE INTO cache (key, value, at) VALUES (?, ?, ?)",
                                  (key, json.dumps(value, ensure_ascii=False), time.time()))
                self.conn.execute("DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY at DESC "
                                  "LIMIT -1 OFFSET ?)", (CACHE_ENTRIES,))
        except sqlite3.OperationalError:
            pass  # busy or read-only: a cache miss next time, nothing worse

    def stats(self, *, integrity: bool = False) -> dict:
        n_docs, chars = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(nchars),0) FROM docs").fetchone()
        n_keys = self.conn.execute("SELECT COUNT(*) FROM keys").fetchone()[0]
        out = {"index": str(self.path), "corpus": str(self.corpus), "pages": n_docs, "characters": chars,
               "band_keys": n_keys, "bytes": _db_size(self.path), "format_version": FORMAT_VERSION,
               "config": json.loads(self.header["config"]), "keys_version": self.header["keys_version"]}
        if integrity:
            out["integrity"] = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        return out

    # -- writing
    def update(self, pages: Sequence[Page] | None = None, *, progress: Callable[[int, int], None] | None = None,
               fingerprint_many: Callable[[list[str]], list[Fingerprint]] | None = None,
               texts: dict[str, str] | None = None) -> UpdateStats:
        """Bring the index in line with ``pages`` (default: :func:`list_pages` of the corpus).

        Unchanged files (same size and mtime) are not read; changed ones are
        read and hashed, and only pages whose sha256 differs are fingerprinted.
        Pages no longer listed are removed. One transaction per :data:`BATCH`
        pages. ``texts`` can supply already-read texts by relative path.
        """
        t0 = time.perf_counter()
        if pages is None:
            pages = list_pages(self.corpus)
        st = UpdateStats(pages=len(pages))
        listing = hashlib.sha256("\0".join(f"{p.rel}\t{p.size}\t{p.mtime_ns}" for p in pages).encode()).hexdigest()
        if self._meta("listing") == listing:  # same files, sizes and mtimes as after the last complete update
            st.unchanged = len(pages)
            st.seconds = time.perf_counter() - t0
            return st
        known = self._stat_state()
        listed = {p.rel for p in pages}
        gone = [known[rel][0] for rel in known if rel not in listed]
        todo: list[tuple[Page, str, str]] = []  # page, text, sha
        touched: list[tuple[int, int, int]] = []
        for p in pages:
            old = known.get(p.rel)
            if old is not None and old[1] == p.size and old[2] == p.mtime_ns:
                st.unchanged += 1
                continue
            try:
                text = texts[p.rel] if texts and p.rel in texts else _read_text_file(Path(p.path), p.rel).text
            except InputError as err:
                st.errors.append(err)
                if old is not None:
                    gone.append(old[0])
                continue
            sha = sha256_text(text)
            if old is not None and self._sha(old[0]) == sha:
                touched.append((p.size, p.mtime_ns, old[0]))
                st.touched += 1
                continue
            todo.append((p, text, sha))
            if old is None:
                st.added += 1
            else:
                st.changed += 1
        st.removed = len(gone)
        if gone or touched:
            with self._write():
                self._delete(gone)
                self.conn.executemany("UPDATE docs SET size = ?, mtime_ns = ? WHERE id = ?", touched)
                self._bump()
        fp_many = fingerprint_many or self.fingerprint_many or (lambda ts: [self.fingerprint(t) for t in ts])
        done = 0
        bulk = len(todo) > BULK and len(todo) > len(known)
        if bulk:
            # changed pages leave first (while deleting by key is cheap); a page missing after a kill
            # is simply added by the next update. Killed before the key index is back? open_index's
            # schema step re-creates it (IF NOT EXISTS).
            with self._write():
                self._delete([known[p.rel][0] for p, _, _ in todo if p.rel in known])
                self._bump()
                self.conn.execute("DROP INDEX IF EXISTS keys_key")
        try:
            for i in range(0, len(todo), BATCH):
                batch = todo[i:i + BATCH]
                fps = fp_many([t for _, t, _ in batch])  # computed outside the write lock
                with self._write():
                    for (p, text, sha), fp in zip(batch, fps):
                        self._put(p, text, sha, fp)
                    self._bump()
                done += len(batch)
                if progress:
                    progress(done, len(todo))
        finally:
            if bulk:
                with self._write():
                    self.conn.execute("CREATE INDEX IF NOT EXISTS keys_key ON keys (key)")
        if not st.errors:
            with self._write():
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('listing', ?)", (listing,))
        st.seconds = time.perf_counter() - t0
        return st

    def _write(self):
        return _Txn(self.conn)

    def _bump(self) -> None:
        self.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    def _delete(self, ids: Sequence[int]) -> None:
        for doc_id in ids:
            row = self.conn.execute("SELECT keys FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                continue
            keys = np.frombuffer(row[0], dtype="<i8")
            self.conn.executemany("DELETE FROM keys WHERE key = ? AND doc = ?", ((int(k), doc_id) for k in keys))
            self.conn.execute("DELETE FROM docs WHERE id = ?", (doc_id,))

    def _put(self, p: Page, text: str, sha: str, fp: Fingerprint) -> None:
        row = self.conn.execute("SELECT id FROM docs WHERE rel = ?", (p.rel,)).fetchone()
        if row is not None:
            self._delete([row[0]])
        keys = np.unique(np.asarray(fp.keys, dtype="<i8"))
        sig = np.ascontiguousarray(fp.sig, dtype="<u4")
        cur = self.conn.execute(
            "INSERT INTO docs (rel, size, mtime_ns, sha256, nchars, sig, keys) VALUES (?,?,?,?,?,?,?)",
            (p.rel, p.size, p.mtime_ns, sha, len(text), sig.tobytes(), keys.tobytes()))
        doc_id = cur.lastrowid
        self.conn.executemany("INSERT INTO keys (key, doc) VALUES (?, ?)", ((k, doc_id) for k in keys.tolist()))


class _Txn:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on any exception)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, *_: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (e.g. after SQLITE_FULL); the original error is what matters


def _db_size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.path.getsize(f"{path}{suffix}")
        except OSError:
            pass
    return total


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -65536")
    return conn


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def _prepare_dir(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent.name == INDEX_DIR:
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            try:
                ignore.write_text("# created by seedsift: the index is a local cache\n*\n", encoding="utf-8")
            except OSError:
                pass


def _problem(conn: sqlite3.Connection, header: dict, *, check: bool) -> str | None:
    """Why this database cannot be used as is (None when it can)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None  # new file
    if not {"meta", "docs", "keys"} <= tables:
        return "index has an unknown layout"
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if meta.get("format_version") != str(FORMAT_VERSION):
        return f"index format {meta.get('format_version')!r} is not {FORMAT_VERSION}"
    if meta.get("complete") != "1":
        return "index was never completely initialised"
    if meta.get("config") != header["config"]:
        return "index was built with other dedupe parameters"
    if meta.get("keys_version") != header["keys_version"]:
        return (f"index was built with dedupe keys version {meta.get('keys_version')}, "
                f"this seedsift computes version {header['keys_version']}")
    if check:
        res = conn.execute("PRAGMA quick_check").fetchone()[0]
        if res != "ok":
            return f"index failed its integrity check ({res})"
    return None


def open_index(path: Path, corpus: Path, header: dict, fingerprint: Callable[[str], Fingerprint], *,
               check: bool = True, rebuild: bool = False, warn: Callable[[str], None] = _warn_default) -> Index:
    """Open (creating or rebuilding when needed) the index at ``path``.

    ``header`` is ``{"config": <json>, "keys_version": <dedupe.KEYS_VERSION>}``
    describing how fingerprints are computed. A missing, foreign, stale or corrupt database
    is replaced by an empty one (with a one-line ``warn``); the caller then
    runs :meth:`Index.update`.
    """
    path = Path(path)
    header = {"config": header["config"], "keys_version": header["keys_version"]}
    try:
        _prepare_dir(path)
    except OSError as err:
        raise IndexWriteError(path, sqlite3.OperationalError(err.strerror or str(err))) from None
    newer = _written_by_newer(path, header)
    if newer is not None:
        side = side_path(path, header)
        if not side.exists():
            warn(f"{path}: written by a newer seedsift ({newer}); left as it is, this seedsift uses {side.name} beside it")
        path = side
    if rebuild:
        _remove_db(path)
    for attempt in range(2):
        conn = None
        try:
            conn = _connect(path)
            why = _problem(conn, header, check=check)
            if why is None:
                _init(conn, header)
                return Index(path, corpus, header, fingerprint, conn)
        except sqlite3.DatabaseError as err:  # "file is not a database", malformed image, ...
            if conn is not None:
                conn.close()
            if isinstance(err, sqlite3.OperationalError) and is_write_failure(err):
                raise IndexWriteError(path, err) from None  # a full disk is not a corrupt index: keep it
            why = f"index is unreadable ({err})"
        if conn is not None:
            conn.close()
        if attempt:
            raise IndexUnusable(f"{path}: {why}")
        warn(f"{path}: {why}; rebuilding it")
        _remove_db(path)
    raise AssertionError("unreachable")


def _written_by_newer(path: Path, header: dict) -> str | None:
    """Describe the newer seedsift that wrote the index at ``path``; None when it is ours to rebuild.

    Two seedsift versions sharing a corpus (a pinned pre-commit hook and a
    developer's install) must not rebuild each other's index on every run. So
    an index of a newer format, or of the same format but a newer dedupe keys
    version, is never downgraded in place: the older seedsift keeps its own
    index beside it (:func:`side_path`). An older index is upgraded (rebuilt)
    in place as before.
    """
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # unreadable or foreign: the normal checks decide
    try:
        fmt = int(meta.get("format_version", ""))
    except ValueError:
        return None
    if fmt > FORMAT_VERSION:
        return f"index format {fmt}, this seedsift reads format {FORMAT_VERSION}"
    other = meta.get("keys_version", "")
    if fmt == FORMAT_VERSION and other.isdigit() and int(other) > int(header["keys_version"]):
        return f"dedupe keys version {other}, this seedsift computes version {header['keys_version']}"
    return None


def side_path(path: Path, header: dict) -> Path:
    """Where this seedsift keeps its index when a newer one owns ``path``: ``index.v4-k1.sqlite``
    (format 4, dedupe keys version 1)."""
    return path.with_name(f"{path.stem}.v{FORMAT_VERSION}-k{header['keys_version']}{path.suffix}")


def _init(conn: sqlite3.Connection, header: dict) -> None:
    with _Txn(conn):
        for stmt in SCHEMA.strip().split(";"):
            if stmt.strip():
                conn.execute(stmt)
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if meta.get("complete") != "1":
            from seedsift import __version__
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [
                ("format_version", str(FORMAT_VERSION)), ("seedsift_version", __version__), ("config", header["config"]),
                ("keys_version", header["keys_version"]), ("created", str(time.time())), ("generation", "0"),
                ("complete", "1")])


# --------------------------------------------------------------------------- fingerprints (dedupe stages)

def config_header(config) -> dict:
    """The index header for a ``DedupeConfig``: its fingerprint parameters and the dedupe keys version.

    Policy fields that do not change what is stored (keep, batch_size,
    verification thresholds) are left out, so e.g. ``--keep longest`` reuses
    the same index. Whether the stored keys are still what dedupe computes is
    dedupe's to say (:data:`dedupe.KEYS_VERSION`), not a hash of its files.
    """
    import dataclasses

    from seedsift.dedupe import KEYS_VERSION
    params = dataclasses.asdict(config)
    used: dict[str, object] = {k: params[k] for k in ("ngram", "num_perm", "seed", "doc_threshold", "passage_block",
                                   "passage_num_perm", "passage_rows", "min_report_chars", "passages")
            if k in params}
    used["doc_bands"] = list(config.doc_bands)
    return {"config": json.dumps(used, sort_keys=True), "keys_version": str(KEYS_VERSION)}


def fingerprints(texts: Sequence[str], config) -> list[Fingerprint]:
    """Document signature and lookup keys (document + passage window band keys) of each text.

    Asked of :func:`dedupe.lookup_keys` (the deduplicator's own stage
    functions), so a page shares a key in the index exactly when
    :func:`dedupe.find_duplicates` would make it a document candidate (same
    document band) or a passage candidate (same window band) of the page
    being checked.
    """
    from seedsift.dedupe import lookup_keys
    from seedsift.pipeline.lexicon_cache import warm_script_table

    warm_script_table()
    return [Fingerprint(sig, keys) for sig, keys in lookup_keys(texts, config)]


def index_path_for(corpus: Path, config) -> Path:
    """``CORPUS/.seedsift/index.sqlite`` for the default dedupe parameters, ``index-<hash>.sqlite`` for
    others, so that a run with e.g. ``--threshold 0.6`` does not rebuild the shared index back and forth."""
    from seedsift.dedupe import DedupeConfig

    header = config_header(config)
    if header["config"] == config_header(DedupeConfig())["config"]:
        return default_index_path(corpus)
    return Path(corpus) / INDEX_DIR / f"index-{hashlib.sha256(header['config'].encode()).hexdigest()[:8]}.sqlite"


def open_corpus_index(corpus: Path, config, path: Path | None = None, **kw) -> Index:
    """:func:`open_index` for ``corpus`` with the fingerprints of ``config`` (not yet updated)."""
    ix = open_index(path or index_path_for(corpus, config), corpus, config_header(config),
                    lambda text: fingerprints([text], config)[0], **kw)
    ix.fingerprint_many = lambda texts: fingerprints(texts, config)
    return ix
