"""Events through the real CLI: log, list, show, edit and retract."""

from __future__ import annotations

import datetime as dt
import re

import pytest

CSV_COLUMNS = [
    "indicator",
    "summary",
    "observed_at",
    "source",
    "url",
    "reliability",
    "credibility",
    "status",
    "location",
    "analyst",
    "tags",
    "notes",
    "external_id",
]
JSON_COLUMNS = [*CSV_COLUMNS, "variant", "ends", "observation", "alternative"]
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def log(signals, indicator: str, summary: str, *options: str) -> dict:
    return signals.json("log", indicator, summary, *options)


@pytest.fixture
def three_events(signals) -> list[dict]:
    return [
        log(
            signals,
            "rhetoric-without-action",
            "Putin says Russia is ready for dialogue",
            "--observed",
            "2024-02-18",
            "--source",
            "TASS",
            "--url",
            "https://tass.com/politics/1",
            "-r",
            "A",
            "-c",
            "1",
            "--status",
            "confirmed",
            "--tag",
            "interview",
            "--tag",
            "kremlin",
        ),
        log(
            signals,
            "backchannel-intelligence",
            "SVR officers reportedly met CIA counterparts in Abu Dhabi",
            "--observed",
            "2024-03-05",
            "--source",
            "Reuters",
            "--location",
            "Abu Dhabi",
            "--notes",
            "Two officials quoted, unnamed",
        ),
        log(
            signals,
            "pause-to-rearm",
            "Reinforcements massing behind the line during the lull",
            "--observed",
            "2024-04-01",
            "--source",
            "ISW",
        ),
    ]


def test_log_json_prints_the_stored_event(signals) -> None:
    event = log(
        signals,
        "Declaration-Intent",
        "  Putin declares readiness to cease hostilities  ",
        "--observed",
        "2024-02-20",
        "--source",
        "Kremlin.ru",
        "--url",
        "https://kremlin.ru/events/1",
        "--reliability",
        "b",
        "--credibility",
        "2",
        "--location",
        "Moscow",
        "--analyst",
        "jd",
        "--tag",
        "speech",
        "--tag",
        "speech",
        "--notes",
        "Broadcast on Rossiya-1",
    )
    assert isinstance(event["id"], int)
    assert TIMESTAMP.match(event["logged_at"])
    assert {k: v for k, v in event.items() if k not in ("id", "logged_at")} == {
        "indicator": "declaration-intent",
        "summary": "Putin declares readiness to cease hostilities",
        "observed_at": "2024-02-20",
        "source": "Kremlin.ru",
        "url": "https://kremlin.ru/events/1",
        "reliability": "B",
        "credibility": "2",
        "status": "reported",
        "location": "Moscow",
        "analyst": "jd",
        "tags": ["speech"],
        "notes": "Broadcast on Rossiya-1",
        "external_id": None,
        "variant": "",
        "ends": None,
        "observation": None,
        "alternative": None,
        "revision": 1,
        "retracted": False,
    }
    shown = signals.json("events", "show", str(event["id"]))
    assert {k: shown[k] for k in event} == event


def test_log_defaults_to_today_and_ungraded(signals) -> None:
    event = log(signals, "nuclear-threats", "Medvedev threatens nuclear strike again")
    assert event["observed_at"] == dt.date.today().isoformat()
    assert (event["reliability"], event["credibility"], event["status"]) == ("F", "6", "reported")


def test_log_without_json_says_what_was_logged(signals) -> None:
    assert signals("init").exit_code == 0
    result = signals("log", "nuclear-threats", "Medvedev threatens again", "-r", "C", "-c", "3")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Logged event #1: nuclear-threats (C3, reported).\n"


def test_an_event_dated_tomorrow_is_taken_with_a_note_and_the_day_after_refused(
    signals, snapshot
) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = signals(
        "log", "nuclear-threats", "Threat dated by Moscow's calendar", "--observed", tomorrow
    )
    assert result.exit_code == 0
    assert (
        f"Note: it was observed on {tomorrow}, after today by your calendar;"
        " scores count it from that day."
    ) in result.stderr.splitlines()
    before = snapshot()
    later = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refused = signals("log", "nuclear-threats", "A threat from the future", "--observed", later)
    assert refused.exit_code == 1
    assert "is in the future" in refused.stderr
    assert snapshot() == before
    today = signals("log", "nuclear-threats", "A threat today")
    assert today.stderr.count("\n") == 1


def test_status_is_taken_in_any_case_and_stored_in_lower_case(signals) -> None:
    event = log(signals, "nuclear-threats", "Medvedev threatens again", "--status", "Confirmed")
    assert event["status"] == "confirmed"
    edited = signals("events", "edit", str(event["id"]), "--status", "REFUTED")
    assert edited.exit_code == 0
    shown = signals.json("events", "show", str(event["id"]))
    assert shown["status"] == "refuted"  # type: ignore[index]


