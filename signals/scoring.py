"""The score: pure functions from (catalogue, evidence, as-of date) to an explained result.

Nothing here reads a database or prints. Every figure in the result can be traced to
the events behind it, and `signals status --explain` shows that trace.

The model, in order:
1. An event's strength is its reliability weight x credibility weight x status weight,
   halved every `half_life_days` of age at the as-of date.
2. Events of one indicator with the same grade and status form a class, weighed by its
   freshest event: the same report again, from a source of the same standing, adds
   nothing (corroboration is what the credibility grade is for). An indicator's support
   combines its classes strongest first, each further one discounted by
   `corroboration_discount` more than the last, so repeated reports saturate. Refuted
   classes combine the same way into evidence against it. Because only the freshest event
   of a class matters, the database can hand the scorer one row per class.
3. Its state follows from support, evidence against, and what support would be if the
   evidence were fresh (to tell `lapsed` from `emerging`).
4. Progress credits each stage's indicators by state; a stage with evidence before the
   earlier ones are reached is credited at `out_of_sequence_credit`, and flagged out of
   sequence once it is itself reached.
5. The probability starts from the prior's log-odds and adds, per scored indicator,
   (support - against) x ln(likelihood ratio). Everything that argues for genuine intent
   (intent indicators with support, counter-indicators refuted) together may not lift it
   above the catalogue's ceiling; everything that argues against it (signs of deception,
   intent indicators refuted) is added after that cap, so it always shows. An indicator
   with support and a refutation counts its support x ln(ratio) on one side and its
   against x ln(ratio) on the other, so a refutation is never netted away under the cap.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from signals.catalogue import Catalogue, Kind
from signals.evidence import Evidence, EvidenceClass, classify, known_by
from signals.hypotheses import (
    HypothesisSpace,
    Posterior,
    Reading,
    hypothesis_space,
    intent_cap,
    parts,
    posterior,
)
from signals.hypotheses import (
    logit as logit,
)
from signals.indicators import IndicatorScore as IndicatorScore
from signals.indicators import State as State
from signals.indicators import WeighedEvidence as WeighedEvidence
from signals.indicators import base_weights, score_indicator, window_count
from signals.indicators import combine as combine
from signals.scenarios import ScenarioWeight, scenario_priors

if TYPE_CHECKING:
    from signals.confidence import Confidence
    from signals.rules import RuleFired


@dataclass(frozen=True)
class StageProgress:
    stage: int
    indicators: int
    completion: float
    reached: bool
    credited: float
    # Reached at some earlier time, not now (where stages count only while reached now).
    previously_reached: bool = False


@dataclass(frozen=True)
class Headline:
    progress: float
    stage: int
    p_genuine: float
    prior: float
    estimative: str
    out_of_sequence: bool
    prior_log_odds: float
    # The contributions that argue for genuine intent, summed before the cap; and those
    # that argue against it, added after it.
    for_intent_log_odds: float
    intent_cap: float
    intent_capped: bool
    against_intent_log_odds: float
    posterior_log_odds: float
    stages: tuple[StageProgress, ...]
    # Every hypothesis's posterior (the headline's is p_genuine), and what produced them.
    hypotheses: dict[str, float] = field(default_factory=dict)
    posterior: Posterior | None = None
    # Every hypothesis's prior, as the scenarios reported set it, and those scenarios.
    priors: dict[str, float] = field(default_factory=dict)
    scenarios: tuple[ScenarioWeight, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    as_of: dt.date
    as_known: bool
    headline: Headline
    indicators: tuple[IndicatorScore, ...] = field(default_factory=tuple)
    # The range and confidence of the headline, where they were assessed (not for every
    # day of a trend: see `signals.confidence`).
    confidence: Confidence | None = None
    # The reading rules that fired (see `signals.rules`), where a status asked for them.
    rules: tuple[RuleFired, ...] = ()

    def indicator(self, indicator_id: str) -> IndicatorScore:
        return next(i for i in self.indicators if i.id == indicator_id)


# ICD 203 estimative language, with each band's upper bound.
ESTIMATIVE_BANDS: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (0.95, "very likely"),
)


def estimative(probability: float) -> str:
    """The ICD 203 words for a probability, as it is shown: in whole percent, so that a
    headline never reads "45 % — unlikely" beside bands that call 45 % an even chance."""
    percent = round(100 * probability)
    for upper, words in ESTIMATIVE_BANDS:
        bound = round(100 * upper)
        if percent < bound or (bound == 55 and percent <= bound):
            return words
    return "almost certain"


# A stage is reached while one of its indicators is: ever, as a first edition reads it,
# or only now; one that was reached and no longer is shows as previously reached.
_REACHED = frozenset({State.PRESENT, State.LAPSED})
_REACHED_NOW = frozenset({State.PRESENT})
_REACHED_BEFORE = frozenset({State.LAPSED, State.BROKEN, State.WITHDRAWN, State.EXPIRED})


def _credit(state: State, catalogue: Catalogue) -> float:
    if state is State.PRESENT:
        return 1.0
    if state is State.LAPSED:
        return catalogue.scoring.lapsed_credit
    if state is State.EMERGING:
        return catalogue.scoring.emerging_credit
    return 0.0


def _progress(
    indicators: list[IndicatorScore], catalogue: Catalogue
) -> tuple[tuple[StageProgress, ...], float, int, bool]:
    stages = catalogue.stages()
    completion: dict[int, float] = {}
    reached: dict[int, bool] = {}
    earlier: dict[int, bool] = {}
    now_only = catalogue.scoring.stages_reached_now
    for stage in stages:
        members = [i for i in indicators if i.stage == stage]
        completion[stage] = sum(_credit(i.state, catalogue) for i in members) / len(members)
        reaching = _REACHED_NOW if now_only else _REACHED
        reached[stage] = any(i.state in reaching for i in members)
        earlier[stage] = not reached[stage] and any(i.state in _REACHED_BEFORE for i in members)
    progress_rows: list[StageProgress] = []
    out_of_sequence = False
    for stage in stages:
        earlier_missing = any(not (reached[s] or earlier[s]) for s in stages if s < stage)
        early = earlier_missing and completion[stage] > 0
        out_of_sequence = out_of_sequence or (early and reached[stage])
        credited = completion[stage] * (catalogue.scoring.out_of_sequence_credit if early else 1)
        progress_rows.append(
            StageProgress(
                stage=stage,
                indicators=sum(1 for i in indicators if i.stage == stage),
                completion=completion[stage],
                reached=reached[stage],
                credited=credited,
                previously_reached=now_only and earlier[stage],
            )
        )
    progress = 100 * sum(row.credited for row in progress_rows) / len(stages) if stages else 0.0
    # The highest stage reached in order; where stages count only while reached now, a
    # stage reached earlier keeps the way open to the ones after it, but is not counted.
    highest = 0
    for stage in stages:
        if not (reached[stage] or earlier[stage]):
            break
        if reached[stage]:
            highest = stage
    return tuple(progress_rows), progress, highest, out_of_sequence


def score(
    catalogue: Catalogue,
    evidence: Iterable[Evidence],
    as_of: dt.date,
    *,
    prior: float | None = None,
    as_known: bool = False,
) -> ScoreResult:
    """Score the events observed up to `as_of` (and, `as_known`, logged by then)."""
    known = known_by(as_of) if as_known else None
    evidence = list(evidence)
    classes = classify(evidence, as_of, known)
    return score_classes(
        catalogue,
        classes,
        as_of,
        prior=prior,
        as_known=as_known,
        window_counts=count_windows(catalogue, evidence, as_of, known),
    )


WindowCounts = Mapping[str, Sequence[tuple[str, str, str, int]]]


def rate_windows(catalogue: Catalogue, as_of: dt.date) -> dict[str, dt.date]:
    """For each indicator with a usual rate, the first day after its window opens."""
    return {
        i.id: as_of - dt.timedelta(days=i.rate.window_days)
        for i in catalogue.indicators
        if i.rate is not None
    }


def count_windows(
    catalogue: Catalogue, evidence: Sequence[Evidence], as_of: dt.date, known: str | None
) -> dict[str, list[tuple[str, str, str, int]]]:
    """The events of each rate indicator in its window, by grade and status."""
    windows = rate_windows(catalogue, as_of)
    found: dict[str, Counter[tuple[str, str, str]]] = {i: Counter() for i in windows}
    for item in evidence:
        opens = windows.get(item.indicator)
        if opens is not None and item.observed_at > opens and item.counts(as_of, known):
            found[item.indicator][item.reliability, item.credibility, item.status] += 1
    return {i: [(*key, n) for key, n in counter.items()] for i, counter in found.items()}


# An indicator's score from its classes, kept for the next scoring of the same day with
# one catalogue: a range rescores the day once per alternative filing and scenario, and
# each changes one indicator or two of some twenty-five.
IndicatorMemo = dict[tuple[str, dt.date, tuple[EvidenceClass, ...], float], IndicatorScore]


def score_classes(
    catalogue: Catalogue,
    classes: Iterable[EvidenceClass],
    as_of: dt.date,
    *,
    prior: float | None = None,
    as_known: bool = False,
    window_counts: WindowCounts | None = None,
    memo: IndicatorMemo | None = None,
) -> ScoreResult:
    """Score evidence classes that already count at `as_of` (see `classify`); for
    indicators with a usual rate, `window_counts` gives their events in each one's window
    (indicator -> (reliability, credibility, status, events)). A `memo` shared by scorings
    with one catalogue spares each the indicators whose classes another already scored."""
    by_indicator: dict[str, list[EvidenceClass]] = {i.id: [] for i in catalogue.indicators}
    for item in classes:
        if item.indicator in by_indicator and item.latest <= as_of:
            by_indicator[item.indicator].append(item)
    bases = base_weights(catalogue)
    counts = window_counts or {}
    memo = {} if memo is None else memo
    indicators: list[IndicatorScore] = []
    for indicator in catalogue.indicators:
        evidence = by_indicator[indicator.id]
        in_window = window_count(indicator, counts.get(indicator.id, ()), bases)
        key = (indicator.id, as_of, tuple(evidence), in_window)
        if key not in memo:
            memo[key] = score_indicator(indicator, evidence, catalogue, as_of, bases, in_window)
        indicators.append(memo[key])
    stages, progress, stage, out_of_sequence = _progress(
        [i for i in indicators if i.kind is Kind.INTENT], catalogue
    )

    scenarios = (
        scenario_priors(catalogue, _reported_now(catalogue, indicators))
        if catalogue.scenario_priors
        else None
    )
    space = hypothesis_space(catalogue, prior, priors=scenarios.priors if scenarios else None)
    indicators, weighed = explain_contributions(space, indicators)
    prior_p = space.priors[space.headline]
    prior_log_odds = logit(prior_p)
    p_genuine = weighed.headline
    posterior_log_odds = _log_odds(weighed)
    if space.cap is not None:
        for_intent_log_odds = weighed.for_headline
        against_intent_log_odds = weighed.against_headline
        cap = space.cap
        intent_capped = weighed.capped
    else:
        contributions = [part for i in indicators for part in i.log_odds_parts]
        for_intent_log_odds = sum(c for c in contributions if c > 0)
        against_intent_log_odds = sum(c for c in contributions if c < 0)
        cap = intent_cap(space.ceiling, prior_p)
        # The ceiling works through the imitation, never as a clamp.
        intent_capped = False

    headline = Headline(
        progress=progress,
        stage=stage,
        p_genuine=p_genuine,
        prior=prior_p,
        estimative=estimative(p_genuine),
        out_of_sequence=out_of_sequence,
        prior_log_odds=prior_log_odds,
        for_intent_log_odds=for_intent_log_odds,
        intent_cap=cap,
        intent_capped=intent_capped,
        against_intent_log_odds=against_intent_log_odds,
        posterior_log_odds=posterior_log_odds,
        stages=stages,
        hypotheses=weighed.shown,
        posterior=weighed,
        priors=space.by_shown(space.priors),
        scenarios=scenarios.scenarios if scenarios else (),
    )
    return ScoreResult(
        as_of=as_of, as_known=as_known, headline=headline, indicators=tuple(indicators)
    )


def _reported_now(
    catalogue: Catalogue, indicators: Iterable[IndicatorScore]
) -> Iterable[tuple[str, float]]:
    """How strongly each context indicator reports its scenario now: its support less the
    evidence against it, so that a denial as strong as the report cancels it; below the
    catalogue's emerging threshold, where the indicator itself reads as absent, not at all.
    Decay fades a report smoothly, so the priors return to the catalogue's own without a
    step."""
    threshold = catalogue.scoring.emerging_threshold
    for score in indicators:
        if score.kind is Kind.CONTEXT:
            weight = score.support - score.against
            if weight >= threshold:
                yield score.id, weight


def readings(indicators: Iterable[IndicatorScore], scale: float = 1.0) -> list[Reading]:
    """Every reading of every indicator, as the posterior weighs it; `scale` multiplies
    every strength (the range's test of how far the grading matters)."""
    return [
        Reading(r.key, r.support * scale, r.against * scale) for i in indicators for r in i.readings
    ]


def explain_contributions(
    space: HypothesisSpace, indicators: list[IndicatorScore]
) -> tuple[list[IndicatorScore], Posterior]:
    """The posterior, and each indicator with what its support and its refutation do to the
    headline's log-odds.

    In a first edition these are support x ln(ratio) and -against x ln(ratio), summed on
    either side of the cap. With more hypotheses the log-odds of one are not a sum over
    indicators, so each part is how far they would fall back if that part were left out:
    order-free, and zero exactly when the evidence does not discriminate."""
    terms = parts(space, readings(indicators))
    weighed = posterior(space, terms)
    explained: list[IndicatorScore] = []
    for indicator in indicators:
        if space.cap is not None:
            row = space.row(indicator.id)
            weight = row[0] if row is not None else 0.0
            found = (indicator.support * weight, -indicator.against * weight)
        else:
            found = (
                _left_out(space, weighed, indicator, support=True),
                _left_out(space, weighed, indicator, support=False),
            )
        explained.append(replace(indicator, log_odds_parts=found))
    return explained, weighed


def _left_out(
    space: HypothesisSpace, weighed: Posterior, target: IndicatorScore, *, support: bool
) -> float:
    # Without a cap the log weights are sums: leaving a part out takes its terms off.
    removed = [0.0] * len(weighed.log_weights)
    counted = False
    for reading in target.readings:
        strength = reading.support if support else reading.against
        row = space.row(reading.key, refuted=not support)
        if row is None or strength <= 0:
            continue
        counted = True
        for index, value in enumerate(row):
            removed[index] += strength * value
    if not counted:
        return 0.0
    without = tuple(w - d for w, d in zip(weighed.log_weights, removed, strict=True))
    return _log_odds(weighed) - _headline_log_odds(without, space.headline)


def _log_odds(weighed: Posterior) -> float:
    """The headline hypothesis's log-odds against all the others, from the log weights
    (exact even where the probability rounds to 0 or 1)."""
    return _headline_log_odds(weighed.log_weights, weighed.space.headline)


def _headline_log_odds(weights: Sequence[float], index: int) -> float:
    others = [w for i, w in enumerate(weights) if i != index]
    top = max(others)
    return weights[index] - (top + math.log(sum(math.exp(w - top) for w in others)))
