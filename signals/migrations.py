"""The schema, as numbered migrations recorded in the database itself.

Migrations are only ever appended. Each runs in the transaction that records it,
so a database is always at one known version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

from signals.first_schema import CONTENT_COLUMNS, M001_STATEMENTS

MIGRATION_SET = "signals"
MIGRATIONS_TABLE = "_sqlite_migrations"


def m001_events(db: Database) -> None:
    for statement in M001_STATEMENTS:
        db.execute(statement)


def m002_evidence_index(db: Database) -> None:
    # The scorer reads one row per indicator, grade and status: this index hands SQLite
    # those groups in order, with the dates, without touching the table.
    db.execute(
        "CREATE INDEX events_evidence ON events"
        " (indicator, reliability, credibility, status, observed_at)"
    )
    db.execute("ANALYZE")


# One-character codes checked by comparison rather than `IN (...)`: the same rule, at a
# fraction of the cost on every inserted row (a quarter of an import's time, measured).
_LIGHT_CHECKS = (
    (
        "reliability IN ('A','B','C','D','E','F')",
        "length(reliability) = 1 AND reliability BETWEEN 'A' AND 'F'",
    ),
    (
        "credibility IN ('1','2','3','4','5','6')",
        "length(credibility) = 1 AND credibility BETWEEN '1' AND '6'",
    ),
    (
        "status IN ('reported','confirmed','refuted')",
        "status = 'reported' OR status = 'confirmed' OR status = 'refuted'",
    ),
)


def m003_lighter_event_checks(db: Database) -> None:
    """Rebuild the events table with cheaper checks and without the (indicator, observed_at)
    index, which the evidence index already serves; every index is one more B-tree to
    update per inserted row. The rebuild follows SQLite's documented procedure (new table,
    copy, drop, rename); the caller runs it with foreign keys off and checks them after."""
    columns = CONTENT_COLUMNS
    for heavy, light in _LIGHT_CHECKS:
        assert heavy in columns
        columns = columns.replace(heavy, light)
    db.execute(
        f"""CREATE TABLE events_rebuilt (
        id INTEGER PRIMARY KEY,
        {columns},
        logged_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        revised_at TEXT NOT NULL
    )"""
    )
    db.execute("INSERT INTO events_rebuilt SELECT * FROM events")
    db.execute("DROP TABLE events")
    db.execute("ALTER TABLE events_rebuilt RENAME TO events")
    # Dropping the table dropped its indexes and trigger: they are made again as they were.
    for statement in (
        "CREATE UNIQUE INDEX events_external_id ON events (external_id)"
        " WHERE external_id IS NOT NULL",
        "CREATE UNIQUE INDEX events_fingerprint ON events (fingerprint) WHERE external_id IS NULL",
        "CREATE INDEX events_observed ON events (observed_at)",
        "CREATE INDEX events_logged ON events (logged_at)",
        "CREATE INDEX events_evidence ON events"
        " (indicator, reliability, credibility, status, observed_at)",
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are retracted, never deleted'); END""",
        "ANALYZE",
    ):
        db.execute(statement)


# The text an analyst searches: what happened, their notes, and who reported it.
SEARCHED_COLUMNS = ("summary", "notes", "source")
# Diacritics folded, so that Zelenskyy finds Zelenský; case too, as always.
SEARCH_TOKENIZER = "unicode61 remove_diacritics 2"


