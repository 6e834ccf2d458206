"""The evidence read as aggregates in SQL is the evidence the pure scorer would group.

`status` and `report` read one row per indicator, grade and status from SQL instead of
every event; `--as-known` groups every revision in Python with `classify`. Both must give
the same classes, or the same database would score two ways."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.assess import classes_reader
from signals.catalogue_loader import load_catalogue
from signals.events import parse_event
from signals.evidence import classify
from signals.paths import default_catalogue_path
from signals.store import open_store
from tests.conftest import open_store_seen
from tests.strength import examples

CATALOGUE = load_catalogue(default_catalogue_path())
INDICATORS = ["declaration-intent", "pause-to-rearm", "backchannel-informal"]
START = dt.date(2024, 1, 1)

events = st.lists(
    st.tuples(
        st.sampled_from(INDICATORS),
        st.integers(0, 60),  # observed, days after START: few dates, so ties happen
        st.sampled_from("AB"),
        st.sampled_from("12"),
        st.sampled_from(["reported", "confirmed", "refuted"]),
        st.sampled_from(["keep", "keep", "keep", "retract", "edit"]),
    ),
    min_size=1,
    max_size=40,
)
days = st.lists(st.integers(-5, 70), min_size=1, max_size=5, unique=True)


def key(item):  # type: ignore[no-untyped-def]
    return (item.indicator, item.reliability, item.credibility, item.status)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=events, offsets=days)
def test_sql_aggregates_match_the_pure_grouping(
    tmp_path_factory, events: list, offsets: list[int]
) -> None:
    store = open_store(tmp_path_factory.mktemp("db") / "signals.db")
    try:
        for number, (indicator, day, reliability, credibility, status, fate) in enumerate(events):
            fields = {
                "indicator": indicator,
                "summary": f"Event number {number}",
                "observed_at": (START + dt.timedelta(days=day)).isoformat(),
                "reliability": reliability,
                "credibility": credibility,
                "status": status,
            }
            event = store.log(parse_event(fields, CATALOGUE, dt.date(2030, 1, 1)))
            if fate == "retract":
                store.retract(event.id, "withdrawn")
            elif fate == "edit":
                moved = {**fields, "observed_at": (START + dt.timedelta(days=day // 2)).isoformat()}
                store.edit(event.id, parse_event({**moved, "reliability": "C"}, CATALOGUE))
        wanted = sorted(START + dt.timedelta(days=offset) for offset in offsets)
        read = classes_reader(store, CATALOGUE, wanted, as_known=False)
        for day in wanted:
            from_sql = sorted(read(day), key=key)
            grouped = sorted(classify(store.evidence(day), day), key=key)
            assert from_sql == grouped, day
    finally:
        store.close()


@pytest.mark.parametrize("logged_before", [1, 40])  # the import is most of the table, or not
def test_imported_events_are_counted_in_the_totals(tmp_path, logged_before: int) -> None:  # type: ignore[no-untyped-def]
    from signals.importer import import_events
    from signals.paths import data_dir

    store = open_store(tmp_path / "signals.db")
    try:
        for number in range(logged_before):
            fields = {
                "indicator": "nuclear-threats",
                "summary": f"Logged first, number {number}",
                "observed_at": "2024-02-01",
            }
            store.log(parse_event(fields, CATALOGUE))
        with (data_dir() / "demo" / "events.csv").open(encoding="utf-8", newline="") as text:
            report = import_events(store, CATALOGUE, text, today=dt.date(2030, 1, 1))
        assert report.inserted == 27
        assert store.drifted_totals() == 0
        day = dt.date(2024, 6, 20)
        from_sql = sorted(classes_reader(store, CATALOGUE, [day], as_known=False)(day), key=key)
        assert from_sql == sorted(classify(store.evidence(day), day), key=key)
        assert sum(item.events for item in from_sql) == store.count()
    finally:
        store.close()


def test_the_classes_of_a_day_come_from_one_view_of_the_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Another analyst's commit between the queries must not mix two states: counts
    that go negative, or a class the totals have not seen yet."""
    path = tmp_path / "signals.db"
    other = open_store(path)

    def event(number: int, reliability: str) -> object:
        fields = {
            "indicator": "declaration-intent",
            "summary": f"Declaration number {number}",
            "observed_at": "2024-03-01",
            "reliability": reliability,
        }
        return parse_event(fields, CATALOGUE)

    class WritesMidway:
        """The store's connection, with another analyst committing after its first query
        once armed."""

        def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
            self.connection = connection
            self.armed = False
            self.written = False

        def execute(self, sql, *args):  # type: ignore[no-untyped-def]
            cursor = self.connection.execute(sql, *args)
            if self.armed and "evidence_totals" in sql and not self.written:
                self.written = True
                rows = cursor.fetchall()
                for number in range(3):
                    other.log(event(100 + number, "C"))  # type: ignore[arg-type]
                return iter(rows)
            return cursor

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(self.connection, name)

    store, connection = open_store_seen(path, wrap=WritesMidway)
    try:
        store.log(event(1, "A"))  # type: ignore[arg-type]
        day = dt.date(2024, 6, 1)
        connection.armed = True
        classes = store.evidence_classes([day])[day]
        assert connection.written
        assert [(c.reliability, c.events) for c in classes] == [("A", 1)]
    finally:
        store.close()
        other.close()
