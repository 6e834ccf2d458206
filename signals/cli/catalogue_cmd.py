"""`signals catalogue ...`: check catalogue files."""

from pathlib import Path
from typing import Annotated

import typer

from signals.cli.output import message, print_json

app = typer.Typer(help="Check catalogue files.", no_args_is_help=True)


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The catalogue TOML file.", dir_okay=False)],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the outcome as JSON, valid or not.")
    ] = False,
) -> None:
    """Check a catalogue and report its problems, with the indicator and field each concerns."""
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
