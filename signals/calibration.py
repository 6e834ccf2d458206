"""How good the record's forecasts were: Brier scores and a calibration table, pure.

A forecast is scored against the resolution in force on its as-of date (see
`signals.forecasts.in_force`). Each ISO week counts once per catalogue, by the last
forecast of the week: a report run every day of a week must not weigh seven times as
much as one run on Friday.

- The Brier score over all hypotheses is sum over H of (p_H - o_H)^2, o_H being 1 for the
  hypothesis that held and 0 for the others: 0 for a certain and right forecast, 2 for a
  certain and wrong one. A hypothesis the forecast did not name counts as stated at 0.
- The binary Brier score of the headline is (p - o)^2 with o = 1 when the headline
  hypothesis held: from 0 to 1.
- The same score of the catalogue's priors, forecast after forecast, is the reference:
  evidence that helped scores below it.
- The calibration table puts every stated probability (each hypothesis of each forecast)
  in a bin of its value and sets the mean stated beside how often those hypotheses held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from signals.forecasts import Forecast, Resolution, in_force

BINS = 10


def brier(stated: Mapping[str, float], held: str) -> float:
    """The Brier score of one forecast over all hypotheses, in [0, 2]."""
    categories = set(stated) | {held}
    return sum((stated.get(h, 0.0) - (1.0 if h == held else 0.0)) ** 2 for h in categories)


def binary_brier(probability: float, happened: bool) -> float:
    """The Brier score of one probability of one outcome, in [0, 1]."""
    return (probability - (1.0 if happened else 0.0)) ** 2


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    # None for an empty bin.
    mean_stated: float | None
    observed: float | None


def calibration(
    pairs: Iterable[tuple[float, bool]], bins: int = BINS
) -> tuple[CalibrationBin, ...]:
    """Stated probabilities and whether each came true, in `bins` equal bins of [0, 1]
    (the last one closed): per bin, how many, their mean, and the share that came true."""
    counts = [0] * bins
    stated = [0.0] * bins
    happened = [0] * bins
    for probability, came_true in pairs:
        index = min(int(probability * bins), bins - 1)
        counts[index] += 1
        stated[index] += probability
        happened[index] += came_true
    return tuple(
        CalibrationBin(
            low=k / bins,
            high=(k + 1) / bins,
            count=counts[k],
            mean_stated=stated[k] / counts[k] if counts[k] else None,
            observed=happened[k] / counts[k] if counts[k] else None,
        )
        for k in range(bins)
    )


@dataclass(frozen=True)
class Outcome:
    """One weekly forecast set beside what held on its as-of date."""

    forecast: Forecast
    held: str
    brier: float
    brier_headline: float
    brier_prior: float


@dataclass(frozen=True)
class Summary:
    """The scores of a set of forecasts: means over the resolved ones (None if none)."""

    catalogue_id: str | None
    forecasts: int
    resolved: int
    brier: float | None
    brier_headline: float | None
    brier_prior: float | None


@dataclass(frozen=True)
class RecordScore:
    overall: Summary
    catalogues: tuple[Summary, ...]
    outcomes: tuple[Outcome, ...]
    calibration: tuple[CalibrationBin, ...]


def weekly(forecasts: Iterable[Forecast]) -> list[Forecast]:
    """Of each catalogue's forecasts, the last of every ISO week (of two on one day, the
    later catalogue version's), oldest first."""
    latest: dict[tuple[str, tuple[int, int]], Forecast] = {}
    for forecast in forecasts:
        year, week, _ = forecast.as_of.isocalendar()
        key = (forecast.catalogue_id, (year, week))
        found = latest.get(key)
        if found is None or (forecast.as_of, forecast.catalogue_version) > (
            found.as_of,
            found.catalogue_version,
        ):
            latest[key] = forecast
    return sorted(latest.values(), key=lambda f: (f.as_of, f.catalogue_id))


def outcome(forecast: Forecast, held: str) -> Outcome:
    return Outcome(
        forecast=forecast,
        held=held,
        brier=brier(forecast.hypotheses, held),
        brier_headline=binary_brier(forecast.p_headline, held == forecast.headline),
        brier_prior=brier(forecast.priors, held),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _summary(catalogue_id: str | None, forecasts: int, outcomes: Sequence[Outcome]) -> Summary:
    return Summary(
        catalogue_id=catalogue_id,
        forecasts=forecasts,
        resolved=len(outcomes),
        brier=_mean([o.brier for o in outcomes]),
        brier_headline=_mean([o.brier_headline for o in outcomes]),
        brier_prior=_mean([o.brier_prior for o in outcomes]),
    )


def score_record(
    forecasts: Iterable[Forecast], resolutions: Sequence[Resolution], bins: int = BINS
) -> RecordScore:
    """Score the weekly forecasts that a resolution of their catalogue covers."""
    by_catalogue: dict[str, list[Resolution]] = {}
    for resolution in resolutions:
        by_catalogue.setdefault(resolution.catalogue_id, []).append(resolution)
    chosen = weekly(forecasts)
    outcomes: list[Outcome] = []
    for forecast in chosen:
        held = in_force(by_catalogue.get(forecast.catalogue_id, []), forecast.as_of)
        if held is not None:
            outcomes.append(outcome(forecast, held.hypothesis))
    catalogue_ids = sorted({f.catalogue_id for f in chosen})
    summaries = tuple(
        _summary(
            catalogue_id,
            sum(1 for f in chosen if f.catalogue_id == catalogue_id),
            [o for o in outcomes if o.forecast.catalogue_id == catalogue_id],
        )
        for catalogue_id in catalogue_ids
    )
    pairs = [
        (probability, hypothesis == o.held)
        for o in outcomes
        for hypothesis, probability in o.forecast.hypotheses.items()
    ]
    return RecordScore(
        overall=_summary(None, len(chosen), outcomes),
        catalogues=summaries,
        outcomes=tuple(outcomes),
        calibration=calibration(pairs, bins),
    )
