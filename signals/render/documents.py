"""The JSON shapes of results: plain dicts, shared by `--json`, `report --format json` and exports.

Every document a command prints is built here, field by field from typed values, so that
a field renamed in a model is a type error here rather than a silent change to a public
shape. Nothing here is imported at start-up: the models are named for the type checker only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signals.alerts import Alert
    from signals.catalogue import Catalogue, Indicator, Kind
    from signals.checking import CheckOutcome
    from signals.confidence import Confidence
    from signals.events import Event, EventEdit, EventRevision
    from signals.importer import ImportReport
    from signals.maintenance import Findings
    from signals.matrix import Matrix
    from signals.notify import Delivery
    from signals.report import WeeklyReport
    from signals.rules import RuleFired
    from signals.scoring import IndicatorScore, ScoreResult

Document = dict[str, Any]


def json_text(document: Any) -> str:
    """A document as the text `--json` prints: indented, non-ASCII kept, one final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def rounded(value: float, places: int = 4) -> float:
    return round(value, places) + 0.0


def headline_document(result: ScoreResult) -> Document:
    from signals.hypotheses import tied_at_the_top

    headline = result.headline
    return {
        "progress": rounded(headline.progress, 1),
        "stage": headline.stage,
        "p_genuine": rounded(headline.p_genuine),
        "prior": rounded(headline.prior),
        "estimative": headline.estimative,
        "out_of_sequence": headline.out_of_sequence,
        "log_odds": {
            "prior": rounded(headline.prior_log_odds),
            "for_intent": rounded(headline.for_intent_log_odds),
            "intent_cap": rounded(headline.intent_cap),
            "intent_capped": headline.intent_capped,
            "against_intent": rounded(headline.against_intent_log_odds),
            "posterior": rounded(headline.posterior_log_odds),
        },
        "stages": [
            {
                "stage": row.stage,
                "indicators": row.indicators,
                "completion": rounded(row.completion),
                "reached": row.reached,
                "previously_reached": row.previously_reached,
                "credited": rounded(row.credited),
            }
            for row in headline.stages
        ],
        "hypotheses": {name: rounded(p) for name, p in headline.hypotheses.items()},
        "leading": tied_at_the_top(headline.hypotheses) if headline.hypotheses else [],
        "priors": {name: rounded(p) for name, p in headline.priors.items()},
        "scenarios": {s.indicator: rounded(s.weight) for s in headline.scenarios},
        **(confidence_document(result.confidence) if result.confidence else {}),
    }


def confidence_document(confidence: Confidence) -> Document:
    """The headline's range and confidence, with the reason for each reading."""
    return {
        "confidence": str(confidence.level),
        "range": [rounded(confidence.low), rounded(confidence.high)],
        "confidence_reasons": {
            name: {"level": str(reason.level), "why": reason.why}
            for name, reason in (
                ("robustness", confidence.robustness),
                ("basis", confidence.basis),
                ("consistency", confidence.consistency),
                ("exposure", confidence.exposure),
            )
        },
        "hangs_on": [
            {
                "event_id": change.event_id,
                "change": change.label,
                "p_genuine": rounded(change.p_headline),
            }
            for change in confidence.hangs_on
        ],
    }


def matrix_document(matrix: Matrix) -> Document:
    """`status --matrix --json`: the ACH matrix, the ranking and what the leader rests on."""
    return {
        "hypotheses": list(matrix.hypotheses),
        "rows": [
            {
                "indicator": row.indicator,
                "refuted": row.refuted,
                "strength": rounded(row.strength),
                "cells": {h: rounded(c) for h, c in zip(matrix.hypotheses, row.cells, strict=True)},
                "diagnosticity": rounded(row.diagnosticity),
            }
            for row in matrix.rows
        ],
        "ranked": [
            {
                "id": ranked.id,
                "posterior": rounded(ranked.posterior),
                "inconsistency": rounded(ranked.inconsistency),
                "tied_with_leader": ranked.tied_with_leader,
            }
            for ranked in matrix.ranked
        ],
        "most_against_leader": matrix.most_against_leader.indicator
        if matrix.most_against_leader
        else None,
        "assumptions": [
            {
                "hypothesis": a.hypothesis,
                "indicator": a.indicator,
                "posterior_if_seen": rounded(a.posterior_if_seen),
                "new_leader": a.new_leader,
                "leading_if_seen": list(a.leading_if_seen),
            }
            for a in matrix.assumptions
        ],
        "deception_checks": [{"check": name, "question": text} for name, text in matrix.prompts],
    }


