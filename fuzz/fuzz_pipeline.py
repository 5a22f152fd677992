#!/usr/bin/env python3
"""Fuzz the whole seedsift pipeline with generated hostile inputs.

Deterministic: input ``i`` of seed ``S`` is always the same bytes, so any
failure is reproduced with ``--seed S --only i``. Every input is one of

    random_bytes, mixed_encodings, mixed_scripts, huge_line, deep_headings,
    only_punctuation, only_whitespace, controls, html_injection, newsprint

and goes, in process (fast), through

* ``cleaners.decode`` (a ``DecodeError`` is a clear error, anything else a crash),
* ``seedsift.pipeline.corpus.check_text`` (an ``InputError`` is a clear error),
* ``cleaners.clean`` with every invariant checked: applied repairs index the
  input, are sorted and disjoint, ``apply_repairs`` replays them exactly, and a
  second ``clean`` applies nothing (idempotence),
* ``seedsift.check.findings.clean_findings`` + ``format_finding`` (the pre-commit check's
  per-file work),

and, batched with near-duplicate copies of each other, through
``dedupe.find_duplicates`` (clusters cover every id, spans lie inside their
texts, removed spans are disjoint), ``build_dedup_output`` + ``restore``
(reconstructs the dedupe input byte for byte), the pipeline stages writing a
run directory, ``seedsift.review.model.write_report`` (corpus text must come out
escaped) and, for every 8th batch, ``seedsift.check.findings.check_files`` against the
batch directory.

A sample (``--cli-sample``, default 300 inputs) is also written to directories
of 30 files (plus one JSONL file of records each) and run through the real
commands ``seedsift clean``, ``dedupe``, ``run``, ``report`` and ``check``.
A CLI crash is a traceback, an exit code other than 0/1/2, a failure exit
without a ``seedsift:`` line on stderr (``check`` prints its findings on
stdout), a left-over staging directory, or a timeout.

Prints ``N inputs, K crashes`` and exits 1 when K > 0.

    .venv/bin/python fuzz/fuzz_pipeline.py --count 10000 --seed 1
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedsift import cleaners  # noqa: E402
from seedsift.cleaners import CleanConfig, DecodeError  # noqa: E402
from seedsift.dedupe import DedupeConfig, find_duplicates  # noqa: E402
from seedsift.errors import InputError  # noqa: E402
from seedsift.pipeline import stages as pipeline  # noqa: E402
from seedsift.pipeline.corpus import MAX_LINE_CHARS, Doc, check_text  # noqa: E402
from seedsift.reports.dedup_output import build_dedup_output, restore  # noqa: E402

BATCH = 12
KINDS = {
    "random_bytes": 12, "mixed_encodings": 12, "mixed_scripts": 12, "huge_line": 3, "deep_headings": 10,
    "only_punctuation": 8, "only_whitespace": 8, "controls": 6, "html_injection": 6, "newsprint": 23,
}
HTML_PROBES = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<!--", "]]>", "{{ 7*7 }}",
               "{% raw %}", "\u2028\u2029", "</textarea>", "&lt;b&gt;", "'\"`"]
PUNCT = "，。、；：？！“”‘’（）《》【】…—·,.;:?!()[]{}<>\"'-~/\\|@#$%^&*_+=`　"
WS = [" ", "\t", "\n", "\r\n", "\r", "\u3000", "\xa0", "\u200b", "\ufeff", "\v", "\f", "\u2028", "\n\n\n"]
SCRIPT_SAMPLES = [
    "今天天气很好，我们去公园散步。", "今天天氣很好，我們去公園散步。", "The quick brown fox.", "Привет, мир.",
    "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "こんにちは世界、カタカナ。", "안녕하세요 세계", "สวัสดีชาวโลก",
    "👨‍👩‍👧‍👦🇨🇳🀄", "e\u0301\u0301\u0301", "\u202eRTL override\u202c", "𠀀𠀁𪚥𩸽", "ＡＢＣ１２３", "①②③㈠㈡",
    "〔上接第1版〕", "（下转第二版）", "广告", "本报记者 张三 摄", "Ω≈ç√∫", "\u0000", "\ufffd",
]


def _seed_lines() -> list[str]:
    lines = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        lines += [ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines or ["全国总工会今天召开会议，部署今年的职工服务工作。"]


SEED_LINES = _seed_lines()


def _chinese(rng: random.Random, n_lines: int) -> str:
    start = rng.randrange(len(SEED_LINES))
    return "\n".join(SEED_LINES[(start + k) % len(SEED_LINES)] for k in range(n_lines))


def _damage(rng: random.Random, text: str) -> str:
    """Newspaper damage: broken paragraphs, doubled characters, ASCII punctuation, stray spaces, headings."""
    chars = list(text)
    for _ in range(rng.randint(0, 12)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.randrange(7)
        if op == 0:
            chars.insert(i, "\n\n")
        elif op == 1:
            chars.insert(i, chars[i] * rng.randint(1, 3))
        elif op == 2:
            chars[i] = rng.choice(",.;:!?()~")
        elif op == 3:
            chars.insert(i, rng.choice(["  ", "\u3000", "\t", " \n"]))
        elif op == 4:
            chars.insert(i, "\n\n" + "#" * rng.randint(1, 6) + " " + _chinese(rng, 1)[:12] + "\n\n")
        elif op == 5:
            chars.insert(i, rng.choice(["（上接第1版）", "广告", "本报记者 王五 摄", "(下转第3版)"]))
        else:
            del chars[i : i + rng.randint(1, 5)]
    return "".join(chars)


def _encode(rng: random.Random, text: str) -> bytes:
    enc = rng.choice(["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "big5hkscs", "utf-16", "utf-16-le", "utf-16-be",
                      "utf-32", "latin-1", "cp1252", "shift_jis", "euc-kr"])
    data = text.encode(enc, errors="replace")
    if enc in ("utf-16-le", "utf-16-be") and rng.random() < 0.5:
        data = (codecs.BOM_UTF16_LE if enc.endswith("le") else codecs.BOM_UTF16_BE) + data
    return data


def generate(seed: int, i: int) -> tuple[str, bytes]:
    """Input ``i`` of ``seed``: (kind, bytes). Pure function of its arguments."""
    rng = random.Random(seed * 1_000_003 + i)
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    if kind == "random_bytes":
        n = rng.choice([0, 1, 2, 3, 7, 64, 512, 4096, rng.randint(0, 20000)])
        data = rng.randbytes(n)
        if rng.random() < 0.3 and data:  # printable-ish: high bytes only, no NUL (GB/Big5-shaped noise)
            data = bytes(b | 0x80 if b < 0x20 else b for b in data)
    elif kind == "mixed_encodings":
        parts = [_encode(rng, _damage(rng, _chinese(rng, rng.randint(1, 4)))) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            parts.insert(rng.randrange(len(parts) + 1), rng.randbytes(rng.randint(1, 8)))
        data = b"\n".join(parts)
    elif kind == "mixed_scripts":
        pieces = [rng.choice(SCRIPT_SAMPLES + [_chinese(rng, 1)]) for _ in range(rng.randint(1, 30))]
        data = rng.choice(["", " ", "\n", "\n\n", "，"]).join(pieces).encode("utf-8")
    elif kind == "huge_line":
        # mostly just under the line limit's reach of the fuzzer budget; sometimes over it (must be refused)
        # the cleaner runs at roughly 20-100k characters a second on such text, so the lines stay
        # modest here (the 50 MB line goes through the CLI in tests/test_hostile.py); a few are
        # over MAX_LINE_CHARS and must be refused
        n = rng.choice([5_000, 20_000, 50_000, 100_000, MAX_LINE_CHARS + 10])
        unit = rng.choice(["字", "中文，", "a", "新闻报道。", "x" * 7 + "。"] + ([_chinese(rng, 1)] if n <= 20_000 else []))
        data = (unit * (n // len(unit) + 1))[:n].encode("utf-8")
        if rng.random() < 0.5:
            data = _chinese(rng, 2).encode() + b"\n" + data + b"\n" + _chinese(rng, 2).encode()
    elif kind == "deep_headings":
        depth = rng.choice([3, 10, 50, 200, 1000])
        out = []
        for d in range(rng.randint(1, 60)):
            level = min(1 + d % depth, depth)
            out.append(rng.choice(["#" * level + " ", "> " * level, "  " * level + "- ", "#" * level, ""]) + _chinese(rng, 1)[: rng.randint(0, 30)])
            if rng.random() < 0.5:
                out.append(_damage(rng, _chinese(rng, 1)))
            out.append(rng.choice(["", "", "\n"]))
        data = "\n".join(out).encode("utf-8")
    elif kind == "only_punctuation":
        data = "".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 3000))).encode(rng.choice(["utf-8", "gb18030", "utf-16"]))
    elif kind == "only_whitespace":
        data = "".join(rng.choice(WS) for _ in range(rng.randint(0, 2000))).encode(rng.choice(["utf-8", "utf-16"]))
    elif kind == "controls":
        text = _chinese(rng, rng.randint(1, 5))
        cs = [chr(c) for c in list(range(0, 32)) + list(range(0x7F, 0xA0))] + ["\ufffe", "\uffff", "\U0010ffff"]
        chars = list(text)
        for _ in range(rng.randint(1, 40)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(cs))
        data = "".join(chars).encode(rng.choice(["utf-8", "utf-16"]))
    elif kind == "html_injection":
        text = _chinese(rng, rng.randint(1, 4))
        for _ in range(rng.randint(1, 5)):
            k = rng.randrange(len(text) + 1)
            text = text[:k] + rng.choice(HTML_PROBES) + text[k:]
        data = text.encode("utf-8")
    else:  # newsprint
        text = _damage(rng, _chinese(rng, rng.randint(1, 25)))
        data = text.encode("utf-8") if rng.random() < 0.8 else _encode(rng, text)
    return kind, data


# ------------------------------------------------------------------ in-process checks


class Failure(Exception):
    """An invariant does not hold (counted as a crash)."""


def _one_line(msg: str) -> bool:
    return bool(msg.strip()) and "\n" not in msg


def check_clean(text: str, cfg: CleanConfig) -> str:
    res = cleaners.clean(text, cfg)
    pos = 0
    for r in res.repairs:
        if not (0 <= r.start <= r.end <= len(text)):
            raise Failure(f"repair {r.kind} [{r.start}:{r.end}] outside the text of {len(text)} chars")
        if r.applied:
            if r.start < pos:
                raise Failure(f"applied repairs overlap or are unsorted at {r.start}")
            if text[r.start:r.end] != r.before:
                raise Failure(f"repair {r.kind} at {r.start}: before={r.before!r} but text has {text[r.start:r.end]!r}")
            pos = r.end
    if cleaners.apply_repairs(text, res.repairs) != res.text:
        raise Failure("apply_repairs(text, repairs) != clean(text).text")
    again = cleaners.clean(res.text, cfg)
    if any(r.applied for r in again.repairs):
        bad = next(r for r in again.repairs if r.applied)
        raise Failure(f"not idempotent: second clean applies {bad.kind} {bad.before!r}->{bad.after!r}")
    return res.text


def check_input(kind: str, data: bytes, cfg: CleanConfig) -> tuple[str, str | None]:
    """(outcome, text to dedupe or None). Raises on a crash or an invariant failure."""
    from seedsift.check.findings import clean_findings, format_finding

    try:
        text = cleaners.decode(data).text
    except DecodeError as err:
        if not _one_line(str(err)):
            raise Failure(f"DecodeError message is not one line: {str(err)!r}") from None
        return "refused:decode", None
    if max(map(len, text.splitlines()), default=0) > MAX_LINE_CHARS:
        try:
            check_text(text, "fuzz")
        except InputError:
            return "refused:huge-line", None
        raise Failure("a line over MAX_LINE_CHARS passed check_text")
    cleaned = check_clean(text, cfg)  # the library must take any str, even one the app refuses
    if len(text) > 50_000:
        outcome = _gate(text)
        return outcome, cleaned if outcome == "ok" else None
    findings, _ = clean_findings("fuzz.txt", Path("fuzz.txt"), text, cfg, None, fix=False)
    for f in findings:
        if "\n" in format_finding(f):
            raise Failure(f"check finding is not one line: {format_finding(f)!r}")
    outcome = _gate(text)
    return outcome, cleaned if outcome == "ok" else None


def _gate(text: str) -> str:
    """What the app does with a decoded text: accept it or refuse it with a one-line InputError."""
    try:
        check_text(text, "fuzz")
    except InputError as err:
        if not _one_line(str(err)):
            raise Failure(f"InputError message is not one line: {str(err)!r}") from None
        return "refused:" + err.message.split(" ")[0]
    return "ok"


def _variants(rng: random.Random, texts: list[str]) -> list[str]:
    """Near-duplicate copies, so dedupe has clusters and passages to find."""
    out = []
    for t in texts:
        r = rng.random()
        if r < 0.25:
            out.append(t)
        elif r < 0.45:
            out.append(t.replace("，", ",").replace("。", "."))
        elif r < 0.6 and len(t) > 40:
            k = len(t) // 2
            out.append(_chinese(rng, 2) + "\n\n" + t[k:] + "\n\n" + t[:k])
    return out


def check_dedupe_report(batch_dir: Path, texts: list[str], cfg: CleanConfig, with_check: bool) -> None:
    from seedsift.pipeline import atomic, rundir
    from seedsift.review.model import write_report

    docs = [Doc(id=f"f{k:03d}.txt", text=t, source=f"f{k:03d}.txt", rel=f"f{k:03d}.txt") for k, t in enumerate(texts)]
    pairs = [(d.id, d.text) for d in docs]
    result = find_duplicates(pairs, DedupeConfig())
    if set(result.clusters) != {d.id for d in docs}:
        raise Failure("clusters do not cover every document id")
    lengths = dict((d.id, len(d.text)) for d in docs)
    removed: dict[str, list[tuple[int, int]]] = {}
    for s in result.spans:
        if not (0 <= s.start < s.end <= lengths[s.doc_id] and 0 <= s.src_start < s.src_end <= lengths[s.src_doc_id]):
            raise Failure(f"span outside its text: {s}")
        if s.action == "removed":
            removed.setdefault(s.doc_id, []).append((s.start, s.end))
    for doc_id, iv in removed.items():
        iv.sort()
        if any(a[1] > b[0] for a, b in zip(iv, iv[1:])):
            raise Failure(f"removed spans overlap in {doc_id}")
    built = build_dedup_output(pairs, result.clusters, result.doc_matches, result.spans)
    if restore(built.texts, built.manifest) != dict(pairs):
        raise Failure("restore(dedup output, manifest) != dedupe input")
    # the pipeline stages and the report, as `seedsift run` writes them
    out = batch_dir / "out"
    with atomic.staged_directory(out, keep_existing=False) as stage:
        rundir.write_doc_index(stage, docs)
        cleaned, _ = pipeline.clean_stage(stage, docs, cfg)
        res2 = find_duplicates([(d.id, d.text) for d in cleaned], DedupeConfig())
        pipeline.dedupe_stage(stage, cleaned, res2)
        rundir.write_run_summary(stage, {"command": "fuzz"})
        write_report(stage)
    html = (out / "report.html").read_text(encoding="utf-8")
    for probe in HTML_PROBES[:3]:
        if probe in html and any(probe in t for t in texts):
            raise Failure(f"report.html contains corpus text {probe!r} unescaped")
    if with_check:
        from seedsift.check.findings import CheckOptions, check_files

        corpus = batch_dir / "corpus"
        corpus.mkdir()
        for d in docs[: len(docs) // 2]:
            (corpus / d.id).write_text(d.text, encoding="utf-8")
        new = []
        for d in docs[len(docs) // 2 :]:
            (batch_dir / d.id).write_text(d.text, encoding="utf-8")
            new.append(batch_dir / d.id)
        opts = CheckOptions(corpus=corpus, index_path=batch_dir / "index.sqlite", dedupe_config=DedupeConfig())
        report = check_files(new, opts, cwd=batch_dir, warn=lambda m: None)
        report.as_dict(False)


def run_batch(args: tuple[int, int, int]) -> dict:
    """Inputs [start, stop) of ``seed``: per-input checks, then the batch through dedupe/report/check."""
    seed, start, stop = args
    cfg = CleanConfig()
    outcomes: Counter = Counter()
    kinds: Counter = Counter()
    crashes: list[str] = []
    accepted: list[str] = []
    for i in range(start, stop):
        kind, data = generate(seed, i)
        kinds[kind] += 1
        try:
            outcome, text = check_input(kind, data, cfg)
        except Exception as err:  # noqa: BLE001 - this is what we count
            crashes.append(f"input {i} ({kind}): {type(err).__name__}: {err}\n{_tb(err)}")
            continue
        outcomes[outcome] += 1
        if text is not None:
            accepted.append(text)
    if accepted:
        rng = random.Random(seed * 7919 + start)
        texts = accepted + _variants(rng, accepted)
        try:
            with tempfile.TemporaryDirectory(prefix="seedsift-fuzz-") as tmp:
                check_dedupe_report(Path(tmp), texts, cfg, with_check=(start // BATCH) % 8 == 0)
        except Exception as err:  # noqa: BLE001
            crashes.append(f"batch {start}-{stop - 1}: {type(err).__name__}: {err}\n{_tb(err)}")
    return {"outcomes": outcomes, "kinds": kinds, "crashes": crashes}


def _tb(err: BaseException) -> str:
    return "".join(traceback.format_exception(type(err), err, err.__traceback__)[-4:])


# ------------------------------------------------------------------ CLI sample

#: JSONL lines a real export can hold ("ID" is replaced by a unique id).
JSONL_HOSTILE = [
    '{"id": "ID", "text": "会议\\ud800召开。"}', '{"id": "\\udc80ID", "text": "会议召开。"}',
    '{"id": "ID", "text": "会议", "x": ' + "[" * 5000 + "]" * 5000 + "}", '{"id": "ID", "text": "会议", "n": ' + "9" * 5000 + "}",
    '{"id": "ID"}', '{"id": "ID", "text": 5}', '{"id": "ID", "text": null}', '{"id": "ID", "text": ["会议"]}',
    '{"text": "没有编号的记录。"}', '{"id": true, "text": "布尔编号。"}', '["会议"]', "{id: 1}", "", "   ",
    '{"id": "dup", "text": "重复的编号。"}', '{"id": "ID", "text": "会议召开\u2028会议结束\u0085完。"}',
    '{"id": "ID", "text": "</script><script>alert(1)</script>会议召开。"}', '{"id": "ID", "text": "会\\u0000议"}',
    '{"id": "ID", "text": "  \\n\\t "}', '{"id": "ID", "text": "' + "字" * 3000 + '"}', "\ufeff" + '{"id": "ID", "text": "带字节序标记。"}',
]


def _cli(*args: object, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seedsift", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, errors="replace", timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _cli_problem(name: str, res: subprocess.CompletedProcess, stdout_findings: bool = False) -> str | None:
    if "Traceback (most recent call last)" in res.stderr:
        return f"{name}: traceback\n{res.stderr[-3000:]}"
    if res.returncode not in (0, 1, 2):
        return f"{name}: exit code {res.returncode}\n{res.stderr[-2000:]}"
    if res.returncode == 1 and not stdout_findings and not any(ln.startswith("seedsift:") for ln in res.stderr.splitlines()):
        return f"{name}: exit 1 without a 'seedsift:' line on stderr\n{res.stderr[-2000:]}"
    if res.returncode == 2 and not any(ln.startswith(("seedsift:", "Error:")) for ln in res.stderr.splitlines()):
        return f"{name}: exit 2 without an error line\n{res.stderr[-2000:]}"
    return None


def run_cli_sample(seed: int, indices: list[int], per_dir: int = 30, jobs: int = 2) -> tuple[int, list[str], Counter]:
    crashes: list[str] = []
    codes: Counter = Counter()
    groups = [indices[k : k + per_dir] for k in range(0, len(indices), per_dir)]
    with tempfile.TemporaryDirectory(prefix="seedsift-fuzz-cli-") as tmp, ThreadPoolExecutor(jobs) as pool:
        for c, k in pool.map(lambda a: _guarded_group(seed, Path(tmp), *a), enumerate(groups)):
            crashes += c
            codes.update(k)
        leftovers = [p.name for p in Path(tmp).iterdir() if ".staging-" in p.name or ".old-" in p.name]
        if leftovers:
            crashes.append(f"left-over staging directories: {leftovers}")
    return len(indices), crashes, codes


def _guarded_group(seed: int, tmp: Path, g: int, group: list[int]) -> tuple[list[str], Counter]:
    """A failure of the harness itself is reported as a crash too, never swallowed or fatal."""
    try:
        return _cli_group(seed, tmp, g, group)
    except Exception as err:  # noqa: BLE001
        return [f"CLI group {g} (inputs {group[0]}..{group[-1]}): {type(err).__name__}: {err}\n{_tb(err)}"], Counter()


def _restore_problem(run_dir: Path, restored: Path) -> str | None:
    """``seedsift restore`` must give back exactly the texts dedupe was given (run: the cleaned texts)."""
    cleaned = run_dir / "cleaned"
    for f in sorted(cleaned.rglob("*")) if cleaned.is_dir() else []:
        if f.is_file():
            back = restored / f.relative_to(cleaned)
            if not back.is_file() or back.read_bytes() != f.read_bytes():
                return f"{back} differs from {f}"
    if (run_dir / "cleaned.jsonl").exists():
        # split on "\n" only: seedsift writes U+2028 / U+0085 raw inside JSON strings
        a = [json.loads(x)["text"] for x in (run_dir / "cleaned.jsonl").read_text(encoding="utf-8").split("\n") if x]
        b = [json.loads(x)["text"] for x in (restored / "restored.jsonl").read_text(encoding="utf-8").split("\n") if x]
        if a != b:
            return "restored.jsonl texts differ from cleaned.jsonl"
    return None


def _cli_group(seed: int, tmp: Path, g: int, group: list[int]) -> tuple[list[str], Counter]:
    crashes: list[str] = []
    codes: Counter = Counter()
    src = tmp / f"in{g}"
    src.mkdir()
    records = []
    for k, i in enumerate(group):
        kind, data = generate(seed, i)
        if k % 5 == 0:  # every 5th input travels as a JSONL record (text decoded as the app would)
            try:
                records.append({"id": f"r{i}", "kind": kind, "text": cleaners.decode(data).text})
            except DecodeError:
                records.append({"id": f"r{i}", "kind": kind, "text": data.decode("latin-1")})
        else:
            (src / f"i{i:06d}_{kind}.txt").write_bytes(data)
    rng = random.Random(seed * 31 + g)
    hostile = [rng.choice(JSONL_HOSTILE).replace("ID", f"h{g}_{k}") for k in range(rng.randint(3, 12))]
    (src / "hostile.jsonl").write_text("\n".join(hostile) + "\n", encoding="utf-8")
    if records:
        (src / "records.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                          encoding="utf-8")
    runs = [
        ("clean", _cli("clean", src, "--out", tmp / f"clean{g}", "-q")),
        ("dedupe", _cli("dedupe", src, "--out", tmp / f"dedupe{g}", "-q", "-j", "1")),
        ("run", _cli("run", src, "--out", tmp / f"run{g}", "-q", "-j", "1")),
    ]
    if (tmp / f"run{g}" / "run.json").exists():
        runs.append(("report", _cli("report", tmp / f"run{g}")))
        runs.append(("restore", _cli("restore", tmp / f"run{g}", "--out", tmp / f"restored{g}")))
    files = sorted(src.glob("*.txt"))
    if files:
        res = _cli("check", *files, "--allow-flags", "--index", tmp / f"index{g}.sqlite",
                   "--baseline", tmp / f"baseline{g}.json")
        runs.append(("check", res))
    restored = tmp / f"restored{g}"
    if (restored / "run.json").exists():
        problem = _restore_problem(tmp / f"run{g}", restored)
        if problem:
            crashes.append(f"restore of {src}: {problem}")
    for name, res in runs:
        codes[(name, res.returncode)] += 1
        problem = _cli_problem(f"{name} on {src} (inputs {group[0]}..{group[-1]})", res,
                               stdout_findings=(name == "check"))
        if problem:
            crashes.append(problem)
    return crashes, codes


def _use_tmpfs() -> None:
    """Scratch directories on tmpfs when there is one: every seedsift write fsyncs, which on a
    disk costs more than the work itself (the code paths are the same)."""
    shm = Path("/dev/shm")
    if "TMPDIR" not in os.environ and shm.is_dir() and os.access(shm, os.W_OK):
        os.environ["TMPDIR"] = str(shm)
        tempfile.tempdir = str(shm)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000, help="generated inputs (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cli-sample", type=int, default=300, help="inputs also run through the real CLI (default 300)")
    ap.add_argument("--only", type=int, default=None, help="run input ONLY alone (to reproduce a failure)")
    ap.add_argument("--show", action="store_true", help="with --only: print the input's kind and bytes")
    args = ap.parse_args(argv)
    _use_tmpfs()
    t0 = time.time()
    if args.only is not None:
        kind, data = generate(args.seed, args.only)
        if args.show:
            print(kind, repr(data[:2000]))
        res = run_batch((args.seed, args.only, args.only + 1))
        print(dict(res["outcomes"]))
        for c in res["crashes"]:
            print(c)
        return 1 if res["crashes"] else 0
    chunks = [(args.seed, s, min(s + BATCH, args.count)) for s in range(0, args.count, BATCH)]
    outcomes: Counter = Counter()
    kinds: Counter = Counter()
    crashes: list[str] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for k, res in enumerate(pool.map(run_batch, chunks, chunksize=4)):
            outcomes.update(res["outcomes"])
            kinds.update(res["kinds"])
            crashes += res["crashes"]
            if (k + 1) % 100 == 0:
                print(f"  {min((k + 1) * BATCH, args.count)} inputs, {len(crashes)} crashes, {time.time() - t0:.0f} s",
                      file=sys.stderr, flush=True)
    t_lib = time.time() - t0
    n_cli, cli_crashes, codes = 0, [], Counter()
    if args.cli_sample:
        step = max(1, args.count // args.cli_sample)
        n_cli, cli_crashes, codes = run_cli_sample(args.seed, list(range(0, args.count, step))[: args.cli_sample], jobs=args.jobs)
    for c in crashes + cli_crashes:
        print("CRASH:", c, file=sys.stderr)
    total = len(crashes) + len(cli_crashes)
    print(f"kinds: {dict(sorted(kinds.items()))}")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    if args.cli_sample:
        print(f"cli exit codes: {dict(sorted((f'{n}={c}', k) for (n, c), k in codes.items()))}")
    print(f"library: {args.count} inputs in {t_lib:.0f} s; cli: {n_cli} inputs in {time.time() - t0 - t_lib:.0f} s")
    import resource

    cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    print(f"{args.count} inputs, {total} crashes (seed {args.seed}, {time.time() - t0:.0f} s wall, {cpu:.0f} s CPU, "
          f"{args.jobs} jobs)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
