"""`signals events ...`: list, show, correct and retract logged events."""

import datetime as dt
from typing import Annotated, Any, Literal

import typer

from signals.cli.completion import current_event_ids, event_ids, indicator_ids
from signals.cli.context import parse_date, session
from signals.cli.output import message, print_json

app = typer.Typer(help="List, show, correct and retract logged events.", no_args_is_help=True)


def parse_event_id(value: str) -> int:
    """An event id from the command line, refused in the user's terms rather than as a
    failed integer conversion."""
    try:
        return int(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an event id; event ids are whole numbers"
        ) from None


@app.command("list")
def list_events(
    ctx: typer.Context,
    indicator: Annotated[
        str | None,
        typer.Option(help="Only events of this indicator.", autocompletion=indicator_ids),
    ] = None,
    since: Annotated[
        dt.date | None,
        typer.Option(parser=parse_date, metavar="DATE", help="Observed on or after this date."),
    ] = None,
    until: Annotated[
        dt.date | None,
        typer.Option(parser=parse_date, metavar="DATE", help="Observed on or before this date."),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            metavar="WORDS",
            help="Only events whose summary, notes or source hold every one of these words, in"
            " any order. A word also finds the words it begins (ceasefir finds ceasefire); case"
            " and accents are ignored; quotes and operators are read as plain text.",
        ),
    ] = None,
    include_retracted: Annotated[
        bool, typer.Option("--include-retracted", help="Also list retracted events.")
    ] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List events, oldest observation first."""
    from signals.storage import EventFilter

    current = session(ctx)
    if indicator:
        current.catalogue().indicator(indicator)
    events = current.store().find(
        EventFilter(
            indicator=indicator,
            since=since,
            until=until,
            search=search,
            include_retracted=include_retracted,
        ),
        limit=limit,
    )
    if as_json:
        from signals.render.documents import events_document

        print_json(events_document(events))
        return
    if not events:
        message("No events match.")
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import events_table

    stdout_console().print(events_table(events))


@app.command("show")
def show_event(
    ctx: typer.Context,
    event_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", parser=parse_event_id, help="The event id.", autocompletion=event_ids
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one event with its revisions and retraction."""
    current = session(ctx)
    store = current.store()
    event = store.get(event_id)
    revisions = store.revisions(event_id)
    if as_json:
        from signals.render.documents import event_detail_document

        print_json(event_detail_document(event, revisions))
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import event_detail

    try:
        catalogue = current.catalogue()
    except Exception:
        catalogue = None
    stdout_console().print(event_detail(event, revisions, catalogue))


# An event that can still be corrected or withdrawn (completion offers no retracted one).
CurrentEventId = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        parser=parse_event_id,
        help="The event id.",
        autocompletion=current_event_ids,
    ),
]


@app.command("edit")
def edit_event(
    ctx: typer.Context,
    event_id: CurrentEventId,
    indicator: Annotated[
        str | None, typer.Option(help="The indicator id.", autocompletion=indicator_ids)
    ] = None,
    summary: Annotated[str | None, typer.Option(help="What happened.")] = None,
    observed: Annotated[
        dt.date | None, typer.Option(parser=parse_date, metavar="DATE", help="When it happened.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Who reported it.")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was reported.")] = None,
    reliability: Annotated[
        str | None, typer.Option("--reliability", "-r", help="Source reliability A-F.")
    ] = None,
    credibility: Annotated[
        str | None, typer.Option("--credibility", "-c", help="Information credibility 1-6.")
    ] = None,
    status: Annotated[
        Literal["reported", "confirmed", "refuted"] | None,
        typer.Option(help="Evidence status.", case_sensitive=False),
    ] = None,
    location: Annotated[str | None, typer.Option(help="Where it happened.")] = None,
    analyst: Annotated[str | None, typer.Option(help="Who logged it.")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Replace the tags; repeat for more.")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Free-text notes.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the new revision as JSON.")
    ] = False,
) -> None:
    """Correct an event: a new revision is stored and the old one kept."""
    from signals.events import parse_event

    current = session(ctx)
    catalogue = current.catalogue()
    store = current.store()
    changes: dict[str, Any] = {
        "indicator": indicator,
        "summary": summary,
        "observed_at": observed.isoformat() if observed else None,
        "source": source,
        "url": url,
        "reliability": reliability,
        "credibility": credibility,
        "status": status,
        "location": location,
        "analyst": analyst,
        "tags": tag,
        "notes": notes,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        raise typer.BadParameter("Name at least one field to change, e.g. --status confirmed.")
    if indicator:
        catalogue.indicator(indicator.strip().lower())
    merged = store.get(event_id).as_input() | changes
    updated = store.edit(event_id, parse_event(merged, catalogue))
    if as_json:
        from signals.render.documents import event_document

        print_json(event_document(updated))
    else:
        message(f"Event #{updated.id} is now at revision {updated.revision}.")


@app.command("retract")
def retract_event(
    ctx: typer.Context,
    event_id: CurrentEventId,
    reason: Annotated[str, typer.Option(help="Why the event is withdrawn.")],
    analyst: Annotated[
        str | None, typer.Option(envvar="SIGNALS_ANALYST", help="Who retracts it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as JSON.")] = False,
) -> None:
    """Withdraw an event with a reason; it stays on record but stops counting."""
    event = session(ctx).store().retract(event_id, reason, analyst=analyst)
    if as_json:
        from signals.render.documents import event_document

        print_json(event_document(event))
    else:
        message(f"Event #{event.id} retracted.")
