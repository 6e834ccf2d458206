"""`signals forecasts ...`: the record of what reports said, what turned out true, and how
well the one foretold the other."""

import datetime as dt
from typing import Annotated

import typer

from signals.cli.context import parse_date, session
from signals.cli.options import AnalystOption, AsOfOption, JsonOption
from signals.cli.output import message, print_json

group = typer.Typer(
    help="The record to learn from: each report's figures as they were given, what turned"
    " out true, and their Brier score and calibration.",
    no_args_is_help=True,
)

# A backfill scores every week from the record's whole history: ten years at a time.
MOST_WEEKS_RECORDED = 520


@group.command("record")
def record(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    since: Annotated[
        dt.date | None,
        typer.Option(
            "--since",
            parser=parse_date,
            metavar="DATE",
            help="Also keep the end of every ISO week from the one holding this date.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Keep the figures of a day (default today) in the record, as known at its end.

    A report of today keeps its figures by itself; this backfills earlier days from the
    record as it stood at the end of each (what a report of that day said, or would have
    said), and never replaces figures already kept for a day (today's, whose day is not
    over, excepted)."""
    from signals.errors import UsageError
    from signals.record import backfill, weekly_days

    today = dt.date.today()
    day = as_of or today
    if day > today:
        raise UsageError(f"--as-of {day} is after today: only what was known can be kept.")
    if since is not None and since > day:
        raise UsageError(f"--since {since} is after the as-of date {day}.")
    days = weekly_days(since, day) if since is not None else [day]
    if len(days) > MOST_WEEKS_RECORDED:
        raise UsageError(
            f"--since reaches back {len(days)} weeks; keep at most {MOST_WEEKS_RECORDED} at a time."
        )
    current = session(ctx)
    catalogue = current.catalogue()
    written, kept = backfill(current.store(), catalogue, days, today)
    if as_json:
        print_json({"days": len(days), "written": written, "already_kept": kept})
        return
    span = f"{days[0]}" if len(days) == 1 else f"{len(days)} days from {days[0]} to {days[-1]}"
    message(
        f"Kept the figures of {span}: {written} written, {kept} already on record and left"
        " as they were."
    )


@group.command("resolve")
def resolve(
    ctx: typer.Context,
    hypothesis: Annotated[
        str,
        typer.Option("--hypothesis", metavar="ID", help="The hypothesis that held (e.g. ploy)."),
    ],
    holds_from: Annotated[
        dt.date,
        typer.Option(
            "--from", parser=parse_date, metavar="DATE", help="The day from which it held."
        ),
    ],
    note: Annotated[
        str | None, typer.Option("--note", help="Why: what showed it, and where.")
    ] = None,
    analyst: AnalystOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record what turned out true for the catalogue in use: which hypothesis held, from when.

    It holds until a later resolution of the catalogue; one from the same date corrects
    an earlier one, which is kept and shown as corrected. Forecasts are scored against
    the resolution in force on their as-of date."""
    from signals.errors import SignalsError, UsageError
    from signals.hypotheses import hypothesis_space
    from signals.resolution import parse_resolution

    if holds_from > dt.date.today():
        raise UsageError(f"--from {holds_from} is after today: record what has turned out true.")
    given = parse_resolution(hypothesis, holds_from, note, analyst)
    current = session(ctx)
    catalogue = current.catalogue()
    known = hypothesis_space(catalogue).shown
    if given.hypothesis not in known:
        raise SignalsError(
            f"Catalogue '{catalogue.catalogue.id}' has no hypothesis '{given.hypothesis}';"
            f" use one of {', '.join(known)}."
        )
    resolution = current.store().resolve(catalogue.catalogue.id, given)
    if as_json:
        from signals.render.record_documents import record_document

        print_json(record_document([], [resolution], set())["resolutions"][0])
        return
    message(
        f"Recorded resolution {resolution.id}: '{resolution.hypothesis}' held from"
        f" {resolution.holds_from} in catalogue '{resolution.catalogue_id}'."
    )


@group.command("list")
def list_record(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the forecasts kept and the resolutions recorded, oldest first."""
    from signals.forecasts import superseded

    store = session(ctx).store()
    with store.read():
        forecasts = store.forecasts()
        resolutions = store.resolutions()
    corrected = superseded(resolutions)
    if as_json:
        from signals.render.record_documents import record_document

        print_json(record_document(forecasts, resolutions, corrected))
        return
    from signals.cli.output import stdout_console
    from signals.render.record import forecasts_view

    console = stdout_console()
    for part in forecasts_view(forecasts, resolutions, corrected):
        console.print(part)


@group.command("score")
def score(
    ctx: typer.Context,
    bins: Annotated[
        int,
        typer.Option("--bins", min=2, max=20, help="How many bins the calibration table has."),
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Score the resolved forecasts of every catalogue: Brier scores and a calibration table.

    Each catalogue's ISO week counts once, by its last forecast. The Brier score over all
    hypotheses runs from 0 (certain and right) to 2 (certain and wrong); the headline's
    binary one from 0 to 1; the priors' score is what the catalogue would have scored on
    its priors alone. The calibration table bins every stated probability and shows how
    often those hypotheses held."""
    from signals.calibration import score_record

    store = session(ctx).store()
    with store.read():
        result = score_record(store.forecasts(), store.resolutions(), bins)
    if as_json:
        from signals.render.record_documents import record_score_document

        print_json(record_score_document(result))
        return
    from signals.cli.output import stdout_console
    from signals.render.record import score_view

    console = stdout_console()
    for part in score_view(result):
        console.print(part)
