"""One indicator's score from its evidence classes: strength, readings, support and state.

1. An event's strength is its reliability weight x credibility weight x status weight,
   halved every `half_life_days` of age at the as-of date. A standing position (a stated
   demand) does not age: it counts in full until an event withdraws it.
2. Events of one reading (the indicator's own, a variant, a breach or a withdrawal) with
   the same grade and status form a class, weighed by its freshest event: the same report
   again, from a source of the same standing, adds nothing. A reading's support combines
   its classes: as a noisy-or, each further class discounted by `corroboration_discount`
   (first-edition catalogues), or by the strongest alone (`corroboration = "strongest"`:
   corroboration is what the credibility grade is for, so grading two reports of one
   thing alike never lowers support). Refuted classes combine the same way into evidence
   against it.
3. Its state follows from the support of the readings that reach its stage, the evidence
   against, what support would be if fresh (to tell `lapsed` from `emerging`), and its
   endings: a truce whose freshest breach is as recent as its freshest announcement is
   `broken`, a position withdrawn `withdrawn`; evidence only of readings that do not reach
   the stage (a routine swap) is `background`; a lapsed indicator may expire.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from signals.catalogue import Catalogue, Indicator, Kind, Status
from signals.evidence import EvidenceClass
from signals.likelihoods import BREACH, COUNT, EXPECTED, WITHDRAWAL

REFUTED = Status.REFUTED.value
ENDINGS = frozenset({BREACH, WITHDRAWAL})


class State(StrEnum):
    ABSENT = "absent"
    EMERGING = "emerging"
    PRESENT = "present"
    LAPSED = "lapsed"
    REFUTED = "refuted"
    BROKEN = "broken"
    WITHDRAWN = "withdrawn"
    BACKGROUND = "background"
    EXPIRED = "expired"


class WeighedEvidence(NamedTuple):
    event_id: int
    events: int
    grade: str
    status: str
    observed_at: dt.date
    age_days: int
    base: float
    decay: float
    strength: float
    against: bool
    reading: str = ""


class ReadingScore(NamedTuple):
    """One reading of an indicator's evidence, as the posterior weighs it."""

    name: str
    # The reading's row in the hypothesis space (see `reading_key`).
    key: str
    support: float
    against: float


def reading_key(indicator_id: str, reading: str) -> str:
    """How a reading is named in the hypothesis space: the indicator's id for its own
    reading, `id/reading` for the others."""
    return indicator_id if reading == "" else f"{indicator_id}/{reading}"


@dataclass(frozen=True)
class IndicatorScore:
    id: str
    title: str
    kind: Kind
    stage: int | None
    state: State
    support: float
    against: float
    fresh_support: float
    likelihood_ratio: float | None
    events: int
    last_observed: dt.date | None
    evidence: tuple[WeighedEvidence, ...]
    # What its support and what the evidence against it add to the log-odds of the
    # headline hypothesis: in a first edition support x ln(ratio) and -against x ln(ratio);
    # in a second, how far the log-odds would fall back without each (see
    # `signals.scoring.explain_contributions`).
    log_odds_parts: tuple[float, float] = (0.0, 0.0)
    readings: tuple[ReadingScore, ...] = ()

    @property
    def contribution(self) -> float:
        """Both parts together: what the indicator does to the headline's log-odds."""
        from_support, from_against = self.log_odds_parts
        return from_support + from_against

    @property
    def strength(self) -> float:
        """The indicator's strength in [0, 1]: of the evidence against it when refuted, of
        its strongest reading when only readings below its stage are on record."""
        if self.state is State.REFUTED:
            return self.against
        if self.state is State.BACKGROUND:
            return max((r.support for r in self.readings), default=0.0)
        return self.support


def combine(strengths: Iterable[float], discount: float) -> float:
    """Combine independent-looking reports so that repetition saturates.

    The strongest counts in full, the next at `discount` of its strength, the one after
    at `discount`**2, and so on, as a noisy-or. Many weak reports stay weak: n reports of
    strength s never exceed about s / (1 - discount)."""
    remaining = 1.0
    factor = 1.0
    for strength in sorted(strengths, reverse=True):
        remaining *= 1 - factor * strength
        factor *= discount
    return 1 - remaining


