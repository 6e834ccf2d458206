"""The trend's past days as reports scored them, and the state of the record they were
scored on: what lets a report show them again without scoring them again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signals.errors import DatabaseError
from signals.store.opening import StoreBase

# Past this many events added since a day was kept, the days are scored again rather
# than every added event read to see whether it was observed by them.
ADDED_LOOKED_AT = 10_000


@dataclass(frozen=True)
class RecordState:
    """Where the record stands: its newest event id (events are only ever added, with a
    larger id) and how many times anything else a score reads was changed."""

    high_water: int
    changes: int


class TrendDays(StoreBase):
    def record_state(self) -> RecordState | None:
        """Where the record stands; None where that cannot be told (its count of changes
        was taken away by hand), and no day may be kept or shown."""
        (high_water,) = self._connection.execute(
            "SELECT coalesce(max(id), 0) FROM events"
        ).fetchone()
        row = self._connection.execute("SELECT changes FROM record_changes WHERE id = 1").fetchone()
        return None if row is None else RecordState(high_water, row[0])

    def kept_days(
        self, scoring: str, days: Sequence[dt.date], state: RecordState
    ) -> dict[dt.date, str]:
        """The kept days among `days` that still hold on the record as it stands at `state`:
        nothing changed since, and every event added since observed after the day."""
        if not days:
            return {}
        marks = ", ".join("?" * len(days))
        rows = self._connection.execute(
            "SELECT as_of, high_water, day FROM trend_days"
            f" WHERE scoring = ? AND changes = ? AND as_of IN ({marks})",
            (scoring, state.changes, *(day.isoformat() for day in days)),
        ).fetchall()
        first_added: dict[int, str | None] = {}
        kept: dict[dt.date, str] = {}
        for as_of, high_water, day in rows:
            if high_water > state.high_water or state.high_water - high_water > ADDED_LOOKED_AT:
                continue
            if high_water not in first_added:
                (first_added[high_water],) = self._connection.execute(
                    "SELECT min(observed_at) FROM events NOT INDEXED WHERE id > ?", (high_water,)
                ).fetchone()
            earliest = first_added[high_water]
            if earliest is None or earliest > as_of:
                kept[dt.date.fromisoformat(as_of)] = day
        return kept

    def keep_days(self, scoring: str, state: RecordState, days: Mapping[dt.date, str]) -> bool:
        """Keep `days`, scored on the record at `state`, if this user may write and no
        other writer holds the lock; whether they were kept. A day not kept is only scored
        again."""
        if not days or not self.writable():
            return False
        previous = self._connection.execute("PRAGMA busy_timeout").fetchone()[0]
        # Kept days only save time: a report never waits for the lock to keep them.
        self._connection.execute("PRAGMA busy_timeout = 0")
        try:
            with self._write() as connection:
                # Days kept under another scoring (another catalogue, prior or version of
                # signals) go: the table holds at most one row per day.
                connection.execute("DELETE FROM trend_days WHERE scoring <> ?", (scoring,))
                connection.executemany(
                    "INSERT OR REPLACE INTO trend_days (scoring, as_of, high_water, changes, day)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [
                        (scoring, day.isoformat(), state.high_water, state.changes, text)
                        for day, text in days.items()
                    ],
                )
            return True
        except DatabaseError:
            # Read-only after all, locked for longer, a full disk: nothing lost but time.
            return False
        finally:
            self._connection.execute(f"PRAGMA busy_timeout = {int(previous)}")
