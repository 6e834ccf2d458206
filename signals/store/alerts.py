"""What `signals check` saw and what fired: checks, alerts and their acknowledgements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from signals.errors import SignalsError
from signals.store.opening import StoreBase, utc_now
from signals.text import REFUSED_IN_TEXT

if TYPE_CHECKING:
    from signals.alerts import Alert, CheckRecord, NewAlert

MOST_NOTE_CHARACTERS = 2000


class StaleCheckError(SignalsError):
    """Another check was recorded between reading the last one and recording this one."""


_CHECK_COLUMNS = "id, catalogue, catalogue_version, as_of, as_known, checked_at, state, fired"
_SELECT_ALERT = (
    "SELECT a.id, a.check_id, c.catalogue, c.as_of, c.checked_at, a.tripwire, a.severity,"
    " a.message, a.detail, a.acknowledged_at, a.note, a.analyst"
    " FROM alerts a JOIN checks c ON c.id = a.check_id"
)


def _check(row: Sequence[object]) -> CheckRecord:
    # Imported here: every command opens the store, few read alerts.
    from signals.alerts import CheckRecord

    id_, catalogue, version, as_of, as_known, checked_at, state, fired = row
    return CheckRecord(
        int(str(id_)),
        str(catalogue),
        int(str(version)),
        dt.date.fromisoformat(str(as_of)),
        bool(as_known),
        str(checked_at),
        str(state),
        int(str(fired)),
    )


def _alert(row: Sequence[object]) -> Alert:
    from signals.alerts import Alert

    id_, check_id, catalogue, as_of, fired_at, tripwire, severity, message, detail = row[:9]
    acknowledged_at, note, analyst = row[9:]
    return Alert(
        int(str(id_)),
        int(str(check_id)),
        str(catalogue),
        dt.date.fromisoformat(str(as_of)),
        str(fired_at),
        str(tripwire),
        str(severity),
        str(message),
        str(detail),
        None if acknowledged_at is None else str(acknowledged_at),
        None if note is None else str(note),
        None if analyst is None else str(analyst),
    )


class Alerts(StoreBase):
    def last_check(self, catalogue: str, as_of: dt.date) -> CheckRecord | None:
        """The latest check of `catalogue` that scored `as_of` or a day before it."""
        row = self._connection.execute(
            f"SELECT {_CHECK_COLUMNS} FROM checks WHERE catalogue = ? AND as_of <= ?"
            " ORDER BY as_of DESC, id DESC LIMIT 1",
            (catalogue, as_of.isoformat()),
        ).fetchone()
        return None if row is None else _check(row)

    def checks_between(
        self, catalogue: str, first: dt.date, last: dt.date, *, known_by: str | None = None
    ) -> int:
        """How many checks of `catalogue` scored a day from `first` to `last` (recorded
        before `known_by`, when given)."""
        row = self._connection.execute(
            "SELECT count(*) FROM checks WHERE catalogue = ? AND as_of BETWEEN ? AND ?"
            " AND (? IS NULL OR checked_at < ?)",
            (catalogue, first.isoformat(), last.isoformat(), known_by, known_by),
        ).fetchone()
        return int(row[0])

    def checked_after(self, catalogue: str, as_of: dt.date) -> dt.date | None:
        """The latest day after `as_of` that a check of `catalogue` scored, if any."""
        row = self._connection.execute(
            "SELECT max(as_of) FROM checks WHERE catalogue = ? AND as_of > ?",
            (catalogue, as_of.isoformat()),
        ).fetchone()
        return None if row[0] is None else dt.date.fromisoformat(row[0])

    def record_check(
        self,
        catalogue: tuple[str, int],
        as_of: dt.date,
        *,
        as_known: bool,
        state: str,
        fired: Sequence[NewAlert],
        previous: int | None,
        now: str | None = None,
    ) -> list[Alert]:
        """Record a check and its alerts in one transaction. `previous` is the id of the
        check it was compared with: if another was recorded since, nothing is written, so
        two checks at once never both report the same crossing."""
        now = now or utc_now()
        with self._write() as connection:
            latest = connection.execute(
                "SELECT id FROM checks WHERE catalogue = ? AND as_of <= ?"
                " ORDER BY as_of DESC, id DESC LIMIT 1",
                (catalogue[0], as_of.isoformat()),
            ).fetchone()
            if (None if latest is None else latest[0]) != previous:
                raise StaleCheckError(
                    "Another check was recorded while this one ran; nothing was recorded:"
                    " run `signals check` again."
                )
            cursor = connection.execute(
                "INSERT INTO checks (catalogue, catalogue_version, as_of, as_known, checked_at,"
                " state, fired) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*catalogue, as_of.isoformat(), int(as_known), now, state, len(fired)),
            )
            check_id = cursor.lastrowid
            connection.executemany(
                "INSERT INTO alerts (check_id, tripwire, severity, message, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                [(check_id, a.tripwire, a.severity, a.message, a.detail) for a in fired],
            )
            rows = connection.execute(
                f"{_SELECT_ALERT} WHERE a.check_id = ? ORDER BY a.id", (check_id,)
            ).fetchall()
        return [_alert(row) for row in rows]

    def alert(self, alert_id: int) -> Alert:
        row = self._connection.execute(f"{_SELECT_ALERT} WHERE a.id = ?", (alert_id,)).fetchone()
        if row is None:
            raise SignalsError(f"No alert with id {alert_id} (`signals alerts list` lists them).")
        return _alert(row)

    def alerts(
        self,
        *,
        catalogue: str | None = None,
        unacknowledged: bool = False,
        since: dt.date | None = None,
        until: dt.date | None = None,
        known_by: str | None = None,
    ) -> list[Alert]:
        """Alerts, oldest first: of one catalogue, not yet acknowledged, fired at checks of
        days from `since` to `until`, or (`known_by`, a timestamp as `signals.evidence.known_by`
        gives) recorded before then, with only the acknowledgements given before then."""
        clauses, values = [], []
        if catalogue is not None:
            clauses.append("c.catalogue = ?")
            values.append(catalogue)
        if unacknowledged:
            clauses.append("a.acknowledged_at IS NULL")
        if since is not None:
            clauses.append("c.as_of >= ?")
            values.append(since.isoformat())
        if until is not None:
            clauses.append("c.as_of <= ?")
            values.append(until.isoformat())
        if known_by is not None:
            clauses.append("c.checked_at < ?")
            values.append(known_by)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._connection.execute(
            f"{_SELECT_ALERT}{where} ORDER BY c.as_of, a.id", values
        ).fetchall()
        found = [_alert(row) for row in rows]
        if known_by is None:
            return found
        # An acknowledgement given later was not known then.
        return [
            a
            if a.acknowledged_at is None or a.acknowledged_at < known_by
            else replace(a, acknowledged_at=None, note=None, analyst=None)
            for a in found
        ]

    def acknowledge(
        self, alert_id: int, note: str, analyst: str | None, *, now: str | None = None
    ) -> Alert:
        """Record an analyst's acknowledgement of an alert; an alert is acknowledged once."""
        note = note.strip()
        if not note:
            raise SignalsError("An acknowledgement needs a note: what was done about the alert.")
        if REFUSED_IN_TEXT.search(note) or len(note) > MOST_NOTE_CHARACTERS:
            raise SignalsError(
                f"An acknowledgement's note is text of at most {MOST_NOTE_CHARACTERS}"
                " characters, without control characters."
            )
        now = now or utc_now()
        with self._write() as connection:
            row = connection.execute(
                "SELECT acknowledged_at FROM alerts WHERE id = ?", (alert_id,)
            ).fetchone()
            if row is None:
                raise SignalsError(
                    f"No alert with id {alert_id} (`signals alerts list` lists them)."
                )
            if row[0] is not None:
                raise SignalsError(
                    f"Alert #{alert_id} was acknowledged at {row[0]} already; an"
                    " acknowledgement is kept as it was given."
                )
            connection.execute(
                "UPDATE alerts SET acknowledged_at = ?, note = ?, analyst = ? WHERE id = ?",
                (now, note, analyst, alert_id),
            )
        return self.alert(alert_id)
