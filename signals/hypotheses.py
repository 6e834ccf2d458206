"""Competing hypotheses: the evidence weighed against every explanation of it (Heuer's ACH).

Each scored indicator gives, per hypothesis H, P(E|H): how likely such evidence would be
within the catalogue's window if H were true. With s the strength of the evidence (its
grades, status and age: a discount on the likelihood, not the chance the event happened),
every hypothesis's weight is

    v_H = ln prior_H + sum over indicators of s * ln P(E|H)

and the posterior is softmax(v). Only ratios within a row matter, so evidence equally
likely under every hypothesis moves nothing, however strong it is.

The ceiling is a hypothesis, not a clamp: a hidden imitation of the headline hypothesis,
part of the one that `imitated_by` names, with prior pi_G (1 - c) / c. On indicators
flagged `imitable` it reads the steps that reach their stage as the headline does, and
everything else (other readings, breaches, other indicators) as its host does;
imitable evidence alone therefore never lifts the headline above c of the two,
and the arithmetic stays plain Bayes.

A first-edition catalogue (one likelihood ratio per indicator) is the two-hypothesis
case, genuine intent against all else, rows (r, 1), with its ceiling kept as the clamp it
always was so that it scores exactly as it did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from signals.catalogue import Catalogue, Kind
from signals.errors import SignalsError
from signals.indicators import reading_key
from signals.likelihoods import BREACH, COUNT, EXPECTED, WITHDRAWAL, imitation_prior

# Not kebab-case, so no catalogue hypothesis can take this id.
IMITATION = "(imitation)"
OTHER = "other"


@dataclass(frozen=True)
class HypothesisSpace:
    """What a catalogue's evidence is weighed against, ready to score."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    priors: tuple[float, ...]
    headline: int
    # For each scored hypothesis, the shown one it belongs to: the imitation shows inside
    # its host. Shown hypotheses are the catalogue's own, in its order.
    shown_as: tuple[int, ...]
    shown: tuple[str, ...]
    shown_titles: tuple[str, ...]
    rows: Mapping[str, tuple[float, ...]]
    refuted_rows: Mapping[str, tuple[float, ...]]
    # Indicators (by id) whose every reading an imitation reads as the headline does.
    imitable: frozenset[str]
    ceiling: float
    # First edition only: the most that evidence for genuine intent may add to its log-odds.
    cap: float | None = None

    def by_shown(self, values: Sequence[float]) -> dict[str, float]:
        """One value per scored hypothesis summed per shown one: the imitation's inside its
        host."""
        totals = [0.0] * len(self.shown)
        for index, value in enumerate(values):
            totals[self.shown_as[index]] += value
        return dict(zip(self.shown, totals, strict=True))

    @property
    def log_priors(self) -> tuple[float, ...]:
        return tuple(math.log(p) for p in self.priors)

    def row(self, key: str, *, refuted: bool = False) -> tuple[float, ...] | None:
        """ln P(E|H) for every scored hypothesis of one reading (see
        `signals.indicators.reading_key`), or None when it is not scored."""
        return (self.refuted_rows if refuted else self.rows).get(key)


