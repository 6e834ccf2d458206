"""The weekly report: one model built from pure scores, rendered in every format.

The trend scores each of the last weeks from the same evidence read once: the scorer
filters by date, so no week costs another pass over the database. "The week before" is
one thing everywhere in a report: the trend's point for the previous ISO week, scored
at its Sunday, which the headline, the change table and the trend all show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from signals.alerts import Alert
from signals.catalogue import Catalogue, Indicator, Kind
from signals.events import Event
from signals.evidence import EvidenceClass
from signals.scoring import IndicatorScore, ScoreResult, State, WindowCounts, score_classes

TREND_WEEKS = 12


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @classmethod
    def holding(cls, day: dt.date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def shifted(self, weeks: int) -> Week:
        return Week.holding(self.monday + dt.timedelta(weeks=weeks))


@dataclass(frozen=True)
class StateChange:
    id: str
    title: str
    kind: Kind
    before: State
    after: State


@dataclass(frozen=True)
class TrendPoint:
    week: str
    as_of: dt.date
    progress: float
    p_genuine: float
    hypotheses: dict[str, float]


@dataclass(frozen=True)
class LateReports:
    """Events logged in the week but observed before it: a backfill, or news that came
    late. Counted, not listed, unless asked for (`events` is then filled)."""

    count: int
    first_observed: dt.date | None
    last_observed: dt.date | None
    events: tuple[Event, ...] = ()

    @property
    def summary(self) -> str:
        """ "42 late reports, observed 2023-01-02 to 2024-05-30", for every format alike."""
        if not self.count:
            return "No late reports."
        noun = "late report" if self.count == 1 else "late reports"
        days = (
            f"observed {self.first_observed}"
            if self.first_observed == self.last_observed
            else f"observed {self.first_observed} to {self.last_observed}"
        )
        return f"{self.count} {noun} (logged this week), {days}."


@dataclass(frozen=True)
class TrendMove:
    """An indicator whose contribution to the headline's log-odds changed most in a trend
    week, and the events observed that week that changed it."""

    week: str
    as_of: dt.date
    indicator: str
    title: str
    log_odds_change: float
    p_change: float
    events: tuple[Event, ...]


@dataclass(frozen=True)
class WatchItem:
    indicator: Indicator
    state: State


@dataclass(frozen=True)
class WeeklyReport:
    catalogue: Catalogue
    week: Week
    current: ScoreResult
    previous: ScoreResult
    new_events: tuple[Event, ...]
    changed: tuple[StateChange, ...]
    counters_seen: tuple[IndicatorScore, ...]
    watch_stage: int | None
    watch_next: tuple[WatchItem, ...]
    trend: tuple[TrendPoint, ...]
    late: LateReports = LateReports(0, None, None)
    moves: tuple[TrendMove, ...] = ()
    # The tripwires that fired at checks of the week's days, with their acknowledgements,
    # and how many checks there were (none fired at none, or none were run?).
    tripwires: tuple[Alert, ...] = ()
    checks: int = 0

    @property
    def tripwires_summary(self) -> str:
        """What the "Tripwires fired" section says when it lists no alert, or above them."""
        count = self.checks
        if not count:
            return (
                "No check was recorded this week (signals check records what crosses a tripwire)."
            )
        at = f"at the week's {count} check{'s' if count != 1 else ''}"
        if not self.tripwires:
            return f"No tripwire fired {at}."
        fired = len(self.tripwires)
        return f"{fired} tripwire{'s' if fired != 1 else ''} fired {at}."

    @property
    def previous_week(self) -> Week:
        return self.week.shifted(-1)

    @property
    def progress_change(self) -> float:
        return self.current.headline.progress - self.previous.headline.progress

    @property
    def p_change(self) -> float:
        return self.current.headline.p_genuine - self.previous.headline.p_genuine


def report_as_of(as_of: dt.date | None, week: Week | None, today: dt.date) -> dt.date:
    """The date a report scores at: the as-of date, else the end of the week asked for
    (or today, in the current week)."""
    if as_of is not None:
        return as_of
    if week is None:
        return today
    return min(week.sunday, today) if week.monday <= today else week.sunday


def _changes(previous: ScoreResult, current: ScoreResult) -> tuple[StateChange, ...]:
    before = {i.id: i.state for i in previous.indicators}
    return tuple(
        StateChange(i.id, i.title, i.kind, before[i.id], i.state)
        for i in current.indicators
        if before.get(i.id, State.ABSENT) is not i.state
    )


def _watch_next(
    current: ScoreResult, catalogue: Catalogue
) -> tuple[int | None, tuple[WatchItem, ...]]:
    """The unmet indicators of the lowest stage not yet complete: what to look for next."""
    for stage in current.headline.stages:
        unmet = [
            WatchItem(catalogue.by_id[i.id], i.state)
            for i in current.indicators
            if i.kind is Kind.INTENT and i.stage == stage.stage and i.state is not State.PRESENT
        ]
        if unmet:
            return stage.stage, tuple(unmet)
    return None, ()


# How many moves the chart marks: more labels than this crowd a brief's chart.
MARKED_MOVES = 6
# A move smaller than this (in log-odds) is not worth a label, however it ranks.
SMALLEST_MOVE = 0.05


def _moves(
    points: Sequence[tuple[Week, ScoreResult]],
    events_by_id: Callable[[Sequence[int]], Mapping[int, Event]],
) -> tuple[TrendMove, ...]:
    """Per trend week, the indicator whose contribution changed most against the week
    before because of events observed in that week (decay alone moves nothing worth a
    mark), and of those the largest `MARKED_MOVES`, in time order. A scenario reported
    that week contributes through the priors: its change is that of the headline's prior
    log-odds."""
    found: list[tuple[TrendMove, tuple[int, ...]]] = []
    for (_, before), (week, after) in pairwise(points):
        earlier = {i.id: i.contribution for i in before.indicators}
        scenarios = {s.indicator for s in after.headline.scenarios}
        prior_change = after.headline.prior_log_odds - before.headline.prior_log_odds
        candidates = []
        for indicator in after.indicators:
            if indicator.id in scenarios:
                change = prior_change
            else:
                change = indicator.contribution - earlier.get(indicator.id, 0.0)
            fresh = tuple(
                w.event_id
                for w in indicator.evidence
                if before.as_of < w.observed_at <= after.as_of
            )
            if fresh and abs(change) >= SMALLEST_MOVE:
                candidates.append((abs(change), change, indicator, fresh))
        if not candidates:
            continue
        _, change, indicator, fresh = max(candidates, key=lambda c: (c[0], c[2].id))
        move = TrendMove(
            week.label,
            after.as_of,
            indicator.id,
            indicator.title,
            change,
            after.headline.p_genuine - before.headline.p_genuine,
            (),
        )
        found.append((move, fresh))
    kept = sorted(found, key=lambda m: -abs(m[0].log_odds_change))[:MARKED_MOVES]
    described = events_by_id(sorted({i for _, ids in kept for i in ids}))
    return tuple(
        replace(move, events=tuple(described[i] for i in ids if i in described))
        for move, ids in sorted(kept, key=lambda m: m[0].as_of)
    )


def build_report(
    catalogue: Catalogue,
    classes_at: Callable[[dt.date], Sequence[EvidenceClass]],
    events_this_week: Sequence[Event],
    as_of: dt.date,
    *,
    as_known: bool = False,
    prior: float | None = None,
    trend_weeks: int = TREND_WEEKS,
    late: LateReports = LateReports(0, None, None),
    events_by_id: Callable[[Sequence[int]], Mapping[int, Event]] = lambda ids: {},
    window_counts_at: Callable[[dt.date], WindowCounts] | None = None,
) -> WeeklyReport:
    """Assemble the week's report; `classes_at` gives the evidence counting on a day, and
    `events_by_id` the events that moved the trend, to name them."""
    week = Week.holding(as_of)
    scored: dict[dt.date, ScoreResult] = {}

    def score_at(day: dt.date) -> ScoreResult:
        if day not in scored:
            scored[day] = score_classes(
                catalogue,
                classes_at(day),
                day,
                prior=prior,
                as_known=as_known,
                window_counts=window_counts_at(day) if window_counts_at else None,
            )
        return scored[day]

    current = score_at(as_of)
    # The week before is its trend point: the previous ISO week scored at its Sunday.
    previous = score_at(week.shifted(-1).sunday)
    points: list[tuple[Week, ScoreResult]] = []
    for offset in range(trend_weeks - 1, -1, -1):
        point_week = week.shifted(-offset)
        points.append((point_week, current if offset == 0 else score_at(point_week.sunday)))
    trend = tuple(
        TrendPoint(
            point_week.label,
            result.as_of,
            result.headline.progress,
            result.headline.p_genuine,
            result.headline.hypotheses,
        )
        for point_week, result in points
    )
    watch_stage, watch = _watch_next(current, catalogue)
    return WeeklyReport(
        catalogue=catalogue,
        week=week,
        current=current,
        previous=previous,
        new_events=tuple(events_this_week),
        changed=_changes(previous, current),
        counters_seen=tuple(
            i for i in current.indicators if i.kind is Kind.COUNTER and i.state is not State.ABSENT
        ),
        watch_stage=watch_stage,
        watch_next=watch,
        trend=trend,
        late=late,
        moves=_moves(points, events_by_id),
    )


SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], low: float = 0.0, high: float = 1.0) -> str:
    """Values on a fixed scale as block characters: the same level means the same value."""
    span = high - low
    blocks = []
    for value in values:
        share = 0.0 if span <= 0 else min(max((value - low) / span, 0.0), 1.0)
        blocks.append(SPARK_BLOCKS[round(share * (len(SPARK_BLOCKS) - 1))])
    return "".join(blocks)
