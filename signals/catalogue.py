"""The catalogue's models: indicators, stages and scoring weights, each number with its
rationale. Reading a catalogue file is `signals.catalogue_loader`'s job."""

from __future__ import annotations

import difflib
from collections import Counter
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from signals.errors import UnknownIndicatorError
from signals.validation import KEBAB_CASE, StrictModel

Rationale = Annotated[str, Field(min_length=10)]


class Kind(StrEnum):
    INTENT = "intent"
    COUNTER = "counter"
    CONTEXT = "context"


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
        return self


class Indicator(StrictModel):
    id: str = Field(pattern=KEBAB_CASE)
    title: str = Field(min_length=3, max_length=80)
    kind: Kind
    stage: int | None = Field(default=None, ge=1, le=3)
    description: str = Field(min_length=10)
    # Where the indicator comes from: a verbatim passage of the catalogue's source text, or,
    # for a catalogue drawn from practice rather than from one text, the reasoning behind
    # it. A basis is never dressed up as a quote.
    source_quote: str | None = Field(default=None, min_length=10)
    basis: str | None = Field(default=None, min_length=10)
    evidence: str = Field(min_length=10)
    likelihood_ratio: float | None = Field(default=None, gt=0)
    likelihood_ratio_rationale: Rationale | None = None
    half_life_days: int = Field(gt=0)
    half_life_rationale: Rationale

    @model_validator(mode="after")
    def _sourced(self) -> Self:
        if self.source_quote is None and self.basis is None:
            raise ValueError(
                "an indicator needs a source_quote (a verbatim passage of the source)"
                " or a basis (why it is on the watch list)"
            )
        return self

    @model_validator(mode="after")
    def _kind_rules(self) -> Self:
        if self.kind is Kind.INTENT and self.stage is None:
            raise ValueError("an intent indicator needs a stage (1, 2 or 3)")
        if self.kind is not Kind.INTENT and self.stage is not None:
            raise ValueError(f"a {self.kind.value} indicator has no stage")
        if self.kind is Kind.CONTEXT:
            if self.likelihood_ratio is not None:
                raise ValueError("a context indicator is never scored: remove likelihood_ratio")
            return self
        if self.likelihood_ratio is None or self.likelihood_ratio_rationale is None:
            raise ValueError("likelihood_ratio and likelihood_ratio_rationale are required")
        if self.kind is Kind.INTENT and self.likelihood_ratio <= 1:
            raise ValueError("an intent indicator needs a likelihood_ratio above 1")
        if self.kind is Kind.COUNTER and self.likelihood_ratio >= 1:
            raise ValueError("a counter indicator needs a likelihood_ratio below 1")
        return self


class CatalogueInfo(StrictModel):
    id: str = Field(pattern=KEBAB_CASE)
    version: int = Field(ge=1)
    title: str = Field(min_length=3)
    description: str = ""
    source: str = ""
    prior: float = Field(gt=0, lt=1)
    prior_rationale: Rationale
    ceiling: float = Field(gt=0, lt=1)
    ceiling_rationale: Rationale
    stages: dict[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ceiling_above_prior(self) -> Self:
        if self.ceiling <= self.prior:
            raise ValueError("ceiling must be above prior")
        return self


class Catalogue(StrictModel):
    catalogue: CatalogueInfo
    scoring: Scoring
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        counts = Counter(i.id for i in self.indicators)
        duplicates = sorted(name for name, count in counts.items() if count > 1)
        if duplicates:
            raise ValueError(f"duplicate indicator ids: {', '.join(duplicates)}")
        return self

    @property
    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    def indicator(self, indicator_id: str) -> Indicator:
        found = self.by_id.get(indicator_id)
        if found is None:
            raise UnknownIndicatorError(indicator_id, self.suggest(indicator_id))
        return found

    def suggest(self, indicator_id: str, limit: int = 3) -> list[str]:
        ids = [i.id for i in self.indicators]
        close = difflib.get_close_matches(indicator_id, ids, n=limit, cutoff=0.5)
        if close:
            return close
        return [i for i in ids if indicator_id and indicator_id in i][:limit]

    def stages(self) -> list[int]:
        return sorted({i.stage for i in self.indicators if i.stage is not None})

    def stage_name(self, stage: int) -> str:
        return self.catalogue.stages.get(stage, f"Stage {stage}")
