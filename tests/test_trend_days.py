"""Trend days kept between reports: a report shows a kept day only while the record
under it is unchanged, and shows exactly what it would have scored.

A kept day is recognised by a mark: its P(genuine) is overwritten in the database with a
figure no score gives, so a report that shows the mark read the kept day, and one that
does not scored the day again."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from signals.store import Store
from signals.store import trend_days as kept_store
from tests.conftest import DEMO_CSV, snapshot_of

AS_OF = "2024-06-20"  # a Thursday: the trend's Sundays run from 7 April to 16 June
MARK = 0.1234
# The Sundays before the week before: those a report keeps.
KEPT = [
    "2024-04-07",
    "2024-04-14",
    "2024-04-21",
    "2024-04-28",
    "2024-05-05",
    "2024-05-12",
    "2024-05-19",
    "2024-05-26",
    "2024-06-02",
    "2024-06-09",
]


@pytest.fixture
def demo(signals):  # type: ignore[no-untyped-def]
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    return signals


def trend(signals, *args: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    document = signals.json("report", "--as-of", AS_OF, *args)
    return {point["as_of"]: point["p_genuine"] for point in document["trend"]}


def kept_days(db_path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(db_path)) as connection:
        return {
            as_of: json.loads(day)
            for as_of, day in connection.execute("SELECT as_of, day FROM trend_days")
        }


def mark_kept_days(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as connection, connection:
        for as_of, day in connection.execute("SELECT as_of, day FROM trend_days").fetchall():
            marked = {**json.loads(day), "p_genuine": MARK}
            connection.execute(
                "UPDATE trend_days SET day = ? WHERE as_of = ?", (json.dumps(marked), as_of)
            )


def marked(shown: dict[str, float]) -> list[str]:
    return sorted(day for day, p in shown.items() if p == MARK)


def test_a_report_keeps_its_past_days_and_the_next_shows_them_unchanged(
    demo, db_path: Path
) -> None:
    first = demo.json("report", "--as-of", AS_OF)
    assert sorted(kept_days(db_path)) == KEPT
    again = demo.json("report", "--as-of", AS_OF)
    assert again == first
    # The second report read them: marked, they show as marked, the days after them not.
    mark_kept_days(db_path)
    assert marked(trend(demo)) == KEPT


def test_a_kept_day_is_what_scoring_it_again_gives(demo, db_path: Path) -> None:
    """Every field of a kept day, against the same day scored afresh: the kept ones
    dropped from the database, the next report scores and keeps them again."""
    demo("report", "--as-of", AS_OF)
    before = kept_days(db_path)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("DELETE FROM trend_days")
    demo("report", "--as-of", AS_OF)
    assert kept_days(db_path) == before
    assert any(day["fresh"] for day in before.values()), "the demo should move the trend"


def test_an_event_observed_after_the_kept_days_keeps_them(demo, db_path: Path) -> None:
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    logged = demo("log", "declaration-intent", "A statement", "--observed", "2024-06-12")
    assert logged.exit_code == 0
    assert marked(trend(demo)) == KEPT


@pytest.mark.parametrize("observed", ["2024-05-15", "2024-05-12"], ids=["weekday", "sunday"])
def test_an_event_observed_by_a_kept_day_has_that_day_and_every_later_one_scored_again(
    demo, db_path: Path, observed: str
) -> None:
    """Observed between two kept Sundays, or on one of them."""
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    logged = demo("log", "declaration-intent", "A statement", "--observed", observed)
    assert logged.exit_code == 0
    before_it = [day for day in KEPT if day < observed]
    assert marked(trend(demo)) == before_it
    # The days scored again are kept anew, for the record as it now stands.
    assert marked(trend(demo)) == before_it
    mark_kept_days(db_path)
    assert marked(trend(demo)) == KEPT


@pytest.mark.parametrize(
    "change",
    [
        ("events", "edit", "1", "--status", "refuted", "--reason", "re-read"),
        ("events", "retract", "1", "--reason", "a duplicate"),
    ],
    ids=["edit", "retraction"],
)
def test_an_edit_or_a_retraction_has_every_day_scored_again(
    demo, db_path: Path, change: tuple[str, ...]
) -> None:
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    result = demo(*change)
    assert result.exit_code == 0, result.stderr
    assert marked(trend(demo)) == []


def test_a_change_made_outside_signals_has_every_day_scored_again(demo, db_path: Path) -> None:
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        changed = connection.execute("UPDATE events SET observed_at = '2024-04-01' WHERE id = 3")
        assert changed.rowcount == 1
    assert marked(trend(demo)) == []


def test_many_events_added_have_every_day_scored_again(
    demo, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a bound, the events added since are not read one by one to tell which days
    they leave standing: every day is scored again."""
    monkeypatch.setattr(kept_store, "ADDED_LOOKED_AT", 1)
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    for day in ("2024-06-18", "2024-06-19"):
        assert demo("log", "declaration-intent", f"Said {day}", "--observed", day).exit_code == 0
    assert marked(trend(demo)) == []


