"""The schema signals made: what its migrations create, to refuse a database that holds
anything else (a trigger, view or index added by hand runs on every write unseen)."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from typing import Any

from signals.migrations import MIGRATION_FUNCTIONS, MIGRATIONS_TABLE

# (type, name, its SQL with the white space between words made one space)
SchemaEntry = tuple[str, str, str]


class _Executor:
    """The one method of sqlite-utils' `Database` the migrations call: applying them to a
    blank database in memory takes a few milliseconds, importing sqlite-utils a hundred."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.conn = connection

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters or ())


@functools.cache
def expected_schema(applied: tuple[str, ...]) -> frozenset[SchemaEntry]:
    """The schema of a database made by the migrations `applied`, in order."""
    functions = {function.__name__: function for function in MIGRATION_FUNCTIONS}
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        try:
            for name in applied:
                functions[name](_Executor(connection))  # type: ignore[arg-type]
        except AttributeError:
            # A migration that uses more of sqlite-utils than `execute`.
            connection.close()
            connection = sqlite3.connect(":memory:", isolation_level=None)
            _apply_with_sqlite_utils(connection, [functions[name] for name in applied])
        schema = actual_schema(connection)
    finally:
        connection.close()
    return schema


def _apply_with_sqlite_utils(connection: sqlite3.Connection, functions: Sequence[Any]) -> None:
    from sqlite_utils import Database

    database = Database(connection)
    for function in functions:
        function(database)


def actual_schema(connection: sqlite3.Connection) -> frozenset[SchemaEntry]:
    """Every table, view, trigger and index of the main database but SQLite's own, and
    the table (and its index) in which sqlite-utils records the migrations, which are
    its own to define."""
    return frozenset(
        (kind, name, " ".join((sql or "").split()))
        for kind, name, table, sql in connection.execute(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master"
            " WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"
        )
        if not (table == MIGRATIONS_TABLE and kind in ("table", "index"))
    )


def schema_differences(connection: sqlite3.Connection, applied: Sequence[str]) -> list[str]:
    """What the database's schema has that signals did not make, or lacks, one line each."""
    expected = expected_schema(tuple(applied))
    actual = actual_schema(connection)
    expected_names = {(kind, name) for kind, name, _sql in expected}
    actual_names = {(kind, name) for kind, name, _sql in actual}
    lines = []
    for kind, name, _sql in sorted(actual - expected):
        if (kind, name) in expected_names:
            lines.append(f"the {kind} {name!r} is not defined as signals made it")
        else:
            lines.append(f"the {kind} {name!r} was not made by signals")
    lines += [
        f"the {kind} {name!r} that signals made is missing"
        for kind, name in sorted(expected_names - actual_names)
    ]
    return lines