def hypothesis_space(
    catalogue: Catalogue,
    prior: float | None = None,
    *,
    priors: Mapping[str, float] | None = None,
) -> HypothesisSpace:
    """The catalogue's hypotheses with their rows; `priors` replace the declared priors
    (those a scenario sets, see `signals.scenarios`), and `prior` then replaces the
    headline's (the others keep their proportions)."""
    if catalogue.edition == 1:
        return _first_edition(catalogue, catalogue.prior if prior is None else prior)
    info = catalogue.catalogue
    shown = tuple(h.id for h in catalogue.hypotheses)
    headline = shown.index(str(info.headline))
    host = shown.index(str(info.imitated_by))
    declared = [h.prior if priors is None else priors[h.id] for h in catalogue.hypotheses]
    if prior is not None:
        rest = 1 - declared[headline]
        declared = [
            prior if i == headline else p * (1 - prior) / rest for i, p in enumerate(declared)
        ]
    imitation = imitation_prior(declared[headline], info.ceiling)
    if declared[host] <= imitation:
        raise SignalsError(
            f"With a prior of {declared[headline]:g}, hypothesis '{shown[host]}' is too small"
            f" to hold the imitation that a ceiling of {info.ceiling:g} implies."
        )
    scored_priors = [p - imitation if i == host else p for i, p in enumerate(declared)]
    imitable = frozenset(i.id for i in catalogue.indicators if i.imitable)

    def scored(row: Mapping[str, float], imitated: bool) -> tuple[float, ...]:
        logs = [math.log(row[h]) for h in shown]
        return (*logs, logs[headline] if imitated else logs[host])

    rows: dict[str, tuple[float, ...]] = {}
    refuted_rows: dict[str, tuple[float, ...]] = {}
    for indicator in catalogue.indicators:
        if indicator.likelihoods is None:
            continue
        if indicator.rate is not None:
            # Poisson: a count n in the window weighs n ln(lambda_H) - lambda_H, lambda_H
            # being the usual count times the hypothesis's multiplier.
            rate = indicator.rate
            imitated = indicator.id in imitable
            expected = {h: rate.usual * rate.multipliers[h] for h in shown}
            rows[reading_key(indicator.id, COUNT)] = scored(expected, imitated)
            minus = [-expected[h] for h in shown]
            rows[reading_key(indicator.id, EXPECTED)] = (
                *minus,
                minus[headline] if imitated else minus[host],
            )
            continue
        for reading in ("", *indicator.variants, BREACH, WITHDRAWAL):
            row = indicator.reading_row(reading)
            if row is not None:
                # The imitation stages the steps genuine intent would take, not a truce's
                # breach nor an offer tied to an ultimatum: on those it is its host.
                imitated = indicator.id in imitable and indicator.reaches_stage(reading)
                rows[reading_key(indicator.id, reading)] = scored(row, imitated)
        if indicator.refuted_likelihoods is not None:
            refuted_rows[indicator.id] = scored(
                indicator.refuted_likelihoods, indicator.id in imitable
            )
    titles = tuple(h.title for h in catalogue.hypotheses)
    return HypothesisSpace(
        ids=(*shown, IMITATION),
        titles=(*titles, f"Imitation of {shown[headline]}, inside {shown[host]}"),
        priors=(*scored_priors, imitation),
        headline=headline,
        shown_as=(*range(len(shown)), host),
        shown=shown,
        shown_titles=titles,
        rows=rows,
        refuted_rows=refuted_rows,
        imitable=imitable,
        ceiling=info.ceiling,
    )


def space_of(catalogue: Catalogue, priors: Mapping[str, float], prior: float) -> HypothesisSpace:
    """The space a score was weighed in, from the priors it records (`Headline.priors`;
    a first-edition score records only the headline's `prior`)."""
    if catalogue.edition == 1 or not priors:
        return hypothesis_space(catalogue, prior)
    return hypothesis_space(catalogue, priors=priors)


def _first_edition(catalogue: Catalogue, prior: float) -> HypothesisSpace:
    rows: dict[str, tuple[float, ...]] = {}
    refuted_rows: dict[str, tuple[float, ...]] = {}
    for indicator in catalogue.indicators:
        if indicator.kind is Kind.CONTEXT or indicator.likelihood_ratio is None:
            continue
        weight = math.log(indicator.likelihood_ratio)
        rows[indicator.id] = (weight, 0.0)
        # A refutation argues the other way with the same weight (rows (1/r, 1)).
        refuted_rows[indicator.id] = (-weight, 0.0)
    ceiling = catalogue.catalogue.ceiling
    titles = ("Genuine intent", "Any other intent")
    return HypothesisSpace(
        ids=("genuine", OTHER),
        titles=titles,
        priors=(prior, 1 - prior),
        headline=0,
        shown_as=(0, 1),
        shown=("genuine", OTHER),
        shown_titles=titles,
        rows=rows,
        refuted_rows=refuted_rows,
        imitable=frozenset(),
        ceiling=ceiling,
        cap=intent_cap(ceiling, prior),
    )


@dataclass(frozen=True)
class Reading:
    """One indicator's evidence as the posterior sees it: support s and refutation a."""

    indicator: str
    support: float
    against: float


@dataclass(frozen=True)
class Posterior:
    space: HypothesisSpace
    # Per scored hypothesis: ln prior + sum of s * ln P(E|H), and its posterior share.
    log_weights: tuple[float, ...]
    probabilities: tuple[float, ...]
    # First edition: the log-odds of genuine intent before the cap, for and against.
    for_headline: float = 0.0
    against_headline: float = 0.0
    capped: bool = False

    @property
    def headline(self) -> float:
        return self.probabilities[self.space.headline]

    @property
    def shown(self) -> dict[str, float]:
        """Posterior of each of the catalogue's hypotheses, the imitation inside its host."""
        return self.space.by_shown(self.probabilities)

    @property
    def imitation(self) -> float:
        """The imitation's share (zero in a first-edition catalogue)."""
        if IMITATION not in self.space.ids:
            return 0.0
        return self.probabilities[self.space.ids.index(IMITATION)]


