"""The record to learn from: the figures reports gave, and the resolutions analysts record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from signals.store.opening import StoreBase, utc_now

if TYPE_CHECKING:
    from signals.forecasts import Forecast, Resolution
    from signals.resolution import ResolutionInput

_FORECAST_COLUMNS = (
    "catalogue_id, catalogue_version, as_of, headline, p_headline, low, high, confidence,"
    " hypotheses, priors, issued_at, issued_by"
)
# A report waits this long for another writer before it leaves its figures unrecorded:
# the report itself never waits on a lock, and an import may hold one for minutes.
RECORD_WAIT_MS = 1_000


def _forecast(row: Sequence[Any]) -> Forecast:
    # Imported here: every command opens the store, few read the record.
    from signals.forecasts import Forecast

    (catalogue_id, version, as_of, headline, p, low, high, confidence) = row[:8]
    hypotheses, priors, issued_at, issued_by = row[8:]
    return Forecast(
        catalogue_id=catalogue_id,
        catalogue_version=version,
        as_of=dt.date.fromisoformat(as_of),
        headline=headline,
        p_headline=p,
        low=low,
        high=high,
        confidence=confidence,
        hypotheses=json.loads(hypotheses),
        priors=json.loads(priors),
        issued_at=issued_at,
        issued_by=issued_by,
    )


def _resolution(row: Sequence[Any]) -> Resolution:
    from signals.forecasts import Resolution

    return Resolution(
        id=row[0],
        catalogue_id=row[1],
        hypothesis=row[2],
        holds_from=dt.date.fromisoformat(row[3]),
        note=row[4],
        analyst=row[5],
        recorded_at=row[6],
    )


class Forecasts(StoreBase):
    def keep_forecasts(
        self, forecasts: Sequence[Forecast], today: dt.date, *, wait: bool = True
    ) -> tuple[int, int]:
        """Add `forecasts` to the record; returns (written, already on record).

        A forecast of `today` replaces one an earlier run gave the same day: the day is not
        over, and its last figures are what it said (as `--as-known` reads that day). A
        forecast of an earlier day is added only where the record has none: what was said
        then is never rewritten by a later reading of it. Without `wait`, another writer's
        lock is waited on briefly, not for the full timeout."""
        previous = None
        if not wait:
            previous = self._connection.execute("PRAGMA busy_timeout").fetchone()[0]
            self._connection.execute(f"PRAGMA busy_timeout = {RECORD_WAIT_MS}")
        try:
            written = 0
            with self._write() as connection:
                for forecast in forecasts:
                    verb = "INSERT OR REPLACE" if forecast.as_of >= today else "INSERT OR IGNORE"
                    cursor = connection.execute(
                        f"{verb} INTO forecasts ({_FORECAST_COLUMNS})"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            forecast.catalogue_id,
                            forecast.catalogue_version,
                            forecast.as_of.isoformat(),
                            forecast.headline,
                            forecast.p_headline,
                            forecast.low,
                            forecast.high,
                            forecast.confidence,
                            json.dumps(dict(forecast.hypotheses)),
                            json.dumps(dict(forecast.priors)),
                            forecast.issued_at,
                            forecast.issued_by,
                        ),
                    )
                    written += cursor.rowcount
            return written, len(forecasts) - written
        finally:
            if previous is not None:
                self._connection.execute(f"PRAGMA busy_timeout = {int(previous)}")

    def forecasts(self, catalogue_id: str | None = None) -> list[Forecast]:
        """The record, oldest first; of one catalogue (every version) when named."""
        where, parameters = (
            ("WHERE catalogue_id = ?", (catalogue_id,)) if catalogue_id else ("", ())
        )
        rows = self._connection.execute(
            f"SELECT {_FORECAST_COLUMNS} FROM forecasts {where}"
            " ORDER BY as_of, catalogue_id, catalogue_version",
            parameters,
        )
        return [_forecast(row) for row in rows]

    def resolve(
        self, catalogue_id: str, resolution: ResolutionInput, *, now: str | None = None
    ) -> Resolution:
        """Record that `resolution.hypothesis` held from its date on, for `catalogue_id`."""
        recorded_at = now or utc_now()
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT INTO resolutions"
                " (catalogue_id, hypothesis, holds_from, note, analyst, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    catalogue_id,
                    resolution.hypothesis,
                    resolution.holds_from.isoformat(),
                    resolution.note,
                    resolution.analyst,
                    recorded_at,
                ),
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        from signals.forecasts import Resolution

        return Resolution(
            new_id,
            catalogue_id,
            resolution.hypothesis,
            resolution.holds_from,
            resolution.note,
            resolution.analyst,
            recorded_at,
        )

    def resolutions(self, catalogue_id: str | None = None) -> list[Resolution]:
        """The resolutions on record, by catalogue and date, corrections after what they correct."""
        where, parameters = (
            ("WHERE catalogue_id = ?", (catalogue_id,)) if catalogue_id else ("", ())
        )
        rows = self._connection.execute(
            "SELECT id, catalogue_id, hypothesis, holds_from, note, analyst, recorded_at"
            f" FROM resolutions {where} ORDER BY catalogue_id, holds_from, id",
            parameters,
        )
        return [_resolution(row) for row in rows]
