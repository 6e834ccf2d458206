"""What every command shares: where the database and catalogue are, opened on first use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from signals.catalogue import Catalogue
    from signals.storage import Store


@dataclass
class Session:
    db_path: Path | None
    catalogue_path: Path | None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)
    _catalogue: Catalogue | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            from signals.paths import resolve_db_path
            from signals.storage import open_store

            explicit = self.db_path is not None
            self._store = open_store(resolve_db_path(self.db_path), create_parent=not explicit)
        return self._store

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from signals.catalogue import load_catalogue
            from signals.paths import resolve_catalogue_path

            self._catalogue = load_catalogue(resolve_catalogue_path(self.catalogue_path))
        return self._catalogue

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def session(ctx: typer.Context) -> Session:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Session):
        obj = Session(db_path=None, catalogue_path=None)
        root.obj = obj
    return obj


def parse_date(value: str) -> dt.date:
    """A date on the command line: YYYY-MM-DD, or 'today' / 'yesterday'."""
    text = value.strip().lower()
    if text == "today":
        return dt.date.today()
    if text == "yesterday":
        return dt.date.today() - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD.") from None


def parse_week(value: str) -> dt.date:
    """An ISO week as YYYY-Www, returned as its Monday."""
    try:
        year, week = value.strip().upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not an ISO week; use YYYY-Www, e.g. 2024-W09."
        ) from None