def indicator_document(indicator: IndicatorScore, *, explain: bool = False) -> Document:
    document: Document = {
        "id": indicator.id,
        "kind": indicator.kind.value,
        "stage": indicator.stage,
        "state": indicator.state.value,
        "strength": rounded(indicator.strength),
        "contribution": rounded(indicator.contribution),
        "events": indicator.events,
        "last_observed": indicator.last_observed.isoformat() if indicator.last_observed else None,
    }
    if explain:
        document["support"] = rounded(indicator.support)
        document["against"] = rounded(indicator.against)
        document["fresh_support"] = rounded(indicator.fresh_support)
        document["likelihood_ratio"] = indicator.likelihood_ratio
        document["evidence"] = [
            {
                "event_id": item.event_id,
                "events": item.events,
                "grade": item.grade,
                "status": item.status,
                "observed_at": item.observed_at.isoformat(),
                "age_days": item.age_days,
                "base": rounded(item.base),
                "decay": rounded(item.decay),
                "strength": rounded(item.strength),
                "against": item.against,
            }
            for item in indicator.evidence
        ]
    return document


def score_document(result: ScoreResult, catalogue: Catalogue, *, explain: bool = False) -> Document:
    return {
        "as_of": result.as_of.isoformat(),
        "as_known": result.as_known,
        "catalogue": {"id": catalogue.catalogue.id, "version": catalogue.catalogue.version},
        "score": headline_document(result),
        "indicators": [
            {**indicator_document(i, explain=explain), **_rows(catalogue, i.id, explain)}
            for i in result.indicators
        ],
        **({"rules_fired": [_rule(rule) for rule in result.rules]} if explain else {}),
    }


def _rule(rule: RuleFired) -> Document:
    return {
        "rule": rule.rule,
        "indicator": rule.indicator,
        "events": list(rule.events),
        "text": rule.text,
        "rationale": rule.rationale,
    }


def _rows(catalogue: Catalogue, indicator_id: str, explain: bool) -> Document:
    """With --explain, a second-edition indicator's likelihoods by hypothesis."""
    indicator = catalogue.by_id.get(indicator_id)
    if not explain or indicator is None or indicator.likelihoods is None:
        return {}
    found: Document = {"likelihoods": dict(indicator.likelihoods)}
    if indicator.refuted_likelihoods is not None:
        found["refuted_likelihoods"] = dict(indicator.refuted_likelihoods)
    return found


def report_document(report: WeeklyReport) -> Document:
    """`report --json`: the status document plus previous, new_events, changed and trend."""
    document = score_document(report.current, report.catalogue)
    document["week"] = report.week.label
    document["previous"] = {
        "week": report.previous_week.label,
        "as_of": report.previous.as_of.isoformat(),
        **headline_document(report.previous),
    }
    document["change"] = {
        "progress": rounded(report.progress_change, 1),
        "p_genuine": rounded(report.p_change),
    }
    document["new_events"] = [event.public() for event in report.new_events]
    late = report.late
    document["late_reports"] = {
        "count": late.count,
        "first_observed": late.first_observed.isoformat() if late.first_observed else None,
        "last_observed": late.last_observed.isoformat() if late.last_observed else None,
        **({"events": [event.public() for event in late.events]} if late.events else {}),
    }
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
            "progress": rounded(point.progress, 1),
            "p_genuine": rounded(point.p_genuine),
            "hypotheses": {name: rounded(p) for name, p in point.hypotheses.items()},
        }
        for point in report.trend
    ]
    document["trend_moves"] = [
        {
            "week": move.week,
            "as_of": move.as_of.isoformat(),
            "indicator": move.indicator,
            "log_odds_change": rounded(move.log_odds_change),
            "p_genuine_change": rounded(move.p_change),
            "events": [event.id for event in move.events],
        }
        for move in report.moves
    ]
    document["tripwires_fired"] = [alert_document(alert) for alert in report.tripwires]
    document["checks"] = report.checks
    return document


# Events: the shape of one event is the model's own (`Event.public`), shared with exports.


def event_document(event: Event) -> Document:
    """`log`, `events edit` and `events retract --json`: the event as stored."""
    return event.public()


def events_document(events: Iterable[Event]) -> list[Document]:
    """`events list --json`."""
    return [event.public() for event in events]


def revision_document(revision: EventRevision) -> Document:
    return {
        "revision": revision.revision,
        "revised_at": revision.revised_at,
        "replaced_at": revision.replaced_at,
        "fields": dict(revision.fields),
    }


def event_detail_document(
    event: Event, revisions: Sequence[EventRevision], edits: Sequence[EventEdit] = ()
) -> Document:
    """`events show --json`: the event, its retraction, its earlier revisions and the
    corrections that replaced them (why, and by whom)."""
    document = event.public()
    retraction = event.retraction
    document["retraction"] = (
        {
            "reason": retraction.reason,
            "retracted_at": retraction.retracted_at,
            "analyst": retraction.analyst,
        }
        if retraction
        else None
    )
    document["revisions"] = [revision_document(revision) for revision in revisions]
    document["edits"] = [edit.model_dump() for edit in edits]
    return document


# The catalogue and the database.


def init_document(database: Path, events: int, catalogue: Catalogue) -> Document:
    """`init --json`."""
    return {
        "database": str(database),
        "events": events,
        "catalogue": {
            "id": catalogue.catalogue.id,
            "version": catalogue.catalogue.version,
            "indicators": len(catalogue.indicators),
        },
    }