def parts(space: HypothesisSpace, readings: Iterable[Reading]) -> list[tuple[float, ...]]:
    """Each reading's s * ln P(E|H) per scored hypothesis: its support's, then its
    refutation's, where they count."""
    found: list[tuple[float, ...]] = []
    for reading in readings:
        for refuted, strength in ((False, reading.support), (True, reading.against)):
            row = space.row(reading.indicator, refuted=refuted)
            if row is not None and strength > 0:
                found.append(tuple(strength * value for value in row))
    return found


def posterior(space: HypothesisSpace, terms: Sequence[tuple[float, ...]]) -> Posterior:
    """The posterior from the prior and the evidence terms (see `parts`)."""
    if space.cap is not None:
        return _capped(space, terms)
    weights = list(space.log_priors)
    for term in terms:
        for index, value in enumerate(term):
            weights[index] += value
    return Posterior(space, tuple(weights), softmax(weights))


def _capped(space: HypothesisSpace, terms: Sequence[tuple[float, ...]]) -> Posterior:
    # What argues for genuine intent is capped together ("even these steps could serve to
    # be a deceptive ploy"); what argues against it is added after the cap, so it shows.
    contributions = [term[0] - term[1] for term in terms]
    for_headline = sum(c for c in contributions if c > 0)
    against_headline = sum(c for c in contributions if c < 0)
    assert space.cap is not None
    log_odds = logit(space.priors[0]) + min(for_headline, space.cap) + against_headline
    weights = (log_odds, 0.0)
    return Posterior(
        space,
        weights,
        softmax(weights),
        for_headline=for_headline,
        against_headline=against_headline,
        capped=for_headline > space.cap,
    )


def softmax(weights: Sequence[float]) -> tuple[float, ...]:
    """exp(v) normalised, by log-sum-exp so that no weight overflows."""
    top = max(weights)
    exps = [math.exp(w - top) for w in weights]
    total = sum(exps)
    return tuple(e / total for e in exps)


def logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def intent_cap(ceiling: float, prior: float) -> float:
    """The most that evidence for the headline may add to its log-odds before reaching
    the ceiling (a first edition's clamp; in a second, the distance the imitation keeps)."""
    return max(0.0, logit(ceiling) - logit(prior))


def ranked(shown: Mapping[str, float]) -> list[str]:
    """The hypotheses by posterior, largest first, and by id where two are level: the one
    order every view of them uses, so that no two views name a different leader. Level
    means equal to the ninth decimal: shares of one prior split between a hypothesis and
    its imitation differ in the last bit, and a last bit decides no rank."""
    return sorted(shown, key=lambda h: (-round(shown[h], 9), h))


def leader_of(shown: Mapping[str, float]) -> str:
    """The hypothesis with the largest posterior (the first by id, where two are equal)."""
    return ranked(shown)[0]


# Posteriors closer than this to the leader's are tied with it: no analyst could tell
# them apart on the record, and a lead of a point or two is no lead to report.
TIE_MARGIN = 0.05
# A lead of exactly TIE_MARGIN is a lead, however the subtraction rounds (0.38 - 0.33 is
# 0.0499…): a difference this close to the margin counts as the margin.
_ROUNDING = 1e-9


def is_tied(leading: float, other: float) -> bool:
    """Whether a posterior is within TIE_MARGIN of the leading one."""
    return leading - other < TIE_MARGIN - _ROUNDING


def tied_at_the_top(shown: Mapping[str, float]) -> list[str]:
    """The leader and every hypothesis within TIE_MARGIN of it, in rank order: one id when
    one hypothesis leads."""
    order = ranked(shown)
    top = shown[order[0]]
    return [h for h in order if is_tied(top, shown[h])]


def in_words(names: Sequence[str]) -> str:
    """Names as a sentence lists them: "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def tie_sentence(shown: Mapping[str, float]) -> str | None:
    """Which hypotheses are tied at the top, in words, if any are."""
    tied = tied_at_the_top(shown)
    if len(tied) < 2:
        return None
    return (
        f"{in_words(tied)} are tied: within {100 * TIE_MARGIN:.0f} points of each other,"
        " none leads on this record."
    )
