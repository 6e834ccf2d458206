"""The file an import reads: opened and decoded, and read as JSON when it is an export
in JSON or NDJSON, whose events become rows of the CSV columns.

`signals export` writes CSV, JSON (an array of events) and NDJSON (an event a line);
`signals import` reads all three back. A JSON event names the event it ends by `ends`,
its id in the database it came from, which is read as the CSV's `breaks` or `withdraws`:
by the external id of that event where the file gave it one, else by the id, as a CSV
export names it."""

from __future__ import annotations

import codecs
import io
import itertools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from signals.errors import SignalsError, UsageError
from signals.events import ENDING_COLUMNS, FILE_COLUMNS
from signals.exporter import neutralise
from signals.likelihoods import WITHDRAWAL


@dataclass
class Reading:
    """How a file is read, and what reading it left out."""

    # Columns (or JSON fields) that are no event's are left out rather than refused.
    ignore_unknown: bool = False
    ignored: list[str] = field(default_factory=list)
    # Retracted events in a JSON export, which an import would count again as live.
    retracted: int = 0
    # Set by a JSON file: what it leaves out is learned row by row, in this process.
    in_process: bool = False

    def ignore(self, names: list[str]) -> None:
        self.ignored.extend(name for name in names if name not in self.ignored)


def unknown_columns_error(names: list[str], where: str = "") -> SignalsError:
    plural = len(names) > 1
    return SignalsError(
        f"Unknown {'columns' if plural else 'column'} {', '.join(repr(n) for n in names)}{where};"
        f" expected some of {', '.join(FILE_COLUMNS)} (give --ignore-unknown to import"
        f" without {'them' if plural else 'it'}, or --map to read another format)."
    )


def decode(binary: IO[bytes], encoding: str | None) -> IO[str]:
    """Text from bytes: UTF-8 with or without BOM unless told otherwise."""
    name = encoding or "utf-8-sig"
    try:
        codecs.lookup(name)
    except LookupError:
        raise UsageError(f"Unknown encoding '{name}'.") from None
    return io.TextIOWrapper(binary, encoding=name, errors="strict", newline="")


def open_input(path: str, encoding: str | None) -> IO[str]:
    if path == "-":
        return decode(sys.stdin.buffer, encoding)
    try:
        return decode(open(path, "rb"), encoding)
    except FileNotFoundError:
        raise SignalsError(f"File {path} does not exist.") from None
    except IsADirectoryError:
        raise SignalsError(f"{path} is a directory, not a CSV file.") from None
    except OSError as error:
        raise SignalsError(f"Cannot read {path}: {error.strerror}.") from None


def encoding_error(line: int, error: UnicodeError) -> SignalsError:
    if not isinstance(error, UnicodeDecodeError):
        # A decoder that refuses the whole stream, as UTF-16 without a byte-order mark.
        return SignalsError(
            f"The file cannot be read in the encoding named ({error});"
            " save it as UTF-8 or name its encoding with --encoding (e.g. --encoding cp1252)."
        )
    # The text layer decodes a chunk of lines at a time: count the lines of the chunk
    # before the bad byte to name the line it is on.
    if isinstance(error.object, bytes | bytearray):
        line += error.object[: error.start].count(b"\n")
    return SignalsError(
        f"The file is not valid {error.encoding.upper().replace('-SIG', '')} near line {line};"
        " save it as UTF-8 or name its encoding with --encoding (e.g. --encoding cp1252)."
    )


def is_json(first_line: str) -> bool:
    """Whether a file whose first line this is holds JSON (an array, or an object a line)
    rather than CSV, whose header begins with a column name."""
    return first_line.lstrip()[:1] in ("[", "{")


# What an export adds to an event's fields: read for what it says, never stored as given.
_EXPORTED = frozenset({"id", "ends", "logged_at", "revision", "retracted"})
_KNOWN = frozenset(FILE_COLUMNS) | _EXPORTED
CHUNK_CHARACTERS = 64 * 1024
# An event is at most some tens of kilobytes; a JSON value that never closes is a mistake,
# and would otherwise be read into memory to its end.
LONGEST_EVENT_CHARACTERS = 16 * 1024 * 1024


