"""Which of the catalogue's reading rules fired on a score, and why each exists.

The scorer applies its rules silently: a breach read by its own row, a standing demand
that does not fade, a shared observation counted once, a lapsed indicator expired. An
analyst asked to trust the figure must be able to see each of them, with the events it
touched and the catalogue's rationale for it, so `--explain` lists them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from signals.catalogue import Catalogue, Indicator
from signals.evidence import Linked
from signals.indicators import ENDINGS, IndicatorScore, State
from signals.likelihoods import BREACH, WITHDRAWAL
from signals.readings import ended_by, observation_choices
from signals.scenarios import percents
from signals.scoring import ScoreResult


@dataclass(frozen=True)
class RuleFired:
    # A short stable name (observation, alternative, standing, breach, withdrawal,
    # variant, broken, withdrawn, expired, usual-rate, below-stage, refutation,
    # previously-reached, ceiling, scenario).
    rule: str
    text: str
    rationale: str | None = None
    indicator: str | None = None
    events: tuple[int, ...] = ()


def rules_fired(
    catalogue: Catalogue, result: ScoreResult, linked: Sequence[Linked]
) -> tuple[RuleFired, ...]:
    """Every rule that changed how `result` read its evidence, in the order a reader meets
    them: the filing of events, then each indicator's readings and state, then the stages
    and the headline."""
    fired = [*_filings(catalogue, result, linked)]
    for score in result.indicators:
        indicator = catalogue.by_id.get(score.id)
        if indicator is not None and score.evidence:
            fired.extend(_readings(indicator, score))
            fired.extend(_states(catalogue, indicator, score))
    fired.extend(_headline(catalogue, result))
    return tuple(fired)


def _filings(
    catalogue: Catalogue, result: ScoreResult, linked: Sequence[Linked]
) -> Iterable[RuleFired]:
    for observation, kept, left_out in observation_choices(catalogue, linked, result.as_of):
        others = ", ".join(f"#{m.event_id} ({m.indicator})" for m in left_out)
        why_kept = (
            "the reading a later breach or withdrawal ends"
            if ended_by(kept, result.as_of)
            else "its most telling reading"
        )
        yield RuleFired(
            "observation",
            f"#{kept.event_id} ({kept.indicator}) and {others} are one observation"
            f" ({observation}): only #{kept.event_id}, {why_kept}, is scored.",
            "One speech or act read under several indicators is one observation; counted"
            " under each it would weigh as several independent reports.",
            kept.indicator,
            (kept.event_id, *(m.event_id for m in left_out)),
        )
    for member in linked:
        if member.alternative and member.observed_at <= result.as_of:
            yield RuleFired(
                "alternative",
                f"#{member.event_id} is filed under {member.indicator} and could be filed"
                f" under {member.alternative}: the range of the headline includes that filing.",
                "Where an analyst doubts the filing, the doubt belongs in the range, not in"
                " a silent choice.",
                member.indicator,
                (member.event_id,),
            )


def _events_by_reading(score: IndicatorScore) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for weighed in score.evidence:
        if weighed.reading:
            found[weighed.reading].append(weighed.event_id)
    return {reading: tuple(ids) for reading, ids in found.items()}


def _ids(events: Sequence[int]) -> str:
    return ", ".join(f"#{event}" for event in events)


def _readings(indicator: Indicator, score: IndicatorScore) -> Iterable[RuleFired]:
    standing = tuple(
        w.event_id
        for w in score.evidence
        if not w.against and w.reading not in ENDINGS and indicator.stands(w.reading)
    )
    if standing:
        yield RuleFired(
            "standing",
            f"{indicator.id} is a standing position: its evidence counts undiminished"
            " until an event withdraws it.",
            indicator.standing_rationale,
            indicator.id,
            standing,
        )
    for reading, events in _events_by_reading(score).items():
        if reading == BREACH:
            yield RuleFired(
                "breach",
                f"{_ids(events)} of {indicator.id} break an earlier one: read by the breach row.",
                indicator.breach_rationale,
                indicator.id,
                events,
            )
        elif reading == WITHDRAWAL:
            yield RuleFired(
                "withdrawal",
                f"{_ids(events)} of {indicator.id} withdraw the position: read by the"
                " withdrawal row.",
                indicator.withdrawal_rationale,
                indicator.id,
                events,
            )
        elif reading in indicator.variants:
            variant = indicator.variants[reading]
            stage = (
                ""
                if indicator.stage is None or indicator.reaches_stage(reading)
                else f"; it does not reach stage {indicator.stage}"
            )
            if indicator.standing and not indicator.stands(reading):
                stage += (
                    f"; it is no standing position: it decays with the half-life"
                    f" ({indicator.half_life_days} days)"
                )
            yield RuleFired(
                "variant",
                f"{_ids(events)} of {indicator.id} read as {reading} ({variant.title}){stage}.",
                variant.rationale,
                indicator.id,
                events,
            )
    if indicator.refuted_likelihoods is not None and any(w.against for w in score.evidence):
        yield RuleFired(
            "refutation",
            f"The refuted reports of {indicator.id} are an observation of their own:"
            " read by its refuted row, not discarded.",
            indicator.refuted_rationale,
            indicator.id,
            tuple(w.event_id for w in score.evidence if w.against),
        )


def _states(
    catalogue: Catalogue, indicator: Indicator, score: IndicatorScore
) -> Iterable[RuleFired]:
    scoring = catalogue.scoring
    if score.state in (State.BROKEN, State.WITHDRAWN):
        endings = tuple(w.event_id for w in score.evidence if w.reading in (BREACH, WITHDRAWAL))
        ended = "broken" if score.state is State.BROKEN else "withdrawn"
        yield RuleFired(
            ended,
            f"{indicator.id} is {ended} by {_ids(endings)}, later than its last report: no"
            " longer in force, whatever its support.",
            indicator.breach_rationale
            if score.state is State.BROKEN
            else indicator.withdrawal_rationale,
            indicator.id,
            endings,
        )
    elif score.state is State.EXPIRED:
        yield RuleFired(
            "expired",
            f"{indicator.id} lapsed over {scoring.lapse_expiry_half_lives:g} half-lives"
            f" ({indicator.half_life_days} days each) ago: it no longer counts even as lapsed.",
            scoring.lapse_expiry_half_lives_rationale,
            indicator.id,
        )
    elif score.state is State.BACKGROUND and indicator.rate is not None:
        rate = indicator.rate
        yield RuleFired(
            "usual-rate",
            f"{indicator.id} comes at or below its usual rate ({rate.usual:g} in"
            f" {rate.window_days} days): background, not a signal.",
            rate.rationale,
            indicator.id,
        )
    elif score.state is State.BACKGROUND:
        yield RuleFired(
            "below-stage",
            f"{indicator.id} has evidence only in readings that are not the step of its"
            " stage: shown as background, weighed by their own rows.",
            "A routine or partial version of a deed is not the deed the stage stands for.",
            indicator.id,
        )


def _headline(catalogue: Catalogue, result: ScoreResult) -> Iterable[RuleFired]:
    headline = result.headline
    for stage in headline.stages:
        if stage.previously_reached:
            yield RuleFired(
                "previously-reached",
                f"Stage {stage.stage} ({catalogue.stage_name(stage.stage)}) was reached"
                " earlier but none of its indicators is present now: it is not counted as"
                " reached.",
                catalogue.scoring.stages_reached_now_rationale,
            )
    for scenario in headline.scenarios:
        yield RuleFired(
            "scenario",
            f"{scenario.indicator} is reported now: its row of the scenario table"
            f" ({percents(scenario.priors)}) weighs {scenario.weight:.0%} in the priors,"
            f" which are {percents(headline.priors, 1)}.",
            scenario.rationale,
            scenario.indicator,
            tuple(w.event_id for w in result.indicator(scenario.indicator).evidence),
        )
    if headline.intent_capped:
        yield RuleFired(
            "ceiling",
            f"The evidence for genuine intent is capped: intent evidence alone never takes"
            f" it past {catalogue.catalogue.ceiling:.0%}.",
            catalogue.catalogue.ceiling_rationale,
        )
