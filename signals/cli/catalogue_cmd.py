"""`signals indicators [show|review]` and `signals catalogue ...`: read, review and check
catalogues."""

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from signals.cli.completion import indicator_ids
from signals.cli.context import session
from signals.cli.options import AsOfOption, JsonOption
from signals.cli.output import message, print_json

# `signals indicators` (a list, `show ID` or `review`) and `signals catalogue ...`.
indicators_group = typer.Typer()
group = typer.Typer(help="Check catalogue files.", no_args_is_help=True)


# A group whose own call lists, so that `signals indicators --kind intent` reads as before.
@indicators_group.callback(invoke_without_command=True)
def indicators(
    ctx: typer.Context,
    kind: Annotated[
        Literal["intent", "counter", "context"] | None,
        typer.Option("--kind", help="Only indicators of this kind."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the catalogue's indicators; `signals indicators show ID` reads one in full, and
    `signals indicators review` says how each has done on the record."""
    if ctx.invoked_subcommand is not None:
        return
    from signals.catalogue import Kind

    catalogue = session(ctx).catalogue()
    wanted = Kind(kind) if kind else None
    if as_json:
        from signals.render.documents import indicators_document

        print_json(indicators_document(catalogue, wanted))
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import indicators_table

    stdout_console().print(indicators_table(catalogue, wanted))


@indicators_group.command("show")
def show_indicator(
    ctx: typer.Context,
    indicator_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The indicator id, e.g. declaration-intent.",
            autocompletion=indicator_ids,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one indicator: what counts and what does not, its likelihoods by hypothesis
    with their rationale, its variants, its breach or withdrawal, and how it decays."""
    catalogue = session(ctx).catalogue()
    indicator = catalogue.indicator(indicator_id.strip().lower())
    if as_json:
        from signals.render.documents import indicator_detail_document

        print_json(indicator_detail_document(catalogue, indicator))
        return
    from signals.cli.output import stdout_console
    from signals.render.indicator import indicator_detail

    stdout_console().print(indicator_detail(catalogue, indicator))


@indicators_group.command("review")
def review_indicators(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=2, max=520, help="How many ISO weeks to review.")
    ] = 52,
    as_json: JsonOption = False,
) -> None:
    """Review every indicator over the last weeks: how often it fired, how much it moved
    the answer, and whether it could warn of anything.

    "Moved" is how far P(headline) and its log-odds fall back at a week's end when the
    indicator is left out (the mean over the weeks its evidence counted, and the
    largest). Flags: never-discriminates (its likelihoods are equal under every
    hypothesis), moved-nothing (it fired but never moved the headline by half a point),
    routine (it fired in half the weeks or more with no usual rate declared)."""
    from signals.record import review

    current = session(ctx)
    catalogue = current.catalogue()
    result = review(current.store(), catalogue, as_of or dt.date.today(), weeks)
    if as_json:
        from signals.render.record_documents import review_document

        print_json(review_document(result))
        return
    from signals.cli.output import stdout_console
    from signals.render.record import review_view

    console = stdout_console()
    for part in review_view(result):
        console.print(part)


@group.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The catalogue TOML file.", dir_okay=False)],
    as_json: JsonOption = False,
) -> None:
    """Check a catalogue and report its problems, with the indicator and field each concerns.

    With --json the outcome is printed as JSON, valid or not."""
    from signals.catalogue_loader import load_catalogue
    from signals.errors import CatalogueError

    try:
        catalogue = load_catalogue(file)
    except CatalogueError as problem:
        if as_json:
            # Scripts get the problems as data too; the error still goes to stderr.
            from signals.render.documents import catalogue_invalid_document

            print_json(catalogue_invalid_document(file, str(problem), problem.problems))
        raise
    counts = {kind: 0 for kind in ("intent", "counter", "context")}
    for indicator in catalogue.indicators:
        counts[indicator.kind.value] += 1
    if as_json:
        from signals.render.documents import catalogue_valid_document

        print_json(catalogue_valid_document(file, catalogue, counts))
        return
    message(
        f"{file} is valid: '{catalogue.catalogue.id}' v{catalogue.catalogue.version},"
        f" {counts['intent']} intent, {counts['counter']} counter and"
        f" {counts['context']} context indicators"
        + (f", and {len(catalogue.tripwires)} tripwires." if catalogue.tripwires else ".")
    )
