"""The records of the warning routine: a check, and an alert (a tripwire that fired at
one), with its acknowledgement. The store reads and writes them; reports show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckRecord:
    """One check: the day it scored, when it ran, and the state it saw (as JSON)."""

    id: int
    catalogue: str
    catalogue_version: int
    as_of: dt.date
    as_known: bool
    checked_at: str
    state: str
    fired: int


@dataclass(frozen=True)
class Alert:
    """A tripwire that fired at a check, and its acknowledgement once an analyst gave one."""

    id: int
    check_id: int
    catalogue: str
    as_of: dt.date
    fired_at: str
    tripwire: str
    severity: str
    message: str
    detail: str
    acknowledged_at: str | None = None
    note: str | None = None
    analyst: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


@dataclass(frozen=True)
class NewAlert:
    """What a check records of a tripwire that fired."""

    tripwire: str
    severity: str
    message: str
    detail: str
