"""The weekly report for the terminal, and as HTML or SVG pictures of the same."""

from __future__ import annotations

import io
import re

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from signals.render.console import DataConsole
from signals.render.hypotheses import confidence_text, hypotheses_text
from signals.render.terminal import checklist, headline_text, state_text
from signals.report import WeeklyReport, sparkline

PICTURE_WIDTH = 120


def _change_line(report: WeeklyReport) -> Text:
    text = Text("Against the week before: ")
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
        return Text("No events were observed or logged this week.", style="dim")
    table = Table(title="New events this week", title_justify="left", title_style="bold")
    table.add_column("id", justify="right")
    table.add_column("observed", no_wrap=True)
    table.add_column("indicator", no_wrap=True)
    table.add_column("grade")
    table.add_column("status")
    table.add_column("summary")
    for event in report.new_events:
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
    parts.extend(checklist(current, catalogue))
    parts.extend([_changed_table(report), _events_table(report), _watch(report), _trend(report)])
    return parts


def report_picture(report: WeeklyReport, kind: str) -> str:
    """The terminal report recorded and exported by rich as an HTML page or an SVG image."""
    console = DataConsole(
        record=True,
        width=PICTURE_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        file=io.StringIO(),
    )
    for part in report_view(report):
        console.print(part)
    title = f"signals — week {report.week.label}"
    if kind == "svg":
        # rich's image fetches its font from a public CDN whenever it is opened: a brief
        # must not tell a third party who reads it, and when. The local monospace serves.
        return _WEB_FONT.sub("", console.export_svg(title=title))
    return console.export_html(inline_styles=True)


_WEB_FONT = re.compile(r"@font-face\s*\{[^}]*\}\s*")
