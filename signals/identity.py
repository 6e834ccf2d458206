"""What makes two events without an external id the same observation, and its compact hash.

The store keeps the hash, a 64-bit integer, and indexes it: eight bytes per row in the
table and in the index where a 32-character hex digest took 33. A hash can collide, so
it only finds the candidates; two events are the same when their `content_key`s are
equal, and the store compares those on every hit before it calls a row a duplicate.
"""

from __future__ import annotations

import hashlib
import sqlite3

ContentKey = tuple[str, str, str, str, str]


def content_key(
    indicator: str, summary: str, observed_at: str, source: str | None, url: str | None
) -> ContentKey:
    """The observation an event records: case and spacing of the summary and source do not
    make a new one."""
    return (
        indicator,
        " ".join(summary.split()).casefold(),
        observed_at,
        (source or "").casefold(),
        url or "",
    )


def digest(text: str) -> int:
    """The first eight bytes of the text's SHA-256, as a signed 64-bit integer (SQLite's)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big", signed=True)


def fingerprint(
    indicator: str, summary: str, observed_at: str, source: str | None, url: str | None
) -> int:
    """Find the same observation across imports when no external id is given (see
    `content_key`); equal keys have equal fingerprints, not always the reverse."""
    return digest("\x1f".join(content_key(indicator, summary, observed_at, source, url)))


# The SQL function the store's duplicate checks call on a fingerprint hit: the stored
# event's content columns, then the new row's.
SAME_CONTENT = "signals_same_content"


def _same_content(*columns: str | None) -> bool:
    stored, given = columns[:5], columns[5:]
    if stored[0] is None or stored[1] is None or stored[2] is None:
        return False
    if given[0] is None or given[1] is None or given[2] is None:
        return False
    return content_key(stored[0], stored[1], stored[2], stored[3], stored[4]) == content_key(
        given[0], given[1], given[2], given[3], given[4]
    )


def teach_same_content(connection: sqlite3.Connection) -> None:
    """Let `connection` run `SAME_CONTENT(indicator, summary, observed_at, source, url,
    ?, ?, ?, ?, ?)`: whether a stored event records the same observation as a new row."""
    connection.create_function(SAME_CONTENT, 10, _same_content, deterministic=True)
