"""Hostile inputs through the real CLI: one clear line naming the file, the right exit code, no partial output.

Every row runs ``python -m seedsift run`` (the whole pipeline: clean, dedupe,
report) on a directory (or file) holding one hostile input next to a good page,
the way a user would. tests/test_cli.py covers a few of these for ``clean``;
here the full matrix goes through ``run`` (and ``dedupe`` / ``check`` where
they read inputs differently).

For a bad input the contract is: exit code 1, exactly one ``seedsift: PATH: message``
line on stderr naming it (plus the closing count line), no traceback, the
good page fully processed and nothing at all written for the bad one. For a
bad output location: exit code 2, one line, the inputs untouched, nothing created.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest
from conftest import seedsift as run_seedsift
from conftest import slow_after, tree

ROOT = Path(__file__).resolve().parent.parent
GOOD = "全国总工会今天召开会议，部署今年的职工服务工作。会议要求各级工会把服务职工放在首位。\n"
TRAD = "全國總工會今天召開會議，部署今年的職工服務工作。會議要求各級工會把服務職工放在首位。\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def seedsift(*args, timeout=600):
    """The real command; its output may hold the hostile names' undecodable bytes."""
    return run_seedsift(*args, timeout=timeout, errors="replace")


def no_traceback(res):
    assert "Traceback" not in res.stderr, res.stderr
    assert "Traceback" not in res.stdout, res.stdout


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".staging-" in p.name or ".old-" in p.name or p.name.endswith(".tmp")]


# ------------------------------------------------------------------ bad input files: exit 1, one line


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _unreadable(p: Path) -> None:
    if IS_ROOT:
        # root reads through chmod 000; /proc/self/mem is a regular file whose read fails (EIO) for everyone.
        # A link to it leads out of the input directory, so the walk refuses it before reading (issue 12.10);
        # test_unreadable_file_argument reads it as a named file.
        os.symlink("/proc/self/mem", p)
    else:
        p.write_text(GOOD, encoding="utf-8")
        p.chmod(0)


def _symlink_loop(p: Path) -> None:
    other = p.with_name("loop_b.txt")
    os.symlink(other.name, p)
    os.symlink(p.name, other)


def _dangling(p: Path) -> None:
    os.symlink("does-not-exist.txt", p)


# (id, file name, how to make it, words the one stderr line must contain)
BAD_FILES = [
    ("binary", "image.txt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64), "binary"),
    ("zip-as-text", "archive.txt", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(1, 256)) * 40), "undecodable"),
    ("invalid-utf8", "broken.txt", lambda p: p.write_bytes(GOOD.encode()[:10] + b"\xff" + GOOD.encode()[10:]), "undecodable"),
    ("utf8-truncated", "cut.txt", lambda p: p.write_bytes(GOOD.encode()[:-2]), "undecodable"),
    ("utf16-no-bom", "utf16le.txt", lambda p: p.write_bytes(GOOD.encode("utf-16-le")), "NUL"),
    ("utf16-bad-bom", "badbom.txt", lambda p: p.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8" + GOOD.encode("utf-16-le")[:-1]), "undecodable"),
    ("empty", "empty.txt", lambda p: p.write_bytes(b""), "empty file"),
    ("whitespace-only", "blank.txt", lambda p: p.write_text(" \n\t\u3000\n\n", encoding="utf-8"), "empty document"),
    ("bom-only", "bom.txt", lambda p: p.write_bytes(codecs.BOM_UTF8), "empty document"),
    ("nul-bytes", "nul.txt", lambda p: p.write_bytes("会议\x00召开".encode()), "NUL"),
    ("nul-in-utf16", "nul16.txt", lambda p: p.write_bytes(("会议\x00召开" * 3 + "\x00" * 10).encode("utf-16")), "binary"),
    ("fifo", "pipe.txt", _fifo, "not a regular file"),
    ("symlink-loop", "loop_a.txt", _symlink_loop, "not a regular file"),
    ("dangling-symlink", "dangling.txt", _dangling, "not a regular file"),
    ("unreadable", "secret.txt", _unreadable, "outside the input directory" if IS_ROOT else "permission denied"),
]


