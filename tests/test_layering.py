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


# ------------------------------------------------------------------ the app's rooms

APP = ROOT / "seedsift"
#: Each room of the app and the rooms it may import (besides itself, the libraries and the base:
#: ``seedsift/__init__.py`` for the version, ``seedsift/errors.py`` for the shared exceptions and
#: ``seedsift/records.py`` for the dedupe record files' lines, which the pipeline and the Dask engine both write).
ROOMS = {
    "base": set(),
    "dask_engine": set(),
    "pipeline": {"dask_engine"},  # engine choice
    "check": {"pipeline"},
    "review": {"pipeline"},
    "cli": {"pipeline", "check", "review", "dask_engine"},
    "main": {"cli"},
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


#: The base modules beside ``seedsift/__init__.py``: they import no room.
BASE = {"errors", "records"}


def room_of(module: str) -> str | None:
    """The room of an app module (None for the libraries and anything outside seedsift).

    >>> [room_of(m) for m in ("seedsift", "seedsift.errors", "seedsift.records", "seedsift.cli.app", "seedsift.dedupe.core")]
    ['base', 'base', 'base', 'cli', None]
    """
    parts = module.split(".")
    if parts[0] != "seedsift" or (len(parts) > 1 and parts[1] in LIBRARIES):
        return None
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    if parts[1] == "__main__":
        return "main"
    return parts[1]


def app_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(APP.rglob("*.py"))}


def imports_of(module: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """Every seedsift module ``module`` imports (at the top or inside a function), resolved to module names:
    ``from seedsift.cli import check`` is the module ``seedsift.cli.check``."""
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            subs = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known}
            found |= subs or {base}
    return {m for m in found if m.split(".")[0] == "seedsift"}


def app_graph() -> dict[str, set[str]]:
    modules = app_modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        deps = imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)
        graph[name] = {d for d in deps if d in known and room_of(d) is not None and d != name}
    return graph


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, deps in sorted(graph.items()):
        room = room_of(mod)
        allowed = ROOMS[room] | {room, "base"}
        bad += [f"{mod} -> {d}" for d in sorted(deps) if room_of(d) not in allowed]
    return bad


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once (as found by a depth-first search from each module in order)."""
    cycles, state = [], {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = "open"
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == "open":
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    return cycles


def test_every_app_module_is_in_a_room():
    assert {m: room_of(m) for m in app_modules() if room_of(m) not in ROOMS} == {}
    # the flat folder is gone: every module but the base and the entry point lives in a room's package
    assert sorted(m for m in app_modules() if m.count(".") == 1 and room_of(m) in {"base", "main"}) == [
        "seedsift.__main__", "seedsift.errors", "seedsift.records"]


def test_rooms_import_only_the_rooms_below():
    assert upward_imports(app_graph()) == []


def test_no_import_circle_in_the_app():
    assert import_cycles(app_graph()) == []


def test_room_guards_detect_violations():
    """Positive controls: an upward import and a circle are both reported."""
    assert upward_imports({"seedsift.pipeline.stages": {"seedsift.review.model"}}) == [
        "seedsift.pipeline.stages -> seedsift.review.model"]
    assert upward_imports({"seedsift.review.model": {"seedsift.check.index"}}) == [
        "seedsift.review.model -> seedsift.check.index"]
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert imports_of("seedsift.cli.app", "from seedsift.cli import check as c\nfrom . import options\n", False,
                      {"seedsift.cli.check", "seedsift.cli.options"}) == {"seedsift.cli.check", "seedsift.cli.options"}
