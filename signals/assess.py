"""Reading what the scorer needs from the store, once, for a status or a weekly report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache, partial
from typing import TYPE_CHECKING

from signals.catalogue import Catalogue
from signals.confidence import Change, assess_confidence, origin_events
from signals.evidence import EvidenceClass, classify, freshest_without, known_by
from signals.hypotheses import leader_of, space_of
from signals.readings import FreshestWithout, alternative_filings, one_reading_per_observation
from signals.rules import rules_fired
from signals.scoring import (
    IndicatorMemo,
    ScoreResult,
    WindowCounts,
    count_windows,
    rate_windows,
    score_classes,
)
from signals.store import Store

if TYPE_CHECKING:
    from signals.report import DayScore, WeeklyReport


def classes_reader(
    store: Store, catalogue: Catalogue, days: Sequence[dt.date], *, as_known: bool
) -> Callable[[dt.date], list[EvidenceClass]]:
    """The evidence classes counting on each of `days`, from one read of the database.

    The current record is read as per-period aggregates in SQL. `as_known`, every day is
    read as the record stood at the end of the last of them, the day a status or report
    was made: a report printed then scored its trend and the week before with what was
    known then, not with what was known at each of those earlier days. That needs the
    record's history, so its rows are read and grouped here.

    Each day's classes count a shared observation once (see `signals.readings`)."""
    ordered = sorted(set(days))
    linked = store.linked(ordered[-1], known_by(ordered[-1]) if as_known else None)
    read: Callable[[dt.date], list[EvidenceClass]]
    freshest: FreshestWithout
    if as_known:
        history = store.evidence(ordered[-1], history=True)
        read = partial(classify, history, known_by=known_by(ordered[-1]))
        freshest = partial(freshest_without, history, known_by(ordered[-1]))
    else:
        read = store.evidence_classes(ordered).__getitem__
        freshest = store.freshest_without
    if not linked:
        return read
    return lambda day: one_reading_per_observation(catalogue, read(day), linked, day, freshest)


def assess(
    store: Store,
    catalogue: Catalogue,
    as_of: dt.date,
    *,
    as_known: bool = False,
    prior: float | None = None,
    confidence: bool = True,
) -> ScoreResult:
    """The score at `as_of`, as `status` shows it; without `confidence`, the score alone,
    without its range and confidence (which rescore every alternative filing)."""
    with store.read():
        classes = classes_reader(store, catalogue, [as_of], as_known=as_known)(as_of)
        counts = windows_reader(store, catalogue, [as_of], as_known=as_known)(as_of)
        memo: IndicatorMemo = {}
        result = score_classes(
            catalogue,
            classes,
            as_of,
            prior=prior,
            as_known=as_known,
            window_counts=counts,
            memo=memo,
        )
        linked = store.linked(as_of, known_by(as_of) if as_known else None)
        result = replace(result, rules=rules_fired(catalogue, result, linked))
        if not confidence:
            return result
        return with_confidence(store, catalogue, result, classes, prior, counts, memo)


def windows_reader(
    store: Store, catalogue: Catalogue, days: Sequence[dt.date], *, as_known: bool
) -> Callable[[dt.date], WindowCounts]:
    """For each of `days`, the events of every indicator with a usual rate in its window:
    counted in SQL, or, `as_known`, from the record as it stood on the last day."""
    if not rate_windows(catalogue, max(days)):
        return lambda day: {}
    if as_known:
        history = store.evidence(max(days), history=True)
        known = known_by(max(days))
        return lambda day: count_windows(catalogue, history, day, known)
    return lambda day: store.window_counts(rate_windows(catalogue, day), day)


