"""Datasette serves a signals database with the shipped metadata: titles, descriptions,
column descriptions, sort order, facets, and the bookkeeping table hidden."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from signals.paths import data_dir
from tests.conftest import DEMO_CSV

datasette_app = pytest.importorskip("datasette.app")
datasette_utils = pytest.importorskip("datasette.utils")

METADATA_FILE = data_dir() / "datasette" / "metadata.yaml"
FACETS = ("indicator", "reliability", "credibility", "status")
# What the test logs and then corrects: the facets must count the corrected values.
LOGGED = {"indicator": "ceasefire-unilateral", "reliability": "D", "credibility": "4"}
CORRECTED = {
    "indicator": "ceasefire-verification",
    "reliability": "B",
    "credibility": "2",
    "status": "confirmed",
}


def load_metadata() -> dict[str, Any]:
    metadata: dict[str, Any] = datasette_utils.parse_metadata(
        METADATA_FILE.read_text(encoding="utf-8")
    )
    return metadata


class Page(HTMLParser):
    """The parts of a Datasette page that metadata fills in."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.heading = ""
        self.description = ""
        # The list above the table, and the tooltips Datasette puts on column headers.
        self.column_descriptions: dict[str, str] = {}
        self.header_descriptions: dict[str, str] = {}
        self._into: str | None = None
        self._term = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h1" and not self.heading:
            self._into = "heading"
        elif tag == "div" and found.get("class") == "metadata-description":
            self._into = "description"
        elif tag == "dl" and found.get("class") == "column-descriptions":
            self._into = "columns"
        elif tag in ("dt", "dd") and self._into in ("columns", "dt", "dd"):
            self._into = tag
        elif tag == "th" and "data-column-description" in found:
            self.header_descriptions[found["data-column"] or ""] = (
                found["data-column-description"] or ""
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in ("dt", "dd") and self._into == tag:
            self._into = "columns"
        elif tag in ("h1", "div", "dl"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into == "heading":
            self.heading += data.strip()
        elif self._into == "description":
            self.description += data.strip()
        elif self._into == "dt":
            self._term = data.strip()
        elif self._into == "dd":
            self.column_descriptions[self._term] = data.strip()


def fetch(database: Path, *paths: str) -> list[Any]:
    """Datasette's own in-process client, as `datasette DB -m metadata.yaml` would serve."""
    ds = datasette_app.Datasette([str(database)], metadata=load_metadata())

    async def get_all() -> list[Any]:
        responses = [await ds.client.get(path) for path in paths]
        for path, response in zip(paths, responses, strict=True):
            assert response.status_code == 200, (path, response.text[:500])
        return responses

    return asyncio.run(get_all())


@pytest.fixture
def database(signals, db_path: Path) -> Path:
    """The demo events, plus one event logged then corrected, one demo event retracted, a
    forecast kept and a resolution, and the alerts of a check, one acknowledged."""
    assert db_path.name == "signals.db", "the metadata describes a database named signals"
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    logged = signals.json(
        "log",
        LOGGED["indicator"],
        "Shelling pauses along the Zaporizhzhia line",
        "--observed",
        "2024-06-01",
        "-r",
        LOGGED["reliability"],
        "-c",
        LOGGED["credibility"],
    )
    assert isinstance(logged, dict)
    edited = signals(
        "events",
        "edit",
        str(logged["id"]),
        "--indicator",
        CORRECTED["indicator"],
        "-r",
        CORRECTED["reliability"],
        "-c",
        CORRECTED["credibility"],
        "--status",
        CORRECTED["status"],
        "--reason",
        "Graded again after the wire copy",
        "--by",
        "desk",
    )
    assert edited.exit_code == 0, edited.stderr
    retracted = signals(
        "events", "retract", "1", "--reason", "Duplicate of a wire report", "--analyst", "desk"
    )
    assert retracted.exit_code == 0, retracted.stderr
    # The record to learn from: a week's figures kept, and what held.
    kept = signals("forecasts", "record", "--as-of", "2024-06-30")
    assert kept.exit_code == 0, kept.stderr
    resolved = signals("forecasts", "resolve", "--hypothesis", "ploy", "--from", "2024-06-01")
    assert resolved.exit_code == 0, resolved.stderr
    # A check that fires, and an alert acknowledged, so that every table has rows to show.
    assert signals("check", "--as-of", "2024-06-01").exit_code == 10
    assert signals("alerts", "ack", "1", "--note", "Briefed the desk").exit_code == 0
    return db_path


def described_tables(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = metadata["databases"]["signals"]["tables"]
    return tables


def test_the_database_and_its_tables_carry_the_metadata_titles_and_descriptions(database):
    metadata = load_metadata()
    visible = {name: t for name, t in described_tables(metadata).items() if not t.get("hidden")}
    paths = ["/", "/signals", *(f"/signals/{name}" for name in visible)]
    index, database_page, *table_pages = (Page(r.text) for r in fetch(database, *paths))

    assert (index.heading, index.description) == (metadata["title"], metadata["description"])
    signals_db = metadata["databases"]["signals"]
    assert (database_page.heading, database_page.description) == (
        signals_db["title"],
        signals_db["description"],
    )
    for (name, table), page in zip(visible.items(), table_pages, strict=True):
        assert (page.heading, page.description) == (table["title"], table["description"]), name
        assert page.column_descriptions == table["columns"], name
        assert page.header_descriptions, name
        assert page.header_descriptions.items() <= table["columns"].items(), name


def test_the_bookkeeping_table_is_hidden_and_every_table_shown_is_described(database):
    (response,) = fetch(database, "/signals.json")
    served = {table["name"]: table["hidden"] for table in response.json()["tables"]}
    described = described_tables(load_metadata())

    assert served["_sqlite_migrations"] is True
    shown = {name for name, hidden in served.items() if not hidden}
    assert shown == {name for name, table in described.items() if not table.get("hidden")}
    assert {"events", "event_revisions", "retractions"} <= shown


def test_event_facets_count_the_current_revision_of_every_event(database):
    with DEMO_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {facet: Counter(row[facet] for row in rows) for facet in FACETS}
    for facet in FACETS:
        expected[facet][CORRECTED[facet]] += 1

    (response,) = fetch(database, "/signals/events.json?_size=0")
    results = response.json()["facet_results"]

    assert set(results) == set(FACETS)
    for facet in FACETS:
        assert not results[facet]["truncated"], facet
        counted = {item["value"]: item["count"] for item in results[facet]["results"]}
        assert counted == dict(expected[facet]), facet


def test_revision_and_retraction_facets_count_what_sqlite_holds(database):
    connection = sqlite3.connect(database)
    try:
        expected = {
            (table, facet): dict(
                connection.execute(f"SELECT {facet}, count(*) FROM {table} GROUP BY {facet}")
            )
            for table, facet in (
                ("event_revisions", "indicator"),
                ("event_revisions", "status"),
                ("retractions", "analyst"),
            )
        }
    finally:
        connection.close()
    assert expected["event_revisions", "indicator"] == {LOGGED["indicator"]: 1}

    revisions, retractions = fetch(
        database, "/signals/event_revisions.json?_size=0", "/signals/retractions.json?_size=0"
    )
    served = {
        ("event_revisions", facet): result
        for facet, result in revisions.json()["facet_results"].items()
    } | {
        ("retractions", facet): result
        for facet, result in retractions.json()["facet_results"].items()
    }
    assert set(served) == set(expected)
    for key, result in served.items():
        assert {item["value"]: item["count"] for item in result["results"]} == expected[key], key


def test_events_are_listed_newest_observation_first(database):
    (response,) = fetch(database, "/signals/events.json?_shape=array&_size=max")
    observed = [row["observed_at"] for row in response.json()]
    assert len(observed) == len(DEMO_CSV.read_text(encoding="utf-8").splitlines())
    assert observed == sorted(observed, reverse=True)
    assert observed != sorted(observed)


def test_the_documented_command_serves_the_metadata(database):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "datasette",
            str(database),
            "-m",
            str(METADATA_FILE),
            "--get",
            "/signals/events",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    page = Page(completed.stdout)
    events = described_tables(load_metadata())["events"]
    assert page.heading == events["title"]
    assert page.column_descriptions == events["columns"]
    assert page.header_descriptions.items() <= events["columns"].items()


def test_the_metadata_matches_the_schema_signals_creates(signals, db_path: Path):
    assert signals("init").exit_code == 0
    connection = sqlite3.connect(db_path)
    try:
        schema = {
            table: [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            for (table,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    finally:
        connection.close()

    for database_name, described in load_metadata()["databases"].items():
        for table, table_metadata in described["tables"].items():
            assert table in schema, f"{database_name}: no table {table}"
            columns = table_metadata.get("columns")
            if columns is None:
                continue
            # Every column an analyst sees is explained, and nothing explained is gone.
            assert list(columns) == schema[table], f"{database_name}.{table}"
            assert all(isinstance(text, str) and text.strip() for text in columns.values())
    assert "columns" in described_tables(load_metadata())["events"]
