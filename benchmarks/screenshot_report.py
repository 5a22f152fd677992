"""Regenerate docs/report.png, the README's picture of the review report.

Runs ``seedsift run`` on the shipped seeds into a temporary directory, opens
the report in Debian's headless Chromium (fonts-wqy-microhei for the Chinese
glyphs) and photographs seed 003's removed repeated block side by side.

    .venv/bin/python benchmarks/screenshot_report.py [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "seedsift", "run", "--out", str(run), "-q"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page.goto((run / "report.html").as_uri())
            page.wait_for_selector("html[data-ready='1']")
            page.select_option("#f-status", "removed")
            page.select_option("#sort", "len-desc")
            page.locator("#h-pairs").evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 60)")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
