"""The weekly report as Markdown, to paste into a brief."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from signals.catalogue import Kind
from signals.confidence import headline_words
from signals.events import Event
from signals.hypotheses import ranked, tie_sentence
from signals.render.chart import move_label
from signals.report import WeeklyReport, sparkline
from signals.scenarios import scenario_note
from signals.scoring import IndicatorScore
from signals.text import one_line


def _cell(text: str) -> str:
    # On one line, whatever it holds: a carriage return or line separator would start a
    # new Markdown block (a heading) in the viewer.
    return one_line(text).replace("|", "\\|")


# What an event's text may hold that Markdown would take as markup or raw HTML: a summary
# from a news feed must read as written, and never run as a tag in the brief's viewer.
_MARKUP = str.maketrans({char: f"\\{char}" for char in "\\`*_[]<>~&"})


def _text(text: str) -> str:
    """An event's own text in a table cell, shown as written."""
    return _cell(text.translate(_MARKUP))


def _code(identifier: str) -> str:
    """An id in a code span; one read from a database may hold anything, and is then
    shown as text."""
    return f"`{identifier}`" if _IDENTIFIER.fullmatch(identifier) else _text(identifier)


_IDENTIFIER = re.compile(r"[A-Za-z0-9._-]+")


def _link(url: str) -> str:
    # Percent-encode what would end the link or open a tag; a URL means the same with them.
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _signed(value: float, unit: str = "", places: int = 0) -> str:
    return f"{value:+.{places}f}{unit}"


def _indicator_rows(rows: list[IndicatorScore]) -> list[str]:
    lines = [
        "| State | Indicator | Title | Strength | Log-odds | Events | Last seen |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.state.value} | {_code(row.id)} | {_text(row.title)} |"
            f" {f'{row.strength:.2f}' if row.events else ''} |"
            f" {f'{row.contribution:+.2f}' if row.contribution else ''} |"
            f" {row.events or ''} | {row.last_observed or ''} |"
        )
    return lines


def _event_rows(events: Sequence[Event]) -> list[str]:
    lines = [
        "| # | Observed | Indicator | Grade | Status | Summary | Source |",
        "|---:|---|---|---|---|---|---|",
    ]
    for event in events:
        source = (
            f"[{_text(event.source or event.url or 'link')}]({_link(event.url)})"
            if event.url
            else _text(event.source or "")
        )
        lines.append(
            f"| {event.id} | {event.observed_at} | {_code(event.indicator)} | {event.grade} |"
            f" {event.status.value} | {_text(event.summary)} | {source} |"
        )
    return lines


def _tripwire_rows(report: WeeklyReport) -> list[str]:
    from signals.render.alerts import acknowledgement

    # The summary is signals' own words, never the catalogue's or the record's.
    if not report.tripwires:
        return [report.tripwires_summary]
    return [
        report.tripwires_summary,
        "",
        "| Alert | Day | Severity | Tripwire | What crossed | Acknowledged |",
        "|---:|---|---|---|---|---|",
        *(
            f"| #{a.id} | {a.as_of.isoformat()} | {_text(a.severity)} | {_code(a.tripwire)} |"
            f" {_text(a.message)} {_text(a.detail)} | {_text(acknowledgement(a) or 'not yet')} |"
            for a in report.tripwires
        ),
    ]


