"""`signals import` and `signals export`: events in and out as files, for scripts."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from signals.cli.context import session
from signals.cli.options import (
    FormatOption,
    IndicatorFilterOption,
    JsonOption,
    OutputOption,
    SearchOption,
    SinceOption,
    UntilOption,
    output_file,
)
from signals.cli.output import is_quiet, message, print_json

if TYPE_CHECKING:
    from signals.importer import ImportReport


# `signals import` and `signals export`, both at the top level.
commands = typer.Typer()


@commands.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A CSV file, or what `signals export` wrote (CSV, JSON or NDJSON), or -"
            " for standard input.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if some are invalid.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Write the invalid rows here, with a reason column.", dir_okay=False),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="gdelt|acled|FILE",
            help="How to read another tool's format: gdelt or acled (shipped), or a TOML"
            " mapping file of your own.",
            dir_okay=False,
        ),
    ] = None,
    ignore_unknown: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown",
            help="Leave out columns that are no event's (named once on stderr) instead of"
            " refusing the file.",
        ),
    ] = False,
    encoding: Annotated[
        str | None, typer.Option(help="The file's encoding if it is not UTF-8, e.g. cp1252.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import events from CSV, or from an export in JSON or NDJSON: all rows or none, and
    never the same row twice."""
    from signals.cli.importing import run_import
    from signals.importer import ImportAborted

    current = session(ctx)
    try:
        report = run_import(
            current.store_to_rehearse() if dry_run else current.store(create=True),
            current.catalogue(),
            file,
            keep=current.own_files(),
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejects=rejects,
            map_file=map_file,
            ignore_unknown=ignore_unknown,
            progress=not as_json,
            encoding=encoding,
            quiet=is_quiet(),
        )
    except ImportAborted as aborted:
        if as_json:  # a script learns which rows failed from stdout, as from any import
            _print_outcome(aborted.report)
        raise
    if as_json:
        _print_outcome(report)


def _print_outcome(report: "ImportReport") -> None:
    from signals.render.documents import import_document

    print_json(import_document(report))


@commands.command("export")
def export_command(
    ctx: typer.Context,
    format: FormatOption[Literal["csv", "json", "ndjson"]] = "csv",
    output: OutputOption = None,
    indicator: IndicatorFilterOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    include_retracted: Annotated[
        bool,
        typer.Option(
            "--include-retracted",
            help="Also export retracted events, marked as such (JSON and NDJSON only).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Export events as CSV (spreadsheet-safe), JSON or NDJSON.

    --json is the same as --format json."""
    from signals.exporter import WRITERS
    from signals.store import EventFilter

    if as_json:
        format = "json"
    if include_retracted and format == "csv":
        from signals.errors import UsageError

        # `signals import` reads a CSV back, and would revive the retracted events as live.
        raise UsageError(
            "A CSV export is for reading back with `signals import`, which would count"
            " retracted events again; use --format json or ndjson to include them."
        )

    current = session(ctx)
    if indicator:
        current.catalogue().indicator(indicator)
    store = current.store()
    events = store.find(
        EventFilter(
            indicator=indicator,
            since=since,
            until=until,
            search=search,
            include_retracted=include_retracted,
        )
    )
    references = store.references([event.ends for event in events if event.ends is not None])
    writer = WRITERS[format]
    output = output_file(output)
    if output is None:
        writer(events, sys.stdout, references)
        return
    from signals.cli.files import atomic_text_file

    with atomic_text_file(output, keep=current.own_files()) as out:
        count = writer(events, out, references)
    left_out = 0 if include_retracted else current.store().count_retracted()
    message(
        f"Exported {count} event{'' if count == 1 else 's'} to {output}"
        + (
            f"; {left_out} retracted event{'' if left_out == 1 else 's'} left out"
            " (--include-retracted with --format json keeps them)."
            if left_out
            else "."
        )
    )
