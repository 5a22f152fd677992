"""The report in real headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser).

One ``seedsift run`` over the seeds plus a hostile page; then, in the browser:
seed 003's repeated passage as one card (kept copy + copies), filters, keyboard marks, a "keep both"
decision exported (download and text area) and honoured by ``seedsift apply``.
Dialogs, page errors and console errors are recorded throughout and must stay
empty; a positive control proves the recorder catches a real injection.

Set SEEDSIFT_SCREENSHOT=path.png to save the screenshot used by the README.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_review_support import HOSTILE_DOC, PAYLOADS, SEED_003, make_run, read_jsonl, removed_003_span, seedsift

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} missing: apt-get install chromium fonts-wqy-microhei (.ci/run does)"),
]


class Watch:
    """Everything the page does that a safe report never does: dialogs, uncaught errors, console errors."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    def assert_clean(self) -> None:
        assert self.dialogs == [] and self.errors == []


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 1000})
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("browser"))


def open_report(context, path: Path):
    page = context.new_page()
    watch = Watch(page)
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready='1']", timeout=10_000)
    return page, watch


def count(page, sel: str = "#count") -> tuple[int, int]:
    shown, total = page.inner_text(sel).split("/")
    return int(shown), int(total)


def test_positive_control_the_watcher_sees_an_injection(context, tmp_path):
    """Without escaping, the same payloads do run: the watcher would notice."""
    bad = tmp_path / "bad.html"
    bad.write_text(f"<!DOCTYPE html><html><body><p>{PAYLOADS[2]}</p>{PAYLOADS[0]}<script>undefinedFn()</script></body></html>", encoding="utf-8")
    page = context.new_page()
    watch = Watch(page)
    page.goto(bad.as_uri())
    page.wait_for_timeout(500)
    assert sorted(watch.dialogs) == ["1", "1"]
    assert any("undefinedFn" in e for e in watch.errors)


def test_duplicate_block_side_by_side_decide_and_apply(context, run_dir, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(run_dir, out)
    span = removed_003_span(out)
    key = f"passage:{SEED_003}:{span['start']}:{span['end']}:{SEED_003}:{span['src_start']}:{span['src_end']}"
    page, watch = open_report(context, out / "report.html")
    shown, total = count(page)
    assert shown == total > 1

    # Filters narrow the list: by status, by document, by text, by similarity.
    spans = read_jsonl(out / "spans.jsonl")
    inside = [s for s in spans if HOSTILE_DOC in (s["doc_id"], s["src_doc_id"])]
    assert inside and all(s["action"] == "in_dropped_doc" for s in inside)
    with_inside = len({(s["passage"], s["src_doc_id"], s["src_start"]) for s in inside})
    page.select_option("#f-status", "doc-removed")
    assert 0 < count(page)[0] == with_inside < total
    page.select_option("#f-status", "")
    page.select_option("#f-doc", label=HOSTILE_DOC)
    # its document card, and the cards of 003's passages with copies inside it (action "in_dropped_doc")
    assert count(page)[0] == 1 + with_inside
    page.select_option("#f-doc", "")
    page.select_option("#f-kind", "document")
    assert count(page)[0] == 1
    page.select_option("#f-kind", "")
    page.fill("#f-min", "1.01")
    assert count(page)[0] == 0
    page.fill("#f-min", "0")
    passage = (out / "cleaned" / SEED_003).read_text(encoding="utf-8")[span["start"]:span["end"]]
    page.fill("#q", passage[:12])
    assert 0 < count(page)[0] < total

    # The repeated block of 003: one card, the kept copy and each other copy against it.
    item = page.locator(f'li.copy[data-key="{key}"]')
    assert item.count() == 1
    card = page.locator("li.card", has=item)
    assert card.locator(".kept-pane .body").inner_text().strip() and item.locator(".body").inner_text().strip()
    assert SEED_003 in card.locator(".kept-pane h3").inner_text() and SEED_003 in item.locator(".where").inner_text()
    assert item.locator("del.chg").count() + item.locator("ins.chg").count() > 0
    assert "removed" in item.locator(".badge").first.inner_text()
    same = [s for s in spans if (s["passage"], s["src_start"]) == (span["passage"], span["src_start"])]
    assert card.locator("li.copy").count() == len(same)
    # copies inside the dropped hostile page have no decision of their own: the document's card decides
    for li in card.locator("li.copy").all():
        if HOSTILE_DOC in li.locator(".where").inner_text():
            assert li.locator(".decide").count() == 0
            assert f"document:{HOSTILE_DOC}" in li.locator(".within").inner_text()

    # Keyboard: j selects the first copy (003's), b marks it "keep"
    page.select_option("#f-kind", "passage")
    page.select_option("#f-status", "removed")
    assert count(page)[0] >= 1
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    assert "sel" in item.get_attribute("class")
    page.keyboard.press("b")
    assert item.locator("button.keep").get_attribute("aria-pressed") == "true"

    if os.environ.get("SEEDSIFT_SCREENSHOT"):
        page.fill("#q", "")
        page.locator("#pairs").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["SEEDSIFT_SCREENSHOT"])

    # Export: the download and the text area hold the same decisions.
    with page.expect_download() as dl:
        page.click("#export")
    saved = tmp_path / "decisions.json"
    dl.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert page.input_value("#decisions-json") == text
    assert json.loads(text) == {"seedsift_decisions": 1, "decisions": {key: "keep"}}
    watch.assert_clean()

    # seedsift apply honours it: the passage is back in dedup/003 and out of the manifest.
    res = seedsift("apply", saved, out)
    assert res.returncode == 0, res.stderr
    assert passage in (out / "dedup" / SEED_003).read_text(encoding="utf-8")
    assert not any(m["doc_id"] == SEED_003 and m["start"] <= span["start"] < m["end"] for m in read_jsonl(out / "manifest.jsonl"))

    # The rewritten report shows the pair as kept, with the reviewer's mark.
    page, watch = open_report(context, out / "report.html")
    page.fill("#q", passage[:12])
    item = page.locator(f'li.copy[data-key="{key}"]')
    assert "reported only" in item.locator(".badge").first.inner_text()
    assert item.locator("button.keep").get_attribute("aria-pressed") == "true"
    watch.assert_clean()


