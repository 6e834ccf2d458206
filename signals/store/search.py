"""Full-text search of events (FTS5). The index is brought up to date by the first search
after events are logged, not by every write."""

from __future__ import annotations

import sqlite3
from typing import Any

from signals.errors import DatabaseError, UsageError
from signals.migrations import SEARCH_TOKENIZER, SEARCHED_COLUMNS
from signals.store.opening import BUSY_TIMEOUT_SECONDS, StoreBase


class Search(StoreBase):
    def _search(self, query: str) -> tuple[str, list[Any]]:
        """SQL (and its parameters) selecting the ids of the events that match `query`.

        Events logged since the last search are indexed first. When that cannot be written
        (the database is read-only, or another writer holds it), they are indexed into a
        temporary table for this search alone, so the answer is the same either way."""
        indexed_to, newest = self._index_new_events()
        sql = "SELECT rowid FROM events_fts WHERE events_fts MATCH ?"
        if indexed_to >= newest:
            return sql, [query]
        self._connection.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.events_fts_tail"
            f" USING fts5({', '.join(SEARCHED_COLUMNS)}, tokenize='{SEARCH_TOKENIZER}')"
        )
        self._connection.execute("DELETE FROM temp.events_fts_tail")
        _index_for_search(self._connection, "temp.events_fts_tail", indexed_to, newest)
        tail = "SELECT rowid FROM temp.events_fts_tail WHERE events_fts_tail MATCH ?"
        return f"{sql} UNION ALL {tail}", [query, query]

    def _index_new_events(self) -> tuple[int, int]:
        """Index the events logged since the last search, without waiting for another
        writer; returns the highest event id indexed and the highest there is."""
        indexed_to, newest = self._search_backlog()
        if indexed_to >= newest:
            return indexed_to, newest
        self._connection.execute("PRAGMA busy_timeout = 0")
        try:
            with self._write() as connection:
                indexed_to, newest = self._search_backlog()
                _index_for_search(connection, "events_fts", indexed_to, newest)
                connection.execute("UPDATE events_fts_state SET indexed_to = ?", (newest,))
        except (DatabaseError, sqlite3.OperationalError):
            return indexed_to, newest
        finally:
            self._connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return newest, newest

    def _search_backlog(self) -> tuple[int, int]:
        indexed_to, newest = self._connection.execute(
            "SELECT indexed_to, (SELECT coalesce(max(id), 0) FROM events) FROM events_fts_state"
        ).fetchone()
        return int(indexed_to), int(newest)


def _index_for_search(connection: sqlite3.Connection, table: str, after: int, upto: int) -> None:
    """Add the events with ids in (after, upto] to the search table `table`."""
    columns = ", ".join(SEARCHED_COLUMNS)
    connection.execute(
        f"INSERT INTO {table} (rowid, {columns})"
        f" SELECT id, {columns} FROM events WHERE id > ? AND id <= ?",
        (after, upto),
    )


def search_query(text: str) -> str | None:
    """The FTS5 query for what an analyst typed: every word must appear, in any order, in
    the summary, notes or source; a word also finds the longer words it begins
    (`ceasefir` finds ceasefire). Case and diacritics are ignored. Each word is quoted, so
    FTS5's own syntax (quotes, AND, NEAR, *, -, ^, column:) is taken as plain text. None
    when no word has a letter or digit: nothing can match it."""
    if not text.strip():
        raise UsageError("A search needs at least one word to look for.")
    # FTS5 reads its query up to the first NUL: one there would cut a quoted word short.
    chunks = text.replace("\x00", " ").split()
    words = [word for word in chunks if any(char.isalnum() for char in word)]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)