def report_markdown(report: WeeklyReport, *, chart: str | None = None) -> str:
    """The report as Markdown; `chart` names the trend chart's SVG file beside it, to link."""
    catalogue = report.catalogue
    current = report.current
    headline = current.headline
    lines: list[str] = [
        f"# {_text(catalogue.catalogue.title)} — week {report.week.label}",
        "",
        f"As of {current.as_of.isoformat()}{' (as known then)' if current.as_known else ''}.",
        "",
        f"**Progress {headline.progress:.0f}/100** ({_signed(report.progress_change)} on the week before),"
        f" stage {headline.stage} of {len(catalogue.stages())}."
        f" The week before is {report.previous_week.label}, scored at {report.previous.as_of}.",
        (
            f"**{headline_words(headline.p_genuine, current.confidence)}**"
            if current.confidence is not None
            else f"**Probability of genuine intent {100 * headline.p_genuine:.0f}%"
            f" — {headline.estimative}**"
        )
        + f" ({_signed(100 * report.p_change, ' pts')} on the week before;"
        f" prior {100 * headline.prior:.0f}%).",
    ]
    if current.confidence is not None:
        lines += ["", f"Confidence {current.confidence.level}, the lowest of:", ""]
        lines += [
            f"- {name}: {reason.level} — {_text(reason.why)}"
            for name, reason in (
                ("Robustness", current.confidence.robustness),
                ("Basis", current.confidence.basis),
                ("Consistency", current.confidence.consistency),
                ("Exposure", current.confidence.exposure),
            )
        ]
        if current.confidence.hangs_on:
            lines.append(
                "- It hangs on: "
                + "; ".join(
                    f"{_text(c.label)} → {100 * c.p_headline:.1f}%"
                    for c in current.confidence.hangs_on
                )
            )
    if catalogue.edition == 2:
        shown = headline.hypotheses
        order = ranked(shown)
        previous = report.previous.headline.hypotheses
        lines += [
            "",
            "## Hypotheses",
            "",
            "| Hypothesis | Posterior | The week before | Prior |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| **{_text(h.id)}** — {_text(h.title)} | {100 * shown[h.id]:.0f}% |"
            f" {100 * previous[h.id]:.0f}% | {100 * headline.priors.get(h.id, h.prior):.0f}% |"
            for h in sorted(catalogue.hypotheses, key=lambda h: order.index(h.id))
        ]
        tie = tie_sentence(shown)
        if tie is not None:
            lines += ["", _text(f"{tie[0].upper()}{tie[1:]}")]
        note = scenario_note(headline.priors, headline.scenarios)
        if note is not None:
            lines += ["", _text(note)]
    if headline.out_of_sequence:
        lines += ["", "> ⚠ **Out of sequence:** a later stage appeared before the earlier ones."]
    if headline.intent_capped:
        lines += [
            "",
            f"> Intent evidence reached the ceiling of {100 * catalogue.catalogue.ceiling:.0f}%.",
        ]
    if catalogue.tripwires:
        lines += ["", "## Tripwires fired this week", "", *_tripwire_rows(report)]
    lines += ["", "## Stage checklist"]
    for stage in headline.stages:
        rows = [i for i in current.indicators if i.kind is Kind.INTENT and i.stage == stage.stage]
        lines += ["", f"### Stage {stage.stage} — {_text(catalogue.stage_name(stage.stage))}", ""]
        lines += _indicator_rows(rows)
    lines += ["", "## Counter-indicators seen", ""]
    lines += _indicator_rows(list(report.counters_seen)) if report.counters_seen else ["None."]
    lines += ["", "## What changed this week", ""]
    if report.changed:
        lines += ["| Indicator | Kind | From | To |", "|---|---|---|---|"]
        lines += [
            f"| {_code(c.id)} | {c.kind.value} | {c.before.value} | {c.after.value} |"
            for c in report.changed
        ]
    else:
        lines.append("No indicator changed state.")
    lines += ["", "## New events this week", ""]
    if report.new_events:
        lines += _event_rows(report.new_events)
    else:
        lines.append("No events were observed this week.")
    if report.late.count:
        lines += ["", report.late.summary]
        if report.late.events:
            lines += ["", *_event_rows(report.late.events)]
    lines += ["", "## Watch next", ""]
    if report.watch_next:
        lines.append(
            f"Stage {report.watch_stage} — {_text(catalogue.stage_name(report.watch_stage or 0))}:"
        )
        lines.append("")
        lines += [
            f"- **{_code(w.indicator.id)}** ({w.state.value}): {_text(w.indicator.evidence)}"
            for w in report.watch_next
        ]
    else:
        lines.append("Every stage is complete.")
    lines += ["", f"## Trend, last {len(report.trend)} weeks", ""]
    if chart is not None:
        lines += [
            f"![P(genuine) and progress, {report.trend[0].week} to {report.trend[-1].week}]"
            f"({_link(chart)})",
            "",
        ]
        lines += [
            f"{n}. {_text(move_label(n, move).split('. ', 1)[1])}"
            for n, move in enumerate(report.moves, 1)
        ]
        lines += [""] if report.moves else []
    lines += [
        f"Progress `{sparkline([p.progress for p in report.trend], 0, 100)}`"
        f" · probability `{sparkline([p.p_genuine for p in report.trend])}`",
        "",
    ]
    others = [h.id for h in catalogue.hypotheses if h.id != catalogue.catalogue.headline]
    lines += [
        "| Week | Progress | P(genuine) |" + "".join(f" P({_text(h)}) |" for h in others),
        "|---|---:|---:|" + "---:|" * len(others),
    ]
    lines += [
        f"| {p.week} | {p.progress:.0f} | {100 * p.p_genuine:.0f}% |"
        + "".join(f" {100 * p.hypotheses[h]:.0f}% |" for h in others)
        for p in report.trend
    ]
    return "\n".join(lines) + "\n"
