"""Full-text search of events: words of summaries, notes and sources, kept in step with edits
and retractions, caught up after imports, and safe for any text an analyst types."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from signals.catalogue import Catalogue
from signals.errors import UsageError
from signals.events import InvalidEventError, parse_event
from signals.migrations import migrations
from signals.store import EventFilter, Store, open_store, search_query
from tests.conftest import DEMO_CSV
from tests.strength import examples


def log(signals, indicator: str, summary: str, *options: str) -> int:
    logged = signals.json("log", indicator, summary, *options)
    assert isinstance(logged, dict)
    return int(logged["id"])


def found(signals, *options: str) -> list[int]:
    listed = signals.json("events", "list", *options)
    assert isinstance(listed, list)
    return [event["id"] for event in listed]


def indexed_to(db_path: Path) -> int:
    connection = sqlite3.connect(db_path)
    try:
        return int(connection.execute("SELECT indexed_to FROM events_fts_state").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def events(signals) -> dict[str, int]:
    return {
        "envoy": log(
            signals,
            "backchannel-intelligence",
            "SVR officers met CIA counterparts in Abu Dhabi",
            "--observed",
            "2024-03-05",
            "--source",
            "Reuters",
            "--notes",
            "Two officials quoted, unnamed; the ceasefire was discussed",
        ),
        "ceasefire": log(
            signals,
            "ceasefire-unilateral",
            "Moscow announces a unilateral ceasefire along the Zaporizhzhia line",
            "--observed",
            "2024-06-01",
            "--source",
            "TASS",
        ),
        "zelensky": log(
            signals,
            "declaration-intent",
            "Zelenský welcomes the Kremlin's declaration",
            "--observed",
            "2024-05-15",
            "--notes",
            "Reported by Ukrainska Pravda",
        ),
    }


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("abu dhabi", ["envoy"]),
        ("Dhabi ABU", ["envoy"]),
        ("unnamed", ["envoy"]),
        ("reuters", ["envoy"]),
        ("ceasefire", ["envoy", "ceasefire"]),
        ("ceasefir", ["envoy", "ceasefire"]),
        ("ceasefire zaporizhzhia", ["ceasefire"]),
        ("ceasefire kremlin", []),
        ("zelensky", ["zelensky"]),
        ("ZELENSKÝ pravda", ["zelensky"]),
        ("kremlin's", ["zelensky"]),
        ("efire", []),
    ],
)
def test_search_finds_every_word_in_summary_notes_or_source(signals, events, words, expected):
    assert found(signals, "--search", words) == [events[name] for name in expected]


def test_search_combines_with_the_other_filters(signals, events) -> None:
    both = [events["envoy"], events["ceasefire"]]
    assert found(signals, "--search", "ceasefire") == both
    assert found(signals, "--search", "ceasefire", "--indicator", "ceasefire-unilateral") == [
        events["ceasefire"]
    ]
    assert found(signals, "--search", "ceasefire", "--since", "2024-04-01") == [events["ceasefire"]]
    assert found(signals, "--search", "ceasefire", "--until", "2024-04-01") == [events["envoy"]]
    assert found(signals, "--search", "ceasefire", "--limit", "1") == [events["envoy"]]


def test_search_syntax_is_read_as_plain_words(signals, events) -> None:
    for text in ('"', "AND(", "-", "*", "NEAR(", "summary:", "^", "'", '"abu'):
        result = signals("events", "list", "--search", text, "--json")
        assert result.exit_code == 0, (text, result.stderr)
    assert found(signals, "--search", '"abu" dhabi*') == [events["envoy"]]
    assert found(signals, "--search", "NOT ceasefire") == []


def test_a_search_with_no_word_matches_nothing(signals, events) -> None:
    result = signals("events", "list", "--search", "% _ --")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "No events match.\n"


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_search_is_a_usage_error(signals, events, text) -> None:
    result = signals("events", "list", "--search", text)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: A search needs at least one word to look for.\n"


def test_the_search_help_says_how_words_match(signals) -> None:
    result = signals("events", "list", "--help")
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "hold every one of these words" in text
    assert "ceasefir finds ceasefire" in text


def edit_summary(signals, event_id: int, summary: str) -> None:
    result = signals("events", "edit", str(event_id), "--summary", summary)
    assert result.exit_code == 0, result.stderr


def test_an_edit_after_indexing_replaces_the_old_words(signals, db_path, events) -> None:
    event_id = events["ceasefire"]
    assert found(signals, "--search", "zaporizhzhia") == [event_id]
    assert indexed_to(db_path) >= event_id

    edit_summary(signals, event_id, "Moscow announces a truce around Kherson")

    assert found(signals, "--search", "zaporizhzhia") == []
    assert found(signals, "--search", "unilateral") == []
    assert found(signals, "--search", "truce kherson") == [event_id]
    edit_summary(signals, event_id, "Moscow announces a pause around Kherson")
    assert found(signals, "--search", "truce") == []
    assert found(signals, "--search", "pause kherson") == [event_id]


def test_an_edit_before_indexing_is_indexed_as_it_then_reads(signals, db_path, events) -> None:
    event_id = events["ceasefire"]
    assert indexed_to(db_path) < event_id, "no search has indexed the event yet"

    edit_summary(signals, event_id, "Moscow announces a truce around Kherson")

    assert found(signals, "--search", "zaporizhzhia") == []
    assert found(signals, "--search", "truce kherson") == [event_id]
    assert indexed_to(db_path) >= event_id


def test_a_retracted_event_leaves_the_results(signals, events) -> None:
    event_id = events["ceasefire"]
    assert found(signals, "--search", "zaporizhzhia") == [event_id]
    result = signals("events", "retract", str(event_id), "--reason", "Source withdrew it")
    assert result.exit_code == 0, result.stderr

    assert found(signals, "--search", "zaporizhzhia") == []
    assert found(signals, "--search", "zaporizhzhia", "--include-retracted") == [event_id]


def test_imported_events_are_found(signals, db_path, events) -> None:
    assert found(signals, "--search", "zelensky") == [events["zelensky"]]
    before = indexed_to(db_path)
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr
    # Importing indexes nothing: the next search does.
    assert indexed_to(db_path) == before

    tucker = found(signals, "--search", "tucker carlson")
    assert tucker
    shown = signals.json("events", "show", str(tucker[0]))
    assert isinstance(shown, dict)
    assert "Carlson" in shown["summary"] + (shown["notes"] or "")
    assert indexed_to(db_path) == max(found(signals, "--include-retracted"))


def test_a_locked_database_is_searched_without_waiting(signals, db_path, events) -> None:
    """While another writer holds the database, a search cannot index what is new: it
    looks through the new events for itself, and leaves the indexing to a later search."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert found(signals, "--search", "zaporizhzhia") == [events["ceasefire"]]
        assert found(signals, "--search", "ceasefir", "--since", "2024-04-01") == [
            events["ceasefire"]
        ]
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert indexed_to(db_path) < events["ceasefire"]
    assert found(signals, "--search", "zaporizhzhia") == [events["ceasefire"]]
    assert indexed_to(db_path) >= events["ceasefire"]


