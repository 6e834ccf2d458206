"""Judging an import's rows: one outcome per row (the table row to insert, one that ends
an earlier event, a rejection, or not tracked), in one process, or split between the
process that reads the file and the one that writes the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from signals import offload
from signals.catalogue import Catalogue
from signals.events import (
    ENDING_COLUMNS,
    REQUIRED_FIELDS,
    InvalidEventError,
    ending_flag_problem,
    parse_event,
)
from signals.exporter import restore
from signals.fastpath import FastRows


class RowMapping(Protocol):
    """Turns a foreign file's rows into event fields (see `signals.mapping`)."""

    @property
    def delimiter(self) -> str | None: ...

    @property
    def columns(self) -> Sequence[str] | None: ...

    def check_header(self, header: list[str]) -> None: ...

    def apply(self, row: dict[str, str]) -> dict[str, Any] | None: ...


def as_row(header: list[str], values: list[str]) -> dict[str, str]:
    """A row's cells by column; a row of the wrong width keeps its cells under their columns
    (so a rejects file stays one table) and says what was wrong with it."""
    if len(values) == len(header):
        return dict(zip(header, values, strict=True))
    cells = dict(zip(header, [*values, *[""] * len(header)], strict=False))
    return {**cells, "__width__": _width(values, header)}


def _width(values: list[str], header: list[str]) -> str:
    return f"{len(values)} cells for {len(header)} columns"


class Cells:
    """Turns a row of this file's cells into event fields, with the header read once."""

    def __init__(self, header: list[str]) -> None:
        self.names = [name.lower() for name in header]
        self.width = len(header)
        self.required = frozenset(REQUIRED_FIELDS)

    def fields(self, values: list[str]) -> dict[str, Any]:
        # An empty optional cell means "not given", as if the column were absent: the
        # model's default applies (an ungraded source is F6, not an error).
        if len(values) != len(self.names):
            raise InvalidEventError([("row", f"has {_width(values, self.names)}")])
        return {
            name: restore(value) if value[:1] == "'" else value
            for name, value in zip(self.names, values, strict=True)
            if (value and not value.isspace()) or name in self.required
        }


@dataclass(frozen=True)
class Ending:
    """A valid row that ends an earlier event, which is found when it is inserted: the
    event may be on record, or earlier in the same file."""

    line: int
    values: list[str]
    row: tuple[Any, ...]
    column: str  # breaks or withdraws
    reference: str  # an external id, or an event id


@dataclass(frozen=True)
class Rejected:
    line: int
    values: list[str]
    problems: list[tuple[str, str]]
    # A mapped row's event fields: its problems name these, not the file's columns.
    mapped: dict[str, Any] | None = None


# What a row is: the table row to insert, one that ends an earlier event, a rejection,
# or None (not tracked).
Outcome = tuple[Any, ...] | Ending | Rejected | None
Rows = Iterator[tuple[int, list[str]]]


class RowChecker:
    """Judges rows, one outcome per row, with what it learns (the header's layout, the
    dates already judged) kept from one batch of rows to the next."""

    def __init__(
        self,
        header: list[str],
        mapping: RowMapping | None,
        catalogue: Catalogue,
        today: dt.date | None,
    ) -> None:
        self.header = header
        self.mapping = mapping
        self.catalogue = catalogue
        self.today = today
        self.cells = Cells(header)
        self.fast = FastRows(catalogue, today)
        self.take = self.fast.taker(self.cells.names)

    def __call__(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[Outcome]:
        cells, fast, take, mapping = self.cells, self.fast, self.take, self.mapping
        catalogue, today = self.catalogue, self.today
        for line, values in rows:
            fields: dict[str, Any] | None = None
            try:
                if mapping is None:
                    # Most rows need none of the model's judgement; the rest get all of it.
                    row = fast.cells(values, take) if len(values) == cells.width else None
                    yield row or _modelled(line, values, cells.fields(values), catalogue, today)
                    continue
                fields = _mapped(self.header, values, mapping)
                if fields is None:
                    yield None
                    continue
                yield fast.row(fields) or parse_event(fields, catalogue, today).values()
            except InvalidEventError as invalid:
                yield Rejected(line, values, invalid.problems, fields)


# Of every SHARE batches the reading process reads, it checks all but the last and passes
# that one on unchecked: the writing process checks it in the time it would otherwise
# spend waiting. A quarter makes a million-row import about 5 % faster on two cores; a
# third or a half leave the writing process the slower one (measured).
SHARE = 4


@dataclass(frozen=True)
class Unchecked:
    """Rows the reading process passes on for the writing process to check."""

    rows: list[tuple[int, list[str]]]


def shared(rows: Rows, check: RowChecker, batch: int | None = None) -> Iterator[Any]:
    """In the reading process: each row's outcome, in order, but for every SHARE-th batch
    of rows, which goes on unchecked. A row that cannot be read (a bad encoding) is raised
    after the outcomes of the rows before it, as when one process does both."""
    size = batch or offload.CHUNK
    taken: list[tuple[int, list[str]]] = []
    number = 0
    while True:
        # Only reading is guarded: an error while checking is the checker's to raise, and
        # catching it here would check the same batch twice.
        try:
            row = next(rows, None)
        except Exception:
            yield from _pass_on(number, taken, check)
            raise
        if row is None:
            break
        taken.append(row)
        if len(taken) == size:
            yield from _pass_on(number, taken, check)
            number, taken = number + 1, []
    yield from _pass_on(number, taken, check)


def _pass_on(number: int, taken: list[tuple[int, list[str]]], check: RowChecker) -> Iterator[Any]:
    if not taken:
        return
    if number % SHARE == SHARE - 1:
        yield Unchecked(taken)
    else:
        yield from check(taken)


def checked_here(items: Iterator[Any], check: RowChecker) -> Iterator[Outcome]:
    """The outcomes of the reading process, with the rows it passed on checked here."""
    for item in items:
        if isinstance(item, Unchecked):
            yield from check(item.rows)
        else:
            yield item


# The event an ending names is found at insert time; until then the model judges the row
# as one that ends some event.
_SOME_EVENT = 1


def _modelled(
    line: int,
    values: list[str],
    fields: dict[str, Any],
    catalogue: Catalogue,
    today: dt.date | None,
) -> tuple[Any, ...] | Ending:
    """A row judged by the model; one with `breaks` or `withdraws` becomes an `Ending`."""
    given = [(column, fields.pop(column)) for column in ENDING_COLUMNS if column in fields]
    if not given:
        return parse_event(fields, catalogue, today).values()
    if len(given) > 1:
        raise InvalidEventError(
            [("withdraws", "is given with breaks: an event breaks or withdraws one event")]
        )
    column, reference = given[0]
    reference = str(reference).strip()
    indicator = catalogue.by_id.get(str(fields.get("indicator", "")).strip().lower())
    problem = ending_flag_problem(indicator, column) if indicator else None
    if problem:
        raise InvalidEventError([(column, problem)])
    fields["ends"] = _SOME_EVENT
    event = parse_event(fields, catalogue, today)
    return Ending(line, values, event.values(), column, reference)


def _mapped(header: list[str], values: list[str], mapping: RowMapping) -> dict[str, Any] | None:
    raw = as_row(header, values)
    if "__width__" in raw:
        raise InvalidEventError([("row", f"has {raw['__width__']}")])
    try:
        return mapping.apply(raw)
    except ValueError as error:
        raise InvalidEventError([("row", str(error))]) from None
