"""The terminal side of an import: progress, the error table, the rejects file, the summary."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
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


@contextmanager
def _progress(enabled: bool, text: IO[str]) -> Iterator[Callable[[int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("importing {task.fields[rows]} rows"),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    ) as progress:
        task = progress.add_task("import", rows=0)
        yield lambda rows: progress.update(task, rows=rows)


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
    keep: Mapping[Path, str] | None = None,
) -> ImportReport:
    """Import `file` ("-" for standard input); `keep` are files the rejects file must not
    replace, besides the file being imported."""
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
    show_progress = not quiet and sys.stderr.isatty()
    stopped: ImportAborted | None = None
    try:
        with (
            _rejects_writer(rejects, keep) as on_reject,
            _progress(show_progress, text) as on_progress,
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
                    on_progress=on_progress,
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
