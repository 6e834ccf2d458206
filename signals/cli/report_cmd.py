"""`signals report`: the weekly report in every format."""

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from signals.cli.context import AsKnownOption, PriorOption, parse_date, parse_week, session
from signals.cli.output import message


def report_command(
    ctx: typer.Context,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="DATE",
            help="Report the week holding this date, scored at it.",
        ),
    ] = None,
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
    format: Annotated[
        Literal["table", "markdown", "json", "html", "svg"],
        typer.Option("--format", "-f", help="Output format."),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """The weekly report: headline, checklist, what changed, watch next, and the trend."""
    from signals.assess import weekly_report
    from signals.report import Week, report_as_of

    if as_of is not None and week is not None:
        raise typer.BadParameter("Give --as-of or --week, not both.")
    if as_json:
        format = "json"
    current = session(ctx)
    catalogue = current.catalogue()
    store = current.store()
    day = report_as_of(as_of, Week.holding(week) if week else None, dt.date.today())
    report_week = Week.holding(day)
    report = weekly_report(store, catalogue, day, as_known=as_known, prior=prior)
    if output is None and format == "table":
        from signals.cli.output import stdout_console
        from signals.render.report_terminal import report_view

        console = stdout_console()
        for part in report_view(report):
            console.print(part)
        return
    text = _render(report, format)
    if output is None:
        sys.stdout.write(text)
        return
    from signals.cli.files import atomic_text_file

    with atomic_text_file(output, keep=current.own_files()) as out:
        out.write(text)
    message(f"Wrote the {format} report for {report_week.label} to {output}.")


def _render(report, format: str) -> str:  # type: ignore[no-untyped-def]
    if format == "json":
        from signals.render.documents import json_text, report_document

        return json_text(report_document(report))
    if format == "markdown":
        from signals.render.markdown import report_markdown

        return report_markdown(report)
    if format in ("html", "svg"):
        from signals.render.report_terminal import report_picture

        return report_picture(report, format)
    import io

    from rich.console import Console

    from signals.render.report_terminal import report_view

    buffer = io.StringIO()
    console = Console(file=buffer, width=100, no_color=True, force_terminal=False)
    for part in report_view(report):
        console.print(part)
    return buffer.getvalue()
