"""What the scorer reads: the grades and dates of events, and the evidence classes counting
on given days, taken from the kept totals rather than by visiting every event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from signals.events import EVENT_FIELDS, Event
from signals.evidence import Evidence, EvidenceClass, Linked
from signals.store.events import EVENT_COLUMNS, event_from_row
from signals.store.opening import StoreBase
from signals.store.totals import CLASS_COLUMNS

# The linked events as known at a timestamp (?1): each event's revision of the time among
# those logged before it and not yet retracted then, and the first breach or withdrawal of
# each then on record. Only the rows that link or end something are read: the events'
# own through their partial indexes, and the revisions (one per edit) whole.
_LINKED_AS_KNOWN = """
    WITH known AS (
        SELECT e.id, e.indicator, e.variant, e.reliability, e.credibility, e.status,
               e.observed_at, e.observation, e.alternative, e.ends
        FROM events e INDEXED BY events_linked
        WHERE (e.observation IS NOT NULL OR e.alternative IS NOT NULL)
          AND e.observed_at <= ?2 AND e.revised_at < ?1
        UNION
        SELECT e.id, e.indicator, e.variant, e.reliability, e.credibility, e.status,
               e.observed_at, e.observation, e.alternative, e.ends
        FROM events e INDEXED BY events_ends
        WHERE e.ends IS NOT NULL AND e.revised_at < ?1
        UNION ALL
        SELECT v.event_id, v.indicator, v.variant, v.reliability, v.credibility, v.status,
               v.observed_at, v.observation, v.alternative, v.ends
        FROM event_revisions v
        WHERE v.revised_at < ?1 AND v.replaced_at >= ?1
          AND (v.observation IS NOT NULL OR v.alternative IS NOT NULL OR v.ends IS NOT NULL)
    ),
    standing AS (
        SELECT * FROM known k WHERE NOT EXISTS (
            SELECT 1 FROM retractions r WHERE r.event_id = k.id AND r.retracted_at < ?1
        )
    ),
    ended AS (
        SELECT ends AS id, min(observed_at) AS ended_on FROM standing
        WHERE ends IS NOT NULL GROUP BY ends
    )
    SELECT s.id, s.indicator, s.variant, s.reliability, s.credibility, s.status,
           s.observed_at, s.observation, s.alternative, ended.ended_on
    FROM standing s LEFT JOIN ended ON ended.id = s.id
    WHERE (s.observation IS NOT NULL OR s.alternative IS NOT NULL) AND s.observed_at <= ?2
    ORDER BY s.observed_at, s.id
"""

# For every class, its freshest event observed by a day and not retracted: a step down the
# evidence index from (class, day), which ends in the event id.
_FRESHEST_BY_CLASS = """
    SELECT t.indicator, t.variant, t.reliability, t.credibility, t.status, e.id, e.observed_at
    FROM evidence_totals t
    JOIN events e ON e.id = (
        SELECT f.id FROM events f
        WHERE f.indicator = t.indicator AND f.variant = t.variant
          AND f.reliability = t.reliability
          AND f.credibility = t.credibility AND f.status = t.status AND f.observed_at <= ?1
          AND f.id NOT IN (SELECT event_id FROM retractions)
        ORDER BY f.observed_at DESC, f.id DESC
        LIMIT 1
    )
