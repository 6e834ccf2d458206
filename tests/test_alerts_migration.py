"""m009_alerts: a database as m007 left it gains checks and alerts without losing a thing,
and a check on it works at once."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlite_utils import Database

from signals.alerts import NewAlert
from signals.migrations import migrations
from signals.store import open_store
from tests.conftest import DEMO_CSV


def test_a_database_at_m007_migrates_to_alerts_without_loss(signals, tmp_path: Path) -> None:
    current = tmp_path / "current.db"
    assert signals("--db", str(current), "import", str(DEMO_CSV)).exit_code == 0
    assert (
        signals("--db", str(current), "events", "retract", "3", "--reason", "Wrong").exit_code == 0
    )
    old = tmp_path / "m007.db"
    db = Database(old)
    migrations().apply(db, stop_before="m009_alerts")
    db.conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    for table in ("events", "event_revisions", "retractions", "evidence_totals", "catalogues"):
        db.conn.execute(f"INSERT INTO {table} SELECT * FROM current.{table}")
    db.conn.commit()
    db.conn.execute("DETACH DATABASE current")
    db.close()
    with closing(sqlite3.connect(old)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert "checks" not in tables and "alerts" not in tables

    def read(path: Path, *args: str) -> object:
        return signals.json("--db", str(path), *args)

    assert read(old, "events", "list", "--include-retracted") == read(
        current, "events", "list", "--include-retracted"
    )
    assert read(old, "status", "--as-of", "2024-06-20") == read(
        current, "status", "--as-of", "2024-06-20"
    )
    assert read(old, "alerts", "list") == []
    first = signals("--db", str(old), "check", "--as-of", "2024-06-01", "--json")
    assert first.exit_code == 10, first.stderr
    assert signals("--db", str(old), "db", "check").exit_code == 0


def test_a_past_report_knows_only_the_acknowledgements_given_by_then(tmp_path: Path) -> None:
    store = open_store(tmp_path / "known.db")
    try:
        (alert,) = store.record_check(
            ("kremlin-peace-signals", 2),
            dt.date(2024, 6, 20),
            as_known=False,
            state='{"hypotheses": {}, "stages": {}, "indicators": {}}',
            fired=[NewAlert("ploy-majority", "warning", "A ploy leads.", "P(ploy) rose.")],
            previous=None,
            now="2024-06-20T07:00:00Z",
        )
        store.acknowledge(alert.id, "Briefed.", "Ann", now="2024-06-24T09:00:00Z")

        def known(by: str) -> list[tuple[str, str | None]]:
            return [(a.tripwire, a.note) for a in store.alerts(known_by=by)]

        assert known("2024-06-20") == []
        assert known("2024-06-21") == [("ploy-majority", None)]
        assert known("2024-06-25") == [("ploy-majority", "Briefed.")]
        assert store.alerts(catalogue="another-catalogue") == []
    finally:
        store.close()
