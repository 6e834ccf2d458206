"""`signals indicators` and `signals catalogue ...`: read and check catalogues."""

from pathlib import Path
from typing import Annotated, Literal

import typer

from signals.cli.context import session
from signals.cli.options import JsonOption
from signals.cli.output import message, print_json

# `signals indicators`, at the top level, and `signals catalogue ...`.
commands = typer.Typer()
group = typer.Typer(help="Check catalogue files.", no_args_is_help=True)


@commands.command("indicators")
def indicators(
    ctx: typer.Context,
    kind: Annotated[
        Literal["intent", "counter", "context"] | None,
        typer.Option("--kind", help="Only indicators of this kind."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the catalogue's indicators."""
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
        f" {counts['context']} context indicators."
    )
