"""The `signals` command: global options, the error boundary, and where every command joins."""

# The command modules do without postponed annotations: Typer would evaluate each
# parameter's annotation from a string, twice, on every start (a quarter of `--help`).

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from signals.cli import (
    alerts_cmd,
    catalogue_cmd,
    db_cmd,
    events_cmd,
    forecasts_cmd,
    report_cmd,
    transfer_cmd,
)
from signals.cli.context import Session
from signals.cli.output import error, reader_gone, set_quiet


class SignalsGroup(TyperGroup):
    """One exit point: core errors become one sentence and an exit code, never a traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from signals.cli.conventions import prepare

        prepare(self)

    def get_params(self, ctx: Any) -> Any:
        # Typer adds the completion options after the group is made.
        from signals.cli.conventions import name_value

        for param in self.params:
            name_value(param)
        return super().get_params(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Usage errors end as data errors do: one line, `Error: ...`, on stderr (exit 2),
        rather than a usage line, a pointer to help and a box around the message."""
        standalone_mode = kwargs.get("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            outcome = super().main(*args, **kwargs)
        except TyperException as problem:
            if type(problem).__name__ == "NoArgsIsHelpError":
                # `signals events` alone: the help is the answer, shown where errors go.
                problem.show()  # type: ignore[attr-defined]
            else:
                from signals.cli.usage import sentence

                error(sentence(problem))
            code = problem.exit_code
        except Abort:
            # Typer's prompts end so on Ctrl-D; the command's own interrupts are said above.
            error("aborted.")
            code = 1
        else:
            # Without standalone mode an exit comes back as its code, a command's end as None.
            code = outcome if isinstance(outcome, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)

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
            # Said truthfully: an interrupt that came after a commit does not undo it.
            obj = ctx.obj
            if isinstance(obj, Session) and obj.committed():
                error(
                    "interrupted after the changes were committed: they are kept"
                    " (see `signals events list`)."
                )
            else:
                error("interrupted; nothing was written.")
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
    " how far the signals of genuine intent have progressed.\n\n"
    "--db, --catalogue, -q and --debug go before or after the command: `signals -q log ...`"
    " and `signals log ... -q` are the same.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


# Every command, in the order `signals --help` lists them: each module's `commands` join
# the top level, and a module's `group` is the noun its commands follow (`signals db check`).
for commands, name in (
    (db_cmd.commands, None),  # init
    (catalogue_cmd.indicators_group, "indicators"),
    (events_cmd.commands, None),  # log
    (report_cmd.commands, None),  # status, report
    (alerts_cmd.commands, None),  # check
    (transfer_cmd.commands, None),  # import, export
    (events_cmd.group, "events"),
    (forecasts_cmd.group, "forecasts"),
    (alerts_cmd.group, "alerts"),
    (catalogue_cmd.group, "catalogue"),
    (db_cmd.group, "db"),
):
    app.add_typer(commands, name=name)


_PLUGINS_OFF = ("__all__", "1", "true")


def _no_plugin_loader() -> None:
    """With plugins off, Pydantic still imports its plugin loader, and with it
    `importlib.metadata` (a twentieth of `signals status`), only to find the switch and
    return none. A loader that returns none stands in for it; the one name Pydantic
    imports from it is `get_plugins`."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _PLUGINS_OFF:
        return
    if "pydantic.plugin._loader" in sys.modules:
        return
    import types

    loader = types.ModuleType("pydantic.plugin._loader", "Pydantic plugins are off in signals.")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules["pydantic.plugin._loader"] = loader


def main() -> None:
    # Analysts' notes are sensitive: never print local variables in a traceback.
    os.environ.setdefault("_TYPER_STANDARD_TRACEBACK", "1")
    # signals uses no Pydantic plugins; looking for them scans every installed package's
    # metadata on the first model built, a tenth of the start-up of `signals log`.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _no_plugin_loader()
    try:
        app()
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            reader_gone()
