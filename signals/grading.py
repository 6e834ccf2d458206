"""How sources and statuses are weighed: the NATO Admiralty scales and the scoring
thresholds, each number with its rationale."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from signals.validation import Rationale, StrictModel


class Reliability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(StrEnum):
    CONFIRMED = "1"
    PROBABLE = "2"
    POSSIBLE = "3"
    DOUBTFUL = "4"
    IMPROBABLE = "5"
    CANNOT_JUDGE = "6"


class Status(StrEnum):
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    REFUTED = "refuted"


RELIABILITY_MEANING = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_MEANING = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


class GradeWeight(StrictModel):
    weight: float = Field(ge=0, le=1)
    rationale: Rationale


class Scoring(StrictModel):
    present_threshold: float = Field(gt=0, le=1)
    present_threshold_rationale: Rationale
    emerging_threshold: float = Field(gt=0, lt=1)
    emerging_threshold_rationale: Rationale
    corroboration_discount: float = Field(ge=0, lt=1)
    corroboration_discount_rationale: Rationale
    emerging_credit: float = Field(ge=0, le=1)
    emerging_credit_rationale: Rationale
    lapsed_credit: float = Field(ge=0, le=1)
    lapsed_credit_rationale: Rationale
    out_of_sequence_credit: float = Field(ge=0, le=1)
    out_of_sequence_credit_rationale: Rationale
    # How a reading's classes combine: as a noisy-or (each further grade of report adds
    # `corroboration_discount` of what the one before did), or the strongest alone.
    corroboration: Literal["noisy-or", "strongest"] = "noisy-or"
    corroboration_rationale: Rationale | None = None
    # How far the range of the headline moves priors and strengths: each by this factor
    # up and down, one change at a time.
    sensitivity: float = Field(default=2.0, gt=1, le=10)
    sensitivity_rationale: Rationale = (
        "A factor of two is the usual disagreement between two careful analysts grading"
        " the same report or setting the same prior."
    )
    # When a stage counts as reached: ever (the first edition's reading), or only while
    # one of its indicators is present, earlier ones shown as previously reached.
    stages_reached_now: bool = False
    stages_reached_now_rationale: Rationale | None = None
    # After how many half-lives a lapsed indicator no longer counts even as lapsed.
    lapse_expiry_half_lives: float | None = Field(default=None, gt=0)
    lapse_expiry_half_lives_rationale: Rationale | None = None
    reliability: dict[Reliability, GradeWeight]
    credibility: dict[Credibility, GradeWeight]
    status: dict[Status, GradeWeight]

    @model_validator(mode="after")
    def _complete_scales(self) -> Self:
        for name, scale, enum in (
            ("reliability", self.reliability, Reliability),
            ("credibility", self.credibility, Credibility),
            ("status", self.status, Status),
        ):
            missing = [member.value for member in enum if member not in scale]
            if missing:
                raise ValueError(f"{name} weights are missing for {', '.join(missing)}")
        if self.emerging_threshold >= self.present_threshold:
            raise ValueError("emerging_threshold must be below present_threshold")
        if self.corroboration != "noisy-or" and self.corroboration_rationale is None:
            raise ValueError("corroboration needs a corroboration_rationale")
        if self.stages_reached_now and self.stages_reached_now_rationale is None:
            raise ValueError("stages_reached_now needs a stages_reached_now_rationale")
        if (self.lapse_expiry_half_lives is None) != (
            self.lapse_expiry_half_lives_rationale is None
        ):
            raise ValueError(
                "lapse_expiry_half_lives and lapse_expiry_half_lives_rationale go together"
            )
        return self
