"""Opening a database: refusing what is not ours, migrating, and the transactions every
other part of the store writes and reads in."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from signals.errors import DatabaseError
from signals.migrations import KNOWN_MIGRATIONS, MIGRATION_SET, MIGRATIONS_TABLE, migrations

BUSY_TIMEOUT_SECONDS = 30.0
# A write transaction's page cache: larger ones made a million-row import no faster
# (measured at 40 and 64 MB) and only cost memory. SQLite takes it as it needs it.
BULK_CACHE_KIB = 40 * 1024


def companion_files(path: Path) -> tuple[Path, ...]:
    """A database file and the files SQLite keeps beside it."""
    return (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoreBase:
    """The connection and the transactions that each part of `Store` works in. Writers take
    the lock up front, so concurrent analysts wait their turn instead of failing half-way."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        # The (id, version) of the catalogue the events written here were validated
        # against, recorded with them when known.
        self.catalogue: tuple[str, int] | None = None
        # Per standing indicator of that catalogue, the readings that are no position in
        # force (they fade) and so cannot be withdrawn.
        self.fading: Mapping[str, frozenset[str]] = {}
        # Write transactions committed through this connection, so that an interrupted
        # command can say truthfully whether it changed the database.
        self.commits = 0
        # Whether opening it made a new database (of a missing or empty file).
        self.created = False
        self._schema_checked = False

    @contextmanager
    def _write(self, *, rollback: bool = False, bulk: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the lock from its start; `rollback` makes it a rehearsal.
        A `bulk` one gets a page cache large enough to hold the indexes being written, instead
        of spilling pages to the log while the transaction is still open."""
        previous_cache = self._connection.execute("PRAGMA cache_size").fetchone()[0]
        if bulk:
            self._connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            self._refuse_foreign_schema()
        except sqlite3.Error as error:
            self._end_transaction()
            raise database_error(self.path, error) from None
        except BaseException:
            self._end_transaction()
            raise
        try:
            yield self._connection
        except BaseException as problem:
            # SQLite ends the transaction itself on some errors (a full disk among them).
            self._end_transaction()
            if isinstance(problem, sqlite3.Error):
                raise database_error(self.path, problem) from None
            raise
        else:
            if rollback:
                self._connection.execute("ROLLBACK")
                return
            # Ctrl-C while the commit runs would be raised once it has returned, and
            # reported as if nothing had been written: it is held until the commit is counted.
            with _interrupts_held():
                try:
                    self._connection.execute("COMMIT")
                except sqlite3.Error as error:
                    self._end_transaction()
                    raise database_error(self.path, error) from None
                self.commits += 1
        finally:
            if bulk:
                self._connection.execute(f"PRAGMA cache_size = {int(previous_cache)}")

    def writable(self) -> bool:
        """Whether this user may write the database (the test that opening makes)."""
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)

    def _refuse_foreign_schema(self) -> None:
        """Refuse to write to a database whose schema signals did not make: a trigger added
        by hand could undo each write while signals reports it done. Checked once, in
        the first write transaction, where no one can change the schema underneath."""
        if self._schema_checked:
            return
        from signals.store.schema import schema_differences

        differences = schema_differences(self._connection, applied_migrations(self._connection))
        if differences:
            raise DatabaseError(
                f"{self.path} holds a schema signals did not make ({differences[0]});"
                " signals will not write to it (`signals db check` lists every difference)."
            )
        self._schema_checked = True

    def _end_transaction(self) -> None:
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    @contextmanager
    def read(self) -> Iterator[None]:
        """One view of the database for several queries: a reader of a write-ahead log sees
        the state of its first read until the transaction ends, whatever others commit."""
        if self._connection.in_transaction:
            yield
            return
        self._connection.execute("BEGIN")
        try:
            yield
        finally:
            self._connection.execute("COMMIT")

    def close(self) -> None:
        self._connection.close()

    def schema_version(self) -> list[str]:
        return applied_migrations(self._connection)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) is noted rather than raised inside the block, then raised after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: pending.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


def database_error(path: Path, error: sqlite3.Error) -> DatabaseError:
    text = str(error)
    if "disk is full" in text or getattr(error, "sqlite_errorname", "") == "SQLITE_FULL":
        return DatabaseError(f"The disk is full: nothing was written to {path}.")
    if "file is not a database" in text or "malformed" in text:
        return DatabaseError(f"{path} is not a signals database (it is not a valid SQLite file).")
    if "readonly" in text:
        return DatabaseError(f"{path} is read-only: signals cannot write to it.")
    if "locked" in text or "busy" in text:
        return DatabaseError(f"{path} is locked by another writer; try again in a moment.")
    if "unable to open" in text:
        return DatabaseError(f"Cannot open the database {path}.")
    return DatabaseError(f"Database error in {path}: {text}.")


def applied_migrations(connection: sqlite3.Connection) -> list[str]:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not exists:
        return []
    return [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        )
    ]


def _refuse_newer(connection: sqlite3.Connection, path: Path) -> list[str]:
    """The migrations applied to the database; refused if any is unknown to this version,
    or if it is another application's database (signals would add its tables to it)."""
    applied = applied_migrations(connection)
    if not applied:
        # Tables of its own, or migrations of its own, mark another application's database.
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        others = [name for name in tables if name != MIGRATIONS_TABLE]
        if others or (
            tables and connection.execute(f"SELECT 1 FROM {MIGRATIONS_TABLE} LIMIT 1").fetchone()
        ):
            raise DatabaseError(
                f"{path} is another application's SQLite database, not a signals one;"
                " give signals a file of its own."
            )
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    if unknown:
        raise DatabaseError(
            f"{path} was written by a newer version of signals (schema {unknown[-1]});"
            " upgrade signals to use it."
        )
    return applied


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    applied = _refuse_newer(connection, path)
    if len(applied) == len(KNOWN_MIGRATIONS):
        return
    # Only a new or older database pays for importing sqlite-utils.
    from sqlite_utils import Database

    # A migration may rebuild a table that others refer to; SQLite's procedure for that
    # turns foreign keys off around the transaction and checks them before it commits.
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            migrations().apply(Database(connection))
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseError(
                    f"{path} has {len(broken)} broken references between tables;"
                    " it was not upgraded (run `signals db check`)."
                )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        # Only outside a transaction does this take effect.
        connection.execute("PRAGMA foreign_keys = ON")


def connect(path: Path, *, create: bool, create_parent: bool) -> sqlite3.Connection:
    """A connection to the migrated database at `path` (see `open_store`). Only a command
    that may create the database (`create`) makes one or changes its journal mode; the
    others read a database they cannot write read-only, and refuse a file with no schema
    rather than make it a database."""
    try:
        return _connect(path, create=create, create_parent=create_parent)
    except OSError as error:
        raise DatabaseError(f"Cannot open the database {path}: {error.strerror}.") from None


def _connect(path: Path, *, create: bool, create_parent: bool) -> sqlite3.Connection:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file.")
    if not create and not path.exists():
        raise DatabaseError(
            f"There is no database at {path}: `signals init` creates one"
            " (or check --db and SIGNALS_DB)."
        )
    if not path.parent.exists():
        if not create_parent:
            raise DatabaseError(f"The directory {path.parent} does not exist.")
        path.parent.mkdir(parents=True, exist_ok=True)
    # SQLite writes beside the file (its log and shared memory) even to read it.
    read_only = not create and not (_is_writable(path) and _is_writable(path.parent))
    try:
        if read_only:
            connection = _connect_read_only(path)
        else:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
    except sqlite3.Error as error:
        raise database_error(path, error) from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # Before anything writes (switching to WAL rewrites the header): a newer database,
        # or a file that is no database yet, is left exactly as it was.
        applied = _refuse_newer(connection, path)
        if not create and not applied:
            raise DatabaseError(
                f"{path} is not a signals database (it has no signals schema):"
                " `signals init` makes a new file one."
            )
        if read_only:
            if len(applied) < len(KNOWN_MIGRATIONS):
                raise DatabaseError(
                    f"{path} is read-only and was written by an older version of signals,"
                    " which must upgrade it first; make it writable."
                )
            return connection
        if create:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        _migrate(connection, path)
    except sqlite3.Error as error:
        connection.close()
        raise database_error(path, error) from None
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write. SQLite reads a write-ahead-log database through
    shared memory beside it, which a read-only directory cannot hold; with no log there,
    no writer is at work, and the file is read as it stands (`immutable`)."""
    uri = path.absolute().as_uri()

    def open_as(mode: str) -> sqlite3.Connection:
        return sqlite3.connect(
            f"{uri}?{mode}",
            uri=True,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
            check_same_thread=False,
        )

    connection = open_as("mode=ro")
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        connection.close()
        log = Path(f"{path}-wal")
        if getattr(error, "sqlite_errorname", "") != "SQLITE_READONLY_DIRECTORY" or (
            log.exists() and log.stat().st_size
        ):
            raise
        connection = open_as("immutable=1")
    return connection


def _is_writable(path: Path) -> bool:
    return not path.exists() or os.access(path, os.W_OK)
