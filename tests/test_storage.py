"""The storage contract: compact fingerprints with exact deduplication, indexes that the
queries of status, report, search and deduplication really use, and the migration to it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

import signals.identity as identity
from signals.catalogue_loader import load_catalogue
from signals.identity import content_key
from signals.importer import import_events
from signals.migrations import MIGRATIONS_TABLE, migrations
from signals.paths import default_catalogue_path
from signals.store import open_store
from tests.conftest import DEMO_CSV

CATALOGUE = load_catalogue(default_catalogue_path())
INDICATORS = sorted(CATALOGUE.by_id)
HEADER = ["indicator", "summary", "observed_at", "source", "url", "external_id"]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def outcome(result: Any) -> str:
    """An import's line of what it inserted and skipped (a first use says more besides)."""
    lines = str(result.stderr).splitlines()
    return next(line for line in lines if line.startswith("inserted "))


def collide_every_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every content hashes alike: only the comparison of content tells events apart."""
    monkeypatch.setattr(identity, "digest", lambda text: 42)


# -- exact deduplication ------------------------------------------------------------------


def test_colliding_fingerprints_never_drop_a_distinct_event(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collide_every_fingerprint(monkeypatch)
    distinct = [
        ["rhetoric-without-action", "Ready for dialogue, says Putin", "2024-02-18", "TASS", "", ""],
        ["rhetoric-without-action", "Ready for dialogue, says Putin", "2024-02-19", "TASS", "", ""],
        ["nuclear-threats", "Medvedev warns of nuclear response", "2024-03-12", "RIA", "", ""],
        ["nuclear-threats", "Medvedev warns of nuclear response", "2024-03-12", "TASS", "", ""],
    ]
    # The same observations again, as another file spells them, in the same file.
    again = [
        [
            "rhetoric-without-action",
            "  ready for   DIALOGUE, says putin",
            "2024-02-18",
            "tass",
            "",
            "",
        ],
        ["nuclear-threats", "Medvedev warns of nuclear response", "2024-03-12", "ria", "", ""],
    ]
    result = signals("import", str(write(tmp_path / "a.csv", [*distinct, *again])))
    assert outcome(result) == "inserted 4, duplicates 2, rejected 0"
    result = signals("import", str(write(tmp_path / "b.csv", [*again, *distinct])))
    assert outcome(result) == "inserted 0, duplicates 6, rejected 0"
    events = signals.json("events", "list")
    assert [(e["summary"], e["observed_at"], e["source"]) for e in events] == [  # type: ignore[union-attr]
        (row[1], row[2], row[3]) for row in distinct
    ]
    with closing(sqlite3.connect(tmp_path / "signals.db")) as connection:
        assert {row[0] for row in connection.execute("SELECT fingerprint FROM events")} == {42}


def test_log_and_edit_compare_content_when_fingerprints_collide(
    signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    collide_every_fingerprint(monkeypatch)

    def log(summary: str) -> Any:
        return signals("log", "nuclear-threats", summary, "--observed", "2024-03-12", "--json")

    assert log("Medvedev warns of nuclear response").exit_code == 0
    assert log("Lavrov warns of nuclear response").exit_code == 0
    refused = log("MEDVEDEV warns of nuclear  response")
    assert refused.exit_code != 0
    assert "same content is already logged as #1" in refused.stderr
    # An edit that makes event 2 read as event 1 is refused; one that does not, kept.
    refused = signals("events", "edit", "2", "--summary", "Medvedev warns of nuclear response")
    assert "same content is already logged as #1" in refused.stderr
    assert signals("events", "edit", "2", "--summary", "Lavrov warns again").exit_code == 0


def test_an_earlier_revision_is_recognised_by_its_content(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row that reads as an event did before its correction is that event; a row that
    only shares the revision's fingerprint is a new one."""
    collide_every_fingerprint(monkeypatch)
    original = [
        "nuclear-threats",
        "Medvedev warns of nuclear response",
        "2024-03-12",
        "RIA",
        "",
        "",
    ]
    signals("import", str(write(tmp_path / "a.csv", [original])))
    assert signals("events", "edit", "1", "--summary", "Medvedev threatens").exit_code == 0
    other = ["nuclear-threats", "Lavrov warns of nuclear response", "2024-03-12", "RIA", "", ""]
    result = signals("import", str(write(tmp_path / "b.csv", [original, other])))
    assert outcome(result) == "inserted 1, duplicates 1, rejected 0"


