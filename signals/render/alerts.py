"""What `signals check` found and the alerts on record: for the terminal, and as the plain
text a notification carries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from signals.alerts import Alert
    from signals.catalogue import Catalogue
    from signals.checking import CheckOutcome

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def compared_with(outcome: CheckOutcome) -> str:
    """What the check was compared with, in words."""
    previous = outcome.previous
    if previous is None:
        return "the state with nothing on record (the first check)"
    return f"the check of {previous.as_of} (run {previous.checked_at})"


def check_summary(outcome: CheckOutcome) -> str:
    """One line on what the check did, for standard error."""
    count = len(outcome.fired)
    fired = (
        "nothing fired"
        if not count
        else f"{count} tripwire{'s' if count != 1 else ''} fired"
        + (f" (alert{'s' if count != 1 else ''} {_ids(outcome.alerts)})" if outcome.alerts else "")
    )
    line = f"Checked {outcome.as_of} against {compared_with(outcome)}: {fired}."
    if not outcome.recorded:
        line += (
            f" Not recorded: {outcome.checked_later} was checked already, and the record"
            " keeps the order in which days were checked."
        )
    return line


def _ids(alerts: Sequence[Alert]) -> str:
    return ", ".join(f"#{a.id}" for a in alerts)


def check_view(outcome: CheckOutcome) -> list[RenderableType]:
    """One block per tripwire that fired: severity, id, message, and what crossed the line."""
    from rich.text import Text

    parts: list[RenderableType] = []
    ids: list[int | None] = [a.id for a in outcome.alerts] or [None] * len(outcome.fired)
    for alert_id, firing in zip(ids, outcome.fired, strict=True):
        heading = Text()
        heading.append(firing.severity.upper(), style=SEVERITY_STYLE.get(firing.severity, ""))
        heading.append(f"  {firing.tripwire}", style="bold")
        if alert_id is not None:
            heading.append(f"  (alert #{alert_id})", style="dim")
        parts.append(heading)
        parts.append(Text(f"  {firing.message}"))
        parts.append(Text(f"  {firing.detail}", style="dim"))
    return parts


def alerts_table(alerts: Sequence[Alert]) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    table = Table(expand=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("day", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("tripwire", no_wrap=True)
    table.add_column("what crossed", min_width=20)
    table.add_column("acknowledged", min_width=12)
    for alert in alerts:
        table.add_row(
            str(alert.id),
            alert.as_of.isoformat(),
            Text(alert.severity, style=SEVERITY_STYLE.get(alert.severity, "")),
            Text(alert.tripwire),
            Text(alert.detail),
            Text(acknowledgement(alert) or "no", style="" if alert.acknowledged else "bold"),
        )
    return table


def acknowledgement(alert: Alert) -> str | None:
    """ "2024-06-21 by Ann: briefed the desk", or None while unacknowledged."""
    if alert.acknowledged_at is None:
        return None
    who = f" by {alert.analyst}" if alert.analyst else ""
    return f"{alert.acknowledged_at[:10]}{who}: {alert.note}"


def notice(outcome: CheckOutcome, catalogue: Catalogue) -> tuple[str, str]:
    """The subject and plain text of a notification of what fired."""
    fired = outcome.fired
    worst = next(
        (s for s in ("critical", "warning", "info") if any(f.severity == s for f in fired)), "info"
    )
    count = len(fired)
    subject = (
        f"signals: {count} tripwire{'s' if count != 1 else ''} fired"
        f" ({worst}) in {catalogue.catalogue.id}, {outcome.as_of}"
    )
    state = outcome.state
    from signals.hypotheses import ranked

    hypotheses = state.hypotheses
    reached = [str(stage) for stage, is_reached in sorted(state.stages.items()) if is_reached]
    lines = [
        f"{catalogue.catalogue.title}: checked {outcome.as_of} against {compared_with(outcome)}.",
        "Now: "
        + ", ".join(f"{name} {round(100 * hypotheses[name])}%" for name in ranked(hypotheses))
        + f"; stages reached: {', '.join(reached) or 'none'}.",
        "",
    ]
    ids = [f"alert #{a.id}" for a in outcome.alerts] or [""] * count
    # The gravest first: a reader of the mail may read no further than the first.
    order = {"critical": 0, "warning": 1, "info": 2}
    listed = sorted(zip(ids, fired, strict=True), key=lambda item: order.get(item[1].severity, 3))
    for label, firing in listed:
        suffix = f" ({label})" if label else ""
        lines += [
            f"{firing.severity.upper()}: {firing.tripwire}{suffix}",
            f"  {firing.message}",
            f"  {firing.detail}",
            "",
        ]
    lines.append("Acknowledge with: signals alerts ack ID --note TEXT")
    return subject, "\n".join(lines) + "\n"
