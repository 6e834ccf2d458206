"""The JSON documents of the record to learn from: the forecasts kept, their score against
what came true, and the indicator review (see `signals.render.documents` for the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from signals.render.documents import Document, rounded

if TYPE_CHECKING:
    from signals.calibration import RecordScore, Summary
    from signals.forecasts import Forecast, Resolution
    from signals.review import Review


def forecast_document(forecast: Forecast) -> Document:
    return {
        "catalogue": {"id": forecast.catalogue_id, "version": forecast.catalogue_version},
        "as_of": forecast.as_of.isoformat(),
        "headline": forecast.headline,
        "p_headline": rounded(forecast.p_headline),
        "range": [rounded(forecast.low), rounded(forecast.high)],
        "confidence": forecast.confidence,
        "hypotheses": {name: rounded(p) for name, p in forecast.hypotheses.items()},
        "priors": {name: rounded(p) for name, p in forecast.priors.items()},
        "issued_at": forecast.issued_at,
        "issued_by": forecast.issued_by,
    }


def record_document(
    forecasts: Sequence[Forecast], resolutions: Sequence[Resolution], superseded: set[int]
) -> Document:
    """`forecasts list --json`; a resolution corrected by a later one is `superseded`."""
    return {
        "forecasts": [forecast_document(f) for f in forecasts],
        "resolutions": [
            {
                "id": r.id,
                "catalogue": r.catalogue_id,
                "hypothesis": r.hypothesis,
                "holds_from": r.holds_from.isoformat(),
                "note": r.note,
                "analyst": r.analyst,
                "recorded_at": r.recorded_at,
                "superseded": r.id in superseded,
            }
            for r in resolutions
        ],
    }


def _optional(value: float | None) -> float | None:
    return None if value is None else rounded(value)


def _summary_document(summary: Summary) -> Document:
    return {
        "weekly_forecasts": summary.forecasts,
        "resolved": summary.resolved,
        "brier": _optional(summary.brier),
        "brier_headline": _optional(summary.brier_headline),
        "brier_priors": _optional(summary.brier_prior),
    }


def record_score_document(score: RecordScore) -> Document:
    """`forecasts score --json`."""
    return {
        **_summary_document(score.overall),
        "catalogues": {s.catalogue_id: _summary_document(s) for s in score.catalogues},
        "calibration": [
            {
                "bin": [rounded(b.low, 2), rounded(b.high, 2)],
                "count": b.count,
                "mean_stated": _optional(b.mean_stated),
                "observed": _optional(b.observed),
            }
            for b in score.calibration
        ],
    }


def review_document(review: Review) -> Document:
    """`indicators review --json`."""
    return {
        "headline": review.headline,
        "weeks": [review.weeks[0], review.weeks[-1]] if review.weeks else [],
        "days": review.days,
        "indicators": [
            {
                "id": i.id,
                "kind": i.kind.value,
                "stage": i.stage,
                "events": i.events,
                "weeks_fired": i.weeks_fired,
                "weeks_counted": i.weeks_counted,
                "p_change": {"mean": rounded(i.mean_p_change), "max": rounded(i.max_p_change)},
                "log_odds": {"mean": rounded(i.mean_log_odds), "max": rounded(i.max_log_odds)},
                "discriminates": i.discriminates,
                "usual_rate": i.usual,
                "rate_window_days": i.window_days,
                "observed_rate": _optional(i.observed_rate),
                "flags": [{"flag": f.name, "why": f.why} for f in i.flags],
            }
            for i in review.indicators
        ],
    }
