"""A catalogue's scenario table: how the scenario indicators set the priors.

The article's scenarios (Ukraine's defeat appears probable, Russia overstretched, a true
stalemate, a Russian defeat) each say what Moscow would then likely pursue. A row of the
table gives, for one context indicator that reports such a scenario, the prior over the
hypotheses while that scenario holds, with its rationale. Mixing the rows by how strongly
each scenario is reported now is `signals.scenarios`' job; the rules that join the table
to the catalogue's hypotheses and indicators are `check_scenario_priors`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from pydantic import Field

from signals.likelihoods import imitation_room_problem
from signals.validation import KEBAB_CASE, Rationale, StrictModel

if TYPE_CHECKING:
    from signals.catalogue import Catalogue


class ScenarioPrior(StrictModel):
    """The prior over the hypotheses while the scenario `indicator` reports holds."""

    indicator: str = Field(pattern=KEBAB_CASE)
    priors: dict[str, float]
    rationale: Rationale


def check_scenario_priors(catalogue: Catalogue) -> None:
    """Each row names a context indicator once and gives every hypothesis, and only them, a
    prior between 0 and 1; the priors sum to 1 and leave the imitation room in its host, as
    the hypotheses' own priors must."""
    table = catalogue.scenario_priors
    if not table:
        return
    if not catalogue.hypotheses:
        raise ValueError("scenario_priors set the priors of declared hypotheses: declare them")
    repeated = sorted(i for i, n in Counter(row.indicator for row in table).items() if n > 1)
    if repeated:
        raise ValueError(f"scenario_priors name {', '.join(repeated)} more than once")
    ids = [h.id for h in catalogue.hypotheses]
    info = catalogue.catalogue
    for row in table:
        where = f"scenario_priors for '{row.indicator}'"
        indicator = catalogue.by_id.get(row.indicator)
        if indicator is None:
            raise ValueError(f"{where}: no indicator '{row.indicator}' in the catalogue")
        if indicator.kind.value != "context":
            raise ValueError(
                f"{where}: a scenario is reported by a context indicator, and"
                f" '{row.indicator}' is {indicator.kind.value}: its evidence is scored"
            )
        if sorted(row.priors) != sorted(ids):
            raise ValueError(f"{where}: give a prior for each hypothesis ({', '.join(ids)})")
        for hypothesis, value in row.priors.items():
            if not 0 < value < 1:
                raise ValueError(f"{where}: the prior of '{hypothesis}' must be between 0 and 1")
        total = sum(row.priors.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"{where}: the priors sum to {total:g}, not 1")
        headline = row.priors[str(info.headline)]
        if headline >= info.ceiling:
            raise ValueError(f"{where}: the ceiling must be above the headline's prior")
        host = str(info.imitated_by)
        problem = imitation_room_problem(host, row.priors[host], headline, info.ceiling)
        if problem is not None:
            raise ValueError(f"{where}: {problem}")
