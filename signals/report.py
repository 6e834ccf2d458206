"""The weekly report: one model built from pure scores, rendered in every format.

The trend scores each of the last weeks from the same evidence read once: the scorer
filters by date, so no week costs another pass over the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from signals.catalogue import Catalogue, Indicator, Kind
from signals.events import Event
from signals.evidence import EvidenceClass
from signals.scoring import IndicatorScore, ScoreResult, State, score_classes

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


def build_report(
    catalogue: Catalogue,
    classes_at: Callable[[dt.date], Sequence[EvidenceClass]],
    events_this_week: Sequence[Event],
    as_of: dt.date,
    *,
    as_known: bool = False,
    prior: float | None = None,
    trend_weeks: int = TREND_WEEKS,
) -> WeeklyReport:
    """Assemble the week's report; `classes_at` gives the evidence counting on a day."""
    week = Week.holding(as_of)

    def score_at(day: dt.date) -> ScoreResult:
        return score_classes(catalogue, classes_at(day), day, prior=prior, as_known=as_known)

    current = score_at(as_of)
    previous = score_at(as_of - dt.timedelta(days=7))
    trend: list[TrendPoint] = []
    for offset in range(trend_weeks - 1, -1, -1):
        point_week = week.shifted(-offset)
        day = as_of if offset == 0 else point_week.sunday
        result = current if offset == 0 else score_at(day)
        trend.append(
            TrendPoint(
                point_week.label,
                day,
                result.headline.progress,
                result.headline.p_genuine,
                result.headline.hypotheses,
            )
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
        trend=tuple(trend),
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
