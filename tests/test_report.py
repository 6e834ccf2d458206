"""The weekly report: whole outputs per format on a fixed database and date."""

from __future__ import annotations

import html.parser
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from signals.events import parse_event
from signals.importer import import_events
from signals.input_files import decode
from signals.report import Week, report_as_of, sparkline
from signals.store import open_store
from tests.conftest import DEMO_CSV


@pytest.fixture(autouse=True)
def _first_edition(on_edition1: Path) -> None:
    """The golden reports were printed with the first edition of the default catalogue; they keep pinning that edition's output unchanged."""


@pytest.fixture(scope="session")
def catalogue(edition1: Catalogue) -> Catalogue:
    return edition1


GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2024-06-20"
UPDATE = bool(os.environ.get("SIGNALS_UPDATE_GOLDEN"))


def load_demo(db_path: Path, catalogue: Catalogue, logged: str = "2024-03-01T08:00:00Z") -> None:
    store = open_store(db_path)
    try:
        with DEMO_CSV.open("rb") as binary:
            import_events(store, catalogue, decode(binary, None), now=logged)
    finally:
        store.close()


def compare_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{name} is missing: run with SIGNALS_UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def demo_db(db_path: Path, catalogue: Catalogue) -> Path:
    load_demo(db_path, catalogue)
    return db_path


