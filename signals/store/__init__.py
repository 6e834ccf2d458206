"""The only package that speaks SQL: a module for each job the database does for signals,
combined here into the `Store` that every other module is handed."""

from __future__ import annotations

from pathlib import Path

from signals.store.alerts import Alerts
from signals.store.bulk import Bulk, BulkImport
from signals.store.catalogues import Catalogues, CatalogueUse
from signals.store.checks import Checks
from signals.store.events import EventFilter, Events
from signals.store.evidence_reads import EvidenceReads
from signals.store.forecasts import Forecasts
from signals.store.opening import companion_files, connect, utc_now
from signals.store.search import search_query
from signals.store.totals import Totals
from signals.store.trend_days import RecordState, TrendDays

__all__ = [
    "BulkImport",
    "CatalogueUse",
    "EventFilter",
    "RecordState",
    "Store",
    "companion_files",
    "open_scratch_store",
    "open_store",
    "search_query",
    "utc_now",
]


class Store(Events, Bulk, EvidenceReads, Totals, Catalogues, Checks, Alerts, Forecasts, TrendDays):
    """An open signals database."""


def open_store(path: Path, *, create: bool = True, create_parent: bool = False) -> Store:
    """Open and migrate the database at `path`, creating it if `create`."""
    try:
        new = create and (not path.exists() or path.stat().st_size == 0)
    except OSError:
        new = False  # `connect` says what is wrong with the path
    store = Store(connect(path, create=create, create_parent=create_parent), path)
    store.created = new
    return store


SCRATCH = Path(":memory:")


def open_scratch_store() -> Store:
    """An empty database in memory, gone when closed: what a rehearsal checks a file
    against where there is no database yet, so that none is made."""
    return Store(connect(SCRATCH, create=True, create_parent=False), SCRATCH)
