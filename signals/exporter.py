"""Export events as CSV, JSON or NDJSON, in the shape `signals import` reads back."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from signals.events import EVENT_FIELDS, Event

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


def write_csv(events: Iterable[Event], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_FIELDS)
    count = 0
    for event in events:
        document = event.public()
        writer.writerow([_csv_cell(document[column]) for column in EVENT_FIELDS])
        count += 1
    return count


def write_json(events: Iterable[Event], out: IO[str]) -> int:
    documents = [event.public() for event in events]
    # In pieces, as `signals.cli.output.print_json` writes, so a closed pipe is noticed.
    json.dump(documents, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(documents)


def write_ndjson(events: Iterable[Event], out: IO[str]) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event.public(), ensure_ascii=False) + "\n")
        count += 1
    return count


WRITERS = {"csv": write_csv, "json": write_json, "ndjson": write_ndjson}
