"""CSV import: every row validated by the event model, all rows written or none.

Rows are streamed: the file is never held in memory. The whole import runs in one
write transaction, so a crash or an invalid row leaves the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from signals import offload
from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.events import (
    FILE_COLUMNS,
    REQUIRED_FIELDS,
)
from signals.input_files import (
    Reading,
    encoding_error,
    is_json,
    read_json,
    unknown_columns_error,
)
from signals.row_checking import (
    Ending,
    Outcome,
    Rejected,
    RowChecker,
    RowMapping,
    as_row,
    checked_here,
    shared,
)
from signals.store import Store

BATCH_SIZE = 1_000
MAX_FIELD_BYTES = 64 * 1024 * 1024
ERRORS_KEPT = 20
csv.field_size_limit(MAX_FIELD_BYTES)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    not_tracked: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Left out by how the file was read: its unknown columns, its retracted events.
    ignored: list[str] = field(default_factory=list)
    retracted: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def summary(self) -> str:
        verb = "would insert" if self.dry_run else "inserted"
        text = f"{verb} {self.inserted}, duplicates {self.duplicates}, rejected {self.rejected}"
        if self.not_tracked:
            text += f", not tracked {self.not_tracked}"
        if self.retracted:
            text += f", retracted (left out) {self.retracted}"
        return text


class ImportAborted(SignalsError):
    """The file had invalid rows and nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(
            f"{report.rejected} of {report.rows} rows are invalid; nothing was imported"
            " (use --skip-invalid to import the valid rows)."
        )


