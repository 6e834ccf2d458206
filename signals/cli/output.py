"""Consoles and plain output: data to stdout, messages to stderr, colour only for terminals.

Every message for the person at the terminal goes through `message`, so `--quiet` silences
them all in one place; errors, warnings and data are never silenced."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from signals.text import one_line, printable

if TYPE_CHECKING:
    from rich.console import Console

_quiet = False


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def is_quiet() -> bool:
    return _quiet


def _no_color() -> bool | None:
    # rich also drops colour when the stream is not a terminal; NO_COLOR drops it everywhere.
    return bool(os.environ.get("NO_COLOR")) or None


EXIT_READER_GONE = 128 + 13  # as a shell reports a command ended by SIGPIPE


def reader_gone() -> None:
    """The reader of stdout stopped early (`signals export | head`): end as a command
    killed by SIGPIPE does, quietly and with its exit status."""
    # What is still buffered would fail again when Python flushes it at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_READER_GONE)


# Wide enough that no line of a table or paragraph is broken when stdout is a file or a
# pipe: what reads it (a file, grep, a diff) has no width to fit.
PIPED_WIDTH = 10_000


def _piped_width() -> int | None:
    """The width for stdout: the terminal's (or COLUMNS, when set) on a terminal or when
    asked for, else no limit to speak of (rich would take 80 columns)."""
    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return None
    return PIPED_WIDTH


def stdout_console() -> Console:
    from signals.render.console import DataConsole

    console = DataConsole(no_color=_no_color(), highlight=False, width=_piped_width())
    console.on_broken_pipe = reader_gone  # type: ignore[method-assign]
    return console


def stderr_console() -> Console:
    from signals.render.console import DataConsole

    return DataConsole(stderr=True, no_color=_no_color(), highlight=False)


class _EscapedOutput:
    """Writes JSON text with C1 controls and line separators as \\u escapes (JSON escapes
    the C0 ones itself): the same document, which a terminal cannot act on."""

    def write(self, text: str) -> None:
        sys.stdout.write(text if text.isprintable() else text.translate(_JSON_ESCAPES))


_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), 0x2028, 0x2029]}


_PIECE = 1 << 16


def print_json(document: Any) -> None:
    """A document on stdout: indented for a person at a terminal, one line for a program.

    A program reads both alike, and the one-line form is written by the json module's C
    encoder (`dumps` uses it, `dump` never does), several times faster on a report's
    thousands of events than the indenting one.
    """
    indent = 2 if sys.stdout.isatty() else None
    text = json.dumps(document, ensure_ascii=False, indent=indent, default=str)
    # Written in pieces: one large write to a pipe whose reader has gone is cut short
    # without an error, and the command would not know to stop (see `reader_gone`).
    output = _EscapedOutput()
    for start in range(0, len(text), _PIECE):
        output.write(text[start : start + _PIECE])
    sys.stdout.write("\n")


def message(text: str) -> None:
    """A message for the person at the terminal, never mixed with data on stdout."""
    if not _quiet:
        sys.stderr.write(printable(text) + "\n")


def warning(text: str) -> None:
    """A warning that what follows may be wrong: shown even with --quiet, as errors are."""
    sys.stderr.write(f"Warning: {printable(text)}\n")


def error(text: str, details: Iterable[str] = ()) -> None:
    """An error and the lines that explain it: shown even with --quiet."""
    sys.stderr.write(f"Error: {one_line(text)}\n")
    for line in details:
        sys.stderr.write(f"  - {one_line(line)}\n")
