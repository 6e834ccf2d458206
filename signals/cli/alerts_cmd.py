"""`signals check` and `signals alerts ...`: the tripwires that fired since the last check,
sent where people are, and acknowledged by an analyst."""

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from signals.cli.completion import open_alert_ids
from signals.cli.context import parse_date, session
from signals.cli.options import AnalystOption, AsKnownOption, AsOfOption, JsonOption
from signals.cli.output import error, message, print_json

# `signals check`, at the top level, and `signals alerts list|ack`.
commands = typer.Typer()
group = typer.Typer(help="List and acknowledge the tripwires that fired.", no_args_is_help=True)

# The exit statuses a scheduler acts on (0 is "nothing fired").
FIRED = 10
NOT_SENT = 11


@commands.command("check")
def check(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    as_known: AsKnownOption = False,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help="Send what fired to the webhook and e-mail configured in --notify-config or"
            " the environment (SIGNALS_WEBHOOK_URL, SIGNALS_SMTP_HOST, ...).",
        ),
    ] = False,
    notify_config: Annotated[
        Path | None,
        typer.Option(
            "--notify-config",
            envvar="SIGNALS_NOTIFY_CONFIG",
            metavar="FILE",
            dir_okay=False,
            help="A TOML file of where --notify sends: a webhook table, an email table, or both.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the catalogue's tripwires: what crossed a line since the last check.

    The day (--as-of, default today) is scored as `signals status` scores it and compared
    with the state the last check saw; a tripwire fires when its line was crossed in
    between, so it fires once per crossing, however often the check runs. The first check
    is compared with the state with nothing on record. What fired is recorded as alerts
    (`signals alerts list`), then sent if --notify is given. A day before one already
    checked is replayed (shown, and sent with --notify) but not recorded.

    Exit status: 0 nothing fired; 10 a tripwire fired (and every notification asked for
    was sent); 11 a tripwire fired and a notification could not be sent (what fired is
    recorded all the same); 1 bad data or settings and 2 bad usage, as for every command."""
    from signals.checking import run_check
    from signals.errors import SignalsError

    current = session(ctx)
    config = None
    if notify:
        # Read before anything is scored or recorded: a mistake in it changes nothing.
        from signals.notify import load_config

        config = load_config(notify_config, os.environ)
    catalogue = current.catalogue()
    if not catalogue.tripwires:
        raise SignalsError(
            f"Catalogue '{catalogue.catalogue.id}' has no tripwires to check: add [[tripwires]]"
            " to it (see docs/catalogues.md)."
        )
    outcome = run_check(current.store(), catalogue, as_of or dt.date.today(), as_known=as_known)
    deliveries = []
    if config is not None and outcome.fired:
        from signals.notify import deliver
        from signals.render.alerts import notice
        from signals.render.documents import check_document

        subject, text = notice(outcome, catalogue)
        payload = {"text": f"{subject}\n\n{text}", **check_document(outcome, catalogue)}
        del payload["notifications"]
        deliveries = deliver(config, subject, text, payload)
    if as_json:
        from signals.render.documents import check_document

        print_json(check_document(outcome, catalogue, deliveries))
    elif outcome.fired:
        from signals.cli.output import stdout_console
        from signals.render.alerts import check_view

        console = stdout_console()
        for part in check_view(outcome):
            console.print(part)
    from signals.render.alerts import check_summary

    message(check_summary(outcome))
    unsent = [d for d in deliveries if not d.sent]
    for delivery in deliveries:
        if delivery.sent:
            message(f"Sent to {delivery.where}.")
        else:
            error(
                f"could not send to {delivery.where}: {delivery.problem}; what fired is"
                " recorded (`signals alerts list`)."
            )
    if unsent:
        raise typer.Exit(NOT_SENT)
    if outcome.fired:
        raise typer.Exit(FIRED)


@group.command("list")
def list_alerts(
    ctx: typer.Context,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only the alerts not yet acknowledged.")
    ] = False,
    since: Annotated[
        dt.date | None,
        typer.Option(
            "--since",
            parser=parse_date,
            metavar="DATE",
            help="Only alerts of checks of this day or later.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the alerts: each tripwire that fired, the day checked, and its acknowledgement."""
    alerts = session(ctx).store().alerts(unacknowledged=open_only, since=since)
    if as_json:
        from signals.render.documents import alert_document

        print_json([alert_document(a) for a in alerts])
        return
    if not alerts:
        message("No alerts." if not open_only else "No alert awaits acknowledgement.")
        return
    from signals.cli.output import stdout_console
    from signals.render.alerts import alerts_table

    stdout_console().print(alerts_table(alerts))


@group.command("ack")
def acknowledge(
    ctx: typer.Context,
    alert_id: Annotated[
        int,
        typer.Argument(metavar="ID", min=1, help="The alert's id.", autocompletion=open_alert_ids),
    ],
    note: Annotated[
        str, typer.Option("--note", help="What was done about it: who was told, what follows.")
    ],
    analyst: AnalystOption = None,
    as_json: JsonOption = False,
) -> None:
    """Acknowledge an alert with a note; an acknowledgement is recorded once and kept."""
    alert = session(ctx).store().acknowledge(alert_id, note, analyst)
    if as_json:
        from signals.render.documents import alert_document

        print_json(alert_document(alert))
        return
    message(f"Alert #{alert.id} ({alert.tripwire}) acknowledged.")
