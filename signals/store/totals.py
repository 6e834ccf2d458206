"""The per-class event totals the database keeps, so the scorer need not count every event:
their upkeep as events are written, and recounting them when they drift."""

from __future__ import annotations

import sqlite3

from signals.errors import DatabaseError
from signals.migrations import CLASS_KEY
from signals.store.opening import StoreBase

# What makes an evidence class: the events of one reading of an indicator (its variant)
# with one grade and status.
CLASS_COLUMNS = CLASS_KEY
_KEY = len(CLASS_COLUMNS.split(","))
# How many events each class has, counted afresh.
_EVENTS_BY_CLASS = f"SELECT {CLASS_COLUMNS}, count(*) FROM events GROUP BY {CLASS_COLUMNS}"


def count_in_totals(
    connection: sqlite3.Connection, since_id: int, *, most_of_table: bool = False
) -> None:
    """Add the events inserted after `since_id` to the per-class totals. The store does
    this once per write (an import counts all its rows at its end), where a trigger
    would run per row (a third of an import's time, measured); corrections are counted
    by a trigger (see m006 and m007).

    A few new rows are read by id and grouped; when they are most of the table, the
    evidence index is read in its order instead, which groups them without sorting
    (sorting a million rows held 50 MB more, measured)."""
    source = "events INDEXED BY events_evidence" if most_of_table else "events NOT INDEXED"
    connection.execute(
        f"INSERT INTO evidence_totals SELECT {CLASS_COLUMNS}, count(*) FROM {source} WHERE id > ?"
        f" GROUP BY {CLASS_COLUMNS} ON CONFLICT ({CLASS_COLUMNS}) DO UPDATE SET events = events + excluded.events",
        (since_id,),
    )


class Totals(StoreBase):
    def recount_totals(self) -> int:
        """Count every class's events afresh (as m007 last did); returns how many classes.
        Refused when the totals count more events than there are: events are never
        deleted, so the difference is the one trace of rows deleted around signals."""
        with self._write() as connection:
            deleted = self.deleted_events()
            if deleted:
                raise DatabaseError(
                    f"{self.path} has {deleted} fewer events than it counted: they were"
                    " deleted around signals, and recounting would erase that trace."
                )
            connection.execute("DELETE FROM evidence_totals")
            connection.execute(f"INSERT INTO evidence_totals {_EVENTS_BY_CLASS}")
            return int(connection.execute("SELECT count(*) FROM evidence_totals").fetchone()[0])

    def deleted_events(self) -> int:
        """How many more events the kept totals count than there are."""
        kept, present = self._connection.execute(
            "SELECT (SELECT coalesce(sum(events), 0) FROM evidence_totals),"
            " (SELECT count(*) FROM events)"
        ).fetchone()
        return max(0, int(kept) - int(present))

    def drifted_totals(self) -> int:
        """How many classes' kept totals differ from a count of their events (none unless
        the database was written around its triggers)."""
        kept = {
            tuple(row[:_KEY]): row[_KEY]
            for row in self._connection.execute(
                f"SELECT {CLASS_COLUMNS}, events FROM evidence_totals WHERE events <> 0"
            )
        }
        counted = {
            tuple(row[:_KEY]): row[_KEY] for row in self._connection.execute(_EVENTS_BY_CLASS)
        }
        return sum(kept.get(key) != counted.get(key) for key in kept.keys() | counted.keys())
