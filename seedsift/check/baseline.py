"""The baseline: flags and duplicates a person reviewed once and accepted never block again.

The file (``.seedsift-baseline.json`` at the repository root by default) is
small, sorted and meant to be committed, like a linter baseline. An entry is
keyed by the file's path (POSIX, relative to the baseline's directory), the
flag kind and a hash of the flagged text, so it survives edits elsewhere in the
file and moving the flagged passage to another line::

    {"version": 1, "accepted": [
      {"path": "seeds/new.txt", "kind": "gap", "hash": "3f1c...", "text": "第一段的末尾"}
    ]}

A reviewed duplicate is an entry of kind ``duplicate`` whose hash covers the
copied passage's match key (or, for a whole-page duplicate, the page it
copies), see :func:`seedsift.check.findings.duplicate_key_text`.

``text`` (the start of the flagged text, or what a duplicate copies) is only
there for a reviewer reading a diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from seedsift.pipeline import atomic

BASELINE_NAME = ".seedsift-baseline.json"
VERSION = 1


def flag_hash(kind: str, before: str) -> str:
    return hashlib.sha256(f"{kind}\0{before}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def repo_root(start: Path) -> Path:
    """The git work tree containing ``start`` (or ``start`` itself outside git)."""
    start = Path(start).resolve()
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True,
                              text=True, timeout=30)
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return start


def default_path(cwd: Path | None = None) -> Path:
    return repo_root(Path(cwd or os.getcwd())) / BASELINE_NAME


class BaselineError(ValueError):
    """The baseline file exists but cannot be read."""


class Baseline:
    """The set of accepted ``(path, kind, hash)`` keys, loaded from and saved to ``path``."""

    def __init__(self, path: Path, entries: list[dict] | None = None) -> None:
        self.path = Path(path)
        self.entries = list(entries or [])
        self._keys = {(e["path"], e["kind"], e["hash"]) for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["accepted"]
            if data.get("version") != VERSION or not isinstance(entries, list):
                raise ValueError(f"unknown baseline version {data.get('version')!r}")
            for e in entries:
                if not all(isinstance(e.get(k), str) for k in ("path", "kind", "hash")):
                    raise ValueError("an entry lacks path/kind/hash")
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise BaselineError(f"{path}: not a seedsift baseline ({err})") from None
        return cls(path, entries)

    def rel(self, file: Path) -> str:
        """``file`` as the baseline names it: POSIX, relative to the baseline's directory."""
        file = Path(os.path.abspath(file))
        base = Path(os.path.abspath(self.path.parent))
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            return file.as_posix()

    def accepts(self, file: Path, kind: str, before: str) -> bool:
        return (self.rel(file), kind, flag_hash(kind, before)) in self._keys

    def add(self, file: Path, kind: str, before: str, note: str | None = None) -> bool:
        """Accept one finding (``before`` is what the hash covers, ``note`` what a reader sees); False if known."""
        key = (self.rel(file), kind, flag_hash(kind, before))
        if key in self._keys:
            return False
        self._keys.add(key)
        self.entries.append({"path": key[0], "kind": kind, "hash": key[2], "text": (before if note is None else note)[:40]})
        return True

    def save(self) -> None:
        entries = sorted(self.entries, key=lambda e: (e["path"], e["kind"], e["hash"]))
        body = json.dumps({"version": VERSION, "accepted": entries}, ensure_ascii=False, indent=1)
        atomic.write_text(self.path, body + "\n")
