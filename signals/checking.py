"""`signals check`: score a day as `status` does, compare it with what the last check saw,
and record the tripwires that fired, so that each crossing is reported once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signals.alerts import Alert, CheckRecord, NewAlert
from signals.assess import assess
from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.store import Store
from signals.tripwires import Firing, Snapshot, baseline, evaluate, snapshot


@dataclass(frozen=True)
class CheckOutcome:
    as_of: dt.date
    as_known: bool
    # The check this one was compared with; None for the first, which is compared with
    # the state with nothing on record.
    previous: CheckRecord | None
    state: Snapshot
    fired: tuple[Firing, ...]
    # The alerts recorded, one per firing; none when the check was not recorded.
    alerts: tuple[Alert, ...]
    # A day after this one already checked: a replay of an earlier day is shown, not
    # recorded, so the record of what fired and when stays in the order it happened.
    checked_later: dt.date | None = None

    @property
    def recorded(self) -> bool:
        return self.checked_later is None


def _seen(check: CheckRecord) -> Snapshot:
    try:
        return Snapshot.from_json(check.state)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise SignalsError(
            f"The state check #{check.id} recorded cannot be read, so nothing can be compared"
            " with it; the database was changed by hand (`signals db check`)."
        ) from None


def run_check(
    store: Store, catalogue: Catalogue, as_of: dt.date, *, as_known: bool = False
) -> CheckOutcome:
    """Check the tripwires of `catalogue` at `as_of` against the last check of an earlier
    day or the same one, and record what fired unless a later day was checked already."""
    info = catalogue.catalogue
    with store.read():
        previous = store.last_check(info.id, as_of)
        checked_later = store.checked_after(info.id, as_of)
        result = assess(store, catalogue, as_of, as_known=as_known, confidence=False)
    now = snapshot(result)
    before = baseline(catalogue, as_of) if previous is None else _seen(previous)
    fired = tuple(evaluate(catalogue, before, now))
    if checked_later is not None:
        return CheckOutcome(as_of, as_known, previous, now, fired, (), checked_later)
    alerts = store.record_check(
        (info.id, info.version),
        as_of,
        as_known=as_known,
        state=now.to_json(),
        fired=[NewAlert(f.tripwire, f.severity, f.message, f.detail) for f in fired],
        previous=None if previous is None else previous.id,
    )
    return CheckOutcome(as_of, as_known, previous, now, fired, tuple(alerts))
