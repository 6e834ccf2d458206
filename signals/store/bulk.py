"""Bulk import: many rows written in one transaction, faster than one by one.

The importer drives a `BulkImport` that `Store.bulk_import` hands it inside the write
transaction; the connection never leaves the store. Index upkeep, deduplication against
earlier revisions, the per-class totals and the planner's statistics are all seen to here.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from signals.errors import SignalsError
from signals.events import PLAIN_ORDER
from signals.identity import ContentKey, content_key
from signals.store.catalogues import remember_catalogue
from signals.store.checks import refresh_statistics
from signals.store.events import CONTENT_COLUMNS, IDENTIFYING_COLUMNS, ending_problem
from signals.store.opening import StoreBase
from signals.store.totals import count_in_totals

# Rows an import inserts before it defers index upkeep, if the table held fewer before.
DEFER_INDEXES_AFTER = 50_000
# Building an index sorts its entries in runs of the page cache's size and merges them.
# With a helper thread sorting runs while the connection merges, 8 MB runs build a
# million rows' indexes a third faster than 16 MB runs alone, in less memory (measured).
SORT_CACHE_KIB = 8 * 1024
SORT_HELPER_THREADS = 1
# The indexes an import reads as it writes: deduplication looks rows up in them. Every
# other index of events is set aside by an import that outgrows the table and built at
# its end, unique ones excepted (they refuse rows as they come).
DEDUPLICATING_INDEXES = ("events_external_id", "events_fingerprint")


@dataclass(frozen=True)
class EarlierRevisions:
    """What identified events before their corrections: a row that matches one describes
    an event already on record, as it stood before an analyst corrected it."""

    external_ids: frozenset[str]
    # Of revisions without an external id: their fingerprints, to rule most rows out at
    # once, and their content, which decides.
    fingerprints: frozenset[int]
    contents: frozenset[ContentKey]

    def describe(self, row: tuple[Any, ...]) -> bool:
        """Whether a row (values in `PLAIN_ORDER` or `CONTENT_COLUMNS` order, which
        begin alike) is one of these revisions."""
        external_id = row[_EXTERNAL_ID]
        if external_id is not None:
            return external_id in self.external_ids
        return row[_FINGERPRINT] in self.fingerprints and content_key(*row[:5]) in self.contents


_EXTERNAL_ID = PLAIN_ORDER.index("external_id")
_FINGERPRINT = PLAIN_ORDER.index("fingerprint")
_ENDS = CONTENT_COLUMNS.index("ends")
_INDICATOR = PLAIN_ORDER.index("indicator")
_OBSERVED = PLAIN_ORDER.index("observed_at")
# The columns that identify an event without an external id come first in a row.
_CONTENT = IDENTIFYING_COLUMNS
assert PLAIN_ORDER[: len(_CONTENT)] == _CONTENT


def _insert_sql(columns: Sequence[str], stamp: str) -> str:
    """Every row of an import is logged at the same time, first revised then and is its
    first revision: the time is written into the statement once (and the revision left to
    its default) rather than bound to every row, which spares building each row anew and
    binding three more values (a tenth of the insert, measured)."""
    quoted = "'" + stamp.replace("'", "''") + "'"
    return (
        f"INSERT INTO events ({', '.join(columns)}, logged_at, revised_at)"
        f" VALUES ({', '.join('?' * len(columns))}, {quoted}, {quoted}) ON CONFLICT DO NOTHING"
    )


# Fingerprints looked up per statement, within SQLite's oldest limit of host parameters.
LOOKUP_CHUNK = 500
_STORED_CONTENT = (
    f"SELECT fingerprint, {', '.join(_CONTENT)} FROM events"
    " WHERE fingerprint IN ({}) AND external_id IS NULL"
)


class UnresolvedEnding(SignalsError):
    """The event a row says it ends is not on record, or cannot be ended by it."""


class BulkImport:
    """One import's writes, within the transaction `Store.bulk_import` holds: `insert`
    batches of rows, then `finish` once every row is in."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        stamp: str,
        catalogue: tuple[str, int] | None,
        rollback: bool,
        fading: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self._connection = connection
        self._stamp = stamp
        # An ordinary row names only the columns every event has; the rest keep defaults.
        self._plain_insert = _insert_sql(PLAIN_ORDER, stamp)
        self._read_insert = _insert_sql(CONTENT_COLUMNS, stamp)
        self._catalogue = catalogue
        self._fading = fading or {}
        self._rollback = rollback
        # Events are never deleted, so the highest id is also how many the table held.
        self.first_id = int(
            connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        )
        self._earlier = _earlier_revisions(connection)
        self.inserted = 0
        self._deferred: list[str] | None = None
        self.finished = False

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert rows: ordinary ones in `PLAIN_ORDER`, those with a reading in
        `CONTENT_COLUMNS` order (see `EventInput.values`), kept in the order given. Rows
        already known (by external id, or by content when they have none) are skipped, as
        are those that describe an event as it was before a correction. Returns how many
        were inserted."""
        # An import that outgrows the table builds some indexes once, at its end.
        if (
            self._deferred is None
            and self.inserted >= DEFER_INDEXES_AFTER
            and self.inserted > self.first_id
        ):
            self._deferred = _defer_indexes(self._connection)
        plain = len(PLAIN_ORDER)
        if all(len(row) == plain for row in rows):
            return self._insert_run(self._plain_insert, rows)
        inserted = 0
        for width, run in itertools.groupby(rows, key=len):
            inserted += self._insert_run(
                self._plain_insert if width == plain else self._read_insert, list(run)
            )
        return inserted

    def insert_ending(self, row: tuple[Any, ...], reference: str) -> int:
        """Insert a row (in `CONTENT_COLUMNS` order) that ends the event `reference` names:
        an external id, or else an event id, of an event on record or inserted earlier
        in this import. Raises `UnresolvedEnding` when there is none, or when the row
        cannot end it (see `ending_problem`). Returns how many were inserted (0 or 1)."""
        found = self._connection.execute(
            "SELECT id FROM events WHERE external_id = ?", (reference,)
        ).fetchone()
        if found is None and reference.isdigit():
            found = self._connection.execute(
                "SELECT id FROM events WHERE id = ?", (int(reference),)
            ).fetchone()
        if found is None:
            raise UnresolvedEnding(
                f"names no event on record or earlier in the file (by id or external id"
                f" '{reference}')"
            )
        problem = ending_problem(
            self._connection,
            found[0],
            row[_INDICATOR],
            row[_OBSERVED],
            fading=self._fading.get(row[_INDICATOR], frozenset()),
        )
        if problem:
            raise UnresolvedEnding(problem)
        ends = list(row)
        ends[_ENDS] = found[0]
        return self._insert_run(self._read_insert, [tuple(ends)])

    def _insert_run(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> int:
        earlier = self._earlier
        if earlier is not None:
            rows = [row for row in rows if not earlier.describe(row)]
        # A row with an external id is skipped by its unique index, one without by content.
        cursor = self._connection.executemany(sql, _new_content(self._connection, rows))
        # The rows this statement inserted (total_changes would count triggers' changes too).
        inserted = cursor.rowcount
        if inserted:
            remember_catalogue(self._connection, self._catalogue, self._stamp)
        self.inserted += inserted
        return inserted

    def finish(self) -> None:
        """Rebuild the indexes set aside, count the new events into the per-class totals
        and bring the planner's statistics up to date; once, at the end of the import.
        A rehearsal, rolled back, is spared the work."""
        self.finished = True
        if self._rollback:
            return
        if self._deferred:
            _rebuild_indexes(self._connection, self._deferred)
        if self.inserted:
            # Events are never deleted, so the table held `first_id` before the import.
            count_in_totals(
                self._connection, self.first_id, most_of_table=self.inserted > self.first_id
            )
            refresh_statistics(self._connection)


class Bulk(StoreBase):
    @contextmanager
    def bulk_import(self, *, stamp: str, rollback: bool = False) -> Iterator[BulkImport]:
        """A bulk import in one write transaction, which holds the lock from its start and
        gets a page cache large enough for the indexes being written; `rollback` makes it a
        rehearsal. Whatever the block raises, nothing of the import is kept."""
        # It stays in WAL mode, though each page is then written twice (to the log, and
        # back by the checkpoint: a tenth of a million-row import, measured). A rollback
        # journal writes a first import once, but a process that opens the database
        # meanwhile can then be refused at once rather than wait (a reader asking to
        # write while the import commits), which the concurrent tests showed.
        with self._write(rollback=rollback, bulk=True) as connection:
            bulk = BulkImport(
                connection,
                stamp=stamp,
                catalogue=self.catalogue,
                rollback=rollback,
                fading=self.fading,
            )
            yield bulk
            if not bulk.finished:
                raise RuntimeError("a bulk import ended without finish()")


def _new_content(
    connection: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]
) -> Sequence[tuple[Any, ...]]:
    """The rows without the ones whose content is on record or earlier among them (rows
    with an external id are all kept). The events that share a fingerprint with a row are
    read in one statement per chunk, and their content compared with the row's: a
    fingerprint alone never makes a duplicate. Most rows of most imports are new, so a
    batch whose fingerprints are all unseen is passed on as it came."""
    anonymous = [row[_FINGERPRINT] for row in rows if row[_EXTERNAL_ID] is None]
    if not anonymous:
        return rows
    fingerprints = list(set(anonymous))
    stored: dict[int, set[ContentKey]] = {}
    for start in range(0, len(fingerprints), LOOKUP_CHUNK):
        chunk = fingerprints[start : start + LOOKUP_CHUNK]
        for fingerprint, *content in connection.execute(
            _STORED_CONTENT.format(", ".join("?" * len(chunk))), chunk
        ):
            stored.setdefault(fingerprint, set()).add(content_key(*content))
    if not stored and len(fingerprints) == len(anonymous):
        return rows
    kept = []
    for row in rows:
        if row[_EXTERNAL_ID] is None:
            seen = stored.setdefault(row[_FINGERPRINT], set())
            key = content_key(*row[:5])
            if key in seen:
                continue
            seen.add(key)
        kept.append(row)
    return kept


def _earlier_revisions(connection: sqlite3.Connection) -> EarlierRevisions | None:
    """The keys of every earlier revision, read once for a write (revisions are few);
    None when no event was ever corrected."""
    external_ids: set[str] = set()
    fingerprints: set[int] = set()
    contents: set[ContentKey] = set()
    for external_id, fingerprint, *content in connection.execute(
        f"SELECT external_id, fingerprint, {', '.join(_CONTENT)} FROM event_revisions"
    ):
        if external_id is None:
            fingerprints.add(fingerprint)
            contents.add(content_key(*content))
        else:
            external_ids.add(external_id)
    if not external_ids and not contents:
        return None
    return EarlierRevisions(frozenset(external_ids), frozenset(fingerprints), frozenset(contents))


def _defer_indexes(connection: sqlite3.Connection) -> list[str]:
    """Drop the indexes of events a bulk write would otherwise update row by row; returns
    what `_rebuild_indexes` makes again. Building them once, sorted, at the end of a
    million-row import is a quarter faster than keeping them up to date; the log-time
    index too, though its entries arrive in order: 3 s less on a million (measured)."""
    names = ", ".join("?" * len(DEDUPLICATING_INDEXES))
    definitions = [
        (name, sql)
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
            f" AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' AND name NOT IN ({names})"
            " ORDER BY rowid",
            DEDUPLICATING_INDEXES,
        )
    ]
    for name, _sql in definitions:
        connection.execute(f"DROP INDEX {name}")
    return [sql for _name, sql in definitions]


def _rebuild_indexes(connection: sqlite3.Connection, definitions: list[str]) -> None:
    # With the bulk cache, each sorted run would hold another 40 MB. An import's rows
    # have all been read by now, so the reading process's core is free for the helper.
    connection.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
    connection.execute(f"PRAGMA threads = {SORT_HELPER_THREADS}")
    try:
        for sql in definitions:
            connection.execute(sql)
    finally:
        connection.execute("PRAGMA threads = 0")
