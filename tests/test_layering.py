"""Architecture guard: cleaners/ and dedupe/ stay pure libraries.

Like click's tests/test_imports.py: import each library in a fresh
interpreter and look at what got imported, and scan the source for I/O.
If one of these fails, the layering in ARCHITECTURE.md was broken.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "cleaners": {"dedupe", "seedsift", "reports", "click", "tqdm"},
    "dedupe": {"cleaners", "seedsift", "reports", "click", "tqdm"},
    "reports": {"seedsift", "click", "tqdm"},
}
IO_CALLS = {"open", "print", "input"}
IO_ATTRS = {"write_text", "write_bytes", "read_text", "read_bytes", "mkdir", "unlink", "rmtree", "system", "popen"}


def imported_top_level(package: str) -> set[str]:
    code = (
        "import sys, json; import seedsift; before = set(sys.modules); import seedsift.%s; "
        "print(json.dumps(sorted(set(sys.modules) - before)))" % package
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return {layer_of(m) for m in json.loads(out.stdout)} - {package}


LIBRARIES = {"cleaners", "dedupe", "reports"}


def layer_of(module: str) -> str:
    """The layer a module belongs to: the libraries are installed as
    ``seedsift.cleaners`` / ``seedsift.dedupe`` / ``seedsift.reports`` (collision-free
    names on PyPI), everything else under ``seedsift`` is the app layer.

    >>> [layer_of(m) for m in ("seedsift.dedupe.keys", "seedsift.cli.app", "seedsift", "click.core")]
    ['dedupe', 'seedsift', 'seedsift', 'click']
    """
    parts = module.split(".")
    if parts[0] == "seedsift" and len(parts) > 1 and parts[1] in LIBRARIES:
        return parts[1]
    return parts[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_library_does_not_import_upper_layers(package):
    loaded = imported_top_level(package)
    assert not (loaded & FORBIDDEN[package]), f"{package} imports {sorted(loaded & FORBIDDEN[package])}"


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def reads_package_data(source: str, node: ast.Call) -> bool:
    """Reading a dependency's bundled data (jieba's dictionary) is not corpus I/O."""
    segment = ast.get_source_segment(source, node) or ""
    return segment.startswith("importlib.resources.files(") and node.func.attr in {"read_bytes", "read_text"}


@pytest.mark.parametrize("package", ["cleaners", "dedupe"])
def test_pure_library_source_has_no_io(package):
    offenders = []
    for path in source_files(package):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name) and f.id in IO_CALLS:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {f.id}()")
                elif isinstance(f, ast.Attribute) and f.attr in IO_ATTRS and not reads_package_data(source, node):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{f.attr}()")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    relative = isinstance(node, ast.ImportFrom) and node.level > 0
                    top = package if relative else layer_of(name)
                    if top in FORBIDDEN[package] or top in {"shutil", "tempfile", "subprocess", "sqlite3"}:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} import {name}")
    assert offenders == []


def test_guard_detects_a_violation(tmp_path):
    """Positive control: the AST scan flags an open() call."""
    tree = ast.parse("def f():\n    return open('x').read()\n")
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert "open" in calls and IO_CALLS & set(calls)
