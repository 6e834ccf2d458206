"""The HTML brief and the chart as a reader sees them, in a real headless Chromium.

Skipped, with the reason, where Debian's `chromium` cannot be had (`.ci/run` installs
it). Nothing here is timed: the browser answers when it answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from tests.browser import A4_HEIGHT, A4_WIDTH, Browser, BrowserError, chromium
from tests.test_report import AS_OF, load_demo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        chromium() is None,
        reason="needs a headless Chromium: apt-get install chromium (.ci/run installs it)",
    ),
]

# What a reader would miss: anything wider than the page, or cut off inside its box.
LAYOUT = """
(() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5); })
    .map(e => e.tagName + ': ' + (e.textContent || '').trim().slice(0, 60));
  const clipped = [...document.querySelectorAll('td, th, p, li, h1, h2, h3')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.tagName + ': ' + (e.textContent || '').trim().slice(0, 60));
  const chart = document.querySelector('svg.trend-chart');
  const box = chart ? chart.getBoundingClientRect() : null;
  const line = document.querySelector('polyline.p-genuine');
  return {
    title: document.title,
    scrollWidth: document.documentElement.scrollWidth,
    width: width,
    outside: outside,
    clipped: clipped,
    chart: box ? [box.width, box.height] : null,
    line: line ? line.getTotalLength() : 0,
    marks: document.querySelectorAll('g.move').length,
  };
})()
"""
# Printable width of A4 and of US Letter less the brief's 13 mm side margins, in CSS px.
PRINTED_WIDTHS = {"A4": round((210 - 26) / 25.4 * 96), "Letter": round((215.9 - 26) / 25.4 * 96)}


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    try:
        opened = Browser(tmp_path / "profile")
    except (BrowserError, OSError) as error:
        pytest.skip(f"chromium is installed but did not start: {error}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def brief(signals, db_path: Path, edition1: Catalogue, tmp_path: Path) -> Path:
    load_demo(db_path, edition1)
    # A long word and a long URL in a summary: a brief must wrap what it cannot control.
    long = "A" * 120 + " https://example.org/" + "very-long-path/" * 12
    logged = signals(
        "log",
        "pause-to-rearm",
        f"<b>not bold</b> {long}",
        "--observed",
        AS_OF,
        "--source",
        "Source with a rather long name for a narrow column",
    )
    assert logged.exit_code == 0, logged.stderr
    target = tmp_path / "brief.html"
    result = signals("report", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    return target


def test_the_brief_reads_whole_at_a4_width(browser: Browser, brief: Path) -> None:
    browser.open(brief)
    seen = browser.evaluate(LAYOUT)
    assert seen["title"].endswith("week 2024-W25")
    assert seen["scrollWidth"] <= seen["width"] == A4_WIDTH, "a reader would scroll sideways"
    assert seen["outside"] == []
    assert seen["clipped"] == []
    width, height = seen["chart"]
    assert width > 0.8 * 700 and height > 250, "the chart is drawn at the page's width"
    assert seen["line"] > 100, "the P(genuine) line is drawn"
    assert seen["marks"] >= 1
    assert browser.errors() == []
    assert browser.requests() == []
    assert browser.evaluate("document.querySelectorAll('b').length") == 0


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_brief_prints_within_the_paper(browser: Browser, brief: Path, paper: str) -> None:
    browser.open(brief, PRINTED_WIDTHS[paper], A4_HEIGHT)
    browser.call("Emulation.setEmulatedMedia", media="print")
    seen = browser.evaluate(LAYOUT)
    assert seen["scrollWidth"] <= seen["width"]
    assert seen["outside"] == [] and seen["clipped"] == []
    size = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}[paper]
    document = browser.pdf(*size)
    assert document.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", document))
    assert 1 <= pages <= 8
    assert browser.errors() == [] and browser.requests() == []


def test_the_chart_alone_is_drawn(browser: Browser, signals, db_path: Path, edition1, tmp_path):
    load_demo(db_path, edition1)
    chart = tmp_path / "trend.svg"
    assert signals("report", "--as-of", AS_OF, "-o", str(chart)).exit_code == 0
    browser.open(chart)
    line = browser.evaluate("document.querySelector('polyline.p-genuine').getTotalLength()")
    assert line > 100
    shot = browser.screenshot()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert browser.errors() == [] and browser.requests() == []