@pytest.mark.parametrize("summary", ["", "   "])
def test_an_empty_summary_is_called_missing(signals, summary: str, snapshot) -> None:
    before = snapshot()
    result = signals("log", "nuclear-threats", summary)
    assert result.exit_code == 1
    assert result.stderr == "Error: Invalid event: summary: is required.\n"
    assert snapshot() == before


def test_list_json_has_the_csv_columns_plus_identity(signals, three_events) -> None:
    listed = signals.json("events", "list")
    assert [e["id"] for e in listed] == [e["id"] for e in three_events]
    for event in listed:
        assert list(event) == ["id", *JSON_COLUMNS, "logged_at", "revision", "retracted"]
    assert listed == three_events


def test_list_is_ordered_by_observation(signals) -> None:
    late = log(signals, "nuclear-threats", "A later threat", "--observed", "2024-05-01")
    early = log(signals, "nuclear-threats", "An earlier threat", "--observed", "2024-01-01")
    assert [e["id"] for e in signals.json("events", "list")] == [early["id"], late["id"]]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (("--indicator", "pause-to-rearm"), [2]),
        (("--since", "2024-03-05"), [1, 2]),
        (("--until", "2024-03-05"), [0, 1]),
        (("--since", "2024-03-01", "--until", "2024-03-31"), [1]),
        (("--search", "abu dhabi"), [1]),
        (("--search", "reuters"), [1]),
        (("--search", "unnamed"), [1]),
        (("--search", "_"), []),
        (("--search", "%"), []),
        (("--search", "no such words"), []),
        (("--indicator", "pause-to-rearm", "--since", "2024-05-01"), []),
    ],
)
def test_list_filters(signals, three_events, options, expected) -> None:
    listed = signals.json("events", "list", *options)
    assert [e["id"] for e in listed] == [three_events[i]["id"] for i in expected]


def test_list_with_no_match_says_so(signals, three_events) -> None:
    result = signals("events", "list", "--search", "nothing like this")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No events match." in result.stderr


def test_list_table_shows_the_events(signals, three_events) -> None:
    result = signals("events", "list")
    assert result.exit_code == 0
    assert "pause-to-rearm" in result.stdout
    assert "backchannel-intelligence" in result.stdout


def test_list_refuses_an_unknown_indicator_filter(signals, three_events) -> None:
    result = signals("events", "list", "--indicator", "pause-to-rearn")
    assert result.exit_code == 1
    assert "pause-to-rearm" in result.stderr


def test_edit_creates_a_revision_and_keeps_the_old_one(signals, three_events) -> None:
    original = three_events[1]
    edited = signals.json(
        "events",
        "edit",
        str(original["id"]),
        "--status",
        "confirmed",
        "-r",
        "B",
        "--tag",
        "svr",
    )
    assert edited["revision"] == 2
    assert edited["status"] == "confirmed"
    assert edited["reliability"] == "B"
    assert edited["tags"] == ["svr"]
    unchanged = {"summary", "observed_at", "source", "location", "notes", "logged_at", "id"}
    assert {k: edited[k] for k in unchanged} == {k: original[k] for k in unchanged}

    shown = signals.json("events", "show", str(original["id"]))
    assert shown["revision"] == 2
    assert shown["retraction"] is None
    [old] = shown["revisions"]
    assert old["revision"] == 1
    assert old["fields"]["status"] == "reported"
    assert old["fields"]["reliability"] == "F"
    assert old["fields"]["summary"] == original["summary"]
    assert TIMESTAMP.match(old["replaced_at"])

    again = signals.json("events", "edit", str(original["id"]), "--summary", "SVR met CIA")
    assert again["revision"] == 3
    revisions = signals.json("events", "show", str(original["id"]))["revisions"]
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[1]["fields"]["status"] == "confirmed"
    # An earlier revision has the shape of the event itself: tags are a list.
    assert revisions[0]["fields"]["tags"] == original["tags"]
    assert revisions[1]["fields"]["tags"] == ["svr"]


def test_edit_that_changes_nothing_is_refused(signals, three_events, snapshot) -> None:
    before = snapshot()
    result = signals("events", "edit", str(three_events[2]["id"]), "--source", "ISW")
    assert result.exit_code == 1
    assert "changes nothing" in result.stderr
    assert snapshot() == before


def test_edit_validates_like_log(signals, three_events, snapshot) -> None:
    before = snapshot()
    result = signals("events", "edit", str(three_events[0]["id"]), "--credibility", "9")
    assert result.exit_code == 1
    assert "credibility" in result.stderr
    assert snapshot() == before