@pytest.mark.parametrize("case_id,name,make,words", slow_after([
    row if type(row) is not tuple else pytest.param(*row, id=row[0]) for row in BAD_FILES
], keep=2))
def test_bad_file_in_directory(tmp_path, case_id, name, make, words):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    make(src / name)
    before = tree(src)
    out = tmp_path / "out"
    res = seedsift("run", src, "--out", out, "-q", "-j", "1", timeout=120)
    no_traceback(res)
    assert res.returncode == 1, res.stderr
    errs = [l for l in res.stderr.splitlines() if l.startswith("seedsift: ") and "could not be processed" not in l]
    named = [l for l in errs if name in l]
    assert len(named) == 1 and words in named[0], res.stderr
    if case_id != "symlink-loop":  # the loop's second name is a second bad entry, named on its own line
        assert len(errs) == 1, res.stderr
    # the good page went all the way through, the bad one left no trace
    assert (out / "cleaned/good.txt").read_text(encoding="utf-8") == GOOD
    assert (out / "dedup/good.txt").read_text(encoding="utf-8") == GOOD
    assert (out / "report.html").exists()
    written = tree(out)
    assert not [k for k in written if Path(name).stem in k], written.keys()
    assert all(json.loads(l)["id"] == "good.txt" for l in (out / "docs.jsonl").read_text(encoding="utf-8").splitlines())
    assert tree(src) == before  # inputs never written to
    assert leftovers(tmp_path) == []


def test_bad_file_given_directly(tmp_path):
    """A hostile file passed as an argument (not found by a directory walk) is named the same way."""
    bad = tmp_path / "image.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    res = seedsift("run", bad, good, "--out", tmp_path / "out", "-q", "-j", "1")
    no_traceback(res)
    assert res.returncode == 1
    assert [l for l in res.stderr.splitlines() if "image.txt" in l] == [f"seedsift: {bad}: binary file (NUL bytes)"]


