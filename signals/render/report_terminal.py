"""The weekly report for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from signals.events import Event
from signals.render.hypotheses import confidence_text, hypotheses_text
from signals.render.terminal import checklist, headline_text, state_text
from signals.report import WeeklyReport, sparkline


def _change_line(report: WeeklyReport) -> Text:
    previous_week = report.previous_week.label
    text = Text(f"Against the week before ({previous_week}, at {report.previous.as_of}): ")
    text.append(f"progress {report.progress_change:+.0f}", style="bold")
    text.append(", probability ")
    text.append(f"{100 * report.p_change:+.0f} pts", style="bold")
    previous = report.previous.headline
    text.append(
        f" (was {previous.progress:.0f}/100, {100 * previous.p_genuine:.0f}% — {previous.estimative})"
    )
    return text


def _changed_table(report: WeeklyReport) -> RenderableType:
    if not report.changed:
        return Text("No indicator changed state this week.", style="dim")
    table = Table(title="What changed this week", title_justify="left", title_style="bold")
    table.add_column("indicator", no_wrap=True)
    table.add_column("kind")
    table.add_column("from")
    table.add_column("to")
    for change in report.changed:
        table.add_row(
            change.id, change.kind.value, state_text(change.before), state_text(change.after)
        )
    return table


def _events_table(report: WeeklyReport) -> RenderableType:
    if not report.new_events:
        return Text("No events were observed this week.", style="dim")
    return _event_rows(report.new_events, "New events this week (observed in it)")


def _tripwires(report: WeeklyReport) -> RenderableType:
    from signals.render.alerts import acknowledgement

    if not report.tripwires:
        return Text(f"Tripwires: {report.tripwires_summary}", style="dim")
    table = Table(
        title=f"Tripwires fired this week: {report.tripwires_summary}",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("alert", justify="right", no_wrap=True)
    table.add_column("day", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("tripwire", no_wrap=True)
    table.add_column("what crossed")
    table.add_column("acknowledged")
    for alert in report.tripwires:
        table.add_row(
            f"#{alert.id}",
            alert.as_of.isoformat(),
            alert.severity,
            Text(alert.tripwire),
            Text(alert.detail),
            Text(acknowledgement(alert) or "not yet", style="" if alert.acknowledged else "bold"),
        )
    return table


def _late(report: WeeklyReport) -> list[RenderableType]:
    late = report.late
    if not late.count:
        return []
    if not late.events:
        return [Text(f"{late.summary} --late lists them.", style="dim")]
    return [_event_rows(late.events, late.summary.removesuffix("."))]


def _event_rows(events: Sequence[Event], title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("id", justify="right")
    table.add_column("observed", no_wrap=True)
    table.add_column("indicator", no_wrap=True)
    table.add_column("grade")
    table.add_column("status")
    table.add_column("summary")
    for event in events:
        table.add_row(
            str(event.id),
            event.observed_at.isoformat(),
            event.indicator,
            event.grade,
            event.status.value,
            Text(event.summary),
        )
    return table


def _watch(report: WeeklyReport) -> RenderableType:
    if not report.watch_next:
        return Text("Watch next: every stage is complete.", style="bold")
    table = Table(
        title=f"Watch next — stage {report.watch_stage}: {report.catalogue.stage_name(report.watch_stage or 0)}",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("indicator", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("what would count as evidence")
    for item in report.watch_next:
        table.add_row(item.indicator.id, state_text(item.state), item.indicator.evidence)
    return table


def _trend(report: WeeklyReport) -> RenderableType:
    table = Table(
        title=f"Trend, last {len(report.trend)} weeks", title_justify="left", title_style="bold"
    )
    table.add_column("")
    table.add_column("sparkline")
    table.add_column("from", justify="right")
    table.add_column("to", justify="right")
    first, last = report.trend[0], report.trend[-1]
    table.add_row(
        "progress",
        sparkline([p.progress for p in report.trend], 0, 100),
        f"{first.progress:.0f}",
        f"{last.progress:.0f}",
    )
    table.add_row(
        "P(genuine)",
        sparkline([p.p_genuine for p in report.trend]),
        f"{100 * first.p_genuine:.0f}%",
        f"{100 * last.p_genuine:.0f}%",
    )
    if report.catalogue.edition == 2:
        for hypothesis in report.catalogue.hypotheses:
            if hypothesis.id == report.catalogue.catalogue.headline:
                continue
            values = [p.hypotheses[hypothesis.id] for p in report.trend]
            table.add_row(
                f"P({hypothesis.id})",
                sparkline(values),
                f"{100 * values[0]:.0f}%",
                f"{100 * values[-1]:.0f}%",
            )
    table.caption = f"{first.week} → {last.week}"
    return table


def report_view(report: WeeklyReport) -> list[RenderableType]:
    catalogue = report.catalogue
    current = report.current
    heading = Text(
        f"{catalogue.catalogue.title} — week {report.week.label}, as of {current.as_of.isoformat()}",
        style="bold",
    )
    if current.as_known:
        heading.append(" (as known then)", style="italic")
    parts: list[RenderableType] = [heading, headline_text(current, catalogue)]
    if current.confidence is not None:
        parts.append(confidence_text(current, current.confidence))
    if catalogue.edition == 2:
        parts.append(hypotheses_text(current))
    parts += [_change_line(report), Text("")]
    if catalogue.tripwires:
        parts += [_tripwires(report), Text("")]
    parts.extend(checklist(current, catalogue))
    parts.extend([_changed_table(report), _events_table(report), *_late(report)])
    parts.extend([_watch(report), _trend(report)])
    return parts
