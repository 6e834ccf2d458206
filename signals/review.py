"""Indicator validation (Pherson): which indicators fired, which moved the answer, and
which could not warn of anything. Pure: weekly scores and counts in, a review out.

Per indicator, over the weeks reviewed:
- how often it fired: its events observed in the period, and in how many ISO weeks;
- how much it moved the answer: at each week's end, how far P(headline) and its
  log-odds would fall back if the indicator were left out (the scorer's own
  leave-one-out, `IndicatorScore.contribution`, and the posterior without its
  readings), as the mean over the weeks its evidence counted and the largest;
- what is wrong with it, if anything: no row of its likelihoods separates the
  hypotheses, so nothing it reports can move the answer; it fired and never moved the
  headline by half a point, so it never showed; or it fires in most weeks without a
  declared usual rate, so its firing is the normal course of things, not a warning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signals.catalogue import Catalogue, Indicator, Kind
from signals.hypotheses import HypothesisSpace, hypothesis_space, parts, posterior, space_of
from signals.indicators import reading_key
from signals.likelihoods import BREACH, COUNT, EXPECTED, WITHDRAWAL
from signals.scoring import ScoreResult, readings

# A change smaller than half a point never shows: the headline is printed in whole percent.
MOVED_NOTHING = 0.005
# Firing in this share of the weeks or more, with no usual rate declared, is routine.
ROUTINE_SHARE = 0.5
# Too few weeks to call any rate routine.
ROUTINE_MIN_WEEKS = 4

NEVER_DISCRIMINATES = "never-discriminates"
MOVED_NOTHING_FLAG = "moved-nothing"
ROUTINE = "routine"


@dataclass(frozen=True)
class Flag:
    name: str
    why: str


@dataclass(frozen=True)
class IndicatorReview:
    id: str
    title: str
    kind: Kind
    stage: int | None
    events: int
    weeks_fired: int
    # The weeks at whose end its evidence counted in the posterior.
    weeks_counted: int
    mean_p_change: float
    max_p_change: float
    mean_log_odds: float
    max_log_odds: float
    discriminates: bool
    # A declared usual rate: its count per window of `window_days`, and the period's.
    usual: float | None
    window_days: int | None
    observed_rate: float | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class Review:
    headline: str
    weeks: tuple[str, ...]
    days: int
    indicators: tuple[IndicatorReview, ...]

    @property
    def flagged(self) -> tuple[IndicatorReview, ...]:
        return tuple(i for i in self.indicators if i.flags)


def _keys(indicator: Indicator) -> list[tuple[str, bool]]:
    """The rows (key, refuted) an indicator's evidence may be weighed by."""
    if indicator.rate is not None:
        return [
            (reading_key(indicator.id, COUNT), False),
            (reading_key(indicator.id, EXPECTED), False),
        ]
    names = ["", *indicator.variants, BREACH, WITHDRAWAL]
    return [(reading_key(indicator.id, name), False) for name in names] + [(indicator.id, True)]


def discriminates(space: HypothesisSpace, indicator: Indicator) -> bool:
    """Whether any row of the indicator tells the catalogue's hypotheses apart."""
    for key, refuted in _keys(indicator):
        row = space.row(key, refuted=refuted)
        if row is None:
            continue
        # Over the catalogue's own hypotheses: the imitation copies one of them.
        shown = row[: len(space.shown)]
        if max(shown) - min(shown) > 1e-12:
            return True
    return False


def _p_without(space: HypothesisSpace, result: ScoreResult, indicator_id: str) -> float:
    others = [i for i in result.indicators if i.id != indicator_id]
    return posterior(space, parts(space, readings(others))).headline


def review_indicators(
    catalogue: Catalogue,
    results: Sequence[ScoreResult],
    fired: Mapping[str, Sequence[int]],
    weeks: Sequence[str],
    days: int,
) -> Review:
    """Review every indicator from the scores at the end of each reviewed week (`results`,
    oldest first) and its events observed in each of those weeks (`fired`, by indicator);
    `days` is the length of the period reviewed."""
    space = hypothesis_space(catalogue)
    # Each day's own space: an indicator is left out from the priors the day was scored from.
    scored_in = [space_of(catalogue, r.headline.priors, r.headline.prior) for r in results]
    reviews: list[IndicatorReview] = []
    for indicator in catalogue.indicators:
        counts = list(fired.get(indicator.id, ()))
        p_changes: list[float] = []
        log_odds: list[float] = []
        for result, day_space in zip(results, scored_in, strict=True):
            scored = result.indicator(indicator.id)
            # Only evidence the posterior weighs (a context indicator's is never weighed).
            if not parts(space, readings([scored])):
                continue
            p_changes.append(
                abs(result.headline.p_genuine - _p_without(day_space, result, indicator.id))
            )
            log_odds.append(abs(scored.contribution))
        events = sum(counts)
        weeks_fired = sum(1 for n in counts if n > 0)
        tells = indicator.kind is Kind.CONTEXT or discriminates(space, indicator)
        rate = indicator.rate
        observed_rate = events * rate.window_days / days if rate is not None and days else None
        flags = _flags(indicator, tells, events, weeks_fired, len(weeks), p_changes)
        reviews.append(
            IndicatorReview(
                id=indicator.id,
                title=indicator.title,
                kind=indicator.kind,
                stage=indicator.stage,
                events=events,
                weeks_fired=weeks_fired,
                weeks_counted=len(p_changes),
                mean_p_change=_mean(p_changes),
                max_p_change=max(p_changes, default=0.0),
                mean_log_odds=_mean(log_odds),
                max_log_odds=max(log_odds, default=0.0),
                discriminates=tells,
                usual=rate.usual if rate is not None else None,
                window_days=rate.window_days if rate is not None else None,
                observed_rate=observed_rate,
                flags=flags,
            )
        )
    return Review(
        headline=space.shown[space.headline],
        weeks=tuple(weeks),
        days=days,
        indicators=tuple(reviews),
    )


def _flags(
    indicator: Indicator,
    tells: bool,
    events: int,
    weeks_fired: int,
    weeks: int,
    p_changes: Sequence[float],
) -> tuple[Flag, ...]:
    if indicator.kind is Kind.CONTEXT:
        return ()
    flags: list[Flag] = []
    if not tells:
        flags.append(
            Flag(
                NEVER_DISCRIMINATES,
                "its likelihoods are the same under every hypothesis, so nothing it reports"
                " can move the answer",
            )
        )
    elif events and max(p_changes, default=0.0) < MOVED_NOTHING:
        flags.append(
            Flag(
                MOVED_NOTHING_FLAG,
                f"it fired {'once' if events == 1 else f'{events} times'} and never moved"
                " the headline by half a point",
            )
        )
    if (
        indicator.rate is None
        and weeks >= ROUTINE_MIN_WEEKS
        and weeks_fired >= math.ceil(ROUTINE_SHARE * weeks)
    ):
        flags.append(
            Flag(
                ROUTINE,
                f"it fired in {weeks_fired} of {weeks} weeks with no usual rate declared:"
                " what happens every other week is the normal course, not a warning"
                " (declare its rate, or narrow what counts)",
            )
        )
    return tuple(flags)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
