"""A catalogue's tripwires: the lines whose crossing an analyst wants to hear about at once,
each with the condition that fires it, how grave it is, what to say and why it matters.

Evaluating them against two scored states is `signals.tripwires`' job; the rules that join
a tripwire to the catalogue's indicators, hypotheses and stages are `check_tripwires`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from signals.validation import KEBAB_CASE, Rationale, StrictModel

if TYPE_CHECKING:
    from signals.catalogue import Catalogue

# A first-edition catalogue weighs genuine intent against one alternative, named so.
FIRST_EDITION_HYPOTHESES = ("genuine", "other")


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class IndicatorReaches(StrictModel):
    """An indicator enters a state (e.g. `ceasefire-verification` becomes present)."""

    kind: Literal["indicator"]
    indicator: str = Field(pattern=KEBAB_CASE)
    # The states `signals.indicators.State` names, spelt out: the catalogue's models come
    # before the scorer's.
    state: Literal[
        "absent",
        "emerging",
        "present",
        "lapsed",
        "refuted",
        "broken",
        "withdrawn",
        "background",
        "expired",
    ]


class ProbabilityCrosses(StrictModel):
    """A hypothesis's probability crosses a threshold, upwards (`above`) or downwards."""

    kind: Literal["probability"]
    hypothesis: str = Field(pattern=KEBAB_CASE)
    crosses: Literal["above", "below"]
    threshold: float = Field(gt=0, lt=1)


class LeaderChanges(StrictModel):
    """The leading hypothesis changes; `to` names the only new leader that counts."""

    kind: Literal["leader"]
    to: str | None = Field(default=None, pattern=KEBAB_CASE)


class StageChanges(StrictModel):
    """A stage is reached, or lost (it was reached at the last check and is not now)."""

    kind: Literal["stage"]
    stage: int = Field(ge=1, le=3)
    change: Literal["reached", "lost"]


class PositionWithdrawn(StrictModel):
    """A standing position is withdrawn: the one named, or any when none is."""

    kind: Literal["withdrawal"]
    indicator: str | None = Field(default=None, pattern=KEBAB_CASE)


Condition = Annotated[
    IndicatorReaches | ProbabilityCrosses | LeaderChanges | StageChanges | PositionWithdrawn,
    Field(discriminator="kind"),
]


class Tripwire(StrictModel):
    id: str = Field(pattern=KEBAB_CASE)
    condition: Condition
    severity: Severity
    # What the people told should read: one or two sentences, no figures (the firing adds
    # what moved, from what to what).
    message: str = Field(min_length=10, max_length=400)
    rationale: Rationale


def check_tripwires(catalogue: Catalogue) -> None:
    """The rules that join tripwires to the catalogue: unique ids, and every indicator,
    hypothesis and stage a condition names is one the catalogue has and can reach."""
    tripwires: Sequence[Tripwire] = catalogue.tripwires
    counts = Counter(t.id for t in tripwires)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate tripwire ids: {', '.join(duplicates)}")
    hypotheses = tuple(h.id for h in catalogue.hypotheses) or FIRST_EDITION_HYPOTHESES
    indicators = catalogue.by_id
    stages = catalogue.stages()
    standing = sorted(i.id for i in catalogue.indicators if i.withdrawal_likelihoods is not None)
    for tripwire in tripwires:
        where = f"tripwire '{tripwire.id}'"
        condition = tripwire.condition
        if isinstance(condition, IndicatorReaches):
            indicator = indicators.get(condition.indicator)
            if indicator is None:
                raise ValueError(f"{where}: no indicator '{condition.indicator}' in the catalogue")
            if condition.state == "broken" and indicator.breach_likelihoods is None:
                raise ValueError(
                    f"{where}: '{indicator.id}' gives no breach_likelihoods, so it is never broken"
                )
            if condition.state == "withdrawn" and indicator.withdrawal_likelihoods is None:
                raise ValueError(
                    f"{where}: '{indicator.id}' is no standing position that can be withdrawn"
                )
        elif isinstance(condition, ProbabilityCrosses | LeaderChanges):
            named = (
                condition.hypothesis if isinstance(condition, ProbabilityCrosses) else condition.to
            )
            if named is not None and named not in hypotheses:
                raise ValueError(
                    f"{where}: no hypothesis '{named}'; the catalogue's are {', '.join(hypotheses)}"
                )
        elif isinstance(condition, StageChanges):
            if condition.stage not in stages:
                raise ValueError(f"{where}: the catalogue has no stage {condition.stage}")
        elif condition.indicator is not None and condition.indicator not in standing:
            raise ValueError(
                f"{where}: '{condition.indicator}' is no standing position that can be"
                f" withdrawn (those with withdrawal_likelihoods: {', '.join(standing) or 'none'})"
            )
        elif condition.indicator is None and not standing:
            raise ValueError(f"{where}: the catalogue has no standing position to withdraw")
