"""Keeping the record and reading it back: the figures reports gave, as they gave them,
and the weekly scores an indicator review is made from.

When figures are kept: a weekly report of today (its as-of date is today) with the
catalogue's own prior keeps its figures, the last run of the day replacing the earlier
ones; `signals forecasts record` keeps today's too, and reconstructs earlier days from
the record as it stood at the end of each (`--as-known`), never replacing figures
already kept for a day. A what-if (another prior) or a replay of a past day in a
report is not what was said, and is not kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from itertools import pairwise

from signals.assess import windows_reader, with_confidence
from signals.catalogue import Catalogue
from signals.evidence import EvidenceClass, classify, freshest_without, known_by
from signals.forecasts import Forecast, IssuedBy
from signals.hypotheses import hypothesis_space
from signals.readings import one_reading_per_observation
from signals.report import Week
from signals.review import Review, review_indicators
from signals.scoring import ScoreResult, count_windows, rate_windows, score_classes
from signals.store import Store, utc_now


def forecast_of(
    catalogue: Catalogue, result: ScoreResult, issued_by: IssuedBy, issued_at: str
) -> Forecast:
    """The figures of a scored day, with its range and confidence, as the record keeps them."""
    confidence = result.confidence
    if confidence is None:
        raise ValueError("a forecast is kept with its range and confidence")
    # The catalogue's own priors: the reference a forecast must beat is the prior alone,
    # before any evidence, a reported scenario included.
    space = hypothesis_space(catalogue)
    priors = space.by_shown(space.priors)
    return Forecast(
        catalogue_id=catalogue.catalogue.id,
        catalogue_version=catalogue.catalogue.version,
        as_of=result.as_of,
        headline=space.shown[space.headline],
        p_headline=result.headline.p_genuine,
        low=confidence.low,
        high=confidence.high,
        confidence=str(confidence.level),
        hypotheses=dict(result.headline.hypotheses),
        priors=priors,
        issued_at=issued_at,
        issued_by=issued_by,
    )


def keep_report(store: Store, catalogue: Catalogue, result: ScoreResult) -> None:
    """Keep the figures of a report of today (`result.as_of`), replacing those of an
    earlier report the same day. Another writer's lock is not waited out."""
    forecast = forecast_of(catalogue, result, "report", utc_now())
    store.keep_forecasts([forecast], result.as_of, wait=False)


def as_known_results(
    store: Store, catalogue: Catalogue, days: Sequence[dt.date]
) -> list[ScoreResult]:
    """Each of `days` scored as the record stood at its end, with its range and confidence,
    from one read of the record's history."""
    ordered = sorted(set(days))
    if not ordered:
        return []
    results: list[ScoreResult] = []
    with store.read():
        history = store.evidence(ordered[-1], history=True)
        rated = bool(rate_windows(catalogue, ordered[-1]))
        for day in ordered:
            known = known_by(day)
            classes = classify(history, day, known)
            linked = store.linked(day, known)
            if linked:
                classes = one_reading_per_observation(
                    catalogue, classes, linked, day, partial(freshest_without, history, known)
                )
            counts = count_windows(catalogue, history, day, known) if rated else {}
            result = score_classes(catalogue, classes, day, as_known=True, window_counts=counts)
            results.append(with_confidence(store, catalogue, result, classes, None, counts))
    return results


def backfill(
    store: Store, catalogue: Catalogue, days: Sequence[dt.date], today: dt.date
) -> tuple[int, int]:
    """Keep the figures of `days` as known at the end of each; returns (written, already
    kept). Today's are the day's own figures; earlier days' are reconstructions."""
    now = utc_now()
    forecasts = [
        forecast_of(catalogue, result, "report" if result.as_of >= today else "backfill", now)
        for result in as_known_results(store, catalogue, days)
    ]
    return store.keep_forecasts(forecasts, today)


def weekly_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Sunday of every ISO week from the one holding `first` to the one before `last`,
    and `last` itself: the days a weekly record is kept for."""
    days: list[dt.date] = []
    week = Week.holding(first)
    end = Week.holding(last)
    while week.monday < end.monday:
        days.append(week.sunday)
        week = week.shifted(1)
    days.append(last)
    return days


def review(store: Store, catalogue: Catalogue, as_of: dt.date, weeks: int) -> Review:
    """The indicator review of the `weeks` ISO weeks up to the one holding `as_of`, each
    scored at its end (the last at `as_of`) on the current record."""
    last = Week.holding(as_of)
    first = last.shifted(-(weeks - 1))
    days = weekly_days(first.monday, as_of)
    before = first.monday - dt.timedelta(days=1)
    with store.read():
        raw = store.evidence_classes([before, *days])
        linked = store.linked(as_of)
        counts_at = windows_reader(store, catalogue, days, as_known=False)
        results = []
        for day in days:
            classes = raw[day]
            if linked:
                classes = one_reading_per_observation(
                    catalogue, classes, linked, day, store.freshest_without
                )
            results.append(score_classes(catalogue, classes, day, window_counts=counts_at(day)))
    totals = {day: _events_by_indicator(raw[day]) for day in [before, *days]}
    fired: dict[str, list[int]] = {}
    for earlier, later in pairwise([before, *days]):
        for indicator in catalogue.indicators:
            fired.setdefault(indicator.id, []).append(
                totals[later].get(indicator.id, 0) - totals[earlier].get(indicator.id, 0)
            )
    return review_indicators(
        catalogue,
        results,
        fired,
        [Week.holding(day).label for day in days],
        (as_of - before).days,
    )


def _events_by_indicator(classes: Sequence[EvidenceClass]) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in classes:
        found[item.indicator] = found.get(item.indicator, 0) + item.events
    return found
