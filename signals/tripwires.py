"""Which tripwires fire between two scored states: pure functions, no database, no output.

A check keeps the state it saw (a `Snapshot`: every hypothesis's probability, each stage
reached or not, each indicator's state) and compares the next check's state with it. A
tripwire fires when its line is crossed between the two, not while the state stays beyond
it, so a tripwire fires once per crossing however often the check runs. The first check of
a database compares with the state with nothing on record (`baseline`): whatever is already
beyond a line is reported once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from signals.catalogue import Catalogue
from signals.hypotheses import in_words, leader_of, tied_at_the_top
from signals.scoring import ScoreResult, score_classes
from signals.tripwire_models import (
    IndicatorReaches,
    LeaderChanges,
    PositionWithdrawn,
    ProbabilityCrosses,
    StageChanges,
    Tripwire,
)

WITHDRAWN = "withdrawn"
# A probability closer than this to a tripwire's line is on it (see _probability).
LEVEL = 1e-9


@dataclass(frozen=True)
class Snapshot:
    """What a check saw: enough to tell, next time, which lines were crossed since."""

    hypotheses: Mapping[str, float]
    stages: Mapping[int, bool]
    indicators: Mapping[str, str]

    @property
    def leader(self) -> str:
        return leader_of(self.hypotheses)

    @property
    def leading(self) -> list[str]:
        """The leader and those tied with it, as the brief states the lead."""
        return tied_at_the_top(self.hypotheses)

    def to_json(self) -> str:
        return json.dumps(
            {
                "hypotheses": dict(self.hypotheses),
                "stages": {str(stage): reached for stage, reached in self.stages.items()},
                "indicators": dict(self.indicators),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        return cls(
            hypotheses={str(h): float(p) for h, p in data["hypotheses"].items()},
            stages={int(stage): bool(reached) for stage, reached in data["stages"].items()},
            indicators={str(i): str(state) for i, state in data["indicators"].items()},
        )


@dataclass(frozen=True)
class Firing:
    """A tripwire that fired, and what crossed its line: from what, to what."""

    tripwire: str
    kind: str
    severity: str
    message: str
    detail: str


def snapshot(result: ScoreResult) -> Snapshot:
    """The state of a score that the tripwires read."""
    return Snapshot(
        hypotheses=dict(result.headline.hypotheses),
        stages={row.stage: row.reached for row in result.headline.stages},
        indicators={i.id: i.state.value for i in result.indicators},
    )


def baseline(catalogue: Catalogue, as_of: dt.date, prior: float | None = None) -> Snapshot:
    """The state with nothing on record: the priors, no stage reached, every indicator absent."""
    return snapshot(score_classes(catalogue, [], as_of, prior=prior))


def _percent(probability: float) -> str:
    return f"{round(100 * probability)}%"


def _indicator(condition: IndicatorReaches, before: Snapshot, now: Snapshot) -> str | None:
    was = before.indicators.get(condition.indicator, "absent")
    is_now = now.indicators.get(condition.indicator, "absent")
    if is_now == condition.state and was != condition.state:
        return f"{condition.indicator} went from {was} to {is_now}."
    return None


def _probability(condition: ProbabilityCrosses, before: Snapshot, now: Snapshot) -> str | None:
    name, line = condition.hypothesis, condition.threshold
    was = before.hypotheses.get(name)
    is_now = now.hypotheses.get(name)
    if was is None or is_now is None:
        return None
    moved = f"from {_percent(was)} to {_percent(is_now)}"
    # A probability within LEVEL of the line is on it: priors mixed from a scenario table
    # land on a round prior only to the last bit, and sitting on the line is no crossing.
    if condition.crosses == "above" and was < line - LEVEL <= is_now:
        return f"P({name}) rose {moved}, above {_percent(line)}."
    if condition.crosses == "below" and was > line + LEVEL >= is_now:
        return f"P({name}) fell {moved}, below {_percent(line)}."
    return None


def _leader(condition: LeaderChanges, before: Snapshot, now: Snapshot) -> str | None:
    # The lead as the brief states it: a hypothesis within the tie margin of the leader
    # shares the lead, so posteriors trading a point inside a tie change nothing.
    was, is_now = tied_at_the_top(before.hypotheses), tied_at_the_top(now.hypotheses)
    if set(was) == set(is_now) or (condition.to is not None and is_now != [condition.to]):
        return None

    def named(state: Snapshot, leaders: list[str]) -> str:
        shares = [_percent(state.hypotheses[h]) for h in leaders]
        if len(leaders) == 1:
            return f"{leaders[0]} ({shares[0]})"
        if len(set(shares)) == 1:
            return f"{in_words(leaders)} tied ({shares[0]} each)"
        return f"{in_words(leaders)} tied ({in_words(shares)})"

    return f"The lead changed from {named(before, was)} to {named(now, is_now)}."


def _stage(
    condition: StageChanges, before: Snapshot, now: Snapshot, catalogue: Catalogue
) -> str | None:
    was_reached = before.stages.get(condition.stage, False)
    is_reached = now.stages.get(condition.stage, False)
    name = catalogue.stage_name(condition.stage)
    if condition.change == "reached" and is_reached and not was_reached:
        return f"Stage {condition.stage} ({name}) is reached."
    if condition.change == "lost" and was_reached and not is_reached:
        return f"Stage {condition.stage} ({name}) was reached at the last check and is not now."
    return None


def _withdrawal(
    condition: PositionWithdrawn, before: Snapshot, now: Snapshot, catalogue: Catalogue
) -> str | None:
    standing = (
        [condition.indicator]
        if condition.indicator is not None
        else [i.id for i in catalogue.indicators if i.withdrawal_likelihoods is not None]
    )
    withdrawn = [
        i
        for i in standing
        if now.indicators.get(i) == WITHDRAWN and before.indicators.get(i) != WITHDRAWN
    ]
    return f"{', '.join(withdrawn)} withdrawn." if withdrawn else None


def _fires(tripwire: Tripwire, before: Snapshot, now: Snapshot, catalogue: Catalogue) -> str | None:
    """What crossed the tripwire's line between `before` and `now`, or None."""
    condition = tripwire.condition
    if isinstance(condition, IndicatorReaches):
        return _indicator(condition, before, now)
    if isinstance(condition, ProbabilityCrosses):
        return _probability(condition, before, now)
    if isinstance(condition, LeaderChanges):
        return _leader(condition, before, now)
    if isinstance(condition, StageChanges):
        return _stage(condition, before, now, catalogue)
    return _withdrawal(condition, before, now, catalogue)


def evaluate(
    catalogue: Catalogue,
    before: Snapshot,
    now: Snapshot,
    tripwires: Sequence[Tripwire] | None = None,
) -> list[Firing]:
    """The tripwires (the catalogue's, unless given) whose lines were crossed between the
    two states, in the catalogue's order."""
    fired = []
    for tripwire in catalogue.tripwires if tripwires is None else tripwires:
        detail = _fires(tripwire, before, now, catalogue)
        if detail is not None:
            fired.append(
                Firing(
                    tripwire=tripwire.id,
                    kind=tripwire.condition.kind,
                    severity=tripwire.severity.value,
                    message=tripwire.message,
                    detail=detail,
                )
            )
    return fired