ROW_PARTS = st.tuples(
    st.sampled_from(INDICATORS[:2]),
    st.sampled_from(["Talks offered", "talks  OFFERED", "Talks refused", "Ceasefire"]),
    st.sampled_from(["2024-01-01", "2024-01-02"]),
    st.sampled_from(["", "TASS", "tass", "RIA"]),
    st.sampled_from(["", "https://example.org/a"]),
    st.sampled_from(["", "", "x-1", "x-2"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(ROW_PARTS, min_size=1, max_size=40),
    buckets=st.integers(min_value=1, max_value=3),
    split=st.integers(min_value=0, max_value=40),
)
def test_an_import_keeps_exactly_one_event_per_identity(
    monkeypatch: pytest.MonkeyPatch, rows: list[tuple[str, ...]], buckets: int, split: int
) -> None:
    """Whatever the fingerprints (here: one to three values for every content), the events
    kept are one per external id and one per content without, the first of each; and
    importing the rows again, in two files, keeps nothing more."""
    monkeypatch.setattr(identity, "digest", lambda text: len(text) % buckets)
    expected: dict[object, tuple[str, ...]] = {}
    for row in rows:
        key = row[5] or content_key(row[0], row[1], row[2], row[3] or None, row[4] or None)
        expected.setdefault(key, row)
    with tempfile.TemporaryDirectory() as directory:
        store = open_store(Path(directory) / "signals.db")
        try:
            first = import_events(store, CATALOGUE, _csv(rows), today=dt.date(2025, 1, 1))
            assert first.inserted == len(expected)
            assert first.duplicates == len(rows) - len(expected)
            for part in (rows[:split], rows[split:]):
                if part:
                    again = import_events(store, CATALOGUE, _csv(part), today=dt.date(2025, 1, 1))
                    assert again.inserted == 0
            stored = [
                (e.indicator, e.summary, e.observed_at.isoformat(), e.source, e.url, e.external_id)
                for e in store.find()
            ]
        finally:
            store.close()
    kept = [
        (row[0], row[1], row[2], row[3] or None, row[4] or None, row[5] or None)
        for row in expected.values()
    ]
    assert sorted(stored, key=repr) == sorted(kept, key=repr)


def _csv(rows: list[tuple[str, ...]]) -> io.StringIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    text.seek(0)
    return text


# -- the indexes and the queries that use them ----------------------------------------------


def _synthetic_rows(count: int) -> Iterator[list[str]]:
    """Events over every indicator and four years, half with an external id: enough for the
    planner's statistics to look like a real database's."""
    start = dt.date(2022, 2, 24)
    for n in range(count):
        yield [
            INDICATORS[n % len(INDICATORS)],
            f"Synthetic event {n} about talks and ceasefire lines",
            (start + dt.timedelta(days=(n * 7919) % 1400)).isoformat(),
            ("TASS", "Reuters", "RIA")[n % 3],
            f"https://news.example.org/{n}",
            f"bench-{n}" if n % 2 else "",
        ]


def _plans(
    signals: Any, monkeypatch: pytest.MonkeyPatch, path: Path, *command: str
) -> list[tuple[str, list[str]]]:
    """Every statement on events that `command` runs, with its query plan."""
    from signals.store import opening

    statements: list[str] = []
    connect = opening._connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    with monkeypatch.context() as patched:
        patched.setattr(opening, "_connect", traced)
        result = signals(*command)
    assert result.exit_code in (0, 1), result.stderr
    database = sqlite3.connect(path)
    plans = []
    try:
        for sql in dict.fromkeys(statements):
            words = sql.lstrip().split(None, 1)
            if not words or words[0].upper() not in ("SELECT", "WITH") or "events" not in sql:
                continue
            plan = [row[3] for row in database.execute(f"EXPLAIN QUERY PLAN {sql}")]
            plans.append((" ".join(sql.split()), plan))
    finally:
        database.close()
    return plans


FULL_SCAN = re.compile(r"^SCAN (e|f|events)( |$)(?!.*USING)")


def test_status_report_search_and_dedup_read_events_through_their_indexes(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each query these commands run on events uses an index (never a full scan of the
    table), each uses the one meant for it, and every index of events is used by one."""
    write(tmp_path / "many.csv", list(_synthetic_rows(1000)))
    assert signals("import", str(tmp_path / "many.csv")).exit_code == 0
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    truce = [
        ["ceasefire-unilateral", "Unilateral truce announced", "2024-01-06", "TASS", "", "truce-1"]
    ]
    assert signals("import", str(write(tmp_path / "truce.csv", truce))).exit_code == 0
    breach = [["ceasefire-unilateral", "Shelling resumed", "2024-01-07", "TASS", "", "", "truce-1"]]
    assert (
        signals(
            "import", str(write(tmp_path / "breach.csv", breach, [*HEADER, "breaks"]))
        ).exit_code
        == 0
    )
    assert signals("events", "edit", "3", "--status", "confirmed").exit_code == 0
    assert signals("events", "retract", "4", "--reason", "Misattributed").exit_code == 0

    as_of = ("--as-of", "2025-12-31", "--json")
    used: dict[str, set[str]] = {}
    for name, command in {
        "status": ("status", *as_of),
        "report": ("report", *as_of),
        "search": ("events", "list", "--search", "ceasefire", "--json"),
        "import": ("import", str(tmp_path / "many.csv")),
        "ending": ("import", str(tmp_path / "breach.csv")),
        "log": (
            "log",
            INDICATORS[0],
            "Synthetic event 0 about talks and ceasefire lines",
            "--observed",
            "2022-02-24",
            "--source",
            "TASS",
            "--url",
            "https://news.example.org/0",
        ),
    }.items():
        plans = _plans(signals, monkeypatch, tmp_path / "signals.db", *command)
        assert plans, name
        for sql, plan in plans:
            scans = [step for step in plan if FULL_SCAN.match(step)]
            assert not scans, f"{name} scans events: {sql}\n{plan}"
        used[name] = {
            match
            for _sql, plan in plans
            for step in plan
            for match in re.findall(r"(?:INDEX|TABLE) (events_\w+)", step)
        } | {"events_fts" for _sql, plan in plans for step in plan if "events_fts VIRTUAL" in step}

    assert {"events_evidence", "events_observed", "events_linked"} <= used["status"]
    assert {"events_evidence", "events_observed", "events_logged"} <= used["report"]
    assert "events_fts" in used["search"]
    assert "events_fingerprint" in used["import"]
    assert "events_external_id" in used["ending"]
    assert "events_fingerprint" in used["log"]
    with closing(sqlite3.connect(tmp_path / "signals.db")) as connection:
        indexes = dict(
            connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
                " AND sql IS NOT NULL"
            ).fetchall()
        )
    # The one index no command reads (the scorer takes breaches by their class) is partial:
    # an ordinary event adds nothing to it.
    unused = set(indexes) - set().union(*used.values())
    assert unused <= {"events_ends"}, unused
    assert indexes["events_ends"].endswith("WHERE ends IS NOT NULL")


# -- the migration ---------------------------------------------------------------------------


def _hex_fingerprint(
    indicator: str, summary: str, observed_at: str, source: str | None, url: str | None
) -> str:
    """The fingerprint as signals stored it before m011: 32 hex characters of SHA-256."""
    joined = "\x1f".join(content_key(indicator, summary, observed_at, source, url))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def record_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables of a database's record: neither SQLite's own, the search index's, nor
    the migrations' bookkeeping."""
    return [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%'"
            " ESCAPE '!' AND name NOT LIKE 'events!_fts%' ESCAPE '!' AND name <> ?",
            (MIGRATIONS_TABLE,),
        )
    ]


@pytest.mark.slow
def test_a_database_before_compact_storage_migrates_without_loss(signals, tmp_path: Path) -> None:
    """A record written before m011 (hex fingerprints, a unique fingerprint index) reads
    back the same after it: events, revisions, retractions, search, totals and scores; its
    fingerprints are the integers this version computes, and duplicates are still found."""
    current = tmp_path / "current.db"
    without_ids = [
        ["nuclear-threats", "Medvedev warns of nuclear response", "2024-03-12", "RIA", "", ""],
        ["rhetoric-without-action", "Ready for dialogue, says Putin", "2024-02-18", "TASS", "", ""],
    ]
    for command in (
        ("import", str(DEMO_CSV)),
        ("import", str(write(tmp_path / "plain.csv", without_ids))),
        ("events", "edit", "1", "--status", "reported"),
        ("events", "edit", "2", "--reliability", "E"),
        ("events", "edit", "28", "--summary", "Medvedev warns of a nuclear response"),
        ("events", "retract", "3", "--reason", "Misattributed"),
    ):
        assert signals("--db", str(current), *command).exit_code == 0, command

    old = tmp_path / "before-m011.db"
    db = Database(old)
    migrations().apply(db, stop_before="m011_compact_storage")
    db.conn.create_function("hex_fingerprint", 5, _hex_fingerprint)
    db.conn.execute("ATTACH DATABASE ? AS current", (str(current),))
    content = "indicator, summary, observed_at, source, url"
    # Every table of the record, column by column, with the fingerprint as it was stored.
    tables = record_tables(db.conn)
    assert {"events", "event_revisions", "retractions", "evidence_totals"} <= set(tables)
    for table in tables:
        columns = [row[1] for row in db.conn.execute(f"PRAGMA table_info({table})")]
        values = [f"hex_fingerprint({content})" if c == "fingerprint" else c for c in columns]
        db.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
            f" FROM current.{table}"
        )
    db.conn.execute("INSERT INTO events_fts (events_fts) VALUES ('rebuild')")
    db.conn.execute("UPDATE events_fts_state SET indexed_to = (SELECT max(id) FROM events)")
    db.conn.commit()
    db.conn.execute("DETACH DATABASE current")
    assert db.conn.execute("SELECT typeof(fingerprint) FROM events LIMIT 1").fetchone() == ("text",)
    db.close()

    def read(path: Path, *args: str) -> object:
        return signals.json("--db", str(path), *args)

    migrated = read(old, "events", "list", "--include-retracted")
    assert migrated == read(current, "events", "list", "--include-retracted")
    assert len(migrated) == 29  # type: ignore[arg-type]
    for event_id in ("1", "2", "3", "28"):
        assert read(old, "events", "show", event_id) == read(current, "events", "show", event_id)
    for words in ("ceasefire", "nuclear", "dialogue"):
        assert read(old, "events", "list", "--search", words) == read(
            current, "events", "list", "--search", words
        )
    for as_of in ("2024-03-31", "2024-06-20"):
        assert read(old, "status", "--as-of", as_of) == read(current, "status", "--as-of", as_of)
        assert read(old, "status", "--as-of", as_of, "--as-known") == read(
            current, "status", "--as-of", as_of, "--as-known"
        )
    for table in ("events", "event_revisions"):
        query = f"SELECT fingerprint, typeof(fingerprint) FROM {table} ORDER BY rowid"
        with closing(sqlite3.connect(old)) as migrated_db, closing(sqlite3.connect(current)) as new:
            assert migrated_db.execute(query).fetchall() == new.execute(query).fetchall()
            assert {kind for _value, kind in migrated_db.execute(query)} == {"integer"}
    with closing(sqlite3.connect(old)) as connection:
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_revisions),"
            " (SELECT count(*) FROM retractions)"
        ).fetchone()
    assert counts == (29, 3, 1)
    store = open_store(old)
    try:
        assert store.drifted_totals() == 0
    finally:
        store.close()
    # The migrated record still recognises what it holds, by content and by external id.
    result = signals("--db", str(old), "import", str(write(tmp_path / "again.csv", without_ids)))
    # Event 28 was edited since: its row reads as its earlier revision, a duplicate too.
    assert outcome(result) == "inserted 0, duplicates 2, rejected 0"
    result = signals("--db", str(old), "import", str(DEMO_CSV))
    assert result.stderr.startswith("inserted 0,")
    assert signals("--db", str(old), "db", "check").exit_code == 0