def _sniff_delimiter(first_line: str) -> str:
    """Commas, unless the first line has more tabs; or semicolons, as spreadsheets save
    CSV where the comma is the decimal mark, when it has neither."""
    if ";" in first_line and "," not in first_line and "\t" not in first_line:
        return ";"
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_cells(
    text: IO[str], mapping: RowMapping | None = None, reading: Reading | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (line number, cells) for a CSV stream, or for a JSON
    export as if it were one; blank lines are skipped."""
    reading = reading or Reading()
    try:
        first = text.readline()
    except UnicodeError as error:
        raise encoding_error(1, error) from None
    if not first.strip():
        raise SignalsError("The file is empty: it has no header row.")
    if mapping is None and is_json(first):
        return read_json(first, text, reading)
    delimiter = (mapping.delimiter if mapping else None) or _sniff_delimiter(first)
    columns = mapping.columns if mapping else None
    if columns and _first_line_is_header(first, delimiter, columns):
        columns = None  # the file has a header row after all: read the names from it
    if columns:
        header = list(columns)
        pending = [first]
    else:
        header = next(csv.reader([first], delimiter=delimiter))
        header = [name.strip().lstrip("\ufeff") for name in header]
        pending = []
    rejects = mapping is None and _is_rejects_layout(header)
    if rejects:
        header = header[1:-1]
    dropped: frozenset[int] = frozenset()
    if mapping:
        mapping.check_header(header)
    else:
        dropped = _check_header(header, reading)
        header = [name for index, name in enumerate(header) if index not in dropped]
    offset = 0 if columns else 1

    def rows() -> Iterator[tuple[int, list[str]]]:
        # A line without a quote is split as it is, several times faster than the csv
        # module reads it; a line with one goes to the csv reader, which reads on from the
        # same lines when a quoted cell holds a line break.
        source = itertools.chain(pending, text)
        handed: list[str] = []

        def for_reader() -> Iterator[str]:
            while True:
                line = handed.pop() if handed else next(source, None)
                if line is None:
                    return
                yield line

        reader = csv.reader(for_reader(), delimiter=delimiter, strict=False)
        number = offset
        while True:
            try:
                line = next(source, None)
                if line is None:
                    return
                number += 1
                if '"' in line:
                    handed.append(line)
                    before = reader.line_num
                    values = next(reader)
                    number += reader.line_num - before - 1
                else:
                    values = line.rstrip("\r\n").split(delimiter)
                if rejects:
                    values = values[1:-1]
                if dropped:
                    values = [value for index, value in enumerate(values) if index not in dropped]
            except UnicodeError as error:
                raise encoding_error(number + 1, error) from None
            except csv.Error as error:
                raise SignalsError(f"Line {number}: the CSV is malformed ({error}).") from None
            joined = "".join(values)
            if joined and not joined.isspace():
                yield number, values

    return header, rows()


def _first_line_is_header(first: str, delimiter: str, columns: Sequence[str]) -> bool:
    """Whether a mapping that names its columns meets a file with a header row anyway.

    The first line is data only if it has exactly the mapping's columns and is not mostly
    their names; otherwise it is read as a header, so a file of another kind is refused
    by the mapping's header check (naming the missing columns) rather than row by row."""
    cells = [
        cell.strip().lstrip("\ufeff") for cell in next(csv.reader([first], delimiter=delimiter))
    ]
    if len(cells) != len(columns):
        return True
    named = [cell for cell in cells if cell]
    known = set(columns)
    return bool(named) and 2 * sum(cell in known for cell in named) > len(named)


def _is_rejects_layout(header: list[str]) -> bool:
    """Whether the header is that of a rejects file (`import --rejects`): `line` first,
    `reason` last, event columns between.

    The two columns say where a row came from and what was wrong with it; they are not
    event fields. Ignoring them exactly there lets a fixed rejects file be imported as it
    is, while a `line` or `reason` column anywhere else is still refused as unknown."""
    names = [name.lower() for name in header]
    return len(names) > 2 and names[0] == "line" and names[-1] == "reason"


def _check_header(header: list[str], reading: Reading) -> frozenset[int]:
    """The positions of the columns to leave out (unknown ones, if `reading` ignores them)."""
    unknown = [name for name in header if name.lower() not in FILE_COLUMNS]
    if unknown and not reading.ignore_unknown:
        raise unknown_columns_error(unknown)
    reading.ignore(unknown)
    lowered = [name.lower() for name in header if name.lower() in FILE_COLUMNS]
    missing = [name for name in REQUIRED_FIELDS if name not in lowered]
    if missing:
        raise SignalsError(
            f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."
        )
    duplicated = {name for name in lowered if lowered.count(name) > 1}
    if duplicated:
        raise SignalsError(f"Column {', '.join(sorted(duplicated))} appears more than once.")
    return frozenset(i for i, name in enumerate(header) if name.lower() not in FILE_COLUMNS)


def import_events(
    store: Store,
    catalogue: Catalogue,
    text: IO[str],
    *,
    mapping: RowMapping | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_reject: Callable[[int, dict[str, str], str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    ignore_unknown: bool = False,
    today: dt.date | None = None,
    now: str | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Validate and insert every row of `text`, in one transaction.

    Without `skip_invalid`, one invalid row means nothing is written: the transaction
    is rolled back after every row has been checked, so all errors are reported at once.
    `parallel` reads and checks the rows in a second process while this one writes; by
    default it does so for large files and pipes. `on_phase` is told of the work after the
    rows are in ("indexing", then "committing"), which takes seconds on a large import."""
    from signals.store import utc_now

    reading = Reading(ignore_unknown=ignore_unknown)
    header, rows = read_cells(text, mapping, reading)
    report = ImportReport(dry_run=dry_run, ignored=reading.ignored)
    stamp = now or utc_now()
    check = RowChecker(header, mapping, catalogue, today)
    checked: Iterator[Outcome] = check(rows)
    in_child = parallel if parallel is not None else _worth_a_second_process(text)
    # What a JSON file leaves out is counted as it is read, which must be in this process.
    in_child = in_child and not reading.in_process
    batch: list[tuple[Any, ...]] = []
    with store.bulk_import(stamp=stamp, rollback=dry_run) as bulk:
        from signals.store.bulk import UnresolvedEnding

        # Forked once the lock is held, so nothing can fail before its rows are read and
        # leave it waiting; the child never touches the connection.
        if in_child and offload.available():
            checked = checked_here(offload.in_child(shared(rows, check)), check)
        for outcome in checked:
            report.rows += 1
            if on_progress is not None and report.rows % 1000 == 0:
                on_progress(report.rows)
            if outcome is None:
                report.not_tracked += 1
                continue
            if isinstance(outcome, Rejected):
                _reject(report, outcome, header, on_reject)
                continue
            if report.rejected and not skip_invalid:
                # Nothing will be written: the events an ending names are not looked for.
                continue
            if isinstance(outcome, Ending):
                # It names an event on record or earlier in the file: those go in first.
                if batch:
                    report.inserted += bulk.insert(batch)
                    batch.clear()
                try:
                    report.inserted += bulk.insert_ending(outcome.row, outcome.reference)
                except UnresolvedEnding as unresolved:
                    rejected = Rejected(
                        outcome.line, outcome.values, [(outcome.column, str(unresolved))]
                    )
                    _reject(report, rejected, header, on_reject)
                continue
            batch.append(outcome)
            if len(batch) >= BATCH_SIZE:
                report.inserted += bulk.insert(batch)
                batch.clear()
        if batch and (skip_invalid or not report.rejected):
            report.inserted += bulk.insert(batch)
        report.duplicates = report.rows - report.rejected - report.not_tracked - report.inserted
        report.retracted = reading.retracted
        if report.rejected and not skip_invalid:
            report.duplicates = 0
            report.inserted = 0
            raise ImportAborted(report)
        if on_phase is not None and not dry_run:
            on_phase("indexing")
        bulk.finish()
        if on_phase is not None and not dry_run:
            on_phase("committing")
    report.written = not dry_run
    return report


PARALLEL_MIN_BYTES = 2 * 1024 * 1024


def _worth_a_second_process(text: IO[str]) -> bool:
    """Reading in a second process pays for the fork from a few megabytes on; a pipe
    (`signals import -`) is assumed to be large."""
    import stat

    try:
        mode = os.fstat(text.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    if stat.S_ISFIFO(mode.st_mode):
        return True
    return stat.S_ISREG(mode.st_mode) and mode.st_size >= PARALLEL_MIN_BYTES


def _reject(
    report: ImportReport,
    rejected: Rejected,
    header: list[str],
    on_reject: Callable[[int, dict[str, str], str], None] | None,
) -> None:
    report.rejected += 1
    raw = as_row(header, rejected.values)
    shown = {**(rejected.mapped or {}), **raw}
    for column, reason in rejected.problems:
        if len(report.errors) < ERRORS_KEPT:
            value = shown.get(column, shown.get(column.lower(), ""))
            report.errors.append(RowError(rejected.line, column, _preview(value), reason))
    if on_reject is not None:
        reasons = "; ".join(f"{column}: {reason}" for column, reason in rejected.problems)
        on_reject(rejected.line, raw, reasons)


def _preview(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
