"""The ACH matrix: the evidence on record against every hypothesis, as Heuer lays it out.

A cell is s * ln(P(E|H) / max_j P(E|j)): zero where the hypothesis explains the evidence
best, more negative the less it does, weighted by the evidence's strength. A
hypothesis's inconsistency is the sum of its column; ACH ranks by it, and the posterior
ranks by the whole of Bayes. The leading hypothesis is the one the posterior ranks first;
those within TIE_MARGIN of it are tied with it.

It also says what would change the picture: for the leader, the evidence not yet on
record whose confirmation would hurt it most (the assumption it rests on), and when
genuine intent rises above its prior, the deception checks (MOM, POP, EVE) to run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from signals.hypotheses import TIE_MARGIN as TIE_MARGIN
from signals.hypotheses import (
    HypothesisSpace,
    Reading,
    is_tied,
    parts,
    posterior,
    tied_at_the_top,
)
from signals.hypotheses import ranked as ranked_hypotheses
from signals.scoring import IndicatorScore, ScoreResult

# Below this a cell is drawn as consistent: a confirmed report 10 % likelier elsewhere.
NEUTRAL_CELL = 0.1
# From here a cell is strongly inconsistent: a confirmed report three times likelier elsewhere.
STRONG_CELL = math.log(3)

# Heuer's deception checks, asked when the evidence for genuine intent grows.
DECEPTION_PROMPTS: tuple[tuple[str, str], ...] = (
    (
        "MOM",
        "Motive, opportunity and means: does Moscow gain from making the West believe in an"
        " opening now (an aid vote, a summit, an election), and does it control the channels"
        " this evidence came through?",
    ),
    (
        "POP",
        "Past opposition practices: has it staged this kind of signal before (Minsk,"
        " Istanbul 2022, truces broken within hours)?",
    ),
    (
        "EVE",
        "Evaluation of evidence: which of these reports could it have planted or shaped,"
        " and which would have cost it something real to produce?",
    ),
)


@dataclass(frozen=True)
class MatrixRow:
    indicator: str
    title: str
    # The reading: "" for the indicator's own, else a variant, "breach" or "withdrawal".
    reading: str
    refuted: bool
    strength: float
    # Per shown hypothesis: s * ln(P(E|H) / max).
    cells: tuple[float, ...]
    # ln(max / min) of the row: how far the evidence can separate any two hypotheses.
    diagnosticity: float


@dataclass(frozen=True)
class Ranked:
    id: str
    title: str
    posterior: float
    inconsistency: float
    tied_with_leader: bool


@dataclass(frozen=True)
class Assumption:
    """What the leader rests on: the evidence whose confirmation would hurt it most."""

    hypothesis: str
    indicator: str
    title: str
    posterior_if_seen: float
    new_leader: str
    # Those that would share the lead then (the new leader alone, when one would lead).
    leading_if_seen: tuple[str, ...]


@dataclass(frozen=True)
class Matrix:
    hypotheses: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    ranked: tuple[Ranked, ...]
    # The evidence that most contradicts the leading hypothesis (none if nothing does).
    most_against_leader: MatrixRow | None
    assumptions: tuple[Assumption, ...]
    prompts: tuple[tuple[str, str], ...]

    @property
    def leader(self) -> Ranked:
        return self.ranked[0]

    @property
    def leading(self) -> tuple[Ranked, ...]:
        """The leader and those tied with it."""
        return tuple(r for r in self.ranked if r is self.ranked[0] or r.tied_with_leader)

    @property
    def inconsistency(self) -> dict[str, float]:
        return {r.id: r.inconsistency for r in self.ranked}


def mark(cell: float) -> str:
    """A cell as ACH draws it: C consistent, I inconsistent, II strongly so."""
    if cell > -NEUTRAL_CELL:
        return "C"
    return "II" if cell <= -STRONG_CELL else "I"


def build_matrix(space: HypothesisSpace, result: ScoreResult) -> Matrix:
    visible = len(space.shown)
    rows: list[MatrixRow] = []
    titles = {i.id: i.title for i in result.indicators}
    for indicator in result.indicators:
        for reading, refuted, strength in (
            (r, refuted, r.against if refuted else r.support)
            for r in indicator.readings
            for refuted in (False, True)
        ):
            row = space.row(reading.key, refuted=refuted)
            if row is None or strength <= 0:
                continue
            shown = row[:visible]
            best = max(shown)
            rows.append(
                MatrixRow(
                    indicator=indicator.id,
                    title=indicator.title,
                    reading=reading.name,
                    refuted=refuted,
                    strength=strength,
                    cells=tuple(strength * (value - best) + 0.0 for value in shown),
                    diagnosticity=best - min(shown),
                )
            )
    shown_posterior = result.headline.hypotheses
    column_sums = [sum(r.cells[i] for r in rows) for i in range(visible)]
    order = [
        space.shown.index(h)
        for h in ranked_hypotheses({h: shown_posterior[h] for h in space.shown})
    ]
    top = shown_posterior[space.shown[order[0]]]
    ranked = tuple(
        Ranked(
            id=space.shown[i],
            title=space.shown_titles[i],
            posterior=shown_posterior[space.shown[i]],
            inconsistency=column_sums[i],
            tied_with_leader=rank > 0 and is_tied(top, shown_posterior[space.shown[i]]),
        )
        for rank, i in enumerate(order)
    )
    leader_column = order[0]
    against = min(rows, key=lambda r: (r.cells[leader_column], r.indicator), default=None)
    if against is not None and against.cells[leader_column] >= 0:
        against = None
    rising = result.headline.p_genuine > space.priors[space.headline]
    return Matrix(
        hypotheses=space.shown,
        titles=space.shown_titles,
        rows=tuple(sorted(rows, key=lambda r: (min(r.cells), r.indicator))),
        ranked=ranked,
        most_against_leader=against,
        assumptions=_assumptions(space, result.indicators, ranked[0].id, titles),
        prompts=DECEPTION_PROMPTS if rising else (),
    )


def _assumptions(
    space: HypothesisSpace,
    indicators: Sequence[IndicatorScore],
    leader: str,
    titles: dict[str, str],
) -> tuple[Assumption, ...]:
    """For the leader: the indicator not yet present whose fresh confirmation would lower
    its posterior most, and what would lead then."""
    readings = [Reading(r.key, r.support, r.against) for i in indicators for r in i.readings]
    candidates: list[Assumption] = []
    for indicator in indicators:
        if space.row(indicator.id) is None or indicator.support >= 0.5:
            continue
        # Its own reading, confirmed and fresh.
        seen = [r for r in readings if r.indicator != indicator.id]
        seen.append(Reading(indicator.id, 1.0, 0.0))
        weighed = posterior(space, parts(space, seen)).shown
        leading = tuple(tied_at_the_top(weighed))
        candidates.append(
            Assumption(
                hypothesis=leader,
                indicator=indicator.id,
                title=titles[indicator.id],
                posterior_if_seen=weighed[leader],
                new_leader=leading[0],
                leading_if_seen=leading,
            )
        )
    candidates.sort(key=lambda a: (a.posterior_if_seen, a.indicator))
    return tuple(candidates[:3])
