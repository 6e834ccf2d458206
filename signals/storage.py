"""The one module that speaks SQL: opening, migrating, writing and querying the database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signals.errors import DatabaseError, EventNotFoundError, SignalsError, UsageError
from signals.events import EVENT_FIELDS, Event, EventInput, EventRevision, Retraction
from signals.evidence import Evidence, EvidenceClass
from signals.migrations import (
    KNOWN_MIGRATIONS,
    MIGRATION_SET,
    MIGRATIONS_TABLE,
    SEARCH_TOKENIZER,
    SEARCHED_COLUMNS,
    migrations,
)

BUSY_TIMEOUT_SECONDS = 30.0
# A write transaction's page cache: larger ones made a million-row import no faster
# (measured at 40 and 64 MB) and only cost memory. SQLite takes it as it needs it.
BULK_CACHE_KIB = 40 * 1024
ANALYSIS_ROWS = 20_000
# Building an index sorts its entries in runs of the page cache's size and merges them.
# With a helper thread sorting runs while the connection merges, 8 MB runs build a
# million rows' indexes a third faster than 16 MB runs alone, in less memory (measured).
SORT_CACHE_KIB = 8 * 1024
SORT_HELPER_THREADS = 1
# Indexes whose entries arrive in random order and which an import can build at its end;
# the fingerprint and external-id indexes are random too, but deduplication needs them.
DEFERRABLE_INDEXES = ("events_evidence", "events_observed")
CONTENT_COLUMNS = (*EVENT_FIELDS, "fingerprint")
# What makes an evidence class: the events of one indicator with one grade and status.
CLASS_COLUMNS = "indicator, reliability, credibility, status"
EVENT_COLUMNS = ("id", *EVENT_FIELDS, "logged_at", "revision", "revised_at")
_SELECT_EVENT = (
    "SELECT "
    + ", ".join(f"e.{column}" for column in EVENT_COLUMNS)
    + ", r.reason, r.retracted_at, r.analyst AS retracted_by"
    + " FROM events e LEFT JOIN retractions r ON r.event_id = e.id"
)


# How many events each class has, counted afresh.
_EVENTS_BY_CLASS = f"SELECT {CLASS_COLUMNS}, count(*) FROM events GROUP BY {CLASS_COLUMNS}"
# For every class, its freshest event observed by a day and not retracted: a step down the
# evidence index from (class, day), which ends in the event id.
_FRESHEST_BY_CLASS = """
    SELECT t.indicator, t.reliability, t.credibility, t.status, e.id, e.observed_at
    FROM evidence_totals t
    JOIN events e ON e.id = (
        SELECT f.id FROM events f
        WHERE f.indicator = t.indicator AND f.reliability = t.reliability
          AND f.credibility = t.credibility AND f.status = t.status AND f.observed_at <= ?1
          AND f.id NOT IN (SELECT event_id FROM retractions)
        ORDER BY f.observed_at DESC, f.id DESC
        LIMIT 1
    )
