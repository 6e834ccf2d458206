"""The JSON shapes of results: plain dicts, shared by `--json`, `report --format json` and exports."""

from __future__ import annotations

from typing import Any

from signals.catalogue import Catalogue
from signals.report import WeeklyReport
from signals.scoring import IndicatorScore, ScoreResult


def _round(value: float, places: int = 4) -> float:
    return round(value, places) + 0.0


def headline_document(result: ScoreResult) -> dict[str, Any]:
    headline = result.headline
    return {
        "progress": _round(headline.progress, 1),
        "stage": headline.stage,
        "p_genuine": _round(headline.p_genuine),
        "prior": _round(headline.prior),
        "estimative": headline.estimative,
        "out_of_sequence": headline.out_of_sequence,
        "log_odds": {
            "prior": _round(headline.prior_log_odds),
            "for_intent": _round(headline.for_intent_log_odds),
            "intent_cap": _round(headline.intent_cap),
            "intent_capped": headline.intent_capped,
            "against_intent": _round(headline.against_intent_log_odds),
            "posterior": _round(headline.posterior_log_odds),
        },
        "stages": [
            {
                "stage": row.stage,
                "indicators": row.indicators,
                "completion": _round(row.completion),
                "reached": row.reached,
                "credited": _round(row.credited),
            }
            for row in headline.stages
        ],
    }


def indicator_document(indicator: IndicatorScore, *, explain: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": indicator.id,
        "kind": indicator.kind.value,
        "stage": indicator.stage,
        "state": indicator.state.value,
        "strength": _round(indicator.strength),
        "contribution": _round(indicator.contribution),
        "events": indicator.events,
        "last_observed": indicator.last_observed.isoformat() if indicator.last_observed else None,
    }
    if explain:
        document["support"] = _round(indicator.support)
        document["against"] = _round(indicator.against)
        document["fresh_support"] = _round(indicator.fresh_support)
        document["likelihood_ratio"] = indicator.likelihood_ratio
        document["evidence"] = [
            {
                "event_id": item.event_id,
                "events": item.events,
                "grade": item.grade,
                "status": item.status,
                "observed_at": item.observed_at.isoformat(),
                "age_days": item.age_days,
                "base": _round(item.base),
                "decay": _round(item.decay),
                "strength": _round(item.strength),
                "against": item.against,
            }
            for item in indicator.evidence
        ]
    return document


def score_document(
    result: ScoreResult, catalogue: Catalogue, *, explain: bool = False
) -> dict[str, Any]:
    return {
        "as_of": result.as_of.isoformat(),
        "as_known": result.as_known,
        "catalogue": {"id": catalogue.catalogue.id, "version": catalogue.catalogue.version},
        "score": headline_document(result),
        "indicators": [indicator_document(i, explain=explain) for i in result.indicators],
    }


def report_document(report: WeeklyReport) -> dict[str, Any]:
    """`report --json`: the status document plus previous, new_events, changed and trend."""
    document = score_document(report.current, report.catalogue)
    document["week"] = report.week.label
    document["previous"] = {
        "as_of": report.previous.as_of.isoformat(),
        **headline_document(report.previous),
    }
    document["change"] = {
        "progress": _round(report.progress_change, 1),
        "p_genuine": _round(report.p_change),
    }
    document["new_events"] = [event.public() for event in report.new_events]
    document["changed"] = [
        {"id": c.id, "kind": c.kind.value, "from": c.before.value, "to": c.after.value}
        for c in report.changed
    ]
    document["counter_indicators"] = [indicator_document(i) for i in report.counters_seen]
    document["watch_next"] = {
        "stage": report.watch_stage,
        "indicators": [
            {
                "id": w.indicator.id,
                "title": w.indicator.title,
                "state": w.state.value,
                "evidence": w.indicator.evidence,
            }
            for w in report.watch_next
        ],
    }
    document["trend"] = [
        {
            "week": point.week,
            "as_of": point.as_of.isoformat(),
            "progress": _round(point.progress, 1),
            "p_genuine": _round(point.p_genuine),
        }
        for point in report.trend
    ]
    return document