def test_hostile_text_shows_as_text_and_runs_nothing(context, run_dir):
    page, watch = open_report(context, run_dir / "report.html")
    page.fill("#q", "alert(1)")
    assert count(page)[0] >= 1
    shown = page.locator("#pair-list").inner_text()
    for payload in PAYLOADS:
        assert payload in shown
    assert page.locator("#pair-list img, #pair-list script, #repair-list img, #repair-list script").count() == 0
    page.fill("#r-q", "alert(1)")
    assert count(page, "#r-count")[0] >= 1
    assert "</script>" in page.locator("#repair-list").inner_text()
    page.select_option("#r-doc", label=HOSTILE_DOC)
    page.check("#r-flags")
    page.fill("#r-q", "")
    flags, _ = count(page, "#r-count")
    assert flags >= 1 and page.locator("#repair-list tr.flag").count() == min(flags, 100)
    page.wait_for_timeout(300)
    watch.assert_clean()


def test_report_opens_and_pages(context, run_dir):
    """The first page of cards and the charts render (load time is measured by
    benchmarks/bench_report.py, not by a timed test on a shared machine)."""
    page, watch = open_report(context, run_dir / "report.html")
    assert page.locator("li.card").count() == min(count(page)[1], 25)
    assert page.locator("#chart-sim rect").count() > 0
    watch.assert_clean()


@pytest.mark.slow
def test_ten_thousand_pairs_fit_and_open(context, tmp_path):
    """The issue's size budget: 10,000 pairs in <= 20 MB, every pair listed and searchable. The
    time budget (interactive in < 3 s) is measured by benchmarks/bench_report.py: a timed test
    fails on a loaded CI machine without saying anything about the report."""
    import importlib.util

    from test_review_support import ROOT

    from seedsift.review.model import write_report

    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "bench_report.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.synthesize(tmp_path / "run", 10_000)
    report = write_report(tmp_path / "run")
    assert report.stat().st_size <= 20_000_000
    page, watch = open_report(context, report)
    shown, total = count(page)
    assert shown == total and int(page.inner_text("#copy-count")) == 10_000 + total  # every copy + each kept one
    page.fill("#q", "工会")
    page.click("#next")
    assert page.locator("li.card").count() <= 25
    watch.assert_clean()


def test_a_passage_on_three_pages_is_one_card_and_the_counts_are_the_clis(context, tmp_path):
    """k copies, one card: the kept copy and the other two, each with its document and action;
    the overview shows the numbers of the CLI's own summary line."""
    import re

    from test_review_support import make_three_page_run

    out, shared, line = make_three_page_run(tmp_path)
    page, watch = open_report(context, out / "report.html")
    page.select_option("#f-kind", "passage")
    page.fill("#q", shared[:20])
    cards = page.locator("li.card")
    assert cards.count() == 1
    card = cards.first
    assert card.locator(".kept-pane").count() == 1 and card.locator("li.copy").count() == 2
    assert "3 份 copies" in card.locator(".ncopies").inner_text()
    shown = {card.locator(".kept-pane h3").inner_text().split(" · ")[1]}
    shown |= {c.inner_text().split(" · ")[0] for c in card.locator("li.copy .where").all()}
    assert shown == {"page0.txt", "page1.txt", "page2.txt"}
    assert card.locator("li.copy .badge.removed").count() == 2
    assert shared[:20] in card.locator(".kept-pane .body").inner_text()

    m = re.search(r"(\d+) documents removed, (\d+) repeated passages found \((\d+) copies\), (\d+) copies removed, "
                  r"([\d,]+) of", line)
    assert m, line
    cli = dict(zip(("documents_removed", "passages", "copies", "passages_removed", "characters_removed"),
                   (int(g.replace(",", "")) for g in m.groups())))
    page_counts = {k: int(page.inner_text(f'dd[data-count="{k}"]').replace(",", "")) for k in cli}
    assert page_counts == cli and cli["passages"] >= 1 and cli["copies"] >= 2
    watch.assert_clean()
