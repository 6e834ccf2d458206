"""How sure: a range for the headline probability and a confidence beside it (ICD 203).

The range is the headline recomputed one change at a time: each hypothesis's prior
multiplied and divided by the catalogue's sensitivity factor k, all strengths multiplied
and divided by k, each observation left out, and each other filing an event names.
(Scaling likelihoods would change nothing a ratio does not already say, so it is not a
test.)

Confidence is the lowest of four readings, each with its reason:
- robustness: P(genuine) stays on the same side of 20 % (the edge of "very unlikely")
  under every change;
- basis: how many independent origins carry evidence of strength 0.5 or more (two for
  moderate; three, one of them not the actor's own channel, for high; none is low);
- consistency: how much of the evidence on record the leading hypothesis has to explain
  away (the sum of its column in the ACH matrix);
- exposure: when the headline is above its prior, the share of what lifts it that a
  deceiver could produce (imitable indicators) or that rests only on the actor's own
  channels (Heuer's MOSES).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

from signals.catalogue import Catalogue
from signals.hypotheses import (
    HypothesisSpace,
    in_words,
    intent_cap,
    leader_of,
    parts,
    posterior,
    tied_at_the_top,
)
from signals.indicators import reading_key, support_of
from signals.scoring import IndicatorScore, ScoreResult, estimative, readings

ROBUSTNESS_EDGE = 0.20
# One confirmed observation three times likelier under another hypothesis costs the
# leader about ln 3 = 1.1: more than that is evidence it has to explain away.
CONSISTENT_ABOVE = -1.1
# Two such observations, or one near the largest spread a row may have (ln 20 = 3.0).
INCONSISTENT_BELOW = -2.5
STRONG_EVIDENCE = 0.5
# A class ranked fourth or lower within its indicator adds at most discount^3 of its
# strength (1/8 with the default discount): leaving it out cannot move the headline by
# more than the three above it, so the range leaves out the strongest three.
OBSERVATIONS_LEFT_OUT = 3


class Level(IntEnum):
    LOW = 0
    MODERATE = 1
    HIGH = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Change:
    """One recomputation: what was changed, and the headline probability it gave."""

    label: str
    p_headline: float
    leader: str
    event_id: int | None = None


@dataclass(frozen=True)
class Reason:
    level: Level
    why: str


@dataclass(frozen=True)
class Confidence:
    level: Level
    low: float
    high: float
    robustness: Reason
    basis: Reason
    consistency: Reason
    exposure: Reason
    changes: tuple[Change, ...]
    # The observations whose absence moves the headline most, strongest first.
    hangs_on: tuple[Change, ...]

    @property
    def range(self) -> tuple[float, float]:
        return self.low, self.high


def assess_confidence(
    catalogue: Catalogue,
    space: HypothesisSpace,
    result: ScoreResult,
    origins: Mapping[int, str] | None = None,
    *,
    rescored: Sequence[Change] = (),
) -> Confidence:
    """The range and confidence of `result`'s headline; `origins` gives each event's source
    where known (events without one share a single unknown origin), and `rescored` the
    changes the caller scored afresh: each event an analyst says could be filed elsewhere
    filed there, and each scenario that set the priors left out."""
    origins = origins or {}
    indicators = list(result.indicators)
    base = posterior(space, parts(space, readings(indicators)))
    p = base.headline
    changes = [
        *_prior_changes(catalogue, space, indicators),
        *_strength_changes(catalogue, space, indicators),
        *_left_out(catalogue, space, indicators),
        *rescored,
    ]
    values = [p, *(c.p_headline for c in changes)]
    low, high = min(values), max(values)
    hangs_on = tuple(
        sorted(
            (c for c in changes if c.event_id is not None and abs(c.p_headline - p) >= 0.005),
            key=lambda c: -abs(c.p_headline - p),
        )[:3]
    )
    reasons = (
        _robustness(p, changes),
        _basis(catalogue, space, indicators, origins),
        _consistency(space, base.shown, indicators),
        _exposure(catalogue, space, indicators, origins, rising=p > space.priors[space.headline]),
    )
    return Confidence(
        level=min(reason.level for reason in reasons),
        low=low,
        high=high,
        robustness=reasons[0],
        basis=reasons[1],
        consistency=reasons[2],
        exposure=reasons[3],
        changes=tuple(changes),
        hangs_on=hangs_on,
    )


def _prior_changes(
    catalogue: Catalogue, space: HypothesisSpace, indicators: Sequence[IndicatorScore]
) -> list[Change]:
    k = catalogue.scoring.sensitivity
    terms = parts(space, readings(indicators))
    found: list[Change] = []
    for index, name in enumerate(space.shown):
        for factor, sign in ((k, "×"), (1 / k, "÷")):
            moved = _moved_priors(space, index, factor)
            if moved is None:
                continue
            weighed = posterior(moved, terms)
            found.append(
                Change(f"prior of {name} {sign}{k:g}", weighed.headline, leader_of(weighed.shown))
            )
    return found


def _moved_priors(space: HypothesisSpace, shown: int, factor: float) -> HypothesisSpace | None:
    """The space with one shown hypothesis's prior (its imitation included) times `factor`,
    all renormalised; None where that would take it to 1 or beyond."""
    priors = [p * factor if space.shown_as[i] == shown else p for i, p in enumerate(space.priors)]
    total = sum(priors)
    if not math.isfinite(total) or total <= 0:
        return None
    priors = [p / total for p in priors]
    cap = space.cap
    if cap is not None:
        headline = priors[space.headline]
        cap = intent_cap(space.ceiling, headline)
    return replace(space, priors=tuple(priors), cap=cap)


def _strength_changes(
    catalogue: Catalogue, space: HypothesisSpace, indicators: Sequence[IndicatorScore]
) -> list[Change]:
    k = catalogue.scoring.sensitivity
    found: list[Change] = []
    for factor, sign in ((k, "×"), (1 / k, "÷")):
        weighed = posterior(space, parts(space, readings(indicators, factor)))
        found.append(
            Change(f"all strengths {sign}{k:g}", weighed.headline, leader_of(weighed.shown))
        )
    return found


def _left_out(
    catalogue: Catalogue, space: HypothesisSpace, indicators: Sequence[IndicatorScore]
) -> list[Change]:
    # Each change replaces one reading's term: the others are computed once.
    terms: dict[tuple[str, bool], tuple[float, ...]] = {}
    for reading in (r for i in indicators for r in i.readings):
        for against, strength in ((False, reading.support), (True, reading.against)):
            row = space.row(reading.key, refuted=against)
            if row is not None and strength > 0:
                terms[reading.key, against] = tuple(strength * value for value in row)
    found: list[Change] = []
    for target in indicators:
        for reading in target.readings:
            for against in (False, True):
                row = space.row(reading.key, refuted=against)
                if row is None:
                    continue
                side = [
                    w for w in target.evidence if w.reading == reading.name and w.against is against
                ]
                others = [term for key, term in terms.items() if key != (reading.key, against)]
                for item in side[:OBSERVATIONS_LEFT_OUT]:
                    rest = support_of((w.strength for w in side if w is not item), catalogue)
                    changed = [*others, tuple(rest * value for value in row)] if rest else others
                    weighed = posterior(space, changed)
                    found.append(
                        Change(
                            f"without event #{item.event_id} ({target.id})",
                            weighed.headline,
                            leader_of(weighed.shown),
                            event_id=item.event_id,
                        )
                    )
    return found


def _robustness(p: float, changes: Sequence[Change]) -> Reason:
    side = p < ROBUSTNESS_EDGE
    crossing = [c for c in changes if (c.p_headline < ROBUSTNESS_EDGE) != side]
    if not crossing:
        return Reason(
            Level.HIGH,
            f"stays {'below' if side else 'at or above'} {ROBUSTNESS_EDGE:.0%} under every change",
        )
    return Reason(
        Level.LOW,
        f"crosses {ROBUSTNESS_EDGE:.0%}: {_percent(crossing[0].p_headline)} with {crossing[0].label}",
    )


def _origin(event_id: int, origins: Mapping[int, str]) -> str:
    source = origins.get(event_id, "").strip()
    return source.casefold() if source else "(unknown origin)"


def _strong_events(
    space: HypothesisSpace, indicators: Sequence[IndicatorScore]
) -> list[tuple[str, int]]:
    return [
        (i.id, w.event_id)
        for i in indicators
        for w in i.evidence
        if w.strength >= STRONG_EVIDENCE
        and space.row(reading_key(i.id, w.reading), refuted=w.against) is not None
    ]


def origin_events(space: HypothesisSpace, indicators: Sequence[IndicatorScore]) -> list[int]:
    """The events whose sources the confidence reads: the strong ones (its basis) and those
    of every indicator that argues for the headline (its exposure). A store is asked for
    these alone, not for the sources of every event on record."""
    wanted = {event_id for _indicator, event_id in _strong_events(space, indicators)}
    for indicator in indicators:
        if any(part > 0 for part in indicator.log_odds_parts):
            wanted.update(w.event_id for w in indicator.evidence)
    return sorted(wanted)


def _basis(
    catalogue: Catalogue,
    space: HypothesisSpace,
    indicators: Sequence[IndicatorScore],
    origins: Mapping[int, str],
) -> Reason:
    strong = _strong_events(space, indicators)
    if not strong:
        return Reason(Level.LOW, f"no scored evidence of strength {STRONG_EVIDENCE} or more")
    sources = {_origin(event_id, origins) for _indicator, event_id in strong}
    independent = {s for s in sources if not catalogue.catalogue.adversary_controlled(s)}
    count = len(sources)
    words = f"{count} independent origin{'s' if count != 1 else ''} of strong evidence"
    if count >= 3 and independent:
        return Reason(Level.HIGH, words + ", not all the actor's own channels")
    if count >= 2:
        if count >= 3:
            return Reason(Level.MODERATE, words + ", all the actor's own channels")
        return Reason(Level.MODERATE, words)
    return Reason(Level.LOW, words)


def _consistency(
    space: HypothesisSpace, shown: Mapping[str, float], indicators: Sequence[IndicatorScore]
) -> Reason:
    columns = [0.0] * len(space.shown)
    for reading in (r for i in indicators for r in i.readings):
        for against, strength in ((False, reading.support), (True, reading.against)):
            row = space.row(reading.key, refuted=against)
            if row is None or strength <= 0:
                continue
            visible = row[: len(space.shown)]
            top = max(visible)
            for column, value in enumerate(visible):
                columns[column] += strength * (value - top)
    inconsistency_of = {h: columns[space.shown.index(h)] for h in tied_at_the_top(shown)}
    # Under a tie the judgement is "one of these": it has to explain away only what the
    # best explained of them leaves. Those it names as level with it are level as printed.
    inconsistency = max(inconsistency_of.values())
    printed = {h: f"{value:+.2f}" for h, value in inconsistency_of.items()}
    best = [h for h in inconsistency_of if printed[h] == f"{inconsistency:+.2f}"]
    worse = [h for h in inconsistency_of if h not in best]
    amount = f"{inconsistency:+.2f} of evidence against"
    if len(best) == 1:
        words = f"{best[0]} has {amount} it to explain away"
    else:
        words = f"{in_words(best)} each have {amount} them to explain away"
    if worse:
        words = f"of those tied, {words}; {in_words(worse)} more"
    if inconsistency > CONSISTENT_ABOVE:
        return Reason(Level.HIGH, words)
    if inconsistency > INCONSISTENT_BELOW:
        return Reason(Level.MODERATE, words)
    return Reason(Level.LOW, words)


def _exposure(
    catalogue: Catalogue,
    space: HypothesisSpace,
    indicators: Sequence[IndicatorScore],
    origins: Mapping[int, str],
    *,
    rising: bool,
) -> Reason:
    if not rising:
        # Deception would only inflate genuine intent: a judgement at or below the prior
        # does not rest on what a deceiver could stage.
        return Reason(Level.HIGH, "the estimate is at or below the prior: nothing staged lifts it")
    total = 0.0
    exposed = 0.0
    for indicator in indicators:
        weight = sum(part for part in indicator.log_odds_parts if part > 0)
        if weight <= 0:
            continue
        total += weight
        own_channels = bool(indicator.evidence) and all(
            catalogue.catalogue.adversary_controlled(origins.get(w.event_id, ""))
            for w in indicator.evidence
        )
        if indicator.id in space.imitable or own_channels:
            exposed += weight
    if total == 0:
        return Reason(Level.HIGH, "nothing on record argues for genuine intent")
    share = exposed / total
    words = (
        f"{share:.0%} of what argues for genuine intent could be staged"
        " (imitable, or only from the actor's own channels)"
    )
    if share > 2 / 3:
        return Reason(Level.LOW, words)
    if share > 1 / 3:
        return Reason(Level.MODERATE, words)
    return Reason(Level.HIGH, words)


def headline_words(p: float, confidence: Confidence) -> str:
    """ "P(genuine) 9 % (5–16 %), very unlikely, moderate confidence"."""
    return (
        f"P(genuine) {_percent(p)} ({_percent(confidence.low, sign=False)}–"
        f"{_percent(confidence.high)}), {estimative(p)}, {confidence.level} confidence"
    )


def _percent(p: float, *, sign: bool = True) -> str:
    return f"{round(100 * p)} %" if sign else f"{round(100 * p)}"