def indicators_document(catalogue: Catalogue, kind: Kind | None = None) -> list[Document]:
    """`indicators --json`: each indicator as the catalogue file gives it, without empty fields."""
    return [
        indicator.model_dump(mode="json", exclude_none=True)
        for indicator in catalogue.indicators
        if kind is None or indicator.kind is kind
    ]


def indicator_detail_document(catalogue: Catalogue, indicator: Indicator) -> Document:
    """`indicators show --json`: the indicator as the catalogue gives it, with the name of
    its stage, the reading of an event logged without a variant, and what ends one."""
    document: Document = indicator.model_dump(mode="json", exclude_none=True)
    document["stage_name"] = catalogue.stage_name(indicator.stage) if indicator.stage else None
    document["default_reading"] = indicator.reading("")
    document["ending"] = indicator.ending()
    row = catalogue.scenario_row(indicator.id)
    if row is not None:
        document["scenario_priors"] = {"priors": row.priors, "rationale": row.rationale}
    return document


def catalogue_valid_document(file: Path, catalogue: Catalogue, counts: dict[str, int]) -> Document:
    """`catalogue validate --json` for a catalogue that loads."""
    return {
        "file": str(file),
        "valid": True,
        "id": catalogue.catalogue.id,
        "version": catalogue.catalogue.version,
        "indicators": counts,
        "tripwires": [t.id for t in catalogue.tripwires],
    }


def catalogue_invalid_document(file: Path, error: str, problems: Sequence[str]) -> Document:
    """`catalogue validate --json` for a catalogue that does not load."""
    return {"file": str(file), "valid": False, "error": error, "problems": list(problems)}


def findings_document(findings: Findings) -> Document:
    """`db check --json`."""
    return {
        "ok": not findings.problems,
        "problems": findings.problems,
        "facts": findings.facts,
        "catalogues": [
            {
                "id": used.id,
                "version": used.version,
                "first_used_at": used.first_used_at,
                "last_used_at": used.last_used_at,
            }
            for used in findings.catalogues
        ],
    }


def backup_document(path: Path, events: int, pages: int) -> Document:
    """`db backup --json`."""
    return {"backup": str(path), "events": events, "pages": pages}


def import_document(report: ImportReport) -> Document:
    """`import --json`, for a finished import and for one that stopped on invalid rows."""
    return {
        "rows": report.rows,
        "inserted": report.inserted,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "not_tracked": report.not_tracked,
        "retracted": report.retracted,
        "ignored_columns": list(report.ignored),
        "dry_run": report.dry_run,
        "written": report.written,
        "errors": [
            {
                "line": error.line,
                "column": error.column,
                "value": error.value,
                "reason": error.reason,
            }
            for error in report.errors
        ],
    }


def alert_document(alert: Alert) -> Document:
    """An alert: the tripwire that fired, at which check, and its acknowledgement."""
    return {
        "id": alert.id,
        "check": alert.check_id,
        "catalogue": alert.catalogue,
        "as_of": alert.as_of.isoformat(),
        "fired_at": alert.fired_at,
        "tripwire": alert.tripwire,
        "severity": alert.severity,
        "message": alert.message,
        "detail": alert.detail,
        "acknowledged": (
            {"at": alert.acknowledged_at, "analyst": alert.analyst, "note": alert.note}
            if alert.acknowledged_at is not None
            else None
        ),
    }


def check_document(
    outcome: CheckOutcome, catalogue: Catalogue, deliveries: Sequence[Delivery] = ()
) -> Document:
    """`check --json`, and the body of the webhook's POST: what fired, against what, and
    where it was sent (a channel by its host only: its address may hold a secret)."""
    previous = outcome.previous
    ids: list[int | None] = [a.id for a in outcome.alerts] or [None] * len(outcome.fired)
    state = outcome.state
    return {
        "catalogue": {"id": catalogue.catalogue.id, "version": catalogue.catalogue.version},
        "as_of": outcome.as_of.isoformat(),
        "as_known": outcome.as_known,
        "compared_with": (
            {
                "check": previous.id,
                "as_of": previous.as_of.isoformat(),
                "checked_at": previous.checked_at,
            }
            if previous is not None
            else None
        ),
        "recorded": outcome.recorded,
        "fired": [
            {
                "alert": alert_id,
                "tripwire": f.tripwire,
                "kind": f.kind,
                "severity": f.severity,
                "message": f.message,
                "detail": f.detail,
            }
            for alert_id, f in zip(ids, outcome.fired, strict=True)
        ],
        "state": {
            "hypotheses": {name: rounded(p) for name, p in state.hypotheses.items()},
            "leader": state.leader,
            "leading": state.leading,
            "stages_reached": [stage for stage, reached in state.stages.items() if reached],
        },
        "notifications": [
            {"channel": d.channel, "to": d.where, "sent": d.sent, "problem": d.problem}
            for d in deliveries
        ],
    }
