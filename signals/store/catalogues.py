"""Which catalogues the events in a database were logged against, so a command run with
another catalogue can say so."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from signals.store.opening import StoreBase


@dataclass(frozen=True)
class CatalogueUse:
    """A catalogue that events in the database were logged against, and when."""

    id: str
    version: int
    first_used_at: str
    last_used_at: str


def remember_catalogue(
    connection: sqlite3.Connection, catalogue: tuple[str, int] | None, now: str
) -> None:
    """Record, within the caller's write, that events were just written against `catalogue`."""
    if catalogue is None:
        return
    connection.execute(
        "INSERT INTO catalogues (id, version, first_used_at, last_used_at)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id, version) DO UPDATE SET last_used_at = excluded.last_used_at",
        (*catalogue, now, now),
    )


class Catalogues(StoreBase):
    def catalogues_used(self) -> list[CatalogueUse]:
        """The catalogues events were logged against, the most recently used first."""
        rows = self._connection.execute(
            "SELECT id, version, first_used_at, last_used_at FROM catalogues"
            " ORDER BY last_used_at DESC, rowid DESC"
        )
        return [CatalogueUse(*row) for row in rows]