def m004_event_search(db: Database) -> None:
    """A full-text index of events, kept off the insert path so that imports pay nothing for it.

    The index reads its text from `events` (external content; Datasette recognises the
    double-quoted `content="events"` and offers a search box). New events are indexed in
    bulk by the first search after them, up to the id recorded in `events_fts_state`:
    events are never deleted and ids only grow, so the events above that id are exactly
    those not yet indexed. An edit of an indexed event swaps its old words for the new
    ones; an event edited before it was indexed is indexed later as it then reads. A
    migration that rebuilds `events` must make the trigger again."""
    columns = ", ".join(SEARCHED_COLUMNS)
    old_values = ", ".join(f"old.{column}" for column in SEARCHED_COLUMNS)
    new_values = ", ".join(f"new.{column}" for column in SEARCHED_COLUMNS)
    for statement in (
        f"""CREATE VIRTUAL TABLE events_fts USING fts5({columns}, content="events",
        content_rowid="id", tokenize="{SEARCH_TOKENIZER}")""",
        """CREATE TABLE events_fts_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_to INTEGER NOT NULL
    )""",
        f"""CREATE TRIGGER events_fts_edit AFTER UPDATE OF {columns} ON events
        WHEN old.id <= (SELECT indexed_to FROM events_fts_state)
        BEGIN
            INSERT INTO events_fts (events_fts, rowid, {columns})
                VALUES ('delete', old.id, {old_values});
            INSERT INTO events_fts (rowid, {columns}) VALUES (new.id, {new_values});
        END""",
        "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
        "INSERT INTO events_fts_state (id, indexed_to)"
        " VALUES (1, (SELECT coalesce(max(id), 0) FROM events))",
    ):
        db.execute(statement)


def m005_catalogues(db: Database) -> None:
    """Which catalogues (id and version) events were logged against, so that opening the
    database with another one can be noticed."""
    db.execute(
        """CREATE TABLE catalogues (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        first_used_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL,
        PRIMARY KEY (id, version)
    )"""
    )


def m006_evidence_totals(db: Database) -> None:
    """How many events each indicator has per grade and status, kept as events are
    written, so that scoring a day need not count a million index entries: it takes the
    total less what was observed after that day or retracted. The store adds inserted
    events once per write; this trigger moves a corrected event between classes."""
    db.execute(
        """CREATE TABLE evidence_totals (
        indicator TEXT NOT NULL,
        reliability TEXT NOT NULL,
        credibility TEXT NOT NULL,
        status TEXT NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (indicator, reliability, credibility, status)
    ) WITHOUT ROWID"""
    )
    db.execute(
        "INSERT INTO evidence_totals SELECT indicator, reliability, credibility, status,"
        " count(*) FROM events GROUP BY indicator, reliability, credibility, status"
    )
    add = (
        "INSERT INTO evidence_totals VALUES"
        " (new.indicator, new.reliability, new.credibility, new.status, 1)"
        " ON CONFLICT (indicator, reliability, credibility, status)"
        " DO UPDATE SET events = events + 1;"
    )
    db.execute(
        "CREATE TRIGGER evidence_totals_update"
        " AFTER UPDATE OF indicator, reliability, credibility, status ON events BEGIN"
        " UPDATE evidence_totals SET events = events - 1 WHERE indicator = old.indicator"
        " AND reliability = old.reliability AND credibility = old.credibility"
        f" AND status = old.status; {add} END"
    )


# A reading's name, as the catalogue spells it (kebab-case), or '' for the indicator's own:
# checked by GLOB, which costs an ordinary row one comparison with ''.
_VARIANT_CHECK = (
    "variant = '' OR (length(variant) <= 40 AND variant NOT GLOB '*[^a-z0-9-]*'"
    " AND variant NOT GLOB '-*' AND variant NOT GLOB '*-' AND variant NOT GLOB '*--*')"
)
_READING_COLUMNS = (
    f"variant TEXT NOT NULL DEFAULT '' CHECK ({_VARIANT_CHECK})",
    "observation TEXT CHECK (observation IS NULL OR length(observation) <= 80)",
    "alternative TEXT CHECK (alternative IS NULL OR length(alternative) <= 80)",
)
CLASS_KEY = "indicator, variant, reliability, credibility, status"


