"""`signals init` and `signals db ...`: create, check and back up the database."""

from pathlib import Path
from typing import Annotated

import typer

from signals.cli.context import session
from signals.cli.options import JsonOption
from signals.cli.output import error, message, print_json

# `signals init`, at the top level, and `signals db ...`.
commands = typer.Typer()
group = typer.Typer(help="Check and back up the database.", no_args_is_help=True)


@commands.command("init")
def init(
    ctx: typer.Context,
    as_json: JsonOption = False,
) -> None:
    """Create the database (if needed) and check the catalogue loads."""
    current = session(ctx)
    catalogue = current.catalogue()
    store = current.store(create=True)
    if store.created:
        # Kept though nothing is written to it yet: making it is what `init` is for.
        store.created = False
        message(f"Created a new database at {store.path}.")
    if as_json:
        from signals.render.documents import init_document

        print_json(init_document(store.path, store.count(), catalogue))
        return
    message(
        f"Database ready at {store.path} ({store.count()} events);"
        f" catalogue '{catalogue.catalogue.id}' v{catalogue.catalogue.version}"
        f" with {len(catalogue.indicators)} indicators."
    )


@group.command("check")
def check(
    ctx: typer.Context,
    repair_totals: Annotated[
        bool,
        typer.Option(
            "--repair-totals",
            help="Recount the per-indicator event totals from the events first (after rows"
            " were written around signals, e.g. with the sqlite3 shell).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run SQLite's integrity check and signals' own consistency checks."""
    from signals.errors import SignalsError
    from signals.maintenance import check_database

    current = session(ctx)
    try:
        catalogue = current.catalogue()
    except SignalsError:
        catalogue = None
    store = current.store()
    if repair_totals:
        message(f"Recounted the event totals of {store.recount_totals()} indicator grades.")
    findings = check_database(store, catalogue)
    if as_json:
        from signals.render.documents import findings_document

        print_json(findings_document(findings))
    else:
        for fact in findings.facts:
            message(fact)
        if findings.problems:
            error(f"{len(findings.problems)} problem(s) found.", findings.problems)
        else:
            message("ok")
    if findings.problems:
        raise typer.Exit(1)


@group.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write the backup.", dir_okay=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Copy the database with SQLite's online backup, safe while others write."""
    from signals.cli.files import refuse_to_replace
    from signals.maintenance import backup_database

    current = session(ctx)
    store = current.store()
    # An older backup may be replaced (--force), the files this command works from never.
    refuse_to_replace(path, current.own_files(), databases=False)
    copied = backup_database(store, path, force=force)
    events = copied.events
    if as_json:
        from signals.render.documents import backup_document

        print_json(backup_document(path, events, copied.pages))
    else:
        message(f"Backed up the database ({events} event{'' if events == 1 else 's'}) to {path}.")
