"""The options more than one command takes, each declared once with one help text.

A command names an option by its alias (`as_json: JsonOption = False`), so that the same
flag means the same thing, is parsed the same way and is explained in the same words
everywhere. An alias with a type parameter (`FormatOption[ReportFormat]`) is one option
whose values differ between commands.

Without postponed annotations, as the command modules: Typer reads these at start-up."""

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import typer

from signals.cli.completion import current_event_ids, indicator_ids, variant_names
from signals.cli.context import parse_date

T = TypeVar("T")

# Output.
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
FormatOption = Annotated[T, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of stdout (- is stdout).",
        dir_okay=False,
        allow_dash=True,
    ),
]


def output_file(output: Path | None) -> Path | None:
    """The file to write, or None for standard output: `-o -` means stdout, as in every
    Unix tool, never a file called `-`."""
    return None if output is None or str(output) == "-" else output


def format_for(given: T | None, output: Path | None, by_suffix: Mapping[str, T], default: T) -> T:
    """The format asked for; without one, the output file's extension names it (so that
    `-o brief.html` is HTML), and standard output gets `default`. An extension that names
    no format is refused rather than guessed."""
    if given is not None:
        return given
    target = output_file(output)
    if target is None:
        return default
    suffix = target.suffix.lower()
    if suffix in by_suffix:
        return by_suffix[suffix]
    from signals.errors import UsageError

    known = ", ".join(sorted(by_suffix))
    named = f"the extension {suffix}" if suffix else "no extension"
    raise UsageError(
        f"{target.name} has {named}, which names no format: use one of {known}, or --format."
    )


# Scoring: `status` and `report`.
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of", parser=parse_date, metavar="DATE", help="Score as of this date (default today)."
    ),
]
AsKnownOption = Annotated[
    bool,
    typer.Option(
        "--as-known",
        help="Only what had been logged by the end of the as-of date (UTC, as log times are"
        " stored, so every analyst of a shared database sees the same past): reproduces what"
        " was reported then.",
    ),
]
PriorOption = Annotated[
    float | None,
    typer.Option(
        "--prior", min=0.001, max=0.999, help="Override the catalogue's prior probability."
    ),
]

# Which events: `events list` and `export`.
IndicatorFilterOption = Annotated[
    str | None,
    typer.Option(
        "--indicator",
        metavar="INDICATOR",
        help="Only events of this indicator.",
        autocompletion=indicator_ids,
    ),
]
SinceOption = Annotated[
    dt.date | None,
    typer.Option(
        "--since", parser=parse_date, metavar="DATE", help="Observed on or after this date."
    ),
]
UntilOption = Annotated[
    dt.date | None,
    typer.Option(
        "--until", parser=parse_date, metavar="DATE", help="Observed on or before this date."
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        metavar="WORDS",
        help="Only events whose summary, notes or source hold every one of these words, in"
        " any order. A word also finds the words it begins (ceasefir finds ceasefire); case"
        " and accents are ignored; quotes and operators are read as plain text.",
    ),
]

# An event's fields: `log` and `events edit` (T is the type with or without None).
EvidenceStatus = Literal["reported", "confirmed", "refuted"]
ObservedOption = Annotated[
    dt.date | None,
    typer.Option(
        "--observed",
        parser=parse_date,
        metavar="DATE",
        help="When it happened (for a new event, default today).",
    ),
]
SourceOption = Annotated[str | None, typer.Option("--source", help="Who reported it.")]
UrlOption = Annotated[str | None, typer.Option("--url", help="Where it was reported.")]
ReliabilityOption = Annotated[
    T,
    typer.Option(
        "--reliability",
        "-r",
        metavar="A-F",
        help="Source reliability, A (completely reliable) to F (cannot be judged).",
    ),
]
CredibilityOption = Annotated[
    T,
    typer.Option(
        "--credibility",
        "-c",
        metavar="1-6",
        help="Information credibility, 1 (confirmed) to 6 (cannot be judged).",
    ),
]
StatusOption = Annotated[T, typer.Option("--status", help="Evidence status.", case_sensitive=False)]
LocationOption = Annotated[str | None, typer.Option("--location", help="Where it happened.")]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", help="A tag; repeat for more. Given to an edit, they replace the event's tags."
    ),
]
NotesOption = Annotated[str | None, typer.Option("--notes", help="Free-text notes.")]
# Who logs or retracts an event (an edit names the analyst of the event instead).
AnalystOption = Annotated[
    str | None,
    typer.Option(
        "--analyst",
        envvar="SIGNALS_ANALYST",
        help="Your name, recorded with what you log or retract.",
    ),
]

# How an event is read: `log` and `events edit`.
VariantOption = Annotated[
    str | None,
    typer.Option(
        "--variant",
        metavar="NAME",
        help="Which of the indicator's variants the event is (`signals indicators show ID`"
        " lists them); left out, the indicator's default reading.",
        autocompletion=variant_names,
    ),
]
BreaksOption = Annotated[
    int | None,
    typer.Option(
        "--breaks",
        metavar="ID",
        min=1,
        help="The earlier event (of the same indicator) this one breaks: a truce violated,"
        " a pledge gone back on.",
        autocompletion=current_event_ids,
    ),
]
WithdrawsOption = Annotated[
    int | None,
    typer.Option(
        "--withdraws",
        metavar="ID",
        min=1,
        help="The earlier event (of the same standing indicator) this one withdraws: a"
        " stated demand dropped.",
        autocompletion=current_event_ids,
    ),
]
ObservationOption = Annotated[
    str | None,
    typer.Option(
        "--observation",
        metavar="KEY",
        help="A key the events of one observation share (one speech read under several"
        " indicators): together they count no more than the strongest reading.",
    ),
]
AlternativeOption = Annotated[
    str | None,
    typer.Option(
        "--alternative",
        metavar="INDICATOR",
        help="Another indicator the event could also be filed under.",
        autocompletion=indicator_ids,
    ),
]
