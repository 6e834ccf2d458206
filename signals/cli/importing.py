"""The terminal side of an import: progress, the error table, the rejects file, the summary."""

from __future__ import annotations

import csv
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from signals.catalogue import Catalogue
from signals.cli.files import atomic_text_file
from signals.cli.output import message, stderr_console
from signals.errors import UsageError
from signals.importer import ERRORS_KEPT, ImportAborted, ImportReport, import_events
from signals.input_files import open_input
from signals.store import Store

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@contextmanager
def _rejects_writer(
    path: Path | None, keep: Mapping[Path, str]
) -> Iterator[Callable[[int, dict[str, str], str], None] | None]:
    if path is None:
        yield None
        return
    with atomic_text_file(path, keep=keep) as out:
        writer: csv.DictWriter[str] | None = None

        def write(line: int, raw: dict[str, str], reason: str) -> None:
            nonlocal writer
            row = {
                "line": str(line),
                **{k: v for k, v in raw.items() if k != "__width__"},
                "reason": reason,
            }
            if writer is None:
                writer = csv.DictWriter(
                    out, fieldnames=list(row), lineterminator="\n", extrasaction="ignore"
                )
                writer.writeheader()
            writer.writerow(row)

        yield write


@dataclass
class _Watch:
    """What the import tells the progress display: rows read and the phase it is in."""

    on_rows: Callable[[int], None] | None = None
    on_phase: Callable[[str], None] | None = None


def _file_size(text: IO[str]) -> tuple[int, int] | None:
    """The descriptor and size of a regular file, whose offset says how far it has been
    read (also by a reading process forked from this one, which shares the offset)."""
    try:
        descriptor = text.fileno()
        status = os.fstat(descriptor)
    except (AttributeError, OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size == 0:
        return None
    return descriptor, status.st_size


@contextmanager
def _progress(enabled: bool, text: IO[str]) -> Iterator[_Watch]:
    """A bar on the terminal: bytes of the file read out of its size (rows are not known
    before they are read), the rows so far and their rate, the time left, then each
    phase after the rows, so that the seconds of index building are not taken for a hang."""
    if not enabled:
        yield _Watch()
        return
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RowRate(ProgressColumn):
        """The rows read and their rate while they are read, which the later phases keep."""

        def render(self, task: Task) -> Text:
            rows, reading = int(task.fields["rows"]), float(task.fields["reading"])
            rate = f"{rows / reading:,.0f} rows/s" if reading > 0 and rows else ""
            return Text(f"{rows:,} rows {rate}".rstrip())

    sized = _file_size(text)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        RowRate(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    ) as progress:
        task = progress.add_task(
            "importing", total=sized[1] if sized else None, rows=0, reading=0.0
        )
        started = time.monotonic()

        def on_rows(rows: int) -> None:
            read = os.lseek(sized[0], 0, os.SEEK_CUR) if sized else None
            progress.update(task, completed=read, rows=rows, reading=time.monotonic() - started)

        def on_phase(phase: str) -> None:
            # Every row is in: the bar is full, and what follows is named at once.
            total = progress.tasks[0].total
            progress.update(task, description=phase, completed=total, refresh=True)

        yield _Watch(on_rows, on_phase)


def _print_errors(report: ImportReport) -> None:
    if not report.errors:
        return
    from rich.table import Table
    from rich.text import Text

    def cell(text: str) -> Text:
        # Cells come from the file: show them as text, never as rich markup or terminal codes.
        return Text(_UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text))

    table = Table(title="Invalid rows", title_justify="left")
    for column in ("line", "column", "value", "reason"):
        table.add_column(column)
    for error in report.errors:
        table.add_row(str(error.line), cell(error.column), cell(error.value), cell(error.reason))
    console = stderr_console()
    console.print(table)
    if report.rejected > len(report.errors) or len(report.errors) == ERRORS_KEPT:
        console.print(
            f"(first {len(report.errors)} problems shown; {report.rejected} rows invalid in all)"
        )


def _tell_ignored(report: ImportReport) -> None:
    if report.ignored:
        names = ", ".join(repr(name) for name in report.ignored)
        plural = len(report.ignored) > 1
        message(f"Ignored the column{'s' if plural else ''} {names} (--ignore-unknown).")


def run_import(
    store: Store,
    catalogue: Catalogue,
    file: str,
    *,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    map_file: Path | None,
    encoding: str | None,
    ignore_unknown: bool = False,
    quiet: bool,
    progress: bool = True,
    keep: Mapping[Path, str] | None = None,
) -> ImportReport:
    """Import `file` ("-" for standard input); `keep` are files the rejects file must not
    replace, besides the file being imported. Progress is shown on a terminal only, and
    not at all unless `progress` (never beside a JSON document)."""
    if rejects is not None and not skip_invalid and not dry_run:
        raise UsageError(
            "--rejects goes with --skip-invalid (or --dry-run): without it nothing is imported."
        )
    keep = dict(keep or {})
    if file != "-":
        keep[Path(file)] = "the file being imported"
    if map_file is not None and map_file.is_file():
        keep[map_file] = "the mapping"
    mapping = None
    if map_file is not None:
        from signals.mapping import load_mapping

        mapping = load_mapping(map_file, catalogue)
    text = open_input(file, encoding or (mapping.encoding if mapping else None))
    show_progress = progress and not quiet and sys.stderr.isatty()
    stopped: ImportAborted | None = None
    try:
        with (
            _rejects_writer(rejects, keep) as on_reject,
            _progress(show_progress, text) as watch,
        ):
            try:
                report = import_events(
                    store,
                    catalogue,
                    text,
                    # A CompiledMapping has RowMapping's members, but frozen: read-only,
                    # where the Protocol declares them as plain (settable) attributes.
                    mapping=mapping,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    on_reject=on_reject,
                    on_progress=watch.on_rows,
                    on_phase=watch.on_phase,
                    ignore_unknown=ignore_unknown,
                )
            except ImportAborted as aborted:
                # Nothing was written, but the rejects file is: it is what the rehearsal
                # (--dry-run) was for.
                stopped = aborted
    finally:
        if file != "-":
            text.close()
    if stopped is not None:
        _tell_ignored(stopped.report)
        _print_errors(stopped.report)
        raise stopped
    _tell_ignored(report)
    if report.rejected:
        _print_errors(report)
    if not quiet:
        prefix = "dry run: " if dry_run else ""
        message(prefix + report.summary)
    return report
