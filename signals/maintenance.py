"""Checking and backing up a database."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.migrations import KNOWN_MIGRATIONS
from signals.store import CatalogueUse, Store


@dataclass
class Findings:
    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    catalogues: list[CatalogueUse] = field(default_factory=list)


def check_database(store: Store, catalogue: Catalogue | None) -> Findings:
    findings = Findings()
    integrity = store.integrity()
    if integrity != ["ok"]:
        findings.problems.extend(f"integrity: {line}" for line in integrity)
    for table, row, parent in store.broken_references():
        findings.problems.append(
            f"foreign key: table {table} row {row} points at a missing {parent}"
        )
    findings.problems.extend(f"schema: {line}" for line in store.foreign_schema())
    applied = store.schema_version()
    findings.facts.append(f"schema: {', '.join(applied) or 'none'}")
    if tuple(applied) != KNOWN_MIGRATIONS:
        findings.problems.append(f"schema is {applied}, expected {list(KNOWN_MIGRATIONS)}")
    events = store.count()
    findings.facts.append(f"events: {events}")
    findings.catalogues = store.catalogues_used()
    findings.facts.append(
        "logged against: "
        + (
            "; ".join(
                f"catalogue '{used.id}' v{used.version}"
                f" ({used.first_used_at} to {used.last_used_at})"
                for used in findings.catalogues
            )
            or "no catalogue recorded"
        )
    )
    orphans = store.orphan_revisions()
    if orphans:
        findings.problems.append(f"{orphans} revisions belong to no event")
    gaps = store.revision_gaps()
    if gaps:
        findings.problems.append(f"{gaps} events are missing earlier revisions")
    deleted = store.deleted_events()
    if deleted:
        findings.problems.append(
            f"{deleted} events counted in the kept totals are gone: they were deleted around"
            " signals, which never deletes an event"
        )
    drifted = store.drifted_totals()
    if drifted and not deleted:
        findings.problems.append(
            f"the kept event totals of {drifted} indicator grades disagree with the events"
            " (rows written around signals?); `signals db check --repair-totals` recounts them"
        )
    if catalogue is not None:
        known = set(catalogue.by_id)
        for indicator, count in store.events_per_indicator():
            if indicator not in known:
                findings.problems.append(
                    f"{count} events point at indicator '{indicator}', which catalogue"
                    f" '{catalogue.catalogue.id}' does not have"
                )
    return findings


@dataclass(frozen=True)
class Backup:
    events: int
    pages: int


def backup_database(store: Store, path: Path, *, force: bool = False) -> Backup:
    """Copy the database to `path`, readable by whom the database is, through a new file
    of its own beside `path` (never one that exists: it could be the database)."""
    if path.exists() and not force:
        raise SignalsError(f"{path} already exists; use --force to overwrite it.")
    if not path.parent.is_dir():
        raise SignalsError(f"The directory {path.parent} does not exist.")
    if path.resolve() == store.path.resolve():
        raise SignalsError("The backup cannot overwrite the database itself.")
    mode = stat.S_IMODE(store.path.stat().st_mode)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as error:
        raise SignalsError(f"Cannot write the backup in {path.parent}: {error.strerror}.") from None
    temporary = Path(name)
    pages = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    try:
        os.fchmod(handle, mode)
        os.close(handle)
        events = store.copy_to(temporary, progress)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Backup(events=events, pages=pages)