def test_table_report_whole_output(signals, demo_db):
    result = signals("report", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    compare_golden("report-2024-W25.txt", result.stdout)


def test_markdown_report_whole_output(signals, demo_db):
    result = signals("report", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    compare_golden("report-2024-W25.md", result.stdout)


def test_json_report_whole_output(signals, demo_db):
    result = signals("report", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    compare_golden(
        "report-2024-W25.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    )


def test_json_report_has_the_spec_keys(signals, demo_db):
    document = signals.json("report", "--as-of", AS_OF)
    assert {"as_of", "score", "indicators", "previous", "new_events", "changed", "trend"} <= set(
        document
    )
    assert document["week"] == "2024-W25"
    # The week before is the previous ISO week's trend point, scored at its Sunday.
    assert document["previous"]["as_of"] == "2024-06-16"
    assert document["previous"]["week"] == "2024-W24"
    before = document["trend"][-2]
    assert (before["week"], before["as_of"]) == ("2024-W24", "2024-06-16")
    assert before["p_genuine"] == document["previous"]["p_genuine"]
    assert before["progress"] == document["previous"]["progress"]
    assert len(document["trend"]) == 12
    assert [point["week"] for point in document["trend"]][-1] == "2024-W25"
    assert {"week", "progress", "p_genuine"} <= set(document["trend"][0])
    # The last trend point is the headline itself.
    assert document["trend"][-1]["p_genuine"] == document["score"]["p_genuine"]
    changed = {change["id"]: change for change in document["changed"]}
    assert changed["pause-to-rearm"]["to"] == "present"
    assert [event["indicator"] for event in document["new_events"]] == ["pause-to-rearm"]


def test_markdown_is_a_table_a_viewer_renders(signals, demo_db):
    text = signals("report", "--as-of", AS_OF, "--format", "markdown").stdout
    tables = re.findall(r"^\| State \| Indicator .*\n\|(?:---:?\|)+\n(?:\|.*\|\n)+", text, re.M)
    assert len(tables) >= 4
    for table in tables:
        widths = {line.count("|") - line.count("\\|") for line in table.strip().splitlines()}
        assert len(widths) == 1, table


def test_an_events_text_reads_as_written_in_markdown(signals):
    logged = signals(
        "log",
        "pause-to-rearm",
        "<script>alert(1)</script> *not bold* a|b [not](a link) ~not struck~ &amp;",
        "--observed",
        AS_OF,
        "--source",
        "_TASS_",
        "--url",
        "https://example.org/a_(b)<c>",
    )
    assert logged.exit_code == 0, logged.stderr
    text = signals("report", "--as-of", AS_OF, "--format", "markdown").stdout
    [row] = [line for line in text.splitlines() if "`pause-to-rearm` | F6" in line]
    assert (
        "| \\<script\\>alert(1)\\</script\\> \\*not bold\\* a\\|b \\[not\\](a link)"
        " \\~not struck\\~ \\&amp; | [\\_TASS\\_](https://example.org/a_%28b%29%3Cc%3E) |"
    ) in row
    assert "<script>" not in text


def test_week_option_matches_as_of_in_that_week(signals, demo_db):
    by_week = signals.json("report", "--week", "2024-W25")
    by_date = signals.json("report", "--as-of", "2024-06-23")
    assert by_week == by_date


def test_as_of_and_week_together_are_refused(signals, demo_db):
    result = signals("report", "--as-of", AS_OF, "--week", "2024-W25")
    assert result.exit_code == 2


def test_bad_week_is_a_usage_error(signals, demo_db):
    result = signals("report", "--week", "2024-25")
    assert result.exit_code == 2
    assert "ISO week" in result.output


def test_as_known_reproduces_a_past_report_after_later_changes(signals, demo_db, catalogue):
    before = signals("report", "--as-of", AS_OF, "--as-known", "--format", "markdown").stdout
    before_json = signals.json("report", "--as-of", AS_OF, "--as-known")
    plain_before = signals.json("report", "--as-of", AS_OF)

    store = open_store(demo_db)
    try:
        late = parse_event(
            {
                "indicator": "ceasefire-verification",
                "summary": "OSCE observers confirm access to the whole line",
                "observed_at": "2024-06-19",
                "reliability": "A",
                "credibility": "1",
                "status": "confirmed",
            },
            catalogue,
        )
        store.log(late, now="2024-06-25T10:00:00Z")
        first = store.find()[0]
        store.edit(
            first.id,
            parse_event(first.as_input() | {"status": "refuted"}, catalogue),
            now="2024-06-26T10:00:00Z",
        )
        store.retract(store.find()[5].id, "Source withdrew it", now="2024-06-27T10:00:00Z")
    finally:
        store.close()

    after = signals("report", "--as-of", AS_OF, "--as-known", "--format", "markdown").stdout
    assert after == before
    assert signals.json("report", "--as-of", AS_OF, "--as-known") == before_json
    assert signals.json("report", "--as-of", AS_OF) != plain_before


def test_as_known_scores_every_week_of_a_report_as_known_the_day_it_was_made(
    signals, db_path: Path, tmp_path: Path, catalogue: Catalogue
) -> None:
    """The report printed on a day scored last week and the trend with what was logged by
    that day, including what was logged late about earlier weeks."""
    made_on = "2024-05-28"
    logged = [  # indicator, summary, observed, logged at
        ("backchannel-informal", "Envoys met in Abu Dhabi", "2024-04-02", "2024-04-03T09:00:00Z"),
        (
            "backchannel-intelligence",
            "Spy chiefs met in Riyadh",
            "2024-04-10",
            "2024-05-27T09:00:00Z",
        ),
        (
            "declaration-intent",
            "Kremlin declares it is ready",
            "2024-05-20",
            "2024-05-21T09:00:00Z",
        ),
        (
            "ceasefire-verification",
            "Observers confirm access",
            "2024-04-15",
            "2024-06-10T09:00:00Z",
        ),
    ]

    def database(path: Path, entries: list[tuple[str, str, str, str]]) -> Path:
        store = open_store(path)
        try:
            for indicator, summary, observed, at in entries:
                fields = {"indicator": indicator, "summary": summary, "observed_at": observed}
                store.log(
                    parse_event(fields | {"reliability": "A", "credibility": "2"}, catalogue),
                    now=at,
                )
        finally:
            store.close()
        return path

    everything = database(db_path, logged)
    then = database(tmp_path / "then.db", [entry for entry in logged if entry[3] < "2024-05-29"])
    printed = signals.json("--db", str(then), "report", "--as-of", made_on)
    reproduced = signals.json("--db", str(everything), "report", "--as-of", made_on, "--as-known")
    assert isinstance(printed, dict) and isinstance(reproduced, dict)
    assert reproduced.pop("as_known") is True and printed.pop("as_known") is False
    assert reproduced == printed
    assert (
        printed["trend"]
        != signals.json("--db", str(everything), "report", "--as-of", made_on)[
            "trend"  # type: ignore[index]
        ]
    )


def test_report_of_an_empty_database_is_useful(signals):
    assert signals("init").exit_code == 0
    result = signals("report", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "Progress 0/100" in result.stdout
    assert "Watch next" in result.stdout
    assert "backchannel-informal" in result.stdout
    document = signals.json("report", "--as-of", AS_OF)
    assert document["new_events"] == []
    assert document["score"]["p_genuine"] == pytest.approx(0.1)


def test_output_file_is_written_whole(signals, demo_db, tmp_path):
    target = tmp_path / "brief.md"
    result = signals("report", "--as-of", AS_OF, "--format", "markdown", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# Kremlin openness")
    missing = tmp_path / "nowhere" / "brief.md"
    result = signals("report", "--as-of", AS_OF, "--output", str(missing))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_svg_is_the_trend_chart_as_a_well_formed_picture(signals, demo_db, tmp_path):
    target = tmp_path / "week.svg"
    assert signals("report", "--as-of", AS_OF, "-f", "svg", "-o", str(target)).exit_code == 0
    root = ElementTree.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext())
    assert "2024-W14 to 2024-W25" in text
    assert "very unlikely" in text and "roughly even chance" in text  # the bands, named
    assert "declaration-intent" in text  # a marked event, in the key
    chart = signals("report", "--as-of", AS_OF, "-f", "chart").stdout
    assert chart == target.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["svg", "html"])
def test_a_picture_of_the_report_fetches_nothing_when_opened(signals, demo_db, tmp_path, kind):
    """Opening a brief must not tell anyone else that it is being read."""
    target = tmp_path / f"week.{kind}"
    assert signals("report", "--as-of", AS_OF, "-f", kind, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    fetched = re.findall(r"(?:url\(|src=|href=|@import)\s*[\"']?(?:https?:)?//[^\s\"')]+", text)
    assert fetched == []
    assert "@font-face" not in text


def test_html_is_a_page(signals, demo_db, tmp_path):
    target = tmp_path / "week.html"
    assert signals("report", "--as-of", AS_OF, "-f", "html", "-o", str(target)).exit_code == 0

    class Tags(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            self.tags.add(tag)

    parser = Tags()
    page = target.read_text(encoding="utf-8")
    parser.feed(page)
    assert {"html", "head", "title", "style", "body", "main", "h1", "h2", "table", "svg"} <= (
        parser.tags
    )
    assert not parser.tags & {"pre", "script", "link", "img", "iframe"}
    assert "<title>Kremlin openness to peace negotiations over Ukraine — week 2024-W25</title>" in (
        page
    )
    assert "pause-to-rearm" in page


def test_sparkline_is_on_a_fixed_scale():
    assert sparkline([0, 0.5, 1]) == "▁▅█"
    assert sparkline([0.2, 0.2]) == sparkline([0.2, 0.2], 0, 1)
    assert sparkline([50], 0, 100) == "▅"
    assert sparkline([-1, 2]) == "▁█"


def test_week_arithmetic_crosses_years():
    week = Week.holding(__import__("datetime").date(2025, 1, 2))
    assert week.label == "2025-W01"
    assert week.shifted(-1).label == "2024-W52"
    assert week.monday.isoformat() == "2024-12-30"


def test_report_date_defaults():
    import datetime as dt

    today = dt.date(2024, 6, 20)
    assert report_as_of(None, None, today) == today
    assert report_as_of(None, Week(2024, 25), today) == today
    assert report_as_of(None, Week(2024, 20), today) == dt.date(2024, 5, 19)
