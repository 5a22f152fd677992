"""Outputs are replaced whole or not at all."""

from __future__ import annotations

import pytest

from seedsift.pipeline import atomic


def test_write_text_replaces_atomically_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b.txt"
    atomic.write_text(target, "一\n")
    atomic.write_text(target, "二\n")
    assert target.read_text(encoding="utf-8") == "二\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_staged_directory_swaps_in_on_success(tmp_path):
    out = tmp_path / "out"
    with atomic.staged_directory(out) as stage:
        atomic.write_text(stage / atomic.MARKER, "{}")
        atomic.write_text(stage / "x.txt", "new")
        assert not out.exists()
    assert (out / "x.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_staged_directory_keeps_previous_outputs_on_interrupt(tmp_path):
    out = tmp_path / "out"
    with atomic.staged_directory(out) as stage:
        atomic.write_text(stage / atomic.MARKER, "{}")
        atomic.write_text(stage / "x.txt", "old")
    with pytest.raises(KeyboardInterrupt):
        with atomic.staged_directory(out) as stage:
            atomic.write_text(stage / "x.txt", "half")
            raise KeyboardInterrupt
    assert (out / "x.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_keep_existing_links_previous_files_without_sharing_writes(tmp_path):
    out = tmp_path / "out"
    with atomic.staged_directory(out) as stage:
        atomic.write_text(stage / atomic.MARKER, "{}")
        atomic.write_text(stage / "clean.txt", "from clean")
    with atomic.staged_directory(out) as stage:
        assert (stage / "clean.txt").read_text() == "from clean"
        atomic.write_text(stage / "clean.txt", "rewritten")
        assert (out / "clean.txt").read_text() == "from clean"
    assert (out / "clean.txt").read_text() == "rewritten"


def test_refuses_to_replace_a_foreign_directory(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(OSError, match="not a seedsift output directory"):
        with atomic.staged_directory(out):
            pass
    assert (out / "thesis.docx").read_text() == "precious"


def test_outputs_get_normal_file_permissions(tmp_path):
    """mkstemp makes 0600 files; a report mailed around must be readable like any file."""
    import os

    target = tmp_path / "report.html"
    atomic.write_text(target, "<html></html>")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
