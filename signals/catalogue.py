"""The catalogue's models: indicators, stages and scoring weights, each number with its
rationale. Reading a catalogue file is `signals.catalogue_loader`'s job."""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from signals.errors import UnknownIndicatorError
from signals.grading import CREDIBILITY_MEANING as CREDIBILITY_MEANING
from signals.grading import RELIABILITY_MEANING as RELIABILITY_MEANING
from signals.grading import Credibility as Credibility
from signals.grading import Reliability as Reliability
from signals.grading import Scoring as Scoring
from signals.grading import Status as Status
from signals.likelihoods import (
    BREACH,
    READING_NAMES,
    WITHDRAWAL,
    Likelihood,
    Rate,
    Variant,
    imitation_room_problem,
    spread_problem,
)
from signals.scenario_models import ScenarioPrior, check_scenario_priors
from signals.tripwire_models import Tripwire, check_tripwires
from signals.validation import KEBAB_CASE, Rationale, StrictModel


class Kind(StrEnum):
    INTENT = "intent"
    COUNTER = "counter"
    CONTEXT = "context"


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
    # Second edition: how likely such evidence is under each of the catalogue's
    # hypotheses, and, where a refutation is an observation of its own (a mission
    # obstructed, a release denied), how likely that is. Without a refuted row, a refuted
    # report is a false report and counts for nothing.
    likelihoods: dict[str, Likelihood] | None = None
    likelihoods_rationale: Rationale | None = None
    refuted_likelihoods: dict[str, Likelihood] | None = None
    refuted_rationale: Rationale | None = None
    # Whether a deceiver could produce this evidence as readily as a genuine actor: such
    # evidence never separates the headline hypothesis from its imitation (the ceiling).
    imitable: bool = False
    # What does not count, beside `evidence`: the filing mistakes to avoid.
    not_this_if: str | None = Field(default=None, min_length=10)
    # The ways its evidence can come, each its own reading; `default_variant` is the
    # reading of an event logged without one (the common case), or the indicator's own.
    variants: dict[str, Variant] = Field(default_factory=dict)
    default_variant: str | None = None
    # P(a breach | the act was announced, H): an event that breaks an earlier one.
    breach_likelihoods: dict[str, Likelihood] | None = None
    breach_rationale: Rationale | None = None
    # A stated position stands until it is withdrawn: its evidence does not decay.
    standing: bool = False
    standing_rationale: Rationale | None = None
    withdrawal_likelihoods: dict[str, Likelihood] | None = None
    withdrawal_rationale: Rationale | None = None
    # A usual rate: the indicator is then scored by how many events come in its window
    # against what each hypothesis expects, not by the strength of one.
    rate: Rate | None = None
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
            if self.likelihood_ratio is not None or self.likelihoods is not None:
                raise ValueError(
                    "a context indicator is never scored: remove its likelihood_ratio or likelihoods"
                )
            return self
        if self.likelihoods is not None:
            return self._rows_rules()
        if self.likelihood_ratio is None or self.likelihood_ratio_rationale is None:
            raise ValueError("likelihood_ratio and likelihood_ratio_rationale are required")
        if self.kind is Kind.INTENT and self.likelihood_ratio <= 1:
            raise ValueError("an intent indicator needs a likelihood_ratio above 1")
        if self.kind is Kind.COUNTER and self.likelihood_ratio >= 1:
            raise ValueError("a counter indicator needs a likelihood_ratio below 1")
        if self.refuted_likelihoods is not None:
            raise ValueError("refuted_likelihoods go with likelihoods, not with likelihood_ratio")
        if self.variants or self.breach_likelihoods or self.standing or self.rate:
            raise ValueError(
                "variants, breaches, standing positions and rates are read against"
                " hypotheses: give likelihoods, not a likelihood_ratio"
            )
        return self

    def _rows_rules(self) -> Self:
        if self.likelihood_ratio is not None:
            raise ValueError("give likelihoods or likelihood_ratio, not both")
        for name, row, rationale_name, rationale in (
            ("likelihoods", self.likelihoods, "likelihoods_rationale", self.likelihoods_rationale),
            (
                "refuted_likelihoods",
                self.refuted_likelihoods,
                "refuted_rationale",
                self.refuted_rationale,
            ),
            (
                "breach_likelihoods",
                self.breach_likelihoods,
                "breach_rationale",
                self.breach_rationale,
            ),
            (
                "withdrawal_likelihoods",
                self.withdrawal_likelihoods,
                "withdrawal_rationale",
                self.withdrawal_rationale,
            ),
        ):
            if row is None:
                continue
            if rationale is None:
                raise ValueError(f"{name} need a {rationale_name}")
            problem = spread_problem(name, row)
            if problem:
                raise ValueError(problem)
        for name, variant in self.variants.items():
            if name in READING_NAMES or not re.fullmatch(KEBAB_CASE, name):
                raise ValueError(
                    f"variant '{name}' needs a kebab-case name other than"
                    f" {' or '.join(sorted(READING_NAMES))}"
                )
            problem = spread_problem(f"variant '{name}'", variant.likelihoods)
            if problem:
                raise ValueError(problem)
            if variant.standing is not None and not self.standing:
                raise ValueError(
                    f"variant '{name}' sets standing, which only a variant of a standing"
                    " position can: its evidence decays already"
                )
        if self.default_variant is not None and self.default_variant not in self.variants:
            raise ValueError(f"default_variant '{self.default_variant}' is not one of its variants")
        if (
            self.standing
            and self.default_variant is not None
            and not self.stands(self.default_variant)
        ):
            raise ValueError(
                f"default_variant '{self.default_variant}' does not stand, so a standing"
                " position would have no reading that stands but its own, never used"
            )
        if self.standing and self.standing_rationale is None:
            raise ValueError("a standing indicator needs a standing_rationale")
        if self.withdrawal_likelihoods is not None and not self.standing:
            raise ValueError("only a standing position can be withdrawn: set standing = true")
        if self.standing and self.breach_likelihoods is not None:
            raise ValueError("a standing position is withdrawn, not breached")
        if self.rate is not None and (self.variants or self.standing or self.breach_likelihoods):
            raise ValueError(
                "a rate counts the indicator's events: it goes without variants, breaches"
                " or a standing position"
            )
        return self

    def reading(self, variant: str) -> str:
        """The reading an event logged with `variant` ("" for none) is scored as."""
        return variant or self.default_variant or ""

    def reading_row(self, reading: str) -> dict[str, float] | None:
        """P(evidence | hypothesis) of one reading: the indicator's own (""), a variant's,
        a breach's or a withdrawal's."""
        if reading == "":
            return self.likelihoods
        if reading == BREACH:
            return self.breach_likelihoods
        if reading == WITHDRAWAL:
            return self.withdrawal_likelihoods
        variant = self.variants.get(reading)
        return dict(variant.likelihoods) if variant is not None else None

    def fading(self) -> frozenset[str]:
        """Of a standing position, the variants that do not stand (see `stands`)."""
        return frozenset(name for name in self.variants if self.standing and not self.stands(name))

    def stands(self, reading: str) -> bool:
        """Whether evidence of this reading is a position in force, counted undiminished
        until withdrawn, rather than evidence that decays with the half-life."""
        if not self.standing:
            return False
        variant = self.variants.get(reading)
        return variant is None or variant.standing is not False

    def reaches_stage(self, reading: str) -> bool:
        """Whether evidence of this reading is the step the indicator's stage stands for."""
        if reading == "":
            return True
        variant = self.variants.get(reading)
        return variant is not None and variant.reaches_stage

    def ending(self) -> str | None:
        """What an event that ends one of this indicator's is: a breach, a withdrawal, or
        nothing (None) when the catalogue gives it no meaning."""
        if self.breach_likelihoods is not None:
            return BREACH
        if self.withdrawal_likelihoods is not None:
            return WITHDRAWAL
        return None


