"""What a committer and a corpus maintainer expect from the commands (issue 13), through ``main(argv)``.

Each test calls the real entry point :func:`seedsift.cli.app.main` inside click's
CliRunner isolation (stdout, stderr and stdin captured, the environment set),
so the exit code is the one the console script exits with.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_seeds, tree
from test_check import CLEAN, SOURCE  # the clean page and the seed page the check tests use

from seedsift.cli.app import main
from seedsift.cli.options import exit_code_for

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def invoke(*args, cwd: Path | None = None, env: dict | None = None, stdin: bytes | None = None) -> Result:
    """``seedsift ARGS`` through main(); cwd changed for the call."""
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        with runner.isolation(input=stdin, env=env) as (out, err, _):
            code = main([str(a) for a in args])
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os.chdir(old)
    return Result(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


@pytest.fixture
def repo(tmp_path):
    """A directory holding a copy of the shipped seeds (no git: the baseline lives here)."""
    copy_seeds(tmp_path / "seeds")
    return tmp_path


# --------------------------------------------------------------------------- help, completion, exit codes


def test_top_level_help_lists_whole_descriptions_in_pipeline_order():
    res = invoke("--help")
    assert res.code == 0
    names = re.findall(r"^  (\w+)\s{2,}(.+)$", res.out.split("Commands:")[1], re.M)
    assert [n for n, _ in names] == ["run", "clean", "dedupe", "report", "apply", "restore", "check", "index"]
    for _, text in names:
        assert not text.endswith("...") and text.endswith("."), text  # whole sentences, never cut by click
    assert "_SEEDSIFT_COMPLETE=bash_source seedsift" in " ".join(res.out.split())


def test_shell_completion_as_documented_works():
    env = {**os.environ, "_SEEDSIFT_COMPLETE": "bash_source"}
    res = subprocess.run([sys.executable, "-m", "seedsift"], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "_seedsift_completion" in res.stdout
    env = {**os.environ, "_SEEDSIFT_COMPLETE": "bash_complete", "COMP_WORDS": "seedsift ind", "COMP_CWORD": "1"}
    res = subprocess.run([sys.executable, "-m", "seedsift"], env=env, capture_output=True, text=True, timeout=120)
    assert "index" in res.stdout


def test_exit_codes_two_only_for_usage():
    # a full disk or I/O error while writing is 3 (issue 12.13, seedsift.errors); a vanished file 1
    assert exit_code_for(OSError(errno.ENOSPC, "No space left on device", "out/x")) == 3
    assert exit_code_for(OSError(errno.EIO, "Input/output error")) == 3
    assert exit_code_for(OSError(errno.ENOENT, "No such file or directory", "in/x")) == 1
    assert exit_code_for(OSError("out: exists and is not a seedsift output directory")) == 2


def test_a_write_failing_mid_run_is_exit_3_not_a_usage_error(tmp_path):
    """A real write failure (the file-size limit, EFBIG, as a full disk fails with ENOSPC): exit 3, one line."""
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    res = subprocess.run([sys.executable, "-m", "seedsift", "run", str(SEEDS), "--out", str(tmp_path / "o"), "-q"],
                         capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert res.returncode == 3, res.stderr
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("seedsift: ") and "File too large" in lines[0], res.stderr
    assert not (tmp_path / "o").exists()


def test_json_prints_an_error_object_on_failure(tmp_path):
    (tmp_path / "notarun").mkdir()
    res = invoke("report", tmp_path / "notarun", "--json")
    assert res.code == 1
    err = json.loads(res.out)
    assert err["exit_code"] == 1 and "notarun" in err["error"]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CLEAN, encoding="utf-8")
    res = invoke("clean", src, "--out", src / "o", "--json")
    assert res.code == 2
    assert json.loads(res.out) == {"error": json.loads(res.out)["error"], "exit_code": 2}
    assert "inside the input" in json.loads(res.out)["error"]
    res = invoke("clean", src, "--out", tmp_path / "o", "--script", "klingon", "--json")
    assert res.code == 2 and json.loads(res.out)["exit_code"] == 2


@pytest.mark.parametrize("argv", [["report", "{run}"], ["apply", "{decisions}", "{run}"],
                                  ["restore", "{run}", "--out", "{tmp}/restored"], ["check", "seeds/new.txt"],
                                  ["index", "stats", "--corpus", "seeds"], ["index", "update", "--corpus", "seeds"]],
                         ids=lambda a: " ".join(a[:2]))
def test_quiet_is_accepted_by_every_command(repo, tmp_path, argv):
    run_dir = tmp_path / "run"
    assert invoke("run", repo / "seeds", "--out", run_dir, "-q").code == 0
    (repo / "seeds" / "new.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "d.json").write_text('{"seedsift_decisions": 1, "decisions": {}}', encoding="utf-8")
    invoke("index", "build", "--corpus", "seeds", "-q", cwd=repo)
    args = [a.format(run=run_dir, decisions=tmp_path / "d.json", tmp=tmp_path) for a in argv]
    res = invoke(*args, "--quiet", cwd=repo)
    assert res.code == 0, res
    assert res.err == ""


# --------------------------------------------------------------------------- run / clean summaries


def test_run_says_what_to_open_next_and_without_input_uses_seeds(repo):
    res = invoke("run", "--out", "out", cwd=repo)
    assert res.code == 0, res
    summary = json.loads((repo / "out" / "run.json").read_text(encoding="utf-8"))
    d, c = summary["dedupe"], summary["clean"]
    m = re.search(r"^seedsift: open (\S+): (.*)$", res.err, re.M)
    assert m, res.err
    assert m[1] == "out/report.html" and (repo / m[1]).is_file()
    assert f"{d['passages_removed']} passage" in m[2] and f"{c['flags']} flag" in m[2] and "to review" in m[2]
    assert "seedsift: open" not in invoke("run", "--out", "out", "-q", cwd=repo).err  # --quiet: results only


def test_run_without_input_outside_a_checkout_processes_the_demo_pages(tmp_path):
    res = invoke("run", "--out", "o", "-q", cwd=tmp_path)
    assert res.code == 0, res
    assert "demo pages" in res.err
    docs = [json.loads(l) for l in (tmp_path / "o" / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(d["id"] for d in docs) == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_demo_pages_are_the_shipped_seeds():
    from seedsift.cli.options import DEMO_DIR

    demo = {p.name: p.read_bytes() for p in DEMO_DIR.glob("*.txt")}
    assert demo == {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}


def test_per_document_summary_lines_are_capped(tmp_path):
    from seedsift.cli.app import MAX_DOC_LINES

    src = tmp_path / "in"
    src.mkdir()
    n = MAX_DOC_LINES + 15
    for i in range(n):
        (src / f"p{i:03}.txt").write_text(f"第{i}号通知,请各单位认真落实。\n", encoding="utf-8")
    res = invoke("clean", src, "--out", tmp_path / "o", "-q")
    assert res.code == 0, res
    per_doc = [l for l in res.out.splitlines() if re.match(r"  p\d+\.txt: ", l)]
    assert len(per_doc) == MAX_DOC_LINES
    assert f"… {n - MAX_DOC_LINES} more documents (--json lists all)" in res.out
    full = json.loads(invoke("clean", src, "--out", tmp_path / "o", "--json").out)
    assert len(full["clean"]["repairs_by_document"]) == n


# --------------------------------------------------------------------------- the config file


def test_config_file_options_are_shared_and_the_command_line_wins(tmp_path):
    corpus = tmp_path / "corpus"
    copy_seeds(corpus / "seeds")
    (corpus / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.seedsift]\nmin-passage-chars = 150\n'
                                           'similarity = 0.9\nscript = "traditional"\n', encoding="utf-8")
    res = invoke("run", corpus / "seeds", "--out", tmp_path / "o", "-q")
    assert res.code == 0, res
    run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["dedupe"]["min_passage_chars"] == 150 and run["options"]["dedupe"]["doc_similarity"] == 0.9
    assert run["options"]["clean"]["script"] == "traditional"
    assert run["config_file"] == str(corpus / "pyproject.toml")
    res = invoke("dedupe", corpus / "seeds", "--out", tmp_path / "o2", "-q", "--min-passage-chars", "120")
    assert res.code == 0, res
    run = json.loads((tmp_path / "o2" / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["dedupe"]["min_passage_chars"] == 120 and run["options"]["dedupe"]["doc_similarity"] == 0.9
    # .seedsift.toml nearer the corpus wins over the pyproject above it
    (corpus / "seeds" / ".seedsift.toml").write_text("keep-punctuation = true\n", encoding="utf-8")
    (corpus / "seeds" / "new.txt").write_text(CLEAN.replace("，", ",", 1), encoding="utf-8")
    res = invoke("check", "seeds/new.txt", "--no-duplicates", cwd=corpus)
    assert res.code == 0, res  # keep-punctuation from the file: the ASCII comma is no repair
    res = invoke("check", "seeds/new.txt", "--no-duplicates", "--config", corpus / "pyproject.toml", cwd=corpus)
    assert res.code == 1 and "punctuation" in res.out


def test_config_file_index_and_check_agree(tmp_path):
    """``ngram`` from the file changes the index key; check and index use the same index."""
    copy_seeds(tmp_path / "seeds")
    (tmp_path / ".seedsift.toml").write_text("ngram = 4\n", encoding="utf-8")
    res = invoke("index", "build", "--corpus", "seeds", "--json", cwd=tmp_path)
    assert res.code == 0, res
    built = json.loads(res.out)["index"]
    assert Path(built).name != "index.sqlite"
    (tmp_path / "seeds" / "new.txt").write_text(CLEAN, encoding="utf-8")
    res = invoke("check", "seeds/new.txt", "--json", cwd=tmp_path)
    assert res.code == 0, res
    assert Path(json.loads(res.out)["index"][0]["index"]).resolve() == Path(tmp_path, built).resolve()


@pytest.mark.parametrize("body,words", [("ngarm = 4\n", "unknown option 'ngarm'"), ("ngram = 0\n", "ngram"),
                                        ("keep-punctuation = 1\n", "true or false"), ("ngram = \n", "not valid TOML")])
def test_bad_config_file_is_a_usage_error_naming_it(tmp_path, body, words):
    copy_seeds(tmp_path / "seeds")
    (tmp_path / ".seedsift.toml").write_text(body, encoding="utf-8")
    res = invoke("dedupe", "seeds", "--out", "o", "-q", cwd=tmp_path)
    assert res.code == 2
    assert res.err.startswith("seedsift: ") and ".seedsift.toml" in res.err and words in res.err, res.err
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- check: findings and advice


def test_join_is_shown_with_the_text_around_it(repo):
    text = CLEAN.replace("多条新航线", "多条\n\n新航线")
    (repo / "seeds" / "new.txt").write_text(text, encoding="utf-8")
    res = invoke("check", "seeds/new.txt", "--no-duplicates", cwd=repo)
    assert res.code == 1
    assert re.search(r'^seeds/new\.txt:3: join: "…长百分之八，多条⏎⏎新航线相继开通。…" → "…长百分之八，多条新航线相继开通。…"$',
                     res.out, re.M), res.out


def test_single_line_duplicate_reads_line_n_and_advice_follows(repo):
    source = (SEEDS / SOURCE).read_text(encoding="utf-8").split("\n")
    para = max(source, key=len)
    (repo / "seeds" / "new.txt").write_text("社区食堂开门迎客\n\n" + para + "\n", encoding="utf-8")
    res = invoke("check", "seeds/new.txt", "--no-clean", cwd=repo)
    assert res.code == 1
    line = res.out.splitlines()[0]
    assert re.fullmatch(rf"seeds/new\.txt line 3 duplicates seeds/{SOURCE} line {source.index(para) + 1} "
                        r"\(similarity 1\.00\)", line), res.out
    assert "5-5" not in res.out and "3-3" not in res.out
    closing = res.out.splitlines()[1]
    assert closing.startswith("seedsift check: 1 duplicate(s)") and "--accept seeds/new.txt" in closing


def test_whole_page_copy_reads_is_a_copy_of(repo):
    shutil.copy(SEEDS / SOURCE, repo / "seeds" / "zz_copy.txt")
    res = invoke("check", "seeds/zz_copy.txt", "--no-clean", cwd=repo)
    assert res.code == 1
    assert res.out.splitlines()[0] == f"seeds/zz_copy.txt is a copy of seeds/{SOURCE}"


def test_control_characters_in_paths_are_escaped(repo):
    name = "new\nline\x1b[31m.txt"
    (repo / "seeds" / name).write_text(CLEAN.replace("，", ",", 1), encoding="utf-8")
    res = invoke("check", f"seeds/{name}", "--no-duplicates", cwd=repo)
    assert res.code == 1
    assert "\x1b" not in res.out
    assert all(l.startswith(("seeds/new\\nline\\x1b[31m.txt:", "seedsift check:")) for l in res.out.splitlines()), res.out


def test_accept_confirms_and_accepts_a_reviewed_duplicate_that_survives_unrelated_edits(repo):
    from seedsift import cleaners
    source = (SEEDS / SOURCE).read_text(encoding="utf-8").split("\n")
    section = cleaners.clean("\n".join(source[10:15])).text.strip("\n")
    page = repo / "seeds" / "new.txt"
    page.write_text(CLEAN + "\n" + section + "\n", encoding="utf-8")
    assert invoke("check", "seeds/new.txt", cwd=repo).code == 1
    res = invoke("check", "--accept", "seeds/new.txt", cwd=repo)
    assert res.code == 0, res
    assert re.search(r"^seedsift check: accepted 0 flag\(s\) and 1 duplicate\(s\) in \.seedsift-baseline\.json; "
                     r"commit that file$", res.out, re.M), res.out
    entries = json.loads((repo / ".seedsift-baseline.json").read_text(encoding="utf-8"))["accepted"]
    assert [(e["path"], e["kind"]) for e in entries] == [("seeds/new.txt", "duplicate")]
    assert f"passage of seeds/{SOURCE}"[:40] == entries[0]["text"]
    res = invoke("check", "seeds/new.txt", cwd=repo)
    assert (res.code, res.out) == (0, ""), res
    # unrelated edits: a new paragraph before it, the source page edited elsewhere
    page.write_text("港口新闻\n\n" + CLEAN + "\n" + section + "\n", encoding="utf-8")
    src = repo / "seeds" / SOURCE
    src.write_text(src.read_text(encoding="utf-8") + "\n（完）\n", encoding="utf-8")
    assert invoke("check", "seeds/new.txt", cwd=repo).code == 0
    # a second, different copied passage is not covered
    other = cleaners.clean(max(source[60:90], key=len)).text.strip("\n")
    page.write_text(other + "\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    res = invoke("check", "seeds/new.txt", "--no-clean", cwd=repo)
    assert res.code == 1 and res.out.count(f"seeds/{SOURCE}") == 1, res.out
    res = invoke("check", "--accept", "seeds/new.txt", "--no-clean", "-q", cwd=repo)
    assert (res.code, res.out) == (0, "")  # --quiet: no confirmation


def test_advice_inside_pre_commit_names_hook_ids_unless_seedsift_is_on_path(repo):
    (repo / "seeds" / "new.txt").write_text("（上接第1版）\n\n" + CLEAN.replace("，", ",", 1), encoding="utf-8")
    hook_env = {"PRE_COMMIT": "1", "PATH": os.path.dirname(sys.executable)}  # only the hook's own bin
    res = invoke("check", "seeds/new.txt", "--no-duplicates", cwd=repo, env=hook_env)
    assert res.code == 1
    advice = [l for l in res.out.splitlines() if l.startswith("seedsift check:")]
    assert any("`pre-commit run --hook-stage manual seedsift-fix --files seeds/new.txt`" in l for l in advice), advice
    assert any("`pre-commit run --hook-stage manual seedsift-accept --files seeds/new.txt`" in l for l in advice)
    assert any("SKIP=seedsift-check git commit" in l for l in advice)
    assert "`seedsift check" not in res.out  # not on the committer's PATH
    bin_dir = repo / "bin"
    bin_dir.mkdir()
    (bin_dir / "seedsift").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "seedsift").chmod(0o755)
    res = invoke("check", "seeds/new.txt", "--no-duplicates", cwd=repo,
                 env={**hook_env, "PATH": f"{hook_env['PATH']}{os.pathsep}{bin_dir}"})
    assert "`seedsift check --fix seeds/new.txt`" in res.out and "seedsift-fix" in res.out
    res = invoke("check", "seeds/new.txt", "--no-duplicates", cwd=repo, env={"PRE_COMMIT": None})
    assert "`seedsift check --fix seeds/new.txt`" in res.out and "pre-commit run" not in res.out


def test_hooks_file_offers_fix_and_accept_hooks():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", text, re.M)
    assert ids == ["seedsift-check", "seedsift-fix", "seedsift-accept"]
    accept = text.split("- id: seedsift-accept")[1]
    assert "entry: seedsift check --accept" in accept and "stages: [manual]" in accept


# --------------------------------------------------------------------------- dry run, formats, stdin and stdout


def test_dry_run_prints_what_would_change_and_writes_nothing(repo, tmp_path):
    out = tmp_path / "o"
    res = invoke("run", repo / "seeds", "--out", out, "--dry-run")
    assert res.code == 0, res
    assert not out.exists()
    head = next(l for l in res.out.splitlines() if l.startswith("dry run"))
    assert re.fullmatch(rf"dry run, nothing written: {re.escape(str(out))}/ would get (\d+) new, 0 changed and 0 removed files",
                        head), head
    assert "seedsift: open" not in res.err
    listed = json.loads(invoke("run", repo / "seeds", "--out", out, "--dry-run", "--json").out)["dry_run"]
    assert "report.html" in listed["new"] and f"cleaned/{SOURCE}" in listed["new"] and not out.exists()
    assert invoke("run", repo / "seeds", "--out", out, "-q").code == 0
    before = tree(out)
    page = repo / "seeds" / SOURCE
    page.write_text(page.read_text(encoding="utf-8") + "\n补充说明,本文有删节。\n", encoding="utf-8")
    res = invoke("run", repo / "seeds", "--out", out, "--dry-run", "--json")
    assert res.code == 0, res
    changes = json.loads(res.out)["dry_run"]
    assert changes["new"] == [] and changes["removed"] == []
    assert "repairs.jsonl" in changes["changed"] and f"diffs/clean/{SOURCE}.diff" in changes["changed"]
    assert tree(out) == before


def test_check_fix_dry_run_prints_the_diff_and_leaves_the_file(repo):
    page = repo / "seeds" / "new.txt"
    damaged = CLEAN.replace("，", ",", 1)
    page.write_text(damaged, encoding="utf-8")
    res = invoke("check", "--fix", "--dry-run", "seeds/new.txt", "--no-duplicates", cwd=repo)
    assert res.code == 1
    assert "-今年前十个月,沿海" in res.out and "+今年前十个月，沿海" in res.out and "+++ b/seeds/new.txt" in res.out
    assert "seedsift check: dry run, nothing written: 1 file(s) would be fixed (diff above)" in res.out
    assert page.read_text(encoding="utf-8") == damaged


def test_gzipped_jsonl_in_gives_gzipped_jsonl_out_and_the_report_reads_it(tmp_path):
    import gzip

    recs = [{"id": "a", "text": "会议指出,要加强服务。", "src": "报"}, {"id": "b", "text": CLEAN}]
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()))
    res = invoke("run", src, "--out", tmp_path / "o", "-q")
    assert res.code == 0, res
    assert not (tmp_path / "o" / "cleaned.jsonl").exists()
    out = [json.loads(l) for l in gzip.decompress((tmp_path / "o" / "cleaned.jsonl.gz").read_bytes()).decode().splitlines()]
    assert out[0] == {"id": "a", "text": "会议指出，要加强服务。", "src": "报"}
    dedup = gzip.decompress((tmp_path / "o" / "dedup.jsonl.gz").read_bytes()).decode()
    assert "会议指出，要加强服务。" in dedup
    from seedsift.pipeline.rundir import load_run

    run = load_run(tmp_path / "o")  # what report, apply and restore read
    assert run.cleaned["a"] == "会议指出，要加强服务。" and run.has_dedupe
    assert invoke("report", tmp_path / "o", "-q").code == 0


def test_format_jsonl_writes_text_input_as_records(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("会议指出,要加强服务。\n", encoding="utf-8")
    res = invoke("clean", src, "--out", tmp_path / "o", "--format", "jsonl", "-q")
    assert res.code == 0, res
    assert not (tmp_path / "o" / "cleaned").exists()
    recs = [json.loads(l) for l in (tmp_path / "o" / "cleaned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert recs == [{"id": "a.txt", "text": "会议指出，要加强服务。\n"}]
    kinds = {json.loads(l)["kind"] for l in (tmp_path / "o" / "repairs.jsonl").read_text(encoding="utf-8").splitlines()}
    assert "punctuation" in kinds  # every change still recorded


def test_dash_reads_jsonl_from_stdin_and_writes_records_to_stdout(tmp_path):
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in
                    [{"id": 1, "text": "会议指出,要加强服务。", "lang": "zh"}, {"id": 2, "text": CLEAN}])
    res = invoke("clean", "-", "--out", "-", stdin=lines.encode("utf-8"))
    assert res.code == 0, res
    recs = [json.loads(l) for l in res.out.splitlines()]
    assert recs == [{"id": 1, "text": "会议指出，要加强服务。", "lang": "zh"}, {"id": 2, "text": CLEAN}]
    assert "clean: 2 documents" in res.err and "repairs.jsonl and diffs were not written" in res.err
    res = invoke("clean", "-", "--out", tmp_path / "o", "-q", stdin=b'{"id": 1, "text": "ok"}\nnot json\n')
    assert res.code == 1 and "<stdin>:2: not valid JSON" in res.err
    res = invoke("dedupe", "-", "--out", "-", "-q", stdin=(lines + lines.replace('"id": 1', '"id": 3')
                                                          .replace('"id": 2', '"id": 4')).encode())
    assert res.code == 0, res
    assert [json.loads(l)["id"] for l in res.out.splitlines()] == [1, 2]
    res = invoke("clean", SEEDS, "--out", "-")
    assert res.code == 2 and "--format jsonl" in res.err


def test_no_stale_progress_bar_after_an_interrupt(tmp_path):
    """Ctrl-C in the middle of a run at a terminal: the bars are cleared, the last line is the message."""
    import pty
    import select
    import signal
    import time

    sys.path.insert(0, str(Path(__file__).parent))
    from realtext import pd_articles

    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(pd_articles()):
        (src / f"{i:04}.txt").write_text(text, encoding="utf-8")
    import fcntl
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: seedsift with stderr on a 100-column pseudo-terminal
        fcntl.ioctl(2, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execv(sys.executable, [sys.executable, "-m", "seedsift", "run", str(src), "--out", str(tmp_path / "o")])
    buf = b""
    deadline = time.time() + 120
    drawn = re.compile(rb"clean:\s+\d+%\|")  # the cleaning bar is on screen
    while time.time() < deadline and not drawn.search(buf):
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
    assert drawn.search(buf), buf[-500:]
    os.kill(pid, signal.SIGINT)
    while True:
        try:
            r, _, _ = select.select([fd], [], [], 5)
            if not r:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
        except OSError:
            break
    os.waitpid(pid, 0)
    screen = buf.decode("utf-8", "replace")
    assert "it/s" not in screen and "doc/s" in screen  # one unit: documents
    tail = screen.rsplit("interrupted", 1)
    assert len(tail) == 2, screen[-500:]
    last_bar = max(screen.rfind("doc/s"), screen.rfind("doc]"))
    cleared = screen.rfind("\r", 0, screen.index("seedsift: interrupted"))
    assert last_bar < cleared or last_bar == -1, screen[-800:]


def test_command_modules_do_not_import_cli():
    """cli/app.py adds the commands of cli/check.py and cli/review.py; they share cli/options.py, never app
    (no import circle; tests/test_layering.py checks every circle)."""
    import ast

    for name in ("check", "review", "options"):
        tree_ = ast.parse((ROOT / "seedsift" / "cli" / f"{name}.py").read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree_) if isinstance(n, ast.ImportFrom)}
        imported |= {f"{n.module}.{a.name}" for n in ast.walk(tree_) if isinstance(n, ast.ImportFrom) for a in n.names}
        imported |= {a.name for n in ast.walk(tree_) if isinstance(n, ast.Import) for a in n.names}
        assert "seedsift.cli.app" not in imported and "seedsift.cli" not in imported, (name, imported)


def test_main_returns_the_exit_code_and_usage_errors_are_2():
    assert invoke("--version").code == 0
    assert invoke("clean").code == 2  # missing INPUT
    assert invoke("nonsense").code == 2


def test_bars_are_cleared_before_the_interrupt_message(monkeypatch):
    """A bar drawn an instant before Ctrl-C, which no unwinding closed, is cleared before
    'seedsift: interrupted' is written, so the message never shares the bar's line."""
    import click

    from seedsift.cli import app, options

    live_when_written = []

    def interrupted_command(*args, **kwargs):
        options.Ui().bar("clean", 10)
        raise KeyboardInterrupt

    def echo(message=None, *args, **kwargs):
        live_when_written.append((message, len(options._LIVE_BARS)))

    monkeypatch.setattr(app.cli, "main", interrupted_command)
    monkeypatch.setattr(click, "echo", echo)
    assert app.main(["run"]) in app.INTERRUPT_CODES
    assert live_when_written == [("seedsift: interrupted; previous outputs left as they were", 0)]
