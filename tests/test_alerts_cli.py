"""`signals alerts list|ack` and the weekly report's "Tripwires fired" section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DEMO_CSV


@pytest.fixture
def alerted(signals, db_path: Path) -> Path:
    """The demo, checked on two days of the week of 2024-06-17 and once the week before."""
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    for day in ("2024-06-10", "2024-06-17", "2024-06-20"):
        assert signals("check", "--as-of", day).exit_code in (0, 10)
    return db_path


def alerts(signals, *args: str) -> list[dict]:
    listed = signals.json("alerts", "list", *args)
    assert isinstance(listed, list)
    return listed


def test_no_alerts_yet(signals) -> None:
    assert signals("init").exit_code == 0
    result = signals("alerts", "list")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "No alerts." in result.stderr
    assert alerts(signals) == []


def test_list_shows_every_alert_and_open_only_the_unacknowledged(signals, alerted: Path) -> None:
    listed = alerts(signals)
    assert [a["as_of"] for a in listed] == sorted(a["as_of"] for a in listed)
    first = listed[0]
    assert first["acknowledged"] is None
    assert {"id", "check", "tripwire", "severity", "message", "detail", "fired_at"} <= set(first)

    result = signals("alerts", "ack", str(first["id"]), "--note", "Briefed the desk.")
    assert result.exit_code == 0, result.stderr
    assert f"Alert #{first['id']} ({first['tripwire']}) acknowledged." in result.stderr

    still_open = alerts(signals, "--open")
    assert [a["id"] for a in still_open] == [a["id"] for a in listed[1:]]
    recent = alerts(signals, "--since", "2024-06-17")
    assert recent and all(a["as_of"] >= "2024-06-17" for a in recent)

    table = signals("alerts", "list")
    assert "Briefed the desk." in table.stdout
    assert first["tripwire"] in table.stdout


def test_an_acknowledgement_records_note_analyst_and_time_once(
    signals, alerted: Path, snapshot, monkeypatch
) -> None:
    monkeypatch.setenv("SIGNALS_ANALYST", "Ann Analyst")
    alert_id = str(alerts(signals)[-1]["id"])

    result = signals("alerts", "ack", alert_id, "--note", "  Told the duty officer.  ", "--json")

    assert result.exit_code == 0, result.stderr
    acknowledged = json.loads(result.stdout)["acknowledged"]
    assert acknowledged["analyst"] == "Ann Analyst"
    assert acknowledged["note"] == "Told the duty officer."
    assert acknowledged["at"].endswith("Z")

    before = snapshot()
    again = signals("alerts", "ack", alert_id, "--note", "Second thoughts.")
    assert again.exit_code == 1
    assert f"Alert #{alert_id} was acknowledged at {acknowledged['at']} already" in again.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["999", "--note", "Seen."], "No alert with id 999"),
        (["1", "--note", "   "], "needs a note"),
        (["1", "--note", "Seen.\x1b[2J"], "without control characters"),
    ],
    ids=["unknown", "empty-note", "control-characters"],
)
def test_a_bad_acknowledgement_changes_nothing(
    signals, alerted: Path, snapshot, arguments: list[str], words: str
) -> None:
    before = snapshot()
    result = signals("alerts", "ack", *arguments)
    assert result.exit_code == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot() == before


def test_ack_needs_a_note(signals, alerted: Path) -> None:
    result = signals("alerts", "ack", "1")
    assert result.exit_code == 2
    assert "--note" in result.stderr


def test_the_weekly_report_lists_the_weeks_tripwires_with_acknowledgements(
    signals, alerted: Path
) -> None:
    week = [a for a in alerts(signals) if a["as_of"] >= "2024-06-17"]
    earlier = [a for a in alerts(signals) if a["as_of"] < "2024-06-17"]
    assert week and earlier
    acked = week[0]
    signals("alerts", "ack", str(acked["id"]), "--note", "Raised at the morning brief.")

    document = signals.json("report", "--as-of", "2024-06-20")
    assert isinstance(document, dict)
    fired = document["tripwires_fired"]
    assert [a["id"] for a in fired] == [a["id"] for a in week]
    assert document["checks"] == 2
    assert fired[0]["acknowledged"]["note"] == "Raised at the morning brief."

    markdown = signals("report", "--as-of", "2024-06-20", "--format", "markdown").stdout
    section = markdown.split("## Tripwires fired this week", 1)[1].split("## ", 1)[0]
    count = len(week)
    assert f"{count} tripwire{'s' if count != 1 else ''} fired at the week's 2 checks." in section
    assert f"| #{acked['id']} | {acked['as_of']} |" in section
    assert "Raised at the morning brief." in section
    assert "not yet" in section or len(week) == 1
    assert all(f"| #{a['id']} |" not in section for a in earlier)

    html = signals("report", "--as-of", "2024-06-20", "--format", "html").stdout
    assert "<h2>Tripwires fired this week</h2>" in html
    assert "Raised at the morning brief." in html

    table = signals("report", "--as-of", "2024-06-20").stdout
    assert "Tripwires fired this week" in table
    assert f"#{acked['id']}" in table


def test_a_week_without_alerts_says_whether_it_was_checked(signals, alerted: Path) -> None:
    unchecked = signals("report", "--as-of", "2024-05-01", "--format", "markdown").stdout
    assert (
        "## Tripwires fired this week\n\nNo check was recorded this week"
        " (signals check records what crosses a tripwire)." in unchecked
    )
    document = signals.json("report", "--as-of", "2024-05-01")
    assert isinstance(document, dict)
    assert (document["tripwires_fired"], document["checks"]) == ([], 0)

    assert signals("check", "--as-of", "2024-06-24").exit_code == 0
    quiet = signals("report", "--as-of", "2024-06-24", "--format", "markdown").stdout
    assert "## Tripwires fired this week\n\nNo tripwire fired at the week's 1 check." in quiet
    table = signals("report", "--as-of", "2024-06-24").stdout
    assert "Tripwires: No tripwire fired at the week's 1 check." in table


def test_a_report_as_known_shows_only_the_alerts_recorded_by_then(signals, alerted: Path) -> None:
    """The checks ran today, long after the week they scored: the week's report as it could
    be printed then knew of none of them."""
    document = signals.json("report", "--as-of", "2024-06-20", "--as-known")
    assert isinstance(document, dict)
    assert document["tripwires_fired"] == []