def m007_readings(db: Database) -> None:
    """What an event is, not only where it is filed: the reading of it (a variant the
    indicator declares, or "breach"/"withdrawal" for one that ends an earlier event), the
    earlier event it ends, the observation it shares with events filed under other
    indicators, and another indicator it could be filed under.

    Columns are added, not rebuilt: an ordinary event leaves them empty, and adding a
    column to a table of a million rows rewrites none of them. The per-class totals and
    the evidence index gain the variant, which makes a class; the totals are counted
    afresh and their trigger made again to move an edited event between classes."""
    for table, ends in (
        ("events", "ends INTEGER REFERENCES events (id)"),
        ("event_revisions", "ends INTEGER"),
    ):
        for column in (_READING_COLUMNS[0], ends, *_READING_COLUMNS[1:]):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    db.execute("DROP TRIGGER evidence_totals_update")
    db.execute("DROP TABLE evidence_totals")
    db.execute(
        f"""CREATE TABLE evidence_totals (
        indicator TEXT NOT NULL,
        variant TEXT NOT NULL,
        reliability TEXT NOT NULL,
        credibility TEXT NOT NULL,
        status TEXT NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY ({CLASS_KEY})
    ) WITHOUT ROWID"""
    )
    db.execute(
        f"INSERT INTO evidence_totals SELECT {CLASS_KEY}, count(*) FROM events GROUP BY {CLASS_KEY}"
    )
    add = (
        "INSERT INTO evidence_totals VALUES"
        " (new.indicator, new.variant, new.reliability, new.credibility, new.status, 1)"
        f" ON CONFLICT ({CLASS_KEY}) DO UPDATE SET events = events + 1;"
    )
    db.execute(
        f"CREATE TRIGGER evidence_totals_update AFTER UPDATE OF {CLASS_KEY} ON events BEGIN"
        " UPDATE evidence_totals SET events = events - 1 WHERE indicator = old.indicator"
        " AND variant = old.variant AND reliability = old.reliability"
        f" AND credibility = old.credibility AND status = old.status; {add} END"
    )
    db.execute("DROP INDEX events_evidence")
    db.execute(
        "CREATE INDEX events_evidence ON events"
        " (indicator, variant, reliability, credibility, status, observed_at)"
    )
    # The few events the scorer reads one by one: those sharing an observation or naming
    # another filing, and those that end another. Partial, so an ordinary row adds nothing.
    db.execute(
        "CREATE INDEX events_linked ON events (observed_at)"
        " WHERE observation IS NOT NULL OR alternative IS NOT NULL"
    )
    db.execute("CREATE INDEX events_ends ON events (ends) WHERE ends IS NOT NULL")
    db.execute("ANALYZE")


def m008_edit_reasons(db: Database) -> None:
    """Why each correction was made and who made it, as a retraction records both: a row
    for each revision an edit wrote with a reason or an analyst's name. Kept apart from the
    events and their revisions, so that neither table is rebuilt and an edit from before
    this version simply has none."""
    db.execute(
        """CREATE TABLE event_edits (
        event_id INTEGER NOT NULL REFERENCES events (id),
        revision INTEGER NOT NULL CHECK (revision > 1),
        edited_at TEXT NOT NULL,
        reason TEXT CHECK (reason IS NULL OR length(trim(reason)) > 0),
        analyst TEXT,
        PRIMARY KEY (event_id, revision)
    ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TRIGGER edits_no_update BEFORE UPDATE ON event_edits
        BEGIN SELECT RAISE(ABORT, 'edits are never changed'); END"""
    )
    db.execute(
        """CREATE TRIGGER edits_no_delete BEFORE DELETE ON event_edits
        BEGIN SELECT RAISE(ABORT, 'edits are never deleted'); END"""
    )


# The columns of an alert that its acknowledgement leaves as they were.
_ALERT_FIXED_COLUMNS = ("id", "check_id", "tripwire", "severity", "message", "detail")


