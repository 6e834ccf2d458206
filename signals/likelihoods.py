"""Likelihood rows and the readings of an indicator's evidence: variants, breaches and
withdrawals, each with P(evidence | hypothesis) and the reason for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from signals.validation import Rationale, StrictModel

# P(evidence | hypothesis) within the catalogue's window. Zero would make one report
# certain proof against a hypothesis; a row spread wider than MAX_SPREAD would let one
# cheap observation outweigh everything else on record.
Likelihood = Annotated[float, Field(ge=0.02, le=1)]
MAX_SPREAD = 20.0

# The readings of an event that ends an earlier one: the breach of a truce or a pledge,
# and the withdrawal of a standing position. No variant may take these names.
BREACH = "breach"
WITHDRAWAL = "withdrawal"
# The two terms of an indicator with a usual rate: n ln(lambda_H) and -lambda_H.
COUNT = "count"
EXPECTED = "expected"
READING_NAMES = frozenset({BREACH, WITHDRAWAL, COUNT, EXPECTED})


class Variant(StrictModel):
    """One way the evidence of an indicator can come: a short or conditional ceasefire, a
    reciprocal swap rather than a goodwill release."""

    title: str = Field(min_length=3, max_length=80)
    description: str = Field(min_length=10)
    likelihoods: dict[str, Likelihood]
    rationale: Rationale
    # Whether this reading is the step its stage stands for (a unilateral release is the
    # article's goodwill deed; a routine exchange is not).
    reaches_stage: bool = False
    # On a standing indicator, `false` for a reading that is no position in force (a call
    # on troops in one battle to lay down their arms ends with the battle): it decays with
    # the indicator's half-life. None is the indicator's own rule.
    standing: bool | None = None


class Rate(StrictModel):
    """How often such evidence comes in the normal course (nuclear rhetoric, swaps): the
    count in a window of `window_days` over a declared reference period, and how many
    times that each hypothesis expects. Evidence at the usual rate is background; a
    departure from it is the signal."""

    window_days: int = Field(gt=0, le=730)
    usual: float = Field(gt=0)
    # The period the usual rate was counted over, never the events being scored.
    reference: str = Field(min_length=10)
    multipliers: dict[str, Annotated[float, Field(ge=0.05, le=20)]]
    rationale: Rationale


def imitation_prior(headline_prior: float, ceiling: float) -> float:
    """The prior of the hidden imitation of the headline hypothesis a ceiling implies."""
    return headline_prior * (1 - ceiling) / ceiling


def imitation_room_problem(
    host: str, host_prior: float, headline_prior: float, ceiling: float
) -> str | None:
    """Why a set of priors is refused, if it is: the host too small to hold the imitation."""
    imitation = imitation_prior(headline_prior, ceiling)
    if host_prior <= imitation:
        return (
            f"hypothesis '{host}' has a prior of {host_prior:g}, too small to hold the"
            f" imitation the ceiling implies ({imitation:.3g})"
        )
    return None


def spread_problem(name: str, row: Mapping[str, float]) -> str | None:
    """Why a row is refused, if it is: its largest value over MAX_SPREAD times its smallest."""
    if row and max(row.values()) > MAX_SPREAD * min(row.values()):
        return (
            f"{name}: the largest value is over {MAX_SPREAD:g} times the smallest,"
            " so one observation could outweigh everything else on record"
        )
    return None