def test_edit_into_a_duplicate_is_refused(signals, three_events, snapshot) -> None:
    second = log(signals, "pause-to-rearm", "Another report of massing", "--observed", "2024-04-01")
    before = snapshot()
    result = signals(
        "events",
        "edit",
        str(second["id"]),
        "--summary",
        three_events[2]["summary"],
        "--source",
        "ISW",
    )
    assert result.exit_code == 1
    assert f"#{three_events[2]['id']}" in result.stderr
    assert snapshot() == before


def test_retract_hides_the_event_from_list_and_status(signals, three_events) -> None:
    target = three_events[2]

    def counted() -> int:
        status = signals.json("status")
        [row] = [i for i in status["indicators"] if i["id"] == "pause-to-rearm"]
        return row["events"]

    assert counted() == 1
    retracted = signals.json(
        "events", "retract", str(target["id"]), "--reason", "Misread the imagery"
    )
    assert retracted["retracted"] is True
    assert counted() == 0

    listed = signals.json("events", "list")
    assert target["id"] not in [e["id"] for e in listed]
    everything = signals.json("events", "list", "--include-retracted")
    [shown] = [e for e in everything if e["id"] == target["id"]]
    assert shown["retracted"] is True

    detail = signals.json("events", "show", str(target["id"]))
    assert detail["retraction"]["reason"] == "Misread the imagery"
    assert TIMESTAMP.match(detail["retraction"]["retracted_at"])


def test_retract_records_the_analyst(signals, three_events, monkeypatch) -> None:
    monkeypatch.setenv("SIGNALS_ANALYST", "kb")
    signals("events", "retract", "1", "--reason", "Duplicate report")
    assert signals.json("events", "show", "1")["retraction"]["analyst"] == "kb"


def test_a_retracted_event_cannot_be_edited(signals, three_events, snapshot) -> None:
    assert signals("events", "retract", "1", "--reason", "Wrong source").exit_code == 0
    before = snapshot()
    result = signals("events", "edit", "1", "--status", "refuted")
    assert result.exit_code == 1
    assert result.stderr == "Error: Event #1 is retracted and cannot be edited.\n"
    assert snapshot() == before


def test_a_second_retraction_is_refused(signals, three_events, snapshot) -> None:
    assert signals("events", "retract", "1", "--reason", "Wrong source").exit_code == 0
    before = snapshot()
    result = signals("events", "retract", "1", "--reason", "Still wrong")
    assert result.exit_code == 1
    assert "already retracted" in result.stderr
    assert snapshot() == before
    assert signals.json("events", "show", "1")["retraction"]["reason"] == "Wrong source"


def test_a_blank_reason_is_refused(signals, three_events, snapshot) -> None:
    before = snapshot()
    result = signals("events", "retract", "1", "--reason", "   ")
    assert result.exit_code == 1
    assert "reason" in result.stderr
    assert snapshot() == before


def test_logging_the_same_content_twice_is_refused(signals, snapshot) -> None:
    options = ("--observed", "2024-02-18", "--source", "TASS", "--url", "https://tass.com/x")
    first = log(signals, "rhetoric-without-action", "Ready for dialogue, says Putin", *options)
    before = snapshot()
    again = signals("log", "rhetoric-without-action", "Ready for dialogue, says Putin", *options)
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: An event with the same content is already logged as #{first['id']}.\n"
    )
    assert snapshot() == before
    # Case and spacing in the summary do not make it a different observation.
    respaced = signals(
        "log", "rhetoric-without-action", "ready for  dialogue, says PUTIN", *options
    )
    assert respaced.exit_code == 1

    other = log(signals, "rhetoric-without-action", "Ready for dialogue, repeats Peskov", *options)
    assert other["id"] != first["id"]
    other_day = log(
        signals,
        "rhetoric-without-action",
        "Ready for dialogue, says Putin",
        "--observed",
        "2024-02-19",
        "--source",
        "TASS",
        "--url",
        "https://tass.com/x",
    )
    assert other_day["id"] not in (first["id"], other["id"])
    assert len(signals.json("events", "list")) == 3


def test_show_table_includes_revisions_and_retraction(signals, three_events) -> None:
    signals("events", "edit", "2", "--status", "confirmed")
    signals("events", "retract", "2", "--reason", "Source recanted")
    result = signals("events", "show", "2")
    assert result.exit_code == 0
    assert "Source recanted" in result.stdout
    assert "Abu Dhabi" in result.stdout
    assert "Earlier revisions" in result.stdout
    assert "status: reported" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("events", "list"),
        ("report",),
        ("events", "show", "1"),
        ("status",),
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_text_that_looks_like_markup_is_shown_as_typed(signals, command) -> None:
    log(signals, "nuclear-threats", "[/bold] threat [red]quoted[/red]", "--source", "[/i]")
    result = signals(*command)
    assert result.exit_code == 0, result.stderr
    if command[0] == "events":
        assert "[/bold] threat [red]quoted[/red]" in result.stdout
        assert "[/i]" in result.stdout
