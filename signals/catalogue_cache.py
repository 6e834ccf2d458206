"""Validated catalogues kept between runs, so that a command does not validate the same
file again.

Validating a catalogue builds Pydantic's validators, which costs a short command more than
the rest of its own work; a cached catalogue is one small file read. An entry is keyed by
the catalogue's bytes, the source of the model that validated it, and the Pydantic and
Python versions, so a change to any of them validates afresh. The cache is only ever a
shortcut: an entry that cannot be read, or a directory that cannot be written, is passed
over, and the catalogue is validated as if there were no cache.

Entries are pickles, so they are read only from a directory that the user alone can write
(and made so when signals creates it): anyone who could write there could already change
what the user runs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from signals import catalogue, grading, likelihoods, tripwire_models, validation
from signals.catalogue import Catalogue

# The modules whose source decides what a valid catalogue is: a change to any
# validates afresh.
_MODEL_MODULES = (catalogue, grading, likelihoods, tripwire_models, validation)
# Entries kept at most: one per catalogue file used, the least recently written go first.
MAX_ENTRIES = 16


def entry_key(catalogue_bytes: bytes) -> bytes | None:
    """What a cached catalogue must match: its bytes, and what validated them. None when
    the model's source cannot be read (an install without it), so nothing is cached."""
    import pydantic

    digest = hashlib.sha256(catalogue_bytes)
    for module in _MODEL_MODULES:
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:
            return None
    digest.update(f"{pydantic.VERSION} {sys.version}".encode())
    return digest.hexdigest().encode("ascii")


def _entry_path(directory: Path, catalogue_path: Path) -> Path:
    # One entry per catalogue file: a catalogue that changes replaces its entry.
    name = hashlib.sha256(os.fsencode(catalogue_path.resolve())).hexdigest()[:24]
    return directory / f"catalogue-{name}.pickle"


def _only_ours(path: Path) -> bool:
    """Whether nobody but this user can have written `path` (always, where POSIX owners
    and modes do not apply)."""
    if not hasattr(os, "getuid"):
        return True
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def cached(directory: Path | None, catalogue_path: Path, key: bytes | None) -> Catalogue | None:
    """The catalogue cached for this file and key, or None."""
    if directory is None or key is None:
        return None
    entry_path = _entry_path(directory, catalogue_path)
    try:
        if not (_only_ours(directory) and _only_ours(entry_path)):
            return None
        with open(entry_path, "rb") as entry:
            if entry.readline().rstrip(b"\n") != key:
                return None
            catalogue = pickle.load(entry)
    except Exception:  # any unreadable entry is a miss, never an error
        return None
    return catalogue if isinstance(catalogue, Catalogue) else None


def remember(
    directory: Path | None, catalogue_path: Path, key: bytes | None, catalogue: Catalogue
) -> None:
    """Keep a validated catalogue for the next run, if the cache directory can be written."""
    if directory is None or key is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _only_ours(directory):
            return
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".catalogue-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as entry:
                entry.write(key + b"\n")
                pickle.dump(catalogue, entry, protocol=pickle.HIGHEST_PROTOCOL)
            # Whole or not at all: a reader sees the old entry or the new one.
            os.replace(temporary, _entry_path(directory, catalogue_path))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _forget_oldest(directory)
    except (OSError, pickle.PicklingError):
        return


def _forget_oldest(directory: Path) -> None:
    entries = sorted(
        directory.glob("catalogue-*.pickle"), key=lambda entry: entry.stat().st_mtime_ns
    )
    for entry in entries[:-MAX_ENTRIES]:
        entry.unlink(missing_ok=True)
