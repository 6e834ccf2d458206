"""The record to learn from: the figures each report gave, and what turned out to be true.

A forecast is what a report said on its as-of date, as it was said: the posterior of
every hypothesis, the headline probability with its range and confidence, and the
catalogue (id and version) that said it. A resolution is an analyst's later judgement
that one hypothesis held from a date on; the resolutions of a catalogue form a timeline,
each holding until the next. Storage keeps both; `signals.calibration` scores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# Recorded by a report of its own day, or reconstructed later from the record as it stood.
IssuedBy = Literal["report", "backfill"]


@dataclass(frozen=True)
class Forecast:
    catalogue_id: str
    catalogue_version: int
    as_of: dt.date
    # The headline hypothesis's id and posterior (P(genuine) in the default catalogue).
    headline: str
    p_headline: float
    low: float
    high: float
    confidence: str
    # Every hypothesis's posterior, and its prior, in the catalogue's order.
    hypotheses: Mapping[str, float]
    priors: Mapping[str, float]
    issued_at: str
    issued_by: IssuedBy


@dataclass(frozen=True)
class Resolution:
    id: int
    catalogue_id: str
    hypothesis: str
    holds_from: dt.date
    note: str | None
    analyst: str | None
    recorded_at: str


def in_force(resolutions: list[Resolution], day: dt.date) -> Resolution | None:
    """The resolution that says what held on `day`: the latest to hold from that day or
    before, and of two from the same day the later recorded (a correction)."""
    found: Resolution | None = None
    for resolution in resolutions:
        if resolution.holds_from > day:
            continue
        if found is None or (resolution.holds_from, resolution.id) > (
            found.holds_from,
            found.id,
        ):
            found = resolution
    return found


def superseded(resolutions: list[Resolution]) -> set[int]:
    """The ids of resolutions corrected by a later one from the same date."""
    latest: dict[tuple[str, dt.date], int] = {}
    for resolution in resolutions:
        key = (resolution.catalogue_id, resolution.holds_from)
        latest[key] = max(latest.get(key, 0), resolution.id)
    return {r.id for r in resolutions if latest[r.catalogue_id, r.holds_from] != r.id}
