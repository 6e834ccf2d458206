"""`signals catalogue ...`: check catalogue files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signals.cli.output import message

app = typer.Typer(help="Check catalogue files.", no_args_is_help=True)


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The catalogue TOML file.", dir_okay=False)],
) -> None:
    """Check a catalogue and report every problem with the indicator and field it concerns."""
    from signals.catalogue import load_catalogue

    catalogue = load_catalogue(file)
    counts = {kind: 0 for kind in ("intent", "counter", "context")}
    for indicator in catalogue.indicators:
        counts[indicator.kind.value] += 1
    message(
        f"{file} is valid: '{catalogue.catalogue.id}' v{catalogue.catalogue.version},"
        f" {counts['intent']} intent, {counts['counter']} counter and"
        f" {counts['context']} context indicators."
    )
