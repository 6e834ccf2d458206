"""What the scorer reads of the record: one revision of an event, or a class of events.

Storage builds these and scoring consumes them; neither imports the other. They carry
grades, statuses and dates, never an event's text, so the score cannot depend on wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Evidence:
    """What the scorer needs of one revision of an event: grades, status and dates, no text.

    `known_from` and `known_until` bound when this revision was on record (ISO timestamps;
    `known_until` is None for the current revision of an event that was never retracted),
    so one read of the database serves every as-known date."""

    event_id: int
    indicator: str
    reliability: str
    credibility: str
    status: str
    observed_at: dt.date
    known_from: str = ""
    known_until: str | None = None
    # The reading the event was logged as: a variant the indicator declares, "breach" or
    # "withdrawal" for an event that ends an earlier one, or "" for the indicator's default.
    variant: str = ""

    def counts(self, as_of: dt.date, known_by: str | None) -> bool:
        """Whether this revision counts at `as_of`; with `known_by`, as the record stood then."""
        if self.observed_at > as_of:
            return False
        if known_by is None:
            return self.known_until is None
        return self.known_from < known_by and (
            self.known_until is None or self.known_until >= known_by
        )


class EvidenceClass(NamedTuple):
    """The counting events of one reading of an indicator with one grade and status, by
    their freshest."""

    indicator: str
    reliability: str
    credibility: str
    status: str
    latest: dt.date
    latest_event_id: int
    events: int
    variant: str = ""


class Linked(NamedTuple):
    """An event that shares an observation with others, or names another filing: the few
    events the scorer must see one by one (see `signals.readings`)."""

    event_id: int
    indicator: str
    variant: str
    reliability: str
    credibility: str
    status: str
    observed_at: dt.date
    observation: str | None
    alternative: str | None
    # The day the first breach or withdrawal of this event was observed, if any.
    ended_on: dt.date | None = None


def classify(
    evidence: Iterable[Evidence], as_of: dt.date, known_by: str | None = None
) -> list[EvidenceClass]:
    """Group the events that count at `as_of` into classes (see the module docstring)."""
    groups: dict[tuple[str, str, str, str, str], tuple[dt.date, int, int]] = {}
    for item in evidence:
        if not item.counts(as_of, known_by):
            continue
        key = (item.indicator, item.reliability, item.credibility, item.status, item.variant)
        latest, event_id, count = groups.get(key, (dt.date.min, 0, 0))
        if (item.observed_at, item.event_id) > (latest, event_id):
            latest, event_id = item.observed_at, item.event_id
        groups[key] = (latest, event_id, count + 1)
    return [
        EvidenceClass(
            indicator,
            reliability,
            credibility,
            status,
            latest=latest,
            latest_event_id=event_id,
            events=count,
            variant=variant,
        )
        for (indicator, reliability, credibility, status, variant), (
            latest,
            event_id,
            count,
        ) in groups.items()
    ]


def freshest_without(
    evidence: Iterable[Evidence],
    known_by: str | None,
    key: tuple[str, str, str, str, str],
    as_of: dt.date,
    excluded: frozenset[int],
) -> tuple[dt.date, int] | None:
    """The freshest event of a class (indicator, variant, grades, status) that counts at
    `as_of`, other than the `excluded` ones: `classify`'s answer without them."""
    indicator, variant, reliability, credibility, status = key
    return max(
        (
            (item.observed_at, item.event_id)
            for item in evidence
            if item.indicator == indicator
            and item.variant == variant
            and item.reliability == reliability
            and item.credibility == credibility
            and item.status == status
            and item.event_id not in excluded
            and item.counts(as_of, known_by)
        ),
        default=None,
    )


def known_by(as_of: dt.date) -> str:
    """The first timestamp after `as_of`: what was logged before it was known that day."""
    return (as_of + dt.timedelta(days=1)).isoformat()
