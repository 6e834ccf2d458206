"""`signals status` and `signals report`: the scores now, and the weekly report in every format."""

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from signals.cli.context import parse_week, session
from signals.cli.options import (
    AsKnownOption,
    AsOfOption,
    FormatOption,
    JsonOption,
    OutputOption,
    PriorOption,
    format_for,
    output_file,
)
from signals.cli.output import message, print_json

if TYPE_CHECKING:
    from signals.catalogue import Catalogue
    from signals.report import WeeklyReport
    from signals.scoring import ScoreResult
    from signals.store import Store

# `signals status` and `signals report`, both at the top level.
commands = typer.Typer()

ReportFormat = Literal["table", "markdown", "json", "html", "svg", "chart"]
TREND_WEEKS = 12  # as signals.report.TREND_WEEKS, which is not imported at start-up


@commands.command("status")
def status(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    as_known: AsKnownOption = False,
    prior: PriorOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how every figure was computed.")
    ] = False,
    matrix: Annotated[
        bool,
        typer.Option(
            "--matrix",
            help="Show the ACH matrix: the evidence against every hypothesis, ranked.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show how far the signals have progressed: checklist, progress and probability, with
    its range and confidence and the competing hypotheses."""
    from signals.assess import assess
    from signals.render.documents import score_document

    current = session(ctx)
    catalogue = current.catalogue()
    day = as_of or dt.date.today()
    result = assess(current.store(), catalogue, day, as_known=as_known, prior=prior)
    table = None
    if matrix:
        from signals.hypotheses import space_of
        from signals.matrix import build_matrix

        headline = result.headline
        table = build_matrix(space_of(catalogue, headline.priors, headline.prior), result)
    if as_json:
        document = score_document(result, catalogue, explain=explain)
        if table is not None:
            from signals.render.documents import matrix_document

            document["matrix"] = matrix_document(table)
        print_json(document)
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import status_view

    console = stdout_console()
    for part in status_view(result, catalogue, explain=explain, matrix=table):
        console.print(part)


# What each extension of --output names when --format is not given.
FORMAT_BY_SUFFIX: dict[str, "ReportFormat"] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".svg": "svg",
    ".txt": "table",
}


@commands.command("report")
def report(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    week: Annotated[
        dt.date | None,
        typer.Option(
            "--week",
            parser=parse_week,
            metavar="YYYY-Www",
            help="Report this ISO week, scored at its end.",
        ),
    ] = None,
    as_known: AsKnownOption = False,
    prior: PriorOption = None,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", min=2, max=520, help="How many weeks the trend and its chart cover."
        ),
    ] = TREND_WEEKS,
    late: Annotated[
        bool,
        typer.Option(
            "--late",
            help="List the late reports (logged this week, observed before it) instead of"
            " only counting them.",
        ),
    ] = False,
    format: FormatOption[ReportFormat | None] = None,
    output: OutputOption = None,
    as_json: JsonOption = False,
) -> None:
    """The weekly report: headline, checklist, what changed, new events, watch next, and
    the trend.

    It reports the week holding --as-of (default today), scored at that date, or the week
    --week names, scored at its end; the week before is the previous ISO week, scored at
    its Sunday. New events are those observed in the week; events logged in it but
    observed earlier are counted as late reports (--late lists them).

    Formats: table (the terminal), markdown (to paste into a brief; with --output, the
    chart is written beside it as NAME-trend.svg and linked), json, html (a
    self-contained brief to read, print or save as PDF), and svg or chart (the trend
    chart alone, for slides). Without --format, the --output file's extension names it
    (.html, .md, .json, .svg, .txt). --json is the same as --format json."""
    from signals.assess import weekly_report
    from signals.report import Week, report_as_of

    if as_of is not None and week is not None:
        raise typer.BadParameter("Give --as-of or --week, not both.")
    chosen: ReportFormat = (
        "json" if as_json else format_for(format, output, FORMAT_BY_SUFFIX, "table")
    )
    target = output_file(output)
    current = session(ctx)
    catalogue = current.catalogue()
    store = current.store()
    if target is not None:
        # Refused before the report is scored, which may keep trend days in the database.
        from signals.cli.files import refuse_to_replace

        refuse_to_replace(target, current.own_files())
    day = report_as_of(as_of, Week.holding(week) if week else None, dt.date.today())
    report_week = Week.holding(day)
    report = weekly_report(
        store, catalogue, day, as_known=as_known, prior=prior, trend_weeks=weeks, list_late=late
    )
    if prior is None and day == dt.date.today():
        _keep_figures(store, catalogue, report.current)
    if target is None and chosen == "table":
        from signals.cli.output import stdout_console
        from signals.render.report_terminal import report_view

        console = stdout_console()
        for part in report_view(report):
            console.print(part)
        return
    if target is None and chosen == "json":
        from signals.render.documents import report_document

        print_json(report_document(report))
        return
    if target is None:
        sys.stdout.write(RENDERERS[chosen](report))
        return
    from signals.cli.files import atomic_text_file

    keep = current.own_files()
    if chosen == "markdown":
        # The chart beside the brief, linked by its name: the two travel together.
        from signals.render.chart import trend_chart
        from signals.render.markdown import report_markdown

        chart = target.with_name(f"{target.stem}-trend.svg")
        with (
            atomic_text_file(target, keep=keep) as out,
            atomic_text_file(chart, keep={**keep, target: "the report itself"}) as picture,
        ):
            picture.write(trend_chart(report))
            out.write(report_markdown(report, chart=chart.name))
        message(
            f"Wrote the markdown report for {report_week.label} to {target},"
            f" and its chart to {chart}."
        )
        return
    text = RENDERERS[chosen](report)
    with atomic_text_file(target, keep=keep) as out:
        out.write(text)
    message(f"Wrote the {chosen} report for {report_week.label} to {target}.")


def _keep_figures(store: "Store", catalogue: "Catalogue", result: "ScoreResult") -> None:
    """Keep a report of today's figures in the record (see `signals.record`). A report
    whose figures cannot be kept (a database this user may only read, another writer
    holding the lock) is still given, and says so."""
    from signals.errors import SignalsError
    from signals.record import keep_report

    if not store.writable():
        message(
            "Note: this database is read-only to you; this report's figures were not kept"
            " in the record."
        )
        return
    try:
        keep_report(store, catalogue, result)
    except SignalsError as problem:
        from signals.cli.output import warning

        warning(f"this report's figures were not kept in the record: {problem}")


# Each format of the report and the function that renders it whole, as text; the table
# for a terminal is printed part by part instead (see `report`).
def _as_json(report: "WeeklyReport") -> str:
    from signals.render.documents import json_text, report_document

    return json_text(report_document(report))


def _as_markdown(report: "WeeklyReport") -> str:
    from signals.render.markdown import report_markdown

    return report_markdown(report)


def _as_html(report: "WeeklyReport") -> str:
    from signals.render.brief import brief_html

    return brief_html(report)


def _as_chart(report: "WeeklyReport") -> str:
    from signals.render.chart import trend_chart

    return trend_chart(report)


def _as_plain_table(report: "WeeklyReport") -> str:
    """The terminal table for a file: plain text, 100 columns wide."""
    import io

    from signals.render.console import DataConsole
    from signals.render.report_terminal import report_view

    buffer = io.StringIO()
    console = DataConsole(file=buffer, width=100, no_color=True, force_terminal=False)
    for part in report_view(report):
        console.print(part)
    return buffer.getvalue()


RENDERERS: dict["ReportFormat", Callable[["WeeklyReport"], str]] = {
    "table": _as_plain_table,
    "markdown": _as_markdown,
    "json": _as_json,
    "html": _as_html,
    "svg": _as_chart,
    "chart": _as_chart,
}
