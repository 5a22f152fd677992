"""The lexicon and script-table caches only ever save time: built once, reused, and rebuilt when damaged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (
    "import sys, time; from pathlib import Path; from seedsift.pipeline.lexicon_cache import warm_lexicon; "
    "import cleaners; how = warm_lexicon(Path(sys.argv[1])); "
    "print(how, cleaners.clean('发展的的工作。').text.strip())"
)


def warm(path: Path) -> list[str]:
    """Run in a fresh interpreter: the lexicon lives per process."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.slow  # builds the lexicon (~1 s) in fresh interpreters, twice
def test_built_then_cached_with_the_same_result(tmp_path):
    path = tmp_path / "lexicon.marshal"
    assert warm(path) == ["built", "发展的工作。"]
    assert path.stat().st_size > 1_000_000
    assert warm(path) == ["cached", "发展的工作。"]


@pytest.mark.slow  # builds the lexicon (~1 s) in fresh interpreters, twice
def test_a_damaged_cache_is_rebuilt(tmp_path):
    path = tmp_path / "lexicon.marshal"
    path.write_bytes(b"\x00garbage")
    assert warm(path) == ["built", "发展的工作。"]
    assert warm(path)[0] == "cached"


def test_a_snapshot_of_the_wrong_shape_is_refused():
    from seedsift import cleaners
    assert cleaners.install_lexicon({"a": 1}, {}, 1) is False


TABLE_SCRIPT = (
    "import sys; from pathlib import Path; from seedsift.pipeline.lexicon_cache import warm_script_table; "
    "from seedsift.dedupe import match_key; how = warm_script_table(Path(sys.argv[1])); "
    "print(how, match_key('紛紛響應，處處春 ABC')[0])"
)


def warm_table(path: Path) -> list[str]:
    """Run in a fresh interpreter: the folding table lives per process."""
    out = subprocess.run([sys.executable, "-c", TABLE_SCRIPT, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.slow  # fresh interpreters
def test_script_table_built_then_cached_with_the_same_keys(tmp_path):
    path = tmp_path / "table.u32"
    assert warm_table(path) == ["built", "纷纷响应处处春abc"]
    assert path.stat().st_size == 4 * 28096
    assert warm_table(path) == ["cached", "纷纷响应处处春abc"]


@pytest.mark.slow  # fresh interpreters
def test_a_damaged_script_table_is_rebuilt(tmp_path):
    path = tmp_path / "table.u32"
    path.write_bytes(b"\x00" * (4 * 28096))  # right size, wrong content
    assert warm_table(path)[0] == "built"
    assert warm_table(path)[0] == "cached"


def test_a_script_table_of_the_wrong_shape_is_refused():
    import numpy as np

    from seedsift.dedupe import keys
    assert keys.install_script_table(np.zeros(28096, dtype=np.uint32)) is False
    assert keys.install_script_table(np.zeros(10, dtype=np.uint32)) is False


def test_segmentations_are_remembered_for_one_text_only():
    """cut() remembers windows while one text is cleaned (the rules ask for the same ones many
    times); clean() forgets them so memory follows the text, and the memory has a ceiling for
    callers that never go through clean()."""
    from cleaners import _lexicon, clean

    first = _lexicon.cut("广播电视台台承办")
    assert _lexicon.cut("广播电视台台承办") == first == ["广播", "电视台", "台", "承办"]
    first.append("x")  # a caller's list is its own
    assert _lexicon.cut("广播电视台台承办") == ["广播", "电视台", "台", "承办"]
    clean("据介绍，该项\n\n项目总投资约56亿元。\n")
    assert any("该项" in key for key in _lexicon._CUTS)  # the rules' windows were remembered
    clean("第二篇。\n")
    assert not any("该项" in key for key in _lexicon._CUTS)  # and forgotten with their text
    for n in range(_lexicon._MAX_CUTS + 10):
        _lexicon.cut(f"窗口{n}")
    assert len(_lexicon._CUTS) <= _lexicon._MAX_CUTS
