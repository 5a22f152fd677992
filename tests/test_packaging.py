"""The package users install: build the sdist and the wheel, install the wheel into
a fresh virtualenv *next to PyPI's ``dedupe``* (the record-linkage library whose
name our ``dedupe/`` folder shares), and use both.

An editable install cannot see packaging mistakes (a subpackage missing from the
wheel, package data not shipped, a top-level module that overwrites another
distribution's), so this test installs what ``pip install seedsift`` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.packaging]


def run(*args, cwd=None, env=None, timeout=900):
    res = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{args}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # `python -m build` makes the sdist and then builds the wheel *from the sdist*, in an
    # isolated environment: a file missing from either shows up here.
    src = tmp_path_factory.mktemp("src")
    files = run("git", "-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT).stdout.splitlines()
    for rel in files:  # a copy of the checkout without build leftovers, caches or .venv
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_bytes((ROOT / rel).read_bytes())
    run(sys.executable, "-m", "build", "--outdir", out, src, timeout=900)
    wheels = list(out.glob("seedsift-*.whl"))
    sdists = list(out.glob("seedsift-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    return wheels[0], sdists[0]


def test_wheel_contents_are_namespaced_and_complete(dists):
    wheel, _ = dists
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    # Only our own name at the top level: nothing that could overwrite PyPI's dedupe,
    # cleaners or reports.
    assert top == {"seedsift"}
    for needed in ("seedsift/dask_engine/engine.py", "seedsift/cleaners/pipeline.py", "seedsift/dedupe/core.py",
                   "seedsift/reports/templates/report.html.j2", "seedsift/py.typed"):
        assert needed in names, needed
    assert [n for n in names if n.startswith("seedsift/demo/") and n.endswith(".txt")]


def test_sdist_has_the_repository_layout(dists):
    _, sdist = dists
    import tarfile

    members = tarfile.open(sdist).getnames()
    assert any(m.endswith("/cleaners/joins.py") for m in members)
    assert any(m.endswith("/pyproject.toml") for m in members)


def test_wheel_installs_beside_pypi_dedupe_and_both_work(dists, tmp_path):
    wheel, _ = dists
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    run(py, "-m", "pip", "install", "-q", "dedupe", f"{wheel}[dask]")
    # Both libraries import, each its own code.
    probe = ("import json, dedupe, seedsift.dedupe as sd; "
             "print(json.dumps([dedupe.__file__, hasattr(dedupe, 'Dedupe'), sd.__file__, hasattr(sd, 'find_duplicates')]))")
    theirs, has_dedupe_class, ours, has_find = json.loads(run(py, "-c", probe, cwd=tmp_path).stdout)
    assert "site-packages/dedupe/" in theirs and has_dedupe_class
    assert "site-packages/seedsift/dedupe/" in ours and has_find

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in sorted((ROOT / "seeds").glob("*.txt"))[:3]:  # pages only, not a seeds/.seedsift/ index
        (corpus / src.name).write_bytes(src.read_bytes())
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    exe = env_dir / "bin" / "seedsift"
    run(exe, "run", corpus, "--out", tmp_path / "out", "-q", cwd=tmp_path, env=env)
    assert (tmp_path / "out" / "report.html").is_file()
    assert len(list((tmp_path / "out" / "cleaned").iterdir())) == 3
    # Outside a checkout, no INPUT processes the demo pages shipped in the wheel.
    run(exe, "run", "--out", tmp_path / "demo", "-q", cwd=tmp_path, env=env)
    assert (tmp_path / "demo" / "report.html").is_file()
    # The Dask engine is in the wheel and runs (LocalCluster on loopback, stopped by the command).
    run(exe, "dedupe", corpus, "--out", tmp_path / "dask", "--engine", "dask", "-q", cwd=tmp_path, env=env)
    assert (tmp_path / "dask" / "clusters.jsonl").is_file()