"""


def _freshest(date_and_id: str) -> tuple[dt.date, int]:
    """The date and id of an event from the sortable text `YYYY-MM-DD 000000000042`."""
    return dt.date.fromisoformat(date_and_id[:10]), int(date_and_id[11:])


class EvidenceReads(StoreBase):
    def evidence(self, as_of: dt.date, *, history: bool = False) -> list[Evidence]:
        """The grades and dates of the events observed by `as_of`, for the scorer.

        Without `history`, the current revision of every event still counting. With it,
        every revision ever on record with the interval it was on record for, so that the
        scorer can read the database as it stood on any day (`--as-known`)."""
        observed_by = as_of.isoformat()
        if not history:
            rows = self._connection.execute(
                "SELECT e.id, e.indicator, e.reliability, e.credibility, e.status, e.observed_at,"
                " e.revised_at, NULL, e.variant FROM events e WHERE e.observed_at <= ?"
                " AND NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.id)",
                (observed_by,),
            )
        else:
            rows = self._connection.execute(
                """
                SELECT e.id, e.indicator, e.reliability, e.credibility, e.status, e.observed_at,
                       e.revised_at, r.retracted_at, e.variant
                FROM events e LEFT JOIN retractions r ON r.event_id = e.id
                WHERE e.observed_at <= :observed
                UNION ALL
                SELECT v.event_id, v.indicator, v.reliability, v.credibility, v.status,
                       v.observed_at, v.revised_at, v.replaced_at, v.variant
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
                variant=row[8],
            )
            for row in rows
        ]

    def linked(self, as_of: dt.date, known_by: str | None = None) -> list[Linked]:
        """The events observed by `as_of`, current and not retracted, that share an
        observation with others or name another indicator they could be filed under: the
        few the scorer weighs one by one rather than by class. With `known_by` (an ISO
        timestamp), as they then stood: logged before it, in the revision of the time, not
        yet retracted, and ended only by breaches and withdrawals then on record."""
        if known_by is not None:
            rows = self._connection.execute(_LINKED_AS_KNOWN, (known_by, as_of.isoformat()))
        else:
            rows = self._connection.execute(
                "SELECT e.id, e.indicator, e.variant, e.reliability, e.credibility, e.status,"
                " e.observed_at, e.observation, e.alternative,"
                " (SELECT min(x.observed_at) FROM events x INDEXED BY events_ends"
                "  WHERE x.ends = e.id"
                "  AND NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = x.id))"
                " FROM events e INDEXED BY events_linked"
                " WHERE (e.observation IS NOT NULL OR e.alternative IS NOT NULL)"
                " AND e.observed_at <= ?"
                " AND NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.id)"
                " ORDER BY e.observed_at, e.id",
                (as_of.isoformat(),),
            )
        return [
            Linked(
                event_id=row[0],
                indicator=row[1],
                variant=row[2],
                reliability=row[3],
                credibility=row[4],
                status=row[5],
                observed_at=dt.date.fromisoformat(row[6]),
                observation=row[7],
                alternative=row[8],
                ended_on=dt.date.fromisoformat(row[9]) if row[9] else None,
            )
            for row in rows
        ]

    def window_counts(
        self, windows: Mapping[str, dt.date], as_of: dt.date
    ) -> dict[str, list[tuple[str, str, str, int]]]:
        """For each indicator, its events observed after the day its window opens and by
        `as_of`, not retracted, counted by (reliability, credibility, status).

        Each class is one range of the evidence index, counted without reading a row;
        the few retracted events are taken off after, walked from the retractions (CROSS
        JOIN keeps that order: from the events' side, the window by date read every
        indicator's rows in it, 0.18 s a day on a million events, measured)."""
        found: dict[str, list[tuple[str, str, str, int]]] = {}
        for indicator, opens in windows.items():
            window = (indicator, opens.isoformat(), as_of.isoformat())
            counts: dict[tuple[str, str, str], int] = {}
            for reliability, credibility, status, events in self._connection.execute(
                "SELECT t.reliability, t.credibility, t.status, (SELECT count(*) FROM events f"
                " WHERE f.indicator = t.indicator AND f.variant = t.variant"
                " AND f.reliability = t.reliability AND f.credibility = t.credibility"
                " AND f.status = t.status AND f.observed_at > ?2 AND f.observed_at <= ?3)"
                " FROM evidence_totals t WHERE t.indicator = ?1",
                window,
            ):
                key = (reliability, credibility, status)
                counts[key] = counts.get(key, 0) + events
            for reliability, credibility, status, events in self._connection.execute(
                "SELECT e.reliability, e.credibility, e.status, count(*)"
                " FROM retractions r CROSS JOIN events e ON e.id = r.event_id"
                " WHERE e.indicator = ?1 AND e.observed_at > ?2 AND e.observed_at <= ?3"
                " GROUP BY e.reliability, e.credibility, e.status",
                window,
            ):
                key = (reliability, credibility, status)
                counts[key] = counts.get(key, 0) - events
            # In one order whatever classes the record holds: the window's weights are summed
            # in it, and a sum's last digit should not depend on an unrelated grade's row.
            found[indicator] = sorted((*key, n) for key, n in counts.items() if n > 0)
        return found

    def freshest_without(
        self, key: tuple[str, str, str, str, str], as_of: dt.date, excluded: frozenset[int]
    ) -> tuple[dt.date, int] | None:
        """The freshest event of a class (indicator, variant, grades, status) observed by
        `as_of`, current and not retracted, other than the `excluded` ones."""
        indicator, variant, reliability, credibility, status = key
        marks = ", ".join("?" * len(excluded))
        row = self._connection.execute(
            "SELECT observed_at, id FROM events"
            " WHERE indicator = ? AND variant = ? AND reliability = ? AND credibility = ?"
            f" AND status = ? AND observed_at <= ? AND id NOT IN ({marks})"
            " AND id NOT IN (SELECT event_id FROM retractions)"
            " ORDER BY observed_at DESC, id DESC LIMIT 1",
            (indicator, variant, reliability, credibility, status, as_of.isoformat(), *excluded),
        ).fetchone()
        return None if row is None else (dt.date.fromisoformat(row[0]), row[1])

    def endings(self, as_of: dt.date) -> dict[int, int]:
        """Which event each ending event ends (ending id -> ended id): the breaches and
        withdrawals observed by `as_of`, current and not retracted."""
        rows = self._connection.execute(
            "SELECT e.id, e.ends FROM events e INDEXED BY events_ends"
            " WHERE e.ends IS NOT NULL AND e.observed_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.id)",
            (as_of.isoformat(),),
        )
        return {row[0]: row[1] for row in rows}

    def evidence_classes(self, days: Sequence[dt.date]) -> dict[dt.date, list[EvidenceClass]]:
        """The evidence classes counting on each of `days`: per indicator, variant, grade and status,
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
        counting: dict[tuple[str, str, str, str, str], int] = {
            (row[0], row[1], row[2], row[3], row[4]): row[5]
            for row in self._connection.execute(
                f"SELECT {CLASS_COLUMNS}, events FROM evidence_totals"
            )
        }
        for row in self._connection.execute(
            f"SELECT {CLASS_COLUMNS}, count(*) FROM events"
            f" WHERE id IN (SELECT event_id FROM retractions) GROUP BY {CLASS_COLUMNS}"
        ):
            counting[row[:5]] = counting.get(row[:5], 0) - row[5]
        # Per class and period after the first day (period k ends on ordered[k]; the last
        # is open-ended): how many events count, and the freshest of them. The freshest is
        # the greatest (date, id), taken as the greatest of one sortable text of both.
        bounds = [day.isoformat() for day in ordered]
        periods: dict[tuple[str, str, str, str, str], dict[int, tuple[int, str]]] = {}
        for row in self._later_periods(bounds):
            periods.setdefault(row[:5], {})[row[5]] = (row[6], row[7])
        # The freshest of each class by the first day: one step down the evidence index.
        freshest = {
            (row[0], row[1], row[2], row[3], row[4]): f"{row[6]} {row[5]:012d}"
            for row in self._connection.execute(_FRESHEST_BY_CLASS, (bounds[0],))
        }
        found: dict[dt.date, list[EvidenceClass]] = {day: [] for day in ordered}
        for key in sorted(counting.keys() | periods.keys()):
            own = periods.get(key, {})
            later = sum(count for count, _latest in own.values())
            latest = freshest.get(key, "")
            # A class's freshest event changes on few of the days: parse it when it does.
            latest_date, latest_id = _freshest(latest) if latest else (None, 0)
            total = counting.get(key, 0)
            indicator, variant, reliability, credibility, status = key
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
                        indicator,
                        reliability,
                        credibility,
                        status,
                        latest_date,
                        latest_id,
                        events,
                        variant=variant,
                    )
                )
        return found

    def _later_periods(self, bounds: list[str]) -> Iterable[tuple[Any, ...]]:
        """Per class and period after the first day, how many events count and the freshest
        of them: none to read when nothing was observed after it (a status of today), which
        the newest observation, one step to the end of the observed index, tells."""
        (newest,) = self._connection.execute("SELECT max(observed_at) FROM events").fetchone()
        if newest is None or newest <= bounds[0]:
            return []
        whens = " ".join(f"WHEN observed_at <= ? THEN {k}" for k in range(1, len(bounds)))
        bucket = f"CASE {whens} ELSE {len(bounds)} END" if whens else str(len(bounds))
        return self._connection.execute(
            # The upper bound holds for every date; with it the planner sees a bounded range
            # and skip-scans the evidence index instead of reading all of it (measured).
            f"SELECT {CLASS_COLUMNS}, {bucket}, count(*),"
            f" max(observed_at || ' ' || substr('00000000000' || id, -12)) FROM events"
            f" WHERE observed_at > ? AND observed_at <= '9999-12-31'"
            f" AND id NOT IN (SELECT event_id FROM retractions)"
            f" GROUP BY {CLASS_COLUMNS}, 6",
            (*bounds[1:], bounds[0]),
        )

    def events_of_week(
        self, first: dt.date, last: dt.date, *, known_by: str | None = None, late: bool = False
    ) -> list[Event]:
        """The events observed between `first` and `last`; or, `late`, those logged then but
        observed before `first` (a backfill's rows, not the week's news). With `known_by`
        (an ISO timestamp), as they then stood: logged before it, in the revision of the
        time, and not yet retracted."""
        source, where, window = self._week_query(first, last, known_by, late)
        columns = (
            "e.*"
            if known_by is not None
            else ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
            + ", r.reason, r.retracted_at, r.analyst AS retracted_by"
        )
        rows = self._connection.execute(
            f"SELECT {columns} FROM {source} WHERE {where} ORDER BY e.observed_at, e.id", window
        )
        if known_by is None:
            return [event_from_row(row) for row in rows]
        return [event_from_row((*row, None, None, None)) for row in rows]

    def late_reports(
        self, first: dt.date, last: dt.date, *, known_by: str | None = None
    ) -> tuple[int, dt.date | None, dt.date | None]:
        """How many events were logged between `first` and `last` but observed before
        `first`, and the first and last day they were observed: counted in SQL, so that a
        report after a backfill of a million rows reads three numbers, not the rows."""
        source, where, window = self._week_query(first, last, known_by, late=True)
        count, earliest, latest = self._connection.execute(
            f"SELECT count(*), min(e.observed_at), max(e.observed_at) FROM {source} WHERE {where}",
            window,
        ).fetchone()
        return (
            count,
            dt.date.fromisoformat(earliest) if earliest else None,
            dt.date.fromisoformat(latest) if latest else None,
        )

    def _week_query(
        self, first: dt.date, last: dt.date, known_by: str | None, late: bool
    ) -> tuple[str, str, dict[str, str]]:
        """The rows and the condition of a week's events (see `events_of_week`)."""
        window = {"first": first.isoformat(), "after": (last + dt.timedelta(days=1)).isoformat()}
        # Log times are timestamps (`2024-06-17T09:00:00Z`), compared with dates as text.
        in_week = (
            "e.logged_at >= :first AND e.logged_at < :after AND e.observed_at < :first"
            if late
            else "e.observed_at >= :first AND e.observed_at < :after"
        )
        if known_by is None:
            source = "events e LEFT JOIN retractions r ON r.event_id = e.id"
            return source, f"{in_week} AND r.event_id IS NULL", window
        current = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        earlier = ", ".join(
            f"v.{c}" if c in EVENT_FIELDS or c in ("revision", "revised_at") else f"e.{c}"
            for c in EVENT_COLUMNS
        )
        source = f"""(
                SELECT {current} FROM events e
                WHERE e.revised_at < :known
                UNION ALL
                SELECT {earlier} FROM event_revisions v JOIN events e ON e.id = v.event_id
                WHERE v.revised_at < :known AND v.replaced_at >= :known
            ) AS e"""
        where = f"""e.logged_at < :known AND {in_week}
              AND NOT EXISTS (SELECT 1 FROM retractions r
                              WHERE r.event_id = e.id AND r.retracted_at < :known)"""
        return source, where, {**window, "known": known_by}