def support_of(strengths: Iterable[float], catalogue: Catalogue) -> float:
    """A reading's support from its classes' strengths, by the catalogue's rule."""
    if catalogue.scoring.corroboration == "strongest":
        return max(strengths, default=0.0)
    return combine(strengths, catalogue.scoring.corroboration_discount)


def base_weights(catalogue: Catalogue) -> dict[tuple[str, str, str], float]:
    """Every grade and status's weight before decay: reliability x credibility x status."""
    scoring = catalogue.scoring
    return {
        (reliability.value, credibility.value, status.value): (
            reliability_weight.weight * credibility_weight.weight * status_weight.weight
        )
        for reliability, reliability_weight in scoring.reliability.items()
        for credibility, credibility_weight in scoring.credibility.items()
        for status, status_weight in scoring.status.items()
    }


def weigh(
    evidence: EvidenceClass,
    half_life_days: float,
    base: float,
    as_of: dt.date,
    reading: str = "",
) -> WeighedEvidence:
    age = (as_of - evidence.latest).days
    decay = 0.5 ** (age / half_life_days)
    # Positional: this runs for every class on every day a report scores.
    return WeighedEvidence(
        evidence.latest_event_id,
        evidence.events,
        evidence.reliability + evidence.credibility,
        evidence.status,
        evidence.latest,
        age,
        base,
        decay,
        base * decay,
        evidence.status == REFUTED,
        reading,
    )


def _state(support: float, against: float, fresh_support: float, catalogue: Catalogue) -> State:
    scoring = catalogue.scoring
    if against > support and against >= scoring.emerging_threshold:
        return State.REFUTED
    if support >= scoring.present_threshold:
        return State.PRESENT
    if fresh_support >= scoring.present_threshold:
        return State.LAPSED
    if support >= scoring.emerging_threshold:
        return State.EMERGING
    return State.ABSENT


def score_indicator(
    indicator: Indicator,
    evidence: list[EvidenceClass],
    catalogue: Catalogue,
    as_of: dt.date,
    bases: dict[tuple[str, str, str], float] | None = None,
    window_count: float = 0.0,
) -> IndicatorScore:
    """One indicator's score from its evidence classes; `bases` are `base_weights`, when the
    caller scores many indicators or days with one catalogue; `window_count`, for an
    indicator with a usual rate, its events in the rate's window, each by its weight."""
    bases = base_weights(catalogue) if bases is None else bases
    half_lives: dict[str, float] = {}
    weighed = sorted(
        (
            weigh(
                e,
                _half_life(indicator, reading, half_lives),
                bases[e.reliability, e.credibility, e.status],
                as_of,
                reading,
            )
            for e in evidence
            for reading in (indicator.reading(e.variant),)
        ),
        key=lambda w: (-w.strength, w.observed_at, w.event_id),
    )
    # Most indicators have only their own reading: it counts whole, its support is theirs.
    only_own = indicator.rate is None and all(w.reading == "" for w in weighed)
    counted = (
        list(weighed)
        if only_own
        else [w for w in weighed if _counts_for_state(indicator, w.reading)]
    )
    supporting = [w for w in counted if not w.against]
    support = support_of((w.strength for w in supporting), catalogue)
    against = support_of((w.strength for w in counted if w.against), catalogue)
    fresh_support = support_of((w.base for w in supporting), catalogue)
    if indicator.rate is not None:
        readings = _rate_readings(indicator, window_count)
    elif only_own:
        readings = (ReadingScore("", indicator.id, support, against),) if weighed else ()
    else:
        readings = _readings(indicator, weighed, catalogue)
    state = _state(support, against, fresh_support, catalogue)
    state = _ended(state, indicator, weighed, supporting, catalogue)
    state = _expired(state, indicator, supporting, catalogue)
    if (
        indicator.rate is not None
        and state is not State.ABSENT
        and window_count <= indicator.rate.usual
    ):
        # At the usual rate the evidence is the normal course of things, not a signal.
        state = State.BACKGROUND
    if state is State.ABSENT and any(
        not w.against and w.strength >= catalogue.scoring.emerging_threshold for w in weighed
    ):
        state = State.BACKGROUND
    return IndicatorScore(
        id=indicator.id,
        title=indicator.title,
        kind=indicator.kind,
        stage=indicator.stage,
        state=state,
        support=support,
        against=against,
        fresh_support=fresh_support,
        likelihood_ratio=indicator.likelihood_ratio,
        events=sum(e.events for e in evidence),
        last_observed=max((e.latest for e in evidence), default=None),
        evidence=tuple(weighed),
        readings=readings,
    )


