"""`signals log` and `signals events ...`: log, list, show, correct and retract events."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from signals.cli.completion import current_event_ids, event_ids, indicator_ids
from signals.cli.context import session
from signals.cli.options import (
    AlternativeOption,
    AnalystOption,
    BreaksOption,
    CredibilityOption,
    EvidenceStatus,
    IndicatorFilterOption,
    JsonOption,
    LocationOption,
    NotesOption,
    ObservationOption,
    ObservedOption,
    ReliabilityOption,
    SearchOption,
    SinceOption,
    SourceOption,
    StatusOption,
    TagOption,
    UntilOption,
    UrlOption,
    VariantOption,
    WithdrawsOption,
)
from signals.cli.output import message, print_json

if TYPE_CHECKING:
    from signals.catalogue import Catalogue

# `signals log`, at the top level, and `signals events ...`.
commands = typer.Typer()
group = typer.Typer(help="List, show, correct and retract logged events.", no_args_is_help=True)


def parse_event_id(value: str) -> int:
    """An event id from the command line, refused in the user's terms rather than as a
    failed integer conversion."""
    try:
        number = int(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an event id; event ids are whole numbers"
        ) from None
    # SQLite's integers end at 2^63 - 1, and ids start at 1.
    if not 1 <= number < 2**63:
        raise typer.BadParameter(f"{value!r} is not an event id; event ids start at 1") from None
    return number


def _ends(breaks: int | None, withdraws: int | None) -> int | None:
    """The event an ending ends, from whichever of --breaks and --withdraws was given."""
    if breaks is not None and withdraws is not None:
        from signals.errors import UsageError

        raise UsageError("Give --breaks or --withdraws, not both: an event ends one earlier event.")
    return breaks if breaks is not None else withdraws


def _refuse_wrong_ending_flag(
    catalogue: "Catalogue", indicator_id: str, breaks: int | None, withdraws: int | None
) -> None:
    """--breaks ends a truce or a pledge, --withdraws a standing position: the other flag
    for the indicator is a usage error naming the right one. An indicator that declares
    neither is the event model's to refuse."""
    from signals.errors import UsageError
    from signals.events import ending_flag_problem

    flag = "--breaks" if breaks is not None else "--withdraws" if withdraws is not None else None
    indicator = catalogue.by_id.get(indicator_id)
    if flag is None or indicator is None or indicator.ending() is None:
        return
    problem = ending_flag_problem(indicator, flag)
    if problem:
        raise UsageError(problem[0].upper() + problem[1:] + ".")


@commands.command("log")
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
    observed: ObservedOption = None,
    source: SourceOption = None,
    url: UrlOption = None,
    reliability: ReliabilityOption[str] = "F",
    credibility: CredibilityOption[str] = "6",
    status: StatusOption[EvidenceStatus] = "reported",
    location: LocationOption = None,
    analyst: AnalystOption = None,
    tag: TagOption = None,
    notes: NotesOption = None,
    variant: VariantOption = None,
    breaks: BreaksOption = None,
    withdraws: WithdrawsOption = None,
    observation: ObservationOption = None,
    alternative: AlternativeOption = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never ask for what is left out: it is an error."),
    ] = False,
    as_json: JsonOption = False,
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
        "variant": variant,
        "ends": _ends(breaks, withdraws),
        "observation": observation,
        "alternative": alternative,
    }
    if interactive:
        left_out = {
            name for name in ("indicator", "variant", "summary", "source") if fields[name] is None
        }
        if observed is None:
            left_out.add("observed_at")
        left_out.update(
            name for name in ("reliability", "credibility", "status") if _from_default(ctx, name)
        )
        event = prompts.ask_for_event(catalogue, fields, left_out)
    else:
        event = parse_event(fields, catalogue)
    _refuse_wrong_ending_flag(catalogue, event.indicator, breaks, withdraws)
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


@group.command("list")
def list_events(
    ctx: typer.Context,
    indicator: IndicatorFilterOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    include_retracted: Annotated[
        bool, typer.Option("--include-retracted", help="Also list retracted events.")
    ] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List events, oldest observation first."""
    from signals.store import EventFilter

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


@group.command("show")
def show_event(
    ctx: typer.Context,
    event_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", parser=parse_event_id, help="The event id.", autocompletion=event_ids
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one event with its revisions and retraction."""
    current = session(ctx)
    store = current.store()
    event = store.get(event_id)
    revisions = store.revisions(event_id)
    edits = store.edits(event_id)
    if as_json:
        from signals.render.documents import event_detail_document

        print_json(event_detail_document(event, revisions, edits))
        return
    from signals.cli.output import stdout_console
    from signals.render.terminal import event_detail

    try:
        catalogue = current.catalogue()
    except Exception:
        catalogue = None
    stdout_console().print(event_detail(event, revisions, catalogue, edits))


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


@group.command("edit")
def edit_event(
    ctx: typer.Context,
    event_id: CurrentEventId,
    indicator: Annotated[
        str | None,
        typer.Option(
            "--indicator",
            metavar="INDICATOR",
            help="The indicator id.",
            autocompletion=indicator_ids,
        ),
    ] = None,
    summary: Annotated[str | None, typer.Option(help="What happened.")] = None,
    observed: ObservedOption = None,
    source: SourceOption = None,
    url: UrlOption = None,
    reliability: ReliabilityOption[str | None] = None,
    credibility: CredibilityOption[str | None] = None,
    status: StatusOption[EvidenceStatus | None] = None,
    location: LocationOption = None,
    analyst: Annotated[str | None, typer.Option(help="Who logged it.")] = None,
    tag: TagOption = None,
    notes: NotesOption = None,
    variant: VariantOption = None,
    breaks: BreaksOption = None,
    withdraws: WithdrawsOption = None,
    observation: ObservationOption = None,
    alternative: AlternativeOption = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why the event is corrected, kept with the revision.", metavar="TEXT"),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            envvar="SIGNALS_ANALYST",
            metavar="NAME",
            help="Your name, recorded with the correction (--analyst changes who logged the"
            " event).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Correct an event: a new revision is stored and the old one kept, with the reason
    and your name (`signals events show ID` lists them).

    An empty text (--variant '', --observation '', --alternative '') clears the field."""
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
        "variant": variant,
        "ends": _ends(breaks, withdraws),
        "observation": observation,
        "alternative": alternative,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        raise typer.BadParameter("Name at least one field to change, e.g. --status confirmed.")
    if indicator:
        catalogue.indicator(indicator.strip().lower())
    merged = store.get(event_id).as_input() | changes
    if "ends" in changes and "variant" not in changes:
        merged["variant"] = None  # an ending is read as its breach or withdrawal
    event = parse_event(merged, catalogue)
    _refuse_wrong_ending_flag(catalogue, event.indicator, breaks, withdraws)
    updated = store.edit(event_id, event, reason=reason, analyst=by)
    if as_json:
        from signals.render.documents import event_document

        print_json(event_document(updated))
    else:
        message(f"Event #{updated.id} is now at revision {updated.revision}.")


@group.command("retract")
def retract_event(
    ctx: typer.Context,
    event_id: CurrentEventId,
    reason: Annotated[str, typer.Option(help="Why the event is withdrawn.")],
    analyst: AnalystOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw an event with a reason; it stays on record but stops counting."""
    event = session(ctx).store().retract(event_id, reason, analyst=analyst)
    if as_json:
        from signals.render.documents import event_document

        print_json(event_document(event))
    else:
        message(f"Event #{event.id} retracted.")