def m009_alerts(db: Database) -> None:
    """What `signals check` saw and what fired: each check keeps the state it compared with
    the last (so a tripwire fires once per crossing, not on every run), and each tripwire
    that fired is an alert, acknowledged once by an analyst with a note. The database
    refuses to delete either, and to change an alert but for its one acknowledgement."""
    day = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
    fixed = " OR ".join(f"new.{column} IS NOT old.{column}" for column in _ALERT_FIXED_COLUMNS)
    for statement in (
        f"""CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        catalogue TEXT NOT NULL,
        catalogue_version INTEGER NOT NULL,
        as_of TEXT NOT NULL CHECK (as_of {day}),
        as_known INTEGER NOT NULL CHECK (as_known IN (0, 1)),
        checked_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (json_valid(state)),
        fired INTEGER NOT NULL CHECK (fired >= 0)
    )""",
        "CREATE INDEX checks_catalogue_as_of ON checks (catalogue, as_of)",
        """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        check_id INTEGER NOT NULL REFERENCES checks (id),
        tripwire TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        message TEXT NOT NULL,
        detail TEXT NOT NULL,
        acknowledged_at TEXT,
        note TEXT CHECK (note IS NULL OR length(trim(note)) > 0),
        analyst TEXT,
        CHECK ((acknowledged_at IS NULL) = (note IS NULL))
    )""",
        "CREATE INDEX alerts_check ON alerts (check_id)",
        """CREATE TRIGGER checks_no_change BEFORE UPDATE ON checks
        BEGIN SELECT RAISE(ABORT, 'a check is a record: it is never changed'); END""",
        """CREATE TRIGGER checks_no_delete BEFORE DELETE ON checks
        BEGIN SELECT RAISE(ABORT, 'a check is a record: it is never deleted'); END""",
        f"""CREATE TRIGGER alerts_acknowledged_once BEFORE UPDATE ON alerts
        WHEN old.acknowledged_at IS NOT NULL OR {fixed}
        BEGIN SELECT RAISE(ABORT, 'an alert is acknowledged once and never changed'); END""",
        """CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
        BEGIN SELECT RAISE(ABORT, 'alerts are acknowledged, never deleted'); END""",
    ):
        db.execute(statement)


_DATE_CHECK = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"


def m010_forecasts(db: Database) -> None:
    """The record to learn from: the figures each report gave as it gave them (one row per
    catalogue version and as-of date), and what analysts later judged to have held (a
    timeline per catalogue, corrected by a later resolution from the same date). Neither
    is ever deleted: a record that could be pruned would flatter its own score."""
    for statement in (
        f"""CREATE TABLE forecasts (
        catalogue_id TEXT NOT NULL,
        catalogue_version INTEGER NOT NULL,
        as_of TEXT NOT NULL CHECK (as_of {_DATE_CHECK}),
        headline TEXT NOT NULL,
        p_headline REAL NOT NULL CHECK (p_headline BETWEEN 0 AND 1),
        low REAL NOT NULL CHECK (low BETWEEN 0 AND 1),
        high REAL NOT NULL CHECK (high BETWEEN 0 AND 1),
        confidence TEXT NOT NULL CHECK (confidence IN ('low', 'moderate', 'high')),
        hypotheses TEXT NOT NULL CHECK (json_valid(hypotheses)),
        priors TEXT NOT NULL CHECK (json_valid(priors)),
        issued_at TEXT NOT NULL,
        issued_by TEXT NOT NULL CHECK (issued_by IN ('report', 'backfill')),
        PRIMARY KEY (catalogue_id, catalogue_version, as_of)
    )""",
        f"""CREATE TABLE resolutions (
        id INTEGER PRIMARY KEY,
        catalogue_id TEXT NOT NULL,
        hypothesis TEXT NOT NULL,
        holds_from TEXT NOT NULL CHECK (holds_from {_DATE_CHECK}),
        note TEXT,
        analyst TEXT,
        recorded_at TEXT NOT NULL
    )""",
        """CREATE TRIGGER forecasts_no_delete BEFORE DELETE ON forecasts
        BEGIN SELECT RAISE(ABORT, 'forecasts are kept, never deleted'); END""",
        """CREATE TRIGGER resolutions_no_update BEFORE UPDATE ON resolutions
        BEGIN SELECT RAISE(ABORT, 'a resolution is corrected by another, never changed'); END""",
        """CREATE TRIGGER resolutions_no_delete BEFORE DELETE ON resolutions
        BEGIN SELECT RAISE(ABORT, 'resolutions are kept, never deleted'); END""",
    ):
        db.execute(statement)


