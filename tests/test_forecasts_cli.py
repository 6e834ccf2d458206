"""`signals forecasts ...` and the figures `report` keeps: through the command line, on
real database files."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from signals.events import EventInput
from signals.store import Store, open_store
from tests.conftest import TODAY
from tests.test_cli_errors import assert_data_error

A1 = ("-r", "A", "-c", "1", "--status", "confirmed")


def log(signals, indicator: str, observed: str) -> int:  # type: ignore[no-untyped-def]
    result = signals("log", indicator, f"{indicator} seen {observed}", "--observed", observed, *A1)
    assert result.exit_code == 0, result.stderr
    return int(signals.json("events", "list")[0]["id"])  # type: ignore[index]


def log_at(db_path: Path, indicator: str, observed: str, logged: str) -> None:
    """An event as if it had been logged at `logged` (UTC), for as-known readings."""
    store = open_store(db_path)
    try:
        store.log(
            EventInput(
                indicator=indicator,
                summary=f"{indicator} seen {observed}",
                observed_at=dt.date.fromisoformat(observed),
                reliability="A",
                credibility="1",
                status="confirmed",
            ),
            now=logged,
        )
    finally:
        store.close()


def record(signals) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return signals.json("forecasts", "list")  # type: ignore[no-any-return]


def p_of(signals, *args: str) -> float:  # type: ignore[no-untyped-def]
    return float(signals.json("status", *args)["score"]["p_genuine"])  # type: ignore[index]


# The figures kept by a report.


def test_a_report_of_today_keeps_its_figures_and_a_later_run_that_day_replaces_them(
    signals,
) -> None:
    assert signals("init").exit_code == 0
    log(signals, "declaration-intent", TODAY.isoformat())
    assert signals("report", "--json").exit_code == 0
    first = record(signals)["forecasts"]
    assert [(f["as_of"], f["issued_by"]) for f in first] == [(TODAY.isoformat(), "report")]
    assert first[0]["p_headline"] == pytest.approx(p_of(signals), abs=1e-4)
    assert first[0]["catalogue"] == {
        "id": "kremlin-peace-signals",
        "version": first[0]["catalogue"]["version"],
    }
    assert set(first[0]["hypotheses"]) == {"genuine", "frozen", "ploy", "coercive"}
    assert sum(first[0]["hypotheses"].values()) == pytest.approx(1, abs=1e-3)
    assert first[0]["range"][0] <= first[0]["p_headline"] <= first[0]["range"][1]

    log(signals, "pause-to-rearm", TODAY.isoformat())
    assert signals("report").exit_code == 0
    again = record(signals)["forecasts"]
    assert len(again) == 1
    assert again[0]["p_headline"] == pytest.approx(p_of(signals), abs=1e-4)
    assert again[0]["p_headline"] < first[0]["p_headline"]


@pytest.mark.parametrize(
    "args",
    [["--as-of", "2024-06-20"], ["--week", "2024-W25"], ["--prior", "0.3"]],
    ids=["a past day", "a past week", "another prior"],
)
def test_a_replay_or_a_what_if_keeps_nothing(signals, args) -> None:
    log(signals, "declaration-intent", "2024-06-18")
    assert signals("report", *args, "--json").exit_code == 0
    assert record(signals)["forecasts"] == []


def test_a_report_on_a_database_this_user_may_only_read_is_given_and_says_so(
    signals, snapshot, monkeypatch
) -> None:
    log(signals, "declaration-intent", TODAY.isoformat())
    before = snapshot()
    monkeypatch.setattr(Store, "writable", lambda self: False)
    result = signals("report", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == TODAY.isoformat()
    assert "read-only to you" in result.stderr
    assert snapshot() == before


def test_a_report_does_not_wait_out_another_writer_and_says_its_figures_were_not_kept(
    signals, db_path, snapshot
) -> None:
    log(signals, "declaration-intent", TODAY.isoformat())
    before = snapshot()
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        result = signals("report", "--json")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == TODAY.isoformat()
    assert result.stderr.startswith("Warning: this report's figures were not kept")
    assert "locked" in result.stderr
    assert snapshot() == before


# Backfilling as known.


def test_a_backfill_keeps_each_week_as_it_was_known_at_its_end(signals, db_path) -> None:
    assert signals("init").exit_code == 0
    log_at(db_path, "declaration-intent", "2024-06-03", "2024-06-04T10:00:00Z")
    # Observed in the first week, but only logged in the third.
    log_at(db_path, "pause-to-rearm", "2024-06-05", "2024-06-20T10:00:00Z")

    done = signals.json("forecasts", "record", "--since", "2024-06-03", "--as-of", "2024-06-23")
    assert done == {"days": 3, "written": 3, "already_kept": 0}
    kept = {f["as_of"]: f for f in record(signals)["forecasts"]}
    assert list(kept) == ["2024-06-09", "2024-06-16", "2024-06-23"]
    for day, figures in kept.items():
        assert figures["issued_by"] == "backfill"
        assert figures["p_headline"] == pytest.approx(
            p_of(signals, "--as-of", day, "--as-known"), abs=1e-4
        )
    # What was said on the 16th did not know of the rearming; hindsight does.
    assert kept["2024-06-16"]["p_headline"] > p_of(signals, "--as-of", "2024-06-16") + 0.01
    assert kept["2024-06-23"]["p_headline"] == pytest.approx(
        p_of(signals, "--as-of", "2024-06-23"), abs=1e-4
    )


def test_a_backfill_never_rewrites_what_was_kept(signals, db_path) -> None:
    assert signals("init").exit_code == 0
    log_at(db_path, "declaration-intent", "2024-06-03", "2024-06-04T10:00:00Z")
    assert signals("forecasts", "record", "--as-of", "2024-06-09").exit_code == 0
    before = record(signals)["forecasts"]
    # A correction made later changes the record as it now reads, not what was said.
    assert signals("events", "retract", "1", "--reason", "Misattributed").exit_code == 0
    again = signals("forecasts", "record", "--since", "2024-06-03", "--as-of", "2024-06-16")
    assert again.exit_code == 0, again.stderr
    assert "2 days from 2024-06-09 to 2024-06-16: 1 written, 1 already on record" in again.stderr
    after = record(signals)["forecasts"]
    assert after[0] == before[0]
    assert [f["as_of"] for f in after] == ["2024-06-09", "2024-06-16"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--as-of", (TODAY + dt.timedelta(days=1)).isoformat()], "after today"),
        (["--as-of", "2024-06-01", "--since", "2024-06-10"], "after the as-of date"),
        (["--as-of", "2024-06-01", "--since", "2010-01-01"], "at most 520"),
    ],
)
def test_a_backfill_refuses_what_cannot_be_known(signals, snapshot, args, words) -> None:
    assert signals("init").exit_code == 0
    before = snapshot()
    result = signals("forecasts", "record", *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert snapshot() == before


# Resolutions.


def test_a_resolution_is_recorded_listed_and_corrected(signals) -> None:
    assert signals("init").exit_code == 0
    resolved = signals.json(
        "forecasts",
        "resolve",
        "--hypothesis",
        "Frozen",
        "--from",
        "2024-06-01",
        "--note",
        "Lines held",
        "--analyst",
        "desk",
    )
    assert resolved == {
        "id": 1,
        "catalogue": "kremlin-peace-signals",
        "hypothesis": "frozen",
        "holds_from": "2024-06-01",
        "note": "Lines held",
        "analyst": "desk",
        "recorded_at": resolved["recorded_at"],  # type: ignore[index]
        "superseded": False,
    }
    assert (
        signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-01").exit_code
        == 0
    )
    listed = record(signals)["resolutions"]
    assert [(r["hypothesis"], r["superseded"]) for r in listed] == [
        ("frozen", True),
        ("ploy", False),
    ]
    table = signals("forecasts", "list").stdout
    assert "(corrected) Lines held" in table
    assert "No forecasts on record" in table


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--hypothesis", "peace", "--from", "2024-06-01"],
            "use one of genuine, frozen, ploy, coercive",
        ),
        (
            ["--hypothesis", "ploy", "--from", "2024-06-01", "--note", "bad \x1b[31m"],
            "control characters",
        ),
        (["--hypothesis", "ploy", "--from", "2024-06-01", "--note", "x" * 2_001], "at most 2000"),
    ],
)
def test_a_bad_resolution_is_one_sentence_and_changes_nothing(
    signals, snapshot, args, words
) -> None:
    assert signals("init").exit_code == 0
    before = snapshot()
    line = assert_data_error(signals("forecasts", "resolve", *args))
    assert words in line
    assert snapshot() == before


def test_a_resolution_from_the_future_is_refused(signals, snapshot) -> None:
    assert signals("init").exit_code == 0
    before = snapshot()
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    result = signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", tomorrow)
    assert result.exit_code == 2
    assert "after today" in result.stderr
    assert snapshot() == before


def test_the_record_needs_a_database(signals, tmp_path) -> None:
    missing = tmp_path / "missing.db"
    for args in (
        ["forecasts", "list"],
        ["forecasts", "score"],
        ["forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-01"],
    ):
        line = assert_data_error(signals("--db", str(missing), *args))
        assert "no database" in line
    assert not missing.exists()


def test_a_first_edition_catalogue_resolves_genuine_or_other(signals, on_edition1) -> None:
    assert signals("init").exit_code == 0
    assert (
        signals("forecasts", "resolve", "--hypothesis", "other", "--from", "2024-06-01").exit_code
        == 0
    )
    line = assert_data_error(
        signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-01")
    )
    assert "use one of genuine, other" in line


# The score.


def test_the_score_sets_what_was_said_beside_what_held(signals, db_path) -> None:
    assert signals("init").exit_code == 0
    log_at(db_path, "declaration-intent", "2024-06-03", "2024-06-04T10:00:00Z")
    log_at(db_path, "pause-to-rearm", "2024-06-12", "2024-06-13T10:00:00Z")
    assert (
        signals("forecasts", "record", "--since", "2024-05-27", "--as-of", "2024-06-23").exit_code
        == 0
    )
    assert (
        signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-05").exit_code
        == 0
    )

    kept = record(signals)["forecasts"]
    resolved = [f for f in kept if f["as_of"] >= "2024-06-05"]
    assert len(kept) == 4 and len(resolved) == 3

    def brier(stated: dict[str, float]) -> float:
        return sum((p - (h == "ploy")) ** 2 for h, p in stated.items())

    score = signals.json("forecasts", "score", "--bins", "5")
    assert score["weekly_forecasts"] == 4  # type: ignore[index]
    assert score["resolved"] == 3  # type: ignore[index]
    assert score["brier"] == pytest.approx(  # type: ignore[index]
        sum(brier(f["hypotheses"]) for f in resolved) / 3, abs=1e-3
    )
    assert score["brier_headline"] == pytest.approx(  # type: ignore[index]
        sum(f["p_headline"] ** 2 for f in resolved) / 3, abs=1e-3
    )
    assert score["brier_priors"] == pytest.approx(brier(resolved[0]["priors"]), abs=1e-3)  # type: ignore[index]
    bins = score["calibration"]  # type: ignore[index]
    assert [b["bin"] for b in bins] == [[0.0, 0.2], [0.2, 0.4], [0.4, 0.6], [0.6, 0.8], [0.8, 1.0]]
    assert sum(b["count"] for b in bins) == 12
    assert sum((b["observed"] or 0) * b["count"] for b in bins) == pytest.approx(3, abs=1e-3)

    table = signals("forecasts", "score").stdout
    assert "Brier scores" in table and "Calibration" in table
    assert f"{score['brier']:.3f}" in table  # type: ignore[index]


def test_the_score_without_a_resolution_says_what_to_do(signals) -> None:
    log(signals, "declaration-intent", TODAY.isoformat())
    assert signals("report", "--json").exit_code == 0
    result = signals("forecasts", "score")
    assert result.exit_code == 0
    assert "1 weekly forecasts on record, none resolved" in result.stdout
    assert signals.json("forecasts", "score")["brier"] is None  # type: ignore[index]


def test_the_record_is_never_deleted(signals, db_path) -> None:
    assert signals("init").exit_code == 0
    assert signals("forecasts", "record").exit_code == 0
    assert (
        signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-01").exit_code
        == 0
    )
    connection = sqlite3.connect(db_path)
    try:
        for statement in (
            "DELETE FROM forecasts",
            "DELETE FROM resolutions",
            "UPDATE resolutions SET hypothesis = 'genuine'",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement)
    finally:
        connection.close()


def test_the_record_names_a_tied_lead_as_a_tie(signals) -> None:  # type: ignore[no-untyped-def]
    """With no evidence the three rivals of genuine intent share the prior: the record
    shows the lead as the brief stated it, a tie, not a leader picked by a rounding."""
    assert signals("init").exit_code == 0
    assert signals("forecasts", "record", "--as-of", "2024-06-16").exit_code == 0
    table = " ".join(signals("forecasts", "list").stdout.split())
    assert "coercive 30%, frozen 30% and ploy 30% tied" in table
