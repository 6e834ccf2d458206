"""Export events as CSV, JSON or NDJSON, in the shape `signals import` reads back."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from signals.events import FILE_COLUMNS, Event
from signals.likelihoods import WITHDRAWAL

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula.

    A leading apostrophe is added before a trigger character, and before an apostrophe
    that already precedes one, so `restore` can undo it exactly."""
    stripped = value.lstrip("'")
    if stripped.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo `neutralise`: the inverse used by `signals import`."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(value)
    return neutralise(str(value))


def exported(event: Event, references: Mapping[int, str]) -> dict[str, Any]:
    """An event as exported: its JSON shape, with the event it ends named in the column
    `signals import` reads (`breaks` or `withdraws`) by the reference of `references`
    (its external id where it has one, else its id)."""
    document = event.public()
    document["breaks"] = document["withdraws"] = None
    if event.ends is not None:
        column = "withdraws" if event.variant == WITHDRAWAL else "breaks"
        document[column] = references.get(event.ends, str(event.ends))
    return document


def write_csv(events: Iterable[Event], out: IO[str], references: Mapping[int, str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FILE_COLUMNS)
    count = 0
    for event in events:
        document = exported(event, references)
        writer.writerow([_csv_cell(document[column]) for column in FILE_COLUMNS])
        count += 1
    return count


# JSON and NDJSON keep an event's own shape (`Event.public`, the event it ends by `ends`,
# its id), as `--json` prints it; `signals import` reads them back as it reads a CSV
# (see `signals.input_files`).


def write_json(events: Iterable[Event], out: IO[str], references: Mapping[int, str]) -> int:
    documents = [event.public() for event in events]
    # In pieces, as `signals.cli.output.print_json` writes, so a closed pipe is noticed.
    json.dump(documents, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(documents)


def write_ndjson(events: Iterable[Event], out: IO[str], references: Mapping[int, str]) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event.public(), ensure_ascii=False) + "\n")
        count += 1
    return count


WRITERS = {"csv": write_csv, "json": write_json, "ndjson": write_ndjson}