def with_confidence(
    store: Store,
    catalogue: Catalogue,
    result: ScoreResult,
    classes: Sequence[EvidenceClass],
    prior: float | None,
    counts: WindowCounts | None = None,
    memo: IndicatorMemo | None = None,
) -> ScoreResult:
    """`result` with the range and confidence of its headline, telling origins apart by the
    sources its evidence names, and with every alternative filing an event names; `memo`
    holds the indicators already scored that day (see `score_classes`)."""
    memo = {} if memo is None else memo
    day = result.as_of
    linked = store.linked(day, known_by(day) if result.as_known else None)
    rescored = [
        Change(
            f"event #{member.event_id} filed under {member.alternative}",
            refiled.headline.p_genuine,
            leader_of(refiled.headline.hypotheses),
            event_id=member.event_id,
        )
        for member, moved in alternative_filings(catalogue, classes, linked, day)
        for refiled in [
            score_classes(
                catalogue,
                moved,
                day,
                prior=prior,
                as_known=result.as_known,
                window_counts=counts,
                memo=memo,
            )
        ]
    ]
    # A scenario moves the headline through the priors, out of the posterior's sight: its
    # reports left out are changes of the range like any observation's.
    for scenario in result.headline.scenarios:
        reported = result.indicator(scenario.indicator)
        without = score_classes(
            catalogue,
            [c for c in classes if c.indicator != scenario.indicator],
            day,
            prior=prior,
            as_known=result.as_known,
            window_counts=counts,
            memo=memo,
        )
        rescored.append(
            Change(
                f"without the {scenario.indicator} scenario",
                without.headline.p_genuine,
                leader_of(without.headline.hypotheses),
                event_id=max(
                    (w for w in reported.evidence if not w.against), key=lambda w: w.strength
                ).event_id,
            )
        )
    space = space_of(catalogue, result.headline.priors, result.headline.prior)
    confidence = assess_confidence(
        catalogue,
        space,
        result,
        store.sources(origin_events(space, result.indicators)),
        rescored=rescored,
    )
    return replace(result, confidence=confidence)


def weekly_report(
    store: Store,
    catalogue: Catalogue,
    as_of: dt.date,
    *,
    as_known: bool = False,
    prior: float | None = None,
    trend_weeks: int | None = None,
    list_late: bool = False,
) -> WeeklyReport:
    """The week's report. Late reports (logged this week, observed before it) are counted
    and bounded in SQL, and read only when `list_late` asks for them: a backfill's size
    must not set the report's."""
    # Imported here: `status` shares this module and never needs the report's.
    from signals import trend_days
    from signals.report import TREND_WEEKS, LateReports, Week, build_report

    trend_weeks = TREND_WEEKS if trend_weeks is None else trend_weeks
    week = Week.holding(as_of)
    previous_sunday = week.shifted(-1).sunday
    earlier = [week.shifted(-k).sunday for k in range(2, trend_weeks)]
    horizon = known_by(as_of) if as_known else None
    scoring = None if as_known else trend_days.scoring_key(catalogue, prior)
    # The scores and the week's events from one view of the database.
    with store.read():
        kept: dict[dt.date, DayScore] = {}
        state = store.record_state() if scoring is not None else None
        if scoring is not None and state is not None:
            kept = {
                day: trend_days.from_text(text)
                for day, text in store.kept_days(scoring, earlier, state).items()
            }
        days = [day for day in earlier if day not in kept] + [previous_sunday, as_of]
        memo: IndicatorMemo = {}
        # Each day is read once: the report's current day is read again for its range.
        classes_at = cache(classes_reader(store, catalogue, days, as_known=as_known))
        counts_at = cache(windows_reader(store, catalogue, days, as_known=as_known))
        events = store.events_of_week(week.monday, as_of, known_by=horizon)
        late = LateReports(*store.late_reports(week.monday, as_of, known_by=horizon))
        if list_late and late.count:
            late = replace(
                late,
                events=tuple(store.events_of_week(week.monday, as_of, known_by=horizon, late=True)),
            )

        report = build_report(
            catalogue,
            classes_at,
            events,
            as_of,
            as_known=as_known,
            prior=prior,
            trend_weeks=trend_weeks,
            late=late,
            events_by_id=store.get_many,
            window_counts_at=counts_at,
            kept=kept,
            memo=memo,
        )
        current = with_confidence(
            store, catalogue, report.current, classes_at(as_of), prior, counts_at(as_of), memo
        )
        fired = store.alerts(
            catalogue=catalogue.catalogue.id, since=week.monday, until=as_of, known_by=horizon
        )
        checks = store.checks_between(catalogue.catalogue.id, week.monday, as_of, known_by=horizon)
    if scoring is not None and state is not None:
        scored = {
            d.as_of: trend_days.to_text(d)
            for d in report.days
            if d.as_of in earlier and d.as_of not in kept
        }
        store.keep_days(scoring, state, scored)
    return replace(report, current=current, tripwires=tuple(fired), checks=checks)