class CatalogueInfo(StrictModel):
    id: str = Field(pattern=KEBAB_CASE)
    version: int = Field(ge=1)
    title: str = Field(min_length=3)
    description: str = ""
    source: str = ""
    # First edition: the prior of genuine intent. A second-edition catalogue gives each
    # hypothesis its prior instead, and names the headline one.
    prior: float | None = Field(default=None, gt=0, lt=1)
    prior_rationale: Rationale | None = None
    ceiling: float = Field(gt=0, lt=1)
    ceiling_rationale: Rationale
    headline: str | None = Field(default=None, pattern=KEBAB_CASE)
    # The hypothesis a hidden imitation of the headline one is part of: the ceiling is
    # its share, which imitable evidence can never tell apart from the real thing.
    imitated_by: str | None = Field(default=None, pattern=KEBAB_CASE)
    stages: dict[int, str] = Field(default_factory=dict)
    # Sources the actor controls (its state media and officials): evidence resting on them
    # alone is exposed to deception, and the basis for high confidence needs another.
    adversary_channels: list[str] = Field(default_factory=list)
    adversary_channels_rationale: Rationale | None = None

    @model_validator(mode="after")
    def _ceiling_above_prior(self) -> Self:
        if self.prior is not None and self.ceiling <= self.prior:
            raise ValueError("ceiling must be above prior")
        if (self.prior is None) != (self.prior_rationale is None):
            raise ValueError("prior and prior_rationale go together")
        if self.adversary_channels and self.adversary_channels_rationale is None:
            raise ValueError("adversary_channels need an adversary_channels_rationale")
        return self

    def adversary_controlled(self, source: str) -> bool:
        """Whether a source names one of the actor's own channels (a whole word or name)."""
        return any(
            re.search(rf"(?<![\w.]){re.escape(channel)}(?![\w])", source, re.IGNORECASE)
            for channel in self.adversary_channels
        )


