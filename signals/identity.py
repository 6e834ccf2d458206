"""What makes two events without an external id the same observation, and its compact hash.

The store keeps the hash, a 64-bit integer, and indexes it: eight bytes per row in the
table and in the index where a 32-character hex digest took 33. A hash can collide, so
it only finds the candidates; two events are the same when their `content_key`s are
equal, and the store compares those on every hit before it calls a row a duplicate.
"""

from __future__ import annotations

import hashlib

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