def m011_compact_storage(db: Database) -> None:
    """The content fingerprint as a 64-bit integer (see `signals.identity`) instead of 32
    hex characters, in events and their revisions: a million events take 40 MB less. Its
    index is no longer unique, since a hash can collide: the store compares the content of
    every event a fingerprint finds. A column's type is changed by rebuilding its table
    (as m003) from its own definition, so columns other migrations added come through,
    with its indexes and triggers made again; every fingerprint is computed afresh from
    its content. The caller runs it with foreign keys off and checks them after."""
    from signals.identity import fingerprint

    db.conn.create_function("signals_fingerprint", 5, fingerprint, deterministic=True)
    for table in ("events", "event_revisions"):
        _rebuild_with_integer_fingerprint(db, table)
    db.execute("DROP INDEX events_fingerprint")
    db.execute("CREATE INDEX events_fingerprint ON events (fingerprint) WHERE external_id IS NULL")
    db.execute("ANALYZE")


def m012_trend_days(db: Database) -> None:
    """The trend's past days as a report scored them, so that the next report shows them
    without scoring them again (see `signals.trend_days`). A kept day is valid while no
    event observed by then was added and nothing was changed: events are only ever added
    with a larger id, and every other change to what a score reads (an edit, a link, a
    retraction or its withdrawal, totals counted afresh) counts itself here, by triggers
    that fire whoever updates the table."""
    bump = "BEGIN UPDATE record_changes SET changes = changes + 1; END"
    for statement in (
        """CREATE TABLE trend_days (
        scoring TEXT NOT NULL,
        as_of TEXT NOT NULL,
        high_water INTEGER NOT NULL,
        changes INTEGER NOT NULL,
        day TEXT NOT NULL CHECK (json_valid(day)),
        PRIMARY KEY (scoring, as_of)
    )""",
        """CREATE TABLE record_changes (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        changes INTEGER NOT NULL
    )""",
        "INSERT INTO record_changes (id, changes) VALUES (1, 0)",
        f"CREATE TRIGGER record_changes_edit AFTER UPDATE ON events {bump}",
        f"CREATE TRIGGER record_changes_retract AFTER INSERT ON retractions {bump}",
        f"CREATE TRIGGER record_changes_retraction_edit AFTER UPDATE ON retractions {bump}",
        f"CREATE TRIGGER record_changes_unretract AFTER DELETE ON retractions {bump}",
        f"CREATE TRIGGER record_changes_totals AFTER DELETE ON evidence_totals {bump}",
        # The count only grows, and is never taken away: a kept day checked against a
        # count set back could be shown for a record it no longer describes.
        """CREATE TRIGGER record_changes_only_grow BEFORE UPDATE ON record_changes
        WHEN NEW.changes < OLD.changes OR NEW.id <> OLD.id
        BEGIN SELECT RAISE(ABORT, 'the count of changes only grows'); END""",
        """CREATE TRIGGER record_changes_kept BEFORE DELETE ON record_changes
        BEGIN SELECT RAISE(ABORT, 'the count of changes is never deleted'); END""",
    ):
        db.execute(statement)


def _rebuild_with_integer_fingerprint(db: Database, table: str) -> None:
    (definition,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    head = definition.index("(")
    assert definition.count("fingerprint TEXT NOT NULL") == 1, definition
    typed = definition[head:].replace("fingerprint TEXT NOT NULL", "fingerprint INTEGER NOT NULL")
    db.execute(f"CREATE TABLE {table}_rebuilt {typed}")
    dependents = db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type, rowid",
        (table,),
    ).fetchall()
    columns = ", ".join(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
    values = columns.replace(
        "fingerprint", "signals_fingerprint(indicator, summary, observed_at, source, url)"
    )
    db.execute(
        f"INSERT INTO {table}_rebuilt ({columns}) SELECT {values} FROM {table} ORDER BY rowid"
    )
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    for (sql,) in dependents:
        db.execute(sql)


MIGRATION_FUNCTIONS = (
    m001_events,
    m002_evidence_index,
    m003_lighter_event_checks,
    m004_event_search,
    m005_catalogues,
    m006_evidence_totals,
    m007_readings,
    m008_edit_reasons,
    m009_alerts,
    m010_forecasts,
    m011_compact_storage,
    m012_trend_days,
)
KNOWN_MIGRATIONS = tuple(function.__name__ for function in MIGRATION_FUNCTIONS)


def migrations() -> Migrations:
    from sqlite_utils.migrations import Migrations

    migration_set = Migrations(MIGRATION_SET)
    for function in MIGRATION_FUNCTIONS:
        migration_set()(function)
    return migration_set
