"""What `signals db check` and `signals db backup` ask of the database: SQLite's own
checks, the invariants signals keeps, and an online copy."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from signals.errors import SignalsError
from signals.store.opening import StoreBase

ANALYSIS_ROWS = 20_000


def refresh_statistics(connection: sqlite3.Connection) -> None:
    """Bring the query planner's statistics up to date after a large write, within the
    caller's transaction. Sampled (a few milliseconds on a million events), yet enough
    for the planner to skip-scan the evidence index for a report's recent weeks instead
    of visiting every event of them (three times faster on a million, measured)."""
    connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_ROWS}")
    connection.execute("ANALYZE events")


class Checks(StoreBase):
    def integrity(self) -> list[str]:
        """SQLite's integrity check: `["ok"]`, or what is wrong with the file."""
        return [row[0] for row in self._connection.execute("PRAGMA integrity_check")]

    def foreign_schema(self) -> list[str]:
        """How the schema differs from the one signals' migrations make, one line each."""
        from signals.store.schema import schema_differences

        return schema_differences(self._connection, self.schema_version())

    def broken_references(self) -> list[tuple[str, int, str]]:
        """(table, row id, the table it points at) of every row whose reference is missing."""
        return [
            (row[0], row[1], row[2]) for row in self._connection.execute("PRAGMA foreign_key_check")
        ]

    def orphan_revisions(self) -> int:
        """How many earlier revisions belong to no event."""
        return int(
            self._connection.execute(
                "SELECT count(*) FROM event_revisions v WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = v.event_id)"
            ).fetchone()[0]
        )

    def revision_gaps(self) -> int:
        """How many events lack some of their earlier revisions."""
        return int(
            self._connection.execute(
                "SELECT count(*) FROM events e WHERE e.revision - 1 <>"
                " (SELECT count(*) FROM event_revisions v WHERE v.event_id = e.id)"
            ).fetchone()[0]
        )

    def events_per_indicator(self) -> list[tuple[str, int]]:
        return [
            (row[0], row[1])
            for row in self._connection.execute(
                "SELECT indicator, count(*) FROM events GROUP BY indicator"
            )
        ]

    def copy_to(self, target: Path, progress: Callable[[int, int, int], object]) -> int:
        """Copy the database into the (empty) file `target` while others go on writing;
        returns how many events the copy holds."""
        try:
            copy = sqlite3.connect(target)
            try:
                # In one step: a stepwise copy starts again whenever another process
                # commits, so a busy database was never copied; one step reads a single
                # snapshot while writers go on (the log keeps what they add).
                self._connection.backup(copy, pages=-1, progress=progress)
                # Counted in the copy: the database may have more by now.
                return int(copy.execute("SELECT count(*) FROM events").fetchone()[0])
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise SignalsError(f"Backup failed: {error}.") from None