def _half_life(indicator: Indicator, reading: str, known: dict[str, float]) -> float:
    """A reading's half-life: none for a position in force, which does not fade."""
    if reading not in known:
        known[reading] = math.inf if indicator.stands(reading) else indicator.half_life_days
    return known[reading]


def _counts_for_state(indicator: Indicator, reading: str) -> bool:
    """Whether a reading's evidence makes the indicator present: for an intent indicator
    only the readings that reach its stage; for the others every reading but an ending."""
    if reading in ENDINGS:
        return False
    return indicator.kind is not Kind.INTENT or indicator.reaches_stage(reading)


def _readings(
    indicator: Indicator, weighed: Sequence[WeighedEvidence], catalogue: Catalogue
) -> tuple[ReadingScore, ...]:
    names = sorted({w.reading for w in weighed})
    if not names:
        return ()
    return tuple(
        ReadingScore(
            name,
            reading_key(indicator.id, name),
            support_of(
                (w.strength for w in weighed if w.reading == name and not w.against), catalogue
            ),
            support_of((w.strength for w in weighed if w.reading == name and w.against), catalogue),
        )
        for name in names
    )


def _rate_readings(indicator: Indicator, window_count: float) -> tuple[ReadingScore, ...]:
    """The two Poisson terms of a count in the window; an empty window says nothing (not
    logging a thing is not its absence)."""
    if window_count <= 0:
        return ()
    return (
        ReadingScore(COUNT, reading_key(indicator.id, COUNT), window_count, 0.0),
        ReadingScore(EXPECTED, reading_key(indicator.id, EXPECTED), 1.0, 0.0),
    )


def window_count(
    indicator: Indicator,
    counts: Iterable[tuple[str, str, str, int]],
    bases: dict[tuple[str, str, str], float],
) -> float:
    """An indicator's events in its rate window, each by its grade and status weight; `counts`
    are (reliability, credibility, status, events). Refuted reports say it did not happen."""
    return sum(
        events * bases[reliability, credibility, status]
        for reliability, credibility, status, events in counts
        if status != REFUTED
    )


def _ended(
    state: State,
    indicator: Indicator,
    weighed: Sequence[WeighedEvidence],
    supporting: Sequence[WeighedEvidence],
    catalogue: Catalogue,
) -> State:
    """A truce broken or a position withdrawn since it was last reported is no longer in
    force, whatever its support."""
    endings = [
        w
        for w in weighed
        if w.reading in ENDINGS
        and not w.against
        and w.strength >= catalogue.scoring.emerging_threshold
    ]
    if not endings or not supporting:
        return state
    ended_on = max(w.observed_at for w in endings)
    since = [w for w in supporting if w.observed_at > ended_on]
    if not indicator.standing:
        return state if since else State.BROKEN
    if any(indicator.stands(w.reading) for w in since):
        return state  # the position stated again: in force again
    if since:
        # Only readings that fade came after the withdrawal: while they are alive they
        # count on their own; the withdrawn position no longer makes the indicator present.
        fresh = _state(
            support_of((w.strength for w in since), catalogue),
            0.0,
            support_of((w.base for w in since), catalogue),
            catalogue,
        )
        if fresh in (State.PRESENT, State.EMERGING):
            return fresh
    return State.WITHDRAWN


def _expired(
    state: State,
    indicator: Indicator,
    supporting: Sequence[WeighedEvidence],
    catalogue: Catalogue,
) -> State:
    expiry = catalogue.scoring.lapse_expiry_half_lives
    if state is not State.LAPSED or expiry is None or not supporting:
        return state
    youngest = min(w.age_days for w in supporting)
    return State.EXPIRED if youngest > expiry * indicator.half_life_days else state
