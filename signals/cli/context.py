"""What every command shares: where the database and catalogue are, opened on first use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from signals.catalogue import Catalogue
    from signals.store import CatalogueUse, Store


@dataclass
class Session:
    db_path: Path | None
    catalogue_path: Path | None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)
    _catalogue: Catalogue | None = field(default=None, repr=False)

    def store(self, *, create: bool = False) -> Store:
        """The database; only a command that writes events (`create`) makes a new one, so
        that a mistyped path is an error rather than an empty database."""
        if self._store is None:
            from signals.paths import resolve_db_path
            from signals.store import open_store

            explicit = self.db_path is not None
            self._store = open_store(
                resolve_db_path(self.db_path), create=create, create_parent=not explicit
            )
            self._both_open()
        return self._store

    def store_to_rehearse(self) -> Store:
        """The database a dry run checks against: the one there is, or else an empty one
        in memory, so that a file can be checked before `init` and no database is made."""
        if self._store is None:
            from signals.paths import resolve_db_path

            path = resolve_db_path(self.db_path)
            if not path.exists():
                from signals.cli.output import message
                from signals.store import open_scratch_store

                message(f"Note: there is no database at {path} yet; rows are checked as new.")
                self._store = open_scratch_store()
                self._both_open()
        return self.store()

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from signals.catalogue_loader import load_catalogue
            from signals.paths import resolve_catalogue_path

            self._catalogue = load_catalogue(resolve_catalogue_path(self.catalogue_path))
            self._both_open()
        return self._catalogue

    def _both_open(self) -> None:
        """Once a command holds both, events it writes are recorded against this catalogue,
        and the person is told if the database's events were logged against another."""
        if self._store is None or self._catalogue is None:
            return
        info = self._catalogue.catalogue
        self._store.catalogue = (info.id, info.version)
        self._store.fading = self._catalogue.fading_readings()
        used = self._store.catalogues_used()
        if used:
            _tell_of_other_catalogues(used, info.id, info.version)

    def own_files(self) -> dict[Path, str]:
        """The files this command works from, which nothing it writes may replace."""
        from signals.paths import resolve_catalogue_path
        from signals.store import companion_files

        files = {resolve_catalogue_path(self.catalogue_path): "the catalogue"}
        if self._store is not None:
            database, *companions = companion_files(self._store.path)
            files[database] = "the database"
            files.update(dict.fromkeys(companions, "part of the database"))
        return files

    def committed(self) -> bool:
        """Whether this command has committed a change to the database."""
        return self._store is not None and self._store.commits > 0

    def close(self) -> None:
        """Close the database. One this command made is announced once something is written
        to it, so that a mistyped --db shows at once; if the command wrote nothing (it
        failed, or was interrupted), the new file is removed, and the mistake leaves no
        empty database behind."""
        if self._store is None:
            return
        store, self._store = self._store, None
        store.close()
        if not store.created:
            return
        if store.commits:
            from signals.cli.output import message

            message(f"Created a new database at {store.path}.")
            return
        from signals.store import companion_files

        for path in companion_files(store.path):
            path.unlink(missing_ok=True)


def _tell_of_other_catalogues(used: list[CatalogueUse], catalogue_id: str, version: int) -> None:
    """Warn when the database's events were logged against other catalogues, whose
    indicators this one would read wrongly or not at all; note a newer or older version."""
    from signals.cli.output import message, warning

    mine = [use for use in used if use.id == catalogue_id]
    others = [use for use in used if use.id != catalogue_id]
    if not mine:
        last = others[0]
        warning(
            f"This database's events were logged against catalogue '{last.id}' v{last.version};"
            f" you are using '{catalogue_id}' v{version} (--catalogue / SIGNALS_CATALOGUE)."
        )
        return
    if others:
        named = ", ".join(f"'{use.id}' v{use.version}" for use in others)
        warning(
            f"This database also has events logged against {named}; '{catalogue_id}' scores"
            " only the events of its own indicators."
        )
    if mine[0].version != version:
        message(
            f"Note: This database's events were last logged against v{mine[0].version} of"
            f" catalogue '{catalogue_id}'; you are using v{version}."
        )


def session(ctx: typer.Context) -> Session:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Session):
        obj = Session(db_path=None, catalogue_path=None)
        root.obj = obj
    return obj


def parse_date(value: str) -> dt.date:
    """A date on the command line: 'today', 'yesterday', or any form `signals.dates`
    reads (2024-03-10, 2024-3-10, 10 March 2024, March 10, 2024)."""
    from signals.dates import DateError, read_date

    text = value.strip().lower()
    if text == "today":
        return dt.date.today()
    if text == "yesterday":
        return dt.date.today() - dt.timedelta(days=1)
    try:
        date = read_date(value)
    except DateError as problem:
        raise typer.BadParameter(f"{problem}.") from None
    return _in_range(date, value)


# A report looks weeks back and ahead of its day: dates are kept to years it can reach.
EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(9000, 12, 31)


def _in_range(date: dt.date, value: str) -> dt.date:
    if not EARLIEST <= date <= LATEST:
        raise typer.BadParameter(
            f"'{value}' is out of range; use a date from {EARLIEST.year} to {LATEST.year}."
        )
    return date


def parse_week(value: str) -> dt.date:
    """An ISO week as YYYY-Www, returned as its Monday."""
    try:
        year, week = value.strip().upper().split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not an ISO week; use YYYY-Www, e.g. 2024-W09."
        ) from None
    return _in_range(monday, value)
