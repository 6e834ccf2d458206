"""`signals check` through the command line: each kind of tripwire fires once per crossing,
is recorded as an alert, and sets the exit status a scheduler acts on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from signals.alerts import NewAlert
from signals.errors import SignalsError
from signals.store import open_store
from tests.conftest import DEMO_CSV, EDITION1_CATALOGUE

FIRED, NOT_SENT = 10, 11


def check(signals, *args: str) -> tuple[int, dict[str, Any]]:
    result = signals("check", "--json", *args)
    assert result.exit_code in (0, FIRED), result.stderr
    return result.exit_code, json.loads(result.stdout)


def fired(document: dict[str, Any]) -> list[str]:
    return [f["tripwire"] for f in document["fired"]]


def log(signals, *args: str) -> int:
    result = signals("log", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


@pytest.fixture
def initialised(signals, db_path: Path) -> Path:
    result = signals("init")
    assert result.exit_code == 0, result.stderr
    return db_path


@pytest.fixture
def demo(signals, db_path: Path) -> Path:
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr
    return db_path


def test_the_first_check_reports_what_is_already_beyond_a_line_and_the_next_nothing(
    signals, demo: Path
) -> None:
    code, first = check(signals, "--as-of", "2024-06-01")

    assert code == FIRED
    assert first["compared_with"] is None
    assert {"probing-begins", "public-commitment", "deeds-begin"} <= set(fired(first))
    assert all(isinstance(f["alert"], int) for f in first["fired"])
    assert first["recorded"] is True

    code, again = check(signals, "--as-of", "2024-06-01")

    assert (code, again["fired"]) == (0, [])
    assert again["compared_with"]["as_of"] == "2024-06-01"


def test_the_demo_checked_day_by_day_fires_each_crossing_once(signals, demo: Path) -> None:
    """Stages reached and lost, an indicator refuted, probabilities crossing up and down
    and the lead changing, each on the day it happens and never again while it holds."""
    days = {
        "2024-01-10": [],
        # The stalemate scenario of 16 January sets the priors: frozen leads a tie.
        "2024-02-01": ["leader-changes"],
        # Ploy comes within 5 points of frozen: the two share the lead, then frozen
        # draws ahead again.
        "2024-04-20": ["probing-begins", "leader-changes"],
        "2024-05-20": ["public-commitment", "leader-changes"],
        "2024-06-01": ["deeds-begin"],
        "2024-06-10": ["deeds-lapse", "observers-refused", "genuine-back-below-prior"],
        "2024-06-20": ["ploy-majority", "leader-changes"],
        "2024-06-21": [],
    }
    for day, expected in days.items():
        code, document = check(signals, "--as-of", day)
        assert fired(document) == expected, day
        assert code == (FIRED if expected else 0)
    listed = signals.json("alerts", "list")
    assert isinstance(listed, list)
    assert [a["tripwire"] for a in listed].count("deeds-begin") == 1
    assert {a["as_of"] for a in listed if a["tripwire"] == "observers-refused"} == {"2024-06-10"}


def test_the_guides_replay_of_the_demo_fires_what_it_says(signals, demo: Path) -> None:
    replay = {
        "2024-05-20": ["probing-begins", "public-commitment", "leader-changes"],
        "2024-06-01": ["deeds-begin"],
        "2024-06-10": ["deeds-lapse", "observers-refused", "genuine-back-below-prior"],
        "2024-06-20": ["ploy-majority", "leader-changes"],
    }
    for day, expected in replay.items():
        assert fired(check(signals, "--as-of", day)[1]) == expected, day
    assert check(signals, "--as-of", "2024-05-20")[1]["recorded"] is False


def test_an_indicator_reaching_its_state_fires(signals, initialised: Path) -> None:
    check(signals, "--as-of", "2024-06-01")
    log(
        signals,
        "ceasefire-verification",
        "OSCE monitors deployed on both sides of the line, with access",
        "--observed", "2024-06-02", "-r", "A", "-c", "1", "--status", "confirmed",
    )  # fmt: skip

    code, document = check(signals, "--as-of", "2024-06-03")

    assert code == FIRED
    observers = next(f for f in document["fired"] if f["tripwire"] == "observers-admitted")
    assert observers["kind"] == "indicator"
    assert observers["severity"] == "critical"
    assert observers["detail"] == "ceasefire-verification went from absent to present."


def test_a_broken_truce_fires(signals, initialised: Path) -> None:
    truce = log(
        signals,
        "ceasefire-unilateral",
        "Moscow declares a ceasefire along the whole front",
        "--observed", "2024-06-01", "-r", "B", "-c", "2", "--status", "confirmed",
    )  # fmt: skip
    _, before = check(signals, "--as-of", "2024-06-02")
    assert "ceasefire-broken" not in fired(before)
    log(
        signals,
        "ceasefire-unilateral",
        "Massed shelling of Kharkiv resumes",
        "--observed", "2024-06-05", "-r", "B", "-c", "2", "--status", "confirmed",
        "--breaks", str(truce),
    )  # fmt: skip

    code, document = check(signals, "--as-of", "2024-06-06")

    assert code == FIRED
    assert "ceasefire-broken" in fired(document)


def test_a_withdrawn_position_fires(signals, initialised: Path) -> None:
    demand = log(
        signals,
        "demand-kyiv-initiate",
        "Lavrov: Kyiv must withdraw from four regions before any talks",
        "--observed", "2024-03-01", "-r", "A", "-c", "1", "--status", "confirmed",
    )  # fmt: skip
    check(signals, "--as-of", "2024-03-02")
    log(
        signals,
        "demand-kyiv-initiate",
        "Peskov: talks can begin without preconditions",
        "--observed", "2024-04-01", "-r", "A", "-c", "1", "--status", "confirmed",
        "--withdraws", str(demand),
    )  # fmt: skip

    code, document = check(signals, "--as-of", "2024-04-02")

    assert code == FIRED
    withdrawn = next(f for f in document["fired"] if f["tripwire"] == "kyiv-demands-withdrawn")
    assert (withdrawn["kind"], withdrawn["detail"]) == (
        "withdrawal",
        "demand-kyiv-initiate withdrawn.",
    )


def test_a_probability_crossing_upwards_fires_and_names_both_sides(signals, demo: Path) -> None:
    check(signals, "--as-of", "2024-06-10")

    code, document = check(signals, "--as-of", "2024-06-20")

    assert code == FIRED
    ploy = next(f for f in document["fired"] if f["tripwire"] == "ploy-majority")
    assert ploy["kind"] == "probability"
    assert ploy["detail"].startswith("P(ploy) rose from 4") and ploy["detail"].endswith(
        "above 50%."
    )
    assert document["state"]["leader"] == "ploy"
    assert document["state"]["leading"][0] == "ploy"


def test_the_state_names_a_tied_lead_as_the_brief_does(signals) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0
    _code, document = check(signals, "--as-of", "2024-06-01")
    assert document["state"]["leading"] == ["coercive", "frozen", "ploy"]
    assert document["state"]["leader"] == "coercive"


def test_the_text_output_names_severity_tripwire_message_and_alert(signals, demo: Path) -> None:
    result = signals("check", "--as-of", "2024-06-01")

    assert result.exit_code == FIRED
    assert "CRITICAL  deeds-begin  (alert #" in result.stdout
    assert "Stage 3 (Deeds) is reached." in result.stdout
    assert "Checked 2024-06-01 against the state with nothing on record" in result.stderr

    quiet = signals("-q", "check", "--as-of", "2024-06-01")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_replaying_an_earlier_day_shows_it_but_records_nothing(
    signals, demo: Path, snapshot
) -> None:
    check(signals, "--as-of", "2024-06-20")
    before = snapshot()

    result = signals("check", "--as-of", "2024-06-01", "--json")

    assert result.exit_code == FIRED
    document = json.loads(result.stdout)
    assert document["recorded"] is False
    assert "deeds-begin" in fired(document)
    assert all(f["alert"] is None for f in document["fired"])
    assert "2024-06-20 was checked already" in result.stderr
    assert snapshot() == before


def test_a_catalogue_without_tripwires_is_refused_and_nothing_recorded(
    signals, demo: Path, snapshot
) -> None:
    before = snapshot()
    result = signals("--catalogue", str(EDITION1_CATALOGUE), "check")

    assert result.exit_code == 1
    assert "has no tripwires to check" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot() == before


def test_a_missing_database_is_an_error_not_a_new_file(signals, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = signals("--db", str(missing), "check")
    assert result.exit_code == 1
    assert "signals init" in result.stderr
    assert not missing.exists()


def test_as_known_checks_only_what_had_been_logged(signals, demo: Path) -> None:
    """The demo was logged today: as known at its own dates, nothing was on record."""
    code, document = check(signals, "--as-of", "2024-06-20", "--as-known")
    assert (code, document["fired"], document["as_known"]) == (0, [], True)


def test_a_check_recorded_meanwhile_stops_a_second_from_recording(demo: Path) -> None:
    store = open_store(demo)
    try:
        first = store.record_check(
            ("kremlin-peace-signals", 2),
            __import__("datetime").date(2024, 6, 1),
            as_known=False,
            state='{"hypotheses": {}, "stages": {}, "indicators": {}}',
            fired=[NewAlert("deeds-begin", "critical", "A deed.", "Stage 3 (Deeds) is reached.")],
            previous=None,
        )
        assert [a.tripwire for a in first] == ["deeds-begin"]
        with pytest.raises(SignalsError, match="Another check was recorded"):
            store.record_check(
                ("kremlin-peace-signals", 2),
                __import__("datetime").date(2024, 6, 1),
                as_known=False,
                state="{}",
                fired=[],
                previous=None,
            )
    finally:
        store.close()
    with sqlite3.connect(demo) as connection:
        assert connection.execute("SELECT count(*) FROM checks").fetchone() == (1,)


def test_the_database_keeps_checks_and_alerts_as_recorded(signals, demo: Path) -> None:
    check(signals, "--as-of", "2024-06-01")
    connection = sqlite3.connect(demo)
    try:
        for statement in (
            "DELETE FROM alerts",
            "DELETE FROM checks",
            "UPDATE checks SET state = '{}'",
            "UPDATE alerts SET detail = 'nothing'",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement)
        connection.execute(
            "UPDATE alerts SET acknowledged_at = '2024-06-02T08:00:00Z', note = 'Seen.'"
            " WHERE id = 1"
        )
        with pytest.raises(sqlite3.IntegrityError, match="acknowledged once"):
            connection.execute("UPDATE alerts SET note = 'Seen again.' WHERE id = 1")
    finally:
        connection.close()


def test_the_second_catalogue_has_tripwires_of_its_own(signals, monkeypatch) -> None:
    from signals.paths import data_dir

    monkeypatch.setenv(
        "SIGNALS_CATALOGUE", str(data_dir() / "catalogues" / "offensive-preparation.toml")
    )
    events = data_dir() / "demo" / "offensive-preparation-events.csv"
    assert signals("import", str(events)).exit_code == 0

    _, build_up = check(signals, "--as-of", "2025-09-15")
    _, quiet = check(signals, "--as-of", "2025-10-15")
    _, sustained = check(signals, "--as-of", "2025-11-01")

    assert build_up["catalogue"] == {"id": "offensive-preparation", "version": 1}
    assert fired(build_up) == ["build-up-under-way"]
    assert fired(quiet) == []
    assert fired(sustained) == ["sustainment-for-war"]


def test_a_check_whose_state_cannot_be_read_is_refused_in_words(
    signals, initialised: Path, snapshot
) -> None:
    with sqlite3.connect(initialised) as connection:
        connection.execute(
            "INSERT INTO checks (catalogue, catalogue_version, as_of, as_known, checked_at,"
            " state, fired) VALUES ('kremlin-peace-signals', 2, '2024-06-01', 0,"
            " '2024-06-01T06:00:00Z', '{}', 0)"
        )
    before = snapshot()

    result = signals("check", "--as-of", "2024-06-02")

    assert result.exit_code == 1
    assert "The state check #1 recorded cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot() == before
