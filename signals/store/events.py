"""Events one at a time: logging, reading, finding, correcting and retracting them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from signals.errors import EventNotFoundError, SignalsError
from signals.events import (
    CONTENT_ORDER,
    EVENT_FIELDS,
    Event,
    EventEdit,
    EventInput,
    EventRevision,
    Retraction,
)
from signals.identity import content_key
from signals.store.catalogues import remember_catalogue
from signals.store.opening import utc_now
from signals.store.search import Search, search_query
from signals.store.totals import count_in_totals

CONTENT_COLUMNS = CONTENT_ORDER
# The columns whose content identifies an event without an external id.
IDENTIFYING_COLUMNS = ("indicator", "summary", "observed_at", "source", "url")
EVENT_COLUMNS = ("id", *EVENT_FIELDS, "logged_at", "revision", "revised_at")
SELECT_EVENT = (
    "SELECT "
    + ", ".join(f"e.{column}" for column in EVENT_COLUMNS)
    + ", r.reason, r.retracted_at, r.analyst AS retracted_by"
    + " FROM events e LEFT JOIN retractions r ON r.event_id = e.id"
)


@dataclass(frozen=True)
class EventFilter:
    indicator: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    search: str | None = None
    include_retracted: bool = False


class Events(Search):
    def log(self, event: EventInput, *, now: str | None = None) -> Event:
        now = now or utc_now()
        with self._write() as connection:
            event_id = self._insert(connection, event, now)
            remember_catalogue(connection, self.catalogue, now)
        return self.get(event_id)

    def _insert(self, connection: sqlite3.Connection, event: EventInput, now: str) -> int:
        row = event.row()
        self._refuse_duplicate(connection, row, exclude_id=None)
        _refuse_bad_ending(connection, row, event_id=None, fading=self.fading)
        columns = (*CONTENT_COLUMNS, "logged_at", "revision", "revised_at")
        values = [row[column] for column in CONTENT_COLUMNS] + [now, 1, now]
        cursor = connection.execute(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        assert cursor.lastrowid is not None
        count_in_totals(connection, since_id=cursor.lastrowid - 1)
        return cursor.lastrowid

    def _refuse_duplicate(
        self, connection: sqlite3.Connection, row: dict[str, Any], exclude_id: int | None
    ) -> None:
        if row["external_id"] is not None:
            found = connection.execute(
                "SELECT id FROM events WHERE external_id = ? AND id IS NOT ?",
                (row["external_id"], exclude_id),
            ).fetchone()
            if found:
                raise SignalsError(
                    f"An event with the same external id is already logged as #{found[0]}."
                )
            return
        # The fingerprint finds the candidates; their content decides (a hash can collide).
        key = content_key(*(row[column] for column in IDENTIFYING_COLUMNS))
        for found_id, *content in connection.execute(
            f"SELECT id, {', '.join(IDENTIFYING_COLUMNS)} FROM events"
            " WHERE fingerprint = ? AND external_id IS NULL AND id IS NOT ?",
            (row["fingerprint"], exclude_id),
        ):
            if content_key(*content) == key:
                raise SignalsError(
                    f"An event with the same content is already logged as #{found_id}."
                )

    def get(self, event_id: int) -> Event:
        row = self._connection.execute(f"{SELECT_EVENT} WHERE e.id = ?", (event_id,)).fetchone()
        if row is None:
            raise EventNotFoundError(event_id)
        return event_from_row(row)

    def get_many(self, event_ids: Sequence[int]) -> dict[int, Event]:
        """The events of `event_ids` that exist, by id: one read per 500, not one each."""
        found: dict[int, Event] = {}
        ids = sorted(set(event_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._connection.execute(
                f"{SELECT_EVENT} WHERE e.id IN ({', '.join('?' * len(chunk))})", chunk
            )
            found.update((event.id, event) for event in map(event_from_row, rows))
        return found

    def revisions(self, event_id: int) -> list[EventRevision]:
        self.get(event_id)
        rows = self._connection.execute(
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
        sql = SELECT_EVENT
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY e.observed_at, e.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [event_from_row(row) for row in self._connection.execute(sql, params)]

    def edits(self, event_id: int) -> list[EventEdit]:
        """Why and by whom each correction of the event was made, oldest first (corrections
        made before reasons were recorded have none)."""
        rows = self._connection.execute(
            "SELECT revision, edited_at, reason, analyst FROM event_edits WHERE event_id = ?"
            " ORDER BY revision",
            (event_id,),
        )
        return [
            EventEdit(revision=row[0], edited_at=row[1], reason=row[2], analyst=row[3])
            for row in rows
        ]

    def edit(
        self,
        event_id: int,
        event: EventInput,
        *,
        reason: str | None = None,
        analyst: str | None = None,
        now: str | None = None,
    ) -> Event:
        """Correct an event: its current revision is kept among the revisions, and the
        new one is recorded with why (`reason`) and by whom (`analyst`) it was made."""
        reason = reason.strip() if reason is not None else None
        if reason == "":
            raise SignalsError(
                "The reason for an edit cannot be blank; leave --reason out instead."
            )
        now = now or utc_now()
        with self._write() as connection:
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
            _refuse_bad_ending(connection, row, event_id=event_id, fading=self.fading)
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
            if reason is not None or analyst is not None:
                connection.execute(
                    "INSERT INTO event_edits (event_id, revision, edited_at, reason, analyst)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (event_id, old[-2] + 1, now, reason, analyst),
                )
            remember_catalogue(connection, self.catalogue, now)
        return self.get(event_id)

    def retract(
        self, event_id: int, reason: str, *, analyst: str | None = None, now: str | None = None
    ) -> Event:
        reason = reason.strip()
        if not reason:
            raise SignalsError("A retraction needs a reason.")
        with self._write() as connection:
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

    def count(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM events").fetchone()[0])

    def count_retracted(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM retractions").fetchone()[0])

    def sources(self, event_ids: Sequence[int]) -> dict[int, str]:
        """The source each of `event_ids` names, where it names one: how the range and the
        confidence tell independent origins apart."""
        found: dict[int, str] = {}
        ids = sorted(set(event_ids))
        # Within SQLite's default limit of host parameters per statement.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._connection.execute(
                f"SELECT id, source FROM events WHERE id IN ({', '.join('?' * len(chunk))})"
                " AND source IS NOT NULL",
                chunk,
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def references(self, event_ids: Sequence[int]) -> dict[int, str]:
        """How a file names each of `event_ids`: by its external id where it has one, else
        by its id (what `import` reads in `breaks` and `withdraws`)."""
        found: dict[int, str] = {}
        ids = sorted(set(event_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._connection.execute(
                f"SELECT id, coalesce(external_id, id) FROM events"
                f" WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], str(row[1])) for row in rows)
        return found

    def id_choices(
        self, prefix: str, *, include_retracted: bool, limit: int
    ) -> list[tuple[int, str, str]]:
        """(id, indicator, summary) of the newest events whose id starts with `prefix`, for
        completing an id as it is typed."""
        if prefix and not prefix.isdigit():
            return []
        retracted = "" if include_retracted else " AND id NOT IN (SELECT event_id FROM retractions)"
        rows = self._connection.execute(
            f"SELECT id, indicator, summary FROM events WHERE CAST(id AS TEXT) GLOB ?{retracted}"
            " ORDER BY id DESC LIMIT ?",
            (prefix + "*", limit),
        )
        return [(row[0], row[1], row[2]) for row in rows]


def ending_problem(
    connection: sqlite3.Connection,
    ends: int,
    indicator: str,
    observed_at: str,
    *,
    event_id: int | None = None,
    fading: frozenset[str] = frozenset(),
) -> str | None:
    """Why an event of `indicator` observed on `observed_at` cannot end event `ends`, if
    it cannot: it ends an earlier (or same-day) event of its own indicator that still
    counts, is not itself an ending and is not of a reading that fades (`fading`: a
    standing position's readings that are no position in force)."""
    if ends == event_id:
        return "An event cannot end itself."
    target = connection.execute(
        "SELECT e.indicator, e.observed_at, e.ends, r.event_id IS NOT NULL, e.variant FROM events e"
        " LEFT JOIN retractions r ON r.event_id = e.id WHERE e.id = ?",
        (ends,),
    ).fetchone()
    if target is None:
        return f"There is no event #{ends} to end."
    target_indicator, target_observed, target_ends, retracted, target_variant = target
    if target_indicator != indicator:
        return (
            f"Event #{ends} is filed under {target_indicator}: an event ends only one of its"
            f" own indicator ({indicator})."
        )
    if target_observed > observed_at:
        return (
            f"Event #{ends} was observed on {target_observed}, after this one: an event ends"
            " only an earlier or same-day one."
        )
    if retracted:
        return f"Event #{ends} is retracted, so there is nothing of it to end."
    if target_ends is not None:
        return f"Event #{ends} itself ends event #{target_ends}; an ending cannot be ended."
    if target_variant in fading:
        return (
            f"Event #{ends} is read as {target_variant}, which is no standing position: it"
            " fades with time and is not withdrawn."
        )
    return None


def _refuse_bad_ending(
    connection: sqlite3.Connection,
    row: dict[str, Any],
    event_id: int | None,
    fading: Mapping[str, frozenset[str]],
) -> None:
    if row["ends"] is None:
        return
    problem = ending_problem(
        connection,
        row["ends"],
        row["indicator"],
        row["observed_at"],
        event_id=event_id,
        fading=fading.get(row["indicator"], frozenset()),
    )
    if problem:
        raise SignalsError(problem)


def event_from_row(row: Sequence[Any]) -> Event:
    data = dict(zip(EVENT_COLUMNS, row[: len(EVENT_COLUMNS)], strict=True))
    reason, retracted_at, retracted_by = row[len(EVENT_COLUMNS) :]
    if retracted_at is not None:
        data["retraction"] = Retraction(
            reason=reason, retracted_at=retracted_at, analyst=retracted_by
        )
    return Event.model_validate(data)
