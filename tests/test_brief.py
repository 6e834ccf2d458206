"""The weekly brief: formats named by the output file, the HTML document and its chart,
late reports, and the week before as one thing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from signals.events import parse_event
from signals.store import open_store
from tests.test_report import AS_OF, load_demo

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def demo_db(db_path: Path, catalogue: Catalogue) -> Path:
    load_demo(db_path, catalogue)
    return db_path


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("brief.html", "<!DOCTYPE html>"),
        ("brief.HTM", "<!DOCTYPE html>"),
        ("brief.md", "# Kremlin"),
        ("brief.json", "{"),
        ("brief.svg", '<svg xmlns="http://www.w3.org/2000/svg"'),
        ("brief.txt", "Kremlin openness"),
    ],
)
def test_the_output_files_extension_names_the_format(signals, demo_db, tmp_path, name, starts):
    target = tmp_path / name
    result = signals("report", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_format_given_wins_over_the_extension(signals, demo_db, tmp_path):
    target = tmp_path / "brief.txt"
    assert signals("report", "--as-of", AS_OF, "-f", "json", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["week"] == "2024-W25"


@pytest.mark.parametrize("name", ["brief.pdf", "brief"])
def test_an_unknown_extension_is_a_usage_error_naming_the_known_ones(
    signals, demo_db, tmp_path, name
):
    target = tmp_path / name
    result = signals("report", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 2
    assert ".htm, .html, .json, .markdown, .md, .svg, .txt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
    assert list(tmp_path.glob("brief*")) == []


@pytest.mark.parametrize("command", [["report", "--as-of", AS_OF, "--json"], ["export"]])
def test_dash_is_standard_output(signals, demo_db, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    plain = signals(*command)
    dashed = signals(*command, "-o", "-")
    assert dashed.exit_code == 0, dashed.stderr
    assert dashed.stdout == plain.stdout != ""
    assert not (tmp_path / "-").exists()


def test_markdown_to_a_file_writes_and_links_its_chart(signals, demo_db, tmp_path):
    target = tmp_path / "brief.md"
    result = signals("report", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    chart = tmp_path / "brief-trend.svg"
    assert "![P(genuine) and progress, 2024-W14 to 2024-W25](brief-trend.svg)" in (
        target.read_text(encoding="utf-8")
    )
    assert ElementTree.parse(chart).getroot().tag == f"{SVG}svg"
    assert str(chart) in result.stderr
    # On stdout there is nowhere to put a picture: the Markdown links none.
    assert "-trend.svg" not in signals("report", "--as-of", AS_OF, "-f", "markdown").stdout


def test_the_chart_marks_the_events_that_moved_the_score(signals, demo_db):
    document = signals.json("report", "--as-of", AS_OF)
    moves = document["trend_moves"]
    assert 1 <= len(moves) <= 6
    assert [m["as_of"] for m in moves] == sorted(m["as_of"] for m in moves)
    by_week = {m["week"]: m for m in moves}
    # The public declaration of intent was observed in W20 and lifted P(genuine) that week.
    assert by_week["2024-W20"]["indicator"] == "declaration-intent"
    assert by_week["2024-W20"]["log_odds_change"] > 0
    assert by_week["2024-W20"]["p_genuine_change"] > 0
    shown = {event["id"]: event for event in signals.json("events", "list", "--json")}
    [event_id] = by_week["2024-W20"]["events"]
    assert shown[event_id]["indicator"] == "declaration-intent"
    assert "2024-05-13" <= shown[event_id]["observed_at"] <= "2024-05-19"

    root = ElementTree.fromstring(signals("report", "--as-of", AS_OF, "-f", "chart").stdout)
    marks = root.findall(f".//{SVG}g[@class='move']")
    assert len(marks) == len(moves)
    assert len(root.findall(f".//{SVG}polyline")) == 2  # P(genuine) and progress


def test_weeks_sets_the_trend_and_the_week_before_stays_its_point(signals, demo_db):
    document = signals.json("report", "--as-of", AS_OF, "--weeks", "4")
    assert [p["week"] for p in document["trend"]] == [
        "2024-W22",
        "2024-W23",
        "2024-W24",
        "2024-W25",
    ]
    assert document["trend"][-2]["p_genuine"] == document["previous"]["p_genuine"]
    assert signals("report", "--as-of", AS_OF, "--weeks", "1").exit_code == 2


def _log(store, catalogue, summary: str, observed: str, logged: str, **extra: str) -> None:
    fields = {"indicator": "pause-to-rearm", "summary": summary, "observed_at": observed}
    store.log(parse_event(fields | extra, catalogue), now=logged)


def test_late_reports_are_counted_in_one_line_and_listed_only_with_late(
    signals, db_path, catalogue
):
    store = open_store(db_path)
    try:
        _log(
            store, catalogue, "Observed and logged this week", "2024-06-18", "2024-06-18T09:00:00Z"
        )
        for n in range(40):
            _log(
                store,
                catalogue,
                f"Archive row {n}",
                f"2017-0{1 + n % 9}-1{n % 10}",
                "2024-06-19T09:00:00Z",
            )
        _log(store, catalogue, "Late news", "2024-05-30", "2024-06-17T10:00:00Z")
        _log(store, catalogue, "Logged last week", "2024-01-02", "2024-06-10T10:00:00Z")
    finally:
        store.close()
    document = signals.json("report", "--as-of", AS_OF)
    assert [e["summary"] for e in document["new_events"]] == ["Observed and logged this week"]
    assert document["late_reports"] == {
        "count": 41,
        "first_observed": "2017-01-10",
        "last_observed": "2024-05-30",
    }
    table = signals("report", "--as-of", AS_OF).stdout
    assert "41 late reports (logged this week), observed 2017-01-10 to 2024-05-30." in table
    assert "Archive row" not in table
    markdown = signals("report", "--as-of", AS_OF, "-f", "markdown").stdout
    assert "41 late reports" in markdown and "Archive row" not in markdown

    listed = signals.json("report", "--as-of", AS_OF, "--late")
    assert len(listed["late_reports"]["events"]) == 41
    assert "Archive row 3" in signals("report", "--as-of", AS_OF, "--late", "-f", "markdown").stdout


def test_as_known_counts_only_the_late_reports_logged_by_then(signals, db_path, catalogue):
    store = open_store(db_path)
    try:
        _log(store, catalogue, "Logged in time", "2024-01-02", "2024-06-18T09:00:00Z")
        _log(store, catalogue, "Logged after the report", "2024-01-03", "2024-06-22T09:00:00Z")
    finally:
        store.close()
    as_known = signals.json("report", "--as-of", AS_OF, "--as-known")
    assert as_known["late_reports"]["count"] == 1
    assert as_known["late_reports"]["last_observed"] == "2024-01-02"


def test_every_text_of_the_html_brief_is_text_never_markup(signals, tmp_path):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> & "quoted"'
    logged = signals(
        "log",
        "pause-to-rearm",
        hostile,
        "--observed",
        AS_OF,
        "--source",
        "<b>TASS</b>",
        "--url",
        'https://example.org/"><script>alert(3)</script>',
    )
    assert logged.exit_code == 0, logged.stderr
    page = signals("report", "--as-of", AS_OF, "-f", "html").stdout
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;TASS&lt;/b&gt;" in page
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;' in page


def test_the_html_brief_holds_every_section(signals, demo_db):
    page = signals("report", "--as-of", AS_OF, "-f", "html").stdout
    for heading in [
        "Hypotheses",
        "Trend, last 12 weeks",
        "Stage checklist",
        "Counter-indicators seen",
        "What changed this week",
        "New events this week",
        "Watch next",
    ]:
        assert f"<h2>{heading}</h2>" in page
    assert "very unlikely" in page and "confidence" in page
    assert "@media print" in page and "@page" in page
    assert page.count("<svg") == 1 and 'role="img"' in page