class Hypothesis(StrictModel):
    id: str = Field(pattern=KEBAB_CASE)
    title: str = Field(min_length=3, max_length=80)
    description: str = Field(min_length=10)
    prior: float = Field(gt=0, lt=1)
    prior_rationale: Rationale


class Catalogue(StrictModel):
    catalogue: CatalogueInfo
    scoring: Scoring
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    # The lines whose crossing `signals check` reports (see `signals.tripwire_models`).
    tripwires: list[Tripwire] = Field(default_factory=list)
    # The priors while a scenario holds (see `signals.scenario_models`).
    scenario_priors: list[ScenarioPrior] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        for name, ids in (
            ("indicator", [i.id for i in self.indicators]),
            ("hypothesis", [h.id for h in self.hypotheses]),
        ):
            counts = Counter(ids)
            duplicates = sorted(name for name, count in counts.items() if count > 1)
            if duplicates:
                raise ValueError(f"duplicate {name} ids: {', '.join(duplicates)}")
        return self

    @model_validator(mode="after")
    def _tripwires_fit(self) -> Self:
        check_tripwires(self)
        return self

    @model_validator(mode="after")
    def _one_edition(self) -> Self:
        if self.hypotheses:
            check_hypotheses(self)
            return self
        info = self.catalogue
        if info.prior is None:
            raise ValueError("catalogue.prior is required where no hypotheses are declared")
        if info.headline is not None or info.imitated_by is not None:
            raise ValueError("catalogue.headline and imitated_by name declared hypotheses")
        for indicator in self.indicators:
            if indicator.likelihoods is not None:
                raise ValueError(
                    f"indicator '{indicator.id}' has likelihoods, but the catalogue declares"
                    " no hypotheses"
                )
        return self

    @model_validator(mode="after")
    def _scenarios_fit(self) -> Self:
        # After the edition's checks: the table reads the headline and its host.
        check_scenario_priors(self)
        return self

    @property
    def edition(self) -> int:
        """1: one likelihood ratio per indicator, genuine intent against all else; 2: the
        evidence weighed against every declared hypothesis."""
        return 2 if self.hypotheses else 1

    @property
    def prior(self) -> float:
        """The prior of the headline hypothesis (genuine intent)."""
        if self.catalogue.prior is not None:
            return self.catalogue.prior
        return next(h.prior for h in self.hypotheses if h.id == self.catalogue.headline)

    @property
    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    def fading_readings(self) -> dict[str, frozenset[str]]:
        """Per standing position, its readings that fade and so are never withdrawn."""
        return {i.id: i.fading() for i in self.indicators if i.fading()}

    def scenario_row(self, indicator_id: str) -> ScenarioPrior | None:
        """The scenario table's row for an indicator, if its scenario sets the priors."""
        return next((row for row in self.scenario_priors if row.indicator == indicator_id), None)

    def indicator(self, indicator_id: str) -> Indicator:
        found = self.by_id.get(indicator_id)
        if found is None:
            raise UnknownIndicatorError(indicator_id, self.suggest(indicator_id))
        return found

    def suggest(self, indicator_id: str, limit: int = 3) -> list[str]:
        from signals.text import close_matches

        return close_matches(indicator_id, [i.id for i in self.indicators], limit)

    def stages(self) -> list[int]:
        return sorted({i.stage for i in self.indicators if i.stage is not None})

    def stage_name(self, stage: int) -> str:
        return self.catalogue.stages.get(stage, f"Stage {stage}")