@pytest.mark.parametrize(
    "args", [("--prior", "0.2"), ("--as-known",)], ids=["another-prior", "as-known"]
)
def test_another_prior_or_the_record_as_known_never_shows_a_kept_day(
    demo, db_path: Path, args: tuple[str, ...]
) -> None:
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    assert marked(trend(demo, *args)) == []


def test_a_report_as_known_keeps_nothing(demo, db_path: Path) -> None:
    demo("report", "--as-of", AS_OF, "--as-known")
    assert kept_days(db_path) == {}


def test_another_catalogue_never_shows_a_kept_day(
    demo, db_path: Path, on_edition1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first report runs on the first edition (on_edition1 names it for every command).
    demo("report", "--as-of", AS_OF)
    mark_kept_days(db_path)
    monkeypatch.delenv("SIGNALS_CATALOGUE")
    assert marked(trend(demo)) == []


def test_a_database_this_user_may_only_read_gives_the_report_and_keeps_nothing(
    demo, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = demo.json("report", "--as-of", AS_OF)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("DELETE FROM trend_days")
    before = snapshot_of(db_path)
    monkeypatch.setattr(Store, "writable", lambda self: False)
    assert demo.json("report", "--as-of", AS_OF) == first
    assert snapshot_of(db_path) == before


def test_a_report_never_waits_for_another_writer_to_keep_its_days(demo, db_path: Path) -> None:
    first = demo.json("report", "--as-of", AS_OF)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("DELETE FROM trend_days")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        shown = demo.json("report", "--as-of", AS_OF)
        waited = time.monotonic() - started
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert shown == first
    assert kept_days(db_path) == {}
    # Every other write waits up to thirty seconds for the lock: this one did not wait.
    assert waited < 10


def test_the_events_added_since_a_day_was_kept_are_read_by_id(
    demo, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not through the observation-date index, which would walk every event on record to
    find the first of a few new ones."""
    from tests.test_storage import _plans

    demo("report", "--as-of", AS_OF)
    assert demo("log", "declaration-intent", "Said", "--observed", "2024-06-19").exit_code == 0
    plans = _plans(demo, monkeypatch, db_path, "report", "--as-of", AS_OF, "--json")
    added = [plan for sql, plan in plans if "min(observed_at)" in sql and "id >" in sql]
    assert added == [["SEARCH events USING INTEGER PRIMARY KEY (rowid>?)"]]


def fresh_report(signals, db_path: Path, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """The report with no day kept: what every kept day must reproduce."""
    with closing(sqlite3.connect(db_path)) as connection, connection:
        kept = connection.execute("SELECT * FROM trend_days").fetchall()
        connection.execute("DELETE FROM trend_days")
    document = signals.json("report", *args)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("DELETE FROM trend_days")
        connection.executemany("INSERT INTO trend_days VALUES (?, ?, ?, ?, ?)", kept)
    return document  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "args",
    [
        ("--as-of", AS_OF),
        ("--as-of", "2024-06-16"),  # a Sunday: the report's own day is a trend Sunday
        ("--week", "2024-W24"),
        ("--as-of", AS_OF, "--weeks", "4"),
        ("--as-of", AS_OF, "--weeks", "30"),
    ],
    ids=["thursday", "sunday", "week", "four-weeks", "thirty-weeks"],
)
def test_a_report_with_days_kept_is_the_report_scored_afresh(
    demo, db_path: Path, args: tuple[str, ...]
) -> None:
    """Whatever the shape of the report, and after events are added around the kept
    days (one after them, which leaves them standing, one before the last of them)."""
    demo.json("report", *args)
    assert demo.json("report", *args) == fresh_report(demo, db_path, *args)
    for observed in ("2024-06-14", "2024-05-30"):
        logged = demo("log", "pause-to-rearm", f"Seen {observed}", "--observed", observed)
        assert logged.exit_code == 0
        assert demo.json("report", *args) == fresh_report(demo, db_path, *args)


def test_only_one_scoring_is_kept(demo, db_path: Path) -> None:
    """Days kept for another prior go when days are kept for this one: the table holds a
    row per day at most."""
    demo("report", "--as-of", AS_OF, "--prior", "0.2")
    demo("report", "--as-of", AS_OF)
    with closing(sqlite3.connect(db_path)) as connection:
        rows = connection.execute("SELECT count(*), count(DISTINCT scoring) FROM trend_days")
        assert rows.fetchone() == (len(KEPT), 1)


def test_the_count_of_changes_cannot_be_set_back_or_taken_away(demo, db_path: Path) -> None:
    assert demo("events", "retract", "1", "--reason", "a duplicate").exit_code == 0
    with closing(sqlite3.connect(db_path)) as connection:
        for statement in (
            "UPDATE record_changes SET changes = 0",
            "DELETE FROM record_changes",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement)


def test_the_scoring_key_changes_with_the_catalogue_the_prior_and_the_scoring_code(
    catalogue, edition1, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from signals.trend_days import PACKAGE, scoring_key

    # A copy of the package, whose sources may be touched while other tests run.
    package = shutil.copytree(PACKAGE, tmp_path / "signals")
    key = scoring_key(catalogue, None, package)
    assert key is not None and key == scoring_key(catalogue, None, package)
    assert scoring_key(catalogue, 0.2, package) != key
    assert scoring_key(edition1, None, package) != key
    source = package / "indicators.py"
    status = source.stat()
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))
    assert scoring_key(catalogue, None, package) != key
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert scoring_key(catalogue, None, package) == key
    # What only shows a score is no part of it.
    os.utime(package / "render" / "brief.py", ns=(0, 0))
    assert scoring_key(catalogue, None, package) == key


def test_the_code_that_only_shows_a_score_is_no_part_of_the_key() -> None:
    from signals.trend_days import PACKAGE, _sources

    parts = {path.relative_to(PACKAGE).parts[0] for path in _sources(PACKAGE)}
    assert "scoring.py" in parts and "store" in parts
    assert not parts & {"cli", "render", "mapping", "data", "__pycache__"}


def test_a_database_from_before_kept_days_migrates_and_reports_the_same(
    signals, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlite_utils import Database

    from signals.migrations import migrations
    from tests.test_storage import record_tables

    current = tmp_path / "current.db"
    for command in (
        ("import", str(DEMO_CSV)),
        ("events", "edit", "2", "--reliability", "E"),
        ("events", "retract", "3", "--reason", "Misattributed"),
    ):
        assert signals("--db", str(current), *command).exit_code == 0, command
    old = tmp_path / "before-m012.db"
    db = Database(old)
    migrations().apply(db, stop_before="m012_trend_days")
    db.conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    tables = record_tables(db.conn)
    assert "trend_days" not in tables
    for table in tables:
        db.conn.execute(f"INSERT INTO {table} SELECT * FROM current.{table}")
    db.conn.commit()
    db.conn.execute("DETACH DATABASE current")
    db.close()

    report = ("report", "--as-of", AS_OF, "--json")
    migrated = signals("--db", str(old), *report)
    assert migrated.exit_code == 0, migrated.stderr
    assert json.loads(migrated.stdout) == signals.json("--db", str(current), *report[:-1])
    assert sorted(kept_days(old)) == KEPT
    assert signals("--db", str(old), "db", "check").exit_code == 0
