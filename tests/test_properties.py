"""Properties of the whole pipeline (hypothesis): seedsift never loses text and never changes it silently.

- cleaning is idempotent, for every option combination;
- applied repairs index the input, are sorted and disjoint, and replay exactly
  (in memory and as written to repairs.jsonl);
- the deduplicated corpus plus the manifest reconstruct the dedupe input byte
  for byte, whatever the reviewer decided, in memory and on disk
  (``seedsift restore``);
- dedupe results do not depend on input order beyond the documented keep
  policy (the partition into clusters is the same; the kept copy is the first,
  or the longest, member);
- the report escapes whatever text and ids it is given.

Example counts are modest so the suite stays fast; fuzz/fuzz_pipeline.py runs
the same invariants over 10,000 generated inputs.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from synth import common_chars

from seedsift import cleaners
from seedsift.cleaners import CleanConfig, Repair
from seedsift.dedupe import DedupeConfig, find_duplicates
from seedsift.pipeline import rundir
from seedsift.pipeline import stages as pipeline
from seedsift.pipeline.corpus import Doc
from seedsift.pipeline.rundir import load_run
from seedsift.reports.dedup_output import KEEP, REMOVE, build_dedup_output, document_key, restore, span_key
from seedsift.review.model import write_report
from seedsift.review.restore import restore_dir

ROOT = Path(__file__).resolve().parent.parent
SEED_LINES = [l for p in sorted((ROOT / "seeds").glob("*.txt"))
              for l in p.read_text(encoding="utf-8").splitlines() if l.strip()][:400]
CHARS = common_chars()[:300] + "，。、；：？！“”（）《》—…·,.;:?!()~ \t\u3000\n\n#0123456789abcXYZ"
HOSTILE = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!--", "-->", "]]>",
           "{{ d }}", "{% if %}", "\u2028", "\u2029", "&amp;", "\"'`", "</style>", "<svg/onload=alert(1)>",
           "\\u003c/script>", "\ufeff", "\u200b", "\x1b[31m"]
FRAGMENTS = ["\n\n", "\n", "  ", "\u3000", "# ", "## ", "### 标题\n", ",", ".", ";", ":", "!", "?", "(", ")",
             "（上接第1版）", "广告", "本报记者 张三 摄", "的的", "坚定不移不移", "\r\n", "\t"]

TEMPLATE = (ROOT / "reports" / "templates" / "report.html.j2").read_text(encoding="utf-8")
#: SEEDSIFT_PROPERTY_EXAMPLES=2000 runs the same properties at scale (the suite default keeps it fast).
_SCALE = int(os.environ.get("SEEDSIFT_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=_SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=max(1, _SCALE * 5 // 12), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def page_text(draw, hostile: bool = False) -> str:
    """Newspaper-like text with the damage the cleaner repairs: seed lines, random chars, broken breaks."""
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(SEED_LINES),
        st.text(alphabet=CHARS, max_size=60),
        st.sampled_from(FRAGMENTS),
        *( [st.sampled_from(HOSTILE)] if hostile else [] ),
    ), max_size=25))
    return "".join(pieces)


configs = st.builds(CleanConfig, fix_whitespace=st.booleans(), join_paragraphs=st.booleans(),
                    fix_stutters=st.booleans(), fix_punctuation=st.booleans(),
                    script=st.sampled_from(["keep", "keep", "simplified", "traditional", "taiwan"]),
                    drop_boilerplate=st.booleans())


# ------------------------------------------------------------------ cleaning


@SETTINGS
@given(page_text(), configs)
def test_cleaning_is_idempotent(text, cfg):
    once = cleaners.clean(text, cfg)
    twice = cleaners.clean(once.text, cfg)
    assert [r for r in twice.repairs if r.applied] == []
    assert twice.text == once.text


@SETTINGS
@given(page_text(hostile=True), configs)
def test_applied_repairs_replay_exactly(text, cfg):
    res = cleaners.clean(text, cfg)
    pos = 0
    for r in res.repairs:
        assert 0 <= r.start <= r.end <= len(text)
        if r.applied:
            assert r.start >= pos, "applied repairs are sorted and never overlap"
            assert text[r.start:r.end] == r.before
            pos = r.end
        assert isinstance(r.reason, str) and r.reason
    assert cleaners.apply_repairs(text, res.repairs) == res.text
    # without any applied repair the text is untouched: nothing changes silently
    if not any(r.applied for r in res.repairs):
        assert res.text == text


@pytest.mark.slow  # a full run directory per example: ~6 s
@FEW
@given(st.lists(page_text(), min_size=1, max_size=4), configs)
def test_repairs_jsonl_replays_the_cleaned_files_exactly(texts, cfg):
    texts = [t for t in texts if t.strip()]
    assume(texts)
    docs = [Doc(id=f"p{i}.txt", text=t, source=f"p{i}.txt", rel=f"p{i}.txt") for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        pipeline.clean_stage(out, docs, cfg)
        records = [json.loads(l) for l in (out / "repairs.jsonl").read_text(encoding="utf-8").splitlines()]
        for d in docs:
            reps = [Repair(r["kind"], r["start"], r["end"], r["before"], r["after"], r["applied"], r["reason"], r["line"])
                    for r in records if r["doc"] == d.id]
            written = (out / "cleaned" / d.rel).read_bytes().decode("utf-8")
            assert cleaners.apply_repairs(d.text, reps) == written


# ------------------------------------------------------------------ dedupe output + manifest == input


@st.composite
def corpora(draw, min_docs: int = 1):
    """Documents that copy, embed and repeat each other (with punctuation width flipped), unique ids."""
    bases = draw(st.lists(st.text(alphabet=CHARS, min_size=40, max_size=400) | st.sampled_from(SEED_LINES),
                          min_size=1, max_size=4))
    docs = []
    for n in range(draw(st.integers(min_docs, 7))):
        b = draw(st.sampled_from(bases))
        kind = draw(st.sampled_from(["base", "copy", "flip", "embed", "repeat"]))
        if kind == "flip":
            b = b.replace("，", ",").replace("。", ".")
        elif kind == "embed":
            other = draw(st.sampled_from(bases))
            b = other[: len(other) // 2] + "\n\n" + b + "\n\n" + other[len(other) // 2:]
        elif kind == "repeat":
            b = b + "\n\n" + draw(st.text(alphabet=CHARS, max_size=80)) + "\n\n" + b
        docs.append((f"d{n}", b))
    return docs


@SETTINGS
@given(corpora(), st.data())
def test_dedup_output_plus_manifest_reconstructs_the_input(docs, data):
    res = find_duplicates(docs, DedupeConfig())
    keys = [span_key(s) for s in res.spans] + [document_key(d) for d, k in res.clusters.items() if k != d]
    decisions = {k: data.draw(st.sampled_from([REMOVE, KEEP])) for k in keys if data.draw(st.booleans())}
    built = build_dedup_output(docs, res.clusters, res.doc_matches, res.spans, decisions)
    assert restore(built.texts, built.manifest) == dict(docs)
    assert built.removed_chars == sum(len(t) for t in dict(docs).values()) - sum(len(t) for t in built.texts.values())
    for m in built.manifest:  # every removed character is accounted for where it was
        src = dict(docs)[m.doc_id]
        assert src[m.start:m.end] == m.text


@FEW
@given(corpora(min_docs=2), st.booleans())
def test_restore_on_disk_gives_back_the_dedupe_input_byte_for_byte(docs, as_jsonl):
    """What `seedsift dedupe` writes (dedup/ + manifest.jsonl), `seedsift restore` turns back into the input."""
    if as_jsonl:
        corpus = [Doc(id=i, text=t, source=f"r.jsonl:{n}", record={"id": i, "text": t, "n": n}, jsonl="r.jsonl")
                  for n, (i, t) in enumerate(docs)]
    else:
        corpus = [Doc(id=f"{i}.txt", text=t, source=f"{i}.txt", rel=f"sub/{i}.txt") for i, t in docs]
    res = find_duplicates([(d.id, d.text) for d in corpus], DedupeConfig())
    with tempfile.TemporaryDirectory() as tmp:
        run, back = Path(tmp) / "run", Path(tmp) / "back"
        run.mkdir()
        rundir.write_doc_index(run, corpus)
        pipeline.dedupe_stage(run, corpus, res)
        rundir.write_run_summary(run, {"command": "dedupe"})
        assert load_run(run).dedupe_input() == {d.id: d.text for d in corpus}
        restore_dir(run, back)
        if as_jsonl:
            recs = [json.loads(l) for l in (back / "restored.jsonl").read_text(encoding="utf-8").splitlines()]
            assert recs == [d.record for d in corpus]
        else:
            for d in corpus:
                assert (back / d.rel).read_bytes() == d.text.encode("utf-8")


# ------------------------------------------------------------------ order independence


def _partition(clusters: dict[str, str]) -> set[frozenset]:
    groups: dict[str, set] = {}
    for doc, keeper in clusters.items():
        groups.setdefault(keeper, set()).add(doc)
    return {frozenset(g) for g in groups.values()}


@SETTINGS
@given(corpora(min_docs=2), st.randoms(use_true_random=False), st.sampled_from(["first", "longest"]))
def test_results_do_not_depend_on_input_order_beyond_the_keep_policy(docs, rnd, keep):
    cfg = DedupeConfig(keep=keep)
    shuffled = docs[:]
    rnd.shuffle(shuffled)
    a, b = find_duplicates(docs, cfg), find_duplicates(shuffled, cfg)
    assert _partition(a.clusters) == _partition(b.clusters)
    for order, res in ((docs, a), (shuffled, b)):
        pos = {d: n for n, (d, _) in enumerate(order)}
        length = dict(order)
        for group in _partition(res.clusters):
            keeper = {res.clusters[d] for d in group}
            assert len(keeper) == 1
            keeper = keeper.pop()
            if keep == "first":
                assert keeper == min(group, key=pos.get)
            else:
                assert keeper == min(group, key=lambda d: (-len(length[d]), pos[d]))
    # and the same input gives the same result, run after run
    again = find_duplicates(docs, cfg)
    assert again.clusters == a.clusters and again.spans == a.spans


# ------------------------------------------------------------------ the report escapes everything


def _data_block(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert m, "report data block missing"
    return json.loads(m.group(1))


@pytest.mark.slow  # a run and a report page per example: ~5 s
@FEW
@given(st.lists(st.tuples(st.text(alphabet=CHARS + "<>&\"'/", max_size=12) | st.sampled_from(HOSTILE), page_text(hostile=True)),
                min_size=1, max_size=4, unique_by=lambda t: t[0]))
def test_report_escapes_whatever_text_and_ids_it_is_given(records):
    records = [(i, t if t.strip() else "空") for i, t in records]
    # duplicate the first document so the report has pairs (and their texts) to show
    records.append(("copy:" + records[0][0], records[0][1] + "\n" + HOSTILE[0]))
    docs = [Doc(id=i, text=t, source=f"r.jsonl:{n}", record={"id": i, "text": t, "note": HOSTILE[n % len(HOSTILE)]},
                jsonl="r.jsonl") for n, (i, t) in enumerate(records)]
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        rundir.write_doc_index(run, docs)
        cleaned, _ = pipeline.clean_stage(run, docs, CleanConfig())
        res = find_duplicates([(d.id, d.text) for d in cleaned], DedupeConfig())
        pipeline.dedupe_stage(run, cleaned, res)
        rundir.write_run_summary(run, {"command": "run"})
        html = write_report(run).read_text(encoding="utf-8")
    # the page's own elements only: corpus text never opens or closes one
    assert html.count("<script") == 2 and html.count("</script>") == 2
    for h in HOSTILE:
        if "<" in h:
            assert html.count(h) == TEMPLATE.count(h), f"{h!r} reached the page unescaped"
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block, "the data block holds a raw '<' (could close the script element)"
    markup = html.replace(block, "")
    for d in docs:
        for piece in (d.id, d.text):
            for tag in re.findall(r"<[^\s<>]*", piece):
                if len(tag) > 1:
                    assert tag not in markup or tag in TEMPLATE, f"{tag!r} from the corpus is raw markup"
    # and nothing was dropped: the data block parses and carries the ids as given
    data = _data_block(html)
    assert data["docs"] == [d.id for d in docs]


# ------------------------------------------------------------------ known gaps, found by fuzzing

#: Found by fuzz/atheris_clean.py (coverage-guided), minimised: the second clean still joins a break.
NOT_IDEMPOTENT = (
    "橛" + "佑" * 38 + "躬K~KKKKKKK\n\n镵\n\n苘\n橛\n\n橛" + "佑" * 38 + "躬K~KKKKKKK\n\n橛" + "佑" * 38
    + "躬K~KKKKKKK\n\n殚躬K热热QQQQQQQQ" + "佑" * 23 + "躬K~KKKKKKK\n\nK\n\n殚躬K热热QQQQQQQQ" + "佑" * 23
    + "躬K~KKKKKKK\n\n镵"
)


def test_cleaning_is_idempotent_on_the_fuzzer_counterexample():
    once = cleaners.clean(NOT_IDEMPOTENT, CleanConfig())
    assert [r for r in cleaners.clean(once.text, CleanConfig()).repairs if r.applied] == []
