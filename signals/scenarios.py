"""The priors the catalogue's scenario table sets, from how strongly each scenario is
reported now.

Each row of the table (see `signals.scenario_models`) is the prior while one scenario
holds. A scenario reported with support s (its indicator's evidence, by grade, status
and age, between 0 and 1) weighs s; the catalogue's own priors weigh what is left, so
with no scenario reported the priors are the catalogue's, and a report that fades
returns them there as its support decays (a report weaker than the catalogue's emerging
threshold, or cancelled by a denial, is not reported now). Where the scenarios reported
weigh more than 1 together, they share the whole weight in proportion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from signals.catalogue import Catalogue


@dataclass(frozen=True)
class ScenarioWeight:
    """A scenario reported now: its indicator, its weight in the priors, and its row."""

    indicator: str
    weight: float
    priors: dict[str, float]
    rationale: str


@dataclass(frozen=True)
class ScenarioPriors:
    priors: dict[str, float]
    scenarios: tuple[ScenarioWeight, ...]
    # What the catalogue's own priors weigh in the mixture.
    declared_weight: float


def scenario_priors(
    catalogue: Catalogue, support: Iterable[tuple[str, float]]
) -> ScenarioPriors | None:
    """The priors mixed from the scenarios reported now (`support`: indicator id and its
    support); None where the catalogue has no table or no scenario of it is reported."""
    table = {row.indicator: row for row in catalogue.scenario_priors}
    if not table:
        return None
    reported = [(i, s) for i, s in support if i in table and s > 0]
    if not reported:
        return None
    total = sum(s for _, s in reported)
    scale = 1 / total if total > 1 else 1.0
    declared_weight = max(0.0, 1 - total * scale)
    scenarios = tuple(
        ScenarioWeight(i, s * scale, dict(table[i].priors), table[i].rationale) for i, s in reported
    )
    priors = {
        h.id: declared_weight * h.prior + sum(w.weight * w.priors[h.id] for w in scenarios)
        for h in catalogue.hypotheses
    }
    return ScenarioPriors(priors, scenarios, declared_weight)


def scenario_note(priors: dict[str, float], scenarios: Iterable[ScenarioWeight]) -> str | None:
    """One sentence for a brief: which scenarios set the priors, and the priors they set;
    None when the priors are the catalogue's own."""
    reported = list(scenarios)
    if not reported:
        return None
    named = ", ".join(f"{s.indicator} (weight {100 * s.weight:.0f}%)" for s in reported)
    return f"Priors set by the scenario table: {named}; the priors are {percents(priors)}."


def percents(priors: Mapping[str, float], places: int = 0) -> str:
    """Priors as a reader reads them: `genuine 10%, frozen 50%, ...`."""
    return ", ".join(f"{h} {100 * p:.{places}f}%" for h, p in priors.items())
