"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from signals.errors import SignalsError


@contextmanager
def atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path` and move it into place only when complete."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SignalsError(f"The directory {directory} does not exist.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as error:
        raise SignalsError(f"Cannot write to {directory}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
