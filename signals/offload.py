"""Run a generator in a forked child process, so that its work overlaps the caller's.

An import has two halves of about equal cost: reading and checking rows (Python) and
writing them (SQLite). In one process they take turns; with the reading half in a child
they run on two cores at once. Items cross a pipe in pickled chunks, in order.

The child never touches the caller's database connection (an import forks it once its
write lock is held), ignores Ctrl-C (the parent decides), and leaves with `os._exit`,
so nothing of the parent's state is flushed or closed twice.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Iterator
from typing import TypeVar

Item = TypeVar("Item")

CHUNK = 500
# Linux lets any user have pipes of up to 1 MiB (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1024 * 1024


def available() -> bool:
    """Forking a Python process is safe and cheap on Linux; elsewhere items stay in process."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def in_child(items: Iterator[Item], chunk: int = CHUNK) -> Iterator[Item]:
    """Start iterating `items` in a child process now; yield them in the parent, in order.

    An exception raised by `items` in the child is raised again in the parent, after the
    items that came before it. Closing the returned iterator early stops the child."""
    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which coverage does not follow
        os.close(read_end)
        _serve(items, write_end, chunk)
    os.close(write_end)
    return _receive(pid, read_end)


def _widen(pipe: int) -> None:
    """Let the child run ahead while the parent is busy: a default pipe holds 64 KiB, a
    few hundred rows, and a child blocked on a full pipe overlaps nothing."""
    import fcntl

    for size in (PIPE_BYTES, PIPE_BYTES // 4):
        try:
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, size)
        except OSError:
            continue  # above what the system lets a user ask for; try smaller
        return


def _receive(pid: int, read_end: int) -> Iterator[Item]:
    try:
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                try:
                    kind, payload = pickle.load(pipe)
                except (EOFError, pickle.UnpicklingError):
                    raise RuntimeError("the reading process ended without finishing") from None
                if kind == "items":
                    yield from payload
                elif kind == "error":
                    raise payload
                else:
                    return
    finally:
        _stop(pid)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)


def _serve(items: Iterator[object], write_end: int, chunk: int) -> None:  # pragma: no cover
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        with os.fdopen(write_end, "wb") as pipe:
            buffer: list[object] = []
            try:
                for item in items:
                    buffer.append(item)
                    if len(buffer) >= chunk:
                        pickle.dump(("items", buffer), pipe, pickle.HIGHEST_PROTOCOL)
                        buffer = []
            except Exception as error:  # every error is handed to the parent
                pickle.dump(("items", buffer), pipe, pickle.HIGHEST_PROTOCOL)
                pickle.dump(("error", _portable(error)), pipe, pickle.HIGHEST_PROTOCOL)
            else:
                pickle.dump(("items", buffer), pipe, pickle.HIGHEST_PROTOCOL)
                pickle.dump(("end", None), pipe, pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent has gone: nothing is left to tell
        code = 1
    finally:
        os._exit(code)


def _portable(error: Exception) -> Exception:
    """The error itself if it survives pickling unchanged, else one that says the same."""
    with contextlib.suppress(Exception):  # one that cannot be pickled is described instead
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    from signals.errors import SignalsError

    if isinstance(error, SignalsError):
        described = SignalsError(str(error))
        described.exit_code = error.exit_code
        return described
    return RuntimeError(f"{type(error).__name__}: {error}")