def test_only_bad_inputs_write_nothing(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "nul.txt").write_bytes(b"a\x00b")
    res = seedsift("run", src, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []


def test_symlinked_directory_loop_does_not_hang(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text(GOOD, encoding="utf-8")
    os.symlink("..", src / "sub" / "up")  # in/sub/up -> in: a cycle for a walker that follows links
    os.symlink(src, src / "self")
    res = seedsift("run", src, "--out", tmp_path / "out", "-q", timeout=60)
    no_traceback(res)
    assert res.returncode == 0, res.stderr
    assert sorted(tree(tmp_path / "out/cleaned")) == ["sub/a.txt"]


# ------------------------------------------------------------------ encodings that must be decoded, not refused


@pytest.mark.parametrize("encoding,text", slow_after([
    ("gbk", GOOD), ("gb18030", GOOD + "𠀀\n"), ("big5", TRAD), ("big5hkscs", TRAD), ("utf-16", GOOD),
    ("utf-16-be-bom", GOOD), ("utf-32", GOOD), ("utf-8-sig", GOOD),
], keep=2), ids=lambda v: v if isinstance(v, str) and len(v) < 16 else None)
def test_legacy_encodings_round_trip_exactly(tmp_path, encoding, text):
    src = tmp_path / "in"
    src.mkdir()
    data = codecs.BOM_UTF16_BE + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    (src / "page.txt").write_bytes(data)
    res = seedsift("clean", src, "--out", tmp_path / "out", "--json", "-q")
    no_traceback(res)
    assert res.returncode == 0, res.stderr
    # a clean page comes out as the same text, in UTF-8: nothing changed silently
    assert (tmp_path / "out/cleaned/page.txt").read_text(encoding="utf-8") == text
    assert json.loads(res.stdout)["clean"]["repairs"] == 0


# ------------------------------------------------------------------ huge inputs


@pytest.mark.slow
def test_50mb_single_line_is_refused_by_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with open(src / "huge.txt", "wb") as fh:  # 50 MB, one line, no newline
        chunk = ("字" * (1 << 20)).encode()
        for _ in range(50 * 2**20 // len(chunk) + 1):
            fh.write(chunk)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    res = seedsift("run", src, "--out", tmp_path / "out", "-q", "-j", "1")
    no_traceback(res)
    assert res.returncode == 1
    named = [l for l in res.stderr.splitlines() if "huge.txt" in l]
    assert len(named) == 1 and "refused" in named[0]  # over MAX_DOC_BYTES: refused before it is read
    assert sorted(tree(tmp_path / "out/cleaned")) == ["good.txt"]


# ------------------------------------------------------------------ JSONL records


JSONL_ROWS = [
    ("missing-text", '{"id": "b"}', 'record has no "text" field'),
    ("text-is-int", '{"id": "b", "text": 5}', '"text" is int, not a string'),
    ("text-is-null", '{"id": "b", "text": null}', '"text" is NoneType, not a string'),
    ("text-is-list", '{"id": "b", "text": ["会议"]}', '"text" is list, not a string'),
    ("missing-id", '{"text": "又一篇报道。"}', 'no string "id"'),
    ("id-is-bool", '{"id": true, "text": "又一篇报道。"}', 'no string "id"'),
    ("duplicate-id", '{"id": "a", "text": "又一篇报道。"}', "duplicate document id 'a'"),
    ("duplicate-id-int-vs-str", '{"id": 7, "text": "又一篇报道。"}', "duplicate document id '7'"),
    ("not-an-object", '["会议"]', "not a JSON object"),
    ("not-json", "{id: b}", "not valid JSON"),
    ("empty-text", '{"id": "b", "text": "  "}', "empty document"),
    ("nul-in-text", '{"id": "b", "text": "会\\u0000议"}', "NUL"),
    ("lone-surrogate-text", '{"id": "b", "text": "会议\\ud800召开。"}', "lone surrogate"),
    ("lone-surrogate-id", '{"id": "\\udc80", "text": "会议召开。"}', "lone surrogate"),
    ("lone-surrogate-field", '{"id": "b", "text": "会议召开。", "src": ["\\ud83d"]}', "lone surrogate"),
    ("deep-nesting", '{"id": "b", "text": "会议", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ("huge-integer", '{"id": "b", "text": "会议", "n": ' + "9" * 5000 + "}", "not valid JSON"),
]


@pytest.mark.parametrize("case_id,line,words", slow_after(JSONL_ROWS, keep=2), ids=[r[0] for r in JSONL_ROWS])
def test_bad_jsonl_record(tmp_path, case_id, line, words):
    src = tmp_path / "recs.jsonl"
    first = '{"id": "a", "text": "会议召开。"}' if case_id != "duplicate-id-int-vs-str" else '{"id": "7", "text": "会议召开。"}'
    src.write_text(first + "\n" + line + "\n" + '{"id": "c", "text": "全国总工会召开会议。", "src": "人民日报"}\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    res = seedsift("run", src, "--out", out, "-q", "-j", "1")
    no_traceback(res)
    assert res.returncode == 1, res.stderr
    errs = [l for l in res.stderr.splitlines() if "could not be processed" not in l]
    assert len(errs) == 1 and errs[0].startswith(f"seedsift: {src}:2: ") and words in errs[0], res.stderr
    kept = [json.loads(l) for l in (out / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in kept] == [json.loads(first)["id"], "c"]
    assert kept[1]["src"] == "人民日报"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("case_id,data,words", slow_after([
    ("jsonl-not-utf8", "会议".encode("gbk") + b"\n", "JSONL must be UTF-8"),
    ("jsonl-empty", b"", "no records"),
    ("jsonl-blank-lines", b"\n \n\n", "no records"),
    ("jsonl-gz-corrupt", b"\x1f\x8b\x08\x00garbage", "not valid gzip"),
    ("jsonl-gz-truncated", gzip.compress(b'{"id": "a", "text": "x"}\n' * 50)[:-12], "not valid gzip"),
]), ids=lambda v: v if isinstance(v, str) and v.startswith("jsonl") else None)
def test_bad_jsonl_file(tmp_path, case_id, data, words):
    src = tmp_path / ("recs.jsonl.gz" if "gz" in case_id else "recs.jsonl")
    src.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    res = seedsift("run", src, good, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1
    errs = [l for l in res.stderr.splitlines() if "could not be processed" not in l]
    assert len(errs) == 1 and errs[0].startswith(f"seedsift: {src}: ") and words in errs[0], res.stderr
    assert (tmp_path / "out/cleaned/good.txt").exists()


def test_duplicate_id_across_file_and_jsonl(tmp_path):
    """A page file ``a.txt`` and a JSONL record with id ``a.txt``: the second is refused, named."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "z.jsonl").write_text('{"id": "a.txt", "text": "又一篇报道。"}\n', encoding="utf-8")
    res = seedsift("run", src, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1
    errs = [l for l in res.stderr.splitlines() if "could not be processed" not in l]
    assert len(errs) == 1 and "z.jsonl:1: duplicate document id 'a.txt'" in errs[0]


# ------------------------------------------------------------------ where the output goes: exit 2, inputs untouched


def _in_dir(tmp):
    src = tmp / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    return [src]


OUT_ROWS = [
    # (id, command, inputs, out, words)
    ("run-out-is-input", "run", lambda t: _in_dir(t), lambda t: t / "in", "inside the input"),
    ("run-out-inside-input", "run", lambda t: _in_dir(t), lambda t: t / "in" / "out", "inside the input"),
    ("dedupe-out-inside-input", "dedupe", lambda t: _in_dir(t), lambda t: t / "in" / "deep" / "er", "inside the input"),
    ("clean-out-contains-input", "clean", lambda t: _in_dir(t), lambda t: t, "inside the output directory"),
    ("run-out-is-input-file", "run", lambda t: [_in_dir(t)[0] / "a.txt"], lambda t: t / "in" / "a.txt", "inside the output directory"),
    ("run-out-is-file-parent", "run", lambda t: [_in_dir(t)[0] / "a.txt"], lambda t: t / "in", "inside the output directory"),
    ("run-out-symlink-to-input", "run", lambda t: _in_dir(t), lambda t: _link(t / "link", t / "in"), "inside the input"),
    ("run-out-is-a-file", "run", lambda t: _in_dir(t), lambda t: _file(t / "notes.txt"), "not a directory"),
    ("run-out-foreign-dir", "run", lambda t: _in_dir(t), lambda t: _foreign(t / "thesis"), "not a seedsift output directory"),
    ("run-out-under-a-file", "run", lambda t: _in_dir(t), lambda t: _file(t / "notes.txt") / "out", "notes.txt"),
]


def _link(link: Path, target: Path) -> Path:
    os.symlink(target, link)
    return link


def _file(p: Path) -> Path:
    p.write_text("my notes", encoding="utf-8")
    return p


def _foreign(p: Path) -> Path:
    p.mkdir()
    (p / "chapter1.docx").write_bytes(b"precious")
    return p


@pytest.mark.parametrize("case_id,command,inputs,out,words", slow_after(OUT_ROWS, keep=3), ids=[r[0] for r in OUT_ROWS])
def test_unusable_output_is_refused_and_nothing_is_touched(tmp_path, case_id, command, inputs, out, words):
    ins = inputs(tmp_path)
    target = out(tmp_path)
    before = tree(tmp_path)
    res = seedsift(command, *ins, "--out", target, "-q")
    no_traceback(res)
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("seedsift: ") and words in lines[0], res.stderr
    assert tree(tmp_path) == before  # nothing written, nothing removed, inputs untouched
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "in") == []


def test_unreadable_file_argument(tmp_path):
    """A named file whose read fails (EIO as root via /proc/self/mem, EACCES otherwise): exit 1, one line."""
    if IS_ROOT:
        bad = Path("/proc/self/mem")
    else:
        bad = tmp_path / "secret.txt"
        bad.write_text(GOOD, encoding="utf-8")
        bad.chmod(0)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    res = seedsift("clean", good, bad, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1, res.stderr
    assert [l for l in res.stderr.splitlines() if "could not be processed" not in l] == [
        f"seedsift: {bad}: " + ("cannot read (Input/output error)" if IS_ROOT else "permission denied")], res.stderr


def test_read_only_output_directory(tmp_path):
    """An output location that cannot be written: exit 2, one line naming it, no staging left behind."""
    src = _in_dir(tmp_path)[0]
    if IS_ROOT:
        # root writes through chmod 555; sysfs refuses everyone
        parent = Path("/sys")
        if not parent.is_dir():
            pytest.skip("running as root without /sys: no read-only directory to write into")
    else:
        parent = tmp_path / "ro"
        parent.mkdir()
        parent.chmod(0o555)
    target = parent / "seedsift-out"
    try:
        res = seedsift("run", src, "--out", target, "-q")
    finally:
        if not IS_ROOT:
            parent.chmod(0o755)
    no_traceback(res)
    assert res.returncode == 2, res.stderr
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"seedsift: {target}: cannot create the output directory"), res.stderr
    assert not target.exists()
    assert not [p for p in parent.iterdir() if "seedsift-out" in p.name]


def test_previous_output_survives_a_failed_rerun(tmp_path):
    """A re-run that fails (here: every input now bad) leaves the previous complete output as it was."""
    src = _in_dir(tmp_path)[0]
    out = tmp_path / "out"
    assert seedsift("run", src, "--out", out, "-q").returncode == 0
    before = tree(out)
    (src / "a.txt").write_bytes(b"\x00\x01\x02")
    res = seedsift("run", src, "--out", out, "-q")
    assert res.returncode == 1
    assert tree(out) == before
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ check and dedupe read the same way


@pytest.mark.parametrize("case_id,make,words", slow_after([
    ("binary", lambda p: p.write_bytes(bytes(range(256)) * 8), "binary"),
    ("empty", lambda p: p.write_bytes(b""), "empty"),
    ("nul", lambda p: p.write_bytes("会议\x00召开".encode()), "NUL"),
    ("gbk", lambda p: p.write_bytes(GOOD.encode("gbk")), None),
]), ids=lambda v: v if isinstance(v, str) and len(v) < 8 else None)
def test_check_names_bad_files_in_one_line(tmp_path, case_id, make, words):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "old.txt").write_text("另一篇完全不同的报道，讲的是农业生产和春耕备耕工作。\n", encoding="utf-8")
    page = corpus / "new.txt"
    make(page)
    res = seedsift("check", page, "--index", tmp_path / "ix.sqlite", "--baseline", tmp_path / "bl.json")
    no_traceback(res)
    if words is None:
        assert res.returncode == 0, res.stdout + res.stderr
        return
    assert res.returncode == 1
    named = [l for l in res.stdout.splitlines() if "new.txt" in l]
    assert len(named) == 1 and words in named[0], res.stdout


def test_dedupe_reports_bad_inputs_like_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "bad.txt").write_bytes(GOOD.encode()[:-2])
    res = seedsift("dedupe", src, "--out", tmp_path / "out", "-q", "-j", "1")
    no_traceback(res)
    assert res.returncode == 1
    named = [l for l in res.stderr.splitlines() if "bad.txt" in l]
    assert len(named) == 1 and named[0].startswith("seedsift: ")
    assert sorted(tree(tmp_path / "out/dedup")) == ["good.txt"]


def test_directory_named_like_a_page_given_directly(tmp_path):
    d = tmp_path / "folder.txt"
    d.mkdir()
    res = seedsift("run", d, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1
    assert res.stderr.splitlines()[0] == f"seedsift: {d}: directory holds no .txt, .md or .jsonl files"


def test_garbage_after_utf16_bom_is_refused(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\xff\xfe" + b"\xfd\xff\xfe" * 100)  # decodes to U+FFFD, U+FEFF, U+FDFE ...
    res = seedsift("run", src, "--out", tmp_path / "out", "-q")
    assert res.returncode == 1
    lines = [l for l in res.stderr.splitlines() if "bad.txt" in l]
    assert len(lines) == 1 and "byte-order mark" in lines[0]
    assert (tmp_path / "out/cleaned/good.txt").exists()


# ------------------------------------------------------------------ file names and line separators


def test_non_utf8_and_control_character_file_names(tmp_path):
    """A GBK file name (from an old archive) cannot be written to any UTF-8 output: refused, named, escaped;
    a newline in a name must not break the one-line error."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    gbk = os.path.join(os.fsencode(src), "工会.txt".encode("gbk"))
    with open(gbk, "wb") as fh:
        fh.write(GOOD.encode())
    (src / "bad\nname.txt").write_bytes(b"\x00\x01")
    res = seedsift("run", src, "--out", tmp_path / "out", "-q")
    no_traceback(res)
    assert res.returncode == 1
    errs = [l for l in res.stderr.splitlines() if "could not be processed" not in l]
    assert sorted(errs) == sorted([
        f"seedsift: {src}/bad\\nname.txt: binary file (NUL bytes)",
        f"seedsift: {src}/\\xb9\\xa4\\xbb\\xe1.txt: file name is not valid UTF-8; rename it "
        "(e.g. `convmv -f gbk -t utf-8 --notest`)",
    ]), res.stderr
    assert sorted(tree(tmp_path / "out/cleaned")) == ["good.txt"]


def test_check_with_a_non_utf8_file_name_in_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with open(os.path.join(os.fsencode(corpus), "工会.txt".encode("gbk")), "wb") as fh:
        fh.write(GOOD.encode())
    (corpus / "new.txt").write_text("另一篇完全不同的报道，讲的是农业生产和春耕备耕工作。\n", encoding="utf-8")
    res = seedsift("check", corpus / "new.txt", "--index", tmp_path / "ix.sqlite", "--baseline", tmp_path / "bl.json")
    no_traceback(res)
    assert res.returncode in (0, 1)
    warned = [l for l in res.stderr.splitlines() if "not valid UTF-8" in l]
    assert len(warned) == 1 and "\\xb9\\xa4" in warned[0]


def test_jsonl_output_with_line_separators_can_be_read_back(tmp_path):
    """seedsift writes JSONL with ensure_ascii=False, so U+2028 / U+0085 appear raw; reading splits on \\n only."""
    src = tmp_path / "r.jsonl"
    src.write_text('{"id": "a", "text": "会议召开\\u2028会议结束\\u0085完。\\n"}\n', encoding="utf-8")
    assert seedsift("clean", src, "--out", tmp_path / "o1", "-q").returncode == 0
    assert "\u2028" in (tmp_path / "o1/cleaned.jsonl").read_text(encoding="utf-8")
    res = seedsift("run", tmp_path / "o1/cleaned.jsonl", "--out", tmp_path / "o2", "-q")
    no_traceback(res)
    assert res.returncode == 0, res.stderr
    rec = json.loads((tmp_path / "o2/dedup.jsonl").read_text(encoding="utf-8"))
    assert rec["text"] == "会议召开\u2028会议结束\u0085完。\n"


# ------------------------------------------------------------------ check --fix rewrites pages in place


def test_check_fix_writes_through_a_symlink_and_keeps_the_mode(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "page.txt").write_text("会议指出,要加强服务。  \n", encoding="utf-8")
    (real / "page.txt").chmod(0o600)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.symlink(real / "page.txt", corpus / "page.txt")
    res = seedsift("check", corpus / "page.txt", "--fix", "--no-duplicates", "--baseline", tmp_path / "bl.json")
    no_traceback(res)
    assert res.returncode == 1
    assert (corpus / "page.txt").is_symlink()
    assert (real / "page.txt").read_text(encoding="utf-8") == "会议指出，要加强服务。\n"
    assert (real / "page.txt").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("encoding", slow_after(["gbk", "utf-16", "utf-8-sig"]))
def test_check_fix_keeps_the_page_encoding(tmp_path, encoding):
    page = tmp_path / "page.txt"
    page.write_bytes("会议指出,要加强服务。  \n".encode(encoding))
    res = seedsift("check", page, "--fix", "--no-duplicates", "--baseline", tmp_path / "bl.json")
    assert res.returncode == 1
    assert page.read_bytes() == "会议指出，要加强服务。\n".encode(encoding)