# -- the benchmark's GDELT rows ---------------------------------------------------------------


def test_the_benchmark_gdelt_rows_are_raw_exports_mostly_not_tracked(
    signals, tmp_path: Path
) -> None:
    """The rows `make bench` imports with --map gdelt: the raw layout, an event id each, and
    the bundled sample's share of tracked events, every one of them new."""
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("benchmark_generate", path)
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    lines = list(generate.gdelt_lines(600))
    assert {len(line.rstrip("\n").split("\t")) for line in lines} == {61}
    assert len({line.split("\t", 1)[0] for line in lines}) == 600
    export = tmp_path / "events.export.CSV"
    export.write_text("".join(lines), encoding="utf-8")
    result = signals("import", str(export), "--map", "gdelt")
    assert outcome(result) == "inserted 12, duplicates 0, rejected 0, not tracked 588"
    result = signals("import", str(export), "--map", "gdelt")
    assert outcome(result) == "inserted 0, duplicates 12, rejected 0, not tracked 588"


def test_a_large_import_sets_aside_every_index_but_those_deduplication_reads(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once an import outgrows the table it builds every other index of events at its end,
    and still finds the duplicates that come after that point, by content and by id."""
    import signals.importer as importer_module
    import signals.store.bulk as bulk_module

    monkeypatch.setattr(importer_module, "BATCH_SIZE", 2)
    monkeypatch.setattr(bulk_module, "DEFER_INDEXES_AFTER", 2)
    rebuilt: list[str] = []
    rebuild = bulk_module._rebuild_indexes

    def watched(connection: sqlite3.Connection, definitions: list[str]) -> None:
        rebuilt.extend(definitions)
        rebuild(connection, definitions)

    monkeypatch.setattr(bulk_module, "_rebuild_indexes", watched)
    rows = list(_synthetic_rows(8))
    result = signals("import", str(write(tmp_path / "rows.csv", [*rows, *rows[:3], rows[6]])))
    assert outcome(result) == "inserted 8, duplicates 4, rejected 0"
    names = {re.sub(r"CREATE INDEX (\w+) .*", r"\1", sql) for sql in rebuilt}
    assert names == {
        "events_evidence",
        "events_observed",
        "events_logged",
        "events_linked",
        "events_ends",
    }
    assert signals("db", "check").exit_code == 0


def test_the_links_read_as_known_visit_only_the_events_that_link_or_end(
    signals, db_path: Path
) -> None:
    """`--as-known` reads the record's history whole for grades and dates, but the events
    that link or end another are few: they are read through their partial indexes."""
    from signals.store.evidence_reads import _LINKED_AS_KNOWN

    assert signals("init").exit_code == 0
    with closing(sqlite3.connect(db_path)) as connection:
        plan = [
            row[3]
            for row in connection.execute(
                f"EXPLAIN QUERY PLAN {_LINKED_AS_KNOWN}", ("2024-07-01", "2024-06-30")
            )
        ]
    assert not [step for step in plan if FULL_SCAN.match(step)], plan
    assert any("INDEX events_linked" in step for step in plan), plan
    assert any("INDEX events_ends" in step for step in plan), plan


def _journal_during_import(db: Path, rows: int) -> str:
    """The journal mode an import of the first `rows` synthetic rows runs in, read from
    inside its transaction."""
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *_synthetic_rows(rows)])
    store = open_store(db)
    seen: list[str] = []

    def look(phase: str) -> None:
        seen.append(store._connection.execute("PRAGMA journal_mode").fetchone()[0])

    try:
        catalogue = load_catalogue(default_catalogue_path())
        import_events(store, catalogue, io.StringIO(text.getvalue()), on_phase=look)
    finally:
        store.close()
    return seen[0]


def test_an_import_runs_in_wal_mode_even_into_an_empty_database(tmp_path: Path) -> None:
    """A rollback journal would write a first import once instead of twice, but whoever
    opens the database meanwhile could be refused rather than wait: imports stay in WAL
    mode, where readers and writers do not wait for each other."""
    db = tmp_path / "signals.db"
    assert _journal_during_import(db, 5) == "wal"
    assert _journal_during_import(db, 10) == "wal"
    assert _journal(db) == "wal"
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 10


def _journal(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
