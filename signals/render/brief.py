"""The weekly report as an HTML brief: a document to read, print or save as PDF.

Jinja2 renders it with autoescaping on, so every catalogue title, event summary and
source is text, never markup, without an escape to remember at each of them; the page is
self-contained (inline CSS, the trend chart as inline SVG, no script, nothing fetched).
Jinja2 is imported only here, when a brief is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from signals.catalogue import Kind
from signals.confidence import headline_words
from signals.events import Event
from signals.hypotheses import ranked, tie_sentence
from signals.render.alerts import acknowledgement
from signals.render.chart import move_label, trend_chart
from signals.report import WeeklyReport
from signals.scenarios import scenario_note
from signals.scoring import IndicatorScore

TEMPLATES = Path(__file__).parent / "templates"


def _percent(p: float) -> str:
    return f"{100 * p:.0f}%"


def _source_link(event: Event) -> str | None:
    """An event's URL, when it is one a reader can follow: only http(s), so that a
    `javascript:` or `data:` URL from an imported feed never becomes a link."""
    url = event.url or ""
    return url if url.lower().startswith(("http://", "https://")) else None


def _indicator_row(row: IndicatorScore) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "state": row.state.value,
        "strength": f"{row.strength:.2f}" if row.events else "",
        "contribution": f"{row.contribution:+.2f}" if row.contribution else "",
        "events": row.events or "",
        "last_seen": row.last_observed.isoformat() if row.last_observed else "",
    }


def _event_row(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "observed": event.observed_at.isoformat(),
        "indicator": event.indicator,
        "grade": event.grade,
        "status": event.status.value,
        "summary": event.summary,
        "source": event.source or (event.url if _source_link(event) else "") or "",
        "link": _source_link(event),
    }


def brief_context(report: WeeklyReport) -> dict[str, Any]:
    """What the template shows, formatted: the template only lays it out."""
    catalogue = report.catalogue
    current = report.current
    headline = current.headline
    previous = report.previous.headline
    if current.confidence is not None:
        words = headline_words(headline.p_genuine, current.confidence)
    else:
        words = f"P(genuine) {_percent(headline.p_genuine)}, {headline.estimative}"
    confidence = current.confidence
    reasons = (
        [
            (name, reason.level, reason.why)
            for name, reason in (
                ("Robustness", confidence.robustness),
                ("Basis", confidence.basis),
                ("Consistency", confidence.consistency),
                ("Exposure", confidence.exposure),
            )
        ]
        if confidence is not None
        else []
    )
    hangs_on = (
        [(c.label, f"{100 * c.p_headline:.1f}%") for c in confidence.hangs_on]
        if confidence is not None
        else []
    )
    hypotheses = []
    tie = None
    if catalogue.edition == 2:
        shown = headline.hypotheses
        tie = tie_sentence(shown)
        order = ranked(shown)
        hypotheses = [
            {
                "id": h.id,
                "title": h.title,
                "now": _percent(shown[h.id]),
                "before": _percent(previous.hypotheses[h.id]),
                "prior": _percent(headline.priors.get(h.id, h.prior)),
                "headline": h.id == catalogue.catalogue.headline,
            }
            for h in sorted(catalogue.hypotheses, key=lambda h: order.index(h.id))
        ]
    others = [h.id for h in catalogue.hypotheses if h.id != catalogue.catalogue.headline]
    stages = [
        {
            "number": stage.stage,
            "name": catalogue.stage_name(stage.stage),
            "completion": _percent(stage.completion),
            "rows": [
                _indicator_row(i)
                for i in current.indicators
                if i.kind is Kind.INTENT and i.stage == stage.stage
            ],
        }
        for stage in headline.stages
    ]
    return {
        "title": f"{catalogue.catalogue.title} — week {report.week.label}",
        "catalogue": catalogue.catalogue.title,
        "catalogue_id": f"{catalogue.catalogue.id} v{catalogue.catalogue.version}",
        "week": report.week.label,
        "as_of": current.as_of.isoformat(),
        "as_known": current.as_known,
        "words": words,
        "progress": f"{headline.progress:.0f}",
        "stage": headline.stage,
        "stages_total": len(catalogue.stages()),
        "prior": _percent(headline.prior),
        "scenario_note": scenario_note(headline.priors, headline.scenarios),
        "previous_week": report.previous_week.label,
        "previous_as_of": report.previous.as_of.isoformat(),
        "progress_change": f"{report.progress_change:+.0f}",
        "p_change": f"{100 * report.p_change:+.0f} pts",
        "previous_progress": f"{previous.progress:.0f}",
        "previous_p": _percent(previous.p_genuine),
        "previous_words": previous.estimative,
        "out_of_sequence": headline.out_of_sequence,
        "capped": headline.intent_capped,
        "ceiling": _percent(catalogue.catalogue.ceiling),
        "confidence_level": confidence.level if confidence is not None else None,
        "reasons": reasons,
        "hangs_on": hangs_on,
        "hypotheses": hypotheses,
        "tie": f"{tie[0].upper()}{tie[1:]}" if tie else None,
        "others": others,
        "stages": stages,
        "counters": [_indicator_row(i) for i in report.counters_seen],
        "changed": [
            {
                "id": c.id,
                "title": c.title,
                "kind": c.kind.value,
                "before": c.before.value,
                "after": c.after.value,
            }
            for c in report.changed
        ],
        "new_events": [_event_row(e) for e in report.new_events],
        "late_summary": report.late.summary if report.late.count else None,
        "has_tripwires": bool(catalogue.tripwires),
        "tripwires_summary": report.tripwires_summary,
        "tripwires": [
            {
                "id": a.id,
                "day": a.as_of.isoformat(),
                "severity": a.severity,
                "tripwire": a.tripwire,
                "message": a.message,
                "detail": a.detail,
                "acknowledged": acknowledgement(a),
            }
            for a in report.tripwires
        ],
        "late_events": [_event_row(e) for e in report.late.events],
        "watch_stage": report.watch_stage,
        "watch_stage_name": catalogue.stage_name(report.watch_stage or 0)
        if report.watch_stage
        else "",
        "watch": [
            {
                "id": w.indicator.id,
                "title": w.indicator.title,
                "state": w.state.value,
                "evidence": w.indicator.evidence,
            }
            for w in report.watch_next
        ],
        "weeks": len(report.trend),
        "trend": [
            {
                "week": p.week,
                "as_of": p.as_of.isoformat(),
                "progress": f"{p.progress:.0f}",
                "p": _percent(p.p_genuine),
                "others": [_percent(p.hypotheses[h]) for h in others] if p.hypotheses else [],
            }
            for p in report.trend
        ],
        "moves": [move_label(n, m).split(". ", 1)[1] for n, m in enumerate(report.moves, 1)],
    }


def brief_html(report: WeeklyReport) -> str:
    """The brief as one self-contained HTML page."""
    import jinja2
    from markupsafe import Markup

    from signals.text import printable

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every text from a catalogue or a database is shown, never acted on: a control
        # character or a line separator appears as its escape (signals.text).
        finalize=lambda value: (
            printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value
        ),
    )
    template = environment.get_template("brief.html.j2")
    # The chart escapes its own texts (see signals.render.chart); it is markup by design.
    chart = Markup(trend_chart(report, key=False, standalone=False))
    return template.render(**brief_context(report), chart=chart)