def read_json(
    first: str, text: IO[str], reading: Reading
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The rows of a JSON or NDJSON export, as `signals.importer.read_cells` gives a CSV's:
    the file's columns and (line number, cells) for each event, the line being the one
    its object begins on."""
    reading.in_process = True
    events = _array(first, text) if first.lstrip().startswith("[") else _lines(first, text)

    def rows() -> Iterator[tuple[int, list[str]]]:
        external_ids: dict[int, str] = {}
        for line, event in events:
            cells = _cells(line, event, external_ids, reading)
            if cells is not None:
                yield line, cells

    return list(FILE_COLUMNS), rows()


def _lines(first: str, text: IO[str]) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(itertools.chain([first], _text_lines(text)), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise SignalsError(
                f"Line {number}: the JSON is malformed ({error.msg}); an NDJSON file has"
                " one event object on each line."
            ) from None


def _text_lines(text: IO[str]) -> Iterator[str]:
    number = 1
    try:
        for line in text:
            number += 1
            yield line
    except UnicodeError as error:
        raise encoding_error(number, error) from None


class _Array:
    """The objects of a JSON array, read from the stream a chunk at a time."""

    def __init__(self, first: str, text: IO[str]) -> None:
        self.text = text
        self.buffer = first
        self.position = first.index("[") + 1
        self.line = 1 + first.count("\n", 0, self.position)
        self.ended = False

    def _more(self) -> bool:
        """Read on; False at the end of the file."""
        if self.ended:
            return False
        if self.position > CHUNK_CHARACTERS:
            self.buffer = self.buffer[self.position :]
            self.position = 0
        pending = len(self.buffer) - self.position
        if pending > LONGEST_EVENT_CHARACTERS:
            raise SignalsError(f"Line {self.line}: an event of the JSON file never ends.")
        try:
            chunk = self.text.read(max(CHUNK_CHARACTERS, pending))
        except UnicodeError as error:
            raise encoding_error(self.line, error) from None
        self.ended = not chunk
        self.buffer += chunk
        return bool(chunk)

    def _next_character(self) -> str:
        """The next character that is not white space ('' at the end), consumed."""
        while True:
            end = _SPACE.match(self.buffer, self.position).end()  # type: ignore[union-attr]
            self.line += self.buffer.count("\n", self.position, end)
            self.position = end
            if end < len(self.buffer):
                self.position += 1
                return self.buffer[end]
            if not self._more():
                return ""

    def _value(self) -> Any:
        while True:
            start = self.position
            try:
                value, end = _DECODER.raw_decode(self.buffer, start)
            except json.JSONDecodeError as error:
                # Cut off at the end of what has been read so far (within a word such as
                # `null` of it, or inside a string), or wrong where it stands.
                cut_off = error.pos + _LONGEST_WORD >= len(self.buffer) or error.msg.startswith(
                    "Unterminated"
                )
                if cut_off and self._more():
                    continue
                line = self.line + self.buffer.count("\n", start, error.pos)
                raise SignalsError(f"Line {line}: the JSON is malformed ({error.msg}).") from None
            self.line += self.buffer.count("\n", start, end)
            self.position = end
            return value

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        character = self._next_character()
        if character == "]":
            self._end()
            return
        while True:
            if character != "{":
                raise SignalsError(
                    f"Line {self.line}: each item of a JSON file of events is an object of an"
                    " event's fields."
                )
            self.position -= 1
            line = self.line
            yield line, self._value()
            character = self._next_character()
            if character == "]":
                self._end()
                return
            if character != ",":
                raise SignalsError(f"Line {self.line}: the JSON is malformed (expected , or ]).")
            character = self._next_character()

    def _end(self) -> None:
        if self._next_character():
            raise SignalsError(f"Line {self.line}: the file goes on after its JSON array ends.")


_DECODER = json.JSONDecoder()
_LONGEST_WORD = len("false")
_SPACE = re.compile(r"[ \t\r\n]*")


def _array(first: str, text: IO[str]) -> Iterator[tuple[int, Any]]:
    return iter(_Array(first, text))


def _cells(
    line: int, event: Any, external_ids: dict[int, str], reading: Reading
) -> list[str] | None:
    """An event object's cells in `FILE_COLUMNS` order, as a CSV export would have them;
    None for a retracted event, which is left out."""
    if not isinstance(event, dict):
        raise SignalsError(f"Line {line}: each event of a JSON file is an object of its fields.")
    unknown = [name for name in event if name not in _KNOWN]
    if unknown:
        if not reading.ignore_unknown:
            raise unknown_columns_error(unknown, f" on line {line}")
        reading.ignore(unknown)
    own_id, external_id = event.get("id"), event.get("external_id")
    if isinstance(own_id, int) and isinstance(external_id, str) and external_id.strip():
        external_ids[own_id] = external_id.strip()
    if event.get("retracted") is True:
        reading.retracted += 1
        return None
    fields = dict(event)
    ends = fields.get("ends")
    if ends is not None and not any(fields.get(column) for column in ENDING_COLUMNS):
        column = "withdraws" if fields.get("variant") == WITHDRAWAL else "breaks"
        fields[column] = external_ids.get(ends, ends) if isinstance(ends, int) else ends
    return [_cell(line, name, fields.get(name)) for name in FILE_COLUMNS]


def _cell(line: int, name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A cell is read as a CSV export's, whose apostrophes before formulas are undone.
        return neutralise(value)
    if isinstance(value, bool):
        raise SignalsError(f"Line {line}: {name} is true or false, not a value of an event.")
    if isinstance(value, int | float):
        return str(value)
    if name == "tags" and isinstance(value, list) and all(isinstance(t, str) for t in value):
        return neutralise(";".join(value))
    raise SignalsError(f"Line {line}: {name} is a JSON {type(value).__name__}, not text.")