"""


@dataclass(frozen=True)
class EarlierRevisions:
    """What identified events before their corrections: a row that matches one describes
    an event already on record, as it stood before an analyst corrected it."""

    external_ids: frozenset[str]
    fingerprints: frozenset[str]  # of revisions without an external id

    def describe(self, row: tuple[Any, ...]) -> bool:
        """Whether a row (values in `CONTENT_COLUMNS` order) is one of these revisions."""
        external_id = row[_EXTERNAL_ID]
        if external_id is not None:
            return external_id in self.external_ids
        return row[_FINGERPRINT] in self.fingerprints


_EXTERNAL_ID = CONTENT_COLUMNS.index("external_id")
_FINGERPRINT = CONTENT_COLUMNS.index("fingerprint")


def _freshest(date_and_id: str) -> tuple[dt.date, int]:
    """The date and id of an event from the sortable text `YYYY-MM-DD 000000000042`."""
    return dt.date.fromisoformat(date_and_id[:10]), int(date_and_id[11:])


def companion_files(path: Path) -> tuple[Path, ...]:
    """A database file and the files SQLite keeps beside it."""
    return (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class CatalogueUse:
    """A catalogue that events in the database were logged against, and when."""

    id: str
    version: int
    first_used_at: str
    last_used_at: str


@dataclass(frozen=True)
class EventFilter:
    indicator: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    search: str | None = None
    include_retracted: bool = False


class Store:
    """An open signals database. Writers take the lock up front, so concurrent analysts wait
    their turn instead of failing half-way."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        # The (id, version) of the catalogue the events written here were validated
        # against, recorded with them when known.
        self.catalogue: tuple[str, int] | None = None

    # -- transactions -----------------------------------------------------

    @contextmanager
    def write(self, *, rollback: bool = False, bulk: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the lock from its start; `rollback` makes it a rehearsal.
        A `bulk` one gets a page cache large enough to hold the indexes being written, instead
        of spilling pages to the log while the transaction is still open."""
        previous_cache = self.connection.execute("PRAGMA cache_size").fetchone()[0]
        if bulk:
            self.connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _database_error(self.path, error) from None
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            if rollback:
                self.connection.execute("ROLLBACK")
                return
            try:
                self.connection.execute("COMMIT")
            except sqlite3.Error as error:
                self.connection.execute("ROLLBACK")
                raise _database_error(self.path, error) from None
        finally:
            if bulk:
                self.connection.execute(f"PRAGMA cache_size = {int(previous_cache)}")

    @contextmanager
    def read(self) -> Iterator[None]:
        """One view of the database for several queries: a reader of a write-ahead log sees
        the state of its first read until the transaction ends, whatever others commit."""
        if self.connection.in_transaction:
            yield
            return
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()

    # -- events -----------------------------------------------------------

    def log(self, event: EventInput, *, now: str | None = None) -> Event:
        now = now or utc_now()
        with self.write() as connection:
            event_id = self._insert(connection, event, now)
            self._remember_catalogue(connection, now)
        return self.get(event_id)

    def _insert(self, connection: sqlite3.Connection, event: EventInput, now: str) -> int:
        row = event.row()
        self._refuse_duplicate(connection, row, exclude_id=None)
        columns = (*CONTENT_COLUMNS, "logged_at", "revision", "revised_at")
        values = [row[column] for column in CONTENT_COLUMNS] + [now, 1, now]
        cursor = connection.execute(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        assert cursor.lastrowid is not None
        self._count_in_totals(connection, since_id=cursor.lastrowid - 1)
        return cursor.lastrowid

    def _count_in_totals(
        self, connection: sqlite3.Connection, since_id: int, *, most_of_table: bool = False
    ) -> None:
        """Add the events inserted after `since_id` to the per-class totals. The store does
        this once per write (an import counts all its rows at its end), where a trigger
        would run per row (a third of an import's time, measured); corrections are counted
        by a trigger (see m006).

        A few new rows are read by id and grouped; when they are most of the table, the
        evidence index is read in its order instead, which groups them without sorting
        (sorting a million rows held 50 MB more, measured)."""
        source = "events INDEXED BY events_evidence" if most_of_table else "events NOT INDEXED"
        connection.execute(
            f"INSERT INTO evidence_totals SELECT {CLASS_COLUMNS}, count(*) FROM {source} WHERE id > ?"
            f" GROUP BY {CLASS_COLUMNS} ON CONFLICT ({CLASS_COLUMNS}) DO UPDATE SET events = events + excluded.events",
            (since_id,),
        )

    def _refuse_duplicate(
        self, connection: sqlite3.Connection, row: dict[str, Any], exclude_id: int | None
    ) -> None:
        if row["external_id"] is not None:
            sql, key, label = "external_id = ?", row["external_id"], "external id"
        else:
            sql, key, label = (
                "fingerprint = ? AND external_id IS NULL",
                row["fingerprint"],
                "content",
            )
        found = connection.execute(
            f"SELECT id FROM events WHERE {sql} AND id IS NOT ?", (key, exclude_id)
        ).fetchone()
        if found:
            raise SignalsError(f"An event with the same {label} is already logged as #{found[0]}.")

    def get(self, event_id: int) -> Event:
        row = self.connection.execute(f"{_SELECT_EVENT} WHERE e.id = ?", (event_id,)).fetchone()
        if row is None:
            raise EventNotFoundError(event_id)
        return _event_from_row(row)

    def revisions(self, event_id: int) -> list[EventRevision]:
        self.get(event_id)
        rows = self.connection.execute(
            f"SELECT revision, revised_at, replaced_at, {', '.join(EVENT_FIELDS)} "
            "FROM event_revisions WHERE event_id = ? ORDER BY revision",
            (event_id,),
        ).fetchall()
        return [
            EventRevision(
                revision=row[0],
                revised_at=row[1],
                replaced_at=row[2],
                fields=dict(zip(EVENT_FIELDS, row[3:], strict=True)),
            )
            for row in rows
        ]

    def find(self, where: EventFilter = EventFilter(), limit: int | None = None) -> list[Event]:
        clauses: list[str] = []
        params: list[Any] = []
        if where.indicator:
            clauses.append("e.indicator = ?")
            params.append(where.indicator)
        if where.since:
            clauses.append("e.observed_at >= ?")
            params.append(where.since.isoformat())
        if where.until:
            clauses.append("e.observed_at <= ?")
            params.append(where.until.isoformat())
        if where.search is not None:
            query = search_query(where.search)
            if query is None:
                return []
            matching, matching_params = self._search(query)
            clauses.append(f"e.id IN ({matching})")
            params.extend(matching_params)
        if not where.include_retracted:
            clauses.append("r.event_id IS NULL")
        sql = _SELECT_EVENT
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY e.observed_at, e.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_event_from_row(row) for row in self.connection.execute(sql, params)]

    def _search(self, query: str) -> tuple[str, list[Any]]:
        """SQL (and its parameters) selecting the ids of the events that match `query`.

        Events logged since the last search are indexed first. When that cannot be written
        (the database is read-only, or another writer holds it), they are indexed into a
        temporary table for this search alone, so the answer is the same either way."""
        indexed_to, newest = self._index_new_events()
        sql = "SELECT rowid FROM events_fts WHERE events_fts MATCH ?"
        if indexed_to >= newest:
            return sql, [query]
        self.connection.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.events_fts_tail"
            f" USING fts5({', '.join(SEARCHED_COLUMNS)}, tokenize='{SEARCH_TOKENIZER}')"
        )
        self.connection.execute("DELETE FROM temp.events_fts_tail")
        _index_for_search(self.connection, "temp.events_fts_tail", indexed_to, newest)
        tail = "SELECT rowid FROM temp.events_fts_tail WHERE events_fts_tail MATCH ?"
        return f"{sql} UNION ALL {tail}", [query, query]

    def _index_new_events(self) -> tuple[int, int]:
        """Index the events logged since the last search, without waiting for another
        writer; returns the highest event id indexed and the highest there is."""
        indexed_to, newest = self._search_backlog()
        if indexed_to >= newest:
            return indexed_to, newest
        self.connection.execute("PRAGMA busy_timeout = 0")
        try:
            with self.write() as connection:
                indexed_to, newest = self._search_backlog()
                _index_for_search(connection, "events_fts", indexed_to, newest)
                connection.execute("UPDATE events_fts_state SET indexed_to = ?", (newest,))
        except (DatabaseError, sqlite3.OperationalError):
            return indexed_to, newest
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return newest, newest

    def _search_backlog(self) -> tuple[int, int]:
        indexed_to, newest = self.connection.execute(
            "SELECT indexed_to, (SELECT coalesce(max(id), 0) FROM events) FROM events_fts_state"
        ).fetchone()
        return int(indexed_to), int(newest)

    def edit(self, event_id: int, event: EventInput, *, now: str | None = None) -> Event:
        now = now or utc_now()
        with self.write() as connection:
            current = self.get(event_id)
            if current.retraction is not None:
                raise SignalsError(f"Event #{event_id} is retracted and cannot be edited.")
            row = event.row()
            old = connection.execute(
                f"SELECT {', '.join(CONTENT_COLUMNS)}, revision, revised_at FROM events WHERE id = ?",
                (event_id,),
            ).fetchone()
            if tuple(old[: len(CONTENT_COLUMNS)]) == tuple(row[c] for c in CONTENT_COLUMNS):
                raise SignalsError(f"The edit changes nothing in event #{event_id}.")
            self._refuse_duplicate(connection, row, exclude_id=event_id)
            connection.execute(
                f"INSERT INTO event_revisions (event_id, {', '.join(CONTENT_COLUMNS)}, revision,"
                f" revised_at, replaced_at) VALUES (?, {', '.join('?' * len(CONTENT_COLUMNS))},"
                " ?, ?, ?)",
                (event_id, *old, now),
            )
            assignments = ", ".join(f"{column} = ?" for column in CONTENT_COLUMNS)
            connection.execute(
                f"UPDATE events SET {assignments}, revision = revision + 1, revised_at = ?"
                " WHERE id = ?",
                (*(row[column] for column in CONTENT_COLUMNS), now, event_id),
            )
            self._remember_catalogue(connection, now)
        return self.get(event_id)

    def retract(
        self, event_id: int, reason: str, *, analyst: str | None = None, now: str | None = None
    ) -> Event:
        reason = reason.strip()
        if not reason:
            raise SignalsError("A retraction needs a reason.")
        with self.write() as connection:
            current = self.get(event_id)
            if current.retraction is not None:
                raise SignalsError(
                    f"Event #{event_id} was already retracted on {current.retraction.retracted_at}."
                )
            connection.execute(
                "INSERT INTO retractions (event_id, reason, retracted_at, analyst) VALUES (?, ?, ?, ?)",
                (event_id, reason, now or utc_now(), analyst),
            )
        return self.get(event_id)

    def defer_indexes(self, connection: sqlite3.Connection) -> list[str]:
        """Drop, within the caller's transaction, the indexes a bulk write would otherwise
        update row by row in random order; returns what `rebuild_indexes` makes again.
        Building them once, sorted, at the end of a million-row import is a quarter faster
        than keeping them up to date (measured)."""
        names = ", ".join("?" * len(DEFERRABLE_INDEXES))
        definitions = [
            (name, sql)
            for name, sql in connection.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({names})",
                DEFERRABLE_INDEXES,
            )
        ]
        for name, _sql in definitions:
            connection.execute(f"DROP INDEX {name}")
        return [sql for _name, sql in definitions]

    def rebuild_indexes(self, connection: sqlite3.Connection, definitions: list[str]) -> None:
        # With the bulk cache, each sorted run would hold another 40 MB. An import's rows
        # have all been read by now, so the reading process's core is free for the helper.
        connection.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        connection.execute(f"PRAGMA threads = {SORT_HELPER_THREADS}")
        try:
            for sql in definitions:
                connection.execute(sql)
        finally:
            connection.execute("PRAGMA threads = 0")

    def last_event_id(self, connection: sqlite3.Connection) -> int:
        return int(connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])

    def finish_import(self, connection: sqlite3.Connection, since_id: int, inserted: int) -> None:
        """Count the `inserted` events after `since_id` into the per-class totals, and bring
        the planner's statistics up to date; once, at the end of the import's transaction."""
        # Events are never deleted, so the table held `since_id` before the import.
        self._count_in_totals(connection, since_id, most_of_table=inserted > since_id)
        self.refresh_statistics(connection)

    def earlier_revisions(self, connection: sqlite3.Connection) -> EarlierRevisions | None:
        """The keys of every earlier revision, read once for a write (revisions are few);
        None when no event was ever corrected."""
        external_ids: set[str] = set()
        fingerprints: set[str] = set()
        for external_id, fingerprint in connection.execute(
            "SELECT external_id, fingerprint FROM event_revisions"
        ):
            if external_id is None:
                fingerprints.add(fingerprint)
            else:
                external_ids.add(external_id)
        if not external_ids and not fingerprints:
            return None
        return EarlierRevisions(frozenset(external_ids), frozenset(fingerprints))

    def insert_batch(
        self,
        connection: sqlite3.Connection,
        rows: Sequence[tuple[Any, ...]],
        now: str,
        earlier: EarlierRevisions | None = None,
    ) -> int:
        """Insert rows (values in `CONTENT_COLUMNS` order) within the caller's transaction;
        rows already known (by external id, or by content when they have none) are skipped,
        as are those that describe an event as it was before a correction (`earlier`).
        Returns how many were inserted. The caller ends with `finish_import`."""
        columns = (*CONTENT_COLUMNS, "logged_at", "revision", "revised_at")
        cursor = connection.executemany(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            " ON CONFLICT DO NOTHING",
            [(*row, now, 1, now) for row in rows if earlier is None or not earlier.describe(row)],
        )
        # The rows this statement inserted (total_changes would count triggers' changes too).
        inserted = cursor.rowcount
        if inserted:
            self._remember_catalogue(connection, now)
        return inserted

    def recount_totals(self) -> int:
        """Count every class's events afresh (as m006 first did); returns how many classes."""
        with self.write() as connection:
            connection.execute("DELETE FROM evidence_totals")
            connection.execute(f"INSERT INTO evidence_totals {_EVENTS_BY_CLASS}")
            return int(connection.execute("SELECT count(*) FROM evidence_totals").fetchone()[0])

    def drifted_totals(self) -> int:
        """How many classes' kept totals differ from a count of their events (none unless
        the database was written around its triggers)."""
        kept = {
            tuple(row[:4]): row[4]
            for row in self.connection.execute(
                f"SELECT {CLASS_COLUMNS}, events FROM evidence_totals WHERE events <> 0"
            )
        }
        counted = {tuple(row[:4]): row[4] for row in self.connection.execute(_EVENTS_BY_CLASS)}
        return sum(kept.get(key) != counted.get(key) for key in kept.keys() | counted.keys())

    def refresh_statistics(self, connection: sqlite3.Connection) -> None:
        """Bring the query planner's statistics up to date after a large write, within the
        caller's transaction. Sampled (a few milliseconds on a million events), yet enough
        for the planner to skip-scan the evidence index for a report's recent weeks instead
        of visiting every event of them (three times faster on a million, measured)."""
        connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_ROWS}")
        connection.execute("ANALYZE events")

    def count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM events").fetchone()[0])

    def count_retracted(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM retractions").fetchone()[0])

    # -- the catalogues events were logged against ----------------------------

    def _remember_catalogue(self, connection: sqlite3.Connection, now: str) -> None:
        if self.catalogue is None:
            return
        connection.execute(
            "INSERT INTO catalogues (id, version, first_used_at, last_used_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id, version) DO UPDATE SET last_used_at = excluded.last_used_at",
            (*self.catalogue, now, now),
        )

    def catalogues_used(self) -> list[CatalogueUse]:
        """The catalogues events were logged against, the most recently used first."""
        rows = self.connection.execute(
            "SELECT id, version, first_used_at, last_used_at FROM catalogues"
            " ORDER BY last_used_at DESC, rowid DESC"
        )
        return [CatalogueUse(*row) for row in rows]

    # -- what the scorer reads ------------------------------------------------

    def evidence(self, as_of: dt.date, *, history: bool = False) -> list[Evidence]:
        """The grades and dates of the events observed by `as_of`, for the scorer.

        Without `history`, the current revision of every event still counting. With it,
        every revision ever on record with the interval it was on record for, so that the
        scorer can read the database as it stood on any day (`--as-known`)."""
        observed_by = as_of.isoformat()
        if not history:
            rows = self.connection.execute(
                "SELECT e.id, e.indicator, e.reliability, e.credibility, e.status, e.observed_at,"
                " e.revised_at, NULL FROM events e WHERE e.observed_at <= ?"
                " AND NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.id)",
                (observed_by,),
            )
        else:
            rows = self.connection.execute(
                """
                SELECT e.id, e.indicator, e.reliability, e.credibility, e.status, e.observed_at,
                       e.revised_at, r.retracted_at
                FROM events e LEFT JOIN retractions r ON r.event_id = e.id
                WHERE e.observed_at <= :observed
                UNION ALL
                SELECT v.event_id, v.indicator, v.reliability, v.credibility, v.status,
                       v.observed_at, v.revised_at, v.replaced_at
                FROM event_revisions v
                WHERE v.observed_at <= :observed
                """,
                {"observed": observed_by},
            )
        return [
            Evidence(
                event_id=row[0],
                indicator=row[1],
                reliability=row[2],
                credibility=row[3],
                status=row[4],
                observed_at=dt.date.fromisoformat(row[5]),
                known_from=row[6],
                known_until=row[7],
            )
            for row in rows
        ]

    def evidence_classes(self, days: Sequence[dt.date]) -> dict[dt.date, list[EvidenceClass]]:
        """The evidence classes counting on each of `days`: per indicator, grade and status,
        how many events not retracted were observed by that day, and the freshest of them
        (the last logged, when several are equally fresh).

        Counts start from the totals the database keeps per class, less the retracted
        events and those observed after the day, so only the events after the earliest
        day are visited. The freshest event by the earliest day is one step down the
        evidence index; for later days it is the fresher of that and the periods' own."""
        ordered = sorted(set(days))
        if not ordered:
            return {}
        with self.read():
            return self._evidence_classes(ordered)

    def _evidence_classes(self, ordered: list[dt.date]) -> dict[dt.date, list[EvidenceClass]]:
        counting: dict[tuple[str, str, str, str], int] = {
            (row[0], row[1], row[2], row[3]): row[4]
            for row in self.connection.execute(
                f"SELECT {CLASS_COLUMNS}, events FROM evidence_totals"
            )
        }
        for row in self.connection.execute(
            f"SELECT {CLASS_COLUMNS}, count(*) FROM events"
            f" WHERE id IN (SELECT event_id FROM retractions) GROUP BY {CLASS_COLUMNS}"
        ):
            counting[row[:4]] = counting.get(row[:4], 0) - row[4]
        # Per class and period after the first day (period k ends on ordered[k]; the last
        # is open-ended): how many events count, and the freshest of them. The freshest is
        # the greatest (date, id), taken as the greatest of one sortable text of both.
        bounds = [day.isoformat() for day in ordered]
        whens = " ".join(f"WHEN observed_at <= ? THEN {k}" for k in range(1, len(bounds)))
        bucket = f"CASE {whens} ELSE {len(bounds)} END" if whens else str(len(bounds))
        periods: dict[tuple[str, str, str, str], dict[int, tuple[int, str]]] = {}
        for row in self.connection.execute(
            # The upper bound holds for every date; with it the planner sees a bounded range
            # and skip-scans the evidence index instead of reading all of it (measured).
            f"SELECT {CLASS_COLUMNS}, {bucket}, count(*),"
            f" max(observed_at || ' ' || substr('00000000000' || id, -12)) FROM events"
            f" WHERE observed_at > ? AND observed_at <= '9999-12-31'"
            f" AND id NOT IN (SELECT event_id FROM retractions)"
            f" GROUP BY {CLASS_COLUMNS}, 5",
            (*bounds[1:], bounds[0]),
        ):
            periods.setdefault(row[:4], {})[row[4]] = (row[5], row[6])
        # The freshest of each class by the first day: one step down the evidence index.
        freshest = {
            (row[0], row[1], row[2], row[3]): f"{row[5]} {row[4]:012d}"
            for row in self.connection.execute(_FRESHEST_BY_CLASS, (bounds[0],))
        }
        found: dict[dt.date, list[EvidenceClass]] = {day: [] for day in ordered}
        for key in sorted(counting.keys() | periods.keys()):
            own = periods.get(key, {})
            later = sum(count for count, _latest in own.values())
            latest = freshest.get(key, "")
            # A class's freshest event changes on few of the days: parse it when it does.
            latest_date, latest_id = _freshest(latest) if latest else (None, 0)
            total = counting.get(key, 0)
            indicator, reliability, credibility, status = key
            for k, day in enumerate(ordered):
                if k in own:
                    count, period_latest = own[k]
                    later -= count
                    if period_latest > latest:
                        latest = period_latest
                        latest_date, latest_id = _freshest(latest)
                events = total - later
                if latest_date is None or events <= 0:
                    continue
                found[day].append(
                    EvidenceClass(
                        indicator, reliability, credibility, status, latest_date, latest_id, events
                    )
                )
        return found

    def events_of_week(
        self, first: dt.date, last: dt.date, *, known_by: str | None = None
    ) -> list[Event]:
        """Events observed or logged between `first` and `last`, as they then stood when
        `known_by` (an ISO timestamp) is given: logged before it, in the revision of the time,
        and not yet retracted."""
        window = {"first": first.isoformat(), "after": (last + dt.timedelta(days=1)).isoformat()}
        in_week = (
            "((e.observed_at >= :first AND e.observed_at < :after)"
            " OR (e.logged_at >= :first AND e.logged_at < :after))"
        )
        if known_by is None:
            sql = f"{_SELECT_EVENT} WHERE {in_week} AND r.event_id IS NULL ORDER BY e.observed_at, e.id"
            return [_event_from_row(row) for row in self.connection.execute(sql, window)]
        current = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        earlier = ", ".join(
            f"v.{c}" if c in EVENT_FIELDS or c in ("revision", "revised_at") else f"e.{c}"
            for c in EVENT_COLUMNS
        )
        sql = f"""
            SELECT * FROM (
                SELECT {current} FROM events e
                WHERE e.revised_at < :known
                UNION ALL
                SELECT {earlier} FROM event_revisions v JOIN events e ON e.id = v.event_id
                WHERE v.revised_at < :known AND v.replaced_at >= :known
            ) AS e
            WHERE e.logged_at < :known AND {in_week}
              AND NOT EXISTS (SELECT 1 FROM retractions r
                              WHERE r.event_id = e.id AND r.retracted_at < :known)
            ORDER BY e.observed_at, e.id
        """
        rows = self.connection.execute(sql, {**window, "known": known_by})
        return [_event_from_row((*row, None, None, None)) for row in rows]

    # -- maintenance ---------------------------------------------------------

    def schema_version(self) -> list[str]:
        return _applied_migrations(self.connection)

    def id_choices(
        self, prefix: str, *, include_retracted: bool, limit: int
    ) -> list[tuple[int, str, str]]:
        """(id, indicator, summary) of the newest events whose id starts with `prefix`, for
        completing an id as it is typed."""
        if prefix and not prefix.isdigit():
            return []
        retracted = "" if include_retracted else " AND id NOT IN (SELECT event_id FROM retractions)"
        rows = self.connection.execute(
            f"SELECT id, indicator, summary FROM events WHERE CAST(id AS TEXT) GLOB ?{retracted}"
            " ORDER BY id DESC LIMIT ?",
            (prefix + "*", limit),
        )
        return [(row[0], row[1], row[2]) for row in rows]


def _index_for_search(connection: sqlite3.Connection, table: str, after: int, upto: int) -> None:
    """Add the events with ids in (after, upto] to the search table `table`."""
    columns = ", ".join(SEARCHED_COLUMNS)
    connection.execute(
        f"INSERT INTO {table} (rowid, {columns})"
        f" SELECT id, {columns} FROM events WHERE id > ? AND id <= ?",
        (after, upto),
    )


def search_query(text: str) -> str | None:
    """The FTS5 query for what an analyst typed: every word must appear, in any order, in
    the summary, notes or source; a word also finds the longer words it begins
    (`ceasefir` finds ceasefire). Case and diacritics are ignored. Each word is quoted, so
    FTS5's own syntax (quotes, AND, NEAR, *, -, ^, column:) is taken as plain text. None
    when no word has a letter or digit: nothing can match it."""
    if not text.strip():
        raise UsageError("A search needs at least one word to look for.")
    # FTS5 reads its query up to the first NUL: one there would cut a quoted word short.
    chunks = text.replace("\x00", " ").split()
    words = [word for word in chunks if any(char.isalnum() for char in word)]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _event_from_row(row: Sequence[Any]) -> Event:
    data = dict(zip(EVENT_COLUMNS, row[: len(EVENT_COLUMNS)], strict=True))
    reason, retracted_at, retracted_by = row[len(EVENT_COLUMNS) :]
    if retracted_at is not None:
        data["retraction"] = Retraction(
            reason=reason, retracted_at=retracted_at, analyst=retracted_by
        )
    return Event.model_validate(data)


def _database_error(path: Path, error: sqlite3.Error) -> DatabaseError:
    text = str(error)
    if "file is not a database" in text or "malformed" in text:
        return DatabaseError(f"{path} is not a signals database (it is not a valid SQLite file).")
    if "readonly" in text:
        return DatabaseError(f"{path} is read-only: signals cannot write to it.")
    if "locked" in text or "busy" in text:
        return DatabaseError(f"{path} is locked by another writer; try again in a moment.")
    if "unable to open" in text:
        return DatabaseError(f"Cannot open the database {path}.")
    return DatabaseError(f"Database error in {path}: {text}.")


def _applied_migrations(connection: sqlite3.Connection) -> list[str]:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not exists:
        return []
    return [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        )
    ]


def _refuse_newer(connection: sqlite3.Connection, path: Path) -> list[str]:
    """The migrations applied to the database; refused if any is unknown to this version,
    or if it is another application's database (signals would add its tables to it)."""
    applied = _applied_migrations(connection)
    if not applied:
        # Tables of its own, or migrations of its own, mark another application's database.
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        others = [name for name in tables if name != MIGRATIONS_TABLE]
        if others or (
            tables and connection.execute(f"SELECT 1 FROM {MIGRATIONS_TABLE} LIMIT 1").fetchone()
        ):
            raise DatabaseError(
                f"{path} is another application's SQLite database, not a signals one;"
                " give signals a file of its own."
            )
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    if unknown:
        raise DatabaseError(
            f"{path} was written by a newer version of signals (schema {unknown[-1]});"
            " upgrade signals to use it."
        )
    return applied


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    applied = _refuse_newer(connection, path)
    if len(applied) == len(KNOWN_MIGRATIONS):
        return
    # Only a new or older database pays for importing sqlite-utils.
    from sqlite_utils import Database

    # A migration may rebuild a table that others refer to; SQLite's procedure for that
    # turns foreign keys off around the transaction and checks them before it commits.
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            migrations().apply(Database(connection))
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseError(
                    f"{path} has {len(broken)} broken references between tables;"
                    " it was not upgraded (run `signals db check`)."
                )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        # Only outside a transaction does this take effect.
        connection.execute("PRAGMA foreign_keys = ON")


def open_store(path: Path, *, create: bool = True, create_parent: bool = False) -> Store:
    """Open and migrate the database at `path`, creating it if `create`."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file.")
    if not create and not path.exists():
        raise DatabaseError(
            f"There is no database at {path}: `signals init` creates one"
            " (or check --db and SIGNALS_DB)."
        )
    if not path.parent.exists():
        if not create_parent:
            raise DatabaseError(f"The directory {path.parent} does not exist.")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise _database_error(path, error) from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # Before anything writes (switching to WAL rewrites the header): a newer database
        # is left exactly as it was.
        _refuse_newer(connection, path)
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal" and path.exists() and not _is_writable(path):
            raise DatabaseError(f"{path} is read-only: signals cannot write to it.")
        connection.execute("PRAGMA synchronous = NORMAL")
        _migrate(connection, path)
    except sqlite3.Error as error:
        connection.close()
        raise _database_error(path, error) from None
    except BaseException:
        connection.close()
        raise
    return Store(connection, path)


def _is_writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)
