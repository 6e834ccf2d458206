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
from signals.scoring import (
    IndicatorMemo,
    IndicatorScore,
    ScoreResult,
    State,
    WindowCounts,
    score_classes,
)

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
class DayScore:
    """What the trend keeps of a day's score: its point on the chart, and what a move
    into the day from the week before needs. A trend day before the week reported is
    the same in every report that shows it, so it may be kept from an earlier one (see
    `signals.trend_days`)."""

    as_of: dt.date
    progress: float
    p_genuine: float
    hypotheses: Mapping[str, float]
    prior_log_odds: float
    scenarios: tuple[str, ...]
    contributions: Mapping[str, float]
    # Per indicator, the events of its evidence observed in the `since` days before.
    fresh: Mapping[str, tuple[int, ...]]
    since: dt.date

    @classmethod
    def of(cls, result: ScoreResult, since: dt.date) -> DayScore:
        """The day of `result`, its moves counted from `since` (the trend's day before)."""
        fresh = {
            i.id: ids
            for i in result.indicators
            for ids in [
                tuple(w.event_id for w in i.evidence if since < w.observed_at <= result.as_of)
            ]
            if ids
        }
        return cls(
            as_of=result.as_of,
            progress=result.headline.progress,
            p_genuine=result.headline.p_genuine,
            hypotheses=dict(result.headline.hypotheses),
            prior_log_odds=result.headline.prior_log_odds,
            scenarios=tuple(s.indicator for s in result.headline.scenarios),
            contributions={i.id: i.contribution for i in result.indicators},
            fresh=fresh,
            since=since,
        )


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
    # The trend's days as scored, for a later report to keep (see `DayScore`).
    days: tuple[DayScore, ...] = ()
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
    points: Sequence[tuple[Week, DayScore]],
    catalogue: Catalogue,
    events_by_id: Callable[[Sequence[int]], Mapping[int, Event]],
) -> tuple[TrendMove, ...]:
    """Per trend week, the indicator whose contribution changed most against the week
    before because of events observed in that week (decay alone moves nothing worth a
    mark), and of those the largest `MARKED_MOVES`, in time order. A scenario reported
    that week contributes through the priors: its change is that of the headline's prior
    log-odds."""
    found: list[tuple[TrendMove, tuple[int, ...]]] = []
    for (_, before), (week, after) in pairwise(points):
        # Each day counts its fresh events from the trend's day before it.
        assert after.since == before.as_of, (after.since, before.as_of)
        scenarios = set(after.scenarios)
        prior_change = after.prior_log_odds - before.prior_log_odds
        candidates = []
        for indicator, contribution in after.contributions.items():
            if indicator in scenarios:
                change = prior_change
            else:
                change = contribution - before.contributions.get(indicator, 0.0)
            fresh = after.fresh.get(indicator, ())
            if fresh and abs(change) >= SMALLEST_MOVE:
                candidates.append((abs(change), change, indicator, fresh))
        if not candidates:
            continue
        _, change, indicator, fresh = max(candidates, key=lambda c: (c[0], c[2]))
        move = TrendMove(
            week.label,
            after.as_of,
            indicator,
            catalogue.by_id[indicator].title,
            change,
            after.p_genuine - before.p_genuine,
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
    kept: Mapping[dt.date, DayScore] | None = None,
    memo: IndicatorMemo | None = None,
) -> WeeklyReport:
    """Assemble the week's report; `classes_at` gives the evidence counting on a day, and
    `events_by_id` the events that moved the trend, to name them. `kept` are trend days
    before the week before, as an earlier report scored them: they are not scored again."""
    week = Week.holding(as_of)
    scored: dict[dt.date, ScoreResult] = {}
    kept = kept or {}

    def score_at(day: dt.date) -> ScoreResult:
        if day not in scored:
            scored[day] = score_classes(
                catalogue,
                classes_at(day),
                day,
                prior=prior,
                as_known=as_known,
                window_counts=window_counts_at(day) if window_counts_at else None,
                memo=memo,
            )
        return scored[day]

    def day_at(day: dt.date, since: dt.date) -> DayScore:
        if day in kept and kept[day].since == since:
            return kept[day]
        return DayScore.of(score_at(day), since)

    current = score_at(as_of)
    # The week before is its trend point: the previous ISO week scored at its Sunday.
    previous = score_at(week.shifted(-1).sunday)
    points: list[tuple[Week, DayScore]] = []
    for offset in range(trend_weeks - 1, -1, -1):
        point_week = week.shifted(-offset)
        day = as_of if offset == 0 else point_week.sunday
        points.append((point_week, day_at(day, point_week.shifted(-1).sunday)))
    trend = tuple(
        TrendPoint(point_week.label, day.as_of, day.progress, day.p_genuine, dict(day.hypotheses))
        for point_week, day in points
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
        moves=_moves(points, catalogue, events_by_id),
        days=tuple(day for _, day in points),
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
