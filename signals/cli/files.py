"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from signals.errors import SignalsError, UsageError

_SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


@contextmanager
def atomic_text_file(path: Path, *, keep: Mapping[Path, str] | None = None) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path` and move it into place only when complete.

    Never over a file in `keep` (what each is, for the message) nor over any SQLite
    database or write-ahead log: a report or export given the database's name by mistake
    would replace every event in it."""
    refuse_to_replace(path, keep or {})
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SignalsError(f"The directory {directory} does not exist.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as error:
        raise SignalsError(f"Cannot write to {directory}: {error.strerror}.") from None
    try:
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The mode `open(path, "w")` would leave: an existing file's own, else 0666 less the
    umask. The temporary file is created 0600, which would make a report meant to be
    shared unreadable by everyone else once it is moved into place."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        pass
    # The umask can only be read by setting it; set it straight back.
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o666 & ~umask


def refuse_to_replace(path: Path, keep: Mapping[Path, str], *, databases: bool = True) -> None:
    """Refuse a target that is one of `keep`, a SQLite database (unless `databases` may be
    replaced, as by a newer backup), or not a regular file at all: a pipe or terminal
    would be replaced by a file (or, opened to be looked at, wait forever); leaving out
    the option prints to standard output instead."""
    for kept, what in keep.items():
        if _same_file(path, kept):
            raise UsageError(f"{path} is {what}: write to another file.")
    try:
        status = path.stat()
    except (OSError, RuntimeError):  # nothing there yet (or a loop of links: found later)
        return
    if not stat.S_ISREG(status.st_mode):
        raise UsageError(
            f"{path} is not a regular file: write to a file, or leave out the option to print."
        )
    if not databases:
        return
    try:
        with open(path, "rb") as existing:
            head = existing.read(len(_SQLITE_HEADER))
    except OSError:
        return
    if head == _SQLITE_HEADER or head[:4] in _WAL_MAGIC:
        raise UsageError(f"{path} is a SQLite database: write to another file.")


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:  # one of them does not exist (yet)
        try:
            return path.resolve() == other.resolve()
        except RuntimeError:  # a loop of links, which is nothing to keep
            return False
