"""Render the self-contained HTML review report (pure: data in, one HTML string out).

Safety rests on two mechanisms, both from Jinja2: autoescape for everything
interpolated into markup, and ``|tojson`` for the data block, which escapes
``<``, ``>``, ``&`` and ``'`` as ``\\u003c`` and so on, so corpus text can
never close the ``<script type="application/json">`` element early. The page's
JavaScript only ever inserts corpus text with ``textContent``. A
Content-Security-Policy meta tag forbids every network load, so the file
works the same offline, mailed to a reviewer.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, StrictUndefined

TEMPLATE = "report.html.j2"
#: What the page may do: inline script and style, nothing fetched (written literally in the
#: template, where autoescape would mangle the quotes; tests check the two agree).
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
CLIENT_KEYS = ("docs", "cards", "repairs", "title", "generated")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """Autoescaping environment; tojson writes compact UTF-8 (CJK as is, a third of \\uXXXX's size)."""
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": False}
    return env


@lru_cache(maxsize=1)
def _template():
    source = resources.files("seedsift.reports").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return _environment().from_string(source)


def render_report(data: dict) -> str:
    """Return the report page for ``data`` (as built by ``seedsift.review.build_report_data``).

    The overview (counts, charts, shared phrases) is rendered as escaped markup; cards and
    repairs, which can number tens of thousands, travel as one JSON block
    that the page renders a page at a time.
    """
    client = {k: data[k] for k in CLIENT_KEYS}
    return _template().render(d=data, client=client)
