"""The schema: numbered migrations, applied once, each upgradable from the one before."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlite_utils import Database

from signals.migrations import (
    KNOWN_MIGRATIONS,
    MIGRATION_FUNCTIONS,
    MIGRATION_SET,
    MIGRATIONS_TABLE,
    migrations,
)
from signals.store import open_store
from tests.conftest import open_store_seen


def _names(connection: sqlite3.Connection, kind: str) -> set[str]:
    return {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'", (kind,)
        )
    }


def _recorded(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [
            row[0]
            for row in connection.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY id",
                (MIGRATION_SET,),
            )
        ]
    finally:
        connection.close()


def test_migration_names_are_numbered_and_unique() -> None:
    assert tuple(f.__name__ for f in MIGRATION_FUNCTIONS) == KNOWN_MIGRATIONS
    assert len(set(KNOWN_MIGRATIONS)) == len(KNOWN_MIGRATIONS)
    for number, name in enumerate(KNOWN_MIGRATIONS, start=1):
        assert name.startswith(f"m{number:03d}_"), name


def test_a_blank_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    store = open_store(path)
    try:
        assert store.schema_version() == list(KNOWN_MIGRATIONS)
    finally:
        store.close()
    assert _recorded(path) == list(KNOWN_MIGRATIONS)


def test_the_schema_has_the_tables_indexes_and_triggers(tmp_path: Path) -> None:
    store, connection = open_store_seen(tmp_path / "schema.db")
    try:
        assert {"events", "event_revisions", "retractions", MIGRATIONS_TABLE} <= _names(
            connection, "table"
        )
        assert {
            "events_external_id",
            "events_fingerprint",
            "events_evidence",
            "events_observed",
            "events_logged",
            "retractions_at",
        } <= _names(connection, "index")
        assert {"events_no_delete", "revisions_no_update", "revisions_no_delete"} <= _names(
            connection, "trigger"
        )
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    finally:
        store.close()


def test_report_queries_use_the_indexes(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    open_store(path).close()
    connection = sqlite3.connect(path)
    try:
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM events"
                " WHERE indicator = 'x' AND observed_at <= '2024-01-01'"
            )
        )
        # Any index led by the indicator will do (later migrations may add better ones).
        assert re.search(r"USING (COVERING )?INDEX events_\w+ \(indicator=", plan), plan
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM events WHERE logged_at >= '2024-01-01'"
            )
        )
        assert re.search(r"USING (COVERING )?INDEX events_logged", plan), plan
    finally:
        connection.close()


def test_opening_twice_does_not_reapply(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    open_store(path).close()
    connection = sqlite3.connect(path)
    first = connection.execute(f"SELECT id, name, applied_at FROM {MIGRATIONS_TABLE}").fetchall()
    connection.close()
    open_store(path).close()
    open_store(path).close()
    connection = sqlite3.connect(path)
    again = connection.execute(f"SELECT id, name, applied_at FROM {MIGRATIONS_TABLE}").fetchall()
    connection.close()
    assert again == first
    assert len(first) == len(KNOWN_MIGRATIONS)


def _insert_raw_event(connection: sqlite3.Connection, summary: str = "A stored event") -> int:
    cursor = connection.execute(
        "INSERT INTO events (indicator, summary, observed_at, reliability, credibility, status,"
        " fingerprint, logged_at, revised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "declaration-intent",
            summary,
            "2024-02-20",
            "B",
            "2",
            "reported",
            f"fp-{summary}",
            "2024-02-21T08:00:00Z",
            "2024-02-21T08:00:00Z",
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def test_the_database_refuses_to_delete_events(tmp_path: Path) -> None:
    path = tmp_path / "nodelete.db"
    store = open_store(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        event_id = _insert_raw_event(connection)
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            connection.execute("DELETE FROM events WHERE id = ?", (event_id,))
        assert store.count() == 1
    finally:
        connection.close()
        store.close()


def test_the_database_refuses_to_rewrite_revisions(tmp_path: Path) -> None:
    path = tmp_path / "revisions.db"
    store = open_store(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        from signals.catalogue_loader import load_catalogue
        from signals.events import parse_event
        from signals.paths import default_catalogue_path

        catalogue = load_catalogue(default_catalogue_path())
        fields = {
            "indicator": "nuclear-threats",
            "summary": "A threat",
            "observed_at": "2024-01-01",
        }
        event = store.log(parse_event(fields, catalogue))
        store.edit(event.id, parse_event({**fields, "status": "confirmed"}, catalogue))
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            connection.execute("UPDATE event_revisions SET summary = 'rewritten'")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            connection.execute("DELETE FROM event_revisions")
        assert [r.fields["summary"] for r in store.revisions(event.id)] == ["A threat"]
    finally:
        connection.close()
        store.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reliability", "Z"),
        ("reliability", "a"),
        ("reliability", "AB"),
        ("reliability", ""),
        ("credibility", "7"),
        ("credibility", "0"),
        ("credibility", "12"),
        ("status", "rumoured"),
        ("status", "Reported"),
        ("observed_at", "2024-1-01"),
        ("observed_at", "yesterday"),
    ],
)
def test_the_database_checks_each_coded_column(tmp_path: Path, column: str, value: str) -> None:
    path = tmp_path / "checks.db"
    store = open_store(path)
    connection = sqlite3.connect(path, isolation_level=None)
    row = {
        "indicator": "x",
        "summary": "y",
        "observed_at": "2024-01-01",
        "reliability": "A",
        "credibility": "1",
        "status": "reported",
        "fingerprint": "f",
        "logged_at": "n",
        "revised_at": "n",
    }
    try:
        insert = f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        connection.execute(insert, list(row.values()))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(insert, list({**row, column: value, "fingerprint": "g"}.values()))
        assert store.count() == 1
    finally:
        connection.close()
        store.close()


def test_rebuilding_the_events_table_keeps_revisions_and_retractions(tmp_path: Path) -> None:
    """m003 rebuilds `events`, which revisions and retractions refer to: the references, the
    trigger and the data must come through, and foreign keys must be on again afterwards."""
    path = tmp_path / "rebuild.db"
    db = Database(path)
    migrations().apply(db, stop_before="m003_lighter_event_checks")
    first = _insert_raw_event(db.conn, "Edited later")
    second = _insert_raw_event(db.conn, "Retracted later")
    row = db.conn.execute("SELECT * FROM events WHERE id = ?", (first,)).fetchone()
    db.conn.execute(
        "INSERT INTO event_revisions VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (first, *row[1:15], "2024-02-21T08:00:00Z", "2024-02-22T08:00:00Z"),
    )
    db.conn.execute(
        "INSERT INTO retractions VALUES (?, 'withdrawn', '2024-02-23T08:00:00Z', NULL)", (second,)
    )
    db.conn.commit()
    db.close()

    store, connection = open_store_seen(path)
    try:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert [r.revision for r in store.revisions(first)] == [1]
        assert store.get(second).retraction is not None
        assert "events_indicator_observed" not in _names(connection, "index")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            connection.execute("DELETE FROM events WHERE id = ?", (first,))
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute("INSERT INTO retractions VALUES (999, 'no such event', 'now', NULL)")
    finally:
        store.close()


@pytest.mark.parametrize("applied", range(len(MIGRATION_FUNCTIONS) + 1))
def test_open_store_upgrades_every_earlier_version(tmp_path: Path, applied: int) -> None:
    """Build the database as an older signals left it (the first `applied` migrations), then
    check that opening it brings it to the latest schema and keeps its data."""
    path = tmp_path / f"at-{applied}.db"
    db = Database(path)
    stop_before = KNOWN_MIGRATIONS[applied] if applied < len(KNOWN_MIGRATIONS) else None
    migrations().apply(db, stop_before=stop_before)
    assert [m.name for m in migrations().applied(db)] == list(KNOWN_MIGRATIONS[:applied])
    event_id = None
    if "events" in db.table_names():
        event_id = _insert_raw_event(db.conn, "Survives the upgrade")
        db.conn.commit()
    db.close()

    store = open_store(path)
    try:
        assert store.schema_version() == list(KNOWN_MIGRATIONS)
        with closing(sqlite3.connect(path)) as connection:
            assert _names(connection, "table") >= {"events", "event_revisions", "retractions"}
        if event_id is not None:
            event = store.get(event_id)
            assert event.summary == "Survives the upgrade"
            assert event.indicator == "declaration-intent"
            assert event.grade == "B2"
        assert store.count() == (1 if event_id is not None else 0)
    finally:
        store.close()
    assert _recorded(path) == list(KNOWN_MIGRATIONS)


def test_a_failing_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that breaks half-way is rolled back with the record of it."""
    import signals.migrations as module
    from signals.store import opening

    path = tmp_path / "broken-upgrade.db"
    open_store(path).close()
    before = _recorded(path)

    def m999_broken(db: Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("the migration failed")

    functions = (*MIGRATION_FUNCTIONS, m999_broken)
    monkeypatch.setattr(module, "MIGRATION_FUNCTIONS", functions)
    monkeypatch.setattr(opening, "KNOWN_MIGRATIONS", tuple(f.__name__ for f in functions))
    with pytest.raises(RuntimeError, match="the migration failed"):
        open_store(path)
    assert _recorded(path) == before
    connection = sqlite3.connect(path)
    try:
        assert "half_done" not in _names(connection, "table")
    finally:
        connection.close()


def corrected_demo_record(signals, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The demo events with two corrections and a retraction: what a migration must carry."""
    from tests.conftest import DEMO_CSV

    for command in (
        ("import", str(DEMO_CSV)),
        ("events", "edit", "1", "--status", "reported"),
        ("events", "edit", "2", "--reliability", "E"),
        ("events", "retract", "3", "--reason", "Misattributed"),
    ):
        assert signals("--db", str(path), *command).exit_code == 0


def test_a_database_at_m006_migrates_to_readings_without_loss(signals, tmp_path: Path) -> None:
    """Events, revisions and retractions written before readings existed read back the
    same after m007, each with the indicator's own reading (''), and score the same."""
    from signals.events import BASE_FIELDS

    # The same record twice: written by this version, and copied column by column into a
    # database as m006 left it.
    current = tmp_path / "current.db"
    corrected_demo_record(signals, current)
    old = tmp_path / "m006.db"
    db = Database(old)
    migrations().apply(db, stop_before="m007_readings")
    content = ", ".join((*BASE_FIELDS, "fingerprint"))
    db.conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    for sql in (
        f"INSERT INTO events (id, {content}, logged_at, revision, revised_at)"
        f" SELECT id, {content}, logged_at, revision, revised_at FROM current.events",
        f"INSERT INTO event_revisions (event_id, revision, {content}, revised_at, replaced_at)"
        f" SELECT event_id, revision, {content}, revised_at, replaced_at"
        " FROM current.event_revisions",
        "INSERT INTO retractions SELECT * FROM current.retractions",
        "INSERT INTO evidence_totals SELECT indicator, reliability, credibility, status,"
        " count(*) FROM events GROUP BY indicator, reliability, credibility, status",
    ):
        db.conn.execute(sql)
    db.conn.commit()
    db.conn.execute("DETACH DATABASE current")
    db.close()

    def read(path: Path, *args: str) -> object:
        return signals.json("--db", str(path), *args)

    migrated = read(old, "events", "list", "--include-retracted")
    assert migrated == read(current, "events", "list", "--include-retracted")
    assert {event["variant"] for event in migrated} == {""}  # type: ignore[union-attr]
    for event_id in ("1", "2", "3"):
        assert read(old, "events", "show", event_id) == read(current, "events", "show", event_id)
    for as_of in ("2024-03-31", "2024-06-20"):
        assert read(old, "status", "--as-of", as_of) == read(current, "status", "--as-of", as_of)
        assert read(old, "status", "--as-of", as_of, "--as-known") == read(
            current, "status", "--as-of", as_of, "--as-known"
        )
    with closing(sqlite3.connect(old)) as connection:
        assert "events_linked" in _names(connection, "index")
        columns = [row[2] for row in connection.execute("PRAGMA index_info(events_evidence)")]
        assert columns[:2] == ["indicator", "variant"]
        key = [row[1] for row in connection.execute("PRAGMA table_info(evidence_totals)") if row[5]]
        assert key == ["indicator", "variant", "reliability", "credibility", "status"]
    store = open_store(old)
    try:
        assert store.drifted_totals() == 0
    finally:
        store.close()


@pytest.mark.parametrize("value", ["Short", "short-", "-short", "two--dashes", "a b", "x" * 41])
def test_the_database_checks_a_variant_is_kebab_case(tmp_path: Path, value: str) -> None:
    path = tmp_path / "variant.db"
    open_store(path).close()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        event_id = _insert_raw_event(connection)
        connection.execute("UPDATE events SET variant = 'short-truce' WHERE id = ?", (event_id,))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute("UPDATE events SET variant = ? WHERE id = ?", (value, event_id))
    finally:
        connection.close()


def test_a_database_before_m010_migrates_to_keep_forecasts_without_loss(
    signals, tmp_path: Path
) -> None:
    """A record written before forecasts were kept reads and scores the same after
    m010, starts with an empty record, and keeps the figures of the next report."""
    from tests.conftest import DEMO_CSV, TODAY

    path = tmp_path / "before-m010.db"
    for command in (
        ("import", str(DEMO_CSV)),
        ("events", "edit", "1", "--status", "reported"),
        ("events", "retract", "3", "--reason", "Misattributed"),
    ):
        assert signals("--db", str(path), *command).exit_code == 0

    def read(*args: str) -> object:
        return signals.json("--db", str(path), *args)

    reads = [("events", "list", "--include-retracted")] + [
        ("status", "--as-of", as_of) for as_of in ("2024-03-31", "2024-06-20")
    ]
    before = [read(*args) for args in reads]
    # The database as a signals without the record left it: whatever other migrations
    # did to the events, m010 neither made its tables nor was recorded.
    with closing(sqlite3.connect(path)) as connection, connection:
        for statement in (
            "DROP TRIGGER forecasts_no_delete",
            "DROP TRIGGER resolutions_no_update",
            "DROP TRIGGER resolutions_no_delete",
            "DROP TABLE forecasts",
            "DROP TABLE resolutions",
        ):
            connection.execute(statement)
        connection.execute(
            f"DELETE FROM {MIGRATIONS_TABLE} WHERE migration_set = ? AND name = ?",
            (MIGRATION_SET, "m010_forecasts"),
        )
    assert "m010_forecasts" not in _recorded(path)

    assert [read(*args) for args in reads] == before
    assert sorted(_recorded(path)) == sorted(KNOWN_MIGRATIONS)
    assert read("forecasts", "list") == {"forecasts": [], "resolutions": []}
    assert signals("--db", str(path), "report", "--json").exit_code == 0
    kept = read("forecasts", "list")["forecasts"]  # type: ignore[index]
    assert [f["as_of"] for f in kept] == [TODAY.isoformat()]
    store = open_store(path)
    try:
        assert store.foreign_schema() == []
    finally:
        store.close()


def test_a_database_at_m007_migrates_to_edit_reasons_without_loss(signals, tmp_path: Path) -> None:
    """Events, revisions and retractions written before edits had reasons read back the
    same after m008, their corrections without a reason; new corrections keep theirs."""
    current = tmp_path / "current.db"
    corrected_demo_record(signals, current)
    old = tmp_path / "m007.db"
    db = Database(old)
    migrations().apply(db, stop_before="m008_edit_reasons")
    assert "event_edits" not in db.table_names()
    db.conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    for table in ("events", "event_revisions", "retractions", "evidence_totals", "catalogues"):
        db.conn.execute(f"DELETE FROM {table}")
        db.conn.execute(f"INSERT INTO {table} SELECT * FROM current.{table}")
    db.conn.commit()
    db.conn.execute("DETACH DATABASE current")
    db.close()

    def read(path: Path, *args: str) -> object:
        return signals.json("--db", str(path), *args)

    listed = read(old, "events", "list", "--include-retracted")
    assert listed == read(current, "events", "list", "--include-retracted")
    for event_id in ("1", "2", "3"):
        shown = read(old, "events", "show", event_id)
        assert shown == read(current, "events", "show", event_id)
        assert shown["edits"] == []  # type: ignore[index]
    assert read(old, "status", "--as-of", "2024-06-20") == read(
        current, "status", "--as-of", "2024-06-20"
    )
    assert _recorded(old) == list(KNOWN_MIGRATIONS)
    edited = signals(
        "--db", str(old), "events", "edit", "1", "--status", "confirmed",
        "--reason", "Confirmed by a second source", "--by", "jdoe",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.stderr
    (made,) = read(old, "events", "show", "1")["edits"]  # type: ignore[index]
    assert made.pop("edited_at").endswith("Z")
    assert made == {"revision": 3, "reason": "Confirmed by a second source", "analyst": "jdoe"}
    with closing(sqlite3.connect(old)) as connection:
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            connection.execute("UPDATE event_edits SET reason = 'rewritten'")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            connection.execute("DELETE FROM event_edits")
