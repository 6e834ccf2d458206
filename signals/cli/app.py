"""The `signals` command: global options, the error boundary, and the top-level commands."""

# The command modules do without postponed annotations: Typer would evaluate each
# parameter's annotation from a string, twice, on every start (a quarter of `--help`).

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from signals.cli import catalogue_cmd, db_cmd, events_cmd, report_cmd, transfer_cmd
from signals.cli.completion import indicator_ids
from signals.cli.context import AsKnownOption, PriorOption, Session, parse_date, session
from signals.cli.output import error, message, print_json, reader_gone, set_quiet


class SignalsGroup(TyperGroup):
    """One exit point: core errors become one sentence and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        from signals.errors import CatalogueError, SignalsError

        try:
            return super().invoke(ctx)
        except SignalsError as problem:
            # The user's own mistake: one sentence, even with --debug.
            error(str(problem), problem.problems if isinstance(problem, CatalogueError) else ())
            raise Exit(problem.exit_code) from None
        except (Exit, Abort, TyperException):
            raise
        except BrokenPipeError:
            reader_gone()
        except KeyboardInterrupt:
            error("interrupted.")
            raise Exit(130) from None
        except Exception as problem:
            obj = ctx.obj
            if isinstance(obj, Session) and obj.debug:
                raise
            error(
                f"unexpected {type(problem).__name__}: {problem}."
                " Run again with --debug for the traceback."
            )
            raise Exit(1) from None
        finally:
            if isinstance(ctx.obj, Session):
                ctx.obj.close()
            set_quiet(False)


app = typer.Typer(
    cls=SignalsGroup,
    name="signals",
    help="Track indicators and warnings: log graded observations against a catalogue and see"
    " how far the signals of genuine intent have progressed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(events_cmd.app, name="events")
app.add_typer(catalogue_cmd.app, name="catalogue")
app.add_typer(db_cmd.app, name="db")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"signals {version('signals')}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="SIGNALS_DB", help="The database file.", dir_okay=False),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            envvar="SIGNALS_CATALOGUE",
            help="A catalogue TOML file instead of the default one.",
            dir_okay=False,
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print no messages or summaries: only data and errors."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show a traceback for unexpected errors (not for mistakes in input)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    set_quiet(quiet)
    ctx.obj = Session(db_path=db, catalogue_path=catalogue, debug=debug)


@app.command()
def init(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the database and catalogue as JSON.")
    ] = False,
) -> None:
    """Create the database (if needed) and check the catalogue loads."""
    current = session(ctx)
    catalogue = current.catalogue()
    store = current.store(create=True)
    if as_json:
        from signals.render.documents import init_document

        print_json(init_document(store.path, store.count(), catalogue))
        return
    message(
        f"Database ready at {store.path} ({store.count()} events);"
        f" catalogue '{catalogue.catalogue.id}' v{catalogue.catalogue.version}"
        f" with {len(catalogue.indicators)} indicators."
    )


@app.command()
def indicators(
    ctx: typer.Context,
    kind: Annotated[
        Literal["intent", "counter", "context"] | None,
        typer.Option("--kind", help="Only indicators of this kind."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
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


@app.command()
def log(
    ctx: typer.Context,
    indicator: Annotated[
        str | None,
        typer.Argument(
            help="The indicator id, e.g. declaration-intent. Left out on a terminal: picked"
            " from a list.",
            autocompletion=indicator_ids,
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        str | None,
        typer.Argument(
            help="What happened, in one sentence. Left out on a terminal: asked for.",
            show_default=False,
        ),
    ] = None,
    observed: Annotated[
        dt.date | None,
        typer.Option(
            "--observed",
            parser=parse_date,
            metavar="DATE",
            help="When it happened (default today).",
        ),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Who reported it.")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was reported.")] = None,
    reliability: Annotated[
        str,
        typer.Option(
            "--reliability",
            "-r",
            help="Source reliability, A (completely reliable) to F (cannot be judged).",
        ),
    ] = "F",
    credibility: Annotated[
        str,
        typer.Option(
            "--credibility",
            "-c",
            help="Information credibility, 1 (confirmed) to 6 (cannot be judged).",
        ),
    ] = "6",
    status: Annotated[
        Literal["reported", "confirmed", "refuted"],
        typer.Option(help="Evidence status.", case_sensitive=False),
    ] = "reported",
    location: Annotated[str | None, typer.Option(help="Where it happened.")] = None,
    analyst: Annotated[
        str | None, typer.Option(envvar="SIGNALS_ANALYST", help="Who is logging it.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    notes: Annotated[str | None, typer.Option(help="Free-text notes.")] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never ask for what is left out: it is an error."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored event as JSON.")
    ] = False,
) -> None:
    """Log an observed event against an indicator.

    On a terminal, what is left out is asked for: the indicator from a list, the summary,
    the date and the grades."""
    from signals.cli import prompts
    from signals.events import parse_event

    missing_arguments = [
        name for name, value in (("indicator", indicator), ("summary", summary)) if value is None
    ]
    interactive = bool(missing_arguments) and not no_input and prompts.stdin_is_interactive()
    if missing_arguments and not interactive:
        quoted = " and ".join(f"'{name.upper()}'" for name in missing_arguments)
        plural = len(missing_arguments) > 1
        ctx.fail(
            f"Missing argument{'s' if plural else ''} {quoted}:"
            f" {'they are' if plural else 'it is'} asked for only on a terminal,"
            " without --no-input."
        )
    current = session(ctx)
    catalogue = current.catalogue()
    if indicator is not None:
        catalogue.indicator(indicator.strip().lower())
    fields = {
        "indicator": indicator,
        "summary": summary,
        "observed_at": (observed or dt.date.today()).isoformat(),
        "source": source,
        "url": url,
        "reliability": reliability,
        "credibility": credibility,
        "status": status,
        "location": location,
        "analyst": analyst,
        "tags": tag or [],
        "notes": notes,
    }
    if interactive:
        left_out = {name for name in ("indicator", "summary", "source") if fields[name] is None}
        if observed is None:
            left_out.add("observed_at")
        left_out.update(
            name for name in ("reliability", "credibility", "status") if _from_default(ctx, name)
        )
        event = prompts.ask_for_event(catalogue, fields, left_out)
    else:
        event = parse_event(fields, catalogue)
    stored = current.store(create=True).log(event)
    if as_json:
        from signals.render.documents import event_document

        print_json(event_document(stored))
    else:
        message(
            f"Logged event #{stored.id}: {stored.indicator} ({stored.grade}, {stored.status.value})."
        )
    if stored.observed_at > dt.date.today():
        message(
            f"Note: it was observed on {stored.observed_at.isoformat()}, after today by your"
            " calendar; scores count it from that day."
        )


def _from_default(ctx: typer.Context, name: str) -> bool:
    """Whether a parameter was left out, rather than given with its default's value."""
    source = ctx.get_parameter_source(name)
    return source is None or source.name == "DEFAULT"


@app.command()
def status(
    ctx: typer.Context,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="DATE",
            help="Score as of this date (default today).",
        ),
    ] = None,
    as_known: AsKnownOption = False,
    prior: PriorOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how every figure was computed.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show how far the signals have progressed: checklist, progress and probability."""
    from signals.assess import assess
    from signals.render.documents import score_document

    current = session(ctx)
    catalogue = current.catalogue()
    day = as_of or dt.date.today()
    result = assess(current.store(), catalogue, day, as_known=as_known, prior=prior)
    if as_json:
        print_json(score_document(result, catalogue, explain=explain))
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import status_view

    console = stdout_console()
    for part in status_view(result, catalogue, explain=explain):
        console.print(part)


app.command("report")(report_cmd.report_command)
transfer_cmd.register(app)


def main() -> None:
    # Analysts' notes are sensitive: never print local variables in a traceback.
    os.environ.setdefault("_TYPER_STANDARD_TRACEBACK", "1")
    # signals uses no Pydantic plugins; looking for them scans every installed package's
    # metadata on the first model built, a tenth of the start-up of `signals log`.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            reader_gone()