def check_hypotheses(catalogue: Catalogue) -> None:
    """The rules that join a second-edition catalogue's hypotheses and indicators."""
    info = catalogue.catalogue
    ids = [h.id for h in catalogue.hypotheses]
    if len(ids) < 2:
        raise ValueError("declare at least two hypotheses")
    total = sum(h.prior for h in catalogue.hypotheses)
    if abs(total - 1) > 1e-6:
        raise ValueError(f"the hypotheses' priors sum to {total:g}, not 1")
    if info.prior is not None:
        raise ValueError("catalogue.prior is the headline hypothesis's prior: give it there")
    if info.headline not in ids:
        raise ValueError(f"catalogue.headline must name one of the hypotheses ({', '.join(ids)})")
    headline_prior = catalogue.prior
    if info.ceiling <= headline_prior:
        raise ValueError("ceiling must be above the headline hypothesis's prior")
    if info.imitated_by is None:
        raise ValueError(
            "catalogue.imitated_by must name the hypothesis that imitates the headline"
        )
    if info.imitated_by not in ids or info.imitated_by == info.headline:
        raise ValueError("catalogue.imitated_by must name another of the hypotheses")
    host = next(h for h in catalogue.hypotheses if h.id == info.imitated_by)
    problem = imitation_room_problem(host.id, host.prior, headline_prior, info.ceiling)
    if problem is not None:
        raise ValueError(problem)
    favoured: Counter[str] = Counter()
    for indicator in catalogue.indicators:
        if indicator.kind is Kind.CONTEXT:
            continue
        where = f"indicator '{indicator.id}'"
        if indicator.likelihoods is None:
            raise ValueError(f"{where} needs likelihoods for the hypotheses {', '.join(ids)}")
        for name, row in (
            ("likelihoods", indicator.likelihoods),
            ("refuted_likelihoods", indicator.refuted_likelihoods),
            ("breach_likelihoods", indicator.breach_likelihoods),
            ("withdrawal_likelihoods", indicator.withdrawal_likelihoods),
            *((f"variant '{n}'", v.likelihoods) for n, v in indicator.variants.items()),
        ):
            if row is not None and sorted(row) != sorted(ids):
                raise ValueError(
                    f"{where}: {name} must give exactly the hypotheses {', '.join(ids)}"
                )
        if indicator.breach_likelihoods is not None:
            _check_breach(indicator, str(info.headline), where)
        if indicator.rate is not None and sorted(indicator.rate.multipliers) != sorted(ids):
            raise ValueError(
                f"{where}: rate multipliers must give exactly the hypotheses {', '.join(ids)}"
            )
        row = indicator.likelihoods
        headline = row[str(info.headline)]
        best = max(row.values())
        if indicator.kind is Kind.INTENT and headline < best:
            raise ValueError(f"{where}: an intent indicator is most likely under the headline")
        if indicator.kind is Kind.COUNTER and headline >= best:
            raise ValueError(
                f"{where}: a counter indicator is less likely under the headline than under"
                " another hypothesis"
            )
        favoured.update(
            h for h, value in row.items() if value == best and len(set(row.values())) > 1
        )
    lonely = [h for h in ids if favoured[h] < 2]
    if lonely:
        raise ValueError(
            "each hypothesis must be the most likely reading of at least two indicators;"
            f" {', '.join(lonely)} {'is' if len(lonely) == 1 else 'are'} not"
        )


def _check_breach(indicator: Indicator, headline: str, where: str) -> None:
    """A broken truce is never net evidence for the headline: the breach, and the breach
    times any reading it can break, are no likelier under the headline than under any
    other hypothesis. An announcement and a breach reported at least as strongly then
    never raise it (each log-odds of the headline against another falls or stays)."""
    breach = indicator.breach_likelihoods
    assert breach is not None
    readings = {"the indicator's own": indicator.likelihoods or {}}
    readings.update({f"variant '{n}'": dict(v.likelihoods) for n, v in indicator.variants.items()})
    for name, row in {"the breach alone": {h: 1.0 for h in breach}, **readings}.items():
        joint = {h: row[h] * breach[h] for h in breach}
        if joint[headline] > min(v for h, v in joint.items() if h != headline) + 1e-12:
            raise ValueError(
                f"{where}: {name} reading times its breach is likelier under {headline} than"
                " under another hypothesis, so a broken truce would count for it"
            )