def test_a_read_only_database_is_searched(signals, db_path, events) -> None:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    store = Store(connection, db_path)
    try:
        hits = store.find(EventFilter(search="zelensky pravda"))
        assert [event.id for event in hits] == [events["zelensky"]]
        assert store.find(EventFilter(search="kherson")) == []
    finally:
        store.close()
    assert indexed_to(db_path) < events["zelensky"]


def test_the_migration_indexes_the_events_already_there(tmp_path: Path) -> None:
    path = tmp_path / "before-search.db"
    db = Database(path)
    migrations().apply(db, stop_before="m004_event_search")
    for number, summary in enumerate(("Kremlin hints at talks", "Prisoner exchange in Doha")):
        db.conn.execute(
            "INSERT INTO events (indicator, summary, observed_at, reliability, credibility,"
            " status, notes, fingerprint, logged_at, revised_at)"
            " VALUES ('release-detainees', ?, '2024-02-20', 'B', '2', 'reported', ?, ?,"
            " '2024-02-21T08:00:00Z', '2024-02-21T08:00:00Z')",
            (summary, f"note {number}", f"fp-{number}"),
        )
    db.conn.commit()
    db.close()

    store = open_store(path)
    try:
        assert indexed_to(path) == 2
        assert [event.summary for event in store.find(EventFilter(search="doha"))] == [
            "Prisoner exchange in Doha"
        ]
        assert [event.id for event in store.find(EventFilter(search="kremlin note"))] == [1]
    finally:
        store.close()


def test_datasette_offers_the_search_index(signals, db_path, events) -> None:
    """The index is declared with content="events", which Datasette recognises."""
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    found(signals, "--search", "ceasefire")
    ds = datasette_app.Datasette([str(db_path)])

    async def search() -> list[int]:
        response = await ds.client.get("/signals/events.json?_search=ceasefire&_shape=array")
        assert response.status_code == 200, response.text[:300]
        return [row["id"] for row in response.json()]

    assert sorted(asyncio.run(search())) == [events["envoy"], events["ceasefire"]]


# -- any text at all ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(tmp_path_factory.mktemp("search") / "property.db")
    yield opened
    opened.close()


_external_ids = itertools.count()


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40))
def test_no_text_is_an_fts_syntax_error(store: Store, text: str) -> None:
    try:
        query = search_query(text)
    except UsageError:
        assert not text.strip()
        return
    store.find(EventFilter(search=text))
    if query is not None:
        with closing(sqlite3.connect(store.path)) as connection:
            connection.execute(
                "SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", (query,)
            ).fetchone()


# Letters, digits, marks, punctuation and symbols of the scripts analysts meet; characters
# newer than SQLite's Unicode tables (a few vowel signs, at U+19B0 and later) are no part
# of any word to its tokenizer.
_SUMMARY_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "M", "P", "S", "Zs"), max_codepoint=0x17FF),
    min_size=1,
    max_size=60,
)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=_SUMMARY_TEXT, data=st.data())
def test_a_word_of_a_summary_finds_its_event(
    store: Store, catalogue: Catalogue, summary: str, data: st.DataObject
) -> None:
    fields = {
        "indicator": "nuclear-threats",
        "summary": summary,
        "observed_at": "2024-01-01",
        "external_id": f"property-{next(_external_ids)}",
    }
    try:
        event = store.log(parse_event(fields, catalogue))
    except InvalidEventError:  # a summary the model refuses is not this test's concern
        return
    words = [word for word in event.summary.split() if any(c.isalnum() for c in word)]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    hits = store.find(EventFilter(search=word, indicator="nuclear-threats"))
    assert event.id in [hit.id for hit in hits]
    if len(words) > 1:
        hits = store.find(EventFilter(search=" ".join(reversed(words))))
        assert event.id in [hit.id for hit in hits]
